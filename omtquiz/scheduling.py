"""FSRS scheduling behind omtquiz's own small types.

This is the only module that imports `fsrs`; the rest of omtquiz speaks `CardState`, `Rating`
and `SchedulerSettings`, so a future fsrs release changes one file. fsrs 6 has no "new" state
(a new card is a Learning card without stability) and no repetition or lapse counts; omtquiz
adds all three because the queue, the statistics and leech detection need them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from enum import IntEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from omtquiz.clock import as_utc

if TYPE_CHECKING:  # fsrs is imported when first needed: 14 ms less at start-up
    from zoneinfo import ZoneInfo

    import fsrs


class Rating(IntEnum):
    """The four answer buttons; the values are FSRS's and are stored in the review log."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class State(IntEnum):
    """Where an item is in its life; the non-zero values are FSRS's."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


LEECH_ACTIONS = ("suspend", "tag")

# FSRS-6's default weights, as py-fsrs 6 and fsrs-rs both ship them (checked by a test).
DEFAULT_PARAMETERS: tuple[float, ...] = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542)


def _minutes(*values: float) -> tuple[timedelta, ...]:
    return tuple(timedelta(minutes=v) for v in values)


@dataclass(frozen=True)
class SchedulerSettings:
    """The scheduling options in force for one deck.

    `timezone` (an IANA name, None for the system's zone) and `day_start_hour` define the study
    day; a session spanning several decks takes them from the global settings.
    """

    desired_retention: float = 0.9
    maximum_interval: int = 36500
    learning_steps: tuple[timedelta, ...] = _minutes(1, 10)
    relearning_steps: tuple[timedelta, ...] = _minutes(10)
    new_per_day: int = 20
    reviews_per_day: int = 200
    fuzz: bool = True
    leech_threshold: int = 8
    leech_action: str = "suspend"
    day_start_hour: int = 4
    timezone: str | None = None
    # FSRS's 21 weights fitted to this learner (`fit_parameters`); None: FSRS's defaults.
    parameters: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.parameters is not None and (
                len(self.parameters) != len(DEFAULT_PARAMETERS)
                or not all(isinstance(w, (int, float)) and math.isfinite(w)
                           for w in self.parameters)):
            problems.append(f"parameters must be {len(DEFAULT_PARAMETERS)} finite numbers")
        if not 0 < self.desired_retention < 1:
            problems.append("desired_retention must be between 0 and 1 (exclusive)")
        if self.maximum_interval < 1:
            problems.append("maximum_interval must be at least 1 day")
        for name in ("learning_steps", "relearning_steps"):
            steps = getattr(self, name)
            if any(step <= timedelta() for step in steps):
                problems.append(f"{name} must all be positive")
        if self.new_per_day < 0 or self.reviews_per_day < 0:
            problems.append("daily limits cannot be negative")
        if self.leech_threshold < 1:
            problems.append("leech_threshold must be at least 1")
        if self.leech_action not in LEECH_ACTIONS:
            problems.append(f"leech_action must be one of {', '.join(LEECH_ACTIONS)}")
        if not 0 <= self.day_start_hour <= 23:
            problems.append("day_start_hour must be 0-23")
        if self.timezone is not None:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # 1.5 MB: only when one is set

            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                problems.append(f"timezone '{self.timezone}' is not a known time zone")
        if problems:
            raise ValueError("invalid scheduler settings: " + "; ".join(problems))

    @property
    def tzinfo(self) -> ZoneInfo | None:
        if not self.timezone:
            return None
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: steps in seconds, as fsrs's own `Scheduler.to_dict` writes them."""
        data = asdict(self)
        for name in ("learning_steps", "relearning_steps"):
            data[name] = [step.total_seconds() for step in getattr(self, name)]
        if self.parameters is not None:
            data["parameters"] = list(self.parameters)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base: SchedulerSettings | None = None,
                  ) -> SchedulerSettings:
        """`base` updated with `data`; keys this version does not know are ignored."""
        known = {f.name for f in fields(cls)}
        changes = {k: v for k, v in data.items() if k in known}
        for name in ("learning_steps", "relearning_steps"):
            if name in changes:
                changes[name] = tuple(
                    s if isinstance(s, timedelta) else timedelta(seconds=float(s))
                    for s in changes[name]
                )
        if changes.get("parameters") is not None:
            changes["parameters"] = tuple(float(w) for w in changes["parameters"])
        return replace(base or cls(), **changes)


