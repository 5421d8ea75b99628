"""The authoring window: a deck's problems, and every card as a student will see it, live.

An instructor keeps this open beside their editor. Every save reloads the deck through the
loader and the lints (debounced, so an editor's several writes count once, and re-watching the
file when the editor saved by writing a new file and renaming it over the old one), keeps the
selected card selected, and shows at once what changed. A problem's row selects its card, and
"Open in editor" jumps to its line with $VISUAL or $EDITOR.
"""

from __future__ import annotations

import html
import os
import shlex
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QProcess, Qt, QTimer, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from omtquiz.decks.format.files import display_path, find_deck_files
from omtquiz.decks.format.library import load_library
from omtquiz.decks.format.lint import lint_library
from omtquiz.decks.model import Card, CardType, Diagnostic, Library, notes_and_cards
from omtquiz.decks.render import plain, render_item
from omtquiz.study.quiz import QuestionMaker
from omtquiz.ui import theme
from omtquiz.ui.widgets.card_view import (
    card_document_html,
    make_card_view,
    source_html,
    style_card_view,
)
from omtquiz.ui.widgets.controls import fix_minimum_size, plain_tooltip

RELOAD_DELAY_MS = 200
KEY_ROLE = Qt.ItemDataRole.UserRole

# Editors that open a file at a line their own way; the rest take the common `+LINE FILE`.
_GOTO_COLON = {"code", "code-insiders", "codium", "vscodium", "cursor", "windsurf"}
_FILE_COLON = {"subl", "sublime_text", "zed", "lapce", "mate"}
_TERMINAL_EDITORS = {"vi", "vim", "nvim", "nano", "micro", "hx", "helix", "kak", "ne", "joe",
                     "mg", "pico", "ed"}


def editor_command(editor: str, path: str, line: int, column: int = 1) -> list[str]:
    """The command that opens `path` at `line` in `editor` (a $VISUAL/$EDITOR value)."""
    argv = shlex.split(editor, posix=os.name != "nt") or [editor]
    name = Path(argv[0]).name.lower().removesuffix(".exe")
    if name in _GOTO_COLON:
        return [*argv, "-g", f"{path}:{line}:{column}"]
    if name in _FILE_COLON:
        return [*argv, f"{path}:{line}:{column}"]
    if name in ("kate", "kwrite"):
        return [*argv, "--line", str(line), "--column", str(column - 1), path]
    if name in ("notepad++",):
        return [*argv, f"-n{line}", path]
    if name in ("idea", "pycharm", "charm", "webstorm", "clion", "goland"):
        return [*argv, "--line", str(line), path]
    if name in ("emacs", "emacsclient"):
        return [*argv, f"+{line}:{column}", path]
    return [*argv, f"+{line}", path]


def _in_terminal(command: list[str]) -> list[str] | None:
    """A terminal editor started from a window needs a terminal to run in; None if none is found."""
    candidates = [os.environ.get("TERMINAL", ""), "x-terminal-emulator", "gnome-terminal",
                  "konsole", "xfce4-terminal", "xterm"]
    for candidate in filter(None, candidates):
        found = shutil.which(candidate)
        if found:
            flag = "--" if Path(found).name == "gnome-terminal" else "-e"
            return [found, flag, *command]
    return None


@dataclass(frozen=True)
class _Target:
    """A place in a deck file: what "Open in editor" opens."""

    path: str
    line: int = 1
    column: int = 1


def _choice_list(question, c: dict[str, str]) -> str:
    """A question's lettered choices, the right one marked."""
    rows = []
    for letter, choice in zip("ABCDEFGH", question.choices, strict=False):
        if choice == question.answer:
            rows.append(f'<li><span style="color:{c["good"]}; font-weight:600">'
                        f"{letter}. {html.escape(choice)} ✓</span></li>")
        else:
            rows.append(f"<li>{letter}. {html.escape(choice)}</li>")
    return f'<ul style="list-style-type:none">{"".join(rows)}</ul>'


