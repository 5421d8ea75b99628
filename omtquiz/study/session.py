"""Study sessions: today's queue for a scope, answering, undo, and what quizzes and exams record.

The desktop app and the command line both drive study through this module; it holds no Qt and
no SQL. The queue follows Anki: learning cards due now, then reviews due today, then new cards
up to the daily limit; siblings (the other direction of a reverse card, the other deletions of
a cloze card) wait until the next study day once one of them has been answered. Both the limits
and the siblings are worked out from today's review log rather than stored flags, so an undo
gives back exactly what the answer took.

Daily limits apply per deck, each deck with its own settings (the global settings updated with
the deck's overrides); studying a tag or everything draws on the same per-deck allowances, so
the numbers on the deck list always add up. The study day itself (its start hour and time
zone) comes from the global settings.

A student may have 100,000 items, and every pause between cards is felt, so the queue is not
worked out again for each card: it is built once a study day from a few columns of every row
and then moved along with each answer, bury, suspend or undo (`_Queue`), and a session opened
on a store that has not changed since starts from a copy of the last queue built. The tests
in tests/test_session_scale.py hold it to exactly what a rebuild from scratch gives.
"""

from __future__ import annotations

import copy
import heapq
import weakref
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from omtquiz.clock import Clock, SystemClock, as_utc, day_bounds
from omtquiz.decks.model import Card, Deck, Item, Library
from omtquiz.progress.store import (
    ExamRecord,
    ItemKey,
    ItemRecord,
    LogEntry,
    QueueRow,
    Store,
    queue_row,
    time_key,
)
from omtquiz.scheduling import (
    CardState,
    Rating,
    SchedulerSettings,
    Settings,
    State,
    is_leech,
    preview,
    review,
)

LEARN_AHEAD = timedelta(minutes=20)
SLOW_MS = {"typed": 20_000, "mcq": 15_000, "exam": 15_000}
QUIZ_MODES = tuple(SLOW_MS)
SCOPE_KINDS = ("all", "deck", "tree", "tag", "items")


class SessionError(Exception):
    """An operation the session cannot do now, such as answering when nothing is due."""


@dataclass(frozen=True)
class Scope:
    """Which items a session studies: everything, one deck, a deck and its sub-decks, a tag, or
    a given list of items (an exam's missed questions).

    A tree is named by a deck id or an Anki-style path ("OMT::Cranial"); it holds the decks
    whose id or full name is that name or lies under it, and, repeatedly, the decks whose
    `parent` names one of those. A tag matches case-insensitively, and also its Anki-style
    children ("anatomy" matches "anatomy::spine").
    """

    kind: str = "all"
    value: str | None = None
    chosen: tuple[Item, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"scope kind must be one of {', '.join(SCOPE_KINDS)}")
        if (self.kind in ("all", "items")) != (self.value is None):
            raise ValueError("'all' and 'items' take no value; deck, tree and tag need one")
        if self.chosen and self.kind != "items":
            raise ValueError("only an 'items' scope lists its items")

    @classmethod
    def all(cls) -> Scope:
        return cls()

    @classmethod
    def deck(cls, deck_id: str) -> Scope:
        return cls("deck", deck_id)

    @classmethod
    def tree(cls, name: str) -> Scope:
        return cls("tree", name)

    @classmethod
    def tag(cls, tag: str) -> Scope:
        return cls("tag", tag)

    @classmethod
    def of_items(cls, items: Iterable[Item]) -> Scope:
        return cls("items", None, tuple(dict.fromkeys(items)))

    @classmethod
    def parse(cls, text: str) -> Scope:
        """'all', 'deck:ID', 'tree:NAME' or 'tag:TAG' (as `str(scope)` writes them)."""
        if text == "all":
            return cls()
        kind, sep, value = text.partition(":")
        if not sep or not value:
            raise ValueError(f"scope '{text}' is not 'all', 'deck:ID', 'tree:NAME' or 'tag:TAG'")
        return cls(kind, value)

    def __str__(self) -> str:
        if self.kind == "items":
            return f"items:{len(self.chosen)}"
        return "all" if self.value is None else f"{self.kind}:{self.value}"

    def decks(self, library: Library) -> list[Deck]:
        decks = library.decks
        if self.kind == "all":
            return decks
        if self.kind == "deck":
            return [d for d in decks if d.id == self.value]
        if self.kind == "tree":
            return _tree(decks, self.value or "")
        if self.kind == "items":
            wanted = {item.deck_id for item in self.chosen}
            return [d for d in decks if d.id in wanted]
        return [d for d in decks if any(self._tag_matches(c.tags) for c in d.cards)]

    def items(self, library: Library) -> list[Item]:
        """The scope's items that the library holds: in deck order, then deck-file order
        (an 'items' scope keeps the order it was given)."""
        if self.kind == "items":
            return [item for item in self.chosen
                    if (card := library.card(item)) is not None and item.ord in card.ords()]
        return [item for card in self._cards(library) for item in card.items()]

    def _cards(self, library: Library) -> Iterator[Card]:
        """The cards of a scope other than 'items', in the order their items are studied."""
        if self.kind != "tag":
            return (card for deck in self.decks(library) for card in deck.cards)
        return (card for deck in library.decks for card in deck.cards
                if self._tag_matches(card.tags))

    def _tag_matches(self, tags: Iterable[str]) -> bool:
        wanted = (self.value or "").casefold()
        return any(t.casefold() == wanted or t.casefold().startswith(wanted + "::") for t in tags)


