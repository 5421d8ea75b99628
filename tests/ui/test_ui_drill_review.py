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


def open_app(qtbot, qapp, tmp_path, data_dir, monkeypatch, text: str, size=None):
    """The main window over one deck file, shown; returns (context, window)."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "deck.yaml").write_text(text)
    empty = tmp_path / "bundle"
    empty.mkdir()
    monkeypatch.setattr("omtquiz.profile.bundled_decks_dir", lambda: empty)
    context, win = build(Profile.open(data_dir, [decks]), qapp)
    qtbot.addWidget(win)
    if size:
        win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    return context, win


@pytest.fixture
def window(qtbot, qapp, tmp_path, data_dir, monkeypatch):
    context, win = open_app(qtbot, qapp, tmp_path, data_dir, monkeypatch, DRILLS)
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


ALL_REGIONS = """\
deck: all
title: All regions
sources: [{id: s, citation: A real book}]
drills:
  - {id: spine, region: spine, source: s}
  - {id: cervical, region: cervical, source: s}
  - {id: sacrum, region: sacrum, source: s}
  - {id: innominate, region: innominate, source: s}
  - {id: pubic, region: pubic, source: s}
  - {id: rib, region: rib, source: s}
"""


def open_review(qtbot, win, deck_id):
    page = win.deck_page
    for item in page._all_items():
        if item.data(0, Qt.ItemDataRole.UserRole) == ("deck", deck_id):
            page.tree.setCurrentItem(item)
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    return win.review_page


def test_typed_answers_are_graded_per_component_and_rated_by_keyboard(qtbot, window):
    review = open_review(qtbot, window, "drills")
    case, item = review._case, review.session.current()
    assert review.drill_panel.isVisible() and review.drill_panel.diagram.isVisible()
    edit = review.drill_panel.answer_edit
    assert edit.hasFocus()
    wrong = {"L": "R", "R": "L"}
    answer = (f"{case.diagnosis['levels']} {case.diagnosis['position']} "
              f"R{wrong[case.diagnosis['rotation']]} S{wrong[case.diagnosis['sidebending']]}")
    qtbot.keyClicks(edit, answer)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert review.revealed and not review._marks.correct
    text = review.view.toPlainText()
    assert "Not quite" in text and "✓ position" in text and "✗ rotation" in text
    assert f"(you: {wrong[case.diagnosis['rotation']]})" in text
    qtbot.keyClick(review, Qt.Key.Key_1)  # Again: rated by keyboard like any card
    assert review.session.record(item).card.reps == 1
    review.undo()
    assert review._case == case and review.drill_panel.answer_edit.text() == ""
    qtbot.keyClicks(review.drill_panel.answer_edit, case.diagnosis["name"])
    qtbot.keyClick(review.drill_panel.answer_edit, Qt.Key.Key_Enter)
    assert review._marks.correct and "Right" in review.view.toPlainText()


@pytest.fixture
def all_regions(qtbot, qapp, tmp_path, data_dir, monkeypatch):
    context, win = open_app(qtbot, qapp, tmp_path, data_dir, monkeypatch, ALL_REGIONS,
                            (1000, 760))
    yield win
    context.store.close()


def test_every_region_is_drawn_and_can_be_answered(qtbot, all_regions, tmp_path):
    review = open_review(qtbot, all_regions, "all")
    seen = set()
    for _ in range(12):
        case = review._case
        if case is None:
            break
        seen.add(case.region)
        assert review.drill_panel.diagram.isVisible()
        review.drill_panel.diagram.grab().save(str(tmp_path / f"{case.region}.png"))
        assert (tmp_path / f"{case.region}.png").stat().st_size > 2000
        qtbot.keyClicks(review.drill_panel.answer_edit, case.diagnosis["name"])
        qtbot.keyClick(review.drill_panel.answer_edit, Qt.Key.Key_Return)
        assert review._marks.correct, (case.diagnosis, review._marks)
        qtbot.keyClick(review, Qt.Key.Key_4)  # Easy: out of today's queue
    assert seen >= {"spine", "cervical", "sacrum", "innominate", "pubic", "rib"}


def test_a_wide_window_puts_the_diagram_beside_the_text_and_a_narrow_one_above(
        qtbot, all_regions):
    """At the window's default width the text keeps the page's height (the findings, the
    verdict and the rule read without scrolling); narrower, the diagram goes back on top, and
    a card that is no drill gets the whole width again."""
    window = all_regions
    review = open_review(qtbot, window, "all")
    panel = review.drill_panel
    assert review.card_area.indexOf(panel) == 0 and panel.width() == 480
    assert panel.geometry().right() < review.view.geometry().left()
    assert review.view.height() > 380  # the whole text column, not what the diagram leaves
    qtbot.keyClicks(panel.answer_edit, review._case.diagnosis["name"])
    qtbot.keyClick(panel.answer_edit, Qt.Key.Key_Return)
    assert review.card_area.indexOf(panel) == 0  # the answer keeps the layout
    window.resize(820, 760)
    qtbot.waitUntil(lambda: review.card_area.indexOf(panel) < 0)
    qtbot.waitUntil(lambda: panel.geometry().bottom() < review.view.geometry().top())
    window.resize(1000, 760)
    qtbot.waitUntil(lambda: review.card_area.indexOf(panel) == 0)
    review._hide_drill()  # what the next card that is no drill does
    assert review.card_area.indexOf(panel) < 0


def test_the_panel_goes_when_the_queue_is_done(qtbot, window):
    review = open_review(qtbot, window, "drills")
    qtbot.keyClicks(review.drill_panel.answer_edit, review._case.diagnosis["name"])
    qtbot.keyClick(review.drill_panel.answer_edit, Qt.Key.Key_Return)
    qtbot.keyClick(review, Qt.Key.Key_4)
    assert review.session.current() is None
    assert not review.drill_panel.isVisible() and review.done_label.isVisible()


def test_the_button_checks_the_typed_answer(qtbot, window):
    review = open_review(qtbot, window, "drills")
    assert "Check my answer" in review.show_button.text()
    review.drill_panel.answer_edit.setText(review._case.diagnosis["name"])
    qtbot.mouseClick(review.show_button, Qt.MouseButton.LeftButton)
    assert review.revealed and review._marks.correct


SETUP = """\
deck: setup
title: Set-ups
sources: [{id: s, citation: A real book}]
drills:
  - {id: ribs, region: rib, kinds: [exhalation], direction: name_to_setup, source: s}
