"""The exam screen with real widgets offscreen: answering, moving, time running out, the report."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import Qt
from test_ui_quiz import shown_active, unnamed_controls

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Library
from omtquiz.scheduling import Rating
from omtquiz.study.scope import Scope
from omtquiz.ui import theme
from omtquiz.ui.pages.exam import TICK_MS, ExamPage
from omtquiz.ui.screenshot import finish_randomly
from samples import make_context


def exam_library() -> Library:
    """Two decks, so the report has rows by deck as well as by tag."""
    techniques = Deck("tech", "Techniques", "tech.yaml", (
        Card("tech", "me", "basic", front="Patient contracts against resistance?",
             back="Muscle energy", tags=("technique",)),
        Card("tech", "cs", "basic", front="Position of ease held 90 seconds?",
             back="Counterstrain", tags=("technique",)),
        Card("tech", "mfr", "basic", front="Relaxes restricted fascia?",
             back="Myofascial release", tags=("technique", "fascia")),
        Card("tech", "rr", "basic", front="Mobilises the ribs to aid breathing?",
             back="Rib raising", tags=("technique", "lymphatic")),
    ))
    safety = Deck("safe", "Safety", "safe.yaml", (
        Card("safe", "op", "basic", front="A contraindication to HVLA in the elderly?",
             back="Severe osteoporosis", tags=("contraindication",)),
        Card("safe", "aa", "basic", front="A contraindication to HVLA of the neck in Down "
             "syndrome?", back="Atlantoaxial instability", tags=("contraindication",)),
        Card("safe", "ca", "basic", front="A rare serious event after neck thrust?",
             back="Cervical artery dissection", tags=("adverse-event",)),
        Card("safe", "so", "basic", front="The most common side effect of OMT?",
             back="Mild soreness", tags=("adverse-event",)),
    ))
    return Library((DeckFile("tech.yaml", with_choices(techniques)),
                    DeckFile("safe.yaml", with_choices(safety))))


def with_choices(deck: Deck) -> Deck:
    """No two questions open alike, so each card's wrong choices are its deck's other answers,
    given as its own distractors."""
    cards = tuple(card._replace(distractors=tuple(c.back for c in deck.cards if c is not card))
                  for card in deck.cards)
    return Deck(deck.id, deck.title, deck.path, cards)


@pytest.fixture
def clock():
    return FixedClock(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc))


@pytest.fixture
def context(tmp_path, qapp, clock):
    theme.apply(qapp, "light", 15)
    context = make_context(tmp_path, exam_library(), clock)
    yield context
    context.store.close()
    theme.apply(qapp, "light", 15)


@pytest.fixture
def page(qtbot, context):
    return shown_active(qtbot, ExamPage(context, seed=5))


def key_for(question, right: bool) -> str:
    index = question.correct_index if right else (question.correct_index + 1) % 4
    return str(index + 1)


def current(page):
    return page.exam.questions[page.index]


def test_finish_an_exam_and_read_its_score(qtbot, page, context, monkeypatch):
    asked = []
    monkeypatch.setattr(ExamPage, "confirm_finish",
                        classmethod(lambda cls, parent, n: asked.append(n) or True))
    page.start(Scope.all(), 8, 0)
    assert page.exam.total == 8
    plan = [True, True, False, True, True, False, True]  # the eighth is left unanswered
    missed_items = []
    for right in plan:
        question = current(page)
        assert "answered" in page.position_label.text()
        qtbot.keyClick(page, key_for(question, right))
        if not right:
            missed_items.append(question.item)
    missed_items.append(current(page).item)
    assert page.position_label.text() == "Question 8 of 8 · 7 answered"
    assert context.store.entries() == []  # nothing recorded until the end
    qtbot.mouseClick(page.finish_button, Qt.MouseButton.LeftButton)
    assert asked == [1]

    assert page.score_label.text() == "5 / 8 · 63%"
    assert "1 unanswered (counted as missed)" in page.report_detail.text()
    entries = context.store.entries()
    assert len(entries) == 7 and {e.mode for e in entries} == {"exam"}
    assert sorted(e.rating for e in entries) == [Rating.AGAIN] * 2 + [Rating.GOOD] * 5
    [record] = context.store.exams()
    assert (record.total, record.correct, record.scope) == (8, 5, "all")
    decks = {page.deck_table.item(r, 0).text(): page.deck_table.item(r, 1).text()
             for r in range(page.deck_table.rowCount())}
    assert set(decks) == {"Techniques", "Safety"}
    assert sum(int(v.split(" / ")[1]) for v in decks.values()) == 8
    tags = {page.tag_table.item(r, 0).text() for r in range(page.tag_table.rowCount())}
    assert {"technique", "contraindication"} <= tags
    missed_text = page.missed_view.toPlainText()
    assert "not answered" in missed_text
    for item in missed_items:
        answer = next(q.answer for q in page.exam.questions if q.item == item)
        assert answer in missed_text
    with qtbot.waitSignal(page.review_requested) as signal:
        qtbot.keyClick(page, Qt.Key.Key_Return)  # the review button has the focus
    assert signal.args == [missed_items]


def test_all_answered_finishes_without_asking(qtbot, page, monkeypatch):
    def never(cls, parent, n):
        raise AssertionError("asked although every question was answered")

    monkeypatch.setattr(ExamPage, "confirm_finish", classmethod(never))
    page.start(Scope.deck("tech"), 4, 0)
    for _ in range(4):
        qtbot.keyClick(page, key_for(current(page), True))
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.score_label.text() == "4 / 4 · 100%"
    assert not page.review_button.isEnabled()
    assert "Nothing missed" in page.missed_view.toPlainText()


def test_keys_move_between_questions_and_answers_can_change(qtbot, page, context):
    page.start(Scope.all(), 5, 0)
    assert not page.prev_button.isEnabled()
    qtbot.keyClick(page, Qt.Key.Key_Right)
    qtbot.keyClick(page, Qt.Key.Key_PageDown)
    assert page.index == 2
    qtbot.keyClick(page, Qt.Key.Key_PageUp)
    qtbot.keyClick(page, Qt.Key.Key_Left)
    qtbot.keyClick(page, Qt.Key.Key_Left)  # already at the first: stays
    assert page.index == 0
    first = current(page)
    qtbot.keyClick(page, key_for(first, False))
    assert page.index == 1
    qtbot.keyClick(page, Qt.Key.Key_Left)
    wrong = int(key_for(first, False))
    assert page.choice_buttons[wrong - 1].state == "selected"
    assert page.choice_buttons[wrong - 1].property("choice") == ""  # no feedback in an exam
    qtbot.keyClick(page, key_for(first, True))
    assert len(page.exam.answers) == 1 and page.exam.answers[0].correct
    for _ in range(3):
        qtbot.keyClick(page, Qt.Key.Key_Right)
    assert page.index == 4 and not page.next_button.isEnabled()
    qtbot.keyClick(page, Qt.Key.Key_2)  # the last question: marked, and stays
    assert page.index == 4 and page.choice_buttons[1].state == "selected"
    assert page.position_label.text() == "Question 5 of 5 · 2 answered"


def test_time_running_out_ends_the_exam(qtbot, page, context, clock, monkeypatch):
    monkeypatch.setattr(ExamPage, "confirm_finish", classmethod(lambda *a: False))
    page.start(Scope.all(), 6, 1)
    assert page.time_label.text() == "1:00 left"
    qtbot.keyClick(page, key_for(current(page), True))
    qtbot.keyClick(page, key_for(current(page), True))
    page.finish()  # refused in the dialog: the exam goes on
    assert page.taking()
    clock.advance(seconds=50)
    qtbot.waitUntil(lambda: page.time_label.text() == "0:10 left")
    assert page.time_label.property("role") == "badge"
    clock.advance(seconds=11)
    qtbot.waitUntil(lambda: not page.taking())
    assert page.score_label.text() == "2 / 6 · 33%"
    assert "time ran out" in page.report_detail.text()
    assert "4 unanswered" in page.report_detail.text()
    assert len(context.store.entries()) == 2
    [record] = context.store.exams()
    assert record.time_limit_s == 60 and record.correct == 2


def test_escape_asks_before_dropping_an_exam(qtbot, page, context, monkeypatch):
    answers = iter([False, True])
    monkeypatch.setattr(ExamPage, "confirm_leave", classmethod(lambda cls, p: next(answers)))
    page.start(Scope.all(), 4, 0)
    qtbot.keyClick(page, key_for(current(page), True))
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert page.taking()
    with qtbot.waitSignal(page.finished):
        qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert context.store.entries() == [] and context.store.exams() == []


def test_no_questions_says_so(qtbot, context):
    tiny = Library((DeckFile("x.yaml", Deck("x", "Tiny", "x.yaml", (
        Card("x", "a", "basic", front="Only card?", back="Yes"),))),))
    context.library = tiny
    page = ExamPage(context)
    qtbot.addWidget(page)
    page.start(Scope.all(), 10, 0)
    assert not page.taking()
    assert page.pages.currentIndex() == 2
    assert "No exam questions" in page.empty_label.text()


@pytest.mark.parametrize("look", ["light", "dark"])
def test_render_the_exam_screens(qtbot, qapp, page, tmp_path, look):
    page.context.theme_name = theme.apply(qapp, look, 15)
    page.start(Scope.all(), 8, 20)
    qtbot.keyClick(page, key_for(current(page), False))
    qtbot.keyClick(page, Qt.Key.Key_Left)
    qapp.processEvents()  # let the layout take the new texts in, as the app would
    assert page.position_label.width() >= page.position_label.sizeHint().width()
    assert page.grab().save(str(tmp_path / f"exam-question-{look}.png"))
    finish_randomly(page, seed=1)
    qapp.processEvents()
    assert page.pages.currentIndex() == 1
    assert page.exam.missed()
    assert page.score_label.width() >= page.score_label.sizeHint().width()
    table = page.tag_table
    assert table.horizontalHeader().length() <= table.viewport().width() + 1
    assert page.grab().save(str(tmp_path / f"exam-report-{look}.png"))


def test_every_control_is_named_for_automation(page):
    page.start(Scope.all(), 4, 10)
    finish_randomly(page, seed=2)
    assert unnamed_controls(page) == []


def test_an_exams_answers_and_its_result_are_saved_together(qtbot, page, context,
                                                            monkeypatch):
    from omtquiz.progress.db import StoreError

    page.start(Scope.all(), 4, 0)
    for _ in range(4):
        qtbot.keyClick(page, key_for(current(page), True))

    def full_disk(record):
        raise StoreError("disk full")

    monkeypatch.setattr(context.store, "add_exam", full_disk)
    with pytest.raises(StoreError):
        page.end()
    assert context.store.entries() == []  # no answers without the exam they belong to
    monkeypatch.undo()
    page.end()
    assert len(context.store.entries()) == 4 and len(context.store.exams()) == 1


def test_hiding_the_page_drops_an_exam_in_progress(qtbot, page, context, clock):
    page.start(Scope.all(), 4, 1)
    qtbot.keyClick(page, key_for(current(page), True))
    page.hide()
    assert not page.ticker.isActive() and not page.taking()
    clock.advance(minutes=2)
    qtbot.wait(3 * TICK_MS)
    assert context.store.entries() == [] and context.store.exams() == []


def test_the_report_and_the_statistics_round_a_score_alike(qtbot, page, context):
    """5 of 8 is 62.5%: the report and the statistics' exam chart both say 63% (half up)."""
    from omtquiz.ui.pages.stats import StatsPage

    page.start(Scope.all(), 8, 0)
    for right in [True, True, False, True, True, False, True, False]:
        qtbot.keyClick(page, key_for(current(page), right))
    page.end()
    assert page.score_label.text() == "5 / 8 · 63%"
    stats = StatsPage(context)
    qtbot.addWidget(stats)
    stats.refresh()
    assert [e.score for e in stats.exam_chart.exams] == [5 / 8]
    assert "last 63%" in stats.exam_chart.subtitle()
