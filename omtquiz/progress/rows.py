"""How progress records map to table rows and back.

Positional on purpose: a study queue or a statistics screen may read 100,000 rows, and
building each record from a tuple by position is several times faster than by column name.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from omtquiz.decks.model import Item
from omtquiz.progress.types import ItemRecord, LogEntry, parse_time, time_text
from omtquiz.scheduling import CardState, Rating, State

CARD_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps",
                 "lapses", "suspended", "buried_until", "flag", "leech", "first_seen")


ALL_CARD_COLUMNS = ("deck_id", "card_id", "ord", *CARD_COLUMNS)


UPSERT = (
    f"INSERT INTO card_state ({', '.join(ALL_CARD_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in ALL_CARD_COLUMNS)}) "
    "ON CONFLICT (deck_id, card_id, ord) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in CARD_COLUMNS)
)


LOG_COLUMNS = ("id", "deck_id", "card_id", "ord", "reviewed_at", "rating", "duration_ms",
                "mode", "rescheduled", "state_before", "state_after", "before", "after")


def record_row(record: ItemRecord) -> tuple[Any, ...]:
    card, item = record.card, record.item
    return (item.deck_id, item.card_id, item.ord, int(card.state), card.step, card.stability,
            card.difficulty, time_text(card.due), time_text(card.last_review), card.reps,
            card.lapses, int(record.suspended), time_text(record.buried_until), record.flag,
            int(record.leech), time_text(record.first_seen))


SELECT_CARDS = f"SELECT {', '.join(ALL_CARD_COLUMNS)} FROM card_state"


# Indexed by value: a tuple lookup instead of an Enum call for each of many rows.
STATES = tuple(State)


RATINGS = (None, *Rating)


def row_record(row: tuple[Any, ...]) -> ItemRecord:
    """A record from a row of `SELECT_CARDS` (positional, for speed over many rows)."""
    (deck_id, card_id, ord_, state, step, stability, difficulty, due, last_review, reps, lapses,
     suspended, buried_until, flag, leech, first_seen) = row
    return ItemRecord(
        Item(deck_id, card_id, ord_),
        CardState(STATES[state], step, stability, difficulty, parse_time(due),
                  parse_time(last_review), reps, lapses),
        bool(suspended), parse_time(buried_until), flag, bool(leech), parse_time(first_seen),
    )


def row_entry(row: sqlite3.Row) -> LogEntry:
    item = Item(row["deck_id"], row["card_id"], row["ord"])
    return LogEntry(
        id=row["id"], item=item, reviewed_at=parse_time(row["reviewed_at"]),
        rating=Rating(row["rating"]), duration_ms=row["duration_ms"], mode=row["mode"],
        rescheduled=bool(row["rescheduled"]),
        before=ItemRecord.from_dict(item, json.loads(row["before"])),
        after=ItemRecord.from_dict(item, json.loads(row["after"])),
    )
