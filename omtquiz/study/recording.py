"""What quizzes and exams write to progress: a quiz answer's rating and log row, an exam's score.

Quiz answers feed the scheduler like reviews do (wrong is Again, right is Good, slow is Hard),
but an item answered before it is due keeps its schedule, so cramming never inflates intervals.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from omtquiz.clock import Clock, SystemClock, as_utc, day_bounds
from omtquiz.decks.model import Item
from omtquiz.progress.store import Store
from omtquiz.progress.types import AnswerMode, ExamRecord, ItemRecord, LogEntry
from omtquiz.scheduling import Rating, Settings
from omtquiz.study.changes import Changes
from omtquiz.study.exam_dates import ExamTargets, cap_answer, load_from_rows
from omtquiz.study.queue import due_today, settings_and_now
from omtquiz.study.scope import Scope
from omtquiz.study.session import schedule_answer

if TYPE_CHECKING:  # the quiz module brings Markdown and fuzzy matching: not needed to start
    from omtquiz.study.quiz import Exam

SLOW_MS = {AnswerMode.TYPED: 20_000, AnswerMode.CHOICES: 15_000, AnswerMode.EXAM: 15_000}
QUIZ_MODES = tuple(SLOW_MS)
MAX_ANSWER_MS = 60_000  # an answer's time is capped: a student who walked away skews nothing


def quiz_rating(correct: bool, duration_ms: int | None, mode: str) -> Rating:
    """The rating a quiz answer counts as.

    Wrong is Again. Right is Good, except Hard when the answer took longer than 20 s in a
    typed-answer quiz or 15 s in a multiple-choice question or an exam: a slow right answer
    was a struggle, and FSRS should see it as one. With no duration, right is Good.
    """
    if mode not in SLOW_MS:
        raise ValueError(f"quiz mode must be one of {', '.join(QUIZ_MODES)}, not {mode!r}")
    if not correct:
        return Rating.AGAIN
    if duration_ms is not None and duration_ms > SLOW_MS[mode]:
        return Rating.HARD
    return Rating.GOOD


# The store key of the student's choice: do quiz and exam answers introduce new cards (move
# them into learning, using the day's new-card allowance)? Off unless chosen in Preferences.
QUIZ_INTRODUCES_NEW = "quiz_introduces_new"


def quiz_introduces_new(store: Store) -> bool:
    return bool(store.get_value(QUIZ_INTRODUCES_NEW, False))


def record_quiz_answer(store: Store, item: Item, correct: bool, duration_ms: int | None,
                       mode: str, clock: Clock | None = None,
                       settings: Settings | None = None, *, overridden: bool = False,
                       introduce_new: bool | None = None,
                       targets: ExamTargets | None = None) -> LogEntry:
    """Log a quiz answer and, when the item is due today, reschedule it.

    The rating follows `quiz_rating`. An item answered before it is due (or while suspended)
    gets a log row with its rating but keeps its schedule: cramming does not inflate intervals.
    A new item stays new (a quiz is not where a card is learnt, and a 50-question exam must not
    spend a week of new-card allowance) unless `introduce_new`, by default the student's
    choice stored under QUIZ_INTRODUCES_NEW. With exam `targets`, the new due date is capped
    toward the exam as a review's is.
    """
    settings, now = settings_and_now(store, clock, settings)
    rating = quiz_rating(correct, duration_ms, mode)
    glob = settings.global_settings
    _, day_end = day_bounds(now, glob.day_start_hour, glob.tzinfo)
    if introduce_new is None:
        introduce_new = quiz_introduces_new(store)
    deck_settings = settings.for_deck(item.deck_id)

    def decide(record: ItemRecord) -> ItemRecord:
        if record.card.is_new and not introduce_new:
            return record
        if not due_today(record.card, day_end) or record.suspended:
            return record
        after = schedule_answer(record, rating, now, deck_settings)
        if targets and item in targets.by_item:
            load = load_from_rows(store.queue_rows(), deck_settings)
            load.move(record.card.due, after.card.due)
            after = cap_answer(after, now, targets, deck_settings, load)
        return after

    before = store.get(item)
    after = decide(before)
    # Read again inside the write: another process may have answered this item meanwhile.
    return store.record_answer(before, after, rating=rating, reviewed_at=now,
                               duration_ms=duration_ms, mode=mode,
                               rescheduled=after is not before, overridden=overridden,
                               decide=decide)


class NotTheLastAnswer(Exception):
    """An override was asked for an answer that is no longer the newest one."""


def override_quiz_answer(store: Store, entry: LogEntry, correct: bool,
                         clock: Clock | None = None,
                         settings: Settings | None = None) -> LogEntry:
    """The student overrules the typed-answer grader: "I was right" or "I was wrong".

    The graded answer is taken back (its item returns to how it was) and logged again as the
    student says: right counts as Good, wrong as Again, whatever the time taken, and the row is
    marked overridden. Only the newest answer can be overruled, so nothing after it is lost.
    """
    last = store.last_entry()
    if last is None or last.id != entry.id:
        raise NotTheLastAnswer("only the newest answer can be overruled")
    store.undo_last()
    return record_quiz_answer(store, entry.item, correct, None, entry.mode, clock, settings,
                              overridden=True, introduce_new=entry.rescheduled or None)


def record_exam(store: Store, *, scope: Scope | str, started_at: datetime,
                finished_at: datetime, total: int, correct: int,
                time_limit_s: int | None = None, detail: Any = None) -> ExamRecord:
    """Keep an exam's score (and whatever per-question detail the caller gives, as JSON)."""
    if not 0 <= correct <= total:
        raise ValueError("an exam's correct count must be between 0 and its total")
    exam = ExamRecord(started_at=as_utc(started_at), finished_at=as_utc(finished_at),
                      scope=str(scope), total=total, correct=correct,
                      time_limit_s=time_limit_s, detail=detail)
    return replace(exam, id=store.add_exam(exam))


def save_exam(store: Store, exam: Exam, scope: Scope, started_at: datetime,
              clock: Clock | None = None, settings: Settings | None = None,
              targets: ExamTargets | None = None) -> Changes:
    """An ended exam's answers, each like a quiz answer, and its result, in one transaction:
    all of it is kept, or (on a write error) none of it."""
    settings, _ = settings_and_now(store, clock, settings)
    answered = [exam.answers[index] for index in sorted(exam.answers)]
    with store.batch():
        for answer in answered:
            record_quiz_answer(store, answer.question.item, answer.correct, answer.duration_ms,
                               AnswerMode.EXAM, clock, settings, targets=targets)
        detail = [
            {"item": q.item.key, "given": a.given if a else None,
             "correct": bool(a and a.correct), "duration_ms": a.duration_ms if a else None}
            for q, a in ((q, exam.answers.get(i)) for i, q in enumerate(exam.questions))
        ]
        record_exam(store, scope=scope, started_at=started_at,
                    finished_at=(clock or SystemClock()).now(), total=exam.total,
                    correct=exam.correct, time_limit_s=exam.time_limit_s, detail=detail)
    return Changes(items=frozenset(a.question.item for a in answered), answers=bool(answered),
                   exams=True)
