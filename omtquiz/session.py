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
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from omtquiz.clock import Clock, SystemClock, as_utc, day_bounds
from omtquiz.model import Deck, Item, Library
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
from omtquiz.store import ExamRecord, ItemRecord, LogEntry, Store

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
        if self.kind != "tag":
            return [item for deck in self.decks(library) for item in deck.items()]
        return [item for deck in library.decks for card in deck.cards
                if self._tag_matches(card.tags) for item in card.items()]


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


@dataclass
class _Today:
    """The study day's bounds and what its review log already holds."""

    start: datetime
    end: datetime
    new_done: Counter[str] = field(default_factory=Counter)
    reviews_done: Counter[str] = field(default_factory=Counter)
    shown_ords: defaultdict[tuple[str, str], set[int]] = field(
        default_factory=lambda: defaultdict(set))

    def add(self, item: Item, state_before: State, rescheduled: bool) -> None:
        if rescheduled and state_before is State.NEW:
            self.new_done[item.deck_id] += 1
        elif rescheduled and state_before is State.REVIEW:
            self.reviews_done[item.deck_id] += 1
        self.shown_ords[(item.deck_id, item.card_id)].add(item.ord)

    def sibling_shown(self, item: Item) -> bool:
        return bool(self.shown_ords.get((item.deck_id, item.card_id), set()) - {item.ord})


def _load_today(store: Store, settings: Settings, now: datetime) -> _Today:
    glob = settings.global_settings
    start, end = day_bounds(now, glob.day_start_hour, glob.tzinfo)
    today = _Today(start, end)
    for row in store.summaries(since=start, until=end):
        today.add(row.item, row.state_before, row.rescheduled)
    return today


@dataclass
class _Queues:
    learning_now: list[Item]
    learning_today: list[Item]
    learning_all: list[tuple[datetime, Item]]
    reviews: list[Item]
    new: list[Item]
    extra: list[Item] = field(default_factory=list)

    def counts(self) -> Counts:
        return Counts(new=len(self.new), learning=len(self.learning_today),
                      due=len(self.reviews) + len(self.extra))


def _due_today(card: CardState, day_end: datetime) -> bool:
    """Whether an answer now may reschedule the card: new, learning, or due this study day."""
    return card.is_new or card.is_learning or card.due is None or card.due < day_end