class AuthoringWindow(QMainWindow):
    """Diagnostics, card list and live preview of one deck file (or a folder of them)."""

    def __init__(self, path, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("authoringWindow")
        self.path = Path(path).resolve()
        self.setWindowTitle(f"{self.path.name} — omtquiz authoring")
        self.library = Library(())
        self._cards: list[tuple[str, Card]] = []
        self._diagnostics: list[tuple[str, Diagnostic]] = []
        self._target: _Target | None = None
        self._paths: dict[str, str] = {}

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        top = QHBoxLayout()
        self.path_label = QLabel(self.path.name)
        self.path_label.setTextFormat(Qt.TextFormat.PlainText)  # a file name, as it is
        self.path_label.setToolTip(plain_tooltip(str(self.path)))
        self.path_label.setObjectName("authoringPathLabel")
        self.path_label.setProperty("role", "title")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("authoringSummaryLabel")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setProperty("role", "muted")
        self.reload_button = QPushButton("Reload")
        self.reload_button.setObjectName("authoringReloadButton")
        self.reload_button.setToolTip("Reload now (the deck also reloads whenever it is saved)")
        self.reload_button.clicked.connect(self.reload)
        self.open_button = QPushButton("Open in editor")
        self.open_button.setObjectName("openInEditorButton")
        self.open_button.setAccessibleName("Open in editor at the selected line")
        self.open_button.setProperty("primary", True)
        self.open_button.clicked.connect(self.open_in_editor)
        top.addWidget(self.path_label)
        top.addSpacing(12)
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.reload_button)
        self._add_shape_buttons(top)
        top.addWidget(self.open_button)
        layout.addLayout(top)

        self.card_list = QListWidget()
        self.card_list.setObjectName("authoringCardList")
        self.card_list.setAccessibleName("Cards")
        self.card_list.setUniformItemSizes(True)
        self.card_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.card_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.card_list.currentRowChanged.connect(self._card_chosen)
        self.card_list.itemActivated.connect(lambda _item: self.open_in_editor())
        self.preview = make_card_view()
        self.preview.setObjectName("authoringPreview")
        self.preview.setAccessibleName("Preview of the selected card as students see it")
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("diagnosticsTable")
        self.table.setAccessibleName("Problems")
        self.table.setHorizontalHeaderLabels(["Where", "Severity", "Problem"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda row, *_: self._diagnostic_chosen(row))
        self.table.cellDoubleClicked.connect(lambda *_: self.open_in_editor())

        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(self.card_list)
        upper.addWidget(self.shapes.preview_column(self.preview))
        upper.setStretchFactor(0, 2)
        upper.setStretchFactor(1, 3)
        upper.setSizes([380, 620])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("authoringSplitter")
        self.splitter.addWidget(upper)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([480, 200])
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._style_preview()
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.reload)
        QShortcut(QKeySequence("Ctrl+E"), self, self.open_in_editor)
        for key in ("Escape", "Ctrl+W"):  # close it, as any document window
            QShortcut(QKeySequence(key), self, self.close)

        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._changed_on_disk)
        self.watcher.directoryChanged.connect(self._changed_on_disk)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(RELOAD_DELAY_MS)
        self.debounce.timeout.connect(self.reload)
        fix_minimum_size(self)
        self.resize(1100, 760)
        self.reload()

    def _add_shape_buttons(self, row: QHBoxLayout) -> None:
        """Edit shapes, New occlusion card and Undo: the window's writing tools."""
        from omtquiz.ui.windows.authoring_shapes import ShapeEditing

        self.shapes = ShapeEditing(self)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("authoringUndoButton")
        self.undo_button.setToolTip("Undo the last edit saved from this window (Ctrl+Z)")
        self.undo_button.clicked.connect(self.shapes.undo)
        self.new_occlusion_button = QPushButton("New occlusion card…")
        self.new_occlusion_button.setObjectName("newOcclusionButton")
        self.new_occlusion_button.setToolTip("Cover parts of a picture from the deck's folder "
                                             "or assets/ (Ctrl+Shift+N)")
        self.new_occlusion_button.clicked.connect(lambda: self.shapes.new_card())
        self.edit_shapes_button = QPushButton("Edit shapes…")
        self.edit_shapes_button.setObjectName("editShapesButton")
        self.edit_shapes_button.setToolTip("Draw, move, resize and label the selected occlusion "
                                           "card's shapes (Ctrl+Shift+E)")
        self.edit_shapes_button.clicked.connect(self.shapes.edit_shapes)
        for button in (self.undo_button, self.new_occlusion_button, self.edit_shapes_button):
            row.addWidget(button)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.shapes.undo)
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, lambda: self.shapes.new_card())
        QShortcut(QKeySequence("Ctrl+Shift+E"), self, self.shapes.edit_shapes)

    # -- loading -------------------------------------------------------------------------------
    def _changed_on_disk(self, _path: str) -> None:
        self.debounce.start()  # restarts: a burst of writes reloads once, after the last

    def reload(self) -> None:
        """Load again, keep the selected card (and how far its preview was scrolled)."""
        self.debounce.stop()
        self._watch()
        kept = self._current_key()
        scroll = self.preview.verticalScrollBar().value()
        row = self.card_list.currentRow()
        self.library = load_library([self.path])
        lints = lint_library(self.library)
        self._paths = {display_path(Path(f.path)): f.path for f in self.library.files}
        self._fill_diagnostics(lints)
        self._fill_cards()
        self._summarise()
        self._select(kept, row)
        if kept is not None and kept == self._current_key():
            self.preview.verticalScrollBar().setValue(scroll)

    def _watch(self) -> None:
        """Watch every deck file afresh, and the folders that hold them.

        Done before each load, so a write that lands while loading still triggers a reload. The
        files are re-added every time: an editor that saves by renaming a new file over the old
        one leaves a watch on a file that no longer exists (Qt drops it on some platforms only).
        """
        if self.path.is_dir():
            files = {str(p.resolve()) for p in find_deck_files([self.path])}
            folders = {str(self.path)} | {str(Path(f).parent) for f in files}
        else:
            files = {str(self.path)} if self.path.is_file() else set()
            folders = {str(self.path.parent)}
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        if files:
            self.watcher.addPaths(sorted(files))
        folders = {f for f in folders if Path(f).is_dir()}
        stale = sorted(set(self.watcher.directories()) - folders)
        if stale:
            self.watcher.removePaths(stale)
        missing = sorted(folders - set(self.watcher.directories()))
        if missing:
            self.watcher.addPaths(missing)

    # -- the card list ---------------------------------------------------------------------------
    def _fill_cards(self) -> None:
        self._cards = []
        by_card: dict[tuple[str, str], list[Diagnostic]] = {}
        for path, diagnostic in self._diagnostics:
            if diagnostic.card_id:
                by_card.setdefault((path, diagnostic.card_id), []).append(diagnostic)
        several = len(self.library.files) > 1
        colors = theme.colors(theme.current())
        self.card_list.blockSignals(True)
        self.card_list.clear()
        loaded: set[tuple[str, str]] = set()
        for deck_file in self.library.files:
            deck = deck_file.deck
            if several:
                title = f"  —  {deck.title}" if deck else "  —  does not load"
                header = QListWidgetItem(f"{Path(deck_file.path).name}{title}")
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                header.setForeground(QBrush(QColor(colors["muted"])))
                bold = header.font()
                bold.setBold(True)
                header.setFont(bold)
                self.card_list.addItem(header)
            for card in deck.cards if deck else ():
                key = (deck_file.path, card.id)
                loaded.add(key)
                self._cards.append((deck_file.path, card))
                snippet = plain(card.prompt_text)
                text = f"{card.id}  ·  {card.type}  —  {snippet}"
                item = QListWidgetItem(text)
                item.setData(KEY_ROLE, key)
                item.setToolTip(plain_tooltip(f"line {card.line}: {snippet}"))
                if key in by_card:
                    item.setForeground(QBrush(QColor(colors["hard"])))
                    item.setText("⚠ " + text)
                self.card_list.addItem(item)
        for (path, card_id), problems in by_card.items():
            if (path, card_id) in loaded or not any(d.is_error for d in problems):
                continue
            item = QListWidgetItem(f"✖ {card_id}  —  left out: fix its errors "
                                   f"(line {problems[0].line})")
            item.setData(KEY_ROLE, (path, card_id))
            item.setForeground(QBrush(QColor(colors["bad"])))
            self.card_list.addItem(item)
        self.card_list.blockSignals(False)

    def _current_key(self) -> tuple[str, str] | None:
        row = self.card_list.currentRow()
        return self._key_at(row) if row >= 0 else None

    def _select(self, key: tuple[str, str] | None, fallback_row: int = 0) -> None:
        rows = [i for i in range(self.card_list.count()) if self._key_at(i) is not None]
        row = next((i for i in rows if self._key_at(i) == key), None)
        if row is None and rows:
            row = min(rows, key=lambda i: abs(i - fallback_row))
        self.card_list.setCurrentRow(-1 if row is None else row)
        self._card_chosen(-1 if row is None else row)

    def _key_at(self, row: int) -> tuple[str, str] | None:
        key = self.card_list.item(row).data(KEY_ROLE)
        return tuple(key) if key else None

    def select_card(self, card_id: str, path: str | None = None) -> bool:
        """Select a card by id (in `path`, or in any file); False if no such card is listed."""
        for i in range(self.card_list.count()):
            key = self._key_at(i)
            if key and key[1] == card_id and (path is None or key[0] == path):
                self.card_list.setCurrentRow(i)
                self.card_list.scrollToItem(self.card_list.item(i),
                                            QAbstractItemView.ScrollHint.PositionAtCenter)
                return True
        return False

    def _card_chosen(self, row: int) -> None:
        self._show_card(row)
        self.edit_shapes_button.setEnabled(self.shapes.can_edit())
        self.shapes.show_shapes()

    def _show_card(self, row: int) -> None:
        key = self._key_at(row) if 0 <= row < self.card_list.count() else None
        if key is None:
            self._show_empty()
            return
        path, card_id = key
        card = next((c for p, c in self._cards if p == path and c.id == card_id), None)
        if card is None:
            problems = [d for p, d in self._diagnostics if p == path and d.card_id == card_id]
            line = problems[0].line if problems else 1
            self._target = _Target(path, line, problems[0].column if problems else 1)
            self._show_left_out(card_id, problems)
            return
        self._target = _Target(path, card.line)
        self.preview.show_html(self.preview_html(path, card), path)

    # -- the problems table ---------------------------------------------------------------------
    def _fill_diagnostics(self, lints: list[Diagnostic]) -> None:
        rows: list[tuple[str, Diagnostic]] = []
        for deck_file in self.library.files:
            rows += [(deck_file.path, d) for d in deck_file.diagnostics]
        rows += [(self._paths.get(d.file, d.file), d) for d in lints]
        order = {f.path: i for i, f in enumerate(self.library.files)}
        rows.sort(key=lambda r: (order.get(r[0], 0), r[1].line, r[1].column))
        self._diagnostics = rows
        colors = theme.colors(theme.current())
        self.table.blockSignals(True)
        self.table.clearContents()
        self.table.setRowCount(len(rows))
        for i, (_path, d) in enumerate(rows):
            place = QTableWidgetItem(f"{d.file}:{d.line}:{d.column}")
            severity = QTableWidgetItem(str(d.severity))
            severity.setForeground(QBrush(QColor(colors["bad" if d.is_error else "hard"])))
            message = QTableWidgetItem(d.message)
            message.setToolTip(plain_tooltip(d.message))
            for column, item in enumerate((place, severity, message)):
                self.table.setItem(i, column, item)
        if not rows:
            self.table.setRowCount(1)
            clean = QTableWidgetItem("No problems: this passes `omtquiz validate --strict`.")
            clean.setForeground(QBrush(QColor(colors["good"])))
            clean.setFlags(Qt.ItemFlag.NoItemFlags)
            self.table.setItem(0, 0, clean)
            self.table.setSpan(0, 0, 1, 3)
        else:
            self.table.clearSpans()
        self.table.blockSignals(False)

    def _summarise(self) -> None:
        errors = sum(d.is_error for _, d in self._diagnostics)
        warnings = len(self._diagnostics) - errors
        when = datetime.now().strftime("%H:%M:%S")
        size = notes_and_cards(card for _, card in self._cards)
        self.summary_label.setText(f"{size} · {errors} error(s) · {warnings} warning(s) · "
                                   f"loaded {when}")

    def _diagnostic_chosen(self, row: int) -> None:
        if not 0 <= row < len(self._diagnostics):
            return
        path, diagnostic = self._diagnostics[row]
        target = _Target(path, diagnostic.line, diagnostic.column)
        self.statusBar().showMessage(str(diagnostic))
        card_id = diagnostic.card_id or self._card_at(path, diagnostic.line)
        if card_id is not None and self.select_card(card_id, path):
            self._card_chosen(self.card_list.currentRow())
        self._target = target

    def _card_at(self, path: str, line: int) -> str | None:
        """The card written at or just above `line` in `path` (for problems without a card id)."""
        above = [c for p, c in self._cards if p == path and c.line <= line]
        return max(above, key=lambda c: c.line).id if above else None

    # -- the preview ---------------------------------------------------------------------------
    def _style_preview(self) -> None:
        style_card_view(self.preview)
        c = theme.colors(theme.current())
        font_pt = theme.font_pt()
        self.preview.setStyleSheet(
            f"QTextBrowser#authoringPreview {{ border: 1px solid {c['border']}; "
            f"border-radius: 8px; background: {c['base']}; padding: 14px; "
            f"font-size: {font_pt}pt; }}")
        self.card_list.setStyleSheet("QListWidget#authoringCardList::item { padding: 3px 4px; }")

    def preview_html(self, path: str, card: Card) -> str:
        """Every item of the card, question then answer, as the review and quiz screens show it."""
        c = theme.colors(theme.current())
        image = QUrl.fromLocalFile(card.image).toString() if card.image else None
        deck = self.library.deck(card.deck_id)
        maker = QuestionMaker(self.library, seed=0)
        parts = [f'<p class="source">{html.escape(card.type)} · {html.escape(card.id)} · '
                 f'{html.escape(Path(path).name)}, line {card.line}</p>']
        explanation = ""
        for item in card.items():
            shown = render_item(card, item.ord, image_src=image)
            explanation = shown.explanation
            parts.append(f'<p style="color:{c["highlight"]}; font-weight:600; '
                         'font-size:small">'
                         f'{html.escape(self._item_label(card, item.ord))}</p>')
            parts.append(f"<div>{shown.question}</div>")
            if card.type == CardType.MCQ:
                parts.append(self._choices_html(maker, item, c))
            elif card.type in (CardType.BASIC, CardType.REVERSE):
                parts.append(self._flashcard_choices_html(maker, card, item, c))
            parts.append(f"<hr><div>{shown.answer}</div><br>")
        citation = source_html(deck.source(card.source) if deck else None)
        return card_document_html("".join(parts), source=citation, explanation=explanation)

    @staticmethod
    def _item_label(card: Card, ord_: int) -> str:
        if card.type == CardType.REVERSE:
            return "Front → back" if ord_ == 0 else "Back → front (reversed)"
        if card.type == CardType.CLOZE:
            return f"Deletion c{ord_ + 1}"
        if card.type == CardType.MCQ:
            return "Multiple choice"
        if card.type == "occlusion":
            return f"Covered region {ord_ + 1} of {len(card.ords())}"
        if card.type == "point":
            return ("What is marked on the map?", "Where is it? (a click)",
                    "Follow-up of the marked spot")[min(ord_, 2)]
        return "Front → back"

    @staticmethod
    def _choices_html(maker: QuestionMaker, item, c: dict[str, str]) -> str:
        question = maker.multiple_choice(item)
        if question is None:
            return f'<p style="color:{c["bad"]}">No choices can be made for this card.</p>'
        return _choice_list(question, c)

    @staticmethod
    def _flashcard_choices_html(maker: QuestionMaker, card: Card, item,
                                c: dict[str, str]) -> str:
        """How multiple-choice quizzes ask a basic or reverse item, or that they leave it out."""
        question = maker.multiple_choice(item)
        note = f'<p style="color:{c["muted"]}">'
        if question is not None:
            return f"{note}As multiple choice:</p>" + _choice_list(question, c)
        if card.type == CardType.REVERSE:
            return (f"{note}Not asked in multiple-choice quizzes: fewer than three other "
                    "reverse cards of the deck answer alike.</p>")
        return (f"{note}Not asked in multiple-choice quizzes: give the card distractors, or "
                "ask it as at least three other cards of the deck are asked (same opening "
                "words, answers alike).</p>")

    def _show_empty(self) -> None:
        self._target = _Target(next(iter(self._paths.values()), str(self.path)))
        if any(d.is_error for _, d in self._diagnostics):
            text = "No card loads yet: fix the errors listed below, then save."
        else:
            text = "No cards yet: add some under <code>cards:</code> and save."
        self.preview.setHtml(f'<p class="explanation">{text}</p>')

    def _show_left_out(self, card_id: str, problems: list[Diagnostic]) -> None:
        lines = "".join(f"<li>line {d.line}: {html.escape(d.message)}</li>" for d in problems)
        self.preview.setHtml(f"<p><b>{html.escape(card_id)}</b> is left out of the deck until "
                             f"its errors are fixed:</p><ul>{lines}</ul>")

    # -- the editor -----------------------------------------------------------------------------
    def open_in_editor(self) -> None:
        """Open the selected problem's (or card's) line in $VISUAL/$EDITOR, else the system's."""
        target = self._target or _Target(str(self.path))
        if Path(target.path).is_dir():
            target = _Target(next(iter(self._paths.values()), target.path))
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if editor:
            command = editor_command(editor, target.path, target.line, target.column)
            name = Path(command[0]).name.lower().removesuffix(".exe")
            if name in _TERMINAL_EDITORS and os.name != "nt":
                wrapped = _in_terminal(command)
                command = wrapped or []
            if command:
                ok, _pid = QProcess.startDetached(command[0], command[1:])
                if ok:
                    self.statusBar().showMessage(f"Opened {Path(target.path).name} at line "
                                                 f"{target.line} with {command[0]}", 5000)
                    return
        QDesktopServices.openUrl(QUrl.fromLocalFile(target.path))
        self.statusBar().showMessage(f"Opened {Path(target.path).name} with the system's "
                                     "editor (set $VISUAL or $EDITOR to jump to the line)", 8000)
