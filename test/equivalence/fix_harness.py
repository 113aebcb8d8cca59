"""Runs each AM104/AM105 bug as written and as fixed on an AsyncSession, and its legacy-Query
reference on a sync Session, each on a fresh copy of the seeded database; prints JSON verdicts.

usage: python3 fix_harness.py ORIGINAL.py FIXED.py
"""
import asyncio
import json
import os
import shutil
import sys

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import Session

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import load, seeded_template  # noqa: E402


async def run_async(fn, path):
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with AsyncSession(engine) as db:
            return {"value": repr(await fn(db))}
    except Exception as exc:
        return {"raises": type(exc).__name__}
    finally:
        await engine.dispose()


def run_sync(fn, path):
    engine = create_engine(f"sqlite:///{path}")
    try:
        with Session(engine) as db:
            return {"value": repr(fn(db))}
    except Exception as exc:
        return {"raises": type(exc).__name__}
    finally:
        engine.dispose()


def main():
    original = load(sys.argv[1], "fix_original")
    fixed = load(sys.argv[2], "fix_fixed")
    work, template = seeded_template("am-fixes-")

    def fresh(name):
        path = os.path.join(work, name)
        shutil.copy(template, path)
        return path

    verdicts = []
    for name in sorted(n for n in dir(original) if n.startswith("bug_")):
        expected_name = "expected_" + name[len("bug_"):]
        verdicts.append({
            "name": name,
            "original": asyncio.run(run_async(getattr(original, name), fresh(name + "_o.db"))),
            "fixed": asyncio.run(run_async(getattr(fixed, name), fresh(name + "_f.db"))),
            "expected": run_sync(getattr(original, expected_name), fresh(name + "_e.db")),
        })
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(verdicts))


if __name__ == "__main__":
    main()
