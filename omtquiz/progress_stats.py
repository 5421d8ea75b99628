"""Progress statistics, headless, for `omtquiz stats` and the statistics screen.

One function, `collect`, reads the store once and returns every number both show: per deck
counts, today, a year of daily answers, the next 30 days of due cards, true retention (young and
mature, by deck and by tag), the hardest items, mastery per technique and the exam history.
Days are study days: they start at the configured hour in the configured time zone, so an
answer at 1 am counts for the day before, as it does for the daily limits.

Only items of the decks currently loaded are counted, so a card removed from its deck drops out
of the numbers (its history stays in the store and counts again if the card comes back).
"""

from __future__ import annotations

import bisect
import heapq
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from omtquiz.clock import Clock, SystemClock, as_utc, day_bounds, study_day
from omtquiz.model import Card, Item, Library
from omtquiz.scheduling import CardState, Rating, Settings, State, retrievability
from omtquiz.search import interval, item_question
from omtquiz.store import ItemRecord, LogEntry, LogSummary, Store

RETENTION_DAYS = 30  # today and the 29 study days before it
HEATMAP_DAYS = 365
FORECAST_DAYS = 30
MATURE_DAYS = 21  # Anki's line between young and mature
HARDEST_LIMIT = 20
RETENTION_WINDOW = timedelta(days=RETENTION_DAYS)
# The deck convention (docs/decks.md): a technique's tag sits on cards of all three topics.
TECHNIQUE_TOPICS = ("technique", "indication", "contraindication")
TOPIC_TAGS = frozenset({*TECHNIQUE_TOPICS, "principles", "safety", "do-vs-md",
                        "patient-experience"})


def day_start(day: date, day_start_hour: int, tz: tzinfo | None) -> datetime:
    """The UTC moment study day `day` begins; mid-day is looked up so DST never shifts it."""
    middle = datetime(day.year, day.month, day.day, day_start_hour) + timedelta(hours=12)
    local = middle.replace(tzinfo=tz) if tz is not None else middle.astimezone()
    return day_bounds(as_utc(local), day_start_hour, tz)[0]


def is_mature(card: CardState) -> bool:
    """Anki's rule: a graduated card whose interval is 21 days or more."""
    gap = interval(card)
    return card.state is State.REVIEW and gap is not None and gap >= timedelta(days=MATURE_DAYS)


@dataclass(frozen=True)
class DeckStats:
    """One deck's numbers. `due_today` is what is still to do today (learning cards included);
    retention is the share of review answers on graduated cards not rated Again over the last
    30 study days, None when there were none."""

    deck_id: str
    title: str
    name: str = ""  # the Anki-style full name, "Parent::Title"
    total: int = 0
    new: int = 0
    learning: int = 0
    due_today: int = 0
    reviewed_today: int = 0
    suspended: int = 0
    retention_30d: float | None = None
    retention_answers: int = 0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class TodayStats:
    """Today's answers (reviews and quiz answers), the items they were for, time and Agains."""

    answers: int = 0
    cards: int = 0
    time_ms: int = 0
    again: int = 0

    @property
    def again_rate(self) -> float | None:
        return self.again / self.answers if self.answers else None

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "again_rate": self.again_rate}


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int

    def to_dict(self) -> dict[str, object]:
        return {"day": self.day.isoformat(), "count": self.count}


def _rate(passed: int, total: int) -> float | None:
    return passed / total if total else None


@dataclass(frozen=True)
class Retention:
    """True retention as Anki counts it: review answers on graduated cards, passed unless
    Again; young when the interval before the answer was under 21 days, mature otherwise."""

    key: str  # deck id or tag
    name: str
    young_passed: int = 0
    young_total: int = 0
    mature_passed: int = 0
    mature_total: int = 0

    @property
    def young(self) -> float | None:
        return _rate(self.young_passed, self.young_total)

    @property
    def mature(self) -> float | None:
        return _rate(self.mature_passed, self.mature_total)

    @property
    def total(self) -> float | None:
        return _rate(self.young_passed + self.mature_passed,
                     self.young_total + self.mature_total)

    @property
    def answers(self) -> int:
        return self.young_total + self.mature_total

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "young": self.young, "mature": self.mature, "total": self.total}


@dataclass(frozen=True)
class HardItem:
    item: Item
    deck: str
    question: str
    lapses: int
    retrievability: float
    suspended: bool = False
    leech: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"item": self.item.key, "deck": self.deck, "question": self.question,
                "lapses": self.lapses, "retrievability": self.retrievability,
                "suspended": self.suspended, "leech": self.leech}