@dataclass(frozen=True)
class Settings:
    """Global scheduler settings with per-deck overrides, as the store keeps them."""

    global_settings: SchedulerSettings = field(default_factory=SchedulerSettings)
    deck_overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for deck_id in self.deck_overrides:
            self.for_deck(deck_id)  # fail now, not in the middle of a session

    def for_deck(self, deck_id: str) -> SchedulerSettings:
        overrides = self.deck_overrides.get(deck_id)
        if not overrides:
            return self.global_settings
        return SchedulerSettings.from_dict(overrides, base=self.global_settings)

    def with_global(self, **changes: Any) -> Settings:
        return replace(self, global_settings=replace(self.global_settings, **changes))

    def with_deck(self, deck_id: str, **changes: Any) -> Settings:
        """These settings with `changes` added to one deck's overrides."""
        unknown = set(changes) - {f.name for f in fields(SchedulerSettings)}
        if unknown:
            raise ValueError(f"unknown scheduler settings: {', '.join(sorted(unknown))}")
        current = {**self.deck_overrides.get(deck_id, {}), **changes}
        checked = SchedulerSettings.from_dict(current, base=self.global_settings).to_dict()
        merged = {**self.deck_overrides, deck_id: {k: checked[k] for k in current}}
        return replace(self, deck_overrides=merged)

    def without_deck(self, deck_id: str) -> Settings:
        merged = {k: v for k, v in self.deck_overrides.items() if k != deck_id}
        return replace(self, deck_overrides=merged)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the full global settings, and for each deck only what it overrides."""
        decks = {}
        for deck_id, overrides in self.deck_overrides.items():
            full = self.for_deck(deck_id).to_dict()
            decks[deck_id] = {k: full[k] for k in overrides if k in full}
        return {"global": self.global_settings.to_dict(), "decks": decks}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        return cls(
            global_settings=SchedulerSettings.from_dict(data.get("global", {})),
            deck_overrides={k: dict(v) for k, v in data.get("decks", {}).items()},
        )


@dataclass(frozen=True)
class CardState:
    """One item's scheduling state; immutable, every review gives a new one."""

    state: State = State.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    @property
    def is_new(self) -> bool:
        return self.state is State.NEW

    @property
    def is_learning(self) -> bool:
        return self.state in (State.LEARNING, State.RELEARNING)

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": int(self.state),
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat() if self.due else None,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "reps": self.reps,
            "lapses": self.lapses,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CardState:
        def when(value: str | None) -> datetime | None:
            return as_utc(datetime.fromisoformat(value)) if value else None

        return cls(
            state=State(int(data["state"])),
            step=data.get("step"),
            stability=data.get("stability"),
            difficulty=data.get("difficulty"),
            due=when(data.get("due")),
            last_review=when(data.get("last_review")),
            reps=int(data.get("reps", 0)),
            lapses=int(data.get("lapses", 0)),
        )


@dataclass(frozen=True)
class ReviewLog:
    """What one answer did: enough to show it, count it and undo it."""

    rating: Rating
    reviewed_at: datetime
    before: CardState
    after: CardState

    @property
    def lapsed(self) -> bool:
        return self.after.lapses > self.before.lapses


@lru_cache(maxsize=64)
def _scheduler(settings: SchedulerSettings, fuzz: bool) -> fsrs.Scheduler:
    import fsrs

    return fsrs.Scheduler(
        parameters=settings.parameters or DEFAULT_PARAMETERS,
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=fuzz,
    )


def _to_fsrs(state: CardState, now: datetime) -> fsrs.Card:
    import fsrs

    # card_id is given so fsrs does not sleep a millisecond to mint a unique one.
    if state.is_new:
        return fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0, due=now)
    return fsrs.Card(
        card_id=1,
        state=fsrs.State(int(state.state)),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due or now,
        last_review=state.last_review,
    )


def review(state: CardState, rating: Rating, now: datetime,
           settings: SchedulerSettings | None = None, *, fuzz: bool | None = None,
           ) -> tuple[CardState, ReviewLog]:
    """Answer an item at `now` (UTC): the new state and its log.

    A lapse, as in Anki, is forgetting a card that had graduated (Again on a Review card).
    """
    import fsrs

    settings = settings or SchedulerSettings()
    now = as_utc(now)
    rating = Rating(rating)
    use_fuzz = settings.fuzz if fuzz is None else fuzz
    card, _ = _scheduler(settings, use_fuzz).review_card(
        _to_fsrs(state, now), fsrs.Rating(int(rating)), review_datetime=now
    )
    lapsed = state.state is State.REVIEW and rating is Rating.AGAIN
    after = CardState(
        state=State(int(card.state)),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=state.reps + 1,
        lapses=state.lapses + (1 if lapsed else 0),
    )
    return after, ReviewLog(rating=rating, reviewed_at=now, before=state, after=after)


