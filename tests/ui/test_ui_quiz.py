"""The quiz screen with real widgets offscreen: keys 1-4, typed answers, the store's log."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QProgressBar,
    QTextBrowser,
    QWidget,
)

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Library
from omtquiz.scheduling import Rating
from omtquiz.study.scope import Scope
from omtquiz.ui import theme
from omtquiz.ui.pages.quiz import QuizPage
from omtquiz.ui.screenshot import choose_wrong
from samples import make_context

LONG = ("Stop, because a thrust technique on an unstable upper cervical spine risks injury to "
        "the spinal cord and the vertebral arteries")


def technique_library() -> Library:
    """Every answer is long enough for a typed question and to allow one typo."""
    cards = [
        Card("t", "me", "basic", front="Which technique uses the patient's own contraction?",
             back="Muscle energy", tags=("technique",)),
        Card("t", "cs", "basic", front="Which technique holds a position of ease for 90 s?",
             back="Counterstrain", tags=("technique",)),
        Card("t", "mfr", "basic", front="Which technique relaxes restricted fascia?",
             back="Myofascial release", tags=("technique",)),
        Card("t", "rr", "basic", front="Which technique mobilises the ribs to aid breathing?",
             back="Rib raising", tags=("technique",)),
        Card("t", "hvla", "basic", front="Which technique thrusts through the barrier?",
             back="High velocity low amplitude", tags=("technique",)),
        Card("t", "pump", "mcq", question="Which technique pumps lymph?",
             answer="Lymphatic pump", distractors=("Still technique", "Facilitated release",
                                                    "Balanced ligamentous tension"),
             explanation="It *pumps* the thoracic duct.", tags=("technique",)),
        Card("t", "ra", "mcq", question="Down syndrome, neck pain: HVLA to the neck is planned. "
             "What now?", answer=LONG,
             distractors=("Go ahead, because the neck pain makes a thrust technique the "
                          "treatment of choice for this patient",
                          "Go ahead after a short warm-up with soft tissue technique",
                          "Refer for chiropractic care instead of osteopathic treatment"),
             tags=("contraindication",)),
    ]
    deck = Deck("t", "Techniques", "t.yaml", tuple(cards))
    single = Deck("one", "A single card", "one.yaml",
                  (Card("one", "x", "basic", front="Alone?", back="Yes, alone"),))
    return Library((DeckFile("t.yaml", deck), DeckFile("one.yaml", single)))


@pytest.fixture
def context(tmp_path, qapp):
    theme.apply(qapp, "light", 15)
    clock = FixedClock(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc))
    context = make_context(tmp_path, technique_library(), clock)
    yield context
    context.store.close()
    theme.apply(qapp, "light", 15)


def shown_active(qtbot, widget):
    """The page at full size and active: keys reach page shortcuts in the active window."""
    qtbot.addWidget(widget)
    widget.resize(1100, 720)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


@pytest.fixture
def page(qtbot, context):
    return shown_active(qtbot, QuizPage(context, seed=3))


def unclipped(page) -> bool:
    """Every visible choice is as tall as its wrapped text needs."""
    return all(b.text_label.height() >= b.text_label.heightForWidth(b.text_label.width())
               for b in page.choice_buttons if b.isVisible())


def test_mcq_right_then_wrong_goes_to_the_log(qtbot, page, context):
    page.start(Scope.deck("t"), "mcq")
    assert page.progress_label.text() == "1 / 7"
    question = page.current()
    right = page.choice_buttons[question.correct_index]
    assert page.findChild(type(right), f"quizChoice{question.correct_index + 1}") is right
    qtbot.keyClick(page, str(question.correct_index + 1))
    assert right.property("choice") == "right"
    assert "Right." in page.feedback_label.text()
    assert page.next_button.isEnabled()
    qtbot.keyClick(page, Qt.Key.Key_1)  # already answered: no second answer
    [entry] = context.store.entries()
    assert (entry.item, entry.rating, entry.mode) == (question.item, Rating.GOOD, "mcq")

    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert page.progress_label.text() == "2 / 7"
    question = page.current()
    wrong = (question.correct_index + 1) % len(question.choices)
    qtbot.keyClick(page, str(wrong + 1))
    assert page.choice_buttons[wrong].property("choice") == "wrong"
    assert page.choice_buttons[question.correct_index].property("choice") == "right"
    assert f"the right answer is {question.correct_index + 1}" in page.feedback_label.text()
    assert [e.rating for e in context.store.entries()] == [Rating.GOOD, Rating.AGAIN]
    assert page.score_label.text() == "1 right"
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert page.current() is not question
    assert all(b.property("choice") == "" for b in page.choice_buttons)


def advance_to(page, card_id: str) -> None:
    """Answer (choice 1) and move on until this card's question is on screen."""
    while page.current().item.card_id != card_id:
        page.choose(1)
        page.next_question()