@dataclass(frozen=True)
class Mastery:
    """One technique's items by stage: mature (interval 21+ days), young, learning, new."""

    tag: str
    total: int = 0
    mature: int = 0
    young: int = 0
    learning: int = 0
    new: int = 0

    @property
    def share(self) -> float:
        return self.mature / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "share": self.share}


@dataclass(frozen=True)
class ExamPoint:
    day: date
    started_at: datetime
    scope: str
    total: int
    correct: int

    @property
    def score(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, object]:
        return {"day": self.day.isoformat(), "started_at": self.started_at.isoformat(),
                "scope": self.scope, "total": self.total, "correct": self.correct,
                "score": self.score}


@dataclass(frozen=True)
class StatsReport:
    generated_at: datetime
    study_day: date
    decks: tuple[DeckStats, ...]
    total: DeckStats
    today: TodayStats = field(default_factory=TodayStats)
    reviews_by_day: tuple[DayCount, ...] = ()  # the past year, oldest first, today last
    forecast: tuple[DayCount, ...] = ()  # today (overdue included) and the 29 days after
    retention: Retention | None = None  # all loaded decks together
    retention_by_deck: tuple[Retention, ...] = ()
    retention_by_tag: tuple[Retention, ...] = ()
    hardest: tuple[HardItem, ...] = ()
    mastery: tuple[Mastery, ...] = ()
    exams: tuple[ExamPoint, ...] = ()

    def to_dict(self) -> dict[str, object]:
        def rows(values) -> list[dict[str, object]]:
            return [value.to_dict() for value in values]

        return {
            "generated_at": self.generated_at.isoformat(),
            "study_day": self.study_day.isoformat(),
            "decks": rows(self.decks),
            "total": self.total.to_dict(),
            "today": self.today.to_dict(),
            "reviews_by_day": rows(self.reviews_by_day),
            "forecast": rows(self.forecast),
            "retention": self.retention.to_dict() if self.retention else None,
            "retention_by_deck": rows(self.retention_by_deck),
            "retention_by_tag": rows(self.retention_by_tag),
            "hardest": rows(self.hardest),
            "mastery": rows(self.mastery),
            "exams": rows(self.exams),
        }


class _Tally:
    def __init__(self) -> None:
        self.total = self.new = self.learning = self.due_today = 0
        self.reviewed_today = self.suspended = 0
        self.retained = self.retention_answers = 0

    def add_item(self, record: ItemRecord, now: datetime, day_end: datetime) -> None:
        card = record.card
        self.total += 1
        self.suspended += record.suspended
        if card.is_new:
            self.new += 1
            return
        if card.is_learning:
            self.learning += 1
        waiting = record.suspended or record.is_buried(now)
        if not waiting and card.due is not None and card.due < day_end:
            self.due_today += 1

    def add_answer(self, row: LogSummary, today_start: datetime, window_start: datetime) -> None:
        if row.reviewed_at >= today_start:
            self.reviewed_today += 1
        if row.reviewed_at >= window_start and counts_for_retention(row):
            self.retention_answers += 1
            self.retained += row.rating > Rating.AGAIN

    def stats(self, deck_id: str, title: str, name: str) -> DeckStats:
        retention = self.retained / self.retention_answers if self.retention_answers else None
        return DeckStats(deck_id=deck_id, title=title, name=name, total=self.total, new=self.new,
                         learning=self.learning, due_today=self.due_today,
                         reviewed_today=self.reviewed_today, suspended=self.suspended,
                         retention_30d=retention, retention_answers=self.retention_answers)


def counts_for_retention(row: LogSummary | LogEntry) -> bool:
    """A review-screen answer on a graduated card: quizzes and learning steps test other things."""
    state_before = row.state_before if isinstance(row, LogSummary) else row.before.card.state
    return row.mode == "review" and state_before is State.REVIEW


class _RetentionTally:
    def __init__(self) -> None:
        self.counts = [0, 0, 0, 0]  # young passed, young total, mature passed, mature total

    def add(self, mature: bool, passed: bool) -> None:
        base = 2 if mature else 0
        self.counts[base] += passed
        self.counts[base + 1] += 1

    def result(self, key: str, name: str) -> Retention:
        return Retention(key, name, *self.counts)