def select_items(library: Library, scope: Scope) -> list[Item]:
    return scope.items(library)


def _under(name: str | None, root: str) -> bool:
    return name is not None and (name == root or name.startswith(root + "::"))


def _tree(decks: list[Deck], root: str) -> list[Deck]:
    chosen = {d.id for d in decks if d.id == root or _under(d.full_name, root)
              or _under(d.parent, root)}
    grew = True
    while grew:
        names = {n for d in decks if d.id in chosen for n in (d.id, d.full_name)}
        more = {d.id for d in decks if d.id not in chosen
                and any(_under(d.parent, n) for n in names)}
        chosen |= more
        grew = bool(more)
    return [d for d in decks if d.id in chosen]


class Counts(NamedTuple):
    """What is left today: new cards, learning cards due today, reviews due."""

    new: int = 0
    learning: int = 0
    due: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.due


def _key(item: Item) -> ItemKey:
    return (item.deck_id, item.card_id, item.ord)


_NO_ROW: QueueRow = (int(State.NEW), None, 0, None)
_NEW_STATE, _REVIEW_STATE = int(State.NEW), int(State.REVIEW)
# Where an item stands in today's queue.
_SKIP, _NEW, _LEARNING, _REVIEW, _ASLEEP = range(5)


def _kind(row: QueueRow, now: str, end: str) -> int:
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
                      {card: ords.copy() for card, ords in self.shown.items()})


def _load_today(store: Store, settings: Settings, now: datetime) -> _Today:
    glob = settings.global_settings
    start, end = day_bounds(now, glob.day_start_hour, glob.tzinfo)
    today = _Today(start, end)
    for row in store.summaries(since=start, until=end):
        today.add(_key(row.item), row.state_before, row.rescheduled)
    return today


def new_introduced_today(store: Store, settings: Settings, now: datetime) -> Counter[str]:
    """Per deck, the new items introduced this study day: what its new-card limit has used."""
    return _load_today(store, settings, now).new_done


