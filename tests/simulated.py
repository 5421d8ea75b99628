"""A simulated learner, seeded: FSRS with its own "true" weights decides what is remembered.

Each item has two states: the one the app keeps (scheduled with the app's weights) and the
learner's true memory (the same answers replayed with `TRUE_PARAMETERS`, a learner who forgets
faster than FSRS's defaults assume). An answer recalls with the true retrievability at that
moment; a recalled item is rated Hard, Good or Easy, a forgotten one Again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from omtquiz.decks.model import Item
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import (
    DEFAULT_PARAMETERS,
    CardState,
    Rating,
    SchedulerSettings,
    retrievability,
    review,
)

# Faster forgetting than the defaults: initial stabilities a third, slower growth.
TRUE_PARAMETERS = (0.05, 0.15, 0.4, 1.5, *DEFAULT_PARAMETERS[4:8], 1.0,
                   *DEFAULT_PARAMETERS[9:])
TRUTH = SchedulerSettings(parameters=TRUE_PARAMETERS, fuzz=False)


@dataclass
class Learner:
    rng: random.Random
    truth: dict[Item, CardState] = field(default_factory=dict)
    model: SchedulerSettings = TRUTH  # whose weights the learner's memory follows

    def recall(self, item: Item, now: datetime) -> float:
        state = self.truth.get(item)
        return 0.0 if state is None else retrievability(state, now, self.model)

    def rate(self, item: Item, now: datetime) -> Rating:
        state = self.truth.get(item)
        if state is not None and self.rng.random() >= self.recall(item, now):
            rating = Rating.AGAIN
        elif state is None:  # first sight: how well it was learnt at once
            rating = self.rng.choices(list(Rating), (0.25, 0.15, 0.5, 0.1))[0]
        else:
            rating = self.rng.choices((Rating.HARD, Rating.GOOD, Rating.EASY), (0.1, 0.8, 0.1))[0]
        self.truth[item], _ = review(state or CardState(), rating, now, self.model)
        return rating


def study_into_store(store: Store, items: list[Item], start: datetime, days: int, *,
                     seed: int, new_per_day: int = 20,
                     settings: SchedulerSettings | None = None,
                     truth: SchedulerSettings = TRUTH) -> int:
    """`days` days of study recorded in `store` as the app records them; the answer count."""
    settings = settings or SchedulerSettings(fuzz=False)
    learner = Learner(random.Random(seed), model=truth)
    waiting = list(items)
    answers = 0
    with store.batch():
        for day in range(days):
            now = start + timedelta(days=day)
            records = {i: r for i, r in store.records().items() if not r.card.is_new}
            due = [i for i, r in records.items() if r.card.due and r.card.due <= now]
            todays_new, waiting = waiting[:new_per_day], waiting[new_per_day:]
            for item in sorted(due) + todays_new:
                record = records.get(item) or ItemRecord(item)
                while True:  # learning steps are answered the same day, minutes apart
                    rating = learner.rate(item, now)
                    card, _ = review(record.card, rating, now, settings)
                    after = ItemRecord(item, card, first_seen=record.first_seen or now)
                    store.record_answer(record, after, rating=rating, reviewed_at=now,
                                        duration_ms=5000, mode="review")
                    answers += 1
                    record = after
                    if card.due is None or card.due >= now + timedelta(hours=12):
                        break
                    now = card.due
            now = start + timedelta(days=day)
    return answers


def study_days(store: Store, library, clock, days: int, *, seed: int,
               truth: SchedulerSettings = TRUTH) -> tuple[Learner, int]:
    """`days` days of study through the app's own `StudySession`, a session each afternoon
    answered to the end (learning steps included, the clock moved to each one's due time);
    the learner and the number of answers."""
    from omtquiz.study.session import StudySession

    learner = Learner(random.Random(seed), model=truth)
    answers = 0
    start = clock.now()
    for day in range(days):
        clock.set(start + timedelta(days=day))
        with store.batch():
            session = StudySession(store, library, clock=clock)
            while True:
                item = session.current()
                if item is None:
                    later = session.next_due()
                    if later is None or later <= clock.now():
                        break
                    clock.set(later)
                    continue
                session.answer(learner.rate(item, clock.now()), duration_ms=5000)
                answers += 1
    return learner, answers
