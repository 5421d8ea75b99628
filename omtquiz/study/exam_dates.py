"""Studying toward exam dates: what each exam covers, the recall forecast for its day, and
"schedule to the date" (due dates capped so covered items reach the target on the day).

An exam date (`progress.types.ExamDate`) names decks and tags. Its **forecast** is, per deck and
per tag, the mean of FSRS's predicted recall of the covered, unsuspended items at the start of
the exam's study day if no more reviews were done (new items count 0): a floor that studying
raises, and a series of that mean for each day until then, for a chart.

**Schedule to the date**: after each answer a covered item's due date may be capped
(`scheduling.exam_cap`): an item whose next review would come after the exam while its
predicted recall on the day is below the target is brought back the day before the exam.
Capped reviews are spread (`Load`) over the last week before the exam: the day with the fewest
reviews due that is still under the deck's daily maximum, the later on a tie, as Anki's load
balancer picks among the days an interval may fall on. New cards are paced by the exam planner
(`planner.plan_exam`): its per-deck new-card limits are applied when an exam date is saved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from omtquiz.clock import day_start, study_day
from omtquiz.decks.model import Item, Library
from omtquiz.progress.types import ExamDate, ItemRecord, parse_time
from omtquiz.scheduling import (
    SchedulerSettings,
    Settings,
    exam_cap,
    recall_after,
    recall_at,
)
from omtquiz.study.scope import Scope

MAX_SERIES_DAYS = 400  # a forecast chart's longest run of days
SERIES_POINTS = 60  # and the most points it is drawn from


def covered(exam: ExamDate, library: Library) -> list[Item]:
    """The items an exam covers: every item of its decks and of cards with its tags, once."""
    scopes = [Scope.deck(d) for d in exam.decks] + [Scope.tag(t) for t in exam.tags]
    return list(dict.fromkeys(item for scope in scopes for item in scope.items(library)))


def exam_moment(exam: ExamDate, settings: SchedulerSettings) -> datetime:
    """When the exam's study day begins (the learner's day start, in their time zone)."""
    return day_start(exam.on, settings.day_start_hour, settings.tzinfo)


@dataclass(frozen=True)
class TopicForecast:
    topic: str  # "deck:<id>" or "tag:<tag>"
    items: int
    expected_recall: float  # mean predicted recall on the exam day, new items as 0


@dataclass(frozen=True)
class ExamForecast:
    exam: ExamDate
    items: int
    expected_recall: float
    on_target: int  # covered items predicted at or above the target
    topics: tuple[TopicForecast, ...] = ()
    series: tuple[tuple[date, float], ...] = ()  # mean recall each day from today to the exam

    def to_dict(self) -> dict[str, object]:
        return {**self.exam.to_dict(), "items": self.items,
                "expected_recall": round(self.expected_recall, 4), "on_target": self.on_target,
                "topics": {t.topic: {"items": t.items,
                                     "expected_recall": round(t.expected_recall, 4)}
                           for t in self.topics},
                "series": [[day.isoformat(), round(value, 4)] for day, value in self.series]}


def forecast(exam: ExamDate, library: Library, records: dict[Item, ItemRecord],
             settings: Settings, now: datetime) -> ExamForecast:
    """Expected recall on the exam day for the items it covers, per deck and per tag."""
    items = [i for i in covered(exam, library)
             if not (records.get(i) and records[i].suspended)]
    glob = settings.global_settings
    moment = exam_moment(exam, glob)
    parameters = {deck_id: settings.for_deck(deck_id).parameters
                  for deck_id in {i.deck_id for i in items}}
    studied = [(i, records[i].card) for i in items
               if i in records and not records[i].card.is_new]
    at_exam = dict.fromkeys(items, 0.0)
    at_exam.update((i, recall_at(card, moment, parameters[i.deck_id])) for i, card in studied)
    topics: dict[str, list[float]] = {}
    for item in items:
        topics.setdefault(f"deck:{item.deck_id}", []).append(at_exam[item])
        card = library.card(item)
        for tag in exam.tags:
            if card is not None and any(t.casefold() == tag.casefold()
                                        or t.casefold().startswith(tag.casefold() + "::")
                                        for t in card.tags):
                topics.setdefault(f"tag:{tag}", []).append(at_exam[item])
    series = _series(exam, studied, parameters, len(items), glob, now)
    return ExamForecast(
        exam, len(items), _mean(list(at_exam.values())),
        sum(1 for r in at_exam.values() if r >= exam.target),
        tuple(TopicForecast(topic, len(values), _mean(values))
              for topic, values in sorted(topics.items())),
        series)


def _series(exam: ExamDate, studied: list[tuple[Item, object]], parameters: dict,
            total: int, glob: SchedulerSettings, now: datetime) -> tuple[tuple[date, float], ...]:
    """Mean recall of the covered items at the start of each day from today to the exam, at
    most `SERIES_POINTS` days, evenly spaced (always today and the exam day)."""
    today = study_day(now, glob.day_start_hour, glob.tzinfo)
    days = min(MAX_SERIES_DAYS, max(0, (exam.on - today).days))
    step = max(1, -(-days // SERIES_POINTS))
    offsets = sorted({*range(0, days + 1, step), days})
    curves = [(card.last_review, card.stability, parameters[item.deck_id])
              for item, card in studied]
    points = []
    for offset in offsets:
        day = today + timedelta(days=offset)
        when = day_start(day, glob.day_start_hour, glob.tzinfo)
        total_recall = sum(recall_after(max(0, (when - last).days), stability, weights)
                           for last, stability, weights in curves)
        points.append((day, total_recall / total if total else 0.0))
    return tuple(points)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def forecasts(store, library: Library, now: datetime) -> list[ExamForecast]:
    """A forecast for every exam date still ahead."""
    settings = store.settings()
    today = study_day(now, settings.global_settings.day_start_hour,
                      settings.global_settings.tzinfo)
    exams = [e for e in store.exam_dates() if e.on >= today]
    if not exams:
        return []
    records = store.records()
    return [forecast(exam, library, records, settings, now) for exam in exams]


# --- Schedule to the date --------------------------------------------------------------------

@dataclass
class Load:
    """Reviews due per study day, kept up to date as answers move them (the load balancer's
    view of the days ahead)."""

    day_start_hour: int = 4
    tz: object = None
    per_day: Counter[date] = field(default_factory=Counter)

    @classmethod
    def of(cls, due_times: Iterable[datetime | None], settings: SchedulerSettings) -> Load:
        load = cls(settings.day_start_hour, settings.tzinfo)
        for due in due_times:
            if due is not None:
                load.per_day[load.day(due)] += 1
        return load

    def day(self, when: datetime) -> date:
        return study_day(when, self.day_start_hour, self.tz)

    def move(self, old: datetime | None, new: datetime | None) -> None:
        if old is not None and self.per_day[self.day(old)] > 0:
            self.per_day[self.day(old)] -= 1
        if new is not None:
            self.per_day[self.day(new)] += 1


@dataclass
class ExamTargets:
    """For each item an upcoming exam covers: the soonest such exam's moment and target."""

    by_item: dict[Item, tuple[datetime, float]] = field(default_factory=dict)

    @classmethod
    def load(cls, exams: Iterable[ExamDate], library: Library, settings: Settings,
             now: datetime) -> ExamTargets:
        targets: dict[Item, tuple[datetime, float]] = {}
        for exam in sorted(exams, key=lambda e: e.on):
            moment = exam_moment(exam, settings.global_settings)
            if moment <= now:
                continue
            for item in covered(exam, library):
                targets.setdefault(item, (moment, exam.target))
        return cls(targets)

    def __bool__(self) -> bool:
        return bool(self.by_item)


