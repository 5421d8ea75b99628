"""Add and edit cards in the app: the form, its live preview, saving into the deck file, E on the
review screen and in the browser, copying a bundled deck, and undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from omtquiz.decks.model import Item
from omtquiz.profile import Profile
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState
from omtquiz.study.scope import Scope
from omtquiz.ui.app import build
from omtquiz.ui.dialogs import card_editor
from omtquiz.ui.dialogs.card_editor import CardEditorDialog

DECK = """\
# My own deck: this comment stays.
deck: mine
title: My deck
sources: [{id: s, citation: A real book}]
cards:
  - {id: a, front: What is OMT?, back: A hands-on treatment, source: s}
"""
BUNDLED = """\
deck: shipped
title: Shipped deck
sources: [{id: s, citation: A real book}]
cards:
  - {id: x, front: Bundled question?, back: Bundled answer, source: s}
"""


@pytest.fixture
def window(qtbot, qapp, tmp_path, data_dir, monkeypatch):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "shipped.yaml").write_text(BUNDLED)
    monkeypatch.setattr("omtquiz.profile.bundled_decks_dir", lambda: bundle)
    monkeypatch.setattr(card_editor, "bundled_decks_dir", lambda: bundle)
    profile = Profile.open(data_dir)
    (profile.dirs.user_decks / "mine.yaml").write_text(DECK)
    context, win = build(profile, qapp)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    context.store.close()


def fill_and_save(fields: dict[str, str]):
    """What a student does in the dialog: type into the fields, press Save."""

    def ask(cls, context, deck_path, card_id=None, parent=None):
        dialog = cls(context, deck_path, card_id, parent)
        for key, text in fields.items():
            widget = dialog.inputs[key]
            widget.clear()
            widget.insertPlainText(text) if hasattr(widget, "insertPlainText") else (
                widget.setText(text))
        dialog.update_preview()
        ask.preview = dialog.preview.toPlainText()
        dialog.save()
        ask.problem = dialog.problem_label.text()
        return dialog.edit

    return classmethod(ask)


def test_add_a_card_with_a_live_preview(qtbot, window, monkeypatch):
    ask = fill_and_save({"front": "What does TART stand for?",
                         "back": "Tissue texture, asymmetry, restriction, tenderness"})
    monkeypatch.setattr(CardEditorDialog, "ask", ask)
    window.add_card("mine")
    assert "What does TART stand for?" in ask.__func__.preview
    text = (window.context.dirs.user_decks / "mine.yaml").read_text()
    assert text.startswith("# My own deck: this comment stays.")
    assert window.context.library.deck("mine").card("what-does-tart-stand-for") is not None
    window.findChild(QAction, "undoCardEditAction").trigger()
    assert (window.context.dirs.user_decks / "mine.yaml").read_text() == DECK
    assert window.context.library.deck("mine").card("what-does-tart-stand-for") is None


def test_e_on_the_review_screen_edits_the_card_shown(qtbot, window, monkeypatch):
    monkeypatch.setattr(CardEditorDialog, "ask", fill_and_save({"back": "Hands-on care"}))
    window.study(Scope.deck("mine"))
    review = window.review_page
    qtbot.keyClick(review, Qt.Key.Key_E)
    assert window.context.library.deck("mine").card("a").back == "Hands-on care"
    assert window.stack.currentWidget() is review  # still studying, the card re-shown
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert "Hands-on care" in review.view.toPlainText()


def test_a_bad_edit_is_shown_and_not_saved(window, monkeypatch):
    ask = fill_and_save({"back": ""})
    monkeypatch.setattr(CardEditorDialog, "ask", ask)
    assert window.edit_card(Item("mine", "a")) is None
    assert "missing 'back'" in ask.__func__.problem or "back" in ask.__func__.problem
    assert (window.context.dirs.user_decks / "mine.yaml").read_text() == DECK


def test_editing_a_bundled_deck_copies_it_and_keeps_progress(window, monkeypatch):
    item = Item("shipped", "x")
    window.context.store.put(ItemRecord(item, CardState(reps=4)))
    monkeypatch.setattr(card_editor, "ask_copy", lambda parent, title: True)
    monkeypatch.setattr(CardEditorDialog, "ask", fill_and_save({"back": "My better answer"}))
    window.edit_card(item)
    copy = window.context.dirs.user_decks / "shipped.yaml"
    assert copy.is_file() and "My better answer" in copy.read_text()
    deck = window.context.library.deck("shipped")
    assert deck.path == str(copy) and deck.card("x").back == "My better answer"
    assert window.context.store.get(item).card.reps == 4
    assert not any(d.is_error for d in window.context.library.diagnostics)


def test_e_in_the_browser_edits_the_selected_card(qtbot, window, monkeypatch):
    monkeypatch.setattr(CardEditorDialog, "ask", fill_and_save({"back": "From the browser"}))
    window.browse()
    browser = window._browser
    browser.search_edit.setText("deck:mine")
    browser._search_now()
    browser.table.selectRow(0)
    browser.findChild(QAction, "editCardAction").trigger()
    assert window.context.library.deck("mine").card("a").back == "From the browser"


def test_card_info_from_the_review_screen_lists_every_answer(qtbot, window, monkeypatch):
    from omtquiz.ui.dialogs.card_info import CardInfoDialog, summary_lines

    shown = []
    monkeypatch.setattr(CardInfoDialog, "show_for",
                        classmethod(lambda cls, info, parent=None: shown.append(info)))
    window.study(Scope.deck("mine"))
    review = window.review_page
    item = review.session.current()
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)
    window.card_info(item)
    (info,) = shown
    assert info.prompt == "What is OMT?" and info.reps == 1 and len(info.answers) == 1
    assert info.answers[0].rating == 3 and info.answers[0].mode == "review"
    assert info.retrievability is not None and 0.9 < info.retrievability <= 1.0
    assert any(line.startswith("Stability: ") for line in summary_lines(info))
    dialog = CardInfoDialog(info)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "Good"
    qtbot.keyClick(review, Qt.Key.Key_I)  # the key shows the card now on screen
    assert len(shown) == 2
