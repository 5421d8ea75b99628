"""Add to my decks: a deck file, Anki package or table a student opened, offered first.

The file manager's "Open with omtquiz", `omtquiz --open FILE` (also when the app is already
running) and File > Add to my decks… all end here. The core (`interop.intake`) reads the file
and says what adding it would do; this dialog shows that as plain text and adds it only when the
student says so.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
)

from omtquiz.interop.intake import DECK_SUFFIXES, IMPORT_SUFFIXES, Offer, accept, inspect

FILTER = ("Decks and imports (" + " ".join(f"*{s}" for s in DECK_SUFFIXES + IMPORT_SUFFIXES)
          + ")")


class AddFileDialog(QDialog):
    """What adding one file would do, with Add and Cancel (only Close when it cannot be added)."""

    def __init__(self, offer: Offer, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("addFileDialog")
        self.setWindowTitle("Add to my decks")
        self.setMinimumWidth(520)
        headline = QLabel(offer.headline())
        headline.setObjectName("addFileHeadline")
        font = headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        headline.setFont(font)
        text = QLabel(offer.details())
        text.setObjectName("addFileSummary")
        for label in (headline, text):
            label.setTextFormat(Qt.TextFormat.PlainText)  # titles and paths come from the file
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox()
        if offer.can_add:
            add = buttons.addButton("Add to my decks", QDialogButtonBox.ButtonRole.AcceptRole)
            add.setObjectName("addFileButton")
            add.setDefault(True)
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(headline)
        layout.addWidget(text)
        layout.addSpacing(6)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, offer: Offer, parent=None) -> bool:
        """True when the student chose to add the file (tests replace this)."""
        return cls(offer, parent).exec() == QDialog.DialogCode.Accepted


def offer_file(window, path: str | Path) -> Path | None:
    """Show what adding `path` would do; add it if the student agrees. Returns the deck written."""
    context = window.context
    offer = inspect(Path(path), context.dirs.user_decks, context.library)
    if not AddFileDialog.ask(offer, window) or not offer.can_add:
        return None
    try:
        written = accept(offer, context.dirs.schema)
    except (OSError, ValueError) as exc:
        box = QMessageBox(QMessageBox.Icon.Warning, "Could not add the file",
                          f"{offer.source}: {exc}", parent=window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()
        return None
    window.reload()
    window.statusBar().showMessage(f"Added “{offer.title}” to your decks", 5000)
    return written


def choose_and_offer(window) -> Path | None:
    """File > Add to my decks…: pick a file, then as `offer_file`."""
    path, _ = QFileDialog.getOpenFileName(window, "Add to my decks", str(Path.home()), FILTER)
    return offer_file(window, path) if path else None