def _due_today(card: CardState, day_end: datetime) -> bool:
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
            return cls.of_cards(scope._cards(library))
        keys = [_key(item) for item in scope.items(library)]
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
        return (self.review_limit - today.reviews_done[deck_id],
                self.new_limit - today.new_done[deck_id])

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
            row = rows.get(key, _NO_ROW)
            kind = _kind(row, now, end)
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
            row = self.rows.get(key, _NO_ROW)
            kind = _kind(row, self.at, self.end)
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
                place = (self.layout.index[key], key)
                new = place if new is None or place < new else new
        return learning, review, new, asleep

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
            if until > self.at and self.rows.get(key, _NO_ROW)[3] == until:
                woken[key[:2]] = self.layout.group(key)
        for group in woken.values():
            self._lift(group, self.decks[group[0][0]])
        self.at = now_key
        for group in woken.values():
            self._place(group, self.decks[group[0][0]])

    def next_key(self, now: datetime) -> ItemKey | None:
        """Learning items due now, then reviews, then new items, then, rather than stop, a
        learning item due within LEARN_AHEAD (Anki's learn-ahead); None when none is left."""
        learning = review = None
        new: tuple[int, ItemKey] | None = None
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
        if review is not None:
            return review[1]
        if new is not None:
            return new[1]
        if learning is not None and learning[0] <= time_key(now + LEARN_AHEAD):
            return learning[1]
        return None

    def counts(self) -> Counts:
        new = learning = due = 0
        for deck_id, deck in self.decks.items():
            counts = deck.counts(self.today, deck_id, self.end)
            new, learning, due = new + counts.new, learning + counts.learning, due + counts.due
        return Counts(new, learning, due)

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
        for deck_id, deck in self.decks.items():
            reviews_left, new_left = deck.left(self.today, deck_id)
            keys.update(key for _, key in deck.learning)
            keys.update(key for _, key in deck.reviews[:max(reviews_left, 0)])
            keys.update(key for _, key in deck.chosen_new(reviews_left, new_left))
        return keys


# The queues most recently built or changed. A session for the same scope, settings and day,
# on a store that has not changed since, starts from a copy instead of reading every row again:
# going back to the deck list and on to study costs milliseconds, not a rebuild.
_RECENT: list[_Queue] = []
_KEEP = 3


def _remember(queue: _Queue) -> None:
    """Keep `queue` for later sessions, dropping those it replaces: the same scope, or the
    same store at an older state, or a store or library that is gone."""
    def outdated(old: _Queue) -> bool:
        if old._store() is None or old._library() is None:
            return True
        same = old._store() is queue._store()
        return same and (old.token != queue.token
                         or (old._library() is queue._library() and old.scope == queue.scope))

    _RECENT[:] = [old for old in _RECENT if not outdated(old)][-(_KEEP - 1):] + [queue]


def _obtain(store: Store, library: Library, scope: Scope, settings: Settings,
            now: datetime) -> _Queue:
    """Today's queue for the scope: a copy of a remembered one still in step, or a new one."""
    glob = settings.global_settings
    start, _ = day_bounds(now, glob.day_start_hour, glob.tzinfo)
    token, now_key = store.state_token(), time_key(now)
    layout = None
    for queue in reversed(_RECENT):
        if not queue.serves(store, library, scope):
            continue
        layout = queue.layout
        if (queue.token == token and queue.settings == settings
                and queue.today.start == start and queue.at <= now_key):
            clone = queue.copy()
            clone.advance(now)
            return clone
    queue = _Queue.build(store, library, scope, settings,
                         layout or _Layout.of_scope(scope, library), now)
    _remember(queue)
    return queue


def _answered(before: ItemRecord, rating: Rating, now: datetime,
              settings: SchedulerSettings) -> ItemRecord:
    card, result = review(before.card, rating, now, settings)
    leech, suspended = before.leech, before.suspended
    if result.lapsed and is_leech(card.lapses, settings.leech_threshold):
        leech = True
        suspended = suspended or settings.leech_action == "suspend"
    return replace(before, card=card, leech=leech, suspended=suspended,
                   first_seen=before.first_seen or now)


