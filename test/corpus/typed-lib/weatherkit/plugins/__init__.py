"""Optional plugins, imported lazily so `import weatherkit` stays fast."""
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import alerts, history

_LAZY = {"alerts", "history"}


def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(name)


def __dir__():
    return sorted(_LAZY)
