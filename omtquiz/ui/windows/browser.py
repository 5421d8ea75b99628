"""The card browser: every item in one table, a search, a preview, and actions on a selection.

The table is a model over `search.CardIndex` rows, so 100,000 items cost one list, not 100,000
widgets; sorting sorts that list with a key in Python. Actions go through the core's
`study.actions.CardActions` (the rules the review screen follows), then only the rows they
touched are reread, and the `Changes` go out on `changed` for the other screens. Changes made
elsewhere (an answer on the review screen) come in through `show_changes`.

Over 500 lines: the table model and the window around it change together (columns, sorting,
actions on a selection); the search itself is the core's (`study.search`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QColor, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from omtquiz.decks.model import CardType, Item
from omtquiz.decks.render import render_item
from omtquiz.numbers import percent_text
from omtquiz.scheduling import format_interval
from omtquiz.study.actions import CardActions
from omtquiz.study.changes import Changes
from omtquiz.study.search import CardIndex, QueryError, Row
from omtquiz.ui import theme
from omtquiz.ui.widgets.card_view import (
    card_document_html,
    deck_path,
    make_card_view,
    style_card_view,
)
from omtquiz.ui.widgets.controls import fix_minimum_size, plain_tooltip

COLUMNS = ("Deck", "Type", "Question", "Tags", "Due", "Interval", "Lapses", "Recall")
SIZED_TO_CONTENT = (1, 4, 5, 6, 7)  # type, due, interval, lapses, recall
NUMERIC = {5, 6, 7}
FLAGS = theme.FLAGS
FLAG_COLORS = {n: color for n, _, color in FLAGS}
_FAR = datetime.max.replace(tzinfo=timezone.utc)
ROW_ROLE = Qt.ItemDataRole.UserRole
_ROOT = QModelIndex()


def _sort_key(column: int):
    return {
        0: lambda r: r.deck.casefold(),
        1: lambda r: r.type,
        2: lambda r: r.question.casefold(),
        3: lambda r: " ".join(r.tags).casefold(),
        4: lambda r: r.due or _FAR,
        5: lambda r: -1.0 if r.interval_days is None else r.interval_days,
        6: lambda r: r.lapses,
        7: lambda r: -1.0 if r.retrievability is None else r.retrievability,
    }[column]


# Card types whose cards can hold several items: the Type column numbers them ("cloze 2",
# "point 1" and "point 2" for a map card's "what is marked?" and "click it"), so a card's
# items, listed under one question, can be told apart.
_SEVERAL = frozenset({CardType.CLOZE, CardType.REVERSE, CardType.OCCLUSION, CardType.POINT,
                      "drill"})


class CardTableModel(QAbstractTableModel):
    """The rows a search found, in the order the header asks for."""

    def __init__(self, parent=None, tz=None) -> None:
        super().__init__(parent)
        self.tz = tz
        self._rows: list[Row] = []
        self._library_order: dict[int, int] = {}
        self._position: dict[int, int] | None = None
        self.sort_column = -1
        self.sort_order = Qt.SortOrder.AscendingOrder

    # -- contents --------------------------------------------------------------------------
    def set_rows(self, rows: list[Row]) -> None:
        """Show these rows (in library order), sorted as the header says."""
        self.beginResetModel()
        self._library_order = {id(row): n for n, row in enumerate(rows)}
        self._rows = self._sorted(list(rows))
        self._position = None
        self.endResetModel()

    def row(self, number: int) -> Row:
        return self._rows[number]

    def rows(self) -> list[Row]:
        return list(self._rows)

    def position(self, row: Row) -> int | None:
        if self._position is None:
            self._position = {id(r): n for n, r in enumerate(self._rows)}
        return self._position.get(id(row))

    def rows_changed(self, rows: list[Row]) -> None:
        last = len(COLUMNS) - 1
        for row in rows:
            number = self.position(row)
            if number is not None:
                self.dataChanged.emit(self.index(number, 0), self.index(number, last))

    def _sorted(self, rows: list[Row]) -> list[Row]:
        order = self._library_order
        rows.sort(key=lambda r: order.get(id(r), 0))
        if self.sort_column >= 0:
            rows.sort(key=_sort_key(self.sort_column),
                      reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        return rows

    # -- Qt's model interface --------------------------------------------------------------
    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort the list itself; selections follow their rows."""
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        held = [(self._rows[i.row()], i.column()) for i in before]
        self._rows = self._sorted(self._rows)
        self._position = None
        self.changePersistentIndexList(
            before, [self.index(self.position(row), column) for row, column in held])
        self.layoutChanged.emit()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and (row.suspended or row.buried):
            return QColor(theme.colors(theme.current())["muted"])
        if role == Qt.ItemDataRole.BackgroundRole and row.flag:
            color = QColor(FLAG_COLORS[row.flag])
            color.setAlpha(60)
            return color
        if role == Qt.ItemDataRole.ToolTipRole and column in (2, 3):
            return plain_tooltip(row.question if column == 2 else ", ".join(row.tags))
        if role == ROW_ROLE:
            return row
        return None

    def text(self, row: Row, column: int) -> str:
        if column == 0:
            return row.deck
        if column == 1:
            return row.type + (f" {row.item.ord + 1}" if row.type in _SEVERAL else "")
        if column == 2:
            return row.question
        if column == 3:
            return " ".join(row.tags)
        if column == 4:
            return self.due_text(row)
        if column == 5:
            return "" if row.interval_days is None else format_interval(
                timedelta(days=row.interval_days))
        if column == 6:
            return str(row.lapses) if row.due is not None else ""
        chance = row.retrievability
        return percent_text(chance, "")

    def due_text(self, row: Row) -> str:
        if row.due is None:
            return "new"
        local = row.due.astimezone(self.tz)
        text = f"{local:%Y-%m-%d}" if row.interval_days is None or row.interval_days >= 1 \
            else f"{local:%Y-%m-%d %H:%M}"
        if row.suspended:
            return f"({text}) suspended"
        if row.buried:
            return f"({text}) buried"
        return text


