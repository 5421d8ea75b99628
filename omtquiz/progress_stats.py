"""Progress statistics per deck, headless, for `omtquiz stats` and the statistics screen.

Only items of the decks currently loaded are counted, so a card removed from its deck drops out
of the numbers (its history stays in the store and counts again if the card comes back).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from omtquiz.clock import Clock, SystemClock, day_bounds, study_day
from omtquiz.model import Item, Library
from omtquiz.scheduling import Rating, Settings, State
from omtquiz.store import ItemRecord, LogSummary, Store

RETENTION_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class DeckStats:
    """One deck's numbers. `due_today` is what is still to do today (learning cards included);
    retention is the share of review answers on graduated cards not rated Again over the last
    30 days, None when there were none."""

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
class StatsReport:
    generated_at: datetime
    study_day: date
    decks: tuple[DeckStats, ...]
    total: DeckStats

    def to_dict(self) -> dict[str, object]:
        return {
            "generated_at": self.generated_at.isoformat(),
            "study_day": self.study_day.isoformat(),
            "decks": [deck.to_dict() for deck in self.decks],
            "total": self.total.to_dict(),
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
        if (row.reviewed_at >= window_start and row.mode == "review"
                and row.state_before is State.REVIEW):
            self.retention_answers += 1
            self.retained += row.rating > Rating.AGAIN

    def stats(self, deck_id: str, title: str, name: str) -> DeckStats:
        retention = self.retained / self.retention_answers if self.retention_answers else None
        return DeckStats(deck_id=deck_id, title=title, name=name, total=self.total, new=self.new,
                         learning=self.learning, due_today=self.due_today,
                         reviewed_today=self.reviewed_today, suspended=self.suspended,
                         retention_30d=retention, retention_answers=self.retention_answers)


def collect(store: Store, library: Library, clock: Clock | None = None,
            settings: Settings | None = None) -> StatsReport:
    """Per-deck statistics for the study day holding the clock's now, and their sum."""
    now = (clock or SystemClock()).now()
    settings = settings if settings is not None else store.settings()
    glob = settings.global_settings
    start, end = day_bounds(now, glob.day_start_hour, glob.tzinfo)
    window_start = now - RETENTION_WINDOW
    records = store.records()

    deck_of: dict[Item, str] = {}
    tallies: dict[str, _Tally] = {}
    grand = _Tally()
    for deck in library.decks:
        tally = tallies[deck.id] = _Tally()
        for item in deck.items():
            deck_of[item] = deck.id
            record = records.get(item) or ItemRecord(item)
            tally.add_item(record, now, end)
            grand.add_item(record, now, end)
    for row in store.summaries(since=min(start, window_start), until=end):
        deck_id = deck_of.get(row.item)
        if deck_id is not None:
            tallies[deck_id].add_answer(row, start, window_start)
            grand.add_answer(row, start, window_start)
    return StatsReport(
        generated_at=now,
        study_day=study_day(now, glob.day_start_hour, glob.tzinfo),
        decks=tuple(tallies[d.id].stats(d.id, d.title, d.full_name) for d in library.decks),
        total=grand.stats("", "All decks", "All decks"),
    )


def format_table(report: StatsReport) -> str:
    """The report as an aligned plain-text table."""
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
    return "\n".join(lines)
