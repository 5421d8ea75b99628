"""`omtquiz --screenshot FILE.png --screen NAME`: render one screen offscreen and exit.

It works in a throwaway data folder, so a screenshot never adds answers to real progress.
"""

from __future__ import annotations

import argparse
import copy
import tempfile

from PySide6.QtWidgets import QApplication


def screenshot(args: argparse.Namespace, app: QApplication) -> int:
    from omtquiz.ui.app import build

    with tempfile.TemporaryDirectory(prefix="omtquiz-shot-") as tmp:
        shot_args = copy.copy(args)
        shot_args.data_dir = tmp
        context, window = build(shot_args, app)
        window.resize(1100, 720)
        window.show()
        app.processEvents()
        stage(window, args.screen)
        for _ in range(3):
            app.processEvents()
        ok = window.grab().save(args.screenshot)
        window.close()
        context.store.close()
    if not ok:
        print(f"could not write {args.screenshot}")
        return 1
    print(f"wrote {args.screenshot} ({args.screen})")
    return 0


def stage(window, screen: str) -> None:
    """Put the window in a state worth showing: a revealed card, an answered question, a report."""
    decks = window.context.library.decks
    first = ("deck", decks[0].id) if decks else ("all",)
    if screen == "review":
        window.study(first)
        window.review_page.reveal()
    elif screen == "quiz":
        window.quiz(first, "mcq")
        page = window.pages["quiz"]
        page.choose_wrong_for_show()
    elif screen == "stats":
        window.statistics()
    elif screen == "exam-report":
        window.exam(("all",), 20, 20)
        window.pages["exam"].finish_randomly_for_show(seed=7)
