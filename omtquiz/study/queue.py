"""Today's study queue for a scope: what is left, and which item comes next.

The queue follows Anki: learning cards due now, then reviews due today, then new cards up to
the daily limit; siblings (the other direction of a reverse card, the other deletions of a
cloze card) wait until the next study day once one of them has been answered. Both the limits
and the siblings are worked out from today's review log rather than stored flags, so an undo
gives back exactly what the answer took.

Daily limits apply per deck, each deck with its own settings (the global settings updated with
the deck's overrides); studying a tag or everything draws on the same per-deck allowances, so
the numbers on the deck list always add up. The study day itself (its start hour and time
zone) comes from the global settings. Custom study may raise a day's limits
(`Store.limit_extensions`, read with the day's log).

A student may have 100,000 items, and every pause between cards is felt, so the queue is not
worked out again for each card: it is built once a study day and then moved along with each
answer, bury, suspend or undo, and a session opened on a store that has not changed since
starts from a copy of the last queue built. A scope of whole decks (everything, a deck, a tree)
is read the way Anki reads it (`_WindowQueue`): each list a window at a time from the store's
indexes, its length counted in SQL, so the first build of the day reads a few hundred rows; a
tag or a list of items reads a few columns of every row (`_Queue`). The tests in
tests/study/test_session_scale.py hold both to exactly what a rebuild from scratch gives.

It is long because the queue engine is one piece: the per-deck lists, the day's log and the
cache of recent queues only make sense together.
"""

from __future__ import annotations

import copy
import heapq
import weakref
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any, NamedTuple

from omtquiz.clock import Clock, SystemClock, day_bounds, study_day
from omtquiz.decks.model import Card, Library
from omtquiz.progress.store import EVERY_DECK, Store
from omtquiz.progress.types import ItemKey, QueueRow, time_key
from omtquiz.scheduling import (
    CardState,
    SchedulerSettings,
    Settings,
    State,
)
from omtquiz.study.scope import Scope

LEARN_AHEAD = timedelta(minutes=20)


class Counts(NamedTuple):
    """What is left today: new cards, learning cards due today, reviews due."""

    new: int = 0
    learning: int = 0
    due: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.due


NO_ROW: QueueRow = (int(State.NEW), None, 0, None)


_NEW_STATE, _REVIEW_STATE = int(State.NEW), int(State.REVIEW)


class Place(IntEnum):
    """Where an item stands in today's queue (`_place_of` says which)."""

    SKIP = 0  # suspended, buried past today, or a review not due today
    NEW = 1
    LEARNING = 2
    REVIEW = 3
    ASLEEP = 4  # buried until later today


# Module-level names for the hot loops: a global lookup, not an enum attribute each time.
_SKIP, _NEW, _LEARNING, _REVIEW, _ASLEEP = Place


def _place_of(row: QueueRow, now: str, end: str) -> Place:
    """Where `row` puts its item at `now` in the study day ending at `end` (`time_key` texts).

    An item buried until later today is asleep: it comes back when its burial ends.
    """
    state, due, suspended, buried = row
    if suspended:
        return _SKIP
    if buried is not None and buried > now:
        return _ASLEEP if buried < end else _SKIP
    if state == _NEW_STATE:
        return _NEW
    if state != _REVIEW_STATE:
        return _LEARNING
    return _REVIEW if due is None or due < end else _SKIP


@dataclass
class _Today:
    """The study day's bounds and what its review log already holds."""

    start: datetime
    end: datetime
    new_done: Counter[str] = field(default_factory=Counter)
    reviews_done: Counter[str] = field(default_factory=Counter)
    # For each card answered today, how many of today's log rows each of its ords has.
    shown: dict[tuple[str, str], Counter[int]] = field(default_factory=dict)
    # Today's extra allowances from custom study ("more new cards today"): per deck id and,
    # under EVERY_DECK, for a session over several decks (`Store.limit_extensions`).
    extra_new: dict[str, int] = field(default_factory=dict)
    extra_reviews: dict[str, int] = field(default_factory=dict)

    def add(self, key: ItemKey, state_before: State, rescheduled: bool, rows: int = 1) -> None:
        """Count `rows` more log rows for the item (fewer with a negative number, for undo)."""
        if rescheduled and state_before == State.NEW:
            self.new_done[key[0]] += rows
        elif rescheduled and state_before == State.REVIEW:
            self.reviews_done[key[0]] += rows
        ords = self.shown.setdefault(key[:2], Counter())
        ords[key[2]] += rows
        if ords[key[2]] <= 0:
            del ords[key[2]]
        if not ords:
            del self.shown[key[:2]]

    def sibling_shown(self, key: ItemKey) -> bool:
        ords = self.shown.get(key[:2])
        return ords is not None and (len(ords) > 1 or key[2] not in ords)

    def copy(self) -> _Today:
        return _Today(self.start, self.end, self.new_done.copy(), self.reviews_done.copy(),
                      {card: ords.copy() for card, ords in self.shown.items()},
                      self.extra_new, self.extra_reviews)


