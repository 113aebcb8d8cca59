"""Runs every legacy case on a sync Session and its migrated twin on an AsyncSession (aiosqlite),
each on a fresh copy of the seeded database, and prints one JSON verdict per case.

usage: python3 harness.py LEGACY.py MIGRATED.py MANIFEST.json
MANIFEST: {"cases": [{"name": ..., "ordered": bool, "run_async": bool}]}
"""
import asyncio
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import warnings

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import Session

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402

warnings.simplefilter("ignore")


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seeded_template(prefix):
    """A new temporary directory holding template.db, the seeded database each run copies."""
    work = tempfile.mkdtemp(prefix=prefix)
    template = os.path.join(work, "template.db")
    engine = create_engine(f"sqlite:///{template}")
    models.Base.metadata.create_all(engine)
    with Session(engine) as session:
        models.seed(session)
    engine.dispose()
    return work, template


def norm(value, depth=0):
    """A plain, comparable form: ORM objects become (class, columns, loaded relationships).
    Reads only what is already loaded (state.dict), so it never triggers IO."""
    if isinstance(value, models.Base):
        state = inspect(value)
        mapper = state.mapper
        cols = tuple((a.key, norm(state.dict.get(a.key))) for a in mapper.column_attrs)
        rels = ()
        if depth == 0:
            rels = tuple(
                (r.key, norm(state.dict[r.key], depth + 1) if not isinstance(state.dict[r.key], list) else sorted(repr(norm(x, depth + 1)) for x in state.dict[r.key]))
                for r in mapper.relationships if r.key in state.dict
            )
        return (type(value).__name__, cols, rels)
    if isinstance(value, Row):
        return tuple(norm(v, depth) for v in value)
    if isinstance(value, (list, tuple)):
        return [norm(v, depth) for v in value] if isinstance(value, list) else tuple(norm(v, depth) for v in value)
    return value


def canonical(value, ordered):
    n = norm(value)
    if isinstance(n, list) and not ordered:
        n = sorted(n, key=repr)
    return repr(n)


def dump_tables(path):
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        out = {t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}")).fetchall())) for t in models.Base.metadata.tables}
    engine.dispose()
    return repr(out)


def run_sync(fn, path, ordered):
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as db:
        try:
            result = canonical(fn(db), ordered)
            db.commit()
        except Exception as exc:  # the error itself is part of the behaviour
            db.rollback()
            result = repr(("raises", type(exc).__name__))
    engine.dispose()
    return result, dump_tables(path)


async def run_async(fn, path, ordered):
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    async with AsyncSession(engine) as db:
        try:
            result = canonical(await fn(db), ordered)
            await db.commit()
        except Exception as exc:
            await db.rollback()
            result = repr(("raises", type(exc).__name__))
    await engine.dispose()
    return result, dump_tables(path)


def verdict_of(work, template, i, name, sync_fn, async_fn, ordered):
    """Runs sync_fn on a sync Session and (unless None) async_fn on an AsyncSession, each on a fresh copy of template."""
    sync_db = os.path.join(work, f"sync_{i}.db")
    async_db = os.path.join(work, f"async_{i}.db")
    shutil.copy(template, sync_db)
    shutil.copy(template, async_db)
    sync_result, sync_tables = run_sync(sync_fn, sync_db, ordered)
    verdict = {"name": name, "sync": sync_result}
    if async_fn is not None:
        async_result, async_tables = asyncio.run(run_async(async_fn, async_db, ordered))
        verdict.update(async_=async_result, equal=sync_result == async_result and sync_tables == async_tables, tablesEqual=sync_tables == async_tables)
    return verdict


def main():
    legacy_path, migrated_path, manifest_path = sys.argv[1:4]
    manifest = json.load(open(manifest_path))
    legacy = load(legacy_path, "legacy_cases")
    migrated = load(migrated_path, "migrated_cases")
    work, template = seeded_template("am-equiv-")
    verdicts = []
    for i, case in enumerate(manifest["cases"]):
        name = case["name"]
        verdicts.append(verdict_of(work, template, i, name, getattr(legacy, name), getattr(migrated, name) if case["run_async"] else None, case["ordered"]))
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(verdicts))


if __name__ == "__main__":
    main()