class StudySession:
    """Today's study of one scope. Every answer is in the database before `answer` returns.

    The session keeps the current item until it is answered, buried or suspended; other
    changes to the store (another window, a quiz) are seen after `refresh()`.

    With `include_not_due`, every unsuspended item of the scope is shown once after today's
    queue, due or not (to go over an exam's missed questions); answering one that is not due
    logs the answer without rescheduling it, as quizzes do.

    The queue is built once a study day (see `_Queue`) and moved along with each change, and
    an item's full record is read only when it is shown or changed.
    """

    def __init__(self, store: Store, library: Library, scope: Scope | None = None,
                 clock: Clock | None = None, settings: Settings | None = None, *,
                 include_not_due: bool = False) -> None:
        self.store = store
        self.library = library
        self.scope = scope or Scope.all()
        self.clock = clock or SystemClock()
        self.settings = settings if settings is not None else store.settings()
        self.include_not_due = include_not_due
        self._records: dict[ItemKey, ItemRecord] = {}
        self._extra_done: set[ItemKey] = set()
        self._current: Item | None = None
        self.refresh()

    def refresh(self) -> None:
        """Reread progress from the store and choose the current item afresh."""
        now = self.clock.now()
        self._records = {}
        self._queue = _obtain(self.store, self.library, self.scope, self.settings, now)
        self._current = self._pick(now)

    @property
    def items(self) -> list[Item]:
        return [Item(*key) for key in self._queue.layout.keys]

    def record(self, item: Item) -> ItemRecord:
        key = _key(item)
        if key not in self._queue.layout.index:
            return self.store.get(item)
        record = self._records.get(key)
        if record is None:
            record = self._records[key] = self.store.get(item)
        return record

    def flag_of(self, item: Item) -> int:
        return self.record(item).flag

    def _extra(self) -> list[ItemKey]:
        queued, rows = self._queue.queued(), self._queue.rows
        return [key for key in self._queue.layout.keys
                if key not in queued and key not in self._extra_done
                and not rows.get(key, _NO_ROW)[2]]

    def _pick(self, now: datetime) -> Item | None:
        self._queue.advance(now)
        key = self._queue.next_key(now)
        if key is None and self.include_not_due:
            key = next(iter(self._extra()), None)
        return Item(*key) if key is not None else None

    def _roll_day(self, now: datetime) -> None:
        if now >= self._queue.today.end:
            self.refresh()
        else:
            self._queue.advance(now)

    def _in_step(self) -> bool:
        """Whether the queue still mirrors the store, so a change can go to both."""
        return self._queue.token == self.store.state_token()

    def _stepped(self, was_in_step: bool) -> None:
        """After a write: the queue mirrors the store again only if it did before."""
        self._queue.token = self.store.state_token() if was_in_step else None
        if was_in_step:
            _remember(self._queue)

    def current(self) -> Item | None:
        """The item to show now, or None when nothing is left for now."""
        now = self.clock.now()
        self._roll_day(now)
        if self._current is None:
            self._current = self._pick(now)
        return self._current

    def counts(self) -> Counts:
        self._roll_day(self.clock.now())
        counts = self._queue.counts()
        if self.include_not_due:
            counts = counts._replace(due=counts.due + len(self._extra()))
        return counts

    def next_due(self) -> datetime | None:
        """When the next learning card comes due today, for 'come back at ...' messages."""
        now = self.clock.now()
        self._roll_day(now)
        due = self._queue.next_due()
        if due is None:
            return None
        return datetime.fromisoformat(due) if due else now

    def intervals(self) -> dict[Rating, timedelta]:
        """The interval each rating would give the current item (empty when there is none)."""
        item = self.current()
        if item is None:
            return {}
        return preview(self.record(item).card, self.clock.now(),
                       self.settings.for_deck(item.deck_id))

    def answer(self, rating: Rating, duration_ms: int | None = None,
               mode: str = "review") -> LogEntry:
        """Rate the current item; committed to the database, then the session moves on.

        A lapse that makes the item a leech marks it, and suspends it unless the deck's
        leech action is 'tag'; the returned entry's `became_leech` says so.
        """
        item = self.current()
        if item is None:
            raise SessionError("nothing to answer: no card is due now")
        rating = Rating(rating)
        now = self.clock.now()
        before = self.record(item)
        if _due_today(before.card, self._queue.today.end):
            after = _answered(before, rating, now, self.settings.for_deck(item.deck_id))
        else:
            after = before
        rescheduled = after is not before
        in_step = self._in_step()
        entry = self.store.record_answer(before, after, rating=rating, reviewed_at=now,
                                         duration_ms=duration_ms, mode=mode,
                                         rescheduled=rescheduled)
        key = _key(item)
        self._records[key] = after
        self._queue.update(key, queue_row(after), (before.card.state, rescheduled, 1))
        self._stepped(in_step)
        if self.include_not_due:
            self._extra_done.add(key)
        self._current = self._pick(now)
        self.store.maybe_backup(background=True)
        return entry

    def undo(self) -> LogEntry | None:
        """Take back the newest answer in the store, even one given before a restart.

        The item returns to exactly how it was and, when in this scope, is shown again.
        Repeated calls go further back. None when there is nothing to undo.
        """
        now = self.clock.now()
        self._roll_day(now)
        in_step = self._in_step()
        entry = self.store.undo_last()
        if entry is None:
            return None
        key = _key(entry.item)
        self._extra_done.discard(key)
        in_scope = key in self._queue.layout.index
        if in_step and in_scope:
            restored = self._records[key] = self.store.get(entry.item)
            today = self._queue.today
            logged = ((entry.before.card.state, entry.rescheduled, -1)
                      if today.start <= entry.reviewed_at < today.end else None)
            self._queue.update(key, queue_row(restored), logged)
            self._stepped(in_step)
        else:
            self.refresh()
        if in_scope:
            self._current = entry.item
        return entry

    def _change(self, item: Item | None, **changes: Any) -> Item:
        self._roll_day(self.clock.now())
        target = item or self.current()
        if target is None:
            raise SessionError("no card to change")
        record = replace(self.store.get(target), **changes)
        in_step = self._in_step()
        self.store.put(record)
        key = _key(target)
        if key in self._queue.layout.index:
            self._records[key] = record
            self._queue.update(key, queue_row(record))
        self._stepped(in_step)
        if target == self._current or self._current is None:
            self._current = self._pick(self.clock.now())
        return target

    def bury(self, item: Item | None = None) -> Item:
        """Hide an item (the current one by default) until the next study day."""
        self._roll_day(self.clock.now())
        return self._change(item, buried_until=self._queue.today.end)

    def suspend(self, item: Item | None = None) -> Item:
        return self._change(item, suspended=True)

    def unsuspend(self, item: Item) -> Item:
        return self._change(item, suspended=False)

    def flag(self, item: Item | None, flag: int) -> Item:
        """Set a coloured flag, 1-7 as in Anki; 0 clears it."""
        if not 0 <= flag <= 7:
            raise ValueError("flag must be 0-7")
        return self._change(item, flag=flag)

    def reset(self, item: Item) -> Item:
        """Make an item new again; its review history, repetitions and lapses are kept."""
        old = self.record(item).card
        return self._change(item, card=CardState(reps=old.reps, lapses=old.lapses), leech=False)


