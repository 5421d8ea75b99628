"""The statistics screen, the card browser and the exam planner with real widgets offscreen."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QMessageBox
from test_planner import planner_library
from test_stats import hand_log, simulate_week, stats_library
from test_ui_quiz import unnamed_controls

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.profile import Dirs
from omtquiz.progress.store import Store
from omtquiz.scheduling import Settings, State
from omtquiz.ui import theme
from omtquiz.ui.context import AppContext
from omtquiz.ui.dialogs.planner import PlannerDialog
from omtquiz.ui.pages.stats import StatsPage
from omtquiz.ui.windows.browser import BrowserWindow

START = datetime(2024, 3, 1, 10, 0, tzinfo=timezone.utc)


def make_context(tmp_path, library, clock, theme_name="light") -> AppContext:
    dirs = Dirs(data=tmp_path / "data", cache=tmp_path / "cache").ensure()
    store = Store.open(dirs.database, clock=clock)
    return AppContext(dirs=dirs, library=library, store=store, clock=clock,
                      theme_name=theme_name)


@pytest.fixture
def logged_context(tmp_path, qapp):
    """The hand-built log of test_stats: its numbers are worked out there."""
    clock = FixedClock(START)
    context = make_context(tmp_path, stats_library(), clock)
    hand_log(context.store, clock)
    yield context
    context.store.close()
    theme.apply(qapp, "light", 15)


@pytest.fixture
def stats_page(qtbot, logged_context):
    page = StatsPage(logged_context)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    qtbot.waitExposed(page)
    return page


# The statistics screen


def test_the_page_shows_the_hand_counted_numbers(stats_page):
    page = stats_page
    tiles = [page.answers_tile, page.cards_tile, page.time_tile, page.again_tile,
             page.retention_tile]
    assert [t.value.text() for t in tiles] == ["4", "3", "28 s", "50%", "60%"]
    assert page.day_label.text() == "Study day Mon 10 Mar 2025"
    deck_rows = [[page.deck_retention.item(r, c).text() for c in range(5)]
                 for r in range(page.deck_retention.rowCount())]
    assert deck_rows == [["OMT::Techniques", "50%", "50%", "50%", "4"],
                         ["Safety", "–", "100%", "100%", "1"]]
    tags = [page.tag_retention.item(r, 0).text() for r in range(page.tag_retention.rowCount())]
    assert tags == ["contraindication", "counterstrain", "indication", "muscle-energy",
                    "safety", "technique"]
    assert page.heatmap.subtitle() == "12 answers · 7 days studied · streak 2"
    assert [m.tag for m in page.mastery.rows] == ["counterstrain", "muscle-energy"]


def test_study_these_asks_for_the_hardest_cards(qtbot, stats_page):
    page = stats_page
    assert page.hardest_table.rowCount() == len(page.report.hardest) > 0
    # cs1 lapsed three times in all; me1 and me2 once.
    assert page.hardest_table.item(0, 0).text() == "Front of cs1"
    with qtbot.waitSignal(page.study_items_requested) as signal:
        page.study_button.click()
    assert signal.args[0][0] == Item("tech", "cs1")
    assert signal.args[0] == page.hardest_items()


def test_escape_and_back_leave_the_page(qtbot, stats_page):
    with qtbot.waitSignal(stats_page.finished):
        stats_page.back_button.click()
    stats_page.setFocus()
    with qtbot.waitSignal(stats_page.finished):
        qtbot.keyClick(stats_page, "\x1b")


@pytest.mark.parametrize("name", ["light", "dark"])
def test_each_chart_renders_to_png_in_both_themes(qapp, stats_page, tmp_path, name):
    theme.apply(qapp, name, 15)
    stats_page.refresh()
    written = stats_page.export_charts(tmp_path / name)
    assert [p.name for p in written] == ["reviews-heatmap.png", "due-forecast.png",
                                         "exam-history.png", "technique-mastery.png"]
    base = QColor(theme.colors(name)["base"])
    for chart, path in zip(stats_page.charts(), written, strict=True):
        image = QImage(str(path))
        assert (image.width(), image.height()) == (chart.width(), chart.height())
        assert image.pixelColor(4, image.height() // 2) == base, path.name
        colors = {image.pixel(x, y) for x in range(0, image.width(), 3)
                  for y in range(0, image.height(), 3)}
        assert len(colors) > 8, f"{path.name} looks blank"


def test_a_fresh_profile_shows_empty_charts_without_errors(qtbot, tmp_path, qapp):
    context = make_context(tmp_path, stats_library(), FixedClock(START))
    page = StatsPage(context)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    qtbot.waitExposed(page)
    assert page.forecast.is_empty() and page.exam_chart.is_empty()
    assert not page.study_button.isEnabled()
    assert len(page.export_charts(tmp_path / "empty")) == 4
    context.store.close()


def test_every_control_on_the_page_is_named(stats_page):
    assert unnamed_controls(stats_page) == []


@pytest.mark.slow
def test_after_a_week_of_study_the_page_agrees_with_the_hand_count(qtbot, tmp_path, qapp):
    real_now = datetime.now(timezone.utc).replace(microsecond=0)
    library, _, per_day = simulate_week(tmp_path, real_now)
    clock = FixedClock(real_now)
    context = make_context(tmp_path, library, clock)
    page = StatsPage(context)
    qtbot.addWidget(page)
    page.refresh()
    assert page.answers_tile.value.text() == str(list(per_day.values())[-1])
    shown = [d.count for d in page.heatmap.days if d.count]
    assert shown == list(per_day.values())
    context.store.close()


# The card browser


@pytest.fixture
def browser(qtbot, logged_context):
    window = BrowserWindow(logged_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_browser_finds_cards_by_query_and_acts_on_them(browser, logged_context):
    store = logged_context.store
    assert browser.model.rowCount() == 10
    assert browser.search("tag:muscle-energy") == 3
    browser.select_all()
    assert browser.suspend_selected() == 3
    assert all(store.get(Item("tech", c)).suspended for c in ("me1", "me2", "me3"))
    assert browser.search("is:suspended") == 3
    assert browser.model.text(browser.model.row(0), 4).endswith("suspended")
    browser.select_all()
    browser.unsuspend_selected()
    assert browser.search("is:suspended") == 0

    assert browser.search('deck:safe "front of"') == 4
    browser.table.selectRow(0)
    assert browser.selected_items() == [Item("safe", "sf1")]
    browser.flag_selected(3)
    browser.bury_selected()
    record = store.get(Item("safe", "sf1"))
    assert record.flag == 3 and record.is_buried(logged_context.clock.now())
    assert browser.search("flag:3 is:buried") == 1


def test_reset_asks_first_then_makes_cards_new(browser, logged_context, monkeypatch):
    browser.search("deck:tech -is:new")
    browser.table.selectRow(0)
    item = browser.selected_items()[0]
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.No)
    assert browser.reset_selected() == 0
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert browser.reset_selected() == 1
    card = logged_context.store.get(item).card
    assert card.state is State.NEW and card.reps > 0  # the history stays


def test_sorting_by_any_column_keeps_the_selection(browser):
    browser.search("")
    browser.table.selectRow(0)
    chosen = browser.selected_items()
    browser.table.sortByColumn(6, browser.model.sort_order.DescendingOrder)  # lapses
    assert browser.model.row(0).item == Item("tech", "cs1")  # three lapses
    assert browser.selected_items() == chosen
    for column in range(8):
        browser.table.sortByColumn(column, browser.model.sort_order.AscendingOrder)
        assert browser.model.rowCount() == 10
    browser.table.sortByColumn(4, browser.model.sort_order.AscendingOrder)  # due
    assert browser.model.text(browser.model.row(9), 4) == "new"


def test_show_in_deck_file_gives_file_and_line(browser):
    browser.search("deck:tech")
    browser.table.selectRow(0)
    assert browser.show_in_file() == "tech.yaml:10"
    assert "tech.yaml:10" in browser.location_box.text()
    assert "tech.yaml:10" in browser.details_label.text()
    browser.location_box.close()


def test_reopening_the_browser_rereads_what_changed_meanwhile(qtbot, browser,
                                                              logged_context):
    browser.close()
    logged_context.card_actions().suspend(Item("safe", "rev", 1))  # as the review screen would
    browser.show()
    qtbot.waitExposed(browser)
    assert browser.search("is:suspended") == 1
    assert browser.selected_items() == [Item("safe", "rev", 1)]


def test_a_bad_query_says_what_is_wrong(browser):
    assert browser.search("is:soon") == -1
    assert "is:due" in browser.error_label.text() and browser.error_label.isVisible()
    assert browser.search("is:new") > 0 and not browser.error_label.isVisible()


def test_a_query_with_markup_is_echoed_as_typed(browser):
    from PySide6.QtCore import Qt

    assert browser.search("is:<b>soon</b>") == -1
    assert "<b>soon</b>" in browser.error_label.text()
    assert browser.error_label.textFormat() == Qt.TextFormat.PlainText


def test_the_browser_and_planner_do_not_load_the_statistics_screen():
    import subprocess
    import sys

    code = ("import sys, omtquiz.ui.windows.browser, omtquiz.ui.dialogs.planner\n"
            "assert 'omtquiz.ui.pages.stats' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_browser_control_is_named(browser):
    assert unnamed_controls(browser) == []


def test_the_browser_works_at_a_hundred_thousand_items(qtbot, tmp_path, qapp):
    """Built and searched at full size; the benchmark, not this test, watches the time."""
    cards = tuple(Card("big", f"c{n}", "basic", front=f"Question {n} about *fascia*",
                       back=f"Answer {n}", tags=(f"t{n % 100}",), line=n + 5)
                  for n in range(100_000))
    library = Library((DeckFile("big.yaml", Deck("big", "Big", "big.yaml", cards)),))
    context = make_context(tmp_path, library, FixedClock(START))
    window = BrowserWindow(context)
    qtbot.addWidget(window)
    window.show()
    assert window.model.rowCount() == 100_000
    assert window.search("tag:t7 fascia") == 1000
    window.table.sortByColumn(2, window.model.sort_order.DescendingOrder)
    assert window.model.row(0).question == "Question 99907 about fascia"
    window.table.selectRow(0)
    window.suspend_selected()
    assert context.store.get(Item("big", "c99907")).suspended
    context.store.close()


# The exam planner


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
    dialog.set_scope(("deck", "b"))
    dialog.set_exam_day(date(2025, 3, 14))
    # Deck b alone: four new items; at 1 a day the cloze card's three deletions and the basic
    # card take four days; the deadline (Wed 12th) leaves three, so 2 a day.
    assert dialog.recall_label.text() == "0%"
    assert "4 cards on Fri 14 Mar 2025" in dialog.explanation_label.text()
    assert "you need at least 2 new cards a day." in dialog.advice_label.text()
    assert "Deck B: 1 → 2 a day" in dialog.changes_label.text()
    assert dialog.apply_button.isEnabled()
    assert dialog.apply()
    assert planner_context.settings.for_deck("b").new_per_day == 2
    assert not dialog.apply_button.isEnabled()
    assert "already meet" in dialog.changes_label.text()
    assert planner_context.ui_prefs()["exam_plan"] == {"day": "2025-03-14",
                                                       "scope": ["deck", "b"]}
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
    assert seen == [(PlannerDialog, ("deck", "b"))]  # scope remembered from last time
    assert planner_context.settings.for_deck("b").new_per_day == 2
