"""What every screen shares: the loaded library, the progress store, the clock and settings.

Widgets ask this object for data and actions; it forwards to the headless core, so no widget
ever parses a deck, runs SQL or schedules a card itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from omtquiz.clock import Clock, SystemClock
from omtquiz.decks.model import Library
from omtquiz.profile import Dirs
from omtquiz.progress.store import Store
from omtquiz.study.queue import deck_counts
from omtquiz.study.recording import record_exam, record_quiz_answer
from omtquiz.study.scope import Scope
from omtquiz.study.session import StudySession, next_due, reviewed_today


@dataclass
class AppContext:
    dirs: Dirs
    library: Library
    store: Store
    clock: Clock = field(default_factory=SystemClock)
    theme_name: str = "light"
    startup_message: str | None = None

    @property
    def settings(self):
        return self.store.settings()

    def save_settings(self, settings) -> None:
        self.store.save_settings(settings)

    def ui_prefs(self) -> dict:
        """Look-and-feel choices (theme, font size); scheduling lives in `settings`."""
        return {"theme": "system", "font_pt": 15, **(self.store.get_value("ui", {}) or {})}

    def save_ui_prefs(self, prefs: dict) -> None:
        self.store.set_value("ui", prefs)

    # -- quizzes ---------------------------------------------------------------------------
    def record_quiz(self, item, correct: bool, duration_ms: int, mode: str) -> None:
        """A quiz answer goes to the progress store like a review (see session's rule)."""
        record_quiz_answer(self.store, item, correct, duration_ms, mode, self.clock)

    def missed_session(self, items) -> StudySession:
        """A review of exactly these items, due or not: the exam's missed questions."""
        return StudySession(self.store, self.library, Scope.of_items(items),
                                  clock=self.clock, include_not_due=True)

    # -- scopes ----------------------------------------------------------------------------
    def scope_title(self, scope: tuple) -> str:
        kind = scope[0]
        if kind == "deck":
            deck = self.library.deck(scope[1])
            return deck.full_name if deck else scope[1]
        if kind == "tree":
            return f"{scope[1]} (all decks)"
        if kind == "tag":
            return f"Tag: {scope[1]}"
        return "All decks"

    def scope_items(self, scope: tuple):
        return study_scope(scope).items(self.library)

    def new_session(self, scope: tuple) -> StudySession:
        return StudySession(self.store, self.library, study_scope(scope), clock=self.clock)

    # -- the deck list ---------------------------------------------------------------------
    def deck_rows(self):
        counts = deck_counts(self.store, self.library, clock=self.clock)
        rows = []
        problems: dict[str, list[str]] = {}
        descriptions: dict[str, str] = {}
        totals = [0, 0, 0]
        for deck_file in self.library.files:
            deck = deck_file.deck
            lines = [str(d) for d in deck_file.diagnostics if d.is_error]
            if deck is None:
                key = deck_file.path
                problems[key] = lines
                rows.append((("broken", key), deck_file.path.rsplit("/", 1)[-1], None,
                             ("", "", ""), True))
                continue
            c = counts.get(deck.id)
            triple = (c.new, c.learning, c.due) if c else (0, 0, 0)
            totals = [a + b for a, b in zip(totals, triple, strict=True)]
            if lines:
                problems[deck.id] = lines
            descriptions[deck.id] = deck.description
            rows.append((("deck", deck.id), deck.title, deck.parent, triple, bool(lines)))
        tags = Counter(tag for deck in self.library.decks for card in deck.cards
                       for tag in card.tags)
        ordered_tags = [tag for tag, _ in tags.most_common()]
        return rows, tuple(totals), ordered_tags, problems, descriptions

    def next_due_text(self, session=None) -> str:
        when = session.next_due() if session is not None else None
        if when is None:
            when = next_due(self.store, self.library, clock=self.clock)
        if when is None:
            return "Nothing else is scheduled yet."
        wait = when - self.clock.now()
        if wait <= timedelta(minutes=1):
            return "More cards are due in a moment."
        if wait < timedelta(hours=1):
            return f"The next card is due in {round(wait.total_seconds() / 60)} minutes."
        if wait < timedelta(days=1):
            return f"The next card is due in {round(wait.total_seconds() / 3600)} hours."
        return f"The next card is due in {wait.days} days."

    def today_text(self) -> str:
        done = reviewed_today(self.store, clock=self.clock)
        return f"Today: {done} answer{'s' if done != 1 else ''}"

    # -- quiz, exam and preferences screens (added for them; owned by that part of issue 5) --
    def save_exam(self, exam, scope: tuple, started_at) -> None:
        """An ended exam's answers, each like a quiz answer, and its result, in one
        transaction: all of it is kept, or (on a write error) none of it."""
        settings = self.settings
        with self.store.batch():
            for index in sorted(exam.answers):
                answer = exam.answers[index]
                record_quiz_answer(self.store, answer.question.item, answer.correct,
                                         answer.duration_ms, "exam", self.clock, settings)
            self.record_exam_result(exam, scope, started_at)

    def record_exam_result(self, exam, scope: tuple, started_at) -> None:
        """Keep an exam's score, when it ran, and what was answered, through the session."""
        detail = [
            {"item": q.item.key, "given": a.given if a else None,
             "correct": bool(a and a.correct), "duration_ms": a.duration_ms if a else None}
            for q, a in ((q, exam.answers.get(i)) for i, q in enumerate(exam.questions))
        ]
        record_exam(self.store, scope=study_scope(scope), started_at=started_at,
                          finished_at=self.clock.now(), total=exam.total,
                          correct=exam.correct, time_limit_s=exam.time_limit_s, detail=detail)

    # -- statistics, card browser and exam planner (added for them; owned by issue 8) -------
    def stats_report(self):
        """Every number on the statistics screen: what `omtquiz stats --json` prints."""
        from omtquiz.study.stats import collect

        return collect(self.store, self.library, self.clock)

    def card_index(self):
        """The browser's rows for every loaded item, as the store has them now."""
        from omtquiz.study.search import CardIndex

        return CardIndex.build(self.library, self.store.records(), self.clock.now(),
                               self.settings)

    def refresh_rows(self, index, items) -> list:
        """Reread these items from the store into the browser's rows; the rows changed."""
        return index.update([self.store.get(item) for item in items], self.clock.now(),
                            self.settings)

    def card_actions(self) -> StudySession:
        """A session of no items: its suspend, unsuspend, bury, flag and reset act on any item
        they are given, by the same rules as during study."""
        return StudySession(self.store, self.library, Scope.of_items(()),
                                  clock=self.clock)

    def act_on_items(self, session: StudySession, action: str, items, *args) -> None:
        """`session.<action>(item, *args)` for each item, saved in one transaction: a
        thousand cards suspended at once are one write, not a thousand."""
        with self.store.batch():
            for item in items:
                getattr(session, action)(item, *args)

    def exam_plan(self, exam_day, scopes):
        """The planner's estimate for an exam on `exam_day` covering these scope tuples."""
        from omtquiz.study.planner import plan_exam

        return plan_exam(self.store, self.library, exam_day,
                         [study_scope(scope) for scope in scopes], clock=self.clock)

    def apply_exam_plan(self, plan) -> None:
        self.save_settings(plan.apply(self.settings))


def study_scope(scope: tuple) -> Scope:
    kind = scope[0]
    if kind == "deck":
        return Scope.deck(scope[1])
    if kind == "tree":
        return Scope.tree(scope[1])
    if kind == "tag":
        return Scope.tag(scope[1])
    return Scope.all()