def _settings_and_now(store: Store, clock: Clock | None,
                      settings: Settings | None) -> tuple[Settings, datetime]:
    settings = settings if settings is not None else store.settings()
    return settings, (clock or SystemClock()).now()


def deck_counts(store: Store, library: Library, clock: Clock | None = None,
                settings: Settings | None = None) -> dict[str, Counts]:
    """What each deck has left today, for the deck list; a deck alone, without sub-decks.

    Decks keep their own share of a queue, so one queue of everything answers for each deck.
    """
    settings, now = _settings_and_now(store, clock, settings)
    decks = library.decks
    if len({deck.id for deck in decks}) == len(decks):
        queue = _obtain(store, library, Scope.all(), settings, now)
        return {deck.id: queue.deck_counts(deck.id) for deck in decks}
    counts = {}  # a deck id used twice: each deck on its own, the last one winning, as ever
    for deck in decks:
        queue = _Queue.build(store, library, Scope.deck(deck.id), settings,
                             _Layout.of_cards(deck.cards), now)
        counts[deck.id] = queue.deck_counts(deck.id)
    return counts


def next_due(store: Store, library: Library, clock: Clock | None = None,
             settings: Settings | None = None) -> datetime | None:
    """When the next loaded, unsuspended item comes due after now; None if none is scheduled.

    (`settings` is accepted for symmetry with the other functions; no setting changes it.)
    """
    now = (clock or SystemClock()).now()
    for item, due in store.upcoming(now):
        card = library.card(item)
        if card is not None and item.ord in card.ords():
            return due
    return None