def _gather(items: list[Item], records: Mapping[Item, ItemRecord], today: _Today,
            settings: Settings, now: datetime) -> _Queues:
    per_deck: dict[str, SchedulerSettings] = {}

    def deck_settings(deck_id: str) -> SchedulerSettings:
        if deck_id not in per_deck:
            per_deck[deck_id] = settings.for_deck(deck_id)
        return per_deck[deck_id]

    learning: list[tuple[datetime, Item]] = []
    due_reviews: list[tuple[datetime, Item]] = []
    new_items: list[Item] = []
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
        elif card.due is None or card.due < today.end:
            due_reviews.append((card.due or now, item))
    learning.sort()
    due_reviews.sort()

    taken: set[tuple[str, str]] = set()
    reviews: list[Item] = []
    reviews_left: dict[str, int] = {}
    for _, item in due_reviews:
        deck = item.deck_id
        if deck not in reviews_left:
            reviews_left[deck] = deck_settings(deck).reviews_per_day - today.reviews_done[deck]
        card_key = (deck, item.card_id)
        if reviews_left[deck] <= 0 or card_key in taken or today.sibling_shown(item):
            continue
        reviews.append(item)
        reviews_left[deck] -= 1
        taken.add(card_key)

    new: list[Item] = []
    new_left: dict[str, int] = {}
    for item in new_items:
        deck = item.deck_id
        if deck not in new_left:
            new_left[deck] = deck_settings(deck).new_per_day - today.new_done[deck]
        card_key = (deck, item.card_id)
        if new_left[deck] <= 0 or card_key in taken or today.sibling_shown(item):
            continue
        new.append(item)
        new_left[deck] -= 1
        taken.add(card_key)

    return _Queues(
        learning_now=[item for due, item in learning if due <= now],
        learning_today=[item for due, item in learning if due < today.end],
        learning_all=learning,
        reviews=reviews,
        new=new,
    )


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
        self._items = self.scope.items(library)
        self._in_scope = set(self._items)
        self._records: dict[Item, ItemRecord] = {}
        self._extra_done: set[Item] = set()
        self._current: Item | None = None
        self.refresh()

    def refresh(self) -> None:
        """Reread progress from the store and choose the current item afresh."""
        now = self.clock.now()
        self._records = {item: record for item, record in self.store.records().items()
                         if item in self._in_scope}
        self._today = _load_today(self.store, self.settings, now)
        self._current = self._pick(now)

    @property
    def items(self) -> list[Item]:
        return list(self._items)

    def record(self, item: Item) -> ItemRecord:
        if item in self._in_scope:
            return self._records.get(item) or ItemRecord(item)
        return self.store.get(item)

    def flag_of(self, item: Item) -> int:
        return self.record(item).flag

    def _queues(self, now: datetime) -> _Queues:
        queues = _gather(self._items, self._records, self._today, self.settings, now)
        if self.include_not_due:
            queued = {*queues.reviews, *queues.new, *(item for _, item in queues.learning_all)}
            queues.extra = [item for item in self._items
                            if item not in queued and item not in self._extra_done
                            and not self.record(item).suspended]
        return queues

    def _pick(self, now: datetime) -> Item | None:
        queues = self._queues(now)
        for queue in (queues.learning_now, queues.reviews, queues.new):
            if queue:
                return queue[0]
        # Anki's learn-ahead: rather than stop, show a learning card due within 20 minutes.
        for due, item in queues.learning_all:
            if due <= now + LEARN_AHEAD:
                return item
        return queues.extra[0] if queues.extra else None

    def _roll_day(self, now: datetime) -> None:
        if now >= self._today.end:
            self.refresh()

    def current(self) -> Item | None:
        """The item to show now, or None when nothing is left for now."""
        now = self.clock.now()
        self._roll_day(now)
        if self._current is None:
            self._current = self._pick(now)
        return self._current

    def counts(self) -> Counts:
        now = self.clock.now()
        self._roll_day(now)
        return self._queues(now).counts()

    def next_due(self) -> datetime | None:
        """When the next learning card comes due today, for 'come back at ...' messages."""
        now = self.clock.now()
        self._roll_day(now)
        upcoming = [due for due, _ in self._queues(now).learning_all if due < self._today.end]
        return min(upcoming) if upcoming else None

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
        if _due_today(before.card, self._today.end):
            after = _answered(before, rating, now, self.settings.for_deck(item.deck_id))
        else:
            after = before
        rescheduled = after is not before
        entry = self.store.record_answer(before, after, rating=rating, reviewed_at=now,
                                         duration_ms=duration_ms, mode=mode,
                                         rescheduled=rescheduled)
        self._records[item] = after
        self._today.add(item, before.card.state, rescheduled)
        if self.include_not_due:
            self._extra_done.add(item)
        self._current = self._pick(now)
        self.store.maybe_backup()
        return entry

    def undo(self) -> LogEntry | None:
        """Take back the newest answer in the store, even one given before a restart.

        The item returns to exactly how it was and, when in this scope, is shown again.
        Repeated calls go further back. None when there is nothing to undo.
        """
        entry = self.store.undo_last()
        if entry is None:
            return None
        self._extra_done.discard(entry.item)
        self.refresh()
        if entry.item in self._in_scope:
            self._current = entry.item
        return entry

    def _change(self, item: Item | None, **changes: Any) -> Item:
        target = item or self.current()
        if target is None:
            raise SessionError("no card to change")
        record = replace(self.store.get(target), **changes)
        self.store.put(record)
        if target in self._in_scope:
            self._records[target] = record
        if target == self._current or self._current is None:
            self._current = self._pick(self.clock.now())
        return target

    def bury(self, item: Item | None = None) -> Item:
        """Hide an item (the current one by default) until the next study day."""
        self._roll_day(self.clock.now())
        return self._change(item, buried_until=self._today.end)

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
    """What each deck has left today, for the deck list; a deck alone, without sub-decks."""
    settings, now = _settings_and_now(store, clock, settings)
    records = store.records()
    today = _load_today(store, settings, now)
    return {deck.id: _gather(deck.items(), records, today, settings, now).counts()
            for deck in library.decks}


def next_due(store: Store, library: Library, clock: Clock | None = None,
             settings: Settings | None = None) -> datetime | None:
    """When the next loaded, unsuspended item comes due after now; None if none is scheduled."""
    settings, now = _settings_and_now(store, clock, settings)
    loaded = {item for deck in library.decks for item in deck.items()}
    upcoming = [
        record.card.due for item, record in store.records().items()
        if item in loaded and not record.suspended and not record.card.is_new
        and record.card.due is not None and record.card.due > now
    ]
    return min(upcoming) if upcoming else None


def reviewed_today(store: Store, clock: Clock | None = None,
                   settings: Settings | None = None) -> int:
    """How many answers (reviews and quiz answers alike) the log holds for this study day."""
    settings, now = _settings_and_now(store, clock, settings)
    glob = settings.global_settings
    start, end = day_bounds(now, glob.day_start_hour, glob.tzinfo)
    return len(store.summaries(since=start, until=end))


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
