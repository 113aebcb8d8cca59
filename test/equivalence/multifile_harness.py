"""The equivalence proof for fixes that edit several modules: runs every legacy case of a package
on a sync Session and its migrated twin on an AsyncSession (aiosqlite), each on a fresh copy of
the seeded database (harness.py), and prints one JSON verdict per case.

usage: python3 multifile_harness.py LEGACY_ROOT MIGRATED_ROOT MANIFEST.json
MANIFEST: {"cases": [{"module": "mf.listing", "name": ..., "ordered": bool, "run_async": bool}]}
Both roots hold the same package (`mf`); models come from this directory.
"""
import importlib
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import seeded_template, verdict_of  # noqa: E402


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
        name, module = case["name"], case["module"]
        migrated_fn = getattr(migrated[module], name) if case["run_async"] else None
        verdicts.append({"module": module, **verdict_of(work, template, i, name, getattr(legacy[module], name), migrated_fn, case["ordered"])})
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(verdicts))


if __name__ == "__main__":
    main()
