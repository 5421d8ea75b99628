"""Unexpected exceptions become a dialog with the details and a Copy button; the app goes on.

The dialog (`ErrorDialog`, in `dialogs/error.py`, still reachable here by its name) is loaded
on the first error, not at start-up.
"""

from __future__ import annotations

import sys
import traceback

from PySide6.QtWidgets import QApplication


def __getattr__(name: str):
    if name == "ErrorDialog":
        from omtquiz.ui.dialogs.error import ErrorDialog

        return ErrorDialog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def install_excepthook() -> None:
    def hook(kind, value, tb) -> None:
        details = "".join(traceback.format_exception(kind, value, tb))
        sys.__stderr__.write(details)
        if QApplication.instance() is not None:
            from omtquiz.ui.dialogs.error import ErrorDialog

            ErrorDialog.ask(details, QApplication.activeWindow())

    sys.excepthook = hook
