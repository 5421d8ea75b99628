"""The Qt desktop app: thin widgets over the headless core (they never parse, query or schedule).

Importing this package loads PySide6, but first the core modules the app's start needs (the
ones `context` brings, which itself imports no Qt, and the parse cache). Once PySide6 is loaded,
it checks every module an import statement names for its opt-in `__feature__` switches by
reading that module's whole source (`inspect.getsource`, which keeps every line in
`linecache`): about 80 modules, 7-12 ms and ~3 MB at the app's start. omtquiz uses no
`__feature__`, so every module loaded by then and every module of omtquiz is registered as
PySide's own scan would find it (0: uses PySide6, the screens; -1: does not), without reading
its source.
"""

from __future__ import annotations

import importlib
import os
import sys

# Imported before Qt (they import no Qt): what the start needs, so PySide does not scan them.
CORE_FIRST = ("omtquiz.ui.context", "omtquiz.decks.format.cache")


def _feature_value(name: str) -> int:
    """What PySide's scan finds for a module that is not PySide's own: 0 for the app's package
    (its modules use PySide6; for the few that do not, 0 and -1 alike mean "no feature"), -1
    for the rest (the core never imports Qt; nor do the other libraries loaded by then)."""
    return 0 if name == "omtquiz.ui" or name.startswith("omtquiz.ui.") else -1


def _omtquiz_modules() -> list[str]:
    """Every module of the omtquiz package, by name, from its files (none is imported)."""
    root = os.path.dirname(os.path.dirname(__file__))
    names = []
    for folder, _dirs, files in os.walk(root):
        relative = os.path.relpath(folder, root)
        package = ".".join(("omtquiz", *([] if relative == "." else relative.split(os.sep))))
        names += [package if file == "__init__.py" else f"{package}.{file[:-3]}"
                  for file in files if file.endswith(".py")]
    return names


def _register_modules() -> None:
    """Fill PySide's feature registry ahead of its scan; a PySide6 without the registry simply
    scans as before."""
    try:
        from PySide6.support import feature
    except ImportError:
        return
    known = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(known, dict):
        return
    loaded = [name for name in sys.modules
              if not name.startswith(("PySide6", "shiboken", "__main__"))]
    for name in (*loaded, *_omtquiz_modules()):
        known.setdefault(name, _feature_value(name))


for _name in CORE_FIRST:
    importlib.import_module(_name)
_register_modules()