class TargetsCache:
    """`ExamTargets` kept from one answer to the next.

    Building them walks every item the exams cover (about 3 ms for the bundled decks, far more
    for a big library), too much to repeat on every quiz answer. They are rebuilt only when the
    exam dates, the library or the settings change, or when the soonest exam's day begins (that
    exam then covers nothing).
    """

    def __init__(self) -> None:
        self._held: tuple | None = None  # (exams, library, settings, until, targets)

    def get(self, exams: Iterable[ExamDate], library: Library, settings: Settings,
            now: datetime) -> ExamTargets:
        exams = tuple(exams)
        held = self._held
        if held is not None and held[0] == exams and held[1] is library \
                and held[2] == settings and (held[3] is None or now < held[3]):
            return held[4]
        targets = ExamTargets.load(exams, library, settings, now)
        moments = [m for m in (exam_moment(e, settings.global_settings) for e in exams)
                   if m > now]
        self._held = (exams, library, settings, min(moments, default=None), targets)
        return targets


SPREAD_DAYS = 7  # capped reviews may move up to this many days before the exam's eve


def spread_days(cap: datetime, now: datetime) -> int:
    """How many days before the cap a capped review may be moved to keep under the maximum."""
    return max(0, min(SPREAD_DAYS, (cap - now).days - 1))


def cap_answer(after: ItemRecord, now: datetime, targets: ExamTargets,
               settings: SchedulerSettings, load: Load | None = None) -> ItemRecord:
    """`after` with its due date capped for the exam that covers it (unchanged otherwise)."""
    target = targets.by_item.get(after.item)
    if target is None:
        return after
    moment, recall_target = target
    cap = exam_cap(after.card, now, moment, recall_target, settings)
    if cap is None:
        return after
    if load is not None:
        choices = [cap - timedelta(days=n) for n in range(spread_days(cap, now) + 1)]
        open_days = [d for d in choices if load.per_day[load.day(d)] < settings.reviews_per_day]
        cap = min(open_days or choices,
                  key=lambda d: (load.per_day[load.day(d)], -d.timestamp()))
        load.move(after.card.due, cap)
    return replace(after, card=replace(after.card, due=cap))


def load_from_rows(rows: Iterable[tuple], settings: SchedulerSettings) -> Load:
    """A `Load` from queue rows (deck, card, ord, state, due text, suspended, buried)."""
    return Load.of((parse_time(due) for _, _, _, state, due, suspended, _ in rows
                    if state != 0 and not suspended), settings)


def set_exam_date(store, library: Library, exam: ExamDate, clock) -> tuple[ExamDate, object]:
    """Save an exam date and pace its new cards: the exam planner's new-card limits for the
    covered decks are applied (they only ever rise), so every card is introduced in time.
    The saved exam (with its id) and the plan."""
    from omtquiz.study.planner import plan_exam

    saved = replace(exam, id=store.save_exam_date(exam))
    scopes = [Scope.deck(d) for d in exam.decks] + [Scope.tag(t) for t in exam.tags]
    plan = plan_exam(store, library, exam.on, scopes, clock)
    if plan.changes():
        store.save_settings(plan.apply(store.settings()))
    return saved, plan