def replay(history: Iterable[tuple[datetime, Rating]],
           settings: SchedulerSettings | None = None) -> list[ReviewLog]:
    """Answer a fresh item with `history` ((time, rating) pairs, taken in time order).

    How an item's state is rebuilt from a merged history (reviews brought home from Anki among
    ours): unfuzzed, so the same history always gives the same state.
    """
    state, logs = CardState(), []
    for when, rating in sorted(history, key=lambda pair: as_utc(pair[0])):
        state, entry = review(state, rating, when, settings, fuzz=False)
        logs.append(entry)
    return logs


def preview(state: CardState, now: datetime, settings: SchedulerSettings | None = None,
            ) -> dict[Rating, timedelta]:
    """The interval each button would give, for labelling the buttons.

    Shown without fuzz, so a fuzzed answer may land a day or two from the label (Anki's older
    schedulers did the same).
    """
    now = as_utc(now)
    result = {}
    for rating in Rating:
        after, _ = review(state, rating, now, settings, fuzz=False)
        assert after.due is not None
        result[rating] = after.due - now
    return result


def retrievability(state: CardState, now: datetime,
                   settings: SchedulerSettings | None = None) -> float:
    """The predicted chance of recalling the item at `now`; 0 for an item never reviewed."""
    if state.is_new:
        return 0.0
    settings = settings or SchedulerSettings()
    now = as_utc(now)
    return float(_scheduler(settings, False).get_card_retrievability(_to_fsrs(state, now), now))