def test_mcq_shows_the_explanation_and_wraps_long_answers(qtbot, page):
    page.start(Scope.deck("t"), "mcq")
    advance_to(page, "pump")
    assert "It pumps" not in page.view.toPlainText()
    page.choose(page.current().correct_index + 1)
    assert "It pumps the thoracic duct." in page.view.toPlainText()
    page.start(Scope.deck("t"), "mcq")
    advance_to(page, "ra")
    qtbot.waitUntil(lambda: unclipped(page))  # once the layout has run
    assert page.width() <= 1100


def test_a_typo_still_counts_and_the_difference_is_shown(qtbot, page, context):
    page.start(Scope.deck("t"), "typed")
    question = page.current()
    edit = page.typed_edit
    assert page.findChild(type(edit), "typedAnswerEdit") is edit
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # nothing typed: nothing taken
    assert context.store.entries() == []
    answer = question.answer
    middle = next(i for i in range(len(answer) // 2, len(answer)) if answer[i].isalpha())
    typo = (answer[:middle] + answer[middle + 1:]).lower()
    qtbot.keyClicks(edit, typo)
    assert edit.text() == typo  # digits and Space go to the field, not to the page's keys
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert "Correct: close enough" in page.feedback_label.text()
    assert f"Answer: {answer}" in page.view.toPlainText()
    shown = typo[:middle] + answer[middle].lower() + typo[middle:]
    assert f"Your answer: {shown}" in page.view.toPlainText()  # the missing letter put back
    assert "text-decoration: underline" in page.view.toHtml()  # and marked
    assert edit.isReadOnly()
    [entry] = context.store.entries()
    assert (entry.rating, entry.mode) == (Rating.GOOD, "typed")

    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert page.progress_label.text().startswith("2 / ")
    assert edit.text() == "" and not edit.isReadOnly()
    qtbot.keyClicks(edit, "no idea at all")
    qtbot.keyClick(edit, Qt.Key.Key_Enter)
    assert "Incorrect." in page.feedback_label.text()
    assert [e.rating for e in context.store.entries()] == [Rating.GOOD, Rating.AGAIN]


def test_i_was_right_overrules_the_check_and_counts_as_good(qtbot, page, context):
    page.start(Scope.deck("t"), "typed")
    assert not page.override_button.isVisible()
    qtbot.keyClicks(page.typed_edit, "something else entirely")
    qtbot.keyClick(page.typed_edit, Qt.Key.Key_Return)
    assert "Incorrect." in page.feedback_label.text()
    assert page.override_button.isVisible() and page.override_button.text().startswith(
        "I was right")
    qtbot.keyClick(page, Qt.Key.Key_W)  # W says "I was wrong": it already is; nothing happens
    assert [e.rating for e in context.store.entries()] == [Rating.AGAIN]
    qtbot.keyClick(page, Qt.Key.Key_R)
    [entry] = context.store.entries()
    assert (entry.rating, entry.overridden) == (Rating.GOOD, True)
    assert "Counted as right" in page.feedback_label.text()
    assert page.score_label.text() == "1 right" and not page.override_button.isVisible()
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert page.progress_label.text().startswith("2 / ")
    qtbot.keyClicks(page.typed_edit, page.current().answer)
    qtbot.keyClick(page.typed_edit, Qt.Key.Key_Return)
    assert page.override_button.text().startswith("I was wrong")
    page.override_button.click()
    assert [e.rating for e in context.store.entries()] == [Rating.GOOD, Rating.AGAIN]
    assert page.score_label.text() == "1 right"


def test_only_one_button_claims_enter_and_no_state_is_left_from_the_last_quiz(qtbot, page):
    page.start(Scope.deck("t"), "mcq")
    while page.index < len(page.questions) - 1:
        page.choose(1)
        page.next_question()
    page.choose(1)
    assert page.next_button.text() == "See results  (Enter)"
    page.start(Scope.deck("t"), "typed")
    assert page.progress_label.text() == "1 / " + str(len(page.questions))
    claims = [b.text() for b in (page.check_button, page.next_button) if "Enter" in b.text()]
    assert claims == ["Check  (Enter)"]


def test_summary_counts_right_answers_and_esc_goes_back(qtbot, page):
    page.start(Scope.deck("t"), "mcq")
    total = len(page.questions)
    for n in range(total):
        question = page.current()
        page.choose(question.correct_index + 1 if n % 2 == 0 else
                    (question.correct_index + 1) % len(question.choices) + 1)
        qtbot.keyClick(page, Qt.Key.Key_Return)
    assert page.current() is None
    right = (total + 1) // 2
    assert page.summary_label.text() == f"{right} / {total}"
    assert page.done_button.isVisible()
    with qtbot.waitSignal(page.finished):
        qtbot.keyClick(page, Qt.Key.Key_Escape)


def test_a_deck_too_small_for_a_quiz_says_so(qtbot, page):
    page.start(Scope.deck("one"), "mcq")
    assert page.current() is None
    assert page.summary_title.text() == "No questions here"
    assert not page.again_button.isVisible()


@pytest.mark.parametrize("look", ["light", "dark"])
def test_render_the_quiz_screens(qtbot, qapp, page, tmp_path, look):
    page.context.theme_name = theme.apply(qapp, look, 15)
    page.start(Scope.deck("t"), "mcq")
    advance_to(page, "ra")
    choose_wrong(page)
    qtbot.waitUntil(lambda: unclipped(page))  # once the layout has run
    assert page.grab().save(str(tmp_path / f"quiz-mcq-{look}.png"))
    page.start(Scope.deck("t"), "typed")
    qtbot.keyClicks(page.typed_edit, "musle energy")
    page.check_typed()
    assert page.grab().save(str(tmp_path / f"quiz-typed-{look}.png"))
    while page.current() is not None:
        choose_wrong(page)
        page.next_question()
    assert page.grab().save(str(tmp_path / f"quiz-summary-{look}.png"))


def unnamed_controls(page) -> list[str]:
    """Buttons, fields, tables and views with no objectName or no accessible name."""
    kinds = (QAbstractButton, QLineEdit, QAbstractItemView, QAbstractSpinBox, QComboBox,
             QProgressBar, QTextBrowser)
    return [f"{type(w).__name__} {w.objectName()!r}" for w in page.findChildren(QWidget)
            if isinstance(w, kinds) and not isinstance(w.parent(), QAbstractItemView)
            and not (w.objectName() and w.accessibleName())]


def test_every_control_is_named_for_automation(page):
    page.start(Scope.deck("t"), "mcq")
    assert unnamed_controls(page) == []


def test_the_keys_line_names_as_many_keys_as_there_are_choices(qtbot, tmp_path, qapp):
    """A question of three choices says "1-3 choose", not "1-4" (4 would do nothing)."""
    three = Card("m", "q", "mcq", question="Which vertebra is the atlas?", answer="C1",
                 distractors=("C2", "C7"))
    four = Card("m", "r", "mcq", question="Which rib is the first atypical one?", answer="Rib 1",
                distractors=("Rib 4", "Rib 6", "Rib 8"))
    library = Library((DeckFile("m.yaml", Deck("m", "Choices", "m.yaml", (three, four))),))
    clock = FixedClock(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc))
    context = make_context(tmp_path, library, clock)
    page = shown_active(qtbot, QuizPage(context, seed=1))
    page.start(Scope.deck("m"), "mcq")
    seen = set()
    for _ in range(2):
        count = len(page.current().choices)
        seen.add(count)
        assert page.hint_label.text().startswith(f"1-{count} choose"), page.hint_label.text()
        page.choose(1)
        page.next_question()
    assert seen == {3, 4}
    context.store.close()


def test_an_answered_question_shows_its_cards_source_as_review_does(qtbot, tmp_path, qapp):
    from omtquiz.decks.model import Source

    cited = Card("s", "atlas", "mcq", question="Which vertebra is the atlas?", answer="C1",
                 distractors=("C2", "C7"), source="book")
    uncited = Card("s", "axis", "mcq", question="Which vertebra is the axis?", answer="C2",
                   distractors=("C1", "C7"))
    deck = Deck("s", "Sourced", "s.yaml", (cited, uncited),
                sources=(Source("book", "A real anatomy book"),))
    clock = FixedClock(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc))
    context = make_context(tmp_path, Library((DeckFile("s.yaml", deck),)), clock)
    for mode in ("mcq", "typed"):
        page = shown_active(qtbot, QuizPage(context, seed=2))
        page.start(Scope.deck("s"), mode)
        for _ in range(2):
            question = page.current()
            assert "A real anatomy book" not in page.view.toPlainText()  # not before answering
            if mode == "mcq":
                page.choose(1)
            else:
                page.typed_edit.setText("C1")
                page.check_typed()
            shown = page.view.toPlainText()
            if question.item.card_id == "atlas":
                assert "Source: A real anatomy book" in shown
            else:
                assert "Source:" not in shown
            page.next_question()
    context.store.close()


