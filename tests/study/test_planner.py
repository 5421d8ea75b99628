"""The exam planner on a case small enough to work out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.numbers import percent_text
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState, Rating, Settings, State, retrievability
from omtquiz.study.planner import introduction_days, minimal_per_day, plan_exam
from omtquiz.study.scope import Scope
from omtquiz.study.session import StudySession
from samples import planner_library

NOW = datetime(2025, 3, 10, 15, 0, tzinfo=timezone.utc)  # study day Monday 10 March
TODAY = date(2025, 3, 10)
SETTINGS = (Settings().with_global(fuzz=False, timezone="UTC", day_start_hour=4)
            .with_deck("b", new_per_day=1))


@pytest.fixture
def clock():
    return FixedClock(NOW - timedelta(hours=1))


@pytest.fixture
def store(tmp_path, clock):
    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as opened:
        opened.save_settings(SETTINGS)
        lib = planner_library()
        opened.put(ItemRecord(Item("a", "sus"), suspended=True))
        for card_id, stability in (("r1", 4.0), ("r2", 30.0)):
            last = NOW - timedelta(days=3)
            opened.put(ItemRecord(Item("a", card_id), CardState(
                State.REVIEW, None, stability, 5.0, last + timedelta(days=9), last, 3, 0)))
        session = StudySession(opened, lib, Scope.deck("a"), clock)
        for _ in range(2):  # two of deck a's new cards are introduced today
            assert session.record(session.current()).card.is_new
            session.answer(Rating.GOOD, 4000)
        clock.set(NOW)
        yield opened


def test_a_small_plan_worked_by_hand(store, clock):
    lib = planner_library()
    plan = plan_exam(store, lib, date(2025, 3, 14), [Scope.deck("a"), Scope.deck("b")], clock)
    # Four days to the exam: the margin is half of that, so all must be in by Wednesday 12th,
    # three study days counting today.
    assert (plan.today, plan.days_left, plan.deadline) == (TODAY, 4, date(2025, 3, 12))
    # Deck a: 8 + 2 review + 1 suspended; 6 still new. Deck b: 3 deletions and a basic card.
    assert (plan.items, plan.suspended, plan.new) == (14, 1, 10)
    a, b = plan.decks
    assert (a.new, a.limit, a.used_today, a.days_at_limit) == (6, 20, 2, 1)
    # Deck b at 1 a day: the cloze card's deletions take days 1-3 (one a day), the basic card
    # day 4: Thursday 13th, the day before the exam.
    assert (b.new, b.limit, b.used_today, b.days_at_limit) == (4, 1, 0, 4)
    assert plan.last_introduction == date(2025, 3, 13) and plan.seen_in_time
    # Deck a at k a day has k-2 left today: k=2 gives 0+2+2=4 < 6, k=3 gives 1+3+3=7 >= 6.
    # Deck b at 1 a day needs 4 days (above); at 2, day 1 takes a deletion and the basic card,
    # days 2 and 3 the other deletions.
    assert (a.recommended, b.recommended) == (3, 2)
    assert plan.feasible and plan.recommended_total == 5
    # Deck a's 20 a day already meets the deadline; a plan never lowers a limit.
    assert plan.changes() == {"b": (1, 2)}
    assert not plan.in_time_at_limits
    assert "you need at least 5 new cards a day." in plan.advice()[1]


def test_expected_recall_is_the_mean_at_the_exam_day_start_with_new_cards_as_zero(store,
                                                                                  clock):
    lib = planner_library()
    plan = plan_exam(store, lib, date(2025, 3, 14), [Scope.deck("a"), Scope.deck("b")], clock)
    exam_start = datetime(2025, 3, 14, 4, 0, tzinfo=timezone.utc)
    seen = [r.card for r in store.records().values() if not r.suspended and not r.card.is_new]
    assert len(seen) == 4  # two in review, two introduced today
    expected = sum(retrievability(c, exam_start, SETTINGS.global_settings) for c in seen) / 14
    assert plan.expected_recall == pytest.approx(expected)
    # 4 of 14 started: the headline says so, not a discouraging low percent (issue 17).
    assert (plan.started, plan.enough_data) == (4, False)
    assert plan.started_recall == pytest.approx(expected * 14 / 4)
    assert plan.headline() == ("4 of 14", "cards started: too few yet\nfor a forecast of "
                                          "exam-day recall")
    sentence = plan.explanation()
    assert sentence.startswith("You have started 4 of these 14 cards. Of those, FSRS predicts "
                               f"you would recall {percent_text(plan.started_recall)} on Fri 14 "
                               "Mar 2025 if you did no more reviews.")
    # With half of the scope started, the forecast of all of it is the headline.
    half = replace(plan, new=7)
    assert half.enough_data and half.headline()[0] == percent_text(plan.expected_recall)
    sentence = half.explanation()
    assert sentence.count(". ") == 0 and sentence.endswith(".")
    assert f"{percent_text(plan.expected_recall)} of these 14 cards on Fri 14 Mar 2025" in sentence
    assert "7 cards you have not started counted as 0" in sentence


def test_applying_the_plan_raises_the_limits_that_are_too_low(store, clock):
    lib = planner_library()
    plan = plan_exam(store, lib, date(2025, 3, 14), [Scope.deck("a"), Scope.deck("b")], clock)
    store.save_settings(plan.apply(store.settings()))
    settings = store.settings()
    assert settings.for_deck("a").new_per_day == 20
    assert settings.for_deck("b").new_per_day == 2
    assert settings.global_settings.new_per_day == 20
    # With the plan in force the cards are all introduced by the deadline.
    again = plan_exam(store, lib, date(2025, 3, 14), [Scope.deck("a"), Scope.deck("b")], clock)
    assert again.last_introduction == date(2025, 3, 12) and again.changes() == {}
    assert again.in_time_at_limits
    assert again.advice()[1].endswith("your limits already do that.")


def test_a_tag_scope_plans_only_its_own_cards(store, clock):
    lib = planner_library()
    plan = plan_exam(store, lib, date(2025, 3, 24), [Scope.tag("x")], clock)
    # Tagged: n0-n7 (two introduced today) and r2 in deck a, bb in deck b.
    assert (plan.items, plan.new) == (10, 7)
    assert [(d.deck_id, d.new) for d in plan.decks] == [("a", 6), ("b", 1)]
    # Fourteen days: a week's margin, so eight study days; 6 new in a with 2 used today
    # needs 1 a day (days 2-7), b's single card 1.
    assert plan.deadline == date(2025, 3, 17)
    assert [d.recommended for d in plan.decks] == [1, 1]


def test_it_says_when_it_cannot_be_done(store, clock):
    lib = planner_library()
    tomorrow = plan_exam(store, lib, date(2025, 3, 11), [Scope.deck("b")], clock)
    # One study day left, and the cloze card's three deletions come one a day.
    assert tomorrow.deadline == TODAY and not tomorrow.feasible
    assert tomorrow.changes() == {} and tomorrow.apply(SETTINGS) == SETTINGS
    assert "cannot be done" in " ".join(tomorrow.advice())
    today = plan_exam(store, lib, TODAY, [Scope.deck("a")], clock)
    assert today.days_left == 0 and not today.feasible
    assert "not in the future" in today.advice()[0]
    crammed = plan_exam(store, lib, date(2025, 3, 11), [Scope.deck("a")], clock,
                        SETTINGS.with_deck("a", new_per_day=1))
    assert crammed.feasible and crammed.recommended_total == 8  # 6 new + 2 used today
    assert "most students" not in " ".join(crammed.advice())
    stopped = plan_exam(store, lib, date(2025, 4, 30), [Scope.deck("a")], clock,
                        SETTINGS.with_deck("a", new_per_day=0))
    assert stopped.last_introduction is None and not stopped.seen_in_time
    assert "never" in stopped.advice()[0]


def test_introduction_follows_the_queue_one_part_per_card_a_day():
    assert introduction_days([3, 1], 1) == 4
    assert introduction_days([3, 1], 2) == 3
    # File order matters: the two single cards go first, then the three deletions one a day.
    assert introduction_days([1, 1, 3], 2) == 4
    assert introduction_days([4], 2, first_day=0) == 5
    assert introduction_days([1], 0) is None
    assert introduction_days([], 0) == 0
    assert minimal_per_day([1, 1, 3], 3, 0) == 3  # not 2: the queue takes the single cards first
    assert minimal_per_day([5], 3, 0) is None
    assert minimal_per_day([], 3, 0) == 0


def test_a_plan_of_more_than_a_hundred_a_day_says_it_is_too_much(store, clock):
    cards = tuple(Card("big", f"c{n}", "basic", front="q", back="a") for n in range(150))
    big = Library((DeckFile("big.yaml", Deck("big", "Big", "big.yaml", cards)),))
    plan = plan_exam(store, big, date(2025, 3, 11), [Scope.all()], clock)
    assert plan.feasible and plan.recommended_total == 150
    assert "more new cards a day than most students" in plan.advice()[-1]
