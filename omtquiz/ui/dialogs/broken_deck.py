"""Why a deck that did not load cannot be studied, with a way to open it for fixing.

Study, a quiz or an exam on such a deck used to do nothing at all; a student could not tell
a broken file from a key that did not work.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

SHOWN = 50


class BrokenDeckDialog(QDialog):
    def __init__(self, path: str, problems: list[str], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("brokenDeckDialog")
        self.setWindowTitle("This deck cannot be studied")
        self.resize(720, 360)
        intro = QLabel(f"{Path(path).name} did not load, so there are no cards to study. "
                       "Fix the problems below (each names the line and column), then reload "
                       "the decks with F5.")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        details = QPlainTextEdit()
        details.setObjectName("brokenDeckProblems")
        details.setReadOnly(True)
        shown = problems[:SHOWN] or [f"{path}: the file could not be read"]
        if len(problems) > SHOWN:
            shown.append(f"… and {len(problems) - SHOWN} more")
        details.setPlainText("\n".join(shown))
        buttons = QDialogButtonBox()
        open_button = buttons.addButton("Open for authoring",
                                        QDialogButtonBox.ButtonRole.AcceptRole)
        open_button.setObjectName("openForAuthoringButton")
        open_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(details, 1)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, path: str, problems: list[str], parent=None) -> bool:
        """True when the student chose to open the file for authoring (tests replace this)."""
        return cls(path, problems, parent).exec() == QDialog.DialogCode.Accepted