def _load_today(store: Store, settings: Settings, now: datetime) -> _Today:
    glob = settings.global_settings
    start, end = day_bounds(now, glob.day_start_hour, glob.tzinfo)
    today = _Today(start, end)
    day = study_day(now, glob.day_start_hour, glob.tzinfo).isoformat()
    today.extra_new, today.extra_reviews = store.limit_extensions(day)
    for row in store.summaries(since=start, until=end):
        today.add(row.item, row.state_before, row.rescheduled)
    return today


def new_introduced_today(store: Store, settings: Settings, now: datetime) -> Counter[str]:
    """Per deck, the new items introduced this study day: what its new-card limit has used."""
    return _load_today(store, settings, now).new_done


def due_today(card: CardState, day_end: datetime) -> bool:
    """Whether an answer now may reschedule the card: new, learning, or due this study day."""
    return card.is_new or card.is_learning or card.due is None or card.due < day_end


class _Layout:
    """A scope's items in scope order, as keys: where each stands, and which share a card.

    It depends on the library alone, so queues of one scope share it.
    """

    def __init__(self, keys: list[ItemKey], cards: dict[tuple[str, str], tuple[ItemKey, ...]]):
        self.keys = keys
        self.index = {key: at for at, key in enumerate(keys)}
        self.cards = cards  # only the cards with more than one item in the scope
        self.deck_ids = list(dict.fromkeys(key[0] for key in keys))

    @classmethod
    def of_cards(cls, cards: Iterable[Card]) -> _Layout:
        keys: list[ItemKey] = []
        several: dict[tuple[str, str], tuple[ItemKey, ...]] = {}
        for card in cards:
            ords = card.ords()
            if len(ords) == 1:
                keys.append((card.deck_id, card.id, ords[0]))
            elif ords:
                group = tuple((card.deck_id, card.id, ord_) for ord_ in ords)
                keys.extend(group)
                several[group[0][:2]] = group
        return cls(keys, several)

    @classmethod
    def of_scope(cls, scope: Scope, library: Library) -> _Layout:
        if scope.kind != "items":
            return cls.of_cards(scope.cards(library))
        keys: list[ItemKey] = list(scope.items(library))
        groups: defaultdict[tuple[str, str], list[ItemKey]] = defaultdict(list)
        for key in keys:
            groups[key[:2]].append(key)
        return cls(keys, {card: tuple(g) for card, g in groups.items() if len(g) > 1})

    def group(self, key: ItemKey) -> tuple[ItemKey, ...]:
        """The scope's items of the key's card: answering one can hold back the others."""
        return self.cards.get(key[:2]) or (key,)


def _remove(entries: list[Any], entry: Any) -> None:
    at = bisect_left(entries, entry)
    if at == len(entries) or entries[at] != entry:
        raise RuntimeError(f"the study queue lost track of {entry!r}")
    del entries[at]


class _DeckQueue:
    """One deck's share of today's queue, as sorted lists.

    Decks can be kept apart because daily limits are per deck and siblings share a deck.
    `reviews` and `new` hold one entry per card, its first item not held back by a sibling
    shown today; the daily limit then takes a prefix of each, as the queue always did, so
    counts are lengths and the next item is a head. A card with a review and a new item
    (two directions, one not yet learnt) is in `both`: its new item waits only while its
    review is inside the review limit.
    """

    def __init__(self, settings: SchedulerSettings) -> None:
        self.review_limit = settings.reviews_per_day
        self.new_limit = settings.new_per_day
        self.learning: list[tuple[str, ItemKey]] = []  # (due, key) of every learning item
        self.reviews: list[tuple[str, ItemKey]] = []  # (due, key)
        self.new: list[tuple[int, ItemKey]] = []  # (place in the scope, key)
        self.both: dict[tuple[str, str], tuple[str, ItemKey]] = {}  # card: its review entry

    def copy(self) -> _DeckQueue:
        clone = copy.copy(self)
        clone.learning, clone.reviews, clone.new = (
            self.learning.copy(), self.reviews.copy(), self.new.copy())
        clone.both = self.both.copy()
        return clone

    def left(self, today: _Today, deck_id: str) -> tuple[int, int]:
        """Reviews and new items the deck may still show today."""
        return (self.review_limit + today.extra_reviews.get(deck_id, 0)
                - today.reviews_done[deck_id],
                self.new_limit + today.extra_new.get(deck_id, 0) - today.new_done[deck_id])

    def _held(self, card: tuple[str, str], reviews_left: int) -> bool:
        """Whether the card's new item waits because its review is shown today."""
        review = self.both.get(card)
        return review is not None and bisect_left(self.reviews, review) < reviews_left

    def chosen_new(self, reviews_left: int, new_left: int) -> Iterator[tuple[int, ItemKey]]:
        """The new items shown today, in order (a walk that skips at most `len(both)`)."""
        for entry in self.new:
            if new_left <= 0:
                return
            if not self.both or not self._held(entry[1][:2], reviews_left):
                yield entry
                new_left -= 1

    def counts(self, today: _Today, deck_id: str, end: str) -> Counts:
        """What the deck has left today (`end`: the day's end as `time_key` text)."""
        reviews_left, new_left = self.left(today, deck_id)
        held = sum(self._held(card, reviews_left) for card in self.both)
        return Counts(new=max(0, min(new_left, len(self.new) - held)),
                      learning=bisect_left(self.learning, (end,)),
                      due=max(0, min(reviews_left, len(self.reviews))))


