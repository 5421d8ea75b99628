"""Add a card, or edit one, without leaving the app: a form, a live preview, Save.

The deck file is changed by the core (`decks.format.editor`), which keeps the author's comments
and order and refuses an edit the loader would reject; this dialog only gathers the fields and
shows the card as a student will see it. A bundled deck is never written to: editing one first
offers to copy it to the student's own decks (same deck and card ids, so progress follows).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from omtquiz.decks.format.editor import (
    Edit,
    EditError,
    add_card,
    card_fields,
    copy_deck,
    update_card,
)
from omtquiz.decks.model import Card
from omtquiz.decks.render import render_item
from omtquiz.profile import bundled_decks_dir
from omtquiz.ui.widgets.card_view import card_document_html, make_card_view, style_card_view
from omtquiz.ui.widgets.controls import make_label

# The fields each card type shows, in order; lists are one entry per line.
TYPE_FIELDS = {
    "basic": ("front", "back", "distractors"), "reverse": ("front", "back"),
    "cloze": ("text", "extra"), "mcq": ("question", "answer", "distractors"),
}
COMMON_FIELDS = ("accept", "explanation", "tags")
LABELS = {
    "front": "Front", "back": "Back", "text": "Text ({{c1::…}})", "extra": "Extra",
    "question": "Question", "answer": "Answer", "distractors": "Wrong choices (one a line)",
    "accept": "Also right when typed (one a line)", "explanation": "Explanation",
    "tags": "Tags (space between)",
}
LINES = ("distractors", "accept")


def is_bundled(path: str | Path) -> bool:
    try:
        Path(path).resolve().relative_to(bundled_decks_dir().resolve())
    except ValueError:
        return False
    return True


def ask_copy(parent: QWidget, title: str) -> bool:
    answer = QMessageBox.question(
        parent, "Copy to my decks?",
        f"“{title}” comes with omtquiz and is not changed in place. Copy it to your own decks "
        "and edit the copy? Your progress on its cards carries over to the copy.")
    return answer == QMessageBox.StandardButton.Yes


class CardEditorDialog(QDialog):
    """The form for one card of one deck file: `card_id` None adds a card."""

    def __init__(self, context, deck_path: str, card_id: str | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("cardEditorDialog")
        self.context = context
        self.deck_path = Path(deck_path)
        self.card_id = card_id
        self.edit: Edit | None = None
        deck = next((d for d in context.library.decks if Path(d.path) == self.deck_path), None)
        self.deck = deck
        self.setWindowTitle(("Edit card" if card_id else "Add card") + f" · {deck.title}")
        self.resize(980, 620)
        existing = card_fields(self.deck_path, card_id) if card_id else {}

        self.type_combo = QComboBox()
        self.type_combo.setObjectName("cardTypeCombo")
        self.type_combo.setAccessibleName("Card type")
        self.type_combo.addItems(list(TYPE_FIELDS))
        self.type_combo.setCurrentText(str(existing.get("type", "basic")))
        self.type_combo.setEnabled(card_id is None)  # a card's type decides its items
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("cardSourceCombo")
        self.source_combo.setAccessibleName("Source")
        self.source_combo.addItem("(none)", "")
        for source in deck.sources:
            self.source_combo.addItem(f"{source.id}: {source.citation[:70]}", source.id)
        index = self.source_combo.findData(str(existing.get("source", "")))
        self.source_combo.setCurrentIndex(max(0, index))
        self.inputs: dict[str, QPlainTextEdit | QLineEdit] = {}
        self.form = QFormLayout()
        self.form.addRow("Type", self.type_combo)
        for key in ("front", "back", "text", "extra", "question", "answer", "distractors",
                    *COMMON_FIELDS):
            widget = QLineEdit() if key == "tags" else QPlainTextEdit()
            widget.setObjectName(f"card_{key}")
            widget.setAccessibleName(LABELS[key])
            value = existing.get(key, "")
            if isinstance(value, list):
                value = (" " if key == "tags" else "\n").join(value)
            if isinstance(widget, QLineEdit):
                widget.setText(str(value))
                widget.textChanged.connect(self._changed)
            else:
                widget.setPlainText(str(value))
                widget.setTabChangesFocus(True)
                widget.setMaximumHeight(90)
                widget.textChanged.connect(self._changed)
            self.inputs[key] = widget
            self.form.addRow(LABELS[key], widget)
        self._note_versions()
        self.form.addRow("Source", self.source_combo)
        self.type_combo.currentTextChanged.connect(self._show_fields)

        self.preview = make_card_view()
        self.preview.setObjectName("cardPreview")
        self.problem_label = make_label("cardEditorProblem", "badge")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("cardSaveButton")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        left = QWidget()
        left.setLayout(self.form)
        right = QVBoxLayout()
        heading = QLabel("Preview: the question, then the answer")
        heading.setProperty("role", "muted")
        right.addWidget(heading)
        right.addWidget(self.preview, 1)
        columns = QHBoxLayout()
        columns.addWidget(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.update_preview)
        self._show_fields(self.type_combo.currentText())

    # -- the form --------------------------------------------------------------------------
    def _loaded(self):
        return self.deck.card(self.card_id) if self.card_id else None

    def _note_versions(self) -> None:
        """A card whose sources disagree keeps its answers in `versions:`, which the form does
        not edit: its answer field says so while empty."""
        loaded = self._loaded()
        if loaded is None or not loaded.versions:
            return
        for key in ("back", "answer"):
            if key in self.inputs:
                self.inputs[key].setPlaceholderText(
                    "Given per source under versions: in the deck file (shown in the preview)")

    def _show_fields(self, kind: str) -> None:
        shown = set(TYPE_FIELDS[kind]) | set(COMMON_FIELDS)
        for key, widget in self.inputs.items():
            self.form.setRowVisible(widget, key in shown)
        self.update_preview()

    def _changed(self) -> None:
        self._timer.start(150)

    def _text(self, key: str) -> str:
        widget = self.inputs[key]
        return widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()

    def fields(self) -> dict[str, object]:
        kind = self.type_combo.currentText()
        out: dict[str, object] = {"type": kind}
        for key in (*TYPE_FIELDS[kind], *COMMON_FIELDS):
            text = self._text(key)
            if key in LINES:
                out[key] = [line for line in text.splitlines() if line.strip()]
            elif key == "tags":
                out[key] = text.split()
            else:
                out[key] = text
        out["source"] = self.source_combo.currentData() or ""
        if self.card_id:
            current = card_fields(self.deck_path, self.card_id)
            if current.get("image"):
                out["image"] = current["image"]  # kept: the form does not edit pictures
        return out

    def update_preview(self) -> None:
        fields = self.fields()
        loaded = self._loaded()
        texts = {k: v for k, v in fields.items()
                 if k in ("front", "back", "text", "extra", "question", "answer", "explanation")
                 and isinstance(v, str)}
        if loaded is not None and loaded.versions:  # kept as written: the preferred answer
            texts.update({k: getattr(loaded, k) for k in ("back", "answer") if not texts.get(k)})
        card = Card(self.deck.id, self.card_id or "new", str(fields["type"]), **texts,
                    versions=loaded.versions if loaded else ())
        style_card_view(self.preview)
        rendered = render_item(card, card.ords()[0] if card.ords() else 0)
        # Both sides at once: the question as asked, then what the answer shows.
        self.preview.show_html(card_document_html(rendered.question + "<hr>" + rendered.answer,
                                                  explanation=rendered.explanation),
                               self.deck_path)

    # -- saving ----------------------------------------------------------------------------
    def save(self) -> None:
        try:
            if self.card_id:
                self.edit = update_card(self.deck_path, self.card_id, self.fields())
            else:
                self.edit = add_card(self.deck_path, self.fields())
        except (EditError, OSError) as exc:
            problems = getattr(exc, "problems", ())
            self.problem_label.setText(str(exc) if not problems else
                                       "Not saved:\n" + "\n".join(problems))
            self.problem_label.show()
            return
        self.accept()

    @classmethod
    def ask(cls, context, deck_path: str, card_id: str | None = None,
            parent=None) -> Edit | None:
        """The edit made, or None when cancelled (tests drive the dialog itself)."""
        dialog = cls(context, deck_path, card_id, parent)
        return dialog.edit if dialog.exec() == QDialog.DialogCode.Accepted else None


def editable_path(window, deck) -> str | None:
    """The file to write for `deck`: its own, or for a bundled deck a copy in the student's
    decks (after asking), loaded in place of the bundled one."""
    if not is_bundled(deck.path):
        return deck.path
    if not ask_copy(window, deck.title):
        return None
    copy = copy_deck(Path(deck.path), window.context.dirs.user_decks, window.context.dirs.schema)
    window.reload()
    return str(copy)


def ask_deck(parent: QWidget, library):
    """Which deck a new card goes to, when none is selected."""
    from PySide6.QtWidgets import QInputDialog

    decks = sorted(library.decks, key=lambda d: d.title.casefold())
    if not decks:
        return None
    title, ok = QInputDialog.getItem(parent, "Add card", "Add a card to the deck:",
                                     [d.title for d in decks], 0, False)
    return next((d for d in decks if d.title == title), None) if ok else None