def technique_tags(library: Library) -> list[str]:
    """The tags that name a technique, by the deck convention: each has cards of every topic in
    TECHNIQUE_TOPICS. Decks that do not follow it fall back to the tags found beside
    `technique` that are not topics themselves."""
    topics: defaultdict[str, set[str]] = defaultdict(set)
    beside_technique: set[str] = set()
    for deck in library.decks:
        for card in deck.cards:
            present = {t for t in card.tags if t in TECHNIQUE_TOPICS}
            for tag in card.tags:
                topics[tag] |= present
                if "technique" in present:
                    beside_technique.add(tag)
    full = sorted(t for t, seen in topics.items()
                  if t not in TOPIC_TAGS and seen.issuperset(TECHNIQUE_TOPICS))
    return full or sorted(beside_technique - TOPIC_TAGS)


def collect(store: Store, library: Library, clock: Clock | None = None,
            settings: Settings | None = None, *, hardest_limit: int = HARDEST_LIMIT,
            techniques: list[str] | None = None) -> StatsReport:
    """Every statistic for the study day holding the clock's now.

    `techniques` names the tags shown under mastery (default: `technique_tags(library)`).
    """
    now = (clock or SystemClock()).now()
    settings = settings if settings is not None else store.settings()
    glob = settings.global_settings
    hour, tz = glob.day_start_hour, glob.tzinfo
    today = study_day(now, hour, tz)
    start, end = day_bounds(now, hour, tz)
    window_start = day_start(today - timedelta(days=RETENTION_DAYS - 1), hour, tz)
    records = store.records()

    loaded: dict[Item, tuple[str, Card]] = {}
    tallies: dict[str, _Tally] = {}
    grand = _Tally()
    for deck in library.decks:
        tally = tallies[deck.id] = _Tally()
        for card in deck.cards:
            for item in card.items():
                loaded[item] = (deck.id, card)
                record = records.get(item) or ItemRecord(item)
                tally.add_item(record, now, end)
                grand.add_item(record, now, end)

    first_day = today - timedelta(days=HEATMAP_DAYS - 1)
    starts = [day_start(first_day + timedelta(days=n), hour, tz) for n in range(HEATMAP_DAYS)]
    per_day = [0] * HEATMAP_DAYS
    for row in store.summaries(since=starts[0], until=end):  # the year holds the 30 days
        place = loaded.get(row.item)
        if place is None:
            continue
        tallies[place[0]].add_answer(row, start, window_start)
        grand.add_answer(row, start, window_start)
        day = bisect.bisect_right(starts, row.reviewed_at) - 1
        if day >= 0:
            per_day[day] += 1

    entries = [e for e in store.entries(since=window_start, until=end) if e.item in loaded]
    titles = {deck.id: deck.full_name for deck in library.decks}
    retention, by_deck, by_tag = _retention(entries, loaded, titles, library)
    return StatsReport(
        generated_at=now,
        study_day=today,
        decks=tuple(tallies[d.id].stats(d.id, d.title, d.full_name) for d in library.decks),
        total=grand.stats("", "All decks", "All decks"),
        today=_today([e for e in entries if e.reviewed_at >= start]),
        reviews_by_day=tuple(DayCount(first_day + timedelta(days=n), count)
                             for n, count in enumerate(per_day)),
        forecast=_forecast(records, loaded, today, hour, tz),
        retention=retention,
        retention_by_deck=by_deck,
        retention_by_tag=by_tag,
        hardest=_hardest(records, loaded, titles, settings, now, hardest_limit),
        mastery=_mastery(records, library,
                         technique_tags(library) if techniques is None else techniques),
        exams=tuple(ExamPoint(study_day(e.started_at, hour, tz), e.started_at, e.scope,
                              e.total, e.correct) for e in store.exams()),
    )


def _today(entries: list[LogEntry]) -> TodayStats:
    return TodayStats(answers=len(entries), cards=len({e.item for e in entries}),
                      time_ms=sum(e.duration_ms or 0 for e in entries),
                      again=sum(e.rating is Rating.AGAIN for e in entries))


def _retention(entries: list[LogEntry], loaded: dict[Item, tuple[str, Card]],
               titles: dict[str, str], library: Library,
               ) -> tuple[Retention, tuple[Retention, ...], tuple[Retention, ...]]:
    grand = _RetentionTally()
    decks = {deck.id: _RetentionTally() for deck in library.decks}
    tags: dict[str, _RetentionTally] = {}
    for entry in entries:
        if not counts_for_retention(entry):
            continue
        deck_id, card = loaded[entry.item]
        mature = is_mature(entry.before.card)
        passed = entry.rating > Rating.AGAIN
        grand.add(mature, passed)
        decks[deck_id].add(mature, passed)
        for tag in card.tags:
            tags.setdefault(tag, _RetentionTally()).add(mature, passed)
    return (grand.result("", "All decks"),
            tuple(decks[d].result(d, titles[d]) for d in decks),
            tuple(tags[t].result(t, t) for t in sorted(tags, key=str.casefold)))


