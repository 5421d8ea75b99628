"""What every screen shares: the loaded library, the progress store, the clock and settings.

Widgets ask this object for data and actions; it forwards to the headless core, so no widget
ever parses a deck, runs SQL or schedules a card itself. Every action returns the core's
`Changes`, which the screen passes on (the main window relays it to the others).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from omtquiz.clock import Clock, SystemClock, day_bounds
from omtquiz.decks.model import Item, Library
from omtquiz.profile import Dirs
from omtquiz.progress.store import Store
from omtquiz.progress.types import LogEntry
from omtquiz.scheduling import Settings
from omtquiz.study.changes import Changes
from omtquiz.study.deck_list import DeckList, deck_list
from omtquiz.study.scope import Scope
from omtquiz.study.session import StudySession, due_only, next_due, reviewed_today

if TYPE_CHECKING:  # imported when first used: start-up does not pay for screens not yet open
    from omtquiz.study.actions import CardActions
    from omtquiz.study.custom import CustomSession, CustomStudy, LimitSummary
    from omtquiz.study.planner import ExamPlan
    from omtquiz.study.quiz import Exam
    from omtquiz.study.search import CardIndex, Row
    from omtquiz.study.stats import StatsReport


@dataclass
class AppContext:
    """What every screen shares: the folders, the library, the store, the clock and the look."""

    dirs: Dirs
    library: Library
    store: Store
    clock: Clock = field(default_factory=SystemClock)
    theme_name: str = "light"
    startup_message: str | None = None
    _targets: Any = field(default=None, init=False, repr=False, compare=False)

    # -- settings --------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self.store.settings()

    def save_settings(self, settings: Settings) -> Changes:
        self.store.save_settings(settings)
        return Changes(settings=True)

    def import_reviews(self, path: str) -> tuple[str, Changes]:
        """Reviews made in Anki merged into progress: the report's summary and what changed.

        Raises `ImportFailed` for a file that is not a readable Anki package.
        """
        from omtquiz.interop.anki_reviews import import_reviews

        report = import_reviews(path, self.library.decks, self.store)
        return report.summary(), Changes(
            items=frozenset(r.item for r in report.reviews), answers=report.added > 0)

    def optimize(self) -> tuple[str, Changes]:
        """Fit the global FSRS parameters to the learner's reviews now: a summary, and
        whether settings changed."""
        from omtquiz.study.optimize import describe, optimize

        report = optimize(self.store, now=self.clock.now())
        return describe(report.fit), Changes(settings=report.fit.applied)

    def exam_forecasts(self) -> list:
        """Expected recall on each exam date ahead (`study.exam_dates.ExamForecast`)."""
        from omtquiz.study.exam_dates import forecasts

        return forecasts(self.store, self.library, self.clock.now())

    def exam_forecast(self, exam):
        """The forecast for an exam not (necessarily) saved, as the planner previews it."""
        from omtquiz.study.exam_dates import forecast

        return forecast(exam, self.library, self.store.records(), self.settings,
                        self.clock.now())

    def save_exam_date(self, exam) -> Changes:
        """Save an exam date; its new cards are paced (limits raised) to be in by then."""
        from omtquiz.study.exam_dates import set_exam_date

        set_exam_date(self.store, self.library, exam, self.clock)
        return Changes(settings=True)

    def needs_refit(self) -> bool:
        from omtquiz.scheduling import optimizer_missing
        from omtquiz.study.optimize import needs_refit

        return optimizer_missing() is None and needs_refit(self.store)

    def ui_prefs(self) -> dict[str, Any]:
        """Look-and-feel choices (theme, font size); scheduling lives in `settings`."""
        return {"theme": "system", "font_pt": 15, **(self.store.get_value("ui", {}) or {})}

    def save_ui_prefs(self, prefs: dict[str, Any]) -> None:
        self.store.set_value("ui", prefs)

    # -- study, quizzes and exams ----------------------------------------------------------
    def new_session(self, scope: Scope) -> StudySession:
        return StudySession(self.store, self.library, scope, clock=self.clock)

    def due_session(self) -> StudySession:
        """Every deck's due cards (learning and reviews), no new ones: "Study all due"."""
        return StudySession(self.store, self.library, Scope.all(), clock=self.clock,
                            settings=due_only(self.settings, self.library))

    def missed_session(self, items: Sequence[Item]) -> StudySession:
        """A review of exactly these items, due or not: the exam's missed questions."""
        return StudySession(self.store, self.library, Scope.of_items(items), clock=self.clock,
                            include_not_due=True)

    # -- custom study (study.custom) -------------------------------------------------------
    def custom_session(self, spec: CustomStudy) -> CustomSession:
        """A session of exactly the cards `spec` chooses; no other card is touched."""
        from omtquiz.study.custom import CustomSession

        return CustomSession.start(self.store, self.library, spec, self.clock)

    def custom_matches(self, spec: CustomStudy) -> int:
        """How many cards the session `spec` asks for would study now."""
        from omtquiz.study.custom import choose

        return len(choose(self.store, self.library, spec, self.clock))

    def extend_limits(self, spec: CustomStudy) -> Changes:
        """Today's new-card or review limit of the spec's scope raised by its amount."""
        from omtquiz.study.custom import CustomKind, extend_limits

        more = {"new": spec.amount} if spec.kind is CustomKind.MORE_NEW else {
            "reviews": spec.amount}
        return extend_limits(self.store, self.library, spec.scope, clock=self.clock, **more)

    def limit_summary(self, scope: Scope) -> LimitSummary:
        from omtquiz.study.custom import limit_summary

        return limit_summary(self.store, self.library, scope, self.clock)

    def custom_tags(self, scope: Scope) -> list[tuple[str, int]]:
        from omtquiz.study.custom import tags_in

        return tags_in(self.library, scope)

    def record_quiz(self, item: Item, correct: bool, duration_ms: int,
                    mode: str) -> tuple[LogEntry, Changes]:
        """A quiz answer goes to the progress store like a review (see `study.recording`)."""
        from omtquiz.study.recording import record_quiz_answer

        entry = record_quiz_answer(self.store, item, correct, duration_ms, mode, self.clock,
                                   targets=self.exam_targets())
        return entry, Changes.of_items((item,), answers=True)

    def override_quiz(self, entry: LogEntry, correct: bool) -> tuple[LogEntry, Changes]:
        """The student overrules the typed-answer check ("I was right" / "I was wrong")."""
        from omtquiz.study.recording import override_quiz_answer

        entry = override_quiz_answer(self.store, entry, correct, self.clock)
        return entry, Changes.of_items((entry.item,), answers=True)

    def quiz_introduces_new(self) -> bool:
        from omtquiz.study.recording import quiz_introduces_new

        return quiz_introduces_new(self.store)

    def set_quiz_introduces_new(self, value: bool) -> None:
        from omtquiz.study.recording import QUIZ_INTRODUCES_NEW

        self.store.set_value(QUIZ_INTRODUCES_NEW, bool(value))

    def exam_targets(self):
        """Which items an exam ahead covers, so quiz answers are scheduled toward it too
        (kept between answers until the exams, the library or the settings change)."""
        if self._targets is None:
            from omtquiz.study.exam_dates import TargetsCache

            self._targets = TargetsCache()
        return self._targets.get(self.store.exam_dates(), self.library, self.settings,
                                 self.clock.now())

    def save_exam(self, exam: Exam, scope: Scope, started_at: datetime) -> Changes:
        """The exam's answers and result, in one transaction (see `study.recording`)."""
        from omtquiz.study.recording import save_exam

        return save_exam(self.store, exam, scope, started_at, self.clock, self.settings,
                         self.exam_targets())

    # -- the deck list ---------------------------------------------------------------------
    def deck_list(self) -> DeckList:
        return deck_list(self.store, self.library, self.clock)

    def next_due_text(self, session: StudySession | None = None) -> str:
        """When this session's scope (everything, without one) has a card due next.

        A finished session still holding cards due today holds them by the daily limits (a
        learning card due soon would be shown already): they come tomorrow, not "in a moment".
        """
        when = session.next_due() if session is not None else None
        now = self.clock.now()
        if when is None:
            when = next_due(self.store, self.library, clock=self.clock,
                            scope=session.scope if session is not None else None)
            glob = self.settings.global_settings
            if (session is not None and when is not None
                    and when < day_bounds(now, glob.day_start_hour, glob.tzinfo)[1]):
                return "Today's limit is reached here: more cards are due tomorrow."
        if when is None:
            return "Nothing else is scheduled yet."
        wait = when - now
        if wait <= timedelta(minutes=1):
            return "More cards are due in a moment."
        if wait < timedelta(hours=1):
            return f"The next card is due in {round(wait.total_seconds() / 60)} minutes."
        if wait < timedelta(days=1):
            return f"The next card is due in {round(wait.total_seconds() / 3600)} hours."
        return f"The next card is due in {wait.days} days."

    def today_text(self, in_exam: int = 0) -> str:
        """Today's answers; `in_exam` more are given in an exam not yet saved."""
        done = reviewed_today(self.store, clock=self.clock)
        text = f"Today: {done} answer{'s' if done != 1 else ''}"
        return text + (f" (+{in_exam} in this exam)" if in_exam else "")

    # -- statistics, card browser and exam planner -----------------------------------------
    def stats_report(self) -> StatsReport:
        """Every number on the statistics screen: what `omtquiz stats --json` prints."""
        from omtquiz.study.stats import collect

        return collect(self.store, self.library, self.clock)

    def card_index(self) -> CardIndex:
        """The browser's rows for every loaded item, as the store has them now."""
        from omtquiz.study.search import CardIndex

        return CardIndex.build(self.library, self.store.records(), self.clock.now(),
                               self.settings)

    def refresh_rows(self, index: CardIndex, items: Sequence[Item]) -> list[Row]:
        """Reread these items from the store into the browser's rows; the rows changed."""
        return index.update([self.store.get(item) for item in items], self.clock.now(),
                            self.settings)

    def card_actions(self) -> CardActions:
        """Suspend, unsuspend, bury, flag and reset any items, by the rules of study."""
        from omtquiz.study.actions import CardActions

        return CardActions(self.store, self.library, self.clock)

    def exam_plan(self, exam_day: date, scopes: Sequence[Scope]) -> ExamPlan:
        """The planner's estimate for an exam on `exam_day` covering these scopes."""
        from omtquiz.study.planner import plan_exam

        return plan_exam(self.store, self.library, exam_day, list(scopes), clock=self.clock)

    def apply_exam_plan(self, plan: ExamPlan) -> Changes:
        return self.save_settings(plan.apply(self.settings))
