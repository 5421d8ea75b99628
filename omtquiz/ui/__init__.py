"""The Qt desktop app: thin widgets over the headless core (they never parse, query or schedule).

Importing this package loads PySide6, but first the core modules the app's start needs (the
ones `context` brings, which itself imports no Qt, and the parse cache). Once PySide6 is loaded,
it checks every module an import statement names for its opt-in `__feature__` switches by
reading that module's whole source (`inspect.getsource`, which keeps every line in
`linecache`): about 80 modules, 7-12 ms and ~3 MB at the app's start. omtquiz uses no
`__feature__`, and no module loaded before PySide6 uses PySide6 at all, so those are registered
as PySide's own scan would find them, without reading their source.
"""

from __future__ import annotations

import importlib
import sys

# Imported before Qt (they import no Qt): what the start needs, so PySide does not scan them.
CORE_FIRST = ("omtquiz.ui.context", "omtquiz.decks.format.cache")


def _register_loaded_modules() -> None:
    """Mark every module loaded so far as PySide's feature scan marks a module that does not
    use PySide6 (-1: ignored when switching features); a later PySide6 without this dict
    simply scans as before."""
    try:
        from PySide6.support import feature
    except ImportError:
        return
    known = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(known, dict):
        return
    for name in list(sys.modules):
        if not name.startswith(("PySide6", "shiboken", "__main__")):
            known.setdefault(name, -1)


for _name in CORE_FIRST:
    importlib.import_module(_name)
_register_loaded_modules()