def _forecast(records: dict[Item, ItemRecord], loaded: dict[Item, tuple[str, Card]],
              today: date, hour: int, tz: tzinfo | None) -> tuple[DayCount, ...]:
    """Cards coming due per study day as things stand; what is overdue counts for today."""
    bounds = [day_start(today + timedelta(days=n), hour, tz) for n in range(1, FORECAST_DAYS + 1)]
    counts = [0] * FORECAST_DAYS
    for item, record in records.items():
        card = record.card
        if item not in loaded or record.suspended or card.is_new or card.due is None:
            continue
        day = bisect.bisect_right(bounds, card.due)
        if day < FORECAST_DAYS:
            counts[day] += 1
    return tuple(DayCount(today + timedelta(days=n), counts[n]) for n in range(FORECAST_DAYS))


def _hardest(records: dict[Item, ItemRecord], loaded: dict[Item, tuple[str, Card]],
             titles: dict[str, str], settings: Settings, now: datetime,
             limit: int) -> tuple[HardItem, ...]:
    """Most lapses first, then lowest retrievability now.

    Retrievability falls as the days since the last review grow against the stability, so the
    list is chosen by that ratio and FSRS is asked only about the items on it: with 100,000
    reviewed items that is the difference between a second and nothing.
    """
    def strain(record: ItemRecord) -> float:
        card = record.card
        if card.last_review is None or not card.stability:
            return 0.0
        return max(0, (now - card.last_review).days) / card.stability

    seen = (r for item, r in records.items() if item in loaded and not r.card.is_new)
    chosen = heapq.nsmallest(max(0, limit), seen,
                             key=lambda r: (-r.card.lapses, -strain(r), r.item))
    scored = [(r, retrievability(r.card, now, settings.for_deck(r.item.deck_id)))
              for r in chosen]
    scored.sort(key=lambda pair: (-pair[0].card.lapses, pair[1], pair[0].item))
    result = []
    for record, chance in scored:
        deck_id, card = loaded[record.item]
        result.append(HardItem(record.item, titles[deck_id],
                               item_question(card, record.item.ord), record.card.lapses,
                               chance, record.suspended, record.leech))
    return tuple(result)


def _mastery(records: dict[Item, ItemRecord], library: Library,
             techniques: list[str]) -> tuple[Mastery, ...]:
    stages: dict[str, Counter[str]] = {tag: Counter() for tag in techniques}
    for deck in library.decks:
        for card in deck.cards:
            wanted = [tag for tag in card.tags if tag in stages]
            if not wanted:
                continue
            for item in card.items():
                record = records.get(item)
                state = record.card if record else CardState()
                if state.is_new:
                    stage = "new"
                elif state.is_learning:
                    stage = "learning"
                else:
                    stage = "mature" if is_mature(state) else "young"
                for tag in wanted:
                    stages[tag][stage] += 1
    return tuple(Mastery(tag, total=sum(c.values()), mature=c["mature"], young=c["young"],
                         learning=c["learning"], new=c["new"]) for tag, c in stages.items())


def format_table(report: StatsReport) -> str:
    """The report as an aligned plain-text table, with today's summary under it."""
    header = ("deck", "total", "new", "learning", "due", "reviewed", "retention")
    rows = [header]
    for stats in (*report.decks, report.total):
        retention = "-" if stats.retention_30d is None else f"{stats.retention_30d:.0%}"
        rows.append((stats.name, str(stats.total), str(stats.new), str(stats.learning),
                     str(stats.due_today), str(stats.reviewed_today), retention))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
        if index == 0 or index == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(today_sentence(report.today))
    return "\n".join(lines)


def duration_text(ms: int) -> str:
    """'45 s', '12 min', '1 h 05 min'."""
    seconds = round(ms / 1000)
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02} min"


def today_sentence(today: TodayStats) -> str:
    if not today.answers:
        return "Today: no answers yet."
    again = f", Again {today.again_rate:.0%}" if today.again_rate is not None else ""
    return (f"Today: {today.answers} answer{'s' if today.answers != 1 else ''} on "
            f"{today.cards} card{'s' if today.cards != 1 else ''} in "
            f"{duration_text(today.time_ms)}{again}.")
