"""Byte-compiles files like `python3 -m py_compile`, without writing .pyc files.

Reads root-relative paths (one per line) on stdin, prints a JSON list of those that do not compile.
"""
import json
import sys
import warnings

root = sys.argv[1]
failed = []
warnings.simplefilter("ignore")
for rel in sys.stdin.read().splitlines():
    if not rel:
        continue
    try:
        with open(f"{root}/{rel}", "rb") as handle:
            source = handle.read()
        compile(source, rel, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        failed.append(rel)
    except OSError:
        failed.append(rel)
print(json.dumps(failed))
