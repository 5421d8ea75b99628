"""File > Import reviews from Anki…: answers given in the real Anki come home to the window."""

from __future__ import annotations

from test_ui_main import GOOD, open_window  # noqa: F401  (the fixture)

from omtquiz.interop.anki_export import export_apkg
from samples import study_in_anki


def test_reviews_studied_in_anki_come_home_through_the_file_menu(qtbot, open_window,  # noqa: F811
                                                                 tmp_path):
    win = open_window({"good.yaml": GOOD})
    context = win.context
    action = win.findChild(type(win.export_action), "importReviewsAction")
    assert action is not None and action.text() == "&Import reviews from Anki…"
    export_apkg(context.library.decks, tmp_path / "ours.apkg")
    packages = study_in_anki(tmp_path, tmp_path / "ours.apkg")
    assert context.store.entries() == []
    with qtbot.waitSignal(win.changed) as changed:
        summary = win.import_reviews(str(packages["anki21b"]))
    answered = context.store.entries()
    assert answered and changed.args[0].answers
    assert summary.startswith(f"phone.apkg: {len(answered)} review(s) of omtquiz cards read")
    assert summary in win.statusBar().currentMessage()
    assert win.import_reviews(str(packages["colpkg"])).count(" 0 added") == 1
    assert len(context.store.entries()) == len(answered)


def test_a_file_that_is_not_an_anki_package_is_refused_with_a_message(qtbot, open_window,  # noqa: F811
                                                                       tmp_path, monkeypatch):
    win = open_window({"good.yaml": GOOD})
    shown = []
    monkeypatch.setattr("omtquiz.ui.main_window.QMessageBox.warning",
                        lambda parent, title, text: shown.append(text))
    (tmp_path / "notes.apkg").write_text("hello")
    assert win.import_reviews(str(tmp_path / "notes.apkg")) is None
    assert shown and "cannot open notes.apkg as an Anki package" in shown[0]


def test_more_cards_in_a_moment_only_when_this_scope_has_one(tmp_path, qapp):
    """The done screen's line: a buried card and another deck's learning card, both due in a
    minute, are not "due in a moment" for this deck; cards held by the daily limit come
    tomorrow."""
    from datetime import datetime, timedelta, timezone

    from omtquiz.clock import FixedClock
    from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
    from omtquiz.progress.types import ItemRecord
    from omtquiz.scheduling import CardState, Rating, Settings, State
    from omtquiz.study.scope import Scope
    from samples import make_context

    now = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)
    clock = FixedClock(now)

    def one(deck_id: str) -> Deck:
        return Deck(deck_id, deck_id, f"{deck_id}.yaml",
                    (Card(deck_id, "a", "basic", front="Q?", back="A"),))

    context = make_context(tmp_path, Library((DeckFile("x.yaml", one("x")),
                                              DeckFile("y.yaml", one("y")))), clock)
    store = context.store
    try:
        store.save_settings(Settings().with_global(fuzz=False, timezone="UTC"))
        soon = CardState(State.LEARNING, 0, 1.0, 5.0, now + timedelta(seconds=30), now, 1, 0)
        store.put(ItemRecord(Item("y", "a"), soon))  # another deck's learning card
        session = context.new_session(Scope.deck("x"))
        session.answer(Rating.AGAIN)  # x/a: learning, due in a minute
        session.bury()  # ... buried until tomorrow
        assert session.current() is None
        assert context.next_due_text(session) == "The next card is due in 14 hours."
        # Everything, with nothing buried: y/a is due in a moment for the all-decks scope.
        clock.set(now + timedelta(seconds=20))
        assert context.next_due_text(None) == "More cards are due in a moment."
        # A review due later today that the daily limit holds back comes tomorrow.
        limited = Settings().with_global(fuzz=False, timezone="UTC", reviews_per_day=0)
        store.save_settings(limited)
        store.put(ItemRecord(Item("y", "a"), CardState(
            State.REVIEW, None, 6.0, 5.0, now + timedelta(hours=3), now - timedelta(days=6), 3, 0)))
        held = context.new_session(Scope.deck("y"))
        assert held.current() is None
        assert context.next_due_text(held) == ("Today's limit is reached here: more cards are "
                                               "due tomorrow.")
    finally:
        store.close()


MCQ = """\
deck: mcq
title: Choices
sources: [{id: s, citation: A real book}]
cards:
  - id: indirect
    type: mcq
    question: Which of these techniques is an indirect technique?
    answer: Counterstrain
    distractors: [HVLA, Muscle energy, Articulatory technique]
    source: s
"""


def test_a_multiple_choice_card_is_reviewed_with_its_lettered_choices(
        qtbot, open_window):  # noqa: F811
    """The lettered choices show under the question, the answer side gives the right letter
    in the order shown, and undo shows the card as it was (its review's seed is its reps)."""
    from PySide6.QtCore import Qt

    from omtquiz.decks.render import mcq_choices

    win = open_window({"mcq.yaml": MCQ})
    qtbot.keyClick(win.deck_page.tree, Qt.Key.Key_Return)
    review = win.review_page
    first = review.view.toPlainText()
    card = win.context.library.card(review.session.current())
    choices, right = mcq_choices(card, 0)
    assert first.splitlines()[1:] == [f"{'ABCD'[n]}. {text}" for n, text in enumerate(choices)]
    review.reveal()
    after = review.view.toPlainText().splitlines()[len(first.splitlines()):]
    assert f"{'ABCD'[right]}. Counterstrain" in after, review.view.toPlainText()
    review.rate(3)
    assert win.context.store.get(review.session.current() or card.items()[0]).card.reps == 1
    review.undo()  # the card again, its choices in the order they had
    assert review.view.toPlainText() == first