def is_leech(lapses: int, threshold: int) -> bool:
    """Anki's rule: a leech at `threshold` lapses, and again every half threshold after that."""
    if lapses < threshold:
        return False
    return (lapses - threshold) % max(1, threshold // 2) == 0


def format_interval(interval: timedelta) -> str:
    """A button label in Anki's style: '<1m', '10m', '3h', '4d', '2.1mo', '1.5y'."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1m"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}".removesuffix(".0") + "mo"
    return f"{days / 365:.1f}".removesuffix(".0") + "y"



# --- Parameters fitted to the learner (fsrs-rs) ----------------------------------------------
# py-fsrs stays the scheduler: both implement FSRS-6 with the same 21 weights, and py-fsrs
# already carries our learning steps, fuzz and states. The Rust FSRS (the optimizer Anki runs)
# only fits and scores weights; it is optional, so a platform without its wheel keeps defaults.

# The newest share of the learner's reviews held out to score old and new weights on.
HOLDOUT = 0.2
# Below this many reviews to predict (a second or later day of an item) no fit is tried;
# fsrs-rs itself keeps the defaults, or fits only the first-day stabilities, on little data.
MIN_FIT_REVIEWS = 16


@dataclass(frozen=True)
class FitResult:
    """What fitting gave; the figures are scored on the newest reviews, which the weights
    being judged were not fitted on (a time-series split), so before and after compare fairly."""

    reviews: int
    parameters: tuple[float, ...] | None = None
    log_loss_before: float | None = None
    log_loss_after: float | None = None
    rmse_before: float | None = None
    rmse_after: float | None = None
    applied: bool = False
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"reviews": self.reviews,
                "parameters": list(self.parameters) if self.parameters else None,
                "log_loss_before": self.log_loss_before, "log_loss_after": self.log_loss_after,
                "rmse_before": self.rmse_before, "rmse_after": self.rmse_after,
                "applied": self.applied, "message": self.message}


def optimizer_missing() -> str | None:
    """Why weights cannot be fitted on this machine, or None when they can."""
    try:
        import fsrs_rs_python  # noqa: F401
    except ImportError as exc:
        return (f"the FSRS optimizer (fsrs-rs-python) is not installed for this platform "
                f"({exc}); scheduling uses FSRS's default parameters")
    return None


def first_of_each_day(history: Iterable[tuple[int, Rating]]) -> list[tuple[int, Rating]]:
    """An item's (study day number, rating) answers reduced to the first of each day, as FSRS
    is fitted: same-day repeats are learning steps, not tests of long-term memory."""
    kept: list[tuple[int, Rating]] = []
    for day, rating in sorted(history, key=lambda pair: pair[0]):
        if not kept or day != kept[-1][0]:
            kept.append((day, Rating(rating)))
    return kept


def _training_items(histories: Iterable[Sequence[tuple[int, Rating]]]) -> list[tuple[int, Any]]:
    """(day predicted, FSRSItem) for every review after an item's first day, oldest first."""
    import fsrs_rs_python as rs

    items = []
    for history in histories:
        days = first_of_each_day(history)
        reviews = [rs.FSRSReview(int(rating), day - days[i - 1][0] if i else 0)
                   for i, (day, rating) in enumerate(days)]
        items += [(days[i][0], rs.FSRSItem(reviews[:i + 1])) for i in range(1, len(days))]
    items.sort(key=lambda pair: pair[0])
    return items


def fit_parameters(histories: Iterable[Sequence[tuple[int, Rating]]],
                   current: Sequence[float] | None = None) -> FitResult:
    """Fit FSRS's weights to the learner's answers ((study day number, rating) per item).

    The older 80% of the reviews fit trial weights; the newest 20% score them against the
    `current` weights. Only when the trial scores a lower log loss and no higher RMSE are the
    weights fitted on all reviews offered (`applied`); otherwise the current ones stay.
    """
    missing = optimizer_missing()
    items = [] if missing else _training_items(histories)
    result = FitResult(reviews=len(items))
    if missing:
        return replace(result, message=missing)
    if len(items) < MIN_FIT_REVIEWS:
        return replace(result, message=f"{len(items)} reviews after an item's first day; "
                       f"at least {MIN_FIT_REVIEWS} are needed before fitting is tried")
    import fsrs_rs_python as rs

    split = max(1, min(len(items) - 1, round(len(items) * (1 - HOLDOUT))))
    train = [item for _, item in items[:split]]
    test = [item for _, item in items[split:]]
    current = tuple(current or DEFAULT_PARAMETERS)
    try:
        trial = rs.FSRS(current).compute_parameters(train, enable_short_term=False)
    except ValueError as exc:  # fsrs-rs's own threshold: "NotEnoughData"
        return replace(result, message=f"fsrs-rs found too little to fit ({exc}); the current "
                       "parameters stay")
    before = rs.FSRS(current).evaluate(test)
    after = rs.FSRS(trial).evaluate(test)
    result = replace(result, log_loss_before=before.log_loss, log_loss_after=after.log_loss,
                     rmse_before=before.rmse_bins, rmse_after=after.rmse_bins)
    if not (after.log_loss < before.log_loss and after.rmse_bins <= before.rmse_bins):
        return replace(result, message="the fitted parameters did not predict your newest "
                       "reviews better; the current ones stay")
    fitted = rs.FSRS(current).compute_parameters([item for _, item in items],
                                                 enable_short_term=False)
    return replace(result, parameters=tuple(round(float(w), 4) for w in fitted), applied=True,
                   message="fitted parameters predict your newest reviews better; applied")


# --- Toward an exam date ---------------------------------------------------------------------

def recall_at(state: CardState, when: datetime,
              parameters: Sequence[float] | None = None) -> float:
    """FSRS's predicted recall at `when`, computed as py-fsrs computes it (whole days since the
    last review) without building its objects: forecasts ask it for every item and every day."""
    if state.is_new or state.stability is None or state.last_review is None:
        return 0.0
    return recall_after(max(0, (as_utc(when) - state.last_review).days), state.stability,
                        parameters)


def recall_after(days: int, stability: float, parameters: Sequence[float] | None = None,
                 ) -> float:
    """FSRS-6's forgetting curve: recall `days` whole days after a review left `stability`
    (90% at `stability` days; the curve's shape is weight 20)."""
    decay = -(parameters or DEFAULT_PARAMETERS)[20]
    return (1 + (0.9 ** (1 / decay) - 1) * days / stability) ** decay


def exam_cap(after: CardState, now: datetime, exam_at: datetime, target: float,
             settings: SchedulerSettings | None = None) -> datetime | None:
    """The due date an item needs to reach `target` recall at `exam_at`, or None when its own
    due date will do.

    An item predicted to hold `target` at the exam without another review keeps its due date,
    as does one due again before the exam anyway (that review will decide). Otherwise its
    next review is moved to the latest day that still precedes the exam, the day before it:
    the review that leaves the highest recall on the day (`Load` may spread such reviews over
    the days just before). Learning items, and items after the exam, are left alone.
    """
    settings = settings or SchedulerSettings()
    now, exam_at = as_utc(now), as_utc(exam_at)
    if after.is_new or after.is_learning or after.due is None or exam_at <= now:
        return None
    if after.due < exam_at - timedelta(days=1):
        return None  # seen again before the exam anyway
    if recall_at(after, exam_at, settings.parameters) >= target:
        return None
    cap = exam_at - timedelta(days=1)
    return cap if now < cap < after.due else None