"""


def test_a_name_to_setup_drill_keeps_its_question_when_revealed(qtbot, qapp, tmp_path,
                                                                data_dir, monkeypatch):
    context, win = open_app(qtbot, qapp, tmp_path, data_dir, monkeypatch, SETUP)
    try:
        review = open_review(qtbot, win, "setup")
        assert not review.drill_panel.diagram.isVisible()
        assert not review.drill_panel.answer_edit.isVisible()
        name = review._case.diagnosis["name"]
        muscle = review._case.diagnosis["met_muscle"]
        assert name.removesuffix(f", {muscle}") in review.view.toPlainText()
        assert muscle not in review.view.toPlainText()  # the muscle is what the drill asks
        assert "Show answer" in review.show_button.text()
        qtbot.mouseClick(review.show_button, Qt.MouseButton.LeftButton)
        shown = review.view.toPlainText()
        assert muscle in shown and "Position:" in shown and review._case.setup["effort"][:20] \
            in shown
    finally:
        context.store.close()


COUNTERSTRAIN = """\
deck: cs
title: Counterstrain
sources: [{id: s, citation: A real book}]
records:
  - {id: ac7, name: AC7, view: anterior, location: Posterosuperior clavicle,
     cer_treatment: "Flexion, sidebending toward, rotation away (F ST RA)",
     exception: Sidebent toward the point, source: s}
  - {id: pc3, name: PC3, view: posterior, location: Articular pillar of C3,
     cer_treatment: "Extension, sidebending away, rotation away (E SA RA)", source: s}
generate:
  - {id: where, type: basic, front: "Where is {name}?", back: "{location}"}
drills:
  - {id: positions, region: counterstrain, source: s}
"""


def test_a_counterstrain_set_up_is_typed_graded_per_component_rated_and_undone(
        qtbot, qapp, tmp_path, data_dir, monkeypatch):
    context, win = open_app(qtbot, qapp, tmp_path, data_dir, monkeypatch, COUNTERSTRAIN,
                            (1000, 760))
    try:
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)
        review = open_review(qtbot, win, "cs")
        for _ in range(4):  # the records' own cards may come first: rate them out of the way
            if review._case is not None or review.session.current() is None:
                break
            review.reveal()
            review.rate(4)
        assert review._case is not None, review.session.current()
        case, item = review._case, review.session.current()
        assert case.region == "counterstrain" and not review.drill_panel.diagram.isVisible()
        edit = review.drill_panel.answer_edit
        assert edit.isVisible() and edit.hasFocus()
        asked = review.view.toPlainText()
        assert case.diagnosis["location"] in asked and "(F ST RA)" not in asked
        win.grab().save(str(tmp_path / "counterstrain-question.png"))
        right = {"AC7": "F ST RA", "PC3": "E SA RA"}[case.diagnosis["point"]]
        wrong = right.replace("S", "X").replace("XT", "SA").replace("XA", "ST")
        qtbot.keyClicks(edit, wrong)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        shown = review.view.toPlainText()
        assert "Not quite" in shown and "✓ flexion/extension: " in shown
        assert "✗ sidebending" in shown
        assert "✓ rotation" in shown and "Position of ease:" in shown and "by the rule" in shown
        win.grab().save(str(tmp_path / "counterstrain.png"))
        qtbot.keyClick(review, Qt.Key.Key_1)
        assert review.session.record(item).card.reps == 1
        review.undo()
        assert review._case == case and review.view.toPlainText() == asked
        qtbot.keyClicks(review.drill_panel.answer_edit, right)
        qtbot.keyClick(review.drill_panel.answer_edit, Qt.Key.Key_Return)
        assert review._marks.correct and "Right" in review.view.toPlainText()
    finally:
        context.store.close()
