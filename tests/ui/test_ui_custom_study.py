"""The Custom study dialog, driven from the keyboard on real widgets: C on the deck list opens
it, arrows choose, Enter starts, and the review screen studies only the chosen cards."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from omtquiz.clock import FixedClock
from omtquiz.decks.format.library import load_library
from omtquiz.decks.model import Item
from omtquiz.profile import Dirs
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState, Settings, State
from omtquiz.study.custom import CustomKind
from omtquiz.study.scope import Scope
from omtquiz.ui import theme
from omtquiz.ui.context import AppContext
from omtquiz.ui.dialogs.custom_study import CustomStudyDialog
from omtquiz.ui.main_window import MainWindow

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
CARDS = "\n".join(f"  - {{id: c{n}, front: Question {n}?, back: Answer {n}, tags: [{tag}]}}"
                  for n, tag in enumerate(["spine", "spine::lumbar", "cranial", "rib", "rib"]))
DECK = f"deck: spine\ntitle: Spine and ribs\ncards:\n{CARDS}\n"


@pytest.fixture
def context(tmp_path, qapp, write_deck):
    theme.apply(qapp, "light", 15)
    write_deck(DECK, "decks/spine.yaml")
    clock = FixedClock(NOW)
    dirs = Dirs(data=tmp_path / "data", cache=tmp_path / "cache").ensure()
    store = Store.open(dirs.database, clock=clock)
    store.save_settings(Settings().with_global(fuzz=False, timezone="UTC"))
    # c3 is a review due in two days: only review-ahead reaches it today.
    due = NOW + timedelta(days=2)
    store.put(ItemRecord(Item("spine", "c3"), CardState(State.REVIEW, None, 6.0, 5.0, due,
                                                        due - timedelta(days=6), 3, 0)))
    library = load_library([tmp_path / "decks"])
    yield AppContext(dirs=dirs, library=library, store=store, clock=clock, theme_name="light")
    store.close()
    theme.apply(qapp, "light", 15)


@pytest.fixture
def window(qtbot, context):
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def in_dialog(qtbot, steps):
    """Run `steps(dialog)` on the modal dialog once it is open (exec blocks until it closes)."""
    done = []

    def drive():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, CustomStudyDialog):
            QTimer.singleShot(20, drive)
            return
        try:
            dialog.activateWindow()  # arrows move between radios only in the active window
            qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.focusWidget())
            steps(dialog)
            done.append(dialog)
        finally:
            if dialog.isVisible():  # a failed step must not leave the test waiting on exec
                dialog.reject()

    QTimer.singleShot(0, drive)
    return done


def test_c_opens_custom_study_and_enter_starts_review_ahead_by_keyboard(qtbot, window, context):
    page = window.deck_page
    page.tree.setCurrentItem(next(i for i in page._all_items()
                                  if i.data(0, Qt.ItemDataRole.UserRole) == Scope.deck("spine")))
    page.tree.setFocus()
    before = {f"c{n}": context.store.get(Item("spine", f"c{n}")) for n in range(5)}

    def choose_ahead(dialog):
        assert dialog.focusWidget() is dialog.radios[CustomKind.MORE_NEW]
        for _ in range(3):  # more new, more reviews, forgotten, ahead
            qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Down)
        assert dialog.kind is CustomKind.AHEAD
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        assert dialog.focusWidget() is dialog.amount_spin
        qtbot.keyClick(dialog.amount_spin, Qt.Key.Key_Up)  # 2 days: c3 is due in two
        dialog._update_info()
        assert dialog.info_label.text() == "Start studies 1 card."
        qtbot.keyClick(dialog.amount_spin, Qt.Key.Key_Return)

    done = in_dialog(qtbot, choose_ahead)
    qtbot.keyClick(page.tree, Qt.Key.Key_C)
    assert done, "the dialog was driven and closed"
    review = window.review_page
    assert window.stack.currentWidget() is review
    assert review.scope_label.text().startswith("Custom study: review ahead 2 days")
    assert window.custom_label.isVisible() and window.custom_label.text()
    assert review.session.current() == Item("spine", "c3")
    window.activateWindow()  # the dialog has closed: keys go to the main window again
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)
    after = context.store.get(Item("spine", "c3"))
    assert after.card.last_review == NOW and after.card.due != before["c3"].card.due
    assert review.done_label.isVisible()
    assert "Custom study session complete: 1 card studied" in review.done_label.text()
    for card_id in ("c0", "c1", "c2", "c4"):  # the cards not studied are as they were
        assert context.store.get(Item("spine", card_id)) == before[card_id]
    qtbot.keyClick(review, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is page and not window.custom_label.isVisible()


def test_more_new_cards_today_raises_the_limit_and_studies(qtbot, window, context):
    context.store.save_settings(context.settings.with_global(new_per_day=1))
    window.refresh()
    dialog = CustomStudyDialog(context, Scope.deck("spine"), window)
    qtbot.addWidget(dialog)
    assert "offers 1 new cards; 3 more are waiting" in dialog.info_label.text()
    dialog.amount_spin.setValue(2)
    spec = dialog.spec()
    assert spec.kind is CustomKind.MORE_NEW and spec.amount == 2
    window.relay(context.extend_limits(spec))
    assert context.deck_list().totals.new == 3


def test_study_by_tag_picks_ticked_tags_with_space(qtbot, window, context):
    dialog = CustomStudyDialog(context, Scope.deck("spine"), window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.radios[CustomKind.BY_TAG].setChecked(True)
    assert dialog.tags_box.isVisible() and not dialog.amount_spin.isVisible()
    assert [dialog.tag_list.item(r).text() for r in range(dialog.tag_list.count())] == [
        "cranial  (1)", "rib  (2)", "spine  (1)", "spine::lumbar  (1)"]
    dialog.cards_combo.setCurrentIndex(0)  # new cards only
    qtbot.keyClicks(dialog.tag_filter, "spi")
    assert [dialog.tag_list.item(r).isHidden() for r in range(4)] == [True, True, False, False]
    assert dialog.tag_list.currentItem().text() == "spine  (1)"
    dialog.tag_list.setFocus()
    qtbot.keyClick(dialog.tag_list, Qt.Key.Key_Space)
    dialog._update_info()
    assert dialog.spec().tags == ("spine",)
    assert dialog.info_label.text() == "Start studies 2 cards."  # spine and spine::lumbar
    dialog.cards_combo.setCurrentIndex(2)  # all cards: a cram that reschedules nothing
    assert not dialog.reschedule_box.isChecked()
    dialog._update_info()
    assert dialog.info_label.text() == "Start shows (no rescheduling) 2 cards."


def test_nothing_matching_cannot_be_started(qtbot, window, context):
    dialog = CustomStudyDialog(context, Scope.deck("spine"), window)
    qtbot.addWidget(dialog)
    dialog.radios[CustomKind.FORGOTTEN].setChecked(True)
    assert dialog.info_label.text() == "No card matches: nothing to study."
    assert not dialog.start_button.isEnabled()
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted


def test_typing_c_in_the_deck_filter_types_it(qtbot, window):
    opened = []

    def close_if_open():  # runs once: inside exec if C opened the dialog, else afterwards
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, CustomStudyDialog):
            opened.append(dialog)
            dialog.reject()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.deck_page.filter_edit.setFocus()
    QTimer.singleShot(0, close_if_open)
    qtbot.keyClicks(window.deck_page.filter_edit, "c")
    qtbot.wait(10)
    assert window.deck_page.filter_edit.text() == "c" and not opened


def test_the_status_bar_says_custom_only_while_its_session_is_shown(qtbot, window, context):
    from omtquiz.study.custom import CustomStudy

    spec = CustomStudy(CustomKind.AHEAD, Scope.deck("spine"), amount=3)
    window._review(context.custom_session(spec), "custom", custom=True)
    assert window.custom_label.isVisible()
    window.statistics()
    assert not window.custom_label.isVisible()
    window.study(Scope.deck("spine"))
    assert window.review_page.session.__class__.__name__ == "StudySession"
    assert not window.custom_label.isVisible()


@pytest.mark.parametrize("look", ["light", "dark"])
def test_tag_boxes_stand_out_in_both_looks(qtbot, qapp, window, context, look):
    """An unticked box's edge contrasts with the list behind it (Fusion's own edge is nearly
    black on the dark list), and a ticked box is filled with the accent colour."""
    theme.apply(qapp, look, 15)
    dialog = CustomStudyDialog(context, Scope.deck("spine"), window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.radios[CustomKind.BY_TAG].setChecked(True)
    dialog.tag_list.item(1).setCheckState(Qt.CheckState.Checked)
    dialog.tag_list.setCurrentRow(3)
    view = dialog.tag_list.viewport()
    image = view.grab().toImage()
    ratio = image.devicePixelRatio()
    colours = theme.colors(look)

    def row_colours(row):
        rect = dialog.tag_list.visualItemRect(dialog.tag_list.item(row))
        y = int(rect.center().y() * ratio)
        return {image.pixelColor(int(x * ratio), y).name() for x in range(rect.left(),
                                                                            rect.left() + 24)}

    base = QColor(colours["base"])
    edge = max(row_colours(0), key=lambda name: abs(QColor(name).lightness() - base.lightness()))
    assert abs(QColor(edge).lightness() - base.lightness()) > 60, (look, edge)
    assert colours["highlight"] in row_colours(1)
