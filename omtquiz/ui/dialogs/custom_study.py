"""The Custom study dialog (Anki's, key C on the deck list): more new cards or reviews today,
review forgotten cards, review ahead, preview new cards, study by card state or tag.

Keyboard-first: the options are a radio list (arrows move, the underlined letters jump), Tab
goes on to the number, the tag filter and list (Space ticks a tag), and Enter starts. The
dialog only describes what the student wants, as a `study.custom.CustomStudy`; choosing the
cards and studying them is the core's (through the context), and how many cards match is shown
as the choice changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from omtquiz.study.custom import MAX_AMOUNT, CardsWanted, CustomKind, CustomStudy
from omtquiz.study.scope import Scope
from omtquiz.ui.widgets.controls import make_label, set_primary_enabled

# (kind, radio text, what the number means, its suffix, its default)
OPTIONS = (
    (CustomKind.MORE_NEW, "Increase today's &new card limit", "Increase by", " cards", 10),
    (CustomKind.MORE_REVIEWS, "Increase today's &review card limit", "Increase by", " cards",
     50),
    (CustomKind.FORGOTTEN, "Review &forgotten cards", "Forgotten in the last", " days", 1),
    (CustomKind.AHEAD, "Review &ahead", "Due in the next", " days", 1),
    (CustomKind.PREVIEW, "&Preview new cards", "The next", " new cards", 10),
    (CustomKind.BY_TAG, "Study by card state or &tag", "", "", 1),
)
CARDS = (("New cards only", CardsWanted.NEW), ("Due cards only", CardsWanted.DUE),
         ("All cards", CardsWanted.ALL))
SESSION_LIMIT = (CustomKind.FORGOTTEN, CustomKind.AHEAD, CustomKind.BY_TAG)


class CustomStudyDialog(QDialog):
    def __init__(self, context, scope: Scope, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("customStudyDialog")
        self.setWindowTitle("Custom study")
        self.context = context
        self.scope = scope
        self._amounts = {kind: default for kind, _, _, _, default in OPTIONS}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        heading = make_label("customStudyScopeLabel", "title")
        heading.setText(scope.title(context.library))
        heading.setWordWrap(True)
        layout.addWidget(heading)
        note = make_label("customStudyNote", "muted")
        note.setText("Studies only the cards you choose here; every other card keeps its "
                     "schedule.")
        note.setWordWrap(True)
        layout.addWidget(note)

        self.group = QButtonGroup(self)
        self.radios: dict[CustomKind, QRadioButton] = {}
        options = QWidget()
        options_layout = QVBoxLayout(options)
        options_layout.setContentsMargins(0, 4, 0, 4)
        options_layout.setSpacing(4)
        for kind, text, *_ in OPTIONS:
            radio = QRadioButton(text)
            radio.setObjectName(f"custom-{kind.value}")
            self.radios[kind] = radio
            self.group.addButton(radio)
            options_layout.addWidget(radio)
            radio.toggled.connect(lambda on, k=kind: on and self._choose(k))
        layout.addWidget(options)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(1, 1)
        self.amount_label = QLabel()
        self.amount_spin = QSpinBox()
        self.amount_spin.setObjectName("customAmountSpin")
        self.amount_spin.setRange(1, MAX_AMOUNT)
        self.amount_spin.valueChanged.connect(self._amount_changed)
        self.amount_label.setBuddy(self.amount_spin)
        grid.addWidget(self.amount_label, 0, 0)
        grid.addWidget(self.amount_spin, 0, 1)
        self.limit_label = QLabel("At &most")
        self.limit_spin = QSpinBox()
        self.limit_spin.setObjectName("customLimitSpin")
        self.limit_spin.setAccessibleName("At most this many cards")
        self.limit_spin.setRange(1, MAX_AMOUNT)
        self.limit_spin.setValue(100)
        self.limit_spin.setSuffix(" cards")
        self.limit_spin.valueChanged.connect(self._later)
        self.limit_label.setBuddy(self.limit_spin)
        grid.addWidget(self.limit_label, 1, 0)
        grid.addWidget(self.limit_spin, 1, 1)
        self.cards_label = QLabel("&Cards")
        self.cards_combo = QComboBox()
        self.cards_combo.setObjectName("customCardsCombo")
        self.cards_combo.setAccessibleName("Which cards")
        for text, wanted in CARDS:
            self.cards_combo.addItem(text, wanted)
        self.cards_combo.setCurrentIndex(1)
        self.cards_combo.currentIndexChanged.connect(self._cards_changed)
        self.cards_label.setBuddy(self.cards_combo)
        grid.addWidget(self.cards_label, 2, 0)
        grid.addWidget(self.cards_combo, 2, 1)
        layout.addLayout(grid)

        self.tags_box = QWidget()
        tags_layout = QVBoxLayout(self.tags_box)
        tags_layout.setContentsMargins(0, 0, 0, 0)
        tags_layout.setSpacing(4)
        self.tag_filter = QLineEdit()
        self.tag_filter.setObjectName("customTagFilter")
        self.tag_filter.setAccessibleName("Filter tags")
        self.tag_filter.setPlaceholderText("Filter tags (none ticked: every card)")
        self.tag_filter.setClearButtonEnabled(True)
        self.tag_filter.textChanged.connect(self._filter_tags)
        self.tag_list = QListWidget()
        self.tag_list.setObjectName("customTagList")
        self.tag_list.setAccessibleName("Tags (Space ticks)")
        self.tag_list.setMinimumHeight(120)
        for tag, count in context.custom_tags(scope):
            item = QListWidgetItem(f"{tag}  ({count})")
            item.setData(Qt.ItemDataRole.UserRole, tag)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.tag_list.addItem(item)
        self.tag_list.itemChanged.connect(self._later)
        if self.tag_list.count():
            self.tag_list.setCurrentRow(0)
        self.reschedule_box = QCheckBox("Re&schedule cards based on my answers")
        self.reschedule_box.setObjectName("customRescheduleBox")
        self.reschedule_box.setChecked(True)
        tags_layout.addWidget(self.tag_filter)
        tags_layout.addWidget(self.tag_list, 1)
        tags_layout.addWidget(self.reschedule_box)
        layout.addWidget(self.tags_box, 1)

        self.info_label = make_label("customStudyInfo", "muted")
        self.info_label.setWordWrap(True)
        layout.addWidget(self.info_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setObjectName("customStartButton")
        self.start_button.setText("Start  (Enter)")
        self.start_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)  # the match count follows typing without lagging it
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._update_info)
        self.setMinimumWidth(480)
        self.radios[CustomKind.MORE_NEW].setChecked(True)
        self.radios[CustomKind.MORE_NEW].setFocus()

    # -- what the student chose ------------------------------------------------------------
    @property
    def kind(self) -> CustomKind:
        return next(kind for kind, radio in self.radios.items() if radio.isChecked())

    def spec(self) -> CustomStudy:
        kind = self.kind
        tags = tuple(item.data(Qt.ItemDataRole.UserRole) for item in self._tag_items()
                     if item.checkState() == Qt.CheckState.Checked)
        return CustomStudy(kind, self.scope, amount=self._amounts[kind],
                           limit=self.limit_spin.value(), tags=tags,
                           cards=self._cards(),
                           reschedule=self.reschedule_box.isChecked())

    def _cards(self) -> CardsWanted:
        return CardsWanted(self.cards_combo.currentData())  # Qt hands the enum back as text

    def _tag_items(self):
        return (self.tag_list.item(row) for row in range(self.tag_list.count()))

    # -- reacting ----------------------------------------------------------------------------
    def _choose(self, kind: CustomKind) -> None:
        _, _, label, suffix, _ = next(o for o in OPTIONS if o[0] is kind)
        by_tag = kind is CustomKind.BY_TAG
        self.amount_label.setText(f"&{label}" if label else "")
        self.amount_spin.setAccessibleName(f"{label}{suffix}")
        self.amount_spin.setSuffix(suffix)
        self.amount_spin.blockSignals(True)
        self.amount_spin.setValue(self._amounts[kind])
        self.amount_spin.blockSignals(False)
        for widget in (self.amount_label, self.amount_spin):
            widget.setVisible(not by_tag)
        for widget in (self.limit_label, self.limit_spin):
            widget.setVisible(kind in SESSION_LIMIT)
        for widget in (self.cards_label, self.cards_combo, self.tags_box):
            widget.setVisible(by_tag)
        self._update_info()
        self.layout().activate()
        # As tall as the choice needs: no empty band where the tag list was, and room for
        # it (adjustSize would stop at a share of a small screen and squeeze it).
        self.resize(self.width(), self.sizeHint().height())

    def _amount_changed(self, value: int) -> None:
        self._amounts[self.kind] = value
        self._later()

    def _cards_changed(self) -> None:
        # Anki's "all cards" is a cram that leaves the schedule alone; new or due reschedule.
        self.reschedule_box.setChecked(self._cards() is not CardsWanted.ALL)
        self._later()

    def _filter_tags(self, text: str) -> None:
        needle = text.strip().casefold()
        first = None
        for item in self._tag_items():
            hidden = bool(needle) and needle not in item.data(Qt.ItemDataRole.UserRole).casefold()
            item.setHidden(hidden)
            first = first or (None if hidden else item)
        if first is not None and (self.tag_list.currentItem() is None
                                  or self.tag_list.currentItem().isHidden()):
            self.tag_list.setCurrentItem(first)

    def _later(self, *_args) -> None:
        if self.isVisible():  # a hidden dialog counts when shown or accepted
            self._timer.start()

    def hideEvent(self, event) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def _update_info(self) -> None:
        self._timer.stop()
        spec = self.spec()
        if spec.is_limit:
            summary = self.context.limit_summary(self.scope)
            if spec.kind is CustomKind.MORE_NEW:
                text = (f"Today's limit offers {summary.new_today} new cards; "
                        f"{summary.new_more} more are waiting.")
            else:
                text = (f"Today's limit offers {summary.due_today} reviews; "
                        f"{summary.due_more} more are due.")
            self.info_label.setText(text + " Start raises the limit for today only and "
                                    "studies.")
            set_primary_enabled(self.start_button, True)
            return
        matches = self.context.custom_matches(spec)
        if not matches:
            self.info_label.setText("No card matches: nothing to study.")
        else:
            verb = "studies" if spec.reschedules else "shows (no rescheduling)"
            self.info_label.setText(f"Start {verb} {matches} card{'s' if matches != 1 else ''}.")
        set_primary_enabled(self.start_button, matches > 0)

    def accept(self) -> None:
        self._update_info()  # Enter may come before the count caught up
        if self.start_button.isEnabled():
            super().accept()

    @classmethod
    def ask(cls, context, scope: Scope, parent=None) -> CustomStudy | None:
        dialog = cls(context, scope, parent)
        return dialog.spec() if dialog.exec() == QDialog.DialogCode.Accepted else None
