"""The home screen: the deck tree with today's counts, and ways into study, quiz and exam."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from omtquiz.progress.types import AnswerMode
from omtquiz.study.deck_list import DeckList, DeckRow
from omtquiz.study.queue import Counts
from omtquiz.study.scope import Scope
from omtquiz.ui import theme
from omtquiz.ui.widgets.card_view import RichLabel
from omtquiz.ui.widgets.controls import make_button, make_heading

SCOPE_ROLE = Qt.ItemDataRole.UserRole  # the row's Scope; None for a file that did not load
KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the deck id or file path its problems are under
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class DeckPage(QWidget):
    """Emits the chosen `Scope`, or None for a deck file that did not load."""

    study_requested = Signal(object)
    study_due_requested = Signal()  # every deck's due cards, no new ones
    quiz_requested = Signal(object, str)  # scope, AnswerMode.CHOICES or TYPED
    exam_requested = Signal(object, int, int)  # scope, questions, minutes (0: untimed)
    custom_requested = Signal(object)  # scope: the Custom study dialog for it (C)
    # Study, a quiz or an exam asked of a deck file that did not load: its path and problems.
    broken_requested = Signal(str, list)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("deckPage")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(16)

        left = QVBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("deckFilterEdit")
        self.filter_edit.setAccessibleName("Filter decks")
        self.filter_edit.setPlaceholderText("Filter decks (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._apply_filter)
        # Keyboard-first: Enter studies the first match, Down goes into the list.
        self.filter_edit.returnPressed.connect(self._study_first_match)
        self.filter_edit.installEventFilter(self)
        self.tree = QTreeWidget()
        self.tree.setObjectName("deckTree")
        self.tree.setAccessibleName("Decks")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Deck", "New", "Learn", "Due"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            self.tree.headerItem().setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
        self.tree.itemActivated.connect(lambda *_: self._study_selected())
        self.tree.currentItemChanged.connect(lambda *_: self._show_selected())
        left.addWidget(self.filter_edit)
        left.addWidget(self.tree, 1)
        layout.addLayout(left, 3)

        right = QVBoxLayout()
        right.setSpacing(10)
        # Deck titles, counts and problems are shown as typed: a title such as <b> or
        # <img src=...> is text, never HTML. Only the description is rendered (Markdown), in a
        # RichLabel that loads no picture (a description has no deck folder to take one from).
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setProperty("role", "title")
        self.title_label.setWordWrap(True)
        self.title_label.setObjectName("deckTitleLabel")
        self.summary_label = QLabel()
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setProperty("role", "muted")
        self.summary_label.setObjectName("deckSummaryLabel")
        # Not a QLabel: Qt's labels load every <img src> themselves (/dev/zero, UNC shares).
        self.description_label = RichLabel()
        self.description_label.setObjectName("deckDescriptionLabel")
        self.description_label.setAccessibleName("Deck description")
        self.problems_label = QLabel()
        self.problems_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problems_label.setWordWrap(True)
        self.problems_label.setObjectName("deckProblemsLabel")
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label.setProperty("role", "badge")
        self.study_button = make_button("Study  (Enter)", "studyButton", "Study selected deck",
                                    primary=True)
        self.study_button.clicked.connect(self._study_selected)
        self.study_all_button = make_button("Study all due", "studyAllButton",
                                            "Study all due cards")
        self.study_all_button.clicked.connect(self.study_due_requested.emit)
        self.custom_button = make_button("Custom study…  (C)", "customStudyButton",
                                         "Custom study")
        self.custom_button.clicked.connect(self.request_custom)

        quiz_row = QHBoxLayout()
        self.mcq_button = make_button("Multiple choice", "mcqQuizButton", "Multiple choice quiz")
        self.mcq_button.clicked.connect(
            lambda: self._request(self.quiz_requested, AnswerMode.CHOICES))
        self.typed_button = make_button("Typed answer", "typedQuizButton", "Typed answer quiz")
        self.typed_button.clicked.connect(
            lambda: self._request(self.quiz_requested, AnswerMode.TYPED))
        quiz_row.addWidget(self.mcq_button)
        quiz_row.addWidget(self.typed_button)

        exam_row = QHBoxLayout()
        self.exam_count = QSpinBox()
        self.exam_count.setObjectName("examCountSpin")
        self.exam_count.setAccessibleName("Exam questions")
        self.exam_count.setRange(5, 200)
        self.exam_count.setValue(20)
        self.exam_count.setSuffix(" questions")
        self.exam_minutes = QSpinBox()
        self.exam_minutes.setObjectName("examMinutesSpin")
        self.exam_minutes.setAccessibleName("Exam time limit in minutes")
        self.exam_minutes.setRange(0, 240)
        self.exam_minutes.setValue(20)
        self.exam_minutes.setSpecialValueText("no limit")
        self.exam_minutes.setSuffix(" min")
        self.exam_button = make_button("Start exam", "examStartButton", "Start exam")
        self.exam_button.clicked.connect(lambda: self._request(
            self.exam_requested, self.exam_count.value(), self.exam_minutes.value()))
        exam_row.addWidget(self.exam_count)
        exam_row.addWidget(self.exam_minutes)
        exam_row.addWidget(self.exam_button)

        tag_row = QHBoxLayout()
        # Keyboard-first: type part of a tag (the list narrows to tags containing it), Enter
        # studies the first match; or open the list, sorted by name with each tag's cards.
        self.tag_combo = QComboBox()
        self.tag_combo.setObjectName("tagCombo")
        self.tag_combo.setAccessibleName("Tag to study")
        self.tag_combo.setEditable(True)
        self.tag_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.tag_combo.lineEdit().setPlaceholderText("Type a tag…")
        self.tag_combo.lineEdit().setObjectName("tagFilterEdit")
        self.tag_combo.lineEdit().setAccessibleName("Type a tag to study")
        self.tag_combo.lineEdit().setClearButtonEnabled(True)
        self.tag_combo.lineEdit().returnPressed.connect(self._study_tag)
        completer = self.tag_combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.tag_button = make_button("Study tag", "studyTagButton", "Study cards with this tag")
        self.tag_button.clicked.connect(self._study_tag)
        tag_row.addWidget(self.tag_combo, 1)
        tag_row.addWidget(self.tag_button)

        self.info_area = self._info_area()
        right.addWidget(self.info_area)
        right.addSpacing(6)
        right.addWidget(self.study_button)
        right.addWidget(self.study_all_button)
        right.addWidget(self.custom_button)
        right.addSpacing(10)
        right.addWidget(make_heading("Quiz"))
        right.addLayout(quiz_row)
        right.addWidget(make_heading("Exam"))
        right.addLayout(exam_row)
        right.addWidget(make_heading("By tag, across decks"))
        right.addLayout(tag_row)
        right.addStretch(1)
        layout.addLayout(right, 2)
        self._problems: dict[str, list[str]] = {}
        self._rows: dict[str, DeckRow] = {}
        self._descriptions: dict[str, str] = {}

    def _info_area(self) -> QScrollArea:
        """The selected deck's title, counts, description and problems, in a box of fixed
        height that scrolls: the buttons under it stay put whatever the description's
        length."""
        info = QWidget()
        info.setObjectName("deckInfo")
        column = QVBoxLayout(info)
        column.setContentsMargins(0, 0, 4, 0)
        column.setSpacing(10)
        for widget in (self.title_label, self.summary_label, self.description_label,
                       self.problems_label):
            column.addWidget(widget)
        column.addStretch(1)
        area = QScrollArea()
        area.setObjectName("deckInfoArea")
        area.setAccessibleName("About the selected deck")
        area.setWidget(info)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A scroll area's viewport fills with the window colour, the page's own, so it is left
        # as it is: asking for it (`viewport()`) would make PySide build the Python types of
        # ~50 widget classes before the first paint (~7 ms, ~0.6 MB).
        info.setAutoFillBackground(False)
        area.setFixedHeight(12 * self.fontMetrics().lineSpacing())
        return area

    # -- filling ---------------------------------------------------------------------------
    def populate(self, decks: DeckList) -> None:
        """Show the deck list: every deck under its parent, below a row for all decks."""
        current = self.tree.currentItem()
        selected = (self.scope(), current.data(0, KEY_ROLE)) if current else None
        self.tree.clear()
        self._problems = {row.key: list(row.problems) for row in decks.rows if row.problems}
        self._rows = {row.key: row for row in decks.rows}
        self._descriptions = {row.key: row.description for row in decks.rows}
        bad = QBrush(QColor(theme.colors(theme.current())["bad"]))
        bold = QFont(self.tree.font())
        bold.setBold(True)
        total_item = self._item("All decks", decks.totals, Scope.all(), bold)
        self.tree.addTopLevelItem(total_item)
        parents: dict[str, QTreeWidgetItem] = {}
        for row in decks.rows:
            item = self._item(row.title + ("  ⚠" if row.problems else ""), row.counts, row.scope)
            item.setData(0, KEY_ROLE, row.key)
            if row.problems:
                item.setForeground(0, bad)
                item.setToolTip(0, "This deck has problems: select it to see them")
            holder = total_item
            if row.parent:
                holder = parents.get(row.parent)
                if holder is None:
                    holder = parents[row.parent] = self._item(
                        row.parent, decks.parents[row.parent], Scope.tree(row.parent), bold)
                    total_item.addChild(holder)
            holder.addChild(item)
        self.tree.expandAll()
        self._fill_tags(decks)
        self._select(selected)
        self._apply_filter(self.filter_edit.text())

    def _item(self, label: str, counts: Counts | None, scope: Scope | None,
              font: QFont | None = None) -> QTreeWidgetItem:
        shown = ("", "", "") if counts is None else (counts.new, counts.learning, counts.due)
        item = QTreeWidgetItem([label, *map(str, shown)])
        item.setData(0, SCOPE_ROLE, scope)
        if font is not None:
            item.setFont(0, font)
        self._style_counts(item)
        return item

    @staticmethod
    def _style_counts(item: QTreeWidgetItem) -> None:
        c = theme.colors(theme.current())
        for column, key in ((1, "highlight"), (2, "bad"), (3, "good")):
            item.setTextAlignment(column, RIGHT)
            if item.text(column) not in ("", "0"):
                item.setForeground(column, QBrush(QColor(c[key])))

    def _select(self, selected: tuple[Scope | None, str | None] | None) -> None:
        target = self.tree.topLevelItem(0)
        if selected is not None:
            for item in self._all_items():
                if (item.data(0, SCOPE_ROLE), item.data(0, KEY_ROLE)) == selected:
                    target = item
                    break
        if target is not None:
            self.tree.setCurrentItem(target)

    def _all_items(self):
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            yield item
            stack.extend(item.child(i) for i in range(item.childCount()))

    # -- reacting --------------------------------------------------------------------------
    def scope(self) -> Scope | None:
        """The selected row's scope (None for a file that did not load); all decks by default."""
        item = self.tree.currentItem()
        return item.data(0, SCOPE_ROLE) if item else Scope.all()

    def _study_selected(self) -> None:
        self._request(self.study_requested)

    def request_custom(self) -> None:
        """Custom study of the selection (C, or the button): more new cards, review ahead ..."""
        self._request(self.custom_requested)

    def _request(self, signal, *args) -> None:
        """Emit a study, quiz or exam request for the selection; for a deck file that did not
        load, say why instead (its problems), rather than doing nothing."""
        item = self.tree.currentItem()
        row = self._rows.get(item.data(0, KEY_ROLE)) if item is not None else None
        if row is not None and not row.studiable:
            self.broken_requested.emit(row.path or row.key, list(row.problems))
            return
        signal.emit(self.scope(), *args)

    def eventFilter(self, watched, event) -> bool:
        if (watched is self.filter_edit and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down):
            self._enter_list()
            return True
        return super().eventFilter(watched, event)

    def _matches(self) -> list[QTreeWidgetItem]:
        """The visible rows the filter matched, decks first (in list order), then parents."""
        needle = self.filter_edit.text().strip().casefold()
        rows = [i for i in self._all_items() if i.parent() is not None and not i.isHidden()
                and (not needle or needle in i.text(0).casefold())]
        return sorted(rows, key=lambda i: i.data(0, KEY_ROLE) is None)

    def _enter_list(self) -> None:
        current = self.tree.currentItem()
        if current is None or current.isHidden():
            matches = self._matches()
            if matches:
                self.tree.setCurrentItem(matches[0])
        self.tree.setFocus()

    def _study_first_match(self) -> None:
        matches = self._matches() if self.filter_edit.text().strip() else []
        if matches:
            self.tree.setCurrentItem(matches[0])
        self._study_selected()

    def _fill_tags(self, decks: DeckList) -> None:
        typed = self.tag_combo.currentText()
        self.tag_combo.clear()
        for tag in decks.tags:
            count = decks.tag_counts.get(tag, 0)
            self.tag_combo.addItem(f"{tag}  ({count})", tag)
            self.tag_combo.setItemData(self.tag_combo.count() - 1,
                                       f"{count} card{'s' if count != 1 else ''} tagged {tag}",
                                       Qt.ItemDataRole.ToolTipRole)
        self.tag_combo.setCurrentIndex(-1)
        self.tag_combo.setEditText(typed)

    def chosen_tag(self) -> str | None:
        """The tag the chooser names: a listed entry, a tag typed whole, or else the first tag
        (by name) containing what was typed; None when nothing matches."""
        typed = self.tag_combo.currentText().strip()
        if not typed:
            return None
        index = self.tag_combo.findText(typed)
        if index >= 0:
            return self.tag_combo.itemData(index)
        tags = [self.tag_combo.itemData(i) for i in range(self.tag_combo.count())]
        needle = typed.casefold()
        exact = [t for t in tags if t.casefold() == needle]
        return next(iter(exact or [t for t in tags if needle in t.casefold()]), None)

    def _study_tag(self) -> None:
        tag = self.chosen_tag()
        if tag is not None:
            self.study_requested.emit(Scope.tag(tag))

    def _show_selected(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        name = item.text(0).replace("  ⚠", "")
        self.title_label.setText(name)
        new, learn, due = (item.text(k) or "0" for k in (1, 2, 3))
        self.summary_label.setText(f"{new} new · {learn} learning · {due} due today")
        key = item.data(0, KEY_ROLE)
        self.description_label.setText(self._description_html(key))
        self.description_label.setVisible(bool(key and self._descriptions.get(key)))
        problems = self._problems.get(key, []) if key else []
        self.problems_label.setText("\n".join(problems[:12]) + (
            f"\n… and {len(problems) - 12} more" if len(problems) > 12 else ""))
        self.problems_label.setVisible(bool(problems))
        self.info_area.verticalScrollBar().setValue(0)  # each deck's text from its top

    def _description_html(self, key: str | None) -> str:
        text = self._descriptions.get(key, "") if key else ""
        if not text:
            return ""
        from omtquiz.decks.render import markdown

        return markdown(text)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for item in self._all_items():
            if item.parent() is None:
                continue
            visible = not needle or needle in item.text(0).casefold() or any(
                needle in item.child(i).text(0).casefold() for i in range(item.childCount()))
            item.setHidden(not visible)
        current = self.tree.currentItem()
        if needle and (current is None or current.isHidden() or current.parent() is None):
            matches = self._matches()  # the panel follows what the filter left visible
            if matches:
                self.tree.setCurrentItem(matches[0])
