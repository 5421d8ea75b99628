"""Study sessions: answering the items of today's queue for a scope, undo, bury, suspend, flag.

The desktop app and the command line both drive study through this module; it holds no Qt and
no SQL. What comes next is the queue's business (`study.queue`); a session asks it for the
current item, writes each answer to the store before it returns, and moves the queue along.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from omtquiz.clock import Clock, SystemClock, day_bounds
from omtquiz.decks.model import Item, Library
from omtquiz.progress.store import Store
from omtquiz.progress.types import AnswerMode, ItemKey, ItemRecord, LogEntry, queue_row
from omtquiz.scheduling import (
    CardState,
    Rating,
    SchedulerSettings,
    Settings,
    is_leech,
    preview,
    review,
)
from omtquiz.study.queue import (
    NO_ROW,
    Counts,
    due_today,
    obtain_queue,
    remember_queue,
    settings_and_now,
)
from omtquiz.study.scope import Scope

if TYPE_CHECKING:  # loaded by a session's first refresh: the deck list the app starts on has none
    from omtquiz.study.exam_dates import Load


class SessionError(Exception):
    """An operation the session cannot do now, such as answering when nothing is due."""


def schedule_answer(before: ItemRecord, rating: Rating, now: datetime,
                    settings: SchedulerSettings) -> ItemRecord:
    """The record after `rating`: rescheduled, and marked a leech (suspended unless the deck
    only tags leeches) when this lapse makes it one."""
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
        # Going over everything not due asks every row (suspended?): a whole queue holds them.
        self._queue = obtain_queue(self.store, self.library, self.scope, self.settings, now,
                                   whole=self.include_not_due)
        from omtquiz.study.exam_dates import ExamTargets

        self._exams = ExamTargets.load(self.store.exam_dates(), self.library, self.settings, now)
        self._load: Load | None = None  # reviews due per day, read when first needed
        self._current = self._pick(now)

    @property
    def items(self) -> list[Item]:
        return [Item(*key) for key in self._queue.layout.keys]

    def record(self, item: Item) -> ItemRecord:
        key = item
        if not self._queue.holds(key):
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
                and not rows.get(key, NO_ROW)[2]]

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
            remember_queue(self._queue)

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
               mode: str = AnswerMode.REVIEW) -> LogEntry:
        """Rate the current item; committed to the database, then the session moves on.

        A lapse that makes the item a leech marks it, and suspends it unless the deck's
        leech action is 'tag'; the returned entry's `became_leech` says so.
        """
        item = self.current()
        if item is None:
            raise SessionError("nothing to answer: no card is due now")
        rating = Rating(rating)
        now = self.clock.now()
        day_end, deck_settings = self._queue.today.end, self.settings.for_deck(item.deck_id)

        def decide(record: ItemRecord) -> ItemRecord:
            if due_today(record.card, day_end):
                return self._to_the_date(
                    record, schedule_answer(record, rating, now, deck_settings), now)
            return record

        before = self.record(item)
        after = decide(before)
        in_step = self._in_step()
        self._queue.note(item)
        # Read again inside the write: another process may have answered this item meanwhile.
        entry = self.store.record_answer(before, after, rating=rating, reviewed_at=now,
                                         duration_ms=duration_ms, mode=mode,
                                         rescheduled=after is not before, decide=decide)
        key = item
        self._records[key] = entry.after
        self._queue.update(key, queue_row(entry.after),
                           (entry.before.card.state, entry.rescheduled, 1))
        self._stepped(in_step)
        if self.include_not_due:
            self._extra_done.add(key)
        self._current = self._pick(now)
        self.store.maybe_backup(background=True)
        return entry

    def _to_the_date(self, before: ItemRecord, after: ItemRecord, now: datetime) -> ItemRecord:
        """The due date capped for an upcoming exam covering the item ("schedule to the
        date"), spread over the least loaded days; the load follows every answer."""
        if not self._exams:
            return after
        from omtquiz.study.exam_dates import cap_answer, load_from_rows

        settings = self.settings.for_deck(after.item.deck_id)
        if self._load is None:
            self._load = load_from_rows(self.store.queue_rows(), settings)
        self._load.move(before.card.due, after.card.due)
        return cap_answer(after, now, self._exams, settings, self._load)

    def undo(self) -> LogEntry | None:
        """Take back the newest answer in the store, even one given before a restart.

        The item returns to exactly how it was and, when in this scope, is shown again.
        Repeated calls go further back. None when there is nothing to undo.
        """
        now = self.clock.now()
        self._roll_day(now)
        in_step = self._in_step()
        last = self.store.last_entry() if in_step else None
        if last is not None:
            self._queue.note(last.item)
        entry = self.store.undo_last()
        if entry is None:
            return None
        key = entry.item
        self._extra_done.discard(key)
        in_scope = self._queue.holds(key)
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

    def _change(self, item: Item | None, *, keep_current: bool = False, **changes: Any) -> Item:
        """Store a change to an item; the current item is chosen again only when the change
        took it out of today's queue (bury, suspend, reset), never for a flag (`keep_current`)."""
        self._roll_day(self.clock.now())
        target = item or self.current()
        if target is None:
            raise SessionError("no card to change")
        in_step = self._in_step()
        self._queue.note(target)
        record = self.store.update(target, **changes)
        key = target
        if self._queue.holds(key):
            self._records[key] = record
            self._queue.update(key, queue_row(record))
        self._stepped(in_step)
        if not keep_current and (target == self._current or self._current is None):
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
        return self._change(item, keep_current=True, flag=flag)

    def reset(self, item: Item) -> Item:
        """Make an item new again; its review history, repetitions and lapses are kept."""
        old = self.record(item).card
        return self._change(item, card=CardState(reps=old.reps, lapses=old.lapses), leech=False)


def due_only(settings: Settings, library: Library) -> Settings:
    """`settings` for a session of what is due only ("Study all due"): no new cards, in any
    deck, whatever its own limit; scheduling is unchanged."""
    settings = settings.with_global(new_per_day=0)
    for deck in library.decks:
        if "new_per_day" in settings.deck_overrides.get(deck.id, {}):
            settings = settings.with_deck(deck.id, new_per_day=0)
    return settings


def next_due(store: Store, library: Library, clock: Clock | None = None,
             settings: Settings | None = None, scope: Scope | None = None) -> datetime | None:
    """When the next loaded, unsuspended item (of `scope`, if given) comes due after now, a
    buried one when it wakes; None if none is scheduled.

    (`settings` is accepted for symmetry with the other functions; no setting changes it.)
    """
    now = (clock or SystemClock()).now()
    wanted = None if scope is None or scope.kind == "all" else set(scope.items(library))
    for item, due in store.upcoming(now):
        if wanted is not None and item not in wanted:
            continue
        card = library.card(item)
        if card is not None and item.ord in card.ords():
            return due
    return None


def reviewed_today(store: Store, clock: Clock | None = None,
                   settings: Settings | None = None) -> int:
    """How many answers (reviews and quiz answers alike) the log holds for this study day."""
    settings, now = settings_and_now(store, clock, settings)
    glob = settings.global_settings
    start, end = day_bounds(now, glob.day_start_hour, glob.tzinfo)
    return store.answer_counts([start, end])[0]
