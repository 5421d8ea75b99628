"""Facts that differ between sources, on screen: the review, quiz and exam screens show the
answer and every source's version, and take any version as right (real widgets, offscreen)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from omtquiz.profile import Profile
from omtquiz.study.scope import Scope
from omtquiz.ui import theme
from omtquiz.ui.app import build
from omtquiz.ui.pages.exam import ExamPage
from omtquiz.ui.pages.quiz import QuizPage

LEVELS = """\
deck: levels
title: Viscerosomatic levels
sources:
  - {id: savarese, name: Savarese, citation: "Savarese RG, OMT Review, 3rd ed."}
  - {id: statpearls, name: StatPearls, citation: "StatPearls, Viscerosomatic Reflex"}
cards:
  - id: appendix
    front: What is the sympathetic viscerosomatic level of the appendix?
    source: savarese
    versions:
      - {source: savarese, answer: T12}
      - {source: statpearls, answer: "T9-T12"}
  - {id: heart, front: What is the viscerosomatic level of the heart?, back: T1-T5,
     source: savarese}
  - {id: lungs, front: What is the viscerosomatic level of the lungs?, back: T2-T7,
     source: savarese}
  - {id: kidney, front: What is the viscerosomatic level of the kidneys?, back: T10-L1,
     source: savarese}
"""


@pytest.fixture
def window(qtbot, qapp, tmp_path, data_dir, monkeypatch):
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "levels.yaml").write_text(LEVELS, encoding="utf-8")
    empty = tmp_path / "bundle"
    empty.mkdir()
    monkeypatch.setattr("omtquiz.profile.bundled_decks_dir", lambda: empty)
    context, win = build(Profile.open(data_dir, [decks]), qapp)
    qtbot.addWidget(win)
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    yield win
    context.store.close()
    theme.apply(qapp, "light", 15)


def shots(tmp_path) -> Path:
    """Where screenshots go: $OMTQUIZ_SHOTS to look at them, else the test's own folder."""
    folder = Path(os.environ.get("OMTQUIZ_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("look", ["light", "dark"])
def test_the_review_shows_the_answer_and_each_sources_version(qtbot, qapp, window, tmp_path,
                                                             look):
    window.context.theme_name = theme.apply(qapp, look, 15)
    window.study(Scope.deck("levels"))
    review = window.review_page
    assert review.session.current().card_id == "appendix"
    assert "Sources differ" not in review.view.toPlainText()
    qtbot.keyClick(review, Qt.Key.Key_Space)
    text = review.view.toPlainText()
    assert "T12" in text and "Sources differ. Savarese: T12; StatPearls: T9-T12" in text
    assert window.grab().save(str(shots(tmp_path) / f"versions-review-{look}.png"))


@pytest.mark.parametrize("look", ["light", "dark"])
def test_a_typed_quiz_takes_another_sources_version_and_shows_them_all(qtbot, qapp, window,
                                                                      tmp_path, look):
    window.context.theme_name = theme.apply(qapp, look, 15)
    page = QuizPage(window.context, seed=1)
    qtbot.addWidget(page)
    page.resize(1000, 640)
    page.show()
    page.start(Scope.deck("levels"), "typed")
    while page.current().item.card_id != "appendix":
        page.typed_edit.setText("no idea")
        page.check_typed()
        page.next_question()
    page.typed_edit.setText("T9-T12")
    page.check_typed()
    assert page.right == 1
    text = page.view.toPlainText()
    assert "Answer: T12" in text and "Savarese: T12; StatPearls: T9-T12" in text
    assert "Also right" not in text  # the versions are said once, with their sources
    assert page.grab().save(str(shots(tmp_path) / f"versions-typed-{look}.png"))


def test_a_multiple_choice_quiz_never_offers_another_version_as_wrong(qtbot, window):
    for seed in range(10):
        page = QuizPage(window.context, seed=seed)
        qtbot.addWidget(page)
        page.start(Scope.deck("levels"), "mcq")
        for question in page.questions:
            assert "T9-T12" not in question.choices
            if question.item.card_id == "appendix":
                assert question.answer == "T12" and "StatPearls: T9-T12" in (
                    question.explanation_html)


@pytest.mark.parametrize("look", ["light", "dark"])
def test_the_exam_report_lists_the_versions_of_a_missed_question(qtbot, qapp, window,
                                                                 tmp_path, look):
    window.context.theme_name = theme.apply(qapp, look, 15)
    page = ExamPage(window.context, seed=2)
    qtbot.addWidget(page)
    page.resize(1000, 900)
    page.show()
    page.start(Scope.deck("levels"), 4, 0)
    index = next(i for i, q in enumerate(page.exam.questions) if q.item.card_id == "appendix")
    page.exam.answer(index, "T1-T5")
    assert "Sources differ.</b> Savarese: T12; StatPearls: T9-T12" in page._missed_html()
    page.end(taken_ms=60_000)
    assert "Sources differ. Savarese: T12; StatPearls: T9-T12" in (
        page.missed_view.toPlainText())
    qapp.processEvents()  # let the report lay out its new score before the picture
    assert page.grab().save(str(shots(tmp_path) / f"versions-exam-{look}.png"))


@pytest.mark.parametrize("look", ["light", "dark"])
def test_the_card_editor_keeps_and_previews_a_cards_versions(qtbot, qapp, window, tmp_path,
                                                              look):
    from omtquiz.ui.dialogs.card_editor import CardEditorDialog

    window.context.theme_name = theme.apply(qapp, look, 15)
    deck = window.context.library.deck("levels")
    dialog = CardEditorDialog(window.context, deck.path, "appendix")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.update_preview()
    shown = dialog.preview.toPlainText()
    assert "Sources differ. Savarese: T12; StatPearls: T9-T12" in shown
    assert "T12\n" in shown  # the answer itself, above the versions
    assert "versions:" in dialog.inputs["back"].placeholderText()
    assert dialog.grab().save(str(shots(tmp_path) / f"versions-editor-{look}.png"))
