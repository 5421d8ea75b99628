"""The preferences dialog: OK applies limits and look at once; Cancel changes nothing."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from omtquiz.clock import FixedClock
from omtquiz.decks.format.library import load_library
from omtquiz.profile import Dirs
from omtquiz.progress.store import Store
from omtquiz.ui import theme
from omtquiz.ui.context import AppContext
from omtquiz.ui.dialogs.preferences import PreferencesDialog

CARDS = "\n".join(f"  - {{id: c{n}, front: Question {n}?, back: Answer {n}}}" for n in range(30))
DECK = f"deck: many\ntitle: Thirty new cards\ncards:\n{CARDS}\n"


@pytest.fixture
def context(tmp_path, qapp, write_deck):
    theme.apply(qapp, "light", 15)
    write_deck(DECK, "decks/many.yaml")
    clock = FixedClock(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc))
    dirs = Dirs(data=tmp_path / "data", cache=tmp_path / "cache").ensure()
    store = Store.open(dirs.database, clock=clock)
    library = load_library([tmp_path / "decks"])
    assert library.deck("many") is not None
    yield AppContext(dirs=dirs, library=library, store=store, clock=clock, theme_name="light")
    store.close()
    theme.apply(qapp, "light", 15)


@pytest.fixture
def dialog(qtbot, context):
    widget = PreferencesDialog(context)
    qtbot.addWidget(widget)
    return widget


def new_today(context) -> int:
    return context.deck_list().totals.new


def test_ok_changes_the_daily_new_limit_at_once(qtbot, dialog, context):
    assert dialog.new_spin.value() == 20
    assert new_today(context) == 20
    dialog.new_spin.setValue(5)
    dialog.reviews_spin.setValue(150)
    dialog.retention_spin.setValue(0.85)
    dialog.day_start_spin.setValue(6)
    dialog.accept()
    settings = context.settings.global_settings
    assert (settings.new_per_day, settings.reviews_per_day) == (5, 150)
    assert settings.desired_retention == 0.85 and settings.day_start_hour == 6
    assert new_today(context) == 5
    reopened = PreferencesDialog(context)
    qtbot.addWidget(reopened)
    assert reopened.new_spin.value() == 5 and reopened.day_start_spin.value() == 6


def test_theme_and_font_size_apply_at_once(qtbot, qapp, dialog, context):
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    dialog.font_spin.setValue(19)
    dialog.accept()
    assert context.theme_name == "dark"
    assert qapp.property("omtquiz_theme") == "dark"
    assert qapp.property("omtquiz_font_pt") == 19
    assert "font-size: 19pt" in qapp.styleSheet()
    assert context.ui_prefs()["theme"] == "dark" and context.ui_prefs()["font_pt"] == 19


def test_cancel_changes_nothing(qtbot, qapp, dialog, context):
    dialog.new_spin.setValue(3)
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    dialog.reject()
    assert context.settings.global_settings.new_per_day == 20
    assert context.ui_prefs()["theme"] == "system"
    assert qapp.property("omtquiz_theme") == "light"


def test_retention_stays_in_its_range(dialog):
    spin = dialog.retention_spin
    assert (spin.minimum(), spin.maximum()) == (0.70, 0.99)
    spin.setValue(0.5)
    assert spin.value() == 0.70


def test_every_control_is_named_for_automation(dialog):
    names = {"newPerDaySpin", "reviewsPerDaySpin", "retentionSpin", "dayStartSpin",
             "themeCombo", "fontSizeSpin", "preferencesOkButton", "preferencesCancelButton"}
    for name in names:
        widget = dialog.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    theme_labels = [dialog.theme_combo.itemText(i) for i in range(dialog.theme_combo.count())]
    assert theme_labels == ["Follow system", "Light", "Dark"]


def test_ask_is_true_when_ok_is_pressed(qtbot, context):
    def press_ok() -> None:
        modal = QApplication.activeModalWidget()
        try:
            modal.findChild(QWidget, "newPerDaySpin").setValue(7)
            modal.findChild(QPushButton, "preferencesOkButton").click()
        finally:
            if modal.isVisible():  # a failure above would otherwise leave it open and hang
                modal.reject()

    QTimer.singleShot(0, press_ok)
    assert PreferencesDialog.ask(context) is True
    assert context.settings.global_settings.new_per_day == 7


@pytest.mark.parametrize("look", ["light", "dark"])
def test_render_the_dialog(qtbot, qapp, dialog, tmp_path, look):
    theme.apply(qapp, look, 15)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() >= dialog.minimumSizeHint().width()
    assert dialog.grab().save(str(tmp_path / f"preferences-{look}.png"))


def test_quizzes_leave_new_cards_new_unless_the_student_chooses(qtbot, dialog, context):
    from omtquiz.study.recording import record_quiz_answer

    assert not dialog.quiz_new_check.isChecked()
    item = context.library.decks[0].items()[0]
    record_quiz_answer(context.store, item, True, 2000, "mcq", context.clock)
    assert context.store.get(item).card.is_new
    dialog.quiz_new_check.setChecked(True)
    dialog.accept()
    assert context.quiz_introduces_new()
    record_quiz_answer(context.store, item, True, 2000, "mcq", context.clock)
    assert not context.store.get(item).card.is_new
    assert "one total" in dialog.findChild(QLabel, "limitsNoteLabel").text()
