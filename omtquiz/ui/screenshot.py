"""`omtquiz --screenshot FILE.png --screen NAME`: render one screen offscreen and exit.

It works in a throwaway data folder, so a screenshot never adds answers to real progress. What
a screen shows (a revealed card, a wrong answer, an exam report) is staged here through each
page's ordinary methods, so the pages themselves carry nothing for screenshots.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterable
from pathlib import Path

from omtquiz.profile import Profile
from omtquiz.progress.types import AnswerMode
from omtquiz.study.scope import Scope
from omtquiz.ui.app import build, make_app
from omtquiz.ui.pages.exam import ExamPage
from omtquiz.ui.pages.quiz import QuizPage


def screenshot(output: str, screen: str, extra_decks: Iterable[str | Path] = ()) -> int:
    app = make_app(offscreen=True)
    with tempfile.TemporaryDirectory(prefix="omtquiz-shot-") as tmp:
        context, window = build(Profile.open(tmp, extra_decks), app)
        window.resize(1100, 720)
        window.show()
        app.processEvents()
        stage(window, screen)
        for _ in range(3):
            app.processEvents()
        ok = window.grab().save(output)
        window.close()
        context.store.close()
    if not ok:
        print(f"could not write {output}")
        return 1
    print(f"wrote {output} ({screen})")
    return 0


def stage(window, screen: str) -> None:
    """Put the window in a state worth showing: a revealed card, an answered question, a report."""
    decks = window.context.library.decks
    first = Scope.deck(decks[0].id) if decks else Scope.all()
    if screen == "review":
        window.study(first)
        window.review_page.reveal()
    elif screen == "quiz":
        window.quiz(first, AnswerMode.CHOICES)
        choose_wrong(window.pages["quiz"])
    elif screen == "stats":
        window.statistics()
    elif screen == "exam-report":
        window.exam(Scope.all(), 20, 20)
        finish_randomly(window.pages["exam"], seed=7)


def choose_wrong(page: QuizPage) -> None:
    """Answer the current question wrongly, to show what feedback looks like."""
    question = page.current()
    if question is None:
        return
    if page.mode == AnswerMode.TYPED:
        page.typed_edit.setText("I don't remember")
        page.check_typed()
        return
    wrong = next(i for i in range(len(question.choices)) if i != question.correct_index)
    page.choose(wrong + 1)


def finish_randomly(page: ExamPage, seed: int) -> None:
    """Answer every question (about 70% right, seeded) and show the report."""
    if not page.taking():
        return
    rng = random.Random(seed)
    exam = page.exam
    right = set(rng.sample(range(exam.total), round(0.7 * exam.total)))
    taken = 0
    for index, question in enumerate(exam.questions):
        wrong = [c for c in question.choices if c != question.answer]
        given = question.answer if index in right or not wrong else rng.choice(wrong)
        duration = rng.randint(4_000, 25_000)
        taken += duration
        exam.answer(index, given, duration)
    page.end(taken_ms=taken)