def reviewed_today(store: Store, clock: Clock | None = None,
                   settings: Settings | None = None) -> int:
    """How many answers (reviews and quiz answers alike) the log holds for this study day."""
    settings, now = _settings_and_now(store, clock, settings)
    glob = settings.global_settings
    start, end = day_bounds(now, glob.day_start_hour, glob.tzinfo)
    return store.answer_counts([start, end])[0]


def quiz_rating(correct: bool, duration_ms: int | None, mode: str) -> Rating:
    """The rating a quiz answer counts as.

    Wrong is Again. Right is Good, except Hard when the answer took longer than 20 s in a
    typed-answer quiz or 15 s in a multiple-choice question or an exam: a slow right answer
    was a struggle, and FSRS should see it as one. With no duration, right is Good.
    """
    if mode not in SLOW_MS:
        raise ValueError(f"quiz mode must be one of {', '.join(QUIZ_MODES)}, not {mode!r}")
    if not correct:
        return Rating.AGAIN
    if duration_ms is not None and duration_ms > SLOW_MS[mode]:
        return Rating.HARD
    return Rating.GOOD


def record_quiz_answer(store: Store, item: Item, correct: bool, duration_ms: int | None,
                       mode: str, clock: Clock | None = None,
                       settings: Settings | None = None) -> LogEntry:
    """Log a quiz answer and, when the item is new or due today, reschedule it.

    The rating follows `quiz_rating`. An item answered before it is due (or while suspended)
    gets a log row with its rating but keeps its schedule: cramming does not inflate intervals.
    """
    settings, now = _settings_and_now(store, clock, settings)
    rating = quiz_rating(correct, duration_ms, mode)
    before = store.get(item)
    glob = settings.global_settings
    _, day_end = day_bounds(now, glob.day_start_hour, glob.tzinfo)
    if _due_today(before.card, day_end) and not before.suspended:
        after = _answered(before, rating, now, settings.for_deck(item.deck_id))
    else:
        after = before
    return store.record_answer(before, after, rating=rating, reviewed_at=now,
                               duration_ms=duration_ms, mode=mode,
                               rescheduled=after is not before)


def record_exam(store: Store, *, scope: Scope | str, started_at: datetime,
                finished_at: datetime, total: int, correct: int,
                time_limit_s: int | None = None, detail: Any = None) -> ExamRecord:
    """Keep an exam's score (and whatever per-question detail the caller gives, as JSON)."""
    if not 0 <= correct <= total:
        raise ValueError("an exam's correct count must be between 0 and its total")
    exam = ExamRecord(started_at=as_utc(started_at), finished_at=as_utc(finished_at),
                      scope=str(scope), total=total, correct=correct,
                      time_limit_s=time_limit_s, detail=detail)
    return replace(exam, id=store.add_exam(exam))