class _Queue:
    """Today's queue for one scope, built once a study day and then kept up to date change by
    change, so answering costs a few list operations whatever the size of the collection.

    It holds the queue columns of every item in scope (`rows`) and, per deck, the sorted lists
    of `_DeckQueue`. A change to an item takes its card's entries out, changes the row or
    today's log, and puts the entries back. `at` is the time the lists stand at: burials that
    end later today are kept on a heap and undone as time passes (`advance`). `token` is the
    store's `state_token` the queue mirrors, or None once it may not.
    """

    def __init__(self, store: Store, library: Library, scope: Scope, settings: Settings,
                 layout: _Layout, today: _Today, rows: dict[ItemKey, QueueRow], at: str,
                 token: tuple[int, int] | None) -> None:
        self._store = weakref.ref(store)
        self._library = weakref.ref(library)
        self.scope = scope
        self.settings = settings
        self.layout = layout
        self.today = today
        self.end = time_key(today.end)
        self.rows = rows
        self.at = at
        self.token = token
        self.decks = {deck_id: _DeckQueue(settings.for_deck(deck_id))
                      for deck_id in layout.deck_ids}
        self.asleep: list[tuple[str, ItemKey]] = []  # (buried until, key), a heap

    @classmethod
    def build(cls, store: Store, library: Library, scope: Scope, settings: Settings,
              layout: _Layout, now: datetime) -> _Queue:
        token = store.state_token()
        index, keys = layout.index, layout.keys
        # Keyed by the layout's own key objects, so the rows add no keys of their own.
        rows = {keys[at]: row[3:] for row in store.queue_rows(layout.deck_ids)
                if (at := index.get(row[:3])) is not None}
        queue = cls(store, library, scope, settings, layout, _load_today(store, settings, now),
                    rows, time_key(now), token)
        queue._fill()
        return queue

    def _fill(self) -> None:
        """Place every item at once (appending, then sorting, rather than inserting)."""
        now, end, today, decks = self.at, self.end, self.today, self.decks
        several, rows = self.layout.cards, self.rows
        for at, key in enumerate(self.layout.keys):
            if several and key[:2] in several:
                continue
            row = rows.get(key, NO_ROW)
            kind = _place_of(row, now, end)
            if kind == _SKIP:
                continue
            if kind == _LEARNING:
                decks[key[0]].learning.append((row[1] or "", key))
            elif kind == _ASLEEP:
                self.asleep.append((row[3] or "", key))
            elif today.shown and today.sibling_shown(key):
                continue
            elif kind == _REVIEW:
                decks[key[0]].reviews.append((row[1] or "", key))
            else:
                decks[key[0]].new.append((at, key))
        for group in several.values():
            self._place(group, decks[group[0][0]], insert=False)
        for deck in decks.values():
            deck.learning.sort()
            deck.reviews.sort()
            deck.new.sort()
        heapq.heapify(self.asleep)

    def serves(self, store: Store, library: Library, scope: Scope) -> bool:
        return self._store() is store and self._library() is library and self.scope == scope

    def holds(self, key: ItemKey) -> bool:
        """Whether the item is in the queue's scope."""
        return key in self.layout.index

    def note(self, key: ItemKey) -> None:
        """Called before the store changes the item: this queue holds every row already."""

    def copy(self) -> _Queue:
        clone = copy.copy(self)
        clone.today = self.today.copy()
        clone.rows = self.rows.copy()
        clone.decks = {deck_id: deck.copy() for deck_id, deck in self.decks.items()}
        clone.asleep = self.asleep.copy()
        return clone

    def _entries(self, group: tuple[ItemKey, ...]) -> tuple[
            list[tuple[str, ItemKey]], tuple[str, ItemKey] | None,
            tuple[int, ItemKey] | None, list[tuple[str, ItemKey]]]:
        """A card's entries now: its learning items, its review, its new item, its sleepers.

        A missing due sorts first (fsrs always gives one; only a hand-made row lacks it).
        """
        learning, asleep = [], []
        review: tuple[str, ItemKey] | None = None
        new: tuple[int, ItemKey] | None = None
        for key in group:
            row = self.rows.get(key, NO_ROW)
            kind = _place_of(row, self.at, self.end)
            if kind == _LEARNING:
                learning.append((row[1] or "", key))
            elif kind == _ASLEEP:
                asleep.append((row[3] or "", key))
            elif kind == _SKIP or self.today.sibling_shown(key):
                continue
            elif kind == _REVIEW:
                entry = (row[1] or "", key)
                review = entry if review is None or entry < review else review
            else:
                place = (self._position(key), key)
                new = place if new is None or place < new else new
        return learning, review, new, asleep

    def _position(self, key: ItemKey) -> int:
        """The item's place in the scope, which orders new items."""
        return self.layout.index[key]

    def _place(self, group: tuple[ItemKey, ...], deck: _DeckQueue, insert: bool = True) -> None:
        learning, review, new, asleep = self._entries(group)
        add = insort if insert else list.append
        for entry in learning:
            add(deck.learning, entry)
        if review is not None:
            add(deck.reviews, review)
        if new is not None:
            add(deck.new, new)
        if review is not None and new is not None:
            deck.both[group[0][:2]] = review
        for sleeper in asleep:
            heapq.heappush(self.asleep, sleeper)

    def _lift(self, group: tuple[ItemKey, ...], deck: _DeckQueue) -> None:
        learning, review, new, _ = self._entries(group)  # sleepers are checked as they wake
        for entry in learning:
            _remove(deck.learning, entry)
        if review is not None:
            _remove(deck.reviews, review)
        if new is not None:
            _remove(deck.new, new)
        deck.both.pop(group[0][:2], None)

    def update(self, key: ItemKey, row: QueueRow,
               logged: tuple[State, bool, int] | None = None) -> None:
        """Move an item in scope to where `row` puts it; `logged` is a row of today's log
        (state before, rescheduled, +1 when added or -1 when undone) about it."""
        group, deck = self.layout.group(key), self.decks[key[0]]
        self._lift(group, deck)
        self.rows[key] = row
        if logged is not None:
            self.today.add(key, *logged)
        self._place(group, deck)

    def advance(self, now: datetime) -> None:
        """Bring the lists to `now`: items whose burial has ended come back."""
        now_key = time_key(now)
        if now_key <= self.at:
            return
        woken: dict[tuple[str, str], tuple[ItemKey, ...]] = {}
        while self.asleep and self.asleep[0][0] <= now_key:
            until, key = heapq.heappop(self.asleep)
            # Entries left behind by later changes to the item no longer match its row.
            if until > self.at and self.rows.get(key, NO_ROW)[3] == until:
                woken[key[:2]] = self.layout.group(key)
        for group in woken.values():
            self._lift(group, self.decks[group[0][0]])
        self.at = now_key
        for group in woken.values():
            self._place(group, self.decks[group[0][0]])

    def total_left(self, deck_ids: Iterable[str] | None = None) -> tuple[int, int] | None:
        """Reviews and new items a session over several decks (a parent, a tag, all decks) may
        still show today in all: the global limits less what those decks showed today, as a
        parent deck's limit caps its children in Anki's v3 scheduler. None for one deck, which
        keeps to its own limits alone."""
        ids = list(self.decks if deck_ids is None else deck_ids)
        if len(ids) <= 1:
            return None
        glob, today = self.settings.global_settings, self.today
        return (glob.reviews_per_day + today.extra_reviews.get(EVERY_DECK, 0)
                - sum(today.reviews_done[d] for d in ids),
                glob.new_per_day + today.extra_new.get(EVERY_DECK, 0)
                - sum(today.new_done[d] for d in ids))

    def next_key(self, now: datetime) -> ItemKey | None:
        """Learning items due now, then reviews, then new items, then, rather than stop, a
        learning item due within LEARN_AHEAD (Anki's learn-ahead); None when none is left."""
        learning = review = None
        new: tuple[int, ItemKey] | None = None
        total = self.total_left()
        for deck_id, deck in self.decks.items():
            if deck.learning and (learning is None or deck.learning[0] < learning):
                learning = deck.learning[0]
            reviews_left, new_left = deck.left(self.today, deck_id)
            if reviews_left > 0 and deck.reviews and (review is None or deck.reviews[0] < review):
                review = deck.reviews[0]
            first = next(deck.chosen_new(reviews_left, new_left), None)
            if first is not None and (new is None or first < new):
                new = first
        if learning is not None and learning[0] <= time_key(now):
            return learning[1]
        if review is not None and (total is None or total[0] > 0):
            return review[1]
        if new is not None and (total is None or total[1] > 0):
            return new[1]
        if learning is not None and learning[0] <= time_key(now + LEARN_AHEAD):
            return learning[1]
        return None

    def counts(self) -> Counts:
        new = learning = due = 0
        for deck_id, deck in self.decks.items():
            counts = deck.counts(self.today, deck_id, self.end)
            new, learning, due = new + counts.new, learning + counts.learning, due + counts.due
        return self.capped(Counts(new, learning, due))

    def capped(self, counts: Counts, deck_ids: Iterable[str] | None = None) -> Counts:
        """`counts` summed over several decks, kept to the session's one total (`total_left`)."""
        total = self.total_left(deck_ids)
        if total is None:
            return counts
        return Counts(new=max(0, min(counts.new, total[1])), learning=counts.learning,
                      due=max(0, min(counts.due, total[0])))

    def deck_counts(self, deck_id: str) -> Counts:
        deck = self.decks.get(deck_id)
        return deck.counts(self.today, deck_id, self.end) if deck is not None else Counts()

    def next_due(self) -> str | None:
        """When the first learning item comes due today (`time_key` text), if one does."""
        firsts = [deck.learning[0][0] for deck in self.decks.values() if deck.learning]
        first = min(firsts, default=None)
        return first if first is not None and first < self.end else None

    def queued(self) -> set[ItemKey]:
        """Every item in today's queue (learning items due later too); O(items), so only for
        going over an exam's missed questions."""
        keys: set[ItemKey] = set()
        reviews: list[tuple[str, ItemKey]] = []
        new: list[tuple[int, ItemKey]] = []
        for deck_id, deck in self.decks.items():
            reviews_left, new_left = deck.left(self.today, deck_id)
            keys.update(key for _, key in deck.learning)
            reviews += deck.reviews[:max(reviews_left, 0)]
            new += deck.chosen_new(reviews_left, new_left)
        total = self.total_left()
        if total is not None:  # several decks keep to one total, first come first served
            reviews, new = sorted(reviews)[:max(total[0], 0)], sorted(new)[:max(total[1], 0)]
        keys.update(key for _, key in reviews)
        keys.update(key for _, key in new)
        return keys