LONG_CHOICES = Card(
    "w", "comlex", "mcq",
    question="Which exam series leads to licensure for osteopathic physicians, and who gives it?",
    answer="COMLEX-USA, administered by the National Board of Osteopathic Medical Examiners",
    distractors=("COMLEX-USA, administered by the National Board of Medical Examiners (NBME)",
                 "COMLEX-USA, administered by the American Association of Colleges of "
                 "Osteopathic Medicine",
                 "COMLEX-USA, administered by the American Osteopathic Association (AOA)"))


@pytest.mark.parametrize("width", [700, 1000])
def test_choices_that_wrap_show_every_line_before_the_answer(qtbot, tmp_path, qapp, width):
    """At a narrow window the choices wrap to two lines: the buttons are that tall as soon as
    the question shows (they kept one line's height, the second cut off, until answered)."""
    from omtquiz.ui.pages.exam import ExamPage

    library = Library((DeckFile("w.yaml", Deck("w", "Wide", "w.yaml", (LONG_CHOICES,))),))
    clock = FixedClock(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc))
    context = make_context(tmp_path, library, clock)
    quiz = shown_active(qtbot, QuizPage(context, seed=1))
    quiz.resize(width, 680)
    quiz.start(Scope.deck("w"), "mcq")
    qapp.processEvents()
    assert unclipped(quiz)
    if width == 700:
        assert quiz.choice_buttons[0].text_label.height() >= \
            2 * quiz.choice_buttons[0].text_label.fontMetrics().lineSpacing()
    exam = shown_active(qtbot, ExamPage(context))
    exam.resize(width, 680)
    exam.start(Scope.deck("w"), 1, 0)
    qapp.processEvents()
    assert unclipped(exam)
    context.store.close()
