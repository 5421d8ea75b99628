"""Custom study, as Anki's: more new cards or reviews today, review ahead, forgotten cards,
a preview of new cards, study by tag; a session of chosen cards that leaves every other card's
schedule exactly as it was.

Anki builds a filtered deck and moves cards into it; here nothing moves. A `CustomStudy` says
what the student asked for. `extend_limits` raises today's allowances (stored for the study day
in the progress store, so they survive a restart and lapse when the next day begins; the queue
adds them to its limits). `choose` picks a session's items from the store's queue rows and
review log, and `CustomSession` studies exactly those items through the review screen's API,
each answer written before it returns. An item not chosen is never written.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from omtquiz.clock import Clock, SystemClock, day_bounds, study_day
from omtquiz.decks.model import Item, Library, TextEnum
from omtquiz.progress.store import EVERY_DECK, Store
from omtquiz.progress.types import AnswerMode, ItemRecord, LogEntry, QueueRow, time_key
from omtquiz.scheduling import Rating, Settings, State, preview
from omtquiz.study.changes import Changes
from omtquiz.study.exam_dates import ExamTargets, cap_answer, load_from_rows
from omtquiz.study.queue import LEARN_AHEAD, NO_ROW, Counts, settings_and_now
from omtquiz.study.scope import Scope
from omtquiz.study.session import SessionError, StudySession, schedule_answer


class CustomKind(TextEnum):
    MORE_NEW = "more-new"  # today's new-card limit raised by `amount`
    MORE_REVIEWS = "more-reviews"  # today's review limit raised by `amount`
    FORGOTTEN = "forgotten"  # cards rated Again in the last `amount` days
    AHEAD = "ahead"  # reviews due in the next `amount` days, before their time
    PREVIEW = "preview"  # the next `amount` new cards, shown without scheduling them
    BY_TAG = "tags"  # cards with any of `tags`: new, due or all of them


class CardsWanted(TextEnum):
    """Which cards a study-by-tag session takes."""

    NEW = "new"
    DUE = "due"  # learning cards and reviews due today
    ALL = "all"


LIMIT_KINDS = (CustomKind.MORE_NEW, CustomKind.MORE_REVIEWS)
MAX_AMOUNT = 9999  # cards or days: more is a typing slip


@dataclass(frozen=True)
class CustomStudy:
    """What the student asked for. `amount` is cards (more new, more reviews, preview) or days
    (forgotten, ahead); `limit` caps the cards of a session. By tag, an empty `tags` takes the
    whole scope; `reschedule` says whether its answers move the schedule (a preview never
    does; the other sessions always do, as Anki's do)."""

    kind: CustomKind
    scope: Scope = field(default_factory=Scope.all)
    amount: int = 10
    limit: int = 100
    tags: tuple[str, ...] = ()
    cards: CardsWanted = CardsWanted.ALL
    reschedule: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", CustomKind(self.kind))
        object.__setattr__(self, "cards", CardsWanted(self.cards))
        if not 1 <= self.amount <= MAX_AMOUNT or not 1 <= self.limit <= MAX_AMOUNT:
            raise ValueError(f"custom study takes 1 to {MAX_AMOUNT} cards or days")

    @property
    def is_limit(self) -> bool:
        """Whether this raises today's limits (rather than making a session of its own)."""
        return self.kind in LIMIT_KINDS

    @property
    def reschedules(self) -> bool:
        if self.kind is CustomKind.PREVIEW:
            return False
        return self.kind is not CustomKind.BY_TAG or self.reschedule

    def title(self, library: Library) -> str:
        """How the session is named on the review screen."""
        days = f"{self.amount} day{'s' if self.amount != 1 else ''}"
        what = {
            CustomKind.MORE_NEW: f"{self.amount} more new cards today",
            CustomKind.MORE_REVIEWS: f"{self.amount} more reviews today",
            CustomKind.FORGOTTEN: f"forgotten in the last {days}",
            CustomKind.AHEAD: f"review ahead {days}",
            CustomKind.PREVIEW: f"preview {self.amount} new cards",
            CustomKind.BY_TAG: f"{self.cards.value} cards"
                               + (f" tagged {', '.join(self.tags)}" if self.tags else ""),
        }[self.kind]
        return f"Custom study: {what} · {self.scope.title(library)}"


# -- more cards today -----------------------------------------------------------------------

def study_date(settings: Settings, now: datetime) -> str:
    """Today's study day as ISO text: what an extension is stored under."""
    glob = settings.global_settings
    return study_day(now, glob.day_start_hour, glob.tzinfo).isoformat()


def extend_limits(store: Store, library: Library, scope: Scope, *, new: int = 0,
                  reviews: int = 0, clock: Clock | None = None,
                  settings: Settings | None = None) -> Changes:
    """Raise today's new-card and review limits of the scope's decks by `new` and `reviews`
    (and, for several decks, their one total as well), for today only: the next study day
    starts from the settings again. Changes no card."""
    if new < 0 or reviews < 0:
        raise ValueError("limits are raised, never lowered, by custom study")
    settings, now = settings_and_now(store, clock, settings)
    deck_ids = [deck.id for deck in scope.decks(library)]
    keys = deck_ids + ([EVERY_DECK] if len(deck_ids) > 1 else [])
    store.extend_limits(study_date(settings, now), {key: new for key in keys if new},
                        {key: reviews for key in keys if reviews})
    return Changes(settings=True)


class LimitSummary(NamedTuple):
    """For the dialog: what today's limits offer the scope, and what they hold back."""

    new_today: int
    new_more: int  # new cards in the scope beyond today's limit
    due_today: int
    due_more: int  # reviews due today beyond the limit


def limit_summary(store: Store, library: Library, scope: Scope, clock: Clock | None = None,
                  settings: Settings | None = None) -> LimitSummary:
    settings, now = settings_and_now(store, clock, settings)
    counts = StudySession(store, library, scope, clock=clock, settings=settings).counts()
    _, end = _bounds(settings, now)
    rows = _available(store, library, scope, now)
    new = sum(1 for _, row in rows if row[0] == State.NEW)
    due = sum(1 for _, row in rows if row[0] == State.REVIEW and _due_before(row, end))
    return LimitSummary(counts.new, max(0, new - counts.new), counts.due,
                        max(0, due - counts.due))


# -- choosing a session's cards -------------------------------------------------------------

def _bounds(settings: Settings, now: datetime) -> tuple[datetime, datetime]:
    glob = settings.global_settings
    return day_bounds(now, glob.day_start_hour, glob.tzinfo)


def _due_before(row: QueueRow, moment: datetime) -> bool:
    return row[1] is None or row[1] < time_key(moment)


# The last scope's items: the dialog counts matches again at each keystroke, and listing a
# large library's items costs more than reading their rows.
_LAST_ITEMS: list[tuple[weakref.ref[Library], Scope, list[Item]]] = []


def _scope_items(library: Library, scope: Scope) -> list[Item]:
    for ref, known, items in _LAST_ITEMS:
        if ref() is library and known == scope:
            return items
    items = scope.items(library)
    _LAST_ITEMS[:] = [(weakref.ref(library), scope, items)]
    return items


def _available(store: Store, library: Library, scope: Scope,
               now: datetime) -> list[tuple[Item, QueueRow]]:
    """The scope's items with their queue rows, in scope order, less the suspended and buried."""
    items = _scope_items(library, scope)
    stored = {row[:3]: row[3:] for row in store.queue_rows({item.deck_id for item in items})}
    now_key = time_key(now)
    return [(item, row) for item in items
            if not (row := stored.get(item, NO_ROW))[2] and not (row[3] and row[3] > now_key)]


def _tagged(library: Library, tags: tuple[str, ...]) -> set[tuple[str, str]]:
    """The (deck id, card id) of every card with one of `tags` (or their children)."""
    return {(card.deck_id, card.id) for tag in tags for card in Scope.tag(tag).cards(library)}


def choose(store: Store, library: Library, spec: CustomStudy, clock: Clock | None = None,
           settings: Settings | None = None) -> list[Item]:
    """The items a custom session studies, in the order it shows them (none for a limit)."""
    settings, now = settings_and_now(store, clock, settings)
    if spec.is_limit:
        return []
    start, end = _bounds(settings, now)
    rows = _available(store, library, spec.scope, now)
    kind = spec.kind
    if kind is CustomKind.PREVIEW:
        return [item for item, row in rows if row[0] == State.NEW][:spec.amount]
    if kind is CustomKind.AHEAD:
        since, until = time_key(end), time_key(end + timedelta(days=spec.amount))
        ahead = [(row[1], item) for item, row in rows
                 if row[0] == State.REVIEW and row[1] is not None and since <= row[1] < until]
        return [item for _, item in sorted(ahead)][:spec.limit]
    if kind is CustomKind.FORGOTTEN:
        forgotten = set(store.items_rated(Rating.AGAIN, start - timedelta(days=spec.amount - 1)))
        return [item for item, _ in rows if item in forgotten][:spec.limit]
    wanted = _tagged(library, spec.tags) if spec.tags else None

    def fits(item: Item, row: QueueRow) -> bool:
        if wanted is not None and (item.deck_id, item.card_id) not in wanted:
            return False
        if spec.cards is CardsWanted.NEW:
            return row[0] == State.NEW
        if spec.cards is CardsWanted.DUE:
            return row[0] != State.NEW and _due_before(row, end)
        return True

    return [item for item, row in rows if fits(item, row)][:spec.limit]


# -- the session ----------------------------------------------------------------------------

class CustomSession:
    """A custom study session over exactly `items`, with the review screen's API (current,
    answer, undo, bury, suspend, flag, counts, intervals).

    Each item is shown until answered, and again while an Again keeps it in learning today
    (as in a filtered deck). With `reschedule`, an answer moves the item's schedule as FSRS
    says for the time really elapsed, however early; without, it is logged and the schedule
    kept (Again shows the item once more at the end). Items not chosen are never written.
    """

    def __init__(self, store: Store, library: Library, items: list[Item], *,
                 reschedule: bool = True, clock: Clock | None = None,
                 settings: Settings | None = None, title: str = "Custom study") -> None:
        self.store = store
        self.library = library
        self.clock = clock or SystemClock()
        self.settings = settings if settings is not None else store.settings()
        self.reschedule = reschedule
        self.title = title
        self.chosen = tuple(dict.fromkeys(items))
        self._chosen = set(self.chosen)
        self._pending = list(self.chosen)  # still to show, in order
        self._learning: dict[Item, datetime] = {}  # answered, back later today: when
        self._answered: list[Item] = []  # this session's answers, oldest first
        self._records: dict[Item, ItemRecord] = {}
        self._targets: ExamTargets | None = None
        self._current: Item | None = None
        # Bury, suspend and flag by the rules of study: a session of no items does them.
        self._actions = StudySession(store, library, Scope.of_items(()), clock=self.clock,
                                     settings=self.settings)

    @classmethod
    def start(cls, store: Store, library: Library, spec: CustomStudy,
              clock: Clock | None = None) -> CustomSession:
        """The session `spec` asks for (a limit raised is not a session: `extend_limits`)."""
        if spec.is_limit:
            raise ValueError("raising a limit is not a session of its own")
        settings = store.settings()
        return cls(store, library, choose(store, library, spec, clock, settings),
                   reschedule=spec.reschedules, clock=clock, settings=settings,
                   title=spec.title(library))

    @property
    def items(self) -> list[Item]:
        return list(self.chosen)

    @property
    def studied(self) -> int:
        """How many of the session's cards have been answered."""
        return len(set(self._answered))

    def refresh(self) -> None:
        self._records.clear()

    def record(self, item: Item) -> ItemRecord:
        record = self._records.get(item)
        if record is None:
            record = self.store.get(item)
            if item in self._chosen:
                self._records[item] = record
        return record

    def flag_of(self, item: Item) -> int:
        return self.record(item).flag

    def current(self) -> Item | None:
        """The item to show now; it stays until answered, buried or suspended."""
        if self._current is None:
            self._current = self._pick(self.clock.now())
        return self._current

    def _pick(self, now: datetime) -> Item | None:
        soonest = min(self._learning.items(), key=lambda pair: pair[1], default=None)
        if soonest is not None and soonest[1] <= now:
            return soonest[0]
        if self._pending:
            return self._pending[0]
        if soonest is not None and soonest[1] <= now + LEARN_AHEAD:
            return soonest[0]
        return None

    def counts(self) -> Counts:
        new = learning = due = 0
        for item in [*self._pending, *(i for i in self._learning if i not in self._pending)]:
            state = self.record(item).card.state
            if item in self._learning or state in (State.LEARNING, State.RELEARNING):
                learning += 1
            elif state == State.NEW:
                new += 1
            else:
                due += 1
        return Counts(new, learning, due)

    def next_due(self) -> datetime | None:
        """When an item answered Again comes back, if one is waiting."""
        return min(self._learning.values(), default=None)

    def intervals(self) -> dict[Rating, timedelta]:
        item = self.current()
        if item is None or not self.reschedule:
            return {}
        return preview(self.record(item).card, self.clock.now(),
                       self.settings.for_deck(item.deck_id))

    def answer(self, rating: Rating, duration_ms: int | None = None,
               mode: str = AnswerMode.REVIEW) -> LogEntry:
        """Rate the current item; committed to the database before the session moves on."""
        item = self.current()
        if item is None:
            raise SessionError("nothing to answer: the custom session is done")
        rating, now = Rating(rating), self.clock.now()
        deck_settings = self.settings.for_deck(item.deck_id)

        def decide(record: ItemRecord) -> ItemRecord:
            if not self.reschedule or record.suspended:
                return record
            return self._for_exams(record, schedule_answer(record, rating, now, deck_settings),
                                   now)

        before = self.record(item)
        after = decide(before)
        entry = self.store.record_answer(before, after, rating=rating, reviewed_at=now,
                                         duration_ms=duration_ms, mode=mode,
                                         rescheduled=after is not before, decide=decide)
        self._records[item] = entry.after
        self._answered.append(item)
        self._learning.pop(item, None)
        if item in self._pending:
            self._pending.remove(item)
        card = entry.after.card
        _, end = _bounds(self.settings, now)
        if entry.rescheduled and card.is_learning and card.due is not None and card.due < end:
            self._learning[item] = card.due
        elif not entry.rescheduled and rating is Rating.AGAIN:
            self._pending.append(item)
        self._current = self._pick(now)
        self.store.maybe_backup(background=True)
        return entry

    def _for_exams(self, before: ItemRecord, after: ItemRecord, now: datetime) -> ItemRecord:
        """The due date capped for an upcoming exam covering the item, as in any review."""
        if self._targets is None:
            self._targets = ExamTargets.load(self.store.exam_dates(), self.library,
                                             self.settings, now)
        if after.item not in self._targets.by_item:
            return after
        settings = self.settings.for_deck(after.item.deck_id)
        load = load_from_rows(self.store.queue_rows(), settings)
        load.move(before.card.due, after.card.due)
        return cap_answer(after, now, self._targets, settings, load)

    def undo(self) -> LogEntry | None:
        """Take back the newest answer in the store (as a study session does); when it was
        one of this session's items, that item is shown again."""
        entry = self.store.undo_last()
        if entry is None:
            return None
        item = entry.item
        if item in self._chosen:
            self._records[item] = self.store.get(item)
            self._learning.pop(item, None)
            if item in self._answered:
                del self._answered[len(self._answered) - 1 - self._answered[::-1].index(item)]
            if not entry.rescheduled and entry.rating is Rating.AGAIN and item in self._pending:
                self._pending.reverse()  # the copy Again put at the end goes
                self._pending.remove(item)
                self._pending.reverse()
            if item in self._pending:
                self._pending.remove(item)
            self._pending.insert(0, item)
            self._current = item
        return entry

    def _leave(self, item: Item) -> None:
        self._records.pop(item, None)
        self._learning.pop(item, None)
        self._pending = [i for i in self._pending if i != item]
        if item == self._current:
            self._current = None

    def bury(self, item: Item | None = None) -> Item:
        """Hide an item until the next study day; it leaves the session."""
        target = item or self.current()
        if target is None:
            raise SessionError("no card to bury")
        self._actions.bury(target)
        self._leave(target)
        return target

    def suspend(self, item: Item | None = None) -> Item:
        target = item or self.current()
        if target is None:
            raise SessionError("no card to suspend")
        self._actions.suspend(target)
        self._leave(target)
        return target

    def flag(self, item: Item | None, flag: int) -> Item:
        """Set a coloured flag (0 clears it); the card shown stays."""
        target = item or self.current()
        if target is None:
            raise SessionError("no card to flag")
        self._actions.flag(target, flag)
        self._records.pop(target, None)
        return target

    def finished_text(self) -> str:
        """What the review screen says when the session is over."""
        if not self.chosen:
            return "No card matched this custom study."
        studied = self.studied
        said = (f"Custom study session complete: {studied} card{'s' if studied != 1 else ''} "
                "studied.")
        if not self.reschedule:
            return said + " Nothing was rescheduled."
        return said + " Every other card kept its schedule."


def tags_in(library: Library, scope: Scope) -> list[tuple[str, int]]:
    """The tags of the scope's cards with how many cards carry each, by name: the tag chooser."""
    counts: dict[str, int] = {}
    for card in scope.cards(library) if scope.kind != "items" else ():
        for tag in card.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts.items(), key=lambda pair: (pair[0].casefold(), pair[0]))