_WINDOW = 256  # rows read at a time from each of a deck's lists (tests make it tiny)
_NOTHING: tuple[()] = ()  # a list's bound before its first window: every entry lies past it
_LISTS = ("learning", "reviews", "new")


class _DeckLayout(_Layout):
    """A scope of whole decks (everything, a deck, a tree), known by its decks alone: which
    items it holds and each card's items are asked of the library when needed, and the key
    list (`keys`, `index`) is made only if asked for."""

    def __init__(self, scope: Scope, library: Library) -> None:  # noqa: D107
        self._scope, self._library = scope, library
        decks = scope.decks(library)
        self.deck_ids = [d.id for d in decks if any(card.ords() for card in d.cards)]
        self._decks = {d.id: d for d in decks}
        self.cards = {}
        self._full: _Layout | None = None

    def _whole(self) -> _Layout:
        if self._full is None:
            self._full = _Layout.of_scope(self._scope, self._library)
        return self._full

    @property  # type: ignore[override]
    def keys(self) -> list[ItemKey]:
        return self._whole().keys

    @property  # type: ignore[override]
    def index(self) -> dict[ItemKey, int]:
        return self._whole().index

    def card(self, key: ItemKey) -> Card | None:
        deck = self._decks.get(key[0])
        return deck.card(key[1]) if deck is not None else None

    def holds(self, key: ItemKey) -> bool:
        card = self.card(key)
        return card is not None and key[2] in card.ords()

    def group(self, key: ItemKey) -> tuple[ItemKey, ...]:
        card = self.card(key)
        ords = card.ords() if card is not None else ()
        return tuple((key[0], key[1], ord_) for ord_ in ords) or (key,)


