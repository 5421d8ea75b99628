"""Custom study on a real SQLite store with a fixed clock: each option, today's extensions
surviving a restart and lapsing the next day, and every card a session did not study left
exactly as it was."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState, Rating, Settings, State, review
from omtquiz.study.custom import (
    CardsWanted,
    CustomKind,
    CustomSession,
    CustomStudy,
    choose,
    extend_limits,
    limit_summary,
)
from omtquiz.study.queue import Counts, deck_counts
from omtquiz.study.scope import Scope
from omtquiz.study.session import SessionError, StudySession

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)  # the study day began at 04:00 UTC
NEXT_DAY = datetime(2025, 3, 4, 4, 0, tzinfo=timezone.utc)
SETTINGS = Settings().with_global(fuzz=False, timezone="UTC", new_per_day=2)


@pytest.fixture
def clock():
    return FixedClock(T0)


def basic(deck_id: str, card_id: str, *tags: str) -> Card:
    return Card(deck_id, card_id, "basic", front=f"{card_id}?", back="!", tags=tags)


def make_library(*decks: tuple[str, list[Card]]) -> Library:
    return Library(tuple(DeckFile(f"{d}.yaml", Deck(d, d.title(), f"{d}.yaml", tuple(cards)))
                         for d, cards in decks))


def reviewing(due: datetime) -> CardState:
    return CardState(State.REVIEW, None, 6.0, 5.0, due, due - timedelta(days=6), 3, 0)


def put(store: Store, deck_id: str, card_id: str, state: CardState, **extra) -> Item:
    item = Item(deck_id, card_id)
    store.put(ItemRecord(item, state, **extra))
    return item


@pytest.fixture
def lib():
    """Deck a: three new cards (n0 tagged spine), reviews due today, in 2 and in 10 days;
    deck b: five new cards, n1 tagged spine::lumbar."""
    return make_library(
        ("a", [basic("a", "n0", "spine"), basic("a", "n1"), basic("a", "n2"),
               basic("a", "today"), basic("a", "soon", "spine"), basic("a", "later"),
               basic("a", "lapsed"), basic("a", "hidden")]),
        ("b", [basic("b", f"n{i}", *(("spine::lumbar",) if i == 1 else ())) for i in range(5)]))


@pytest.fixture
def seeded(store, lib, clock):
    store.save_settings(SETTINGS)
    put(store, "a", "today", reviewing(T0 - timedelta(hours=2)))
    put(store, "a", "soon", reviewing(NEXT_DAY + timedelta(days=1, hours=3)))
    put(store, "a", "later", reviewing(NEXT_DAY + timedelta(days=10)))
    put(store, "a", "hidden", reviewing(NEXT_DAY + timedelta(hours=5)), suspended=True)
    lapsed = put(store, "a", "lapsed", reviewing(T0 - timedelta(days=3)))
    # Forgotten two days ago (rated Again), now relearnt and due next week.
    clock.set(T0 - timedelta(days=2))
    StudySession(store, lib, Scope.deck("a"), clock).record(lapsed)
    before = store.get(lapsed)
    after = ItemRecord(lapsed, reviewing(T0 + timedelta(days=7)))
    store.record_answer(before, after, rating=Rating.AGAIN, reviewed_at=clock.now(),
                        duration_ms=3000, mode="review")
    clock.set(T0)
    return store


def keys(items) -> list[str]:
    return [item.key for item in items]


def study_all(session, rating=Rating.GOOD, limit=100) -> list[str]:
    shown = []
    while (item := session.current()) is not None and len(shown) < limit:
        shown.append(item.key)
        session.answer(rating, 2000)
    return shown


# More new cards (and reviews) today


def test_more_new_cards_today_for_a_deck_survives_a_restart_and_lapses_tomorrow(
        seeded, lib, clock, tmp_path):
    assert deck_counts(seeded, lib, clock)["a"].new == 2
    assert limit_summary(seeded, lib, Scope.deck("a"), clock).new_more == 1
    changes = extend_limits(seeded, lib, Scope.deck("a"), new=5, clock=clock)
    assert changes.settings and not changes.items
    assert deck_counts(seeded, lib, clock)["a"].new == 3  # all three; b keeps its two
    assert deck_counts(seeded, lib, clock)["b"].new == 2
    assert seeded.settings() == SETTINGS  # the saved limit itself is untouched
    seeded.close()
    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as reopened:  # a restart
        session = StudySession(reopened, lib, Scope.deck("a"), clock)
        assert session.counts().new == 3
        assert [k for k in study_all(session, Rating.EASY) if "/n" in k] == [
            "a/n0/0", "a/n1/0", "a/n2/0"]
        clock.set(NEXT_DAY + timedelta(minutes=1))
        assert deck_counts(reopened, lib, clock)["b"].new == 2
        assert reopened.limit_extensions("2025-03-04") == ({}, {})


def test_more_new_cards_for_several_decks_raises_their_one_total(seeded, lib, clock):
    assert StudySession(seeded, lib, Scope.all(), clock).counts().new == 2
    extend_limits(seeded, lib, Scope.all(), new=4, clock=clock)
    assert StudySession(seeded, lib, Scope.all(), clock).counts().new == 6
    extend_limits(seeded, lib, Scope.all(), new=1, clock=clock)  # extensions add up
    assert StudySession(seeded, lib, Scope.all(), clock).counts().new == 7


def test_more_reviews_today(seeded, lib, clock):
    seeded.save_settings(SETTINGS.with_global(reviews_per_day=0))
    assert StudySession(seeded, lib, Scope.deck("a"), clock).counts().due == 0
    assert limit_summary(seeded, lib, Scope.deck("a"), clock).due_more == 1
    extend_limits(seeded, lib, Scope.deck("a"), reviews=3, clock=clock)
    assert StudySession(seeded, lib, Scope.deck("a"), clock).counts().due == 1
    with pytest.raises(ValueError):
        extend_limits(seeded, lib, Scope.deck("a"), reviews=-1, clock=clock)


# Sessions of chosen cards


def test_review_ahead_takes_reviews_due_within_the_days_soonest_first(seeded, lib, clock):
    spec = CustomStudy(CustomKind.AHEAD, Scope.all(), amount=3)
    assert keys(choose(seeded, lib, spec, clock)) == ["a/soon/0"]
    spec = CustomStudy(CustomKind.AHEAD, Scope.all(), amount=12)
    assert keys(choose(seeded, lib, spec, clock)) == ["a/soon/0", "a/lapsed/0", "a/later/0"]


def test_review_ahead_answers_with_the_real_elapsed_time(seeded, lib, clock):
    session = CustomSession.start(seeded, lib, CustomStudy(CustomKind.AHEAD, amount=3), clock)
    item = session.current()
    assert item == Item("a", "soon") and session.counts() == Counts(0, 0, 1)
    before = seeded.get(item).card
    expected, _ = review(before, Rating.GOOD, T0, SETTINGS.global_settings)
    entry = session.answer(Rating.GOOD, 2500)
    assert entry.rescheduled and seeded.get(item).card == expected
    assert expected.last_review == T0 and expected.due != before.due
    assert session.current() is None and session.studied == 1
    assert "1 card studied" in session.finished_text()


def test_forgotten_cards_are_those_rated_again_in_the_last_days(seeded, lib, clock):
    one_day = CustomStudy(CustomKind.FORGOTTEN, amount=1)
    three_days = CustomStudy(CustomKind.FORGOTTEN, amount=3)
    assert choose(seeded, lib, one_day, clock) == []
    assert keys(choose(seeded, lib, three_days, clock)) == ["a/lapsed/0"]
    session = CustomSession.start(seeded, lib, three_days, clock)
    session.answer(Rating.AGAIN)  # into relearning: it comes back in this session
    assert session.counts() == Counts(0, 1, 0)
    clock.advance(minutes=11)
    assert session.current() == Item("a", "lapsed")
    session.answer(Rating.GOOD)
    assert session.current() is None and seeded.get(Item("a", "lapsed")).card.is_learning is False


def test_preview_shows_the_next_new_cards_without_scheduling_them(seeded, lib, clock):
    spec = CustomStudy(CustomKind.PREVIEW, Scope.all(), amount=4)
    session = CustomSession.start(seeded, lib, spec, clock)
    assert session.counts() == Counts(4, 0, 0) and session.intervals() == {}
    shown = [session.current().key]
    session.answer(Rating.AGAIN)  # shown once more at the end
    shown += study_all(session)
    assert shown == ["a/n0/0", "a/n1/0", "a/n2/0", "b/n0/0", "a/n0/0"]
    for deck_id, card_id in (("a", "n0"), ("a", "n1"), ("a", "n2"), ("b", "n0")):
        assert seeded.get(Item(deck_id, card_id)).card == CardState()  # new, not scheduled
    assert "Nothing was rescheduled" in session.finished_text()
    assert StudySession(seeded, lib, Scope.deck("b"), clock).counts().new == 2  # limit unused


def test_study_by_tag_new_due_or_all_with_a_limit(seeded, lib, clock):
    def chosen(cards, tags=("spine",), limit=100, scope=None):
        return keys(choose(seeded, lib, CustomStudy(CustomKind.BY_TAG, scope or Scope.all(),
                                                    tags=tags,
                                                    cards=cards, limit=limit), clock))

    assert chosen(CardsWanted.NEW) == ["a/n0/0", "b/n1/0"]  # spine and spine::lumbar
    assert chosen(CardsWanted.DUE, tags=()) == ["a/today/0"]
    assert chosen(CardsWanted.ALL) == ["a/n0/0", "a/soon/0", "b/n1/0"]
    assert chosen(CardsWanted.ALL, limit=1) == ["a/n0/0"]
    assert chosen(CardsWanted.ALL, scope=Scope.deck("b")) == ["b/n1/0"]
    assert choose(seeded, lib, CustomStudy(CustomKind.MORE_NEW), clock) == []  # no session
    # New cards by tag are studied past the day's new-card limit, and rescheduled.
    session = CustomSession.start(seeded, lib, CustomStudy(
        CustomKind.BY_TAG, tags=("spine",), cards=CardsWanted.NEW), clock)
    study_all(session, Rating.EASY)
    assert seeded.get(Item("b", "n1")).card.state == State.REVIEW


def test_cramming_all_cards_by_tag_without_rescheduling(seeded, lib, clock):
    spec = CustomStudy(CustomKind.BY_TAG, tags=("spine",), cards=CardsWanted.ALL,
                       reschedule=False)
    before = seeded.get(Item("a", "soon"))
    session = CustomSession.start(seeded, lib, spec, clock)
    assert study_all(session, Rating.HARD) == ["a/n0/0", "a/soon/0", "b/n1/0"]
    assert seeded.get(Item("a", "soon")) == before
    assert len(seeded.entries(Item("a", "soon"))) == 1  # the answer is logged all the same


def test_undo_bury_suspend_and_flag_in_a_custom_session(seeded, lib, clock):
    spec = CustomStudy(CustomKind.AHEAD, amount=12)
    session = CustomSession.start(seeded, lib, spec, clock)
    first = session.current()
    before = seeded.get(first)
    entry = session.answer(Rating.EASY)
    assert session.current() != first
    assert session.undo() == entry and session.current() == first
    assert seeded.get(first) == before and session.studied == 0
    session.flag(None, 2)
    assert session.current() == first and session.flag_of(first) == 2
    assert session.bury() == first and seeded.get(first).buried_until == NEXT_DAY
    second = session.current()
    assert session.suspend() == second and seeded.get(second).suspended
    assert [session.current()] == [Item("a", "later")]
    session.answer(Rating.GOOD)
    assert session.current() is None
    with pytest.raises(SessionError):
        session.answer(Rating.GOOD)


def test_nothing_matching_is_an_empty_session_that_says_so(seeded, lib, clock):
    session = CustomSession.start(seeded, lib, CustomStudy(CustomKind.AHEAD, Scope.deck("b")),
                                  clock)
    assert session.current() is None and session.counts() == Counts()
    assert session.finished_text() == "No card matched this custom study."
    with pytest.raises(ValueError):
        CustomStudy(CustomKind.AHEAD, amount=0)
    with pytest.raises(ValueError):
        CustomSession.start(seeded, lib, CustomStudy(CustomKind.MORE_NEW), clock)


SESSIONS = [
    CustomStudy(CustomKind.AHEAD, amount=12),
    CustomStudy(CustomKind.FORGOTTEN, amount=5),
    CustomStudy(CustomKind.PREVIEW, amount=3),
    CustomStudy(CustomKind.BY_TAG, tags=("spine",), cards=CardsWanted.NEW),
    CustomStudy(CustomKind.BY_TAG, cards=CardsWanted.DUE),
    CustomStudy(CustomKind.BY_TAG, Scope.deck("b"), cards=CardsWanted.ALL),
]


@pytest.mark.parametrize("spec", SESSIONS, ids=lambda spec: f"{spec.kind}-{spec.cards}")
@pytest.mark.parametrize("rating", [Rating.AGAIN, Rating.GOOD])
def test_a_custom_session_changes_no_card_it_did_not_study(seeded, lib, clock, spec, rating):
    """Every card outside the session, stored or never seen, is exactly as it was."""
    everything = [item for deck in lib.decks for card in deck.cards for item in card.items()]
    snapshot = {item: seeded.get(item) for item in everything}
    session = CustomSession.start(seeded, lib, spec, clock)
    studied = set(session.items)
    assert studied, "each session here has cards to study"
    for _ in range(3):  # Again brings cards back: study them through, minutes apart
        study_all(session, rating)
        clock.advance(minutes=25)
        study_all(session, Rating.GOOD)
    assert session.current() is None
    after = {item: seeded.get(item) for item in everything}
    assert {i: r for i, r in after.items() if i not in studied} == {
        i: r for i, r in snapshot.items() if i not in studied}
    logged = {entry.item for entry in seeded.entries(since=T0 - timedelta(minutes=1))}
    assert logged == studied
    if spec.reschedules:
        assert all(after[item] != snapshot[item] for item in studied)


def test_raising_a_limit_changes_no_card(seeded, lib, clock):
    everything = [item for deck in lib.decks for card in deck.cards for item in card.items()]
    snapshot = {item: seeded.get(item) for item in everything}
    extend_limits(seeded, lib, Scope.all(), new=10, reviews=10, clock=clock)
    assert {item: seeded.get(item) for item in everything} == snapshot


def test_a_damaged_extension_costs_only_the_extension(seeded, lib, clock):
    seeded.set_value("limit_extensions", {"day": "2025-03-03", "new": {"a": "lots", "b": True}})
    assert seeded.limit_extensions("2025-03-03") == ({}, {})
    seeded.set_value("limit_extensions", ["not", "a", "dict"])
    assert deck_counts(seeded, lib, clock)["a"].new == 2
    extend_limits(seeded, lib, Scope.deck("a"), new=1, clock=clock)
    assert seeded.limit_extensions("2025-03-03") == ({"a": 1}, {})


def test_the_tag_chooser_lists_the_scopes_tags_by_name_with_counts(lib):
    from omtquiz.study.custom import tags_in

    assert tags_in(lib, Scope.all()) == [("spine", 2), ("spine::lumbar", 1)]
    assert tags_in(lib, Scope.deck("b")) == [("spine::lumbar", 1)]