class BrowserWindow(QMainWindow):
    """Browse cards: Ctrl+F search, Ctrl+J suspend, Ctrl+1-7 flag, Ctrl+L show in deck file."""

    changed = Signal(object)  # the Changes an action made: counts elsewhere are stale
    edit_requested = Signal(object)  # E: edit the selected card (its Item)
    info_requested = Signal(object)  # Ctrl+Shift+I: card info of the selected card
    copy_requested = Signal(str)  # copy this bundled (read-only) deck file to my decks

    def __init__(self, context, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("browserWindow")
        self.setWindowTitle("Browse cards — omtquiz")
        self.context = context
        self.index: CardIndex | None = None
        self._actions = None
        self.location_box: QMessageBox | None = None
        self._stale = False
        self.model = CardTableModel(self, tz=context.settings.global_settings.tzinfo)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        search_row = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("browserSearchEdit")
        self.search_edit.setAccessibleName("Search cards")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(
            'Search: tag:contraindication  deck:omt-techniques  is:due  is:new  -is:suspended  '
            '"lymphatic pump"')
        self.search_edit.setToolTip(SEARCH_HELP)
        for button in self.search_edit.findChildren(QToolButton):
            button.setObjectName("browserSearchClearButton")
            button.setAccessibleName("Clear the search")
        self.count_label = QLabel()
        self.count_label.setObjectName("browserCountLabel")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setProperty("role", "muted")
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.count_label)
        layout.addLayout(search_row)
        self.error_label = QLabel()
        self.error_label.setObjectName("browserErrorLabel")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)  # it echoes the query typed
        self.error_label.setProperty("role", "badge")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        splitter = QSplitter(Qt.Orientation.Vertical)  # the table gets the full width
        splitter.setObjectName("browserSplitter")
        self.table = QTableView()
        self.table.setObjectName("browserTable")
        self.table.setAccessibleName("Cards")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 190), (1, 70), (3, 150), (4, 96), (5, 66), (6, 60),
                              (7, 62)):
            header.resizeSection(column, width)
        header.setMinimumSectionSize(40)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        splitter.addWidget(self.table)

        preview = QWidget()
        preview_layout = QVBoxLayout(preview)
        preview_layout.setContentsMargins(0, 6, 0, 0)
        self.preview = make_card_view()
        self.preview.setObjectName("browserPreview")
        self.preview.setAccessibleName("Card preview")
        self.details_label = QLabel()
        self.details_label.setObjectName("browserDetailsLabel")
        self.details_label.setProperty("role", "muted")
        self.details_label.setWordWrap(True)
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        preview_layout.addWidget(self.preview, 1)
        preview_layout.addWidget(self.details_label)
        splitter.addWidget(preview)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([470, 230])
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._search_now)
        self.search_edit.textChanged.connect(lambda _text: self._timer.start())
        self.search_edit.returnPressed.connect(self._search_now)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        fix_minimum_size(self)
        self.resize(1150, 760)
        self.reload()

    def _build_actions(self) -> None:
        bar = QToolBar("Card actions")
        bar.setObjectName("browserToolBar")
        bar.setMovable(False)
        self.addToolBar(bar)

        def action(text, name, slot, shortcut=None, tip=""):
            act = QAction(text, self)
            act.setObjectName(name)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.setToolTip(f"{tip or text} ({QKeySequence(shortcut).toString()})"
                           if shortcut else tip or text)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.suspend_action = action("Suspend", "suspendAction", self.suspend_selected,
                                     "Ctrl+J", "Suspend the selected cards")
        self.unsuspend_action = action("Unsuspend", "unsuspendAction", self.unsuspend_selected,
                                       "Ctrl+Shift+J", "Unsuspend the selected cards")
        self.bury_action = action("Bury", "buryAction", self.bury_selected, "Ctrl+Shift+B",
                                  "Hide the selected cards until tomorrow")
        self.reset_action = action("Reset…", "resetAction", self.reset_selected, "Ctrl+Alt+N",
                                   "Make the selected cards new again")
        self.flag_menu = QMenu("Flag", self)
        self.flag_menu.setObjectName("flagMenu")
        self.flag_actions = []
        for number, name, _ in FLAGS:
            self.flag_actions.append(action(
                name, f"flag{name}Action", lambda _=False, n=number: self.flag_selected(n),
                f"Ctrl+{number}", f"Flag {name.lower()}"))
            self.flag_menu.addAction(self.flag_actions[-1])
        self.flag_menu.addSeparator()
        self.unflag_action = action("Remove flag", "unflagAction",
                                    lambda: self.flag_selected(0), "Ctrl+0")
        self.flag_menu.addAction(self.unflag_action)
        self.edit_action = action("Edit", "editCardAction", self._edit_selected, "E",
                                  "Edit the selected card")
        self.info_action = action("Info", "cardInfoAction", self._info_selected,
                                  "Ctrl+Shift+I", "Card info: its answers and memory state")
        self.locate_action = action("Show in deck file", "showInFileAction", self.show_in_file,
                                    "Ctrl+L", "Show the deck file and line of this card")
        self.reload_action = action("Reload", "browserReloadAction", self.reload,
                                    QKeySequence.StandardKey.Refresh, "Reread cards and progress")
        action("Find", "browserFindAction", self._focus_search, QKeySequence.StandardKey.Find)
        action("Close", "browserCloseAction", self.close, QKeySequence("Escape"))

        for act in (self.suspend_action, self.unsuspend_action, self.bury_action,
                    self.reset_action):
            bar.addAction(act)
        flag_button = QToolButton()
        flag_button.setObjectName("flagButton")
        flag_button.setAccessibleName("Flag the selected cards")
        flag_button.setText("Flag")
        flag_button.setMenu(self.flag_menu)
        flag_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.addWidget(flag_button)
        bar.addAction(self.locate_action)
        bar.addSeparator()
        bar.addAction(self.reload_action)
        for button in bar.findChildren(QToolButton):
            act = button.defaultAction()
            if act is not None and not button.accessibleName():
                button.setAccessibleName(act.toolTip())
                button.setObjectName(f"{act.objectName()}Button")
            elif button.objectName() == "qt_toolbar_ext_button":
                button.setAccessibleName("More card actions")
        for act in (self.suspend_action, self.unsuspend_action, self.bury_action,
                    self.reset_action, self.locate_action):
            self.table.addAction(act)
        self.table.addAction(self.flag_menu.menuAction())
        self._update_actions()

    # -- data ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Rebuild every row from the library and the store, keeping the search."""
        self.index = self.context.card_index()
        self._actions = None
        self._stale = False
        self._search_now()

    def search(self, query: str) -> int:
        """Show the items matching `query`; the number found (-1 for a query with an error)."""
        self.search_edit.blockSignals(True)
        self.search_edit.setText(query)
        self.search_edit.blockSignals(False)
        return self._search_now()

    def _search_now(self) -> int:
        self._timer.stop()
        assert self.index is not None
        try:
            rows = self.index.search(self.search_edit.text())
        except QueryError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return -1
        self.error_label.hide()
        self.model.set_rows(rows)
        self._fit_columns()
        total = len(self.index)
        self.count_label.setText(f"{len(rows):,} of {total:,} cards" if len(rows) != total
                                 else f"{total:,} cards")
        if rows:
            self.table.selectRow(0)
        else:
            self._show_preview(None)
        self._update_actions()
        return len(rows)

    def _fit_columns(self) -> None:
        """The short columns as wide as their widest text (a due time, "(…) suspended"), so
        none is cut off; Qt measures the rows in view and up to 1,000 more, so a hundred
        thousand rows cost no more than a few. The question takes what is left."""
        for column in SIZED_TO_CONTENT:
            self.table.resizeColumnToContents(column)

    def selected_rows(self) -> list[Row]:
        numbers = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.row(n) for n in numbers]

    def _info_selected(self) -> None:
        items = self.selected_items()
        if len(items) == 1:
            self.info_requested.emit(items[0])

    def _edit_selected(self) -> None:
        items = self.selected_items()
        if len(items) == 1:
            self.edit_requested.emit(items[0])

    def selected_items(self) -> list:
        return [row.item for row in self.selected_rows()]

    def select_all(self) -> None:
        self.table.selectAll()

    def _selection_changed(self, *_args) -> None:
        rows = self.selected_rows()
        self._show_preview(rows[0] if len(rows) == 1 else None, len(rows))
        self._update_actions()

    def _update_actions(self) -> None:
        rows = self.selected_rows() if self.index is not None else []
        for act in (self.suspend_action, self.unsuspend_action, self.bury_action,
                    self.reset_action, *self.flag_actions, self.unflag_action):
            act.setEnabled(bool(rows))
        self.suspend_action.setEnabled(any(not r.suspended for r in rows))
        self.unsuspend_action.setEnabled(any(r.suspended for r in rows))
        self.locate_action.setEnabled(len(rows) == 1)

    def _show_preview(self, row: Row | None, selected: int = 0) -> None:
        style_card_view(self.preview)
        if row is None:
            self.preview.setHtml(f"<p>{selected} cards selected.</p>" if selected > 1 else "")
            self.details_label.setText("")
            return
        card = self.context.library.card(row.item)
        if card is None:
            return
        image = QUrl.fromLocalFile(card.image).toString() if card.image else None
        rendered = render_item(card, row.item.ord, image_src=image)
        body = rendered.answer_side
        self.preview.show_html(card_document_html(body, explanation=rendered.explanation),
                               deck_path(self.context.library, card.deck_id))
        self.details_label.setText(self.details(row))

    def details(self, row: Row) -> str:
        state = row.state.name.lower()
        parts = [f"{self.location(row)}", f"state {state}"]
        if row.due is not None:
            parts.append(f"due {self.model.due_text(row)}")
            parts.append(f"{row.card.reps} reviews, {row.lapses} lapses")
        if row.leech:
            parts.append("leech")
        if row.flag:
            parts.append(f"flag {FLAGS[row.flag - 1][1].lower()}")
        return " · ".join(parts)

    @staticmethod
    def location(row: Row) -> str:
        return f"{row.path}:{row.line}"

    # -- actions ---------------------------------------------------------------------------
    def _act(self, action: Callable[[CardActions, list[Item]], Changes], message: str) -> int:
        rows = self.selected_rows()
        if not rows:
            return 0
        if self._actions is None:
            self._actions = self.context.card_actions()
        items = [row.item for row in rows]
        changes = action(self._actions, items)
        self.show_changes(changes)
        self.statusBar().showMessage(
            f"{message} {len(items)} card{'s' if len(items) != 1 else ''}.", 5000)
        self.changed.emit(changes)
        return len(items)

    def show_changes(self, changes: Changes) -> None:
        """Reread the rows of the items that changed (all of them when settings did)."""
        if self.index is None:
            return
        if changes.settings:
            self.reload()
            return
        if changes.items:
            self.model.rows_changed(self.context.refresh_rows(self.index, list(changes.items)))
            self._selection_changed()

    def suspend_selected(self) -> int:
        return self._act(CardActions.suspend, "Suspended")

    def unsuspend_selected(self) -> int:
        return self._act(CardActions.unsuspend, "Unsuspended")

    def bury_selected(self) -> int:
        return self._act(CardActions.bury, "Buried until tomorrow")

    def flag_selected(self, flag: int) -> int:
        return self._act(lambda actions, items: actions.flag(items, flag),
                         "Flagged" if flag else "Removed the flag from")

    def reset_selected(self) -> int:
        count = len(self.selected_rows())
        if not count:
            return 0
        answer = QMessageBox.question(
            self, "Reset cards",
            f"Make {count} card{'s' if count != 1 else ''} new again? Their review history "
            "is kept, but they start over as if never studied.")
        if answer != QMessageBox.StandardButton.Yes:
            return 0
        return self._act(CardActions.reset, "Reset")

    def show_in_file(self) -> str:
        """Say where the selected card is written; 'Open file' opens the deck file. A deck
        that comes with omtquiz is read-only (it lives inside the installed app): it is
        offered as a copy to the student's decks instead, never opened for editing."""
        from omtquiz.ui.dialogs.card_editor import is_bundled

        rows = self.selected_rows()
        if len(rows) != 1:
            return ""
        where = self.location(rows[0])
        path = rows[0].path
        bundled = is_bundled(path)
        text = (f"This card is in a deck that comes with omtquiz, read-only here:\n\n{where}\n\n"
                "To change it, copy the deck to your decks: your progress follows the copy."
                if bundled else f"This card is written at\n\n{where}")
        box = QMessageBox(QMessageBox.Icon.Information, "Show in deck file", text,
                          QMessageBox.StandardButton.Close, self)
        box.setObjectName("locationBox")
        box.setTextFormat(Qt.TextFormat.PlainText)  # a file path, as it is
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if bundled:
            copy_deck = box.addButton("Copy to my decks", QMessageBox.ButtonRole.AcceptRole)
            copy_deck.setObjectName("copyToMyDecksButton")
            copy_deck.clicked.connect(lambda: self.copy_requested.emit(path))
        else:
            open_button = box.addButton("Open file", QMessageBox.ButtonRole.ActionRole)
            open_button.setObjectName("openDeckFileButton")
            open_button.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(path)))
        copy_button = box.addButton("Copy", QMessageBox.ButtonRole.ActionRole)
        copy_button.setObjectName("copyLocationButton")
        copy_button.clicked.connect(lambda: QApplication.clipboard().setText(where))
        self.location_box = box
        box.open()
        self.statusBar().showMessage(where, 10_000)
        return where

    def _focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def showEvent(self, event) -> None:
        """Shown again after being closed: study may have changed cards since, so reread."""
        super().showEvent(event)
        if self._stale and not event.spontaneous():
            self.reload()
        self._focus_search()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        if not event.spontaneous():
            self._stale = True


SEARCH_HELP = """Terms are combined with AND; put - before any term to negate it.
tag:contraindication   cards with that tag (or a child tag)
deck:omt-techniques    a deck by id or name, with its sub-decks
is:due  is:new  is:learn  is:review  is:suspended  is:buried  is:leech  is:flagged
flag:1 ... flag:7      a flag colour (flag:0: no flag)
"lymphatic pump"       a phrase in the question or answer
* is a wildcard in tag: and deck: (tag:muscle*)"""
