"""The exam planner dialog with real widgets offscreen, on the planner's hand-worked library."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from test_ui_quiz import unnamed_controls
from test_ui_stats import make_context

from omtquiz.clock import FixedClock
from omtquiz.scheduling import Settings
from omtquiz.study.scope import Scope
from omtquiz.ui.dialogs.planner import PlannerDialog
from samples import planner_library


@pytest.fixture
def planner_context(tmp_path, qapp):
    clock = FixedClock(datetime(2025, 3, 10, 15, 0, tzinfo=timezone.utc))
    context = make_context(tmp_path, planner_library(), clock)
    context.save_settings(Settings().with_global(fuzz=False, timezone="UTC")
                          .with_deck("b", new_per_day=1))
    yield context
    context.store.close()


def test_the_planner_shows_the_plan_and_applies_it(qtbot, planner_context):
    dialog = PlannerDialog(planner_context)
    qtbot.addWidget(dialog)
    dialog.set_scope(Scope.deck("b"))
    dialog.set_exam_day(date(2025, 3, 14))
    # Deck b alone: four new items; at 1 a day the cloze card's three deletions and the basic
    # card take four days; the deadline (Wed 12th) leaves three, so 2 a day.
    # Nothing started yet: not a giant "0%", but how much is started (issue 17).
    assert dialog.recall_label.text() == "0 of 4"
    assert dialog.caption_label.text().startswith("cards started: too few yet")
    assert dialog.explanation_label.text().startswith("You have started 0 of these 4 cards.")
    assert "you need at least 2 new cards a day." in dialog.advice_label.text()
    assert "Deck B: 1 → 2 a day" in dialog.changes_label.text()
    assert dialog.apply_button.isEnabled()
    assert dialog.apply()
    assert planner_context.settings.for_deck("b").new_per_day == 2
    assert not dialog.apply_button.isEnabled()
    assert "already meet" in dialog.changes_label.text()
    assert planner_context.ui_prefs()["exam_plan"] == {"day": "2025-03-14", "scope": "deck:b"}
    assert unnamed_controls(dialog) == []


def test_ask_reports_whether_a_plan_was_applied(qtbot, planner_context):
    planner_context.save_ui_prefs({"exam_plan": {"day": "2025-03-14", "scope": ["deck", "b"]}})

    seen = []

    def apply_and_close():  # checks after ask() returns: a failure here would hang the dialog
        dialog = QApplication.activeModalWidget()
        try:
            seen.append((type(dialog), dialog.scope()))
            dialog.apply_button.click()
        finally:
            dialog.reject()

    QTimer.singleShot(0, apply_and_close)
    assert PlannerDialog.ask(planner_context) is True
    assert seen == [(PlannerDialog, Scope.deck("b"))]  # scope remembered from last time
    assert planner_context.settings.for_deck("b").new_per_day == 2


def test_a_scope_remembered_by_an_older_version_is_still_chosen(qtbot, planner_context):
    planner_context.save_ui_prefs({"exam_plan": {"day": "2025-03-14", "scope": ["deck", "b"]}})
    dialog = PlannerDialog(planner_context)
    qtbot.addWidget(dialog)
    assert dialog.scope() == Scope.deck("b")


def test_saving_an_exam_date_paces_new_cards_and_shows_the_forecast(qtbot, planner_context):
    dialog = PlannerDialog(planner_context)
    qtbot.addWidget(dialog)
    dialog.set_scope(Scope.deck("b"))
    dialog.set_exam_day(date(2025, 3, 14))
    dialog.name_edit.setText("OMM practical")
    dialog.target_spin.setValue(95)
    assert dialog.recall_chart.forecast.items == 4
    assert dialog.recall_chart.subtitle() == "OMM practical, 14 Mar 2025: 0% expected"
    assert dialog.recall_chart.detail().startswith("0 of 4 items at the 95% target")
    dialog.save_button.click()
    (exam,) = planner_context.store.exam_dates()
    assert (exam.name, exam.on, exam.decks, exam.target) == (
        "OMM practical", date(2025, 3, 14), ("b",), 0.95)
    assert planner_context.settings.for_deck("b").new_per_day == 2  # paced: all in by the 12th
    assert dialog.applied
