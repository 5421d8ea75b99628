"""The study queue is kept up to date answer by answer, and copied between sessions, for speed.
Speed must never change behaviour: after every step of long random runs (answers, undo, bury,
suspend, flags, resets, quiz answers from elsewhere, time passing, days turning), the session
agrees with a session built from scratch, and both agree with the plain rebuild-everything
algorithm the queue always followed (kept below as the reference).

Scopes of whole decks take the windowed queue (`_WindowQueue`: lists read from the store a
window at a time, lengths counted in SQL); the runs use windows of two rows as well as the
usual size, so every list is read in many windows and every card moves across their bounds."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import pytest

from omtquiz.clock import FixedClock, day_bounds
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState, Rating, Settings, State
from omtquiz.study import queue as queue_module
from omtquiz.study.queue import LEARN_AHEAD, Counts, _WindowQueue, deck_counts
from omtquiz.study.recording import record_quiz_answer
from omtquiz.study.scope import Scope
from omtquiz.study.session import StudySession, next_due

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)
SETTINGS = (Settings().with_global(fuzz=False, timezone="UTC", new_per_day=12,
                                   reviews_per_day=25)
            .with_deck("b", new_per_day=4, reviews_per_day=8))


TIGHT = SETTINGS.with_global(reviews_per_day=6).with_deck("b", reviews_per_day=2)


# The reference: the whole queue worked out again from every record, as it was before the
# queue was kept incrementally.


def reference(store: Store, library: Library, scope: Scope, settings: Settings, now: datetime,
              include_not_due: bool = False, extra_done: frozenset[Item] = frozenset(),
              ) -> tuple[Counts, Item | None, datetime | None]:
    """(counts, the item to show now, the next learning due today) for a fresh session."""
    glob = settings.global_settings
    start, end = day_bounds(now, glob.day_start_hour, glob.tzinfo)
    new_done, reviews_done = Counter(), Counter()
    shown = defaultdict(set)
    for row in store.summaries(since=start, until=end):
        if row.rescheduled and row.state_before is State.NEW:
            new_done[row.item.deck_id] += 1
        elif row.rescheduled and row.state_before is State.REVIEW:
            reviews_done[row.item.deck_id] += 1
        shown[(row.item.deck_id, row.item.card_id)].add(row.item.ord)

    def sibling_shown(item: Item) -> bool:
        return bool(shown.get((item.deck_id, item.card_id), set()) - {item.ord})

    items = scope.items(library)
    records = store.records()
    learning, due_reviews, new_items = [], [], []
    for item in items:
        record = records.get(item)
        if record is None:
            new_items.append(item)
            continue
        if record.suspended or record.is_buried(now):
            continue
        card = record.card
        if card.is_new:
            new_items.append(item)
        elif card.is_learning:
            learning.append((card.due or now, item))
        elif card.due is None or card.due < end:
            due_reviews.append((card.due or now, item))
    learning.sort()
    due_reviews.sort()
    taken, reviews, new = set(), [], []
    left = {}
    for _, item in due_reviews:
        deck = item.deck_id
        left.setdefault(deck, settings.for_deck(deck).reviews_per_day - reviews_done[deck])
        if left[deck] <= 0 or (deck, item.card_id) in taken or sibling_shown(item):
            continue
        reviews.append(item)
        left[deck] -= 1
        taken.add((deck, item.card_id))
    left = {}
    for item in new_items:
        deck = item.deck_id
        left.setdefault(deck, settings.for_deck(deck).new_per_day - new_done[deck])
        if left[deck] <= 0 or (deck, item.card_id) in taken or sibling_shown(item):
            continue
        new.append(item)
        left[deck] -= 1
        taken.add((deck, item.card_id))
    deck_ids = {item.deck_id for item in items}
    if len(deck_ids) > 1:  # a session over several decks keeps to the global limits in all
        reviews = reviews[:max(0, glob.reviews_per_day - sum(reviews_done[d] for d in deck_ids))]
        new = new[:max(0, glob.new_per_day - sum(new_done[d] for d in deck_ids))]
    extra = []
    if include_not_due:
        queued = {*reviews, *new, *(item for _, item in learning)}
        extra = [item for item in items if item not in queued and item not in extra_done
                 and not (records.get(item) or ItemRecord(item)).suspended]
    counts = Counts(new=len(new), learning=sum(due < end for due, _ in learning),
                    due=len(reviews) + len(extra))
    nxt = None
    if learning and learning[0][0] <= now:
        nxt = learning[0][1]
    elif reviews or new:
        nxt = (reviews or new)[0]
    elif learning and learning[0][0] <= now + LEARN_AHEAD:
        nxt = learning[0][1]
    elif extra:
        nxt = extra[0]
    upcoming = [due for due, _ in learning if due < end]
    return counts, nxt, min(upcoming) if upcoming else None


def reference_deck_counts(store, library, settings, now):
    return {deck.id: reference(store, Library((DeckFile(deck.path, deck),)), Scope.all(),
                               settings, now)[0]
            for deck in library.decks}


# A library with single cards, both directions of reverse cards and multi-deletion clozes, in
# three decks (c under b).


def make_library(rng: random.Random, cards_per_deck: int) -> Library:
    decks = []
    for deck_id in ("a", "b", "c"):
        cards = []
        for n in range(cards_per_deck):
            card_id = f"{deck_id}{n}"
            tags = ("t",) if rng.random() < 0.3 else ()
            kind = rng.choice(["basic", "basic", "reverse", "cloze"])
            if kind == "basic":
                cards.append(Card(deck_id, card_id, "basic", front="q", back="a", tags=tags))
            elif kind == "reverse":
                cards.append(Card(deck_id, card_id, "reverse", front="q", back="a", tags=tags))
            else:
                text = " ".join(f"{{{{c{k}::w{k}}}}}" for k in range(1, rng.randint(2, 4)))
                cards.append(Card(deck_id, card_id, "cloze", text=text, tags=tags))
        decks.append(Deck(deck_id, deck_id, f"{deck_id}.yaml", tuple(cards),
                          parent="b" if deck_id == "c" else None))
    return Library(tuple(DeckFile(d.path, d) for d in decks))


def random_record(rng: random.Random, item: Item, now: datetime) -> ItemRecord | None:
    """Anything from never answered to overdue, learning, relearning, suspended or buried."""
    roll = rng.random()
    minutes = timedelta(minutes=rng.randint(-3000, 3000))
    if roll < 0.3:
        return None
    if roll < 0.4:
        card = CardState(reps=2, lapses=1)
    elif roll < 0.55:  # mostly due within the hour, some not before another day
        due = now + (minutes if rng.random() < 0.3 else minutes / 40)
        card = CardState(rng.choice([State.LEARNING, State.RELEARNING]), 0, 2.0, 5.0, due,
                         now - timedelta(minutes=5), 1, 0)
    else:
        card = CardState(State.REVIEW, None, 6.0, 5.0, now + minutes, now - timedelta(days=3),
                         3, rng.choice([0, 0, 7]))
    buried = None
    if rng.random() < 0.1:
        buried = now + timedelta(minutes=rng.randint(-60, 900))
    return ItemRecord(item, card, suspended=rng.random() < 0.07, buried_until=buried,
                      flag=rng.choice([0, 0, 3]))


def seed_store(store: Store, library: Library, rng: random.Random, now: datetime) -> None:
    everything = [item for deck in library.decks for item in deck.items()]
    with store.batch():
        for item in everything:
            record = random_record(rng, item, now)
            if record is not None:
                store.put(record)
    earlier = FixedClock(now - timedelta(minutes=30))
    for item in rng.sample(everything, 12):  # some of today's log is already written
        record_quiz_answer(store, item, rng.random() < 0.6, 3000, "mcq", earlier, SETTINGS)
    # Cards with two items shown today and then made new again: each item waits for its
    # sibling even though it was shown itself.
    several = [card.items() for deck in library.decks for card in deck.cards
               if len(card.ords()) > 1]
    for items in rng.sample(several, 3):
        for item in items[:2]:
            record_quiz_answer(store, item, True, 3000, "mcq", earlier, SETTINGS)
            store.put(ItemRecord(item))


def fresh(session: StudySession) -> StudySession:
    """The same session built from scratch: a library equal to the session's but not the same
    object, so nothing remembered from earlier sessions is reused."""
    other = StudySession(session.store, Library(session.library.files), session.scope,
                         session.clock, session.settings,
                         include_not_due=session.include_not_due)
    other._extra_done = set(session._extra_done)
    return other


def assert_agrees(session: StudySession, where: str) -> None:
    now = session.clock.now()
    rebuilt = fresh(session)
    done = frozenset(Item(*key) for key in session._extra_done)
    counts, nxt, due = reference(session.store, session.library, session.scope,
                                 session.settings, now, session.include_not_due, done)
    assert session.counts() == rebuilt.counts() == counts, where
    session._roll_day(now)
    assert session._pick(now) == rebuilt.current() == nxt, where
    assert session.next_due() == rebuilt.next_due() == due, where


SCOPES = [Scope.all(), Scope.deck("b"), Scope.tag("t"), Scope.tree("b")]


@pytest.fixture(params=[256, 2], ids=["window-256", "window-2"])
def window(request, monkeypatch):
    monkeypatch.setattr(queue_module, "_WINDOW", request.param)
    return request.param


@pytest.mark.parametrize("seed", range(8))
def test_random_study_agrees_with_a_rebuild_after_every_step(tmp_path, seed, window):
    rng = random.Random(seed)
    # Half the runs with review limits below the reviews due, where a card's new item waits
    # only while its review is within the limit.
    settings = TIGHT if seed < 4 else SETTINGS
    clock = FixedClock(T0)
    library = make_library(rng, cards_per_deck=45)
    everything = [item for deck in library.decks for item in deck.items()]
    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as store:
        seed_store(store, library, rng, T0)
        scope = SCOPES[seed % len(SCOPES)]
        include_not_due = seed in (3, 7)  # a tree, then a list of items
        if seed == 7:
            scope = Scope.of_items(rng.sample(everything, 40))
        session = StudySession(store, library, scope, clock, settings,
                               include_not_due=include_not_due)
        assert isinstance(session._queue, _WindowQueue) == (
            scope.kind in ("all", "deck", "tree") and not include_not_due)
        assert_agrees(session, "start")
        shown = []
        for step in range(160):
            roll = rng.random()
            where = f"step {step}, roll {roll:.3f}"
            if roll < 0.45:
                if session.current() is None:
                    clock.advance(minutes=rng.choice([1, 5, 30]))
                    continue
                shown.append(session.current())
                session.answer(rng.choice(list(Rating)), rng.randint(1000, 30000))
                assert session.current() == fresh(session).current(), where
            elif roll < 0.55:
                session.undo()
            elif roll < 0.6 and session.current() is not None:
                session.bury()
                assert session.current() == fresh(session).current(), where
            elif roll < 0.65:
                item = rng.choice(everything)
                buried = clock.now() + timedelta(minutes=rng.randint(1, 120))
                session._change(item, buried_until=buried)  # a burial ending later today
            elif roll < 0.7:
                session.suspend(rng.choice([session.current() or everything[0], *everything]))
            elif roll < 0.75:
                session.unsuspend(rng.choice(everything))
            elif roll < 0.78:
                session.flag(rng.choice(everything), rng.randint(0, 7))
            elif roll < 0.81:
                session.reset(rng.choice(everything))
            elif roll < 0.85:
                # Written elsewhere: seen after refresh(), or through undo, which rereads,
                # even when this session answered in between without knowing.
                record_quiz_answer(store, rng.choice(everything), rng.random() < 0.5, 2000,
                                   "typed", clock, settings)
                then = rng.choice(["refresh", "undo", "answer and undo"])
                if then == "refresh":
                    session.refresh()
                elif then == "undo" or session.current() is None:
                    session.undo()
                else:
                    session.answer(Rating.GOOD, 2000)
                    session.undo()
            elif roll < 0.9:
                # Another session on the same scope starts from a copy of this one's queue.
                session = StudySession(store, library, session.scope, clock, settings,
                                       include_not_due=include_not_due)
            elif roll < 0.97:
                clock.advance(minutes=rng.choice([1, 3, 10, 25, 90]))
            else:
                clock.advance(hours=rng.choice([6, 14, 24]))  # often into the next study day
            assert_agrees(session, where)
        assert shown, "the run answered nothing"
        assert deck_counts(store, library, clock, settings) == reference_deck_counts(
            store, library, settings, clock.now())


def state_of(queue) -> tuple:
    """Everything a queue holds, as plain values."""
    decks = {deck_id: (list(deck.learning), list(deck.reviews), list(deck.new), dict(deck.both))
             for deck_id, deck in queue.decks.items()}
    today = queue.today
    return (decks, dict(queue.rows), sorted(queue.asleep), queue.at, dict(today.new_done),
            dict(today.reviews_done), {card: dict(ords) for card, ords in today.shown.items()})


def test_a_second_session_starts_from_a_copy_and_a_stale_one_catches_up(tmp_path, window):
    rng = random.Random(99)
    clock = FixedClock(T0)
    library = make_library(rng, cards_per_deck=30)
    tight = SETTINGS.with_global(new_per_day=3, reviews_per_day=3)  # every answer shows
    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as store:
        seed_store(store, library, rng, T0)
        first = StudySession(store, library, Scope.all(), clock, tight)
        for item in rng.sample(first.items, 20):
            first._change(item, buried_until=T0 + timedelta(minutes=rng.randint(5, 60)))
        second = StudySession(store, library, Scope.all(), clock, tight)
        assert second._queue is not first._queue
        assert second._queue.layout is first._queue.layout  # copied, not rebuilt
        clock.advance(minutes=30)  # about half the burials end: both sessions see it
        assert_agrees(second, "a copy, as burials end")
        assert_agrees(first, "the original, as burials end")
        stale_counts, stale_current = first.counts(), first.current()
        untouched = state_of(first._queue)
        while second.current() is not None:
            second.answer(Rating.EASY, 2000)
        assert_agrees(second, "after answers in the copy")
        assert first._queue.token != store.state_token()  # first no longer mirrors the store
        # Until it refreshes, the first session keeps its own view, untouched by the copy.
        assert state_of(first._queue) == untouched
        assert (first.counts(), first.current()) == (stale_counts, stale_current)
        first.answer(Rating.HARD, 2000)
        first.undo()
        assert_agrees(first, "after undo in a stale session")
        first.refresh()
        assert first.counts() == second.counts()
        assert first.current() == second.current()
        first.undo()
        first.answer(Rating.AGAIN, 2000)
        assert_agrees(first, "after the stale session caught up")


def test_counts_and_next_due_for_the_deck_list(tmp_path, window):
    rng = random.Random(7)
    clock = FixedClock(T0)
    library = make_library(rng, cards_per_deck=40)
    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as store:
        seed_store(store, library, rng, T0)
        assert deck_counts(store, library, clock, SETTINGS) == reference_deck_counts(
            store, library, SETTINGS, T0)
        loaded = {item for deck in library.decks for item in deck.items()}
        # A buried item comes due when it wakes, if that is later than its due time.
        wakes = [max(r.card.due, r.buried_until or r.card.due)
                 for item, r in store.records().items()
                 if item in loaded and not r.suspended and not r.card.is_new
                 and r.card.due is not None]
        upcoming = [wake for wake in wakes if wake > T0]
        assert next_due(store, library, clock, SETTINGS) == min(upcoming)


def test_learning_due_after_the_study_day_is_neither_counted_nor_announced(tmp_path):
    clock = FixedClock(T0)
    library = make_library(random.Random(3), cards_per_deck=2)
    first, second = (deck.items()[0] for deck in library.decks[:2])
    tomorrow = day_bounds(T0, 4, timezone.utc)[1] + timedelta(minutes=5)
    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as store:
        for item, due in ((first, tomorrow), (second, T0 + timedelta(hours=2))):
            store.put(ItemRecord(item, CardState(State.LEARNING, 0, 2.0, 5.0, due, T0, 1, 0)))
        session = StudySession(store, library, Scope.all(), clock, SETTINGS)
        assert session.next_due() == T0 + timedelta(hours=2)
        session.suspend(second)
        assert session.counts().learning == 0
        assert session.next_due() is None
        assert_agrees(session, "only tomorrow's learning left")


def test_answers_bury_and_undo_move_the_windowed_queue_without_reading_it_again(
        tmp_path, monkeypatch, window):
    """The session lets the queue read a card's rows before the store changes it, so a change
    costs a few rows, not a new build (which would still be right, only slow)."""
    clock = FixedClock(T0)
    library = make_library(random.Random(11), cards_per_deck=30)
    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as store:
        seed_store(store, library, random.Random(11), T0)
        session = StudySession(store, library, Scope.all(), clock, SETTINGS)
        builds = []
        real = _WindowQueue.build.__func__

        def counting(cls, *args):
            builds.append(args)
            return real(cls, *args)

        monkeypatch.setattr(_WindowQueue, "build", classmethod(counting))
        for step in range(12):
            if session.current() is None:
                break
            session.answer(Rating.GOOD, 2000)
            if step % 4 == 1:
                session.undo()
            elif step % 4 == 2:
                session.bury()
            assert_agrees(session, f"step {step}")
        assert session._queue.special  # the changed cards are held here
        # Only the fresh sessions `assert_agrees` builds (on an equal library, not the same).
        assert builds and all(args[1] is not library for args in builds)


def test_a_session_goes_on_right_after_another_library_was_registered(tmp_path, window):
    """A deck edited and reloaded while a session on the old library is open: the new library's
    registration moves the store's token on, so the old session reads itself again rather than
    trust rows read through the new registry (where its current card is gone)."""
    clock = FixedClock(T0)
    cards = tuple(Card("a", f"a{n}", "basic", front="q", back="a") for n in range(5))
    library = Library((DeckFile("a.yaml", Deck("a", "A", "a.yaml", cards)),))
    edited = Library((DeckFile("a.yaml", Deck("a", "A", "a.yaml", cards[1:])),))
    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as store:
        session = StudySession(store, library, Scope.deck("a"), clock, SETTINGS)
        assert session.current() == Item("a", "a0")
        assert deck_counts(store, edited, clock, SETTINGS)["a"] == Counts(new=4)
        session.answer(Rating.GOOD, 2000)  # a0, which the registry no longer holds
        assert_agrees(session, "after the answer")
        session.undo()
        assert_agrees(session, "after undo")
