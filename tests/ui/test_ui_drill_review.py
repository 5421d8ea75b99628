"""A drills deck in the ordinary review screen: a case per review, undo shows the same case."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from omtquiz.decks.render import render_item
from omtquiz.drills.present import case_seed
from omtquiz.profile import Profile
from omtquiz.ui.app import build

DRILLS = """\
deck: drills
title: Drills
sources: [{id: s, citation: A real book}]
drills:
  - {id: t2, region: spine, kinds: [type II], source: s}
"""


@pytest.fixture
def window(qtbot, qapp, tmp_path, data_dir, monkeypatch):
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "drills.yaml").write_text(DRILLS)
    empty = tmp_path / "bundle"
    empty.mkdir()
    monkeypatch.setattr("omtquiz.profile.bundled_decks_dir", lambda: empty)
    context, win = build(Profile.open(data_dir, [decks]), qapp)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    context.store.close()


def test_a_drill_review_shows_a_case_explains_it_and_undo_brings_it_back(qtbot, window):
    page = window.deck_page
    for item in page._all_items():
        if item.data(0, Qt.ItemDataRole.UserRole) == ("deck", "drills"):
            page.tree.setCurrentItem(item)
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    review = window.review_page
    item = review.session.current()
    assert item.key == "drills/t2/0"
    first = review.view.toPlainText()
    assert "Posterior transverse process" in first and "Name the somatic dysfunction" in first
    qtbot.keyClick(review, Qt.Key.Key_Space)
    shown = review.view.toPlainText()
    assert "type II -> sidebent" in shown and "posterior TP" in shown
    assert "case seed" in shown
    card = window.context.library.card(item)
    qtbot.keyClick(review, Qt.Key.Key_1)
    assert review.session.record(item).card.reps == 1
    # the next review of this item asks another case (68 type II dysfunctions; these differ)
    assert render_item(card, 0, seed=case_seed(item.key, 1)).question != \
            render_item(card, 0, seed=case_seed(item.key, 0)).question
    review.undo()
    assert review.session.current() == item
    assert review.view.toPlainText() == first
