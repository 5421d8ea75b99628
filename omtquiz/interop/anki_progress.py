"""A learner's progress carried into an Anki package: what is read from the progress store, and
how the package's own collection is rewritten so each studied card arrives with its schedule
and review history.

Anki counts due dates in days of its own calendar (`AnkiCalendar`), keeps a card's state in its
own numbers, and learns from its review log; all of that is written here into the SQLite
collection genanki made (the package is an SQLite file: the reason this module uses sqlite3).
Only answers that moved the schedule enter the log.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Any, Protocol

from omtquiz.decks.model import Item

# Anki's own default day boundary; review due dates are counted in days that start here.
ROLLOVER_HOUR = 4


# The package's collection creation date; due days are counted from it and Anki shifts them
# onto the importing collection's calendar.
_CREATED = datetime(2020, 1, 1, 12, tzinfo=timezone.utc)


_DEFAULT_EASE = 2500  # Anki's starting ease (permille) for cards that have been studied


@dataclass(frozen=True, slots=True)
class Review:
    """One answer from the review log; `interval_days` is what was scheduled after it."""

    time: datetime
    rating: int  # 1 again, 2 hard, 3 good, 4 easy
    duration_ms: int = 0
    interval_days: float = 0.0


@dataclass(frozen=True, slots=True)
class ItemProgress:
    """A learner's scheduling state for one item, as the export needs it.

    `state` is new, learning, review or relearning; datetimes are UTC.
    """

    state: str = "new"
    due: datetime | None = None
    stability: float | None = None
    difficulty: float | None = None
    interval_days: float = 0.0
    reps: int = 0
    lapses: int = 0
    reviews: tuple[Review, ...] = ()
    suspended: bool = False


def progress_from_store(store: Any, items: Iterable[Item]) -> dict[Item, ItemProgress]:
    """The learner's progress on `items`, read from the progress store (`progress.store.Store`).

    Only answers that moved the schedule enter Anki's review log: a practice answer that left
    the schedule alone would teach Anki's FSRS optimiser a review that never happened.
    """
    wanted = set(items)
    records = {item: record for item, record in store.records().items() if item in wanted}
    reviews: dict[Item, list[Review]] = {}
    for item, reviewed_at, rating, duration_ms, due in store.schedule_history():
        if item not in records:
            continue
        interval = (due - reviewed_at).total_seconds() / 86400 if due else 0.0
        reviews.setdefault(item, []).append(Review(
            time=reviewed_at, rating=rating, duration_ms=int(duration_ms or 0),
            interval_days=max(0.0, interval)))
    progress = {}
    for item, record in records.items():
        card = record.card
        interval = 0.0
        if card.due is not None and card.last_review is not None:
            interval = max(0.0, (card.due - card.last_review).total_seconds() / 86400)
        progress[item] = ItemProgress(
            state=_state_name(card.state), due=card.due, stability=card.stability,
            difficulty=card.difficulty, interval_days=interval, reps=card.reps,
            lapses=card.lapses, reviews=tuple(reviews.get(item, ())),
            suspended=bool(record.suspended))
    return progress


# --- Anki's calendar -----------------------------------------------------------------------
@dataclass(frozen=True)
class AnkiCalendar:
    """Anki's day numbers for the package's collection, in the exporting machine's time zone.

    Anki counts a review card's due date in days since the collection was created, days
    starting at the rollover hour; on import it shifts those numbers onto the importing
    collection's own calendar, so the due date lands on the same day.
    """

    tz: timezone
    rollover: int = ROLLOVER_HOUR

    @property
    def minutes_west(self) -> int:
        offset = self.tz.utcoffset(None) or timedelta(0)
        return -int(offset.total_seconds() // 60)

    def day(self, when: datetime) -> date:
        return (when.astimezone(self.tz) - timedelta(hours=self.rollover)).date()

    def day_number(self, when: datetime) -> int:
        return (self.day(when) - _CREATED.astimezone(self.tz).date()).days


def to_utc(when: datetime) -> datetime:
    """The instant in UTC; a naive datetime is taken to be UTC already."""
    if when.tzinfo is None:
        return when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def stamp_collection(cursor: sqlite3.Cursor, calendar: AnkiCalendar) -> None:
    """Give the package a v2 scheduler and a known calendar, so due days mean what we wrote."""
    (conf_text,) = cursor.execute("SELECT conf FROM col").fetchone()
    conf = json.loads(conf_text)
    conf.update(schedVer=2, rollover=calendar.rollover, creationOffset=calendar.minutes_west,
                localOffset=calendar.minutes_west)
    cursor.execute("UPDATE col SET crt = ?, conf = ?",
                   (int(_CREATED.timestamp()), json.dumps(conf)))


_CARD_TYPE = {"learning": 1, "review": 2, "relearning": 3}


def _state_name(state: object) -> str:
    """'review' from 'review', 'Review' or an enum member named Review (py-fsrs's State)."""
    return (state.name if isinstance(state, Enum) else str(state)).strip().lower()


def _revlog_ivl(days: float) -> int:
    """Anki's revlog interval: whole days when a day or more, else negative seconds."""
    return max(1, round(days)) if days >= 1 else -round(max(days, 0) * 86400)


_REVLOG_LEARN, _REVLOG_REVIEW, _REVLOG_RELEARN = 0, 1, 2


class _Tally(Protocol):
    """What the writer counts into: the export's report."""

    studied: int
    reviews: int
    warnings: list[str]


class ProgressWriter:
    """Rewrites the package's new cards into the learner's schedule and adds the review log."""

    def __init__(self, cursor: sqlite3.Cursor, calendar: AnkiCalendar, now: datetime,
                 report: _Tally) -> None:
        self.cursor = cursor
        self.calendar = calendar
        self.now = now
        self.report = report
        self.revlog_ids: set[int] = set()
        self.skipped_reviews = 0

    def write(self, card_id: int, item: Item, record: object) -> None:
        state = _state_name(getattr(record, "state", "new"))
        suspended = bool(getattr(record, "suspended", False))
        if state not in _CARD_TYPE:
            if state != "new":
                self.report.warnings.append(f"{item.key}: unknown state '{state}'; left new")
            elif suspended:
                self.cursor.execute("UPDATE cards SET queue = -1 WHERE id = ?", (card_id,))
            return
        reviews = sorted(getattr(record, "reviews", ()) or (), key=lambda r: to_utc(r.time))
        due = to_utc(getattr(record, "due", None) or self.now)
        interval = float(getattr(record, "interval_days", 0) or 0)
        if state in ("review", "relearning") and interval < 1 and reviews:
            interval = (due - to_utc(reviews[-1].time)).total_seconds() / 86400
        today = self.calendar.day_number(self.now)
        due_day = self.calendar.day_number(due)
        if state == "review":
            queue, due_value = 2, due_day
        elif due_day <= today or suspended:
            # Learning later today is due in epoch seconds. So is a suspended learning card:
            # Anki's importer moves only review and day-learning due days onto its calendar,
            # and unsuspending puts a card due in seconds back in the right queue.
            queue, due_value = 1, int(due.timestamp())
        else:
            queue, due_value = 3, due_day  # learning on a later day: a day number
        ivl = max(1, round(interval)) if state in ("review", "relearning") else 0
        data = self._memory_state(record, reviews)
        reps = int(getattr(record, "reps", 0) or 0) or len(reviews)
        self.cursor.execute(
            "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, "
            "lapses = ?, left = ?, data = ? WHERE id = ?",
            (_CARD_TYPE[state], -1 if suspended else queue, due_value, ivl, _DEFAULT_EASE, reps,
             int(getattr(record, "lapses", 0) or 0), 0 if state == "review" else 1,
             json.dumps(data, separators=(",", ":")) if data else "", card_id))
        self.report.studied += 1
        self._revlog(card_id, reviews)

    def _memory_state(self, record: object, reviews: Sequence[Review]) -> dict[str, float]:
        """FSRS memory state as Anki keeps it in the card's data: s, d and last review time."""
        data: dict[str, float] = {}
        stability = getattr(record, "stability", None)
        difficulty = getattr(record, "difficulty", None)
        if stability is not None and difficulty is not None \
                and math.isfinite(stability) and math.isfinite(difficulty) and stability > 0:
            data["s"] = round(float(stability), 4)
            data["d"] = round(min(10.0, max(1.0, float(difficulty))), 4)
        if reviews:
            data["lrt"] = int(to_utc(reviews[-1].time).timestamp())
        return data

    def _revlog(self, card_id: int, reviews: Sequence[Review]) -> None:
        state, last_ivl = "new", 0
        for review in reviews:
            when = to_utc(review.time)
            if when > self.now or review.rating not in (1, 2, 3, 4):
                self.skipped_reviews += 1
                continue
            if state in ("new", "learning"):
                kind = _REVLOG_LEARN
            else:
                kind = _REVLOG_RELEARN if state == "relearning" else _REVLOG_REVIEW
            days = float(review.interval_days or 0)
            ivl = _revlog_ivl(days)
            if days >= 1:
                state = "review"
            elif state in ("review", "relearning"):
                state = "relearning"
            else:
                state = "learning"
            revlog_id = int(when.timestamp() * 1000)
            while revlog_id in self.revlog_ids:
                revlog_id += 1
            self.revlog_ids.add(revlog_id)
            self.cursor.execute(
                "INSERT INTO revlog VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                (revlog_id, card_id, review.rating, ivl, last_ivl,
                 0 if kind == _REVLOG_LEARN else _DEFAULT_EASE,
                 max(0, int(review.duration_ms or 0)), kind))
            self.report.reviews += 1
            last_ivl = ivl
