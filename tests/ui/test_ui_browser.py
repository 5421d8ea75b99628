"""The card browser with real widgets offscreen: search, actions on a selection, sorting,
the deck file's line, and 100,000 items."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from test_ui_quiz import unnamed_controls

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.scheduling import State
from omtquiz.ui.windows.browser import BrowserWindow
from samples import START, make_context


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
    logged_context.card_actions().suspend([Item("safe", "rev", 1)])  # as study would
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


def test_the_short_columns_fit_their_text(browser, logged_context):
    """The Due column was 96 px: "2025-03-10 04:25" and "(…) suspended" were cut off."""
    browser.search("")
    browser.search("tag:muscle-energy")
    browser.select_all()
    browser.suspend_selected()
    browser.search("")
    metrics = browser.table.fontMetrics()
    header = browser.table.horizontalHeader()
    texts = {column: [browser.model.text(browser.model.row(n), column)
                      for n in range(browser.model.rowCount())] for column in (1, 4, 5, 6, 7)}
    assert any(text.endswith(") suspended") for text in texts[4])
    for column, column_texts in texts.items():
        widest = max(metrics.horizontalAdvance(text) for text in column_texts)
        assert header.sectionSize(column) >= widest + 8, (column, max(column_texts, key=len))


def test_a_cards_items_are_numbered_in_the_type_column(qtbot, tmp_path, qapp):
    """A map card's two items share its question; the Type column tells them apart, as it
    numbers a cloze card's deletions."""
    from omtquiz.ui.windows.browser import CardTableModel

    cards = (Card("m", "psoas", "point", front="Click the Psoas tender point on the map.",
                  image="map.svg", answer="Psoas", spot=(0.5, 0.5, 0.05)),
             Card("m", "cz", "cloze", text="{{c1::Left}} and {{c2::right}}"),
             Card("m", "b", "basic", front="Q?", back="A"))
    library = Library((DeckFile("m.yaml", Deck("m", "Maps", "m.yaml", cards)),))
    context = make_context(tmp_path, library, FixedClock(START))
    window = BrowserWindow(context)
    qtbot.addWidget(window)
    model = window.findChild(CardTableModel)
    types = sorted(model.text(row, 1) for row in model.rows())
    assert types == ["basic", "cloze 1", "cloze 2", "point 1", "point 2"]
    context.store.close()