class _WindowDeck(_DeckQueue):
    """One deck's share of a windowed queue. Each list holds, sorted, every entry up to its
    bound (the last row read from the store; None once the store has no more), and `beyond`
    the entries of special cards past it; `n_learning` (due today), `n_reviews` and `n_new`
    are the lists' whole lengths, counted in SQL and kept up to date with each change."""

    def __init__(self, settings: SchedulerSettings, read: Any) -> None:
        super().__init__(settings)
        self.read = read  # (list, after, limit) -> entries of non-special cards, in order
        self.bound: dict[str, Any] = dict.fromkeys(_LISTS, _NOTHING)
        self.beyond: dict[str, list[Any]] = {name: [] for name in _LISTS}
        self.n_learning = self.n_reviews = self.n_new = 0

    def copy(self) -> _WindowDeck:
        clone = super().copy()
        assert isinstance(clone, _WindowDeck)
        clone.bound = self.bound.copy()
        clone.beyond = {name: entries.copy() for name, entries in self.beyond.items()}
        return clone

    def inside(self, name: str, entry: Any) -> bool:
        bound = self.bound[name]
        return bound is None or entry <= bound

    def add(self, name: str, entry: Any) -> None:
        insort(getattr(self, name) if self.inside(name, entry) else self.beyond[name], entry)

    def drop(self, name: str, entry: Any) -> None:
        _remove(getattr(self, name) if self.inside(name, entry) else self.beyond[name], entry)

    def more(self, name: str) -> bool:
        """Read the list's next window; False when it was already whole."""
        bound = self.bound[name]
        if bound is None:
            return False
        entries, last = self.read(name, None if bound is _NOTHING else bound, _WINDOW)
        head = getattr(self, name)
        head.extend(entries)  # all past the old bound, so after what the list holds
        self.bound[name] = bound = last
        beyond = self.beyond[name]
        while beyond and (bound is None or beyond[0] <= bound):
            insort(head, beyond.pop(0))
        return True

    def ready(self, reviews_left: int, new_left: int) -> None:
        """Read enough that the heads, the held new items and the next new item are known."""
        while not self.learning and self.more("learning"):
            pass
        while not self.reviews and self.more("reviews"):
            pass
        if self.both and self.n_reviews > reviews_left:
            while len(self.reviews) < reviews_left and self.more("reviews"):
                pass
        while (new_left > 0 and next(self.chosen_new(reviews_left, new_left), None) is None
               and self.more("new")):
            pass

    def _held(self, card: tuple[str, str], reviews_left: int) -> bool:
        review = self.both.get(card)
        if review is None:
            return False
        if self.n_reviews <= reviews_left:
            return True  # every review is shown today
        while len(self.reviews) < reviews_left and self.more("reviews"):
            pass
        return bisect_left(self.reviews, review) < reviews_left

    def counts(self, today: _Today, deck_id: str, end: str) -> Counts:
        reviews_left, new_left = self.left(today, deck_id)
        held = sum(self._held(card, reviews_left) for card in self.both)
        return Counts(new=max(0, min(new_left, self.n_new - held)), learning=self.n_learning,
                      due=max(0, min(reviews_left, self.n_reviews)))


