"""Card info, as Anki's: what one item has been through and where its memory stands now.

For the review screen (I) and the browser: when the item was first seen, every answer with its
date, where it was given, the rating and the interval it set, and the FSRS state now
(stability, difficulty, the chance of recall today). One headless function, so the command
line or a test reads the same figures the dialog shows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from omtquiz.clock import Clock, SystemClock
from omtquiz.decks.model import Item, Library
from omtquiz.decks.render import plain
from omtquiz.progress.store import Store
from omtquiz.scheduling import Settings, State, retrievability


class Answer(NamedTuple):
    when: datetime
    mode: str  # review, mcq, typed, exam
    rating: int  # 1 Again .. 4 Easy
    interval: timedelta | None  # from this answer to the due date it set; None if unchanged
    rescheduled: bool
    overridden: bool
    duration_ms: int | None


class CardInfo(NamedTuple):
    item: Item
    deck_title: str
    prompt: str
    state: State
    first_seen: datetime | None
    due: datetime | None
    stability: float | None  # days until recall falls to 90%
    difficulty: float | None  # FSRS difficulty, 1 (easy) to 10 (hard)
    retrievability: float | None  # the chance of recall now; None for a new item
    reps: int
    lapses: int
    suspended: bool
    flag: int
    answers: tuple[Answer, ...]


def card_info(store: Store, library: Library, item: Item, clock: Clock | None = None,
              settings: Settings | None = None) -> CardInfo:
    now = (clock or SystemClock()).now()
    settings = settings or store.settings()
    record = store.get(item)
    deck, card = library.deck(item.deck_id), library.card(item)
    answers = []
    for entry in store.entries(item):
        due = entry.after.card.due
        interval = due - entry.reviewed_at if entry.rescheduled and due is not None else None
        answers.append(Answer(entry.reviewed_at, str(entry.mode), int(entry.rating), interval,
                              entry.rescheduled, entry.overridden, entry.duration_ms))
    state = record.card
    chance = (None if state.is_new
              else retrievability(state, now, settings.for_deck(item.deck_id)))
    return CardInfo(
        item, deck.title if deck else item.deck_id,
        plain(card.prompt_text) if card else item.card_id, state.state, record.first_seen,
        state.due, state.stability, state.difficulty, chance, state.reps, state.lapses,
        record.suspended, record.flag, tuple(answers))
