"""Editing a basic card in the app keeps its `distractors:` (its wrong choices in
multiple-choice quizzes): the form shows them, as it does an mcq's."""

from __future__ import annotations

import pytest
from test_card_editor import fill_and_save

from omtquiz.decks.model import Item
from omtquiz.profile import Profile
from omtquiz.ui.app import build
from omtquiz.ui.dialogs.card_editor import CardEditorDialog

DECK = """\
deck: boards
title: Boards
sources: [{id: s, citation: NBOME bulletin}]
cards:
  - id: comlex
    front: Which organization administers COMLEX-USA?
    back: NBOME
    distractors: [NBME, AOA, AACOM]
    source: s
"""


@pytest.fixture
def window(qtbot, qapp, data_dir):
    profile = Profile.open(data_dir)
    (profile.dirs.user_decks / "boards.yaml").write_text(DECK)
    context, win = build(profile, qapp)
    qtbot.addWidget(win)
    win.show()
    yield win
    context.store.close()


def test_editing_a_basic_cards_back_keeps_its_distractors(window, monkeypatch):
    monkeypatch.setattr(CardEditorDialog, "ask", fill_and_save(
        {"back": "The NBOME"}))
    window.edit_card(Item("boards", "comlex"))
    card = window.context.library.deck("boards").card("comlex")
    assert (card.back, card.distractors) == ("The NBOME", ("NBME", "AOA", "AACOM"))


def test_the_form_edits_a_basic_cards_distractors_one_a_line(window, monkeypatch):
    monkeypatch.setattr(CardEditorDialog, "ask", fill_and_save(
        {"distractors": "NBME\nAOA"}))
    window.edit_card(Item("boards", "comlex"))
    text = (window.context.dirs.user_decks / "boards.yaml").read_text()
    assert window.context.library.deck("boards").card("comlex").distractors == ("NBME", "AOA")
    assert "AACOM" not in text
