"""The equivalence proof for fixes that edit several modules: runs every legacy case of a package
on a sync Session and its migrated twin on an AsyncSession (aiosqlite), each on a fresh copy of
the seeded database (harness.py), and prints one JSON verdict per case.

usage: python3 multifile_harness.py LEGACY_ROOT MIGRATED_ROOT MANIFEST.json
MANIFEST: {"cases": [{"module": "mf.listing", "name": ..., "ordered": bool, "run_async": bool}]}
Both roots hold the same package (`mf`); models come from this directory.
"""
import asyncio
import importlib
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import run_async, run_sync, seeded_template  # noqa: E402


def load_package(root, package, modules):
    """Imports modules of package from root (dropping any copy of the package loaded before)."""
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]
    sys.path.insert(0, root)
    try:
        return {m: importlib.import_module(m) for m in modules}
    finally:
        sys.path.remove(root)


def main():
    legacy_root, migrated_root, manifest_path = sys.argv[1:4]
    cases = json.load(open(manifest_path))["cases"]
    modules = sorted({c["module"] for c in cases})
    package = modules[0].split(".")[0]
    legacy = load_package(legacy_root, package, modules)
    migrated = load_package(migrated_root, package, modules)
    work, template = seeded_template("am-equiv-mf-")
    verdicts = []
    for i, case in enumerate(cases):
        name = case["name"]
        sync_db = os.path.join(work, f"sync_{i}.db")
        async_db = os.path.join(work, f"async_{i}.db")
        shutil.copy(template, sync_db)
        shutil.copy(template, async_db)
        sync_result, sync_tables = run_sync(getattr(legacy[case["module"]], name), sync_db, case["ordered"])
        verdict = {"module": case["module"], "name": name, "sync": sync_result}
        if case["run_async"]:
            async_result, async_tables = asyncio.run(run_async(getattr(migrated[case["module"]], name), async_db, case["ordered"]))
            verdict.update(async_=async_result, equal=sync_result == async_result and sync_tables == async_tables, tablesEqual=sync_tables == async_tables)
        verdicts.append(verdict)
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(verdicts))


if __name__ == "__main__":
    main()