class _WindowQueue(_Queue):
    """Today's queue for a scope of whole decks, read the way Anki reads it: each of a deck's
    lists a window at a time in its order from the store's indexes, the lists' lengths counted
    in SQL (`progress.queue_sql`), new items found through the library's registry. Cards SQL
    cannot place alone, and every card changed since, are "special": their rows are held here
    and their entries worked out as `_Queue` works out every card's. A change to a card that
    is not yet special needs its rows read before the store changes (`note`); without that the
    queue reads itself again. The first build at 100,000 items reads a few hundred rows."""

    layout: _DeckLayout
    decks: dict[str, _WindowDeck]  # type: ignore[assignment]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.special: set[tuple[str, str]] = set()
        self.pos: dict[ItemKey, int] = {}
        self.decks = {deck_id: _WindowDeck(self.settings.for_deck(deck_id),
                                           self._reader(deck_id))
                      for deck_id in self.layout.deck_ids}

    @classmethod
    def build(cls, store: Store, library: Library, scope: Scope, settings: Settings,
              layout: _Layout, now: datetime) -> _Queue:
        store.register_library(library)
        queue = cls(store, library, scope, settings, layout, _load_today(store, settings, now),
                    {}, time_key(now), store.state_token())
        queue._start(store)
        return queue

    def _reader(self, deck_id: str) -> Any:
        def read(name: str, after: Any, limit: int) -> tuple[list[Any], Any]:
            store = self._store()
            assert store is not None
            special = self.special
            if name == "new":
                rows = store.new_window(deck_id, -1 if after is None else after[0], limit)
                entries = self._firsts([(pos, (deck_id, card_id, ord_))
                                        for pos, card_id, ord_ in rows], special, "new")
            else:
                mark = None if after is None else (after[0], after[1][1], after[1][2])
                rows = (store.learning_window(deck_id, mark, limit) if name == "learning"
                        else store.review_window(deck_id, self.end, mark, limit))
                found = [(due, (deck_id, card_id, ord_)) for due, card_id, ord_ in rows]
                entries = ([e for e in found if e[1][:2] not in special] if name == "learning"
                           else self._firsts(found, special, "reviews"))
            last = (rows[-1][0], (deck_id, rows[-1][1], rows[-1][2])) if len(rows) == limit \
                else None
            return entries, last
        return read

    def _firsts(self, found: list[Any], special: set[tuple[str, str]], name: str) -> list[Any]:
        """A card's first entry only, and none of special cards or cards already listed."""
        listed = self._listed[name]
        entries = []
        for entry in found:
            card = entry[1][:2]
            if card not in special and card not in listed:
                listed.add(card)
                entries.append(entry)
        return entries

    def _start(self, store: Store) -> None:
        self._listed: dict[str, set[tuple[str, str]]] = {"reviews": set(), "new": set()}
        for deck_id, deck in self.decks.items():
            deck.n_learning, deck.n_reviews, deck.n_new = store.queue_counts(deck_id, self.end)
            cards = set(store.special_cards(deck_id, self.end))
            cards.update(card_id for d, card_id in self.today.shown if d == deck_id)
            self._take(store, deck_id, deck, sorted(cards), counted=True)
        heapq.heapify(self.asleep)

    def _take(self, store: Store, deck_id: str, deck: _WindowDeck, card_ids: list[str],
              counted: bool) -> None:
        """Make the cards special: hold their rows and place their entries here. `counted`:
        the deck's lengths hold what SQL saw of them (taken off, and the truth put on);
        otherwise the card was plain, SQL's view is the truth, and it only moves aside."""
        card_ids = [c for c in card_ids if (deck_id, c) not in self.special]
        if not card_ids:
            return
        items, rows = store.card_rows(deck_id, card_ids)
        seen: dict[str, list[QueueRow]] = defaultdict(list)
        for card_id, ord_, pos in items:
            self.pos[(deck_id, card_id, ord_)] = pos
        registered = {(card_id, ord_) for card_id, ord_, _ in items}
        for card_id, ord_, row in rows:
            seen[card_id].append(row)
            if (card_id, ord_) in registered:
                self.rows[(deck_id, card_id, ord_)] = row
        for card_id in card_ids:
            self.special.add((deck_id, card_id))
            group = tuple(key for key in self.layout.group((deck_id, card_id, 0))
                          if key in self.pos)
            if counted:
                learning, reviews, new = self._sql_view(seen[card_id], [
                    self.rows.get(key, NO_ROW) for key in group if key in self.pos])
                deck.n_learning -= learning
                deck.n_reviews -= reviews
                deck.n_new -= new
                if group:
                    self._place(group, deck)
            elif group:
                self._aside(group, deck)

    def _sql_view(self, rows: list[QueueRow], registered: list[QueueRow]) -> tuple[int, ...]:
        """What `Store.queue_counts` counted of one card, from its rows."""
        end = self.end
        learning = sum(1 for row in rows if row[0] in (1, 3) and not row[2]
                       and row[1] is not None and row[1] < end)
        reviews = any(row[0] == 2 and not row[2] and row[1] is not None and row[1] < end
                      for row in rows)
        new = any(row[0] == 0 and not row[2] and row[3] is None for row in registered)
        return learning, int(reviews), int(new)

    def _aside(self, group: tuple[ItemKey, ...], deck: _WindowDeck) -> None:
        """A plain card turned special: its entries past the bounds now wait in `beyond`, as
        the store's windows no longer give them."""
        learning, review, new, _ = self._entries(group)
        for name, entries in (("learning", learning), ("reviews", [review] if review else []),
                              ("new", [new] if new else [])):
            for entry in entries:
                if not deck.inside(name, entry):
                    insort(deck.beyond[name], entry)

    def note(self, key: ItemKey) -> None:
        """Before the store changes an item: read its card's rows, so the change can be
        followed here (`update`)."""
        store = self._store()
        if store is None or key[:2] in self.special or not self.layout.holds(key):
            return
        if self.token != store.state_token():
            return  # the store moved on without this queue: the change reads it all again
        self._take(store, key[0], self.decks[key[0]], [key[1]], counted=False)

    def holds(self, key: ItemKey) -> bool:
        return self.layout.holds(key)

    def _position(self, key: ItemKey) -> int:
        return self.pos[key]  # the registry's place in the library: the same order

    def _place(self, group: tuple[ItemKey, ...], deck: _DeckQueue, insert: bool = True) -> None:
        assert isinstance(deck, _WindowDeck)
        learning, review, new, asleep = self._entries(group)
        for entry in learning:
            deck.add("learning", entry)
            deck.n_learning += entry[0] < self.end
        if review is not None:
            deck.add("reviews", review)
            deck.n_reviews += 1
        if new is not None:
            deck.add("new", new)
            deck.n_new += 1
        if review is not None and new is not None:
            deck.both[group[0][:2]] = review
        for sleeper in asleep:
            heapq.heappush(self.asleep, sleeper)

    def _lift(self, group: tuple[ItemKey, ...], deck: _DeckQueue) -> None:
        assert isinstance(deck, _WindowDeck)
        learning, review, new, _ = self._entries(group)
        for entry in learning:
            deck.drop("learning", entry)
            deck.n_learning -= entry[0] < self.end
        if review is not None:
            deck.drop("reviews", review)
            deck.n_reviews -= 1
        if new is not None:
            deck.drop("new", new)
            deck.n_new -= 1
        deck.both.pop(group[0][:2], None)

    def update(self, key: ItemKey, row: QueueRow,
               logged: tuple[State, bool, int] | None = None) -> None:
        if key[:2] in self.special:
            super().update(key, row, logged)
            return
        # Not noted before the change: what the card was is gone, so read everything again.
        store = self._store()
        assert store is not None
        library = self._library()
        assert library is not None
        fresh = _WindowQueue.build(store, library, self.scope, self.settings, self.layout,
                                   datetime.fromisoformat(self.at))
        self.__dict__.update(fresh.__dict__)
        for deck_id, deck in self.decks.items():
            deck.read = self._reader(deck_id)

    def copy(self) -> _Queue:
        clone = super().copy()
        assert isinstance(clone, _WindowQueue)
        clone.special, clone.pos = self.special.copy(), self.pos.copy()
        clone._listed = {name: cards.copy() for name, cards in self._listed.items()}
        for deck_id, deck in clone.decks.items():
            deck.read = clone._reader(deck_id)
        return clone

    def _ready(self) -> None:
        for deck_id, deck in self.decks.items():
            deck.ready(*deck.left(self.today, deck_id))

    def next_key(self, now: datetime) -> ItemKey | None:
        self._ready()
        return super().next_key(now)

    def next_due(self) -> str | None:
        self._ready()
        return super().next_due()

    def queued(self) -> set[ItemKey]:
        store, library = self._store(), self._library()
        assert store is not None and library is not None
        return _Queue.build(store, library, self.scope, self.settings,
                            self.layout._whole(), datetime.fromisoformat(self.at)).queued()


