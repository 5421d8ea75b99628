"""The exam planner dialog: pick the exam day and what it covers; see how ready you will be and
the new cards a day that get everything introduced in time; Apply sets those limits."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from omtquiz.clock import study_day
from omtquiz.progress.types import ExamDate
from omtquiz.study.scope import Scope
from omtquiz.ui.widgets.charts import ExamRecallChart
from omtquiz.ui.widgets.controls import set_primary_enabled

DEFAULT_WEEKS = 6


class PlannerDialog(QDialog):
    def __init__(self, context, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("plannerDialog")
        self.setWindowTitle("Exam planner")
        self.context = context
        self.plan = None
        self.applied = False
        glob = context.settings.global_settings
        self.today = study_day(context.clock.now(), glob.day_start_hour, glob.tzinfo)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        intro = QLabel("When is the exam, and what does it cover? The plan reads your progress "
                       "as it is now.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("examDateEdit")
        self.date_edit.setAccessibleName("Exam date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setMinimumDate(_qdate(self.today))
        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("examScopeCombo")
        self.scope_combo.setAccessibleName("What the exam covers")
        self.scope_combo.addItem("All decks", "all")
        for deck in context.library.decks:
            self.scope_combo.addItem(f"Deck: {deck.full_name}", f"deck:{deck.id}")
        tags = sorted({t for d in context.library.decks for c in d.cards for t in c.tags},
                      key=str.casefold)
        for tag in tags:
            self.scope_combo.addItem(f"Tag: {tag}", f"tag:{tag}")
        self.date_edit.findChild(QLineEdit).setAccessibleName("Exam date")
        self.scope_combo.view().setObjectName("examScopeList")
        self.scope_combo.view().setAccessibleName("Scopes to choose from")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("examNameEdit")
        self.name_edit.setAccessibleName("Exam name")
        self.name_edit.setPlaceholderText("e.g. COMLEX Level 1")
        self.target_spin = QSpinBox()
        self.target_spin.setObjectName("examTargetSpin")
        self.target_spin.setAccessibleName("Target recall on exam day, percent")
        self.target_spin.setRange(50, 99)
        self.target_spin.setSuffix(" %")
        self.target_spin.setValue(90)
        self.target_spin.findChild(QLineEdit).setAccessibleName("Target recall, percent")
        form.addRow("Exam &date", self.date_edit)
        form.addRow("&Covers", self.scope_combo)
        form.addRow("&Name", self.name_edit)
        form.addRow("&Target recall", self.target_spin)
        layout.addLayout(form)

        recall_row = QHBoxLayout()
        self.recall_label = QLabel()
        self.recall_label.setObjectName("expectedRecallLabel")
        self.recall_label.setProperty("role", "big")
        self.caption_label = QLabel()
        self.caption_label.setObjectName("expectedRecallCaption")
        self.caption_label.setProperty("role", "muted")
        recall_row.addWidget(self.recall_label)
        recall_row.addSpacing(10)
        recall_row.addWidget(self.caption_label, 1)
        layout.addLayout(recall_row)
        self.explanation_label = self._text_label("planExplanationLabel", muted=True)
        self.advice_label = self._text_label("planAdviceLabel")
        self.changes_label = self._text_label("planChangesLabel")
        for label in (self.explanation_label, self.advice_label, self.changes_label):
            layout.addWidget(label)
        self.recall_chart = ExamRecallChart()
        layout.addWidget(self.recall_chart)
        layout.addStretch(1)

        self.buttons = QDialogButtonBox()
        self.apply_button = self.buttons.addButton("Apply plan",
                                                   QDialogButtonBox.ButtonRole.ApplyRole)
        self.apply_button.setObjectName("applyPlanButton")
        self.apply_button.setAccessibleName("Apply the new-card limits of this plan")
        self.apply_button.clicked.connect(self.apply)
        self.save_button = self.buttons.addButton("Save exam date",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setObjectName("saveExamDateButton")
        self.save_button.setAccessibleName("Save this exam date: schedule toward it and pace "
                                           "its new cards")
        self.save_button.clicked.connect(self.save_exam_date)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("closePlannerButton")
        close.setAccessibleName("Close the planner")
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        remembered = context.ui_prefs().get("exam_plan") or {}
        start = _parse_day(remembered.get("day")) or self.today + timedelta(weeks=DEFAULT_WEEKS)
        self.date_edit.setDate(_qdate(max(start, self.today)))
        index = self.scope_combo.findData(_scope_text(remembered.get("scope")))
        self.scope_combo.setCurrentIndex(max(0, index))
        self.date_edit.dateChanged.connect(self.update_plan)
        self.scope_combo.currentIndexChanged.connect(self.update_plan)
        self.target_spin.valueChanged.connect(self.update_plan)
        self.name_edit.textChanged.connect(self.update_plan)
        self.resize(600, 720)
        self.update_plan()

    @classmethod
    def ask(cls, context, parent=None) -> bool:
        """Show the planner; True when the student applied a plan."""
        dialog = cls(context, parent)
        dialog.exec()
        return dialog.applied

    def _text_label(self, name: str, *, muted: bool = False) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if muted:
            label.setProperty("role", "muted")
        return label

    # -- driving ---------------------------------------------------------------------------
    def exam_day(self) -> date:
        return self.date_edit.date().toPython()

    def set_exam_day(self, day: date) -> None:
        self.date_edit.setDate(_qdate(day))

    def scope(self) -> Scope:
        """The chosen scope: all decks, a deck or a tag."""
        return Scope.parse(self.scope_combo.currentData())

    def set_scope(self, scope: Scope) -> None:
        index = self.scope_combo.findData(str(scope))
        if index < 0:
            raise ValueError(f"no such scope in the planner: {scope}")
        self.scope_combo.setCurrentIndex(index)

    def update_plan(self) -> None:
        self.plan = plan = self.context.exam_plan(self.exam_day(), [self.scope()])
        headline, caption = plan.headline()
        self.recall_label.setText(headline)
        self.caption_label.setText(caption)
        self.explanation_label.setText(plan.explanation())
        self.advice_label.setText("\n".join(plan.advice()))
        changes = plan.changes()
        titles = {d.deck_id: d.title for d in plan.decks}
        if changes:
            lines = ["Apply raises these new-card limits:"]
            lines += [f"  {titles[deck_id]}: {old} → {new} a day"
                      for deck_id, (old, new) in changes.items()]
            self.changes_label.setText("\n".join(lines))
        elif plan.feasible and plan.new:
            self.changes_label.setText(
                "Nothing to apply: your new-card limits already meet this plan.")
        else:
            self.changes_label.setText("")
        set_primary_enabled(self.apply_button, bool(changes))
        self.recall_chart.set_forecast(self.context.exam_forecast(self.exam_date()))

    def exam_date(self) -> ExamDate:
        """The exam as set in the dialog (all decks when it covers everything)."""
        scope = self.scope()
        decks = tuple(d.id for d in self.context.library.decks) if scope.kind == "all" else ()
        return ExamDate(self.name_edit.text().strip() or "Exam", self.exam_day(),
                        decks or ((scope.value,) if scope.kind == "deck" else ()),
                        (scope.value,) if scope.kind == "tag" else (),
                        self.target_spin.value() / 100)

    def save_exam_date(self) -> None:
        """Keep the exam: due dates of its items are capped toward it, new cards paced."""
        self.context.save_exam_date(self.exam_date())
        self.applied = True
        self.update_plan()

    def apply(self) -> bool:
        """Save the plan's limits and remember the exam; False when there is nothing to apply."""
        if self.plan is None or not self.plan.changes():
            return False
        self.context.apply_exam_plan(self.plan)
        self.context.save_ui_prefs({**self.context.ui_prefs(), "exam_plan": {
            "day": self.exam_day().isoformat(), "scope": str(self.scope())}})
        self.applied = True
        self.update_plan()
        return True


def _scope_text(remembered) -> str:
    """A remembered scope as the combo's data: 'deck:ID' (older versions kept ['deck', 'ID'])."""
    if isinstance(remembered, list):
        return ":".join(remembered)
    return remembered if isinstance(remembered, str) else "all"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _parse_day(text) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
