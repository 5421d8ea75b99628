"""Actions on many cards at once and what they report: `CardActions` and `save_exam` return the
`Changes` they made, and do all of their writing in one transaction."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.progress.db import StoreError
from omtquiz.progress.store import Store
from omtquiz.study.actions import CardActions
from omtquiz.study.changes import Changes
from omtquiz.study.quiz import Exam, QuestionMaker
from omtquiz.study.recording import save_exam
from omtquiz.study.scope import Scope

NOW = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)


@pytest.fixture
def library() -> Library:
    # Asked alike (same opening words), so an exam may ask them as multiple choice.
    cards = tuple(Card("d", f"c{n}", "basic", front=f"Which answer is number {n}?",
                       back=f"Answer {n}") for n in range(6))
    return Library((DeckFile("d.yaml", Deck("d", "D", "d.yaml", cards)),))


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "progress.sqlite3", clock=FixedClock(NOW)) as opened:
        yield opened


def test_each_action_changes_the_items_and_says_which(store, library):
    actions = CardActions(store, library, FixedClock(NOW))
    items = [Item("d", "c0"), Item("d", "c1")]
    assert actions.suspend(items) == Changes(items=frozenset(items))
    assert all(store.get(item).suspended for item in items)
    assert actions.unsuspend(items[:1]) == Changes.of_items(items[:1])
    assert not store.get(items[0]).suspended
    actions.flag(items, 3)
    assert [store.get(item).flag for item in items] == [3, 3]
    actions.bury(items[:1])
    assert store.get(items[0]).buried_until is not None
    changes = actions.reset(items[1:])
    assert changes.counts and not changes.answers


def test_changes_merge_and_say_what_moved():
    merged = Changes.of_items([Item("d", "c0")]) | Changes(exams=True)
    assert merged == Changes(items=frozenset({Item("d", "c0")}), exams=True)
    assert merged.counts and not Changes(exams=True).counts
    assert not Changes()


def test_an_exam_is_saved_whole_and_reports_its_answers(store, library):
    questions = QuestionMaker(library, seed=1).questions(Scope.all().items(library), limit=4)
    exam = Exam(questions)
    exam.answer(0, questions[0].answer, 3000)
    exam.answer(1, "wrong", 4000)
    changes = save_exam(store, exam, Scope.deck("d"), NOW, FixedClock(NOW))
    assert changes == Changes(items=frozenset({questions[0].item, questions[1].item}),
                              answers=True, exams=True)
    (saved,) = store.exams()
    assert (saved.scope, saved.total, saved.correct) == ("deck:d", 4, 1)
    assert len(store.entries()) == 2


def test_an_exam_that_cannot_be_saved_leaves_nothing_behind(store, library, monkeypatch):
    questions = QuestionMaker(library, seed=1).questions(Scope.all().items(library), limit=2)
    exam = Exam(questions)
    exam.answer(0, questions[0].answer, 3000)

    def full_disk(_exam):
        raise StoreError("disk full")

    monkeypatch.setattr(store, "add_exam", full_disk)
    with pytest.raises(StoreError):
        save_exam(store, exam, Scope.all(), NOW, FixedClock(NOW))
    assert store.entries() == []
