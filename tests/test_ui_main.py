"""The main window and review screen, driven from the keyboard with real widgets offscreen."""

from __future__ import annotations

import argparse
import shutil

import pytest
from PySide6.QtCore import Qt

from conftest import BUNDLED_DECKS
from omtquiz.paths import resolve_dirs
from omtquiz.ui.app import build

GOOD = """\
deck: good
title: Good deck
parent: Test
sources: [{id: s, citation: A real book}]
cards:
  - {id: a, front: What is OMT?, back: A hands-on treatment, source: s}
  - {id: b, type: cloze, text: "{{c1::Rib raising}} opens the ribcage", source: s}
  - {id: c, front: Second question, back: Second answer, source: s}
"""
BROKEN = "deck: broken\ntitle: Broken\ncards:\n  - {id: x, type: mcqq}\n"


def make_args(deck_dir, data_dir, **extra):
    return argparse.Namespace(data_dir=str(data_dir), decks=[str(deck_dir)], screenshot=None,
                              screen="decks", study=None, command=None, **extra)


@pytest.fixture
def window(qtbot, qapp, tmp_path, data_dir, monkeypatch):
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "good.yaml").write_text(GOOD)
    (decks / "broken.yaml").write_text(BROKEN)
    empty_bundle = tmp_path / "bundle"
    empty_bundle.mkdir()
    monkeypatch.setattr("omtquiz.cli.bundled_decks_dir", lambda: empty_bundle)
    context, win = build(make_args(decks, data_dir), qapp)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    context.store.close()


def select_deck(win, deck_id):
    page = win.deck_page
    for item in page._all_items():
        if item.data(0, Qt.ItemDataRole.UserRole) == ("deck", deck_id):
            page.tree.setCurrentItem(item)
            return item
    raise AssertionError(deck_id)


def test_study_a_card_with_space_then_3_and_undo(qtbot, window):
    select_deck(window, "good")
    qtbot.keyClick(window.deck_page.tree, Qt.Key.Key_Return)
    review = window.review_page
    assert window.stack.currentWidget() is review
    first = review.session.current()
    assert first.card_id == "a"
    assert "What is OMT?" in review.view.toPlainText()
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert "A hands-on treatment" in review.view.toPlainText()
    assert "A real book" in review.view.toPlainText()
    assert review.rate_buttons[3].text().startswith("Good")
    qtbot.keyClick(review, Qt.Key.Key_3)
    assert review.session.current() != first
    store = window.context.store
    assert [e.rating for e in store.entries()] == [3]
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.entries() == []
    assert review.session.current() == first


def test_cloze_shows_a_blank_then_the_deletion(qtbot, window):
    select_deck(window, "good")
    window.study(("deck", "good"))
    review = window.review_page
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_4)
    assert review.session.current().card_id == "b"
    assert "[...] opens the ribcage" in review.view.toPlainText()
    qtbot.keyClick(review, Qt.Key.Key_Return)
    assert "Rib raising opens the ribcage" in review.view.toPlainText()


def test_broken_deck_shows_its_badge_while_the_other_studies(qtbot, window):
    labels = [item.text(0) for item in window.deck_page._all_items()]
    assert "Broken  ⚠" in labels
    item = next(i for i in window.deck_page._all_items() if i.text(0) == "Broken  ⚠")
    window.deck_page.tree.setCurrentItem(item)
    problems = window.deck_page.problems_label
    assert not problems.isHidden()
    assert "broken.yaml:4:" in problems.text()
    assert "'mcqq' is not one of" in problems.text()
    select_deck(window, "good")
    window.deck_page.study_button.click()
    assert window.review_page.session.current() is not None


def test_escape_returns_to_decks_and_counts_update(qtbot, window):
    item = select_deck(window, "good")
    assert item.text(1) == "3"
    window.deck_page.study_button.click()
    qtbot.keyClick(window.review_page, Qt.Key.Key_Space)
    qtbot.keyClick(window.review_page, Qt.Key.Key_1)
    qtbot.keyClick(window.review_page, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_page
    item = select_deck(window, "good")
    assert (item.text(1), item.text(2)) == ("2", "1")


def test_finished_screen_says_when_more_is_due(qtbot, window):
    window.study(("deck", "good"))
    review = window.review_page
    for _ in range(3):
        qtbot.keyClick(review, Qt.Key.Key_Space)
        qtbot.keyClick(review, Qt.Key.Key_4)
    assert review.session.current() is None
    assert not review.done_label.isHidden()
    assert "All done for now" in review.done_label.text()


def test_every_interactive_widget_is_named(window):
    from PySide6.QtWidgets import QAbstractButton, QLineEdit, QTreeWidget

    assert window.review_page is not None  # made on first use
    for kind in (QAbstractButton, QLineEdit, QTreeWidget):
        for widget in window.findChildren(kind):
            if widget.objectName().startswith("qt_") or not widget.parent():
                continue
            if widget.objectName() == "":
                continue
            assert widget.accessibleName(), widget.objectName()
    for name in ("deckTree", "studyButton", "showAnswerButton", "rateAgainButton",
                 "rateHardButton", "rateGoodButton", "rateEasyButton", "examStartButton"):
        assert window.findChild(QAbstractButton, name) or window.findChild(QTreeWidget, name)


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_screens_render_in_both_themes(qtbot, qapp, tmp_path, data_dir, theme_name):
    from omtquiz.ui import theme

    decks = tmp_path / "bundled"
    shutil.copytree(BUNDLED_DECKS, decks)
    context, win = build(make_args(decks, data_dir), qapp)
    qtbot.addWidget(win)
    theme.apply(qapp, theme_name)
    context.theme_name = theme_name
    win.resize(1100, 720)
    win.show()
    win.refresh()
    assert not win.grab().isNull()
    assert win.grab().save(str(tmp_path / f"decks-{theme_name}.png"))
    win.study(("all",))
    win.review_page.reveal()
    assert win.grab().save(str(tmp_path / f"review-{theme_name}.png"))
    theme.apply(qapp, "light")
    context.store.close()
    assert resolve_dirs(str(data_dir)).database.exists()


def test_open_deck_for_authoring_from_the_file_menu(qtbot, window, tmp_path):
    deck = tmp_path / "decks" / "good.yaml"
    window.open_authoring(str(deck))
    (authoring,) = window.authoring_windows
    qtbot.addWidget(authoring)
    assert authoring.path == deck.resolve()
    assert authoring.isVisible()


def test_tools_menu_opens_statistics_browser_and_planner(qtbot, window, monkeypatch):
    from omtquiz.ui.planner_dialog import PlannerDialog

    window.statistics()
    assert window.stack.currentWidget() is window.pages["stats"]
    window.browse()
    qtbot.addWidget(window._browser)
    assert window._browser.isVisible()
    asked = []
    monkeypatch.setattr(PlannerDialog, "ask", classmethod(
        lambda cls, context, parent=None: asked.append(context) or False))
    window.plan_exam()
    assert asked == [window.context]
