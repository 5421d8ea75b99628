"""Progress statistics, headless, for `omtquiz stats` and the statistics screen.

One function, `collect`, reads the store once and returns every number both show: per deck
counts, today, a year of daily answers, the next 30 days of due cards, true retention (young and
mature, by deck and by tag), the hardest items, mastery per technique and the exam history.
Days are study days: they start at the configured hour in the configured time zone, so an
answer at 1 am counts for the day before, as it does for the daily limits.

Only items of the decks currently loaded are counted, so a card removed from its deck drops out
of the numbers (its history stays in the store and counts again if the card comes back).

A student may have 100,000 items, and building a record for each only to count it takes seconds,
so the store counts in SQL (per deck, per study day, per stage) and hands back only the items
the report names; Python reads rows one by one only for the 30-day window of answers.

Over 500 lines because the report's value types and the one pass that fills them belong
together: `collect` and the types it returns change as one.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from omtquiz.clock import Clock, SystemClock, day_bounds, day_start, study_day
from omtquiz.decks.model import Card, Deck, Item, Library
from omtquiz.numbers import percent_text
from omtquiz.progress.queries import AnswerRow, DeckTally
from omtquiz.progress.store import Store
from omtquiz.progress.types import AnswerMode, time_key
from omtquiz.scheduling import Rating, Settings, State, retrievability
from omtquiz.study.deck_list import deck_list
from omtquiz.study.queue import Counts
from omtquiz.study.search import item_question

RETENTION_DAYS = 30  # today and the 29 study days before it
HEATMAP_DAYS = 365
FORECAST_DAYS = 30
MATURE_DAYS = 21  # Anki's line between young and mature
HARDEST_LIMIT = 20
HARDEST_MIN_ANSWERS = 3  # fewer answers say too little about how hard an item is
RETENTION_WINDOW = timedelta(days=RETENTION_DAYS)
# The deck convention (docs/decks.md): a technique's tag sits on cards of all three topics.
# A technique tag has cards on what the technique is and what it is for; contraindications are
# not required (the sources list none for some techniques, e.g. muscle energy beyond the general).
TECHNIQUE_TOPICS = ("technique", "indication")
# Tags that name a subject area, never a technique. "counterstrain" and "cranial" are areas of
# the boards and techniques both, so they stay eligible as techniques.
TOPIC_TAGS = frozenset({*TECHNIQUE_TOPICS, "contraindication", "principles", "five-models",
                        "spinal-mechanics", "viscerosomatic", "chapman", "sacrum-pelvis", "ribs",
                        "lymphatic", "extremities", "do-vs-md", "patient-communication",
                        "patient-experience", "evidence", "safety"})


@dataclass(frozen=True)
class DeckStats:
    """One deck's numbers. `learning` and `due_today` are the deck list's Learn and Due:
    learning cards due today, and reviews still to do today within the daily limits.
    Retention is the share of review answers on graduated cards not rated Again over the
    last 30 study days, None when there were none."""

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
    """An item the student keeps forgetting: it lapsed, and of its `answers` logged (at least
    `HARDEST_MIN_ANSWERS`), `failed` were Again. `retrievability` is FSRS's chance now."""

    item: Item
    deck: str
    question: str
    lapses: int
    retrievability: float
    suspended: bool = False
    leech: bool = False
    answers: int = 0
    failed: int = 0

    @property
    def right(self) -> int:
        return self.answers - self.failed

    @property
    def recall(self) -> float | None:
        """The share of its logged answers that were not Again: recall as it really went."""
        return self.right / self.answers if self.answers else None

    def to_dict(self) -> dict[str, object]:
        return {"item": self.item.key, "deck": self.deck, "question": self.question,
                "lapses": self.lapses, "answers": self.answers, "failed": self.failed,
                "recall": self.recall, "retrievability": self.retrievability,
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

    @property
    def streak(self) -> int:
        return streak(self.reviews_by_day)

    def to_dict(self) -> dict[str, object]:
        def rows(values) -> list[dict[str, object]]:
            return [value.to_dict() for value in values]

        return {
            "generated_at": self.generated_at.isoformat(),
            "study_day": self.study_day.isoformat(),
            "streak": self.streak,
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


def streak(days: Sequence[DayCount]) -> int:
    """Study days in a row with answers, up to today (or up to yesterday, when today has none
    yet: a streak is not broken before the day is over). `days` ends with today."""
    counts = [d.count for d in days]
    if counts and counts[-1] == 0:
        counts.pop()
    run = 0
    for count in reversed(counts):
        if not count:
            break
        run += 1
    return run


class _Tally:
    def __init__(self, total: int = 0) -> None:
        self.total = self.new = total  # items without a row are new
        self.learning = self.due_today = self.reviewed_today = self.suspended = 0
        self.retained = self.retention_answers = 0

    def add_rows(self, suspended: int, seen: int, learning: int, due_today: int) -> None:
        self.suspended += suspended
        self.new -= seen
        self.learning += learning
        self.due_today += due_today

    def set_today(self, counts: Counts) -> None:
        """Learning cards due today and reviews due today, as the deck list counts them."""
        self.learning, self.due_today = counts.learning, counts.due

    def stats(self, deck_id: str, title: str, name: str) -> DeckStats:
        retention = self.retained / self.retention_answers if self.retention_answers else None
        return DeckStats(deck_id=deck_id, title=title, name=name, total=self.total, new=self.new,
                         learning=self.learning, due_today=self.due_today,
                         reviewed_today=self.reviewed_today, suspended=self.suspended,
                         retention_30d=retention, retention_answers=self.retention_answers)


class _RetentionTally:
    def __init__(self) -> None:
        self.counts = [0, 0, 0, 0]  # young passed, young total, mature passed, mature total

    def add(self, mature: bool, passed: bool, answers: int = 1) -> None:
        base = 2 if mature else 0
        self.counts[base] += answers if passed else 0
        self.counts[base + 1] += answers

    def result(self, key: str, name: str) -> Retention:
        return Retention(key, name, *self.counts)


_NOT_DESCRIPTION = frozenset({"indication", "contraindication", "safety", "evidence"})


def technique_tags(library: Library) -> list[str]:
    """The tags that name a technique, by the deck convention: a card on what it is (tagged
    `technique`, not `indication`, `contraindication`, `safety` or `evidence`) and a card on
    what it is for (`indication`). Condition tags
    (`headache`) sit only on indication cards, area tags are never techniques. Decks that do not
    follow it fall back to the tags found beside `technique` that are not topics themselves."""
    described: set[str] = set()
    indicated: set[str] = set()
    beside_technique: set[str] = set()
    for deck in library.decks:
        for card in deck.cards:
            if not card.tags:
                continue
            tags = set(card.tags)
            if "technique" in tags:
                beside_technique |= tags
                if not tags & _NOT_DESCRIPTION:
                    described |= tags
            if "indication" in tags:
                indicated |= tags
    full = sorted((described & indicated) - TOPIC_TAGS)
    return full or sorted(beside_technique - TOPIC_TAGS)


class _LibraryTally:
    """What the statistics need of a library: its decks, items per tag, and each tagged card's
    tags as an index into `tag_sets`, so answers and items are counted per set of tags, of
    which there are few, rather than one by one. It depends on the library alone, so it is kept
    for the library. Which store rows are of loaded items the store's registry says
    (`progress.registry`), without the 100,000 keys listed here.
    """

    def __init__(self, library: Library) -> None:
        self.decks: dict[str, Deck] = {}
        self.tag_items: Counter[str] = Counter()
        self.tag_set_of: dict[str, dict[str, int]] = {}
        self.technique_tags: list[str] | None = None
        sets: dict[tuple[str, ...], int] = {}
        for deck in library.decks:
            tag_set_of = self.tag_set_of.setdefault(deck.id, {})
            for card in deck.cards:
                if card.tags:
                    ords = len(card.ords())
                    tag_set_of.setdefault(card.id, sets.setdefault(card.tags, len(sets)))
                    for tag in card.tags:
                        self.tag_items[tag] += ords
            self.decks.setdefault(deck.id, deck)
        self.tag_sets = list(sets)

    def card(self, deck_id: str, card_id: str) -> Card | None:
        deck = self.decks.get(deck_id)
        return deck.card(card_id) if deck is not None else None


_layouts: list[tuple[weakref.ref[Library], _LibraryTally]] = []


def _layout(library: Library) -> _LibraryTally:
    """The library's layout, kept while the library lives (libraries never change)."""
    for ref, layout in _layouts:
        if ref() is library:
            return layout
    layout = _LibraryTally(library)
    _layouts[:] = [(ref, kept) for ref, kept in _layouts[-1:] if ref() is not None]
    _layouts.append((weakref.ref(library), layout))
    return layout


class _Loaded(NamedTuple):
    """Which store rows are of loaded items: those of `deck_ids` (None: every deck with rows is
    loaded) less `excluded` (rows of cards or items since removed from their deck). Worked out
    from the item rows, it holds for the log too: a foreign key gives each log row an item row.
    """

    deck_ids: list[str] | None
    excluded: list[Item]


def _deck_rows(store: Store, library: Library, layout: _LibraryTally, now: datetime,
               end: datetime) -> tuple[list[DeckTally], _Loaded]:
    """The store's per-deck tallies of loaded items, and how to keep to those items."""
    store.register_library(library)
    rows = store.deck_tallies(now, end)
    with_rows = [row.deck_id for row in rows if row.deck_id in layout.decks]
    deck_ids = None if len(with_rows) == len(rows) else list(layout.decks)
    loaded = _Loaded(deck_ids, store.unregistered(with_rows) if with_rows else [])
    if loaded.excluded:
        rows = store.deck_tallies(now, end, *loaded)
    return [row for row in rows if row.deck_id in layout.decks], loaded


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
    layout = _layout(library)
    titles = {deck.id: deck.full_name for deck in library.decks}

    rows, loaded = _deck_rows(store, library, layout, now, end)
    items = store.registered_counts()
    tallies = {deck_id: _Tally(items.get(deck_id, 0)) for deck_id in layout.decks}
    grand = _Tally(sum(items.get(deck_id, 0) for deck_id in layout.decks))
    for deck_id, _, suspended, seen, learning, due_today in rows:
        tallies[deck_id].add_rows(suspended, seen, learning, due_today)
        grand.add_rows(suspended, seen, learning, due_today)
    # Learning and due as the deck list counts them (what today's queue will show, within
    # the daily limits), from the same code, so the list and `omtquiz stats` always agree.
    listed = deck_list(store, library, clock, settings)
    for row in listed.rows:
        if row.counts is not None and row.key in tallies:
            tallies[row.key].set_today(row.counts)
    grand.set_today(listed.totals)
    today_stats, retention, by_deck, by_tag = _answers(
        store.answer_rows(window_start, end), layout, loaded, tallies, grand, time_key(start),
        titles)

    first_day = today - timedelta(days=HEATMAP_DAYS - 1)
    starts = [day_start(first_day + timedelta(days=n), hour, tz) for n in range(HEATMAP_DAYS)]
    per_day = store.answer_counts([*starts, end], *loaded)
    forecast = store.due_counts(
        [day_start(today + timedelta(days=n), hour, tz) for n in range(1, FORECAST_DAYS + 1)],
        *loaded)
    if techniques is None:
        if layout.technique_tags is None:
            layout.technique_tags = technique_tags(library)
        techniques = layout.technique_tags
    return StatsReport(
        generated_at=now,
        study_day=today,
        decks=tuple(tallies[d.id].stats(d.id, d.title, d.full_name) for d in library.decks),
        total=grand.stats("", "All decks", "All decks"),
        today=today_stats,
        reviews_by_day=tuple(DayCount(first_day + timedelta(days=n), count)
                             for n, count in enumerate(per_day)),
        forecast=tuple(DayCount(today + timedelta(days=n), count)
                       for n, count in enumerate(forecast)),
        retention=retention,
        retention_by_deck=by_deck,
        retention_by_tag=by_tag,
        hardest=_hardest(store, layout, loaded, titles, settings, now, hardest_limit),
        mastery=_mastery(store, layout, loaded, techniques),
        exams=tuple(ExamPoint(study_day(e.started_at, hour, tz), e.started_at, e.scope,
                              e.total, e.correct) for e in store.exams()),
    )


def _gap(due: str | None, last_review: str | None) -> timedelta | None:
    """The interval a log snapshot's card had (its due less its last review), if both are set."""
    if due is None or last_review is None:
        return None
    return datetime.fromisoformat(due) - datetime.fromisoformat(last_review)


def _answers(rows: list[AnswerRow], layout: _LibraryTally, loaded: _Loaded,
             tallies: dict[str, _Tally], grand: _Tally, start: str, titles: dict[str, str],
             ) -> tuple[TodayStats, Retention, tuple[Retention, ...], tuple[Retention, ...]]:
    """Today's figures and true retention from the answers of the 30-day window (`rows` from
    `Store.answer_rows`); answers from `start` on count for today."""
    decks, excluded = layout.decks, set(loaded.excluded)
    rows = [row for row in rows if row.deck_id in decks and row[:3] not in excluded]
    today = [row for row in rows if row.reviewed_at >= start]
    for deck_id, count in Counter(row.deck_id for row in today).items():
        tallies[deck_id].reviewed_today += count
        grand.reviewed_today += count
    mature_gap = timedelta(days=MATURE_DAYS)
    # Answers counted by (deck, set of tags, mature, passed): few groups, however many answers.
    groups: Counter[tuple[str, int | None, bool, bool]] = Counter()
    for deck_id, card_id, _, _, rating, _, mode, state, due, last in rows:
        if mode == AnswerMode.REVIEW and state == State.REVIEW:
            gap = _gap(due, last)
            groups[deck_id, layout.tag_set_of[deck_id].get(card_id),
                   gap is not None and gap >= mature_gap, rating > Rating.AGAIN] += 1
    retention = _RetentionTally()
    decks = {deck_id: _RetentionTally() for deck_id in titles}
    tags: dict[str, _RetentionTally] = {}
    for (deck_id, tag_set, mature, passed), count in groups.items():
        for tally in (tallies[deck_id], grand):
            tally.retention_answers += count
            tally.retained += count if passed else 0
        retention.add(mature, passed, count)
        decks[deck_id].add(mature, passed, count)
        for tag in layout.tag_sets[tag_set] if tag_set is not None else ():
            tags.setdefault(tag, _RetentionTally()).add(mature, passed, count)
    return (TodayStats(answers=len(today), cards=len({row[:3] for row in today}),
                       time_ms=sum(row.duration_ms or 0 for row in today),
                       again=sum(row.rating == Rating.AGAIN for row in today)),
            retention.result("", "All decks"),
            tuple(decks[d].result(d, titles[d]) for d in decks),
            tuple(tags[t].result(t, t) for t in sorted(tags, key=str.casefold)))


def _hardest(store: Store, layout: _LibraryTally, loaded: _Loaded, titles: dict[str, str],
             settings: Settings, now: datetime, limit: int) -> tuple[HardItem, ...]:
    """Items forgotten in review (lapsed) with enough answers logged to judge: most lapses
    first, then the lowest share of answers right in the log, then the highest difficulty.

    A card failed while first being learned has not lapsed, and a card answered once or twice
    says little: neither is listed, so day one's list is empty rather than noise.
    """
    result = []
    for record, answers, failed in store.struggled(HARDEST_MIN_ANSWERS, limit, *loaded):
        item = record.item
        card = layout.card(item.deck_id, item.card_id)
        assert card is not None  # the store kept to loaded items
        chance = retrievability(record.card, now, settings.for_deck(item.deck_id))
        result.append(HardItem(item, titles[item.deck_id], item_question(card, item.ord),
                               record.card.lapses, chance, record.suspended, record.leech,
                               answers, failed))
    return tuple(result)


def _mastery(store: Store, layout: _LibraryTally, loaded: _Loaded,
             techniques: list[str]) -> tuple[Mastery, ...]:
    """Each technique's items by stage; items without a row, or with a new one, are new."""
    stages: dict[str, Counter[str]] = {tag: Counter() for tag in techniques}
    if any(layout.tag_items[tag] for tag in stages):
        for deck_id, learning, review, mature in store.stage_cards(MATURE_DAYS, *loaded):
            tag_set_of = layout.tag_set_of[deck_id].get
            for stage, card_ids, sign in (("learning", learning, 1), ("young", review, 1),
                                          ("young", mature, -1), ("mature", mature, 1)):
                for tag_set, count in Counter(map(tag_set_of, card_ids)).items():
                    for tag in layout.tag_sets[tag_set] if tag_set is not None else ():
                        if tag in stages:
                            stages[tag][stage] += sign * count
    result = []
    for tag, counts in stages.items():
        total = layout.tag_items[tag]
        result.append(Mastery(tag, total=total, mature=counts["mature"], young=counts["young"],
                              learning=counts["learning"], new=total - sum(counts.values())))
    return tuple(result)


def format_table(report: StatsReport) -> str:
    """The report as an aligned plain-text table, with today's summary under it."""
    header = ("deck", "total", "new", "learning", "due", "reviewed", "retention")
    rows = [header]
    for stats in (*report.decks, report.total):
        retention = percent_text(stats.retention_30d, "-")
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
    lines.append(f"Streak: {report.streak} day{'s' if report.streak != 1 else ''} in a row.")
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
    again = f", Again {percent_text(today.again_rate)}" if today.again_rate is not None else ""
    return (f"Today: {today.answers} answer{'s' if today.answers != 1 else ''} on "
            f"{today.cards} card{'s' if today.cards != 1 else ''} in "
            f"{duration_text(today.time_ms)}{again}.")
