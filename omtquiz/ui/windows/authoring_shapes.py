"""The authoring window's occlusion tools: edit a card's shapes, start a new occlusion card on
a picture, and undo those edits.

Kept apart from `authoring.py` (which shows and reloads a deck) because this part writes: every
save goes through the core's editor (comments and order kept, checked by the loader, atomic),
and each `Edit` it returns is kept here, newest last, for Undo (Ctrl+Z). A bundled deck is
never written to; its author edits a copy. When the app's study window is open, an edit of a
card's shapes moves its progress with the shapes and Undo moves it back (`FollowedEdit`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QSplitter, QVBoxLayout, QWidget

from omtquiz.decks import resolver
from omtquiz.decks.format.editor import Edit, EditError
from omtquiz.decks.format.pictures import picture_choices
from omtquiz.decks.model import Card, CardType
from omtquiz.ui.dialogs.card_editor import is_bundled
from omtquiz.ui.dialogs.occlusion_editor import FollowedEdit, OcclusionEditorDialog
from omtquiz.ui.widgets.occlusion_editor import ShapeCanvas


class ShapeEditing:
    """What the authoring window's Edit shapes, New occlusion card and Undo buttons do."""

    def __init__(self, window) -> None:
        self.window = window
        self.edits: list[Edit | FollowedEdit] = []
        self.dialog: OcclusionEditorDialog | None = None  # the one open, for tests to drive

    # -- the selected card's shapes, beside its preview -----------------------------------
    def preview_column(self, preview: QWidget) -> QSplitter:
        """The card preview with, under it, the picture and shapes of an occlusion card."""
        self.column = QSplitter(Qt.Orientation.Vertical)
        self.column.setObjectName("authoringPreviewColumn")
        self.column.addWidget(preview)
        self.picture_holder = QWidget()
        self.picture_holder.setObjectName("authoringShapesPreview")
        QVBoxLayout(self.picture_holder).setContentsMargins(0, 0, 0, 0)
        self.column.addWidget(self.picture_holder)
        self.column.setSizes([300, 300])
        self.picture_holder.hide()
        self.canvas: ShapeCanvas | None = None
        return self.column

    def show_shapes(self) -> None:
        """Show the selected occlusion card's picture with its numbered shapes (read only)."""
        chosen = self.selected_card() if self.can_edit() else None
        layout = self.picture_holder.layout()
        if self.canvas is not None:
            layout.removeWidget(self.canvas)
            self.canvas.deleteLater()
            self.canvas = None
        if chosen is None:
            self.picture_holder.hide()
            return
        path, card = chosen
        self.canvas = ShapeCanvas(card.image, resolver.roots_of(path), card.shapes)
        self.canvas.setObjectName("authoringShapeCanvas")
        self.canvas.setMinimumSize(160, 120)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.canvas.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.canvas.setToolTip("Edit shapes… (Ctrl+Shift+E) draws and moves them")
        layout.addWidget(self.canvas)
        self.picture_holder.show()

    def _writable(self, path: str) -> bool:
        if is_bundled(path):
            QMessageBox.information(
                self.window, "A bundled deck",
                f"{Path(path).name} comes with omtquiz and is not changed in place: copy it to "
                "your own decks (edit any card in the app to be offered a copy) and open the "
                "copy for authoring.")
            return False
        return True

    def selected_card(self) -> tuple[str, Card] | None:
        key = self.window._current_key()
        if key is None:
            return None
        path, card_id = key
        card = next((c for p, c in self.window._cards if p == path and c.id == card_id), None)
        return (path, card) if card is not None else None

    def can_edit(self) -> bool:
        chosen = self.selected_card()
        return chosen is not None and chosen[1].type == CardType.OCCLUSION \
            and bool(chosen[1].image)

    def edit_shapes(self) -> OcclusionEditorDialog | None:
        """Open the shape editor on the selected occlusion card (window-modal, not blocking)."""
        chosen = self.selected_card()
        if chosen is None or not self.can_edit():
            self.window.statusBar().showMessage("Select an occlusion card to edit its shapes",
                                                5000)
            return None
        path, card = chosen
        if not self._writable(path):
            return None
        return self._open(OcclusionEditorDialog(
            path, card.image, card_id=card.id, shapes=card.shapes, mode=card.mode,
            front=card.front, parent=self.window))

    def deck_file(self) -> str | None:
        """The deck file a new card goes into: the selected card's, else the one opened."""
        chosen = self.selected_card()
        if chosen is not None:
            return chosen[0]
        if self.window.path.is_file():
            return str(self.window.path)
        files = [f.path for f in self.window.library.files if f.deck is not None]
        return files[0] if files else None

    def new_card(self, picture: str | None = None) -> OcclusionEditorDialog | None:
        """Start an occlusion card on a picture from the deck's folder or assets/ (asked for
        unless `picture`, an `image:` text, is given)."""
        path = self.deck_file()
        if path is None or not self._writable(path):
            return None
        choices = dict(picture_choices(path))
        if picture is None:
            if not choices:
                QMessageBox.information(
                    self.window, "No pictures",
                    "Put an SVG, PNG, JPEG, GIF or WebP picture in the deck's folder (or in "
                    "assets/) first.")
                return None
            picture, ok = QInputDialog.getItem(self.window, "New occlusion card",
                                               "Picture to cover:", list(choices), 0, False)
            if not ok:
                return None
        if picture not in choices:
            self.window.statusBar().showMessage(f"No usable picture '{picture}'", 5000)
            return None
        deck = next((f.deck for f in self.window.library.files if f.path == path), None)
        sources = tuple((s.id, s.citation) for s in deck.sources) if deck else ()
        return self._open(OcclusionEditorDialog(path, str(choices[picture]), image_ref=picture,
                                                sources=sources, parent=self.window))

    def _open(self, dialog: OcclusionEditorDialog) -> OcclusionEditorDialog:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._saved(dialog))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()
        return dialog

    def _closed(self, dialog: OcclusionEditorDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _saved(self, dialog: OcclusionEditorDialog) -> None:
        edit = dialog.edit
        if edit is None:
            return
        self.edits.append(edit)
        self.window.reload()
        self.window.select_card(edit.card_id, str(edit.path))
        self.window.statusBar().showMessage(
            f"Saved the shapes of '{edit.card_id}' in {edit.path.name}{_moved_text(edit)} "
            "(Ctrl+Z undoes it)", 6000)

    def undo(self) -> None:
        if not self.edits:
            self.window.statusBar().showMessage("No edit to undo", 4000)
            return
        edit = self.edits[-1]
        try:
            edit.undo()
        except (EditError, OSError) as exc:
            QMessageBox.information(self.window, "Cannot undo", str(exc))
            return
        self.edits.pop()
        self.window.reload()
        self.window.statusBar().showMessage(f"Undid the edit of '{edit.card_id}'", 5000)


def _moved_text(edit) -> str:
    """What an edit did to the progress, for the status bar: '' when nothing moved."""
    moved = edit.saved.moved if isinstance(edit, FollowedEdit) else ()
    if not moved:
        return ""
    aside = sum(1 for _, new in moved if new < 0)
    return (f"; progress followed the shapes ({len(moved) - aside} item(s) renumbered"
            + (f", {aside} deleted item(s) kept aside" if aside else "") + ")")
