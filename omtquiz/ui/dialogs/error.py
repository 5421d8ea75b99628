"""The dialog an unexpected exception becomes: the details and a Copy button; the app goes on.

`omtquiz.ui.errors` installs the hook that shows it, and loads this module on the first error
only: PySide makes a Qt class's Python type on its first use, and QMessageBox's (with QDialog's)
is ~1 MB and ~1.5 ms that the app's start need not pay.
"""

from __future__ import annotations

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