# The queues most recently built or changed. A session for the same scope, settings and day,
# on a store that has not changed since, starts from a copy instead of reading every row again:
# going back to the deck list and on to study costs milliseconds, not a rebuild.
_RECENT: list[_Queue] = []


_KEEP = 3


def remember_queue(queue: _Queue) -> None:
    """Keep `queue` for later sessions, dropping those it replaces: the same scope, or the
    same store at an older state, or a store or library that is gone."""
    def outdated(old: _Queue) -> bool:
        if old._store() is None or old._library() is None:
            return True
        same = old._store() is queue._store()
        return same and (old.token != queue.token
                         or (old._library() is queue._library() and old.scope == queue.scope))

    _RECENT[:] = [old for old in _RECENT if not outdated(old)][-(_KEEP - 1):] + [queue]


def obtain_queue(store: Store, library: Library, scope: Scope, settings: Settings,
                 now: datetime, *, whole: bool = False) -> _Queue:
    """Today's queue for the scope: a copy of a remembered one still in step, or a new one.
    `whole`: one that holds every row of the scope (`_Queue.rows`), never a windowed one."""
    glob = settings.global_settings
    start, _ = day_bounds(now, glob.day_start_hour, glob.tzinfo)
    token, now_key = store.state_token(), time_key(now)
    windows = not whole and windowed(scope, library)
    layout = None
    for queue in reversed(_RECENT):
        if not queue.serves(store, library, scope) or isinstance(queue, _WindowQueue) != windows:
            continue
        layout = queue.layout
        if (queue.token == token and queue.settings == settings
                and queue.today.start == start and queue.at <= now_key):
            clone = queue.copy()
            clone.advance(now)
            return clone
    if windows:
        queue = _WindowQueue.build(store, library, scope, settings,
                                   layout or _DeckLayout(scope, library), now)
    else:
        queue = _Queue.build(store, library, scope, settings,
                             layout or _Layout.of_scope(scope, library), now)
    remember_queue(queue)
    return queue


