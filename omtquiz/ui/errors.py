"""Unexpected exceptions become a dialog with the details and a Copy button; the app goes on."""

from __future__ import annotations

import sys
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton


class ErrorDialog(QMessageBox):
    def __init__(self, details: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle("Something went wrong")
        self.setText("omtquiz hit an unexpected error. Your answers so far are saved.\n"
                     "You can keep studying; please report the details below.")
        self.setDetailedText(details)
        copy = self.copy_button = QPushButton("Copy details")
        copy.setObjectName("copyErrorButton")
        copy.setAccessibleName("Copy error details")
        self.addButton(copy, QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
        self.addButton(QMessageBox.StandardButton.Close)

    @classmethod
    def ask(cls, details: str, parent=None) -> None:
        """One place to show it, so tests can replace the modal part."""
        cls(details, parent).exec()


def install_excepthook() -> None:
    def hook(kind, value, tb) -> None:
        details = "".join(traceback.format_exception(kind, value, tb))
        sys.__stderr__.write(details)
        if QApplication.instance() is not None:
            ErrorDialog.ask(details, QApplication.activeWindow())

    sys.excepthook = hook
