"""Study sessions through the public API: queue order, limits, siblings, undo, the day boundary,
quizzes and exams, and at the end a whole day of study reported by `omtquiz stats --json`."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import run_cli
from omtquiz.clock import FixedClock, day_bounds, study_day
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState, Rating, Settings, State, preview
from omtquiz.study.queue import Counts, deck_counts
from omtquiz.study.recording import (
    QUIZ_INTRODUCES_NEW,
    NotTheLastAnswer,
    override_quiz_answer,
    quiz_rating,
    record_exam,
    record_quiz_answer,
)
from omtquiz.study.scope import Scope, select_items
from omtquiz.study.session import SessionError, StudySession, next_due, reviewed_today

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)  # a Monday; the study day began at 04:00
NEXT_DAY = datetime(2025, 3, 4, 4, 0, tzinfo=timezone.utc)
SETTINGS = Settings().with_global(fuzz=False, timezone="UTC")


def basic(deck: str, card_id: str, tags: tuple[str, ...] = (), front: str = "") -> Card:
    return Card(deck, card_id, "basic", front=front or f"{card_id}?", back="!", tags=tags)


def reverse(deck: str, card_id: str) -> Card:
    return Card(deck, card_id, "reverse", front="one way", back="other way")


def cloze(deck: str, card_id: str, deletions: int) -> Card:
    text = " ".join(f"{{{{c{n}::word{n}}}}}" for n in range(1, deletions + 1))
    return Card(deck, card_id, "cloze", text=text)


def deck(deck_id: str, cards, title: str | None = None, parent: str | None = None) -> Deck:
    return Deck(deck_id, title or deck_id, f"{deck_id}.yaml", tuple(cards), parent=parent)


def library(*decks: Deck) -> Library:
    return Library(tuple(DeckFile(d.path, d) for d in decks))


def reviewing(due: datetime, *, lapses: int = 0) -> CardState:
    return CardState(State.REVIEW, None, 6.0, 5.0, due, due - timedelta(days=6), 3, lapses)


def learning(due: datetime) -> CardState:
    return CardState(State.LEARNING, 1, 2.3, 5.0, due, due - timedelta(minutes=10), 1, 0)


@pytest.fixture
def clock():
    return FixedClock(T0)


def seed(store: Store, deck_id: str, **states: CardState) -> None:
    for card_id, state in states.items():
        store.put(ItemRecord(Item(deck_id, card_id), state))


def study(session: StudySession, rating: Rating = Rating.EASY, limit: int = 100) -> list[str]:
    """Answer everything shown now with one rating; the keys in the order they came."""
    shown = []
    while (item := session.current()) is not None and len(shown) < limit:
        shown.append(item.key)
        session.answer(rating, 4000)
    return shown


def keys(*names: str, deck_id: str = "d") -> list[str]:
    return [f"{deck_id}/{name}" for name in names]


# The queue


def test_learning_due_then_reviews_due_then_new_in_file_order(store, clock):
    cards = [basic("d", n) for n in ("n1", "n2", "r3", "r2", "r1", "rf", "l1", "l2", "l3", "n3")]
    lib = library(deck("d", cards))
    seed(store, "d",
         r1=reviewing(T0 - timedelta(days=2)),
         r2=reviewing(T0 - timedelta(days=1)), r3=reviewing(T0 - timedelta(days=1)),
         rf=reviewing(NEXT_DAY + timedelta(minutes=1)),
         l1=learning(T0 - timedelta(minutes=5)), l2=learning(T0 - timedelta(minutes=10)),
         l3=learning(T0 + timedelta(hours=1)))
    session = StudySession(store, lib, Scope.all(), clock, SETTINGS)
    assert session.counts() == Counts(new=3, learning=3, due=3)
    assert study(session) == keys("l2/0", "l1/0", "r1/0", "r2/0", "r3/0", "n1/0", "n2/0", "n3/0")
    assert session.counts() == Counts(new=0, learning=1, due=0)
    assert session.next_due() == T0 + timedelta(hours=1)
    clock.advance(minutes=39)
    assert session.current() is None
    clock.advance(minutes=2)  # l3 is now due within 20 minutes: shown early, as Anki does
    assert session.current() == Item("d", "l3")


def test_a_learning_card_comes_back_when_due_ahead_of_new_cards(store, clock):
    lib = library(deck("d", [basic("d", f"n{i}") for i in range(5)]))
    session = StudySession(store, lib, Scope.all(), clock, SETTINGS)
    session.answer(Rating.AGAIN)  # n0 comes back in one minute
    assert session.current() == Item("d", "n1")
    clock.advance(minutes=2)
    assert session.current() == Item("d", "n1")  # the shown card stays until answered
    session.answer(Rating.GOOD)
    assert session.current() == Item("d", "n0")


def test_learn_ahead_is_limited_to_twenty_minutes(store, clock):
    settings = SETTINGS.with_global(learning_steps=(timedelta(minutes=30),))
    lib = library(deck("d", [basic("d", "only")]))
    session = StudySession(store, lib, Scope.all(), clock, settings)
    session.answer(Rating.AGAIN)
    assert session.current() is None
    assert session.next_due() == T0 + timedelta(minutes=30)
    with pytest.raises(SessionError, match="nothing to answer"):
        session.answer(Rating.GOOD)
    clock.advance(minutes=11)
    assert session.current() == Item("d", "only")


def test_new_cards_stop_at_the_daily_limit_across_sessions_and_days(store, clock):
    lib = library(deck("d", [basic("d", f"n{i}") for i in range(7)]))
    settings = SETTINGS.with_global(new_per_day=3)
    first = StudySession(store, lib, Scope.all(), clock, settings)
    first.answer(Rating.EASY)
    again = StudySession(store, lib, Scope.all(), clock, settings)  # a restart mid-day
    assert again.counts().new == 2
    assert study(again) == keys("n1/0", "n2/0")
    assert StudySession(store, lib, Scope.all(), clock, settings).counts().new == 0
    clock.set(NEXT_DAY - timedelta(seconds=1))
    assert again.counts().new == 0
    clock.set(NEXT_DAY)
    assert again.counts().new == 3
    assert again.current() == Item("d", "n3")


def test_each_deck_has_its_own_limits_and_a_session_over_several_one_total(store, clock):
    lib = library(deck("a", [basic("a", f"n{i}") for i in range(5)]),
                  deck("b", [basic("b", f"n{i}") for i in range(5)]))
    settings = SETTINGS.with_global(new_per_day=3).with_deck("a", new_per_day=1)
    assert StudySession(store, lib, Scope.deck("b"), clock, settings).counts().new == 3
    assert StudySession(store, lib, Scope.deck("a"), clock, settings).counts().new == 1
    # All decks: each deck keeps to its own limit (a: 1) and the session to the global one (3).
    session = StudySession(store, lib, Scope.all(), clock, settings)
    assert session.counts().new == 3
    assert study(session) == ["a/n0/0", "b/n0/0", "b/n1/0"]
    assert deck_counts(store, lib, clock, settings) == {"a": Counts(0, 0, 0),
                                                        "b": Counts(1, 0, 0)}
    assert StudySession(store, lib, Scope.deck("b"), clock, settings).counts().new == 1


def test_all_decks_offers_the_global_new_limit_not_the_sum_of_every_decks(store, clock):
    """The first week: eight decks of 20 new a day made "All decks" offer 160 new cards."""
    lib = library(*(deck(d, [basic(d, f"n{i}") for i in range(30)]) for d in "abcdefgh"))
    settings = SETTINGS.with_global(new_per_day=20)
    assert StudySession(store, lib, Scope.all(), clock, settings).counts().new == 20
    assert StudySession(store, lib, Scope.deck("a"), clock, settings).counts().new == 20
    session = StudySession(store, lib, Scope.all(), clock, settings)
    assert len(study(session)) == 20
    assert StudySession(store, lib, Scope.all(), clock, settings).counts().new == 0
    assert StudySession(store, lib, Scope.deck("h"), clock, settings).counts().new > 0


def test_reviews_stop_at_the_daily_limit(store, clock):
    lib = library(deck("d", [basic("d", f"r{i}") for i in range(5)]))
    seed(store, "d", **{f"r{i}": reviewing(T0 - timedelta(hours=i + 1)) for i in range(5)})
    settings = SETTINGS.with_global(reviews_per_day=3)
    session = StudySession(store, lib, Scope.all(), clock, settings)
    assert session.counts() == Counts(new=0, learning=0, due=3)
    assert session.current() == Item("d", "r4")  # the most overdue first
    session.answer(Rating.GOOD)
    assert StudySession(store, lib, Scope.all(), clock, settings).counts().due == 2
    assert len(study(session, Rating.GOOD)) == 2


# Siblings


def test_siblings_wait_for_the_next_study_day(store, clock):
    lib = library(deck("d", [reverse("d", "rv"), cloze("d", "z", 3), basic("d", "b")]))
    session = StudySession(store, lib, Scope.all(), clock, SETTINGS)
    assert session.counts() == Counts(new=3, learning=0, due=0)
    assert study(session) == keys("rv/0", "z/0", "b/0")
    clock.set(NEXT_DAY + timedelta(minutes=1))
    assert study(session) == keys("rv/1", "z/1")
    clock.set(NEXT_DAY + timedelta(days=1, minutes=1))
    assert study(session) == keys("z/2")


def test_a_sibling_due_for_review_waits_once_the_other_was_answered(store, clock):
    lib = library(deck("d", [reverse("d", "rv")]))
    seed(store, "d", rv=reviewing(T0 - timedelta(days=1)))
    store.put(ItemRecord(Item("d", "rv", 1), reviewing(T0 - timedelta(hours=1))))
    session = StudySession(store, lib, Scope.all(), clock, SETTINGS)
    assert session.counts().due == 1
    session.answer(Rating.AGAIN)  # rv/0 relearns today; rv/1 still waits
    assert session.counts() == Counts(new=0, learning=1, due=0)
    clock.advance(minutes=10)
    assert study(session, Rating.GOOD) == keys("rv/0")
    session.undo()
    session.undo()  # with no answer today, the sibling is back
    assert session.counts() == Counts(new=0, learning=0, due=1)


# Undo


def test_undo_restores_the_item_exactly_and_shows_it_again(store, clock):
    lib = library(deck("d", [basic("d", "a"), basic("d", "b")]))
    session = StudySession(store, lib, Scope.all(), clock, SETTINGS)
    session.answer(Rating.GOOD)
    clock.advance(minutes=1)
    before = store.get(Item("d", "b"))
    entry = session.answer(Rating.EASY)
    assert entry.item == Item("d", "b") and store.get(entry.item) != before
    undone = session.undo()
    assert undone == entry
    assert store.get(Item("d", "b")) == before
    assert session.current() == Item("d", "b")
    assert [e.item for e in store.entries()] == [Item("d", "a")]
    assert session.counts() == Counts(new=1, learning=1, due=0)


def test_undo_works_after_a_restart(tmp_path, clock):
    lib = library(deck("d", [basic("d", "a")]))
    with Store.open(tmp_path / "p.sqlite3", clock=clock) as store:
        StudySession(store, lib, Scope.all(), clock, SETTINGS).answer(Rating.GOOD)
    with Store.open(tmp_path / "p.sqlite3", clock=clock) as store:
        session = StudySession(store, lib, Scope.all(), clock, SETTINGS)
        assert session.undo().item == Item("d", "a")
        assert store.get(Item("d", "a")) == ItemRecord(Item("d", "a"))
        assert store.entries() == []
        assert session.current() == Item("d", "a")
        assert session.undo() is None


# Leeches, bury, suspend, flag, reset


def test_a_card_that_lapses_eight_times_is_a_leech_and_suspended(store, clock):
    lib = library(deck("d", [basic("d", "hard"), basic("d", "other")]))
    seed(store, "d", hard=reviewing(T0 - timedelta(hours=1), lapses=7))
    session = StudySession(store, lib, Scope.all(), clock, SETTINGS)
    entry = session.answer(Rating.AGAIN)
    assert entry.became_leech
    record = store.get(Item("d", "hard"))
    assert record.leech and record.suspended and record.card.lapses == 8
    assert session.counts() == Counts(new=1, learning=0, due=0)
    session.undo()
    assert not store.get(Item("d", "hard")).suspended


def test_leech_action_tag_marks_without_suspending(store, clock):
    lib = library(deck("d", [basic("d", "hard")]))
    seed(store, "d", hard=reviewing(T0 - timedelta(hours=1), lapses=7))
    settings = SETTINGS.with_deck("d", leech_action="tag")
    entry = StudySession(store, lib, Scope.all(), clock, settings).answer(Rating.AGAIN)
    assert entry.became_leech and not entry.after.suspended
    assert entry.after.card.state is State.RELEARNING


def test_bury_suspend_flag_and_reset(store, clock):
    lib = library(deck("d", [basic("d", "a"), basic("d", "b"), basic("d", "c")]))
    a, b, c = (Item("d", n) for n in "abc")
    session = StudySession(store, lib, Scope.all(), clock, SETTINGS)
    assert session.bury() == a
    assert session.current() == b
    assert store.get(a).buried_until == NEXT_DAY
    session.suspend(c)
    assert session.counts().new == 1
    session.flag(b, 2)
    assert session.flag_of(b) == 2 and store.get(b).flag == 2
    with pytest.raises(ValueError):
        session.flag(b, 8)
    session.answer(Rating.EASY)
    assert session.current() is None
    session.unsuspend(c)
    assert session.current() == c
    assert store.get(b).card.state is State.REVIEW
    session.reset(b)
    assert store.get(b).card == CardState(reps=1)
    assert store.get(b).flag == 2
    assert len(store.entries(b)) == 1  # the history stays
    clock.set(NEXT_DAY)
    assert session.counts().new == 3


def test_flagging_never_swaps_the_card_shown_for_one_that_fell_due(store, clock):
    """A learning card falling due while another is shown used to take its place on Ctrl+1."""
    lib = library(deck("d", [basic("d", "shown"), basic("d", "waiting")]))
    seed(store, "d", shown=reviewing(T0 - timedelta(hours=1)),
         waiting=learning(T0 + timedelta(minutes=5)))
    session = StudySession(store, lib, Scope.all(), clock, SETTINGS)
    shown = session.current()
    assert shown == Item("d", "shown")
    clock.set(T0 + timedelta(minutes=6))  # the learning card is now due, and comes first
    session.flag(shown, 1)
    assert session.current() == shown and store.get(shown).flag == 1
    session.flag(shown, 0)
    assert session.current() == shown
    session.bury()  # burying does move on, as documented
    assert session.current() == Item("d", "waiting")


def test_intervals_preview_the_current_items_buttons(store, clock):
    lib = library(deck("d", [basic("d", "a")]))
    session = StudySession(store, lib, Scope.all(), clock, SETTINGS)
    assert session.intervals() == preview(CardState(), T0, SETTINGS.for_deck("d"))
    assert session.intervals()[Rating.GOOD] == timedelta(minutes=10)
    session.suspend()
    assert session.intervals() == {}


# Identity


def test_progress_follows_the_card_id_through_edits_and_removal(store, clock):
    original = library(deck("d", [basic("d", "a", front="Old wording?"), basic("d", "b")]))
    StudySession(store, original, Scope.all(), clock, SETTINGS).answer(Rating.EASY)
    reworded = library(deck("d", [basic("d", "a", front="New wording?"), basic("d", "b")]))
    session = StudySession(store, reworded, Scope.all(), clock, SETTINGS)
    assert session.record(Item("d", "a")).card.state is State.REVIEW
    assert session.counts().new == 1
    removed = library(deck("d", [basic("d", "b")]))
    assert StudySession(store, removed, Scope.all(), clock, SETTINGS).counts().new == 1
    assert Item("d", "a") in store.records()
    assert next_due(store, removed, clock, SETTINGS) is None
    assert next_due(store, reworded, clock, SETTINGS) == store.get(Item("d", "a")).card.due


# Scopes


def test_scopes_select_decks_trees_tags_and_given_items():
    lib = library(
        deck("omt", [basic("omt", "x", ("Anatomy::Spine",))], title="OMT"),
        deck("cranial", [basic("cranial", "x", ("anatomy",))], title="Cranial", parent="OMT"),
        deck("cv", [basic("cv", "x", ("anatomyx",))], title="CV4", parent="OMT::Cranial"),
        deck("lumbar", [reverse("lumbar", "x")], title="Lumbar", parent="omt"),
        deck("other", [basic("other", "x")], title="Other"),
    )

    def decks_of(scope):
        return [item.deck_id for item in select_items(lib, scope)]

    assert decks_of(Scope.all()) == ["omt", "cranial", "cv", "lumbar", "lumbar", "other"]
    assert decks_of(Scope.deck("cranial")) == ["cranial"]
    assert decks_of(Scope.tree("OMT")) == ["omt", "cranial", "cv", "lumbar", "lumbar"]
    assert decks_of(Scope.tree("omt")) == decks_of(Scope.tree("OMT"))
    assert decks_of(Scope.tree("OMT::Cranial")) == ["cranial", "cv"]
    assert decks_of(Scope.tag("anatomy")) == ["omt", "cranial"]
    chosen = [Item("other", "x"), Item("omt", "x"), Item("gone", "x"), Item("lumbar", "x", 5)]
    assert select_items(lib, Scope.of_items(chosen)) == chosen[:2]
    for scope in (Scope.all(), Scope.deck("d"), Scope.tree("A::B"), Scope.tag("t")):
        assert Scope.parse(str(scope)) == scope
    with pytest.raises(ValueError):
        Scope.parse("deck")
    with pytest.raises(ValueError):
        Scope("planet", "x")


def test_a_tag_scope_draws_on_the_deck_allowances(store, clock):
    lib = library(deck("d", [basic("d", f"n{i}", ("t",) if i % 2 else ()) for i in range(8)]))
    settings = SETTINGS.with_global(new_per_day=2)
    session = StudySession(store, lib, Scope.tag("t"), clock, settings)
    assert study(session) == keys("n1/0", "n3/0")
    assert deck_counts(store, lib, clock, settings)["d"].new == 0


# The day boundary


@pytest.mark.parametrize(("zone", "last_minute_of_day", "first_minute_of_next"), [
    # 2025-03-10 is the first Monday of US daylight time: 4 am EDT is 08:00 UTC.
    ("America/New_York", datetime(2025, 3, 10, 7, 59, tzinfo=timezone.utc),
     datetime(2025, 3, 10, 8, 0, tzinfo=timezone.utc)),
    ("Asia/Tokyo", datetime(2025, 3, 9, 18, 59, tzinfo=timezone.utc),
     datetime(2025, 3, 9, 19, 0, tzinfo=timezone.utc)),
])
def test_the_study_day_turns_at_four_am_local(zone, last_minute_of_day, first_minute_of_next):
    tz = ZoneInfo(zone)
    assert study_day(last_minute_of_day, 4, tz) == date(2025, 3, 9)
    assert study_day(first_minute_of_next, 4, tz) == date(2025, 3, 10)
    start, end = day_bounds(first_minute_of_next, 4, tz)
    assert start == first_minute_of_next
    assert end - start == timedelta(days=1)
    assert day_bounds(last_minute_of_day, 4, tz)[1] == first_minute_of_next


def test_a_day_with_a_clock_change_is_23_hours_long():
    tz = ZoneInfo("America/New_York")
    # Clocks went forward at 2 am on 9 March 2025: the study day of the 8th lost an hour.
    start, end = day_bounds(datetime(2025, 3, 8, 15, tzinfo=timezone.utc), 4, tz)
    assert (start, end - start) == (datetime(2025, 3, 8, 9, tzinfo=timezone.utc),
                                    timedelta(hours=23))
    assert study_day(datetime(2025, 3, 9, 15, tzinfo=timezone.utc), 0, tz) == date(2025, 3, 9)
    with pytest.raises(ValueError):
        study_day(T0, 24, tz)


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_daily_limits_reset_at_four_am_in_the_students_zone(store, zone):
    tz = ZoneInfo(zone)
    late = datetime(2025, 3, 10, 23, 30, tzinfo=tz)
    clock = FixedClock(late)
    lib = library(deck("d", [basic("d", f"n{i}") for i in range(3)]))
    settings = SETTINGS.with_global(timezone=zone, new_per_day=1)
    session = StudySession(store, lib, Scope.all(), clock, settings)
    session.answer(Rating.EASY)
    clock.set(datetime(2025, 3, 11, 3, 59, tzinfo=tz))
    assert session.counts().new == 0  # 03:59 still belongs to the 10th
    clock.set(datetime(2025, 3, 11, 4, 0, tzinfo=tz))
    assert session.counts().new == 1
    assert reviewed_today(store, clock, settings) == 0


def test_fixed_clock_only_moves_forward_and_needs_aware_times():
    clock = FixedClock(T0)
    assert clock.advance(minutes=5) == T0 + timedelta(minutes=5)
    with pytest.raises(ValueError):
        clock.advance(minutes=-1)
    with pytest.raises(ValueError):
        FixedClock(datetime(2025, 1, 1))


# Quizzes and exams


@pytest.mark.parametrize(("correct", "ms", "mode", "rating"), [
    (False, 1000, "mcq", Rating.AGAIN), (True, 15000, "mcq", Rating.GOOD),
    (True, 15001, "mcq", Rating.HARD), (True, 20000, "typed", Rating.GOOD),
    (True, 20001, "typed", Rating.HARD), (True, 16000, "exam", Rating.HARD),
    (True, None, "typed", Rating.GOOD), (False, None, "exam", Rating.AGAIN),
])
def test_quiz_answers_become_ratings(correct, ms, mode, rating):
    assert quiz_rating(correct, ms, mode) is rating


def test_quiz_answers_reschedule_only_new_and_due_items(store, clock):
    due, early, new, off = (Item("d", n) for n in ("due", "early", "new", "off"))
    seed(store, "d", due=reviewing(T0 + timedelta(hours=3)),
         early=reviewing(T0 + timedelta(days=5)))
    store.put(ItemRecord(off, reviewing(T0 - timedelta(days=1)), suspended=True))
    entry = record_quiz_answer(store, due, True, 3000, "mcq", clock, SETTINGS)
    assert entry.rescheduled and entry.rating is Rating.GOOD and entry.mode == "mcq"
    assert store.get(due).card.due > T0 + timedelta(days=1)
    before = store.get(early)
    entry = record_quiz_answer(store, early, False, 3000, "typed", clock, SETTINGS)
    assert not entry.rescheduled and entry.rating is Rating.AGAIN
    assert store.get(early) == before
    # A new card stays new after a quiz answer (the log keeps the answer), unless the student
    # chose in Preferences that quizzes and exams introduce new cards.
    assert not record_quiz_answer(store, new, True, 30000, "typed", clock, SETTINGS).rescheduled
    assert store.get(new).card.state is State.NEW
    store.set_value(QUIZ_INTRODUCES_NEW, True)
    assert record_quiz_answer(store, new, True, 30000, "typed", clock, SETTINGS).rescheduled
    assert store.get(new).card.state is State.LEARNING
    assert not record_quiz_answer(store, off, True, 1000, "mcq", clock, SETTINGS).rescheduled
    with pytest.raises(ValueError, match="quiz mode"):
        record_quiz_answer(store, new, True, 1000, "review", clock, SETTINGS)
    assert [e.mode for e in store.entries()] == ["mcq", "typed", "typed", "typed", "mcq"]


def test_i_was_right_replaces_the_graded_answer_with_good_and_marks_it(store, clock):
    item = Item("d", "due")
    seed(store, "d", due=reviewing(T0 + timedelta(hours=3)))
    before = store.get(item)
    graded = record_quiz_answer(store, item, False, 3000, "typed", clock, SETTINGS)
    assert graded.rating is Rating.AGAIN and not graded.overridden
    fixed = override_quiz_answer(store, graded, True, clock, SETTINGS)
    assert fixed.rating is Rating.GOOD and fixed.overridden and fixed.mode == "typed"
    (only,) = store.entries()
    assert only.id == fixed.id and only.overridden and only.before == before
    # Counted as Good from the state before the graded answer, not after its Again.
    assert store.get(item).card.due > T0 + timedelta(days=1)
    wrong = override_quiz_answer(store, fixed, False, clock, SETTINGS)
    assert wrong.rating is Rating.AGAIN and [e.rating for e in store.entries()] == [Rating.AGAIN]
    later = record_quiz_answer(store, Item("d", "other"), True, 1000, "typed", clock, SETTINGS)
    with pytest.raises(NotTheLastAnswer):
        override_quiz_answer(store, wrong, True, clock, SETTINGS)
    assert store.last_entry().id == later.id


def test_exams_are_stored_with_their_score(store, clock):
    exam = record_exam(store, scope=Scope.tree("OMT"), started_at=T0,
                       finished_at=T0 + timedelta(minutes=18), total=20, correct=17,
                       time_limit_s=1200, detail={"missed": ["d/a/0"]})
    assert store.exams() == [exam]
    assert exam.scope == "tree:OMT" and exam.score == pytest.approx(0.85)
    with pytest.raises(ValueError):
        record_exam(store, scope="all", started_at=T0, finished_at=T0, total=3, correct=4)


def test_going_over_missed_questions_does_not_inflate_intervals(store, clock):
    lib = library(deck("d", [basic("d", "known"), basic("d", "fresh"), basic("d", "else")]))
    known, fresh = Item("d", "known"), Item("d", "fresh")
    seed(store, "d", known=reviewing(T0 + timedelta(days=10)))
    before = store.get(known)
    session = StudySession(store, lib, Scope.of_items([known, fresh]), clock, SETTINGS,
                           include_not_due=True)
    assert session.counts() == Counts(new=1, learning=0, due=1)
    assert study(session) == ["d/fresh/0", "d/known/0"]
    assert store.get(known) == before
    assert [e.rescheduled for e in store.entries()] == [True, False]
    session.undo()
    assert session.current() == known


# A whole day, then `omtquiz stats --json`


DECK_YAML = """\
deck: e2e-anatomy
title: End to end
cards:
{cards}
"""


@pytest.mark.slow
def test_a_day_of_study_is_reported_by_stats_json(tmp_path):
    """Two study days through the public API, then the CLI in a subprocess reports them.

    `stats` runs on the real clock, so the store's day starts twelve hours away from now: the
    simulated study (a few hours from now) and the CLI then share one study day.
    """
    real_now = datetime.now(timezone.utc).replace(microsecond=0)
    settings = Settings().with_global(fuzz=False, timezone="UTC",
                                      day_start_hour=(real_now.hour + 12) % 24,
                                      new_per_day=12)
    card_ids = [f"c{i:02d}" for i in range(20)]
    decks_dir, data_dir = tmp_path / "decks", tmp_path / "data"
    decks_dir.mkdir()
    (decks_dir / "e2e.yaml").write_text(DECK_YAML.format(cards="\n".join(
        f"  - {{id: {cid}, type: basic, front: 'Q {cid}', back: 'A {cid}'}}"
        for cid in card_ids)), encoding="utf-8")
    lib = library(Deck("e2e-anatomy", "End to end", "e2e.yaml",
                       tuple(Card("e2e-anatomy", cid, "basic", front=f"Q {cid}",
                                  back=f"A {cid}") for cid in card_ids)))

    clock = FixedClock(real_now - timedelta(days=3))
    with Store.open(data_dir / "progress.sqlite3", clock=clock,
                    backup_dir=data_dir / "backups") as store:
        store.save_settings(settings)
        first_day = StudySession(store, lib, Scope.deck("e2e-anatomy"), clock)
        while first_day.current() is not None:  # twelve new cards, Good until they graduate
            first_day.answer(Rating.GOOD, 5000)
            clock.advance(minutes=1)

        clock.set(real_now)
        today = StudySession(store, lib, Scope.deck("e2e-anatomy"), clock)
        assert today.counts() == Counts(new=8, learning=0, due=12)
        ratings = [Rating.AGAIN, Rating.GOOD, Rating.GOOD, Rating.HARD]
        answered = reviews = 0
        while today.current() is not None:
            rating = Rating.GOOD
            if today.record(today.current()).card.state is State.REVIEW:
                rating = ratings[reviews % 4]
                reviews += 1
            today.answer(rating, 6000)
            answered += 1
            clock.advance(minutes=2)
        quiz_item = Item("e2e-anatomy", "c00")
        record_quiz_answer(store, quiz_item, True, 4000, "mcq", clock)
        answered += 1
        in_learning = sum(r.card.is_learning for r in store.records().values())
        new_left = sum(1 for item in lib.decks[0].items() if store.get(item).card.is_new)

    result = run_cli("stats", "--json", "--data-dir", str(data_dir), "--decks", str(decks_dir))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    row = next(d for d in report["decks"] if d["deck_id"] == "e2e-anatomy")
    assert row["total"] == 20
    assert row["new"] == new_left == 0
    assert row["learning"] == in_learning
    assert row["reviewed_today"] == answered
    # Review-mode answers on graduated cards: three in four not Again.
    assert row["retention_answers"] == 12
    assert row["retention_30d"] == pytest.approx(9 / 12)

    table = run_cli("stats", "--data-dir", str(data_dir), "--decks", str(decks_dir))
    assert table.returncode == 0 and "End to end" in table.stdout


def test_a_due_only_session_hands_out_no_new_card_whatever_a_decks_limit(store, clock):
    from omtquiz.study.session import due_only

    lib = library(deck("d", [basic("d", "a"), basic("d", "b")]), deck("e", [basic("e", "c")]))
    settings = SETTINGS.with_deck("d", new_per_day=50)
    store.put(ItemRecord(Item("e", "c"), reviewing(T0 - timedelta(hours=1))))
    only_due = due_only(settings, lib)
    assert only_due.for_deck("d").new_per_day == 0 == only_due.global_settings.new_per_day
    assert only_due.for_deck("d").learning_steps == settings.for_deck("d").learning_steps
    session = StudySession(store, lib, Scope.all(), clock, only_due)
    assert session.counts() == Counts(new=0, learning=0, due=1)
    assert session.current() == Item("e", "c")
    session.answer(Rating.GOOD)
    assert session.current() is None
