import sys

if sys.version_info >= (3, 11):
    import tomllib
    from typing import Self
else:  # pragma: no cover
    import tomli as tomllib
    from typing_extensions import Self

try:
    import orjson

    def dumps(obj) -> str:
        return orjson.dumps(obj).decode()

    loads = orjson.loads
except ImportError:  # pragma: no cover
    import json

    def dumps(obj) -> str:
        return json.dumps(obj, separators=(",", ":"))

    loads = json.loads

if sys.platform == "win32":  # pragma: no cover
    DEFAULT_CACHE_DIR = "~/AppData/Local/weatherkit"
else:
    DEFAULT_CACHE_DIR = "~/.cache/weatherkit"

__all__ = ["tomllib", "Self", "dumps", "loads", "DEFAULT_CACHE_DIR"]
