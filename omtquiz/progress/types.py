"""What the progress database holds, as Python values: an item's record, a review-log entry,
an exam's result, and the few plain-tuple shapes the study queue reads for speed.

Progress hangs on (deck id, card id, ord). Rows of cards no longer in any deck stay; readers
join with the cards currently loaded, so a removed card vanishes from view and comes back with
its history if it is re-added. Times are stored as fixed-width UTC text (`time_key`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from omtquiz.clock import as_utc
from omtquiz.decks.model import Item, TextEnum
from omtquiz.scheduling import CardState, Rating, State


class AnswerMode(TextEnum):
    """Where an answer was given, as the review log keeps it (its value is the stored text).

    CHOICES is a multiple-choice quiz question, whatever the card's type: a basic card can be
    asked with choices, and an mcq card can be reviewed.
    """

    REVIEW = "review"
    CHOICES = "mcq"
    TYPED = "typed"
    EXAM = "exam"


MODES = tuple(mode.value for mode in AnswerMode)


def time_key(moment: datetime) -> str:
    """A time as the store writes it: UTC text of one fixed width, so text order is time order
    (in SQL and in Python), and queues can compare times without parsing them."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def time_text(moment: datetime | None) -> str | None:
    return None if moment is None else time_key(moment)


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    # What the store writes parses as UTC already: no conversion for each of records()' times.
    return moment if moment.tzinfo is timezone.utc else as_utc(moment)


@dataclass(frozen=True)
class ItemRecord:
    """Everything the store knows about one item; an item never answered has the defaults."""

    item: Item
    card: CardState = field(default_factory=CardState)
    suspended: bool = False
    buried_until: datetime | None = None
    flag: int = 0
    leech: bool = False
    first_seen: datetime | None = None

    def is_buried(self, now: datetime) -> bool:
        return self.buried_until is not None and self.buried_until > now

    def to_dict(self) -> dict[str, Any]:
        return {
            "card": self.card.to_dict(),
            "suspended": self.suspended,
            "buried_until": time_text(self.buried_until),
            "flag": self.flag,
            "leech": self.leech,
            "first_seen": time_text(self.first_seen),
        }

    @classmethod
    def from_dict(cls, item: Item, data: Mapping[str, Any]) -> ItemRecord:
        return cls(
            item=item,
            card=CardState.from_dict(data["card"]),
            suspended=bool(data.get("suspended", False)),
            buried_until=parse_time(data.get("buried_until")),
            flag=int(data.get("flag", 0)),
            leech=bool(data.get("leech", False)),
            first_seen=parse_time(data.get("first_seen")),
        )


@dataclass(frozen=True)
class LogEntry:
    """One row of the review log: an answer, and the item before and after it."""

    id: int
    item: Item
    reviewed_at: datetime
    rating: Rating
    duration_ms: int | None
    mode: str
    rescheduled: bool
    before: ItemRecord
    after: ItemRecord
    overridden: bool = False  # the student's own verdict replaced the typed-answer grader's

    @property
    def became_leech(self) -> bool:
        return self.after.leech and not self.before.leech


@dataclass(frozen=True)
class LogSummary:
    """A review-log row without its snapshots, for counting many rows cheaply."""

    id: int
    item: Item
    reviewed_at: datetime
    rating: Rating
    mode: str
    rescheduled: bool
    state_before: State
    state_after: State


@dataclass(frozen=True)
class ExamDate:
    """An exam ahead (COMLEX Level 1, a school practical): the decks and tags it covers and the
    recall the learner aims for on that day."""

    name: str
    on: date
    decks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    target: float = 0.9
    id: int | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("an exam date needs a name")
        if not 0 < self.target < 1:
            raise ValueError("the target recall must be between 0 and 1 (exclusive)")
        if not self.decks and not self.tags:
            raise ValueError("an exam date covers at least one deck or tag")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "on": self.on.isoformat(),
                "decks": list(self.decks), "tags": list(self.tags), "target": self.target}


@dataclass(frozen=True)
class ImportedReview:
    """An answer given elsewhere (Anki), to merge into the log; `key` names it for good."""

    item: Item
    key: str
    reviewed_at: datetime
    rating: Rating
    duration_ms: int | None = None


@dataclass(frozen=True)
class ExamRecord:
    """One finished exam as stored: when, over what, the score and each answer."""

    started_at: datetime
    finished_at: datetime
    scope: str
    total: int
    correct: int
    time_limit_s: int | None = None
    detail: Any = None
    id: int | None = None

    @property
    def score(self) -> float:
        return self.correct / self.total if self.total else 0.0


# What a study queue reads of one item: (state, due, suspended, buried_until), times as
# `time_key` text. A few columns of plain values load many times faster than ItemRecords.
QueueRow = tuple[int, str | None, int, str | None]


# How the queue keys its rows: an Item, or (built by the hundred thousand, for speed) the plain
# (deck_id, card_id, ord) tuple equal to it. Item is a NamedTuple, so either finds the other in
# a dict or a set: one key, no conversions.
ItemKey = tuple[str, str, int]


def queue_row(record: ItemRecord) -> QueueRow:
    """The queue's view of a record, exactly as `Store.queue_rows` would read it back."""
    card = record.card
    return (int(card.state), time_text(card.due), int(record.suspended),
            time_text(record.buried_until))
