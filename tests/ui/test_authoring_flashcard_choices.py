"""The authoring window shows how a multiple-choice quiz asks each basic card: among its own
distractors, among the answers of cards asked alike, or not at all."""

from __future__ import annotations

import pytest
from test_card_editor_distractors import DECK as BOARDS

from omtquiz.ui.windows.authoring import AuthoringWindow

# The card editor's deck, and a card no multiple-choice quiz can ask.
DECK = BOARDS + """\
  - id: licensed
    front: Are DOs fully licensed physicians?
    back: Yes. DOs are fully licensed physicians.
    source: s
"""


@pytest.fixture
def window(qtbot, qapp, tmp_path):
    path = tmp_path / "boards.yaml"
    path.write_text(DECK, encoding="utf-8")
    win = AuthoringWindow(path)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_a_basic_card_with_distractors_is_previewed_with_its_choices(window):
    window.select_card("comlex")
    text = window.preview.toPlainText()
    assert "As multiple choice:" in text and "NBOME ✓" in text
    assert all(choice in text for choice in ("NBME", "AOA", "AACOM"))


def test_a_basic_card_a_quiz_leaves_out_says_so(window):
    window.select_card("licensed")
    assert "Not asked in multiple-choice quizzes" in window.preview.toPlainText()
