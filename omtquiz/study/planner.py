"""The exam planner: how ready a student will be on exam day, and how many new cards a day it
takes to have seen everything in time.

Expected recall is the mean of FSRS's predicted recall of every unsuspended item in scope at the
start of exam day, were no more reviews done: a floor that studying only raises. New items count
as 0, since nothing predicts recall of a card never seen.

The new-card plan follows the queue: each deck introduces up to its own daily limit of new items,
in deck-file order, at most one item per card per day (the siblings of a reverse or cloze card
wait until the next day). It assumes the student studies this scope, so a tag's items are not
crowded out by the rest of their decks. Everything should be introduced by a deadline that
leaves a margin for reviews: a week before the exam, or half the time left when that is less.
Applying a plan only raises limits: introducing cards sooner than the deadline only adds margin,
so a limit that already meets it is left as the student set it.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from omtquiz.clock import Clock, SystemClock, day_start, study_day
from omtquiz.decks.model import Item, Library
from omtquiz.numbers import percent_text
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import Settings, retrievability
from omtquiz.study.queue import new_introduced_today
from omtquiz.study.scope import Scope

DEFAULT_MARGIN_DAYS = 7
HEAVY_NEW_PER_DAY = 100  # beyond this a plan works on paper, not for a person
# The share of a scope started before its recall forecast is shown as the headline: with most
# cards never seen (each counted as 0) it only says "you have not started", discouragingly.
ENOUGH_STARTED = 0.5


def introduction_days(card_sizes: Sequence[int], per_day: int, first_day: int | None = None,
                      limit: int | None = None) -> int | None:
    """Study days (today is day 1) until every new item is introduced, or None if never (or not
    within `limit` days).

    `card_sizes` holds each card's count of new items in queue order; each day takes the first
    `per_day` cards that still have one, one item from each. `first_day` is what today's
    allowance has left.
    """
    waiting = deque(size for size in card_sizes if size > 0)
    day = 0
    while waiting:
        day += 1
        if limit is not None and day > limit:
            return None
        allowance = per_day if day > 1 or first_day is None else first_day
        if allowance <= 0 and day > 1:
            return None
        taken = [waiting.popleft() - 1 for _ in range(min(allowance, len(waiting)))]
        waiting.extendleft(reversed([left for left in taken if left > 0]))
    return day


def minimal_per_day(card_sizes: Sequence[int], days: int, used_today: int) -> int | None:
    """The smallest daily limit that introduces every item within `days` study days, None when
    no limit can (a card with more parts than days, or no days at all)."""
    sizes = [size for size in card_sizes if size > 0]
    if not sizes:
        return 0
    if days < 1 or max(sizes) > days:
        return None

    def fits(per_day: int) -> bool:
        return introduction_days(sizes, per_day, max(0, per_day - used_today), days) is not None

    low = max(1, math.ceil(sum(sizes) / days))
    high = max(low, sum(sizes) + used_today)
    if not fits(high):
        return None
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return low


@dataclass(frozen=True)
class DeckPlan:
    deck_id: str
    title: str
    new: int  # new items of the scope in this deck
    limit: int  # the deck's new-card limit now
    used_today: int  # new items the deck has already introduced today
    days_at_limit: int | None  # study days to introduce them all at that limit (None: never)
    recommended: int | None  # the smallest limit that meets the deadline (None: none can)


@dataclass(frozen=True)
class ExamPlan:
    exam_day: date
    today: date
    deadline: date  # the last day new items should be introduced
    items: int  # unsuspended items in scope
    suspended: int
    new: int
    expected_recall: float
    decks: tuple[DeckPlan, ...]

    @property
    def started(self) -> int:
        """Unsuspended items in scope that are not new."""
        return self.items - self.new

    @property
    def started_recall(self) -> float | None:
        """The mean predicted recall on exam day of the started items alone."""
        return self.expected_recall * self.items / self.started if self.started else None

    @property
    def enough_data(self) -> bool:
        """Whether enough of the scope is started for its recall forecast to mean much."""
        return self.items > 0 and self.started >= ENOUGH_STARTED * self.items

    def headline(self) -> tuple[str, str]:
        """What the planner shows big, and its caption: the expected recall once enough of
        the scope is started, else how much of it is."""
        if not self.items:
            return "–", "no cards to study in this scope"
        if not self.enough_data:
            return (f"{self.started} of {self.items}",
                    "cards started: too few yet\nfor a forecast of exam-day recall")
        return (percent_text(self.expected_recall),
                "expected recall on exam day\nwith no more reviews")

    @property
    def days_left(self) -> int:
        """Study days before the exam, today included."""
        return (self.exam_day - self.today).days

    @property
    def last_introduction(self) -> date | None:
        """The day the last new item is introduced at the current limits; None if never."""
        days = [d.days_at_limit for d in self.decks if d.new]
        if not days:
            return self.today
        if None in days:
            return None
        return self.today + timedelta(days=max(days) - 1)

    @property
    def seen_in_time(self) -> bool:
        """Whether every item will have been shown before exam day at the current limits."""
        last = self.last_introduction
        return last is not None and last < self.exam_day

    @property
    def in_time_at_limits(self) -> bool:
        """Whether the current limits already introduce everything by the deadline."""
        last = self.last_introduction
        return last is not None and last <= self.deadline

    @property
    def feasible(self) -> bool:
        return self.days_left > 0 and all(d.recommended is not None for d in self.decks)

    @property
    def recommended_total(self) -> int:
        """The fewest new cards a day, across the scope's decks, that meet the deadline."""
        return sum(d.recommended or 0 for d in self.decks if d.new)

    def changes(self) -> dict[str, tuple[int, int]]:
        """Deck id -> (limit now, limit under the plan), for the decks whose limit is too low."""
        if not self.feasible:
            return {}
        return {d.deck_id: (d.limit, d.recommended) for d in self.decks
                if d.new and d.recommended is not None and d.recommended > d.limit}

    def apply(self, settings: Settings) -> Settings:
        """The settings with each deck's new-card limit set as the plan says, and the global
        limit (the one total a session over several decks keeps to) raised to make room."""
        changes = self.changes()
        for deck_id, (_, limit) in changes.items():
            settings = settings.with_deck(deck_id, new_per_day=limit)
        if changes and settings.global_settings.new_per_day < self.recommended_total:
            settings = settings.with_global(new_per_day=self.recommended_total)
        return settings

    def explanation(self) -> str:
        """One sentence saying where the expected recall comes from."""
        day = _day_text(self.exam_day)
        if not self.items:
            return f"There are no cards to study in this scope for {day}."
        if not self.enough_data:
            seen = (f" Of those, FSRS predicts you would recall "
                    f"{percent_text(self.started_recall)} on {day} if you did no more reviews."
                    if self.started_recall is not None else "")
            return (f"You have started {self.started} of these {self.items} "
                    f"card{_s(self.items)}.{seen} A forecast for all of them waits until at "
                    "least half are started (a card never seen counts as 0); until then the "
                    "plan below is what matters.")
        unseen = (f", with the {self.new} card{_s(self.new)} you have not started counted as 0"
                  if self.new else "")
        return (f"If you did no more reviews, FSRS predicts you would recall "
                f"{percent_text(self.expected_recall)} of these {self.items} card{_s(self.items)} "
                f"on {day}: "
                f"the average of each card's predicted chance of recall on that day{unseen}.")

    def advice(self) -> list[str]:
        """Sentences on whether everything will be seen, and the plan."""
        if self.days_left <= 0:
            return [f"The exam day, {_day_text(self.exam_day)}, is not in the future: "
                    "there is no time left to plan for."]
        if not self.new:
            return ["Every card in this scope has been seen already: keep up with the reviews."]
        lines = []
        last = self.last_introduction
        cards = "the new card" if self.new == 1 else f"the {self.new} new cards"
        if last is None:
            lines.append(f"At your current new-card limits, {cards} would never all be "
                         "introduced (a limit is 0).")
        elif last < self.exam_day:
            lines.append(f"At your current new-card limits, {cards} "
                         f"{'is' if self.new == 1 else 'are all'} introduced by "
                         f"{_day_text(last)}, before the exam.")
        else:
            lines.append(f"At your current new-card limits, the last of {cards} would come on "
                         f"{_day_text(last)}, too late for the exam.")
        margin = (self.exam_day - self.deadline).days
        before = "a week" if margin == 7 else f"{margin} day{_s(margin)}"
        them = "it" if self.new == 1 else "them all"
        if not self.feasible:
            lines.append(f"Introducing {them} by {_day_text(self.deadline)} ({before} before "
                         "the exam) cannot be done: a card has more parts than there are days "
                         "left, and its parts come one a day.")
        else:
            total = self.recommended_total
            lines.append(f"To introduce {them} by {_day_text(self.deadline)}, {before} before "
                         f"the exam, you need at least {total} new card{_s(total)} a day"
                         + (": your limits already do that." if self.in_time_at_limits
                            else "."))
            if total > HEAVY_NEW_PER_DAY:
                lines.append("That is more new cards a day than most students can learn well: "
                             "consider a narrower scope, or starting with the most tested "
                             "decks.")
        return lines


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _day_text(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def scope_items(library: Library, scopes: Sequence[Scope]) -> list[Item]:
    """The union of the scopes' items, in library order."""
    wanted = {item for scope in scopes for item in scope.items(library)}
    return [item for deck in library.decks for item in deck.items() if item in wanted]


def plan_exam(store: Store, library: Library, exam_day: date, scopes: Sequence[Scope],
              clock: Clock | None = None, settings: Settings | None = None, *,
              margin_days: int = DEFAULT_MARGIN_DAYS) -> ExamPlan:
    """The plan for an exam on study day `exam_day` covering `scopes`."""
    now = (clock or SystemClock()).now()
    settings = settings if settings is not None else store.settings()
    glob = settings.global_settings
    hour, tz = glob.day_start_hour, glob.tzinfo
    today = study_day(now, hour, tz)
    exam_moment = day_start(exam_day, hour, tz)
    days_left = (exam_day - today).days
    deadline = exam_day - timedelta(days=max(1, min(margin_days, days_left // 2)))
    records = store.records()

    items = scope_items(library, scopes)
    deck_settings = {deck.id: settings.for_deck(deck.id) for deck in library.decks}
    suspended = 0
    recall = 0.0
    new_sizes: dict[str, Counter[str]] = {}
    counted = []
    for item in items:
        record = records.get(item) or ItemRecord(item)
        if record.suspended:
            suspended += 1
            continue
        counted.append(item)
        if record.card.is_new:
            new_sizes.setdefault(item.deck_id, Counter())[item.card_id] += 1
        else:
            recall += retrievability(record.card, max(exam_moment, now),
                                     deck_settings[item.deck_id])

    used = new_introduced_today(store, settings, now)
    days_to_deadline = (deadline - today).days + 1
    decks = []
    for deck in library.decks:
        sizes = new_sizes.get(deck.id)
        if sizes is None:
            continue
        limit = deck_settings[deck.id].new_per_day
        ordered = list(sizes.values())  # Counter keeps insertion order: deck-file order
        decks.append(DeckPlan(
            deck_id=deck.id, title=deck.full_name, new=sum(ordered), limit=limit,
            used_today=used[deck.id],
            days_at_limit=introduction_days(ordered, limit, max(0, limit - used[deck.id])),
            recommended=minimal_per_day(ordered, days_to_deadline, used[deck.id]),
        ))
    new = sum(d.new for d in decks)
    return ExamPlan(exam_day=exam_day, today=today, deadline=deadline, items=len(counted),
                    suspended=suspended, new=new,
                    expected_recall=recall / len(counted) if counted else 0.0,
                    decks=tuple(decks))