def windowed(scope: Scope, library: Library) -> bool:
    """Whether the scope's queue is read in windows (`_WindowQueue`): a scope of whole decks,
    in a library whose deck ids are its own. A tag or a list of items is read whole."""
    if scope.kind not in ("all", "deck", "tree"):
        return False
    ids = [deck.id for deck in library.decks]
    return len(set(ids)) == len(ids)


def settings_and_now(store: Store, clock: Clock | None,
                     settings: Settings | None) -> tuple[Settings, datetime]:
    """The settings given or the store's, and the clock's now (the system clock's by default)."""
    settings = settings if settings is not None else store.settings()
    return settings, (clock or SystemClock()).now()


def capped_counts(store: Store, library: Library,
                  groups: dict[str | None, tuple[Counts, list[str]]],
                  clock: Clock | None = None, settings: Settings | None = None,
                  ) -> dict[str | None, Counts]:
    """The deck list's parent and all-decks rows: for each group, its decks' counts summed
    and kept to the one total a session over them keeps to (`_Queue.total_left`); one queue
    answers for every group."""
    settings, now = settings_and_now(store, clock, settings)
    queue = obtain_queue(store, library, Scope.all(), settings, now)
    return {key: queue.capped(summed, deck_ids) for key, (summed, deck_ids) in groups.items()}


def deck_counts(store: Store, library: Library, clock: Clock | None = None,
                settings: Settings | None = None) -> dict[str, Counts]:
    """What each deck has left today, for the deck list; a deck alone, without sub-decks.

    Decks keep their own share of a queue, so one queue of everything answers for each deck.
    """
    settings, now = settings_and_now(store, clock, settings)
    decks = library.decks
    if len({deck.id for deck in decks}) == len(decks):
        queue = obtain_queue(store, library, Scope.all(), settings, now)
        return {deck.id: queue.deck_counts(deck.id) for deck in decks}
    counts = {}  # a deck id used twice: each deck on its own, the last one winning, as ever
    for deck in decks:
        queue = _Queue.build(store, library, Scope.deck(deck.id), settings,
                             _Layout.of_cards(deck.cards), now)
        counts[deck.id] = queue.deck_counts(deck.id)
    return counts
