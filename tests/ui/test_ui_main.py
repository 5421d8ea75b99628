"""The main window and review screen, driven from the keyboard with real widgets offscreen."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QPushButton, QScrollArea

from conftest import BUNDLED_DECKS
from omtquiz.profile import Profile, resolve_dirs
from omtquiz.study.scope import Scope
from omtquiz.ui.app import build

GOOD = """\
deck: good
title: Good deck
parent: Test
sources: [{id: s, citation: A real book}]
cards:
  - {id: a, front: What is OMT?, back: A hands-on treatment, source: s}
  - {id: b, type: cloze, text: "{{c1::Rib raising}} opens the ribcage", source: s}
  - {id: c, front: Second question, back: Second answer, source: s}
"""
BROKEN = "deck: broken\ntitle: Broken\ncards:\n  - {id: x, type: mcqq}\n"


def make_profile(deck_dir, data_dir):
    return Profile.open(data_dir, [deck_dir])


@pytest.fixture
def open_window(qtbot, qapp, tmp_path, data_dir, monkeypatch):
    """The main window over a folder of these deck files (name: text), shown."""
    contexts = []

    def open_(files: dict[str, str], **build_options):
        decks = tmp_path / "decks"
        decks.mkdir(exist_ok=True)
        for name, text in files.items():
            (decks / name).write_text(text)
        empty_bundle = tmp_path / "bundle"
        empty_bundle.mkdir()
        monkeypatch.setattr("omtquiz.profile.bundled_decks_dir", lambda: empty_bundle)
        context, win = build(make_profile(decks, data_dir), qapp, **build_options)
        contexts.append(context)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        return win

    yield open_
    for context in contexts:
        context.store.close()


@pytest.fixture
def window(open_window):
    return open_window({"good.yaml": GOOD, "broken.yaml": BROKEN})


def select_deck(win, deck_id):
    page = win.deck_page
    for item in page._all_items():
        if item.data(0, Qt.ItemDataRole.UserRole) == Scope.deck(deck_id):
            page.tree.setCurrentItem(item)
            return item
    raise AssertionError(deck_id)


def test_study_a_card_with_space_then_3_and_undo(qtbot, window):
    select_deck(window, "good")
    qtbot.keyClick(window.deck_page.tree, Qt.Key.Key_Return)
    review = window.review_page
    assert window.stack.currentWidget() is review
    first = review.session.current()
    assert first.card_id == "a"
    assert "What is OMT?" in review.view.toPlainText()
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert "A hands-on treatment" in review.view.toPlainText()
    assert "A real book" in review.view.toPlainText()
    assert review.rate_buttons[3].text().startswith("Good")
    qtbot.keyClick(review, Qt.Key.Key_3)
    assert review.session.current() != first
    store = window.context.store
    assert [e.rating for e in store.entries()] == [3]
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.entries() == []
    assert review.session.current() == first


def test_a_start_on_a_deck_fills_the_deck_list_when_the_student_comes_back(open_window):
    """`omtquiz --study DECK` opens on the card: the deck list is not computed unseen, and is
    there, with the answers of the review, once the student goes back to it."""
    win = open_window({"good.yaml": GOOD}, fill_deck_list=False)
    win.study(Scope.deck("good"))
    assert win.deck_page.tree.topLevelItemCount() == 0
    assert win.status_label.text()  # today's line is there from the start
    review = win.review_page
    assert win.stack.currentWidget() is review
    review.reveal()  # Space, 3, Escape (offscreen, this window never gets the keys)
    review.rate(3)
    assert [e.rating for e in win.context.store.entries()] == [3]
    review.back_button.click()
    assert win.stack.currentWidget() is win.deck_page
    good = select_deck(win, "good")
    assert good.text(1) == "2"  # three new cards, one answered


def test_cloze_shows_a_blank_then_the_deletion(qtbot, window):
    select_deck(window, "good")
    window.study(Scope.deck("good"))
    review = window.review_page
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_4)
    assert review.session.current().card_id == "b"
    assert "[...] opens the ribcage" in review.view.toPlainText()
    qtbot.keyClick(review, Qt.Key.Key_Return)
    assert "Rib raising opens the ribcage" in review.view.toPlainText()


PIXEL = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
         b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00"
         b"\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_a_cloze_keeps_its_picture_on_the_answer_side(qtbot, open_window, tmp_path):
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "spine.png").write_bytes(PIXEL)
    win = open_window({"pic.yaml": (
        "deck: pic\ntitle: Pictures\nsources: [{id: s, citation: A real book}]\ncards:\n"
        "  - {id: p, type: cloze, text: '{{c1::T4}} is the level', image: spine.png, "
        "source: s}\n")})
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    select_deck(win, "pic")
    qtbot.keyClick(win.deck_page.tree, Qt.Key.Key_Return)
    review = win.review_page
    assert "spine.png" in review.view.toHtml()
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert "T4 is the level" in review.view.toPlainText()
    assert "spine.png" in review.view.toHtml(), "the picture went missing on the answer side"


def test_broken_deck_shows_its_badge_while_the_other_studies(qtbot, window):
    labels = [item.text(0) for item in window.deck_page._all_items()]
    assert "Broken  ⚠" in labels
    item = next(i for i in window.deck_page._all_items() if i.text(0) == "Broken  ⚠")
    window.deck_page.tree.setCurrentItem(item)
    problems = window.deck_page.problems_label
    assert not problems.isHidden()
    assert "broken.yaml:4:" in problems.text()
    assert "'mcqq' is not one of" in problems.text()
    select_deck(window, "good")
    window.deck_page.study_button.click()
    assert window.review_page.session.current() is not None


def test_study_on_a_broken_deck_says_why_and_offers_to_open_it(qtbot, window, monkeypatch):
    from omtquiz.ui.dialogs.broken_deck import BrokenDeckDialog

    asked = []
    monkeypatch.setattr(BrokenDeckDialog, "ask", classmethod(
        lambda cls, path, problems, parent=None: asked.append((path, problems)) or True))
    item = next(i for i in window.deck_page._all_items() if i.text(0) == "Broken  ⚠")
    window.deck_page.tree.setCurrentItem(item)
    for button in (window.deck_page.study_button, window.deck_page.mcq_button,
                   window.deck_page.exam_button):
        button.click()
    assert len(asked) == 3 and asked[0][0].endswith("broken.yaml")
    assert any("'mcqq' is not one of" in line for line in asked[0][1])
    assert window.stack.currentWidget() is window.deck_page
    assert len(window.authoring_windows) == 3  # "Open for authoring" each time
    dialog = BrokenDeckDialog(asked[0][0], asked[0][1])
    qtbot.addWidget(dialog)
    shown = dialog.findChild(QPlainTextEdit, "brokenDeckProblems").toPlainText()
    assert "'mcqq' is not one of" in shown


def test_the_deck_filter_is_keyboard_first(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page = window.deck_page
    page.filter_edit.setFocus()
    qtbot.keyClicks(page.filter_edit, "goo")
    # The panel follows what the filter leaves visible, never a deck it hid.
    assert page.title_label.text() == "Good deck"
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Down)
    assert page.tree.hasFocus() and page.tree.currentItem().text(0) == "Good deck"
    page.filter_edit.setFocus()
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.review_page
    assert window.review_page.session.current().deck_id == "good"


def test_escape_returns_to_decks_and_counts_update(qtbot, window):
    item = select_deck(window, "good")
    assert item.text(1) == "3"
    window.deck_page.study_button.click()
    qtbot.keyClick(window.review_page, Qt.Key.Key_Space)
    qtbot.keyClick(window.review_page, Qt.Key.Key_1)
    qtbot.keyClick(window.review_page, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_page
    item = select_deck(window, "good")
    assert (item.text(1), item.text(2)) == ("2", "1")


def test_finished_screen_says_when_more_is_due(qtbot, window):
    window.study(Scope.deck("good"))
    review = window.review_page
    for _ in range(3):
        qtbot.keyClick(review, Qt.Key.Key_Space)
        qtbot.keyClick(review, Qt.Key.Key_4)
    assert review.session.current() is None
    assert not review.done_label.isHidden()
    assert "All done for now" in review.done_label.text()


def test_every_interactive_widget_is_named(window):
    from PySide6.QtWidgets import QAbstractButton, QLineEdit, QTreeWidget

    assert window.review_page is not None  # made on first use
    for kind in (QAbstractButton, QLineEdit, QTreeWidget):
        for widget in window.findChildren(kind):
            if widget.objectName().startswith("qt_") or not widget.parent():
                continue
            if isinstance(widget.parent(), QLineEdit):  # Qt's own clear button in a field
                continue
            assert widget.objectName() and widget.accessibleName(), widget
    for name in ("deckTree", "studyButton", "showAnswerButton", "rateAgainButton",
                 "rateHardButton", "rateGoodButton", "rateEasyButton", "examStartButton"):
        assert window.findChild(QAbstractButton, name) or window.findChild(QTreeWidget, name)


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_screens_render_in_both_themes(qtbot, qapp, tmp_path, data_dir, theme_name):
    from omtquiz.ui import theme

    decks = tmp_path / "bundled"
    shutil.copytree(BUNDLED_DECKS, decks)
    context, win = build(make_profile(decks, data_dir), qapp)
    qtbot.addWidget(win)
    theme.apply(qapp, theme_name)
    context.theme_name = theme_name
    win.resize(1100, 720)
    win.show()
    win.refresh()
    assert not win.grab().isNull()
    assert win.grab().save(str(tmp_path / f"decks-{theme_name}.png"))
    win.study(Scope.all())
    win.review_page.reveal()
    assert win.grab().save(str(tmp_path / f"review-{theme_name}.png"))
    theme.apply(qapp, "light")
    win.close()  # before its store: the FSRS re-fit check (1 s on) must not find it open
    context.store.close()
    assert resolve_dirs(str(data_dir)).database.exists()


def test_open_deck_for_authoring_from_the_file_menu(qtbot, window, tmp_path):
    deck = tmp_path / "decks" / "good.yaml"
    window.open_authoring(str(deck))
    (authoring,) = window.authoring_windows
    qtbot.addWidget(authoring)
    assert authoring.path == deck.resolve()
    assert authoring.isVisible()


def test_tools_menu_opens_statistics_browser_and_planner(qtbot, window, monkeypatch):
    from omtquiz.ui.dialogs.planner import PlannerDialog

    window.statistics()
    assert window.stack.currentWidget() is window.pages["stats"]
    window.browse()
    qtbot.addWidget(window._browser)
    assert window._browser.isVisible()
    asked = []
    monkeypatch.setattr(PlannerDialog, "ask", classmethod(
        lambda cls, context, parent=None: asked.append(context) or False))
    window.plan_exam()
    assert asked == [window.context]


def test_one_changes_signal_keeps_the_deck_list_and_the_browser_in_step(qtbot, window):
    from omtquiz.scheduling import State

    window.browse()
    browser = window._browser
    qtbot.addWidget(browser)
    relayed = []
    window.changed.connect(relayed.append)
    assert select_deck(window, "good").text(1) == "3"
    browser.search("deck:good")
    browser.select_all()
    assert browser.suspend_selected() == 3
    assert relayed[-1].items == {row.item for row in browser.index.rows
                                 if row.item.deck_id == "good"}
    assert select_deck(window, "good").text(1) == "0"  # the deck list was shown: recounted
    browser.select_all()
    browser.unsuspend_selected()
    window.study(Scope.deck("good"))
    item = window.review_page.session.current()
    window.review_page.reveal()
    window.review_page.rate(3)
    assert relayed[-1].answers and relayed[-1].items == {item}
    assert browser.index.row(item).state != State.NEW  # the open browser reread that row


# Leaving an exam, flags, authoring windows, deck text, broken decks and the theme

EXAM_DECK = """\
deck: techniques
title: Techniques
sources: [{id: s, citation: A real book}]
cards:
  - {id: me, front: Which technique has the patient contract?, back: Muscle energy, source: s}
  - {id: cs, front: Which technique holds a position of ease?, back: Counterstrain, source: s}
  - {id: mfr, front: Which technique relaxes fascia?, back: Myofascial release, source: s}
  - {id: rr, front: Which technique mobilises the ribs?, back: Rib raising, source: s}
  - {id: lp, front: Which technique pumps lymph from the chest?, back: Lymphatic pump, source: s}
  - {id: hv, front: Which technique is a fast short thrust?, back: HVLA, source: s}
"""  # asked alike: an exam asks them as multiple choice among each other's answers
LEAVE_KEYS = {"decks": (Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier),
              "study all": (Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
                            | Qt.KeyboardModifier.ShiftModifier),
              "statistics": (Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier
                             | Qt.KeyboardModifier.ShiftModifier)}


@pytest.fixture
def exam_window(qtbot, open_window):
    from datetime import datetime, timezone

    from omtquiz.clock import FixedClock

    win = open_window({"techniques.yaml": EXAM_DECK})
    win.context.clock = FixedClock(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc))
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)  # menu shortcuts reach the active window only
    return win


@pytest.mark.parametrize("way_out", sorted(LEAVE_KEYS))
def test_leaving_a_timed_exam_by_a_shortcut_drops_it(qtbot, exam_window, way_out):
    from omtquiz.ui.pages.exam import TICK_MS

    win = exam_window
    win.exam(Scope.deck("techniques"), 5, 1)
    page = win.pages["exam"]
    assert page.taking() and page.ticker.isActive()
    qtbot.keyClick(page, Qt.Key.Key_1)
    qtbot.keyClick(page, Qt.Key.Key_2)
    qtbot.keyClick(win.stack.currentWidget(), *LEAVE_KEYS[way_out])
    assert win.stack.currentWidget() is not page
    assert not page.ticker.isActive() and not page.taking()
    win.context.clock.advance(minutes=5)  # well past the time limit
    qtbot.wait(3 * TICK_MS)
    store = win.context.store
    assert store.exams() == [] and store.entries() == []  # "will not be saved"


def test_leaving_an_untimed_exam_stops_its_clock(qtbot, exam_window):
    win = exam_window
    win.exam(Scope.deck("techniques"), 5, 0)
    page = win.pages["exam"]
    assert page.ticker.isActive()
    win.statistics()
    assert not page.ticker.isActive()
    win.show_decks()
    win.exam(Scope.deck("techniques"), 5, 0)  # a new exam starts afresh
    assert page.taking() and page.ticker.isActive() and page.exam.answers == {}


def test_a_finished_exam_is_kept_and_its_report_leads_to_review(qtbot, exam_window):
    win = exam_window
    win.exam(Scope.deck("techniques"), 5, 0)
    page = win.pages["exam"]
    for _ in range(5):
        question = page.exam.questions[page.index]
        qtbot.keyClick(page, str((question.correct_index + 1) % 4 + 1))  # all wrong
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.pages.currentIndex() == 1 and not page.ticker.isActive()
    page.review_missed()
    assert win.stack.currentWidget() is win.review_page
    assert win.review_page.session.current() is not None
    qtbot.keyClick(win.review_page, *LEAVE_KEYS["decks"])
    assert win.stack.currentWidget() is win.deck_page
    [record] = win.context.store.exams()
    assert (record.total, record.correct) == (5, 0)
    assert len([e for e in win.context.store.entries() if e.mode == "exam"]) == 5


def test_flagging_a_revealed_card_keeps_the_answer_and_its_timer(qtbot, window):
    window.study(Scope.deck("good"))
    review = window.review_page
    qtbot.keyClick(review, Qt.Key.Key_Space)
    started = review.timer.msecsSinceReference()
    qtbot.keyClick(review, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    item = review.session.current()
    assert review.session.record(item).flag == 1
    assert review.flag_label.text().endswith("Flagged red")
    assert review.toast.isVisible() and review.toast.text() == "Flagged red"
    assert review.revealed and review.bottom.currentIndex() == 1
    assert "A hands-on treatment" in review.view.toPlainText()
    assert review.timer.msecsSinceReference() == started
    qtbot.keyClick(review, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert review.session.record(item).flag == 0 and review.flag_label.text() == ""
    qtbot.keyClick(review, Qt.Key.Key_3)  # rated as usual, still revealed
    assert [e.rating for e in window.context.store.entries()] == [3]


def test_bury_suspend_and_undo_say_what_they_did(qtbot, window):
    window.study(Scope.deck("good"))
    review = window.review_page
    first = review.session.current()
    qtbot.keyClick(review, Qt.Key.Key_Minus)
    assert review.toast.text() == "Buried until tomorrow" and review.toast.isVisible()
    assert review.session.current() != first
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert review.toast.text() == "Nothing to undo"  # a bury is not an answer
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert review.toast.text() == "Undid Good"
    qtbot.keyClick(review, Qt.Key.Key_At)
    assert review.toast.text() == "Suspended"


@pytest.mark.parametrize("key, modifier", [
    (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)])
def test_esc_and_ctrl_w_close_the_authoring_window(qtbot, window, tmp_path, key, modifier):
    window.open_authoring(str(tmp_path / "decks" / "good.yaml"))
    (authoring,) = window.authoring_windows
    authoring.activateWindow()
    qtbot.waitUntil(authoring.isActiveWindow)
    qtbot.keyClick(authoring, key, modifier)
    qtbot.waitUntil(lambda: window.authoring_windows == [], timeout=2000)


def test_a_closed_authoring_window_is_freed(qtbot, window, tmp_path):
    window.open_authoring(str(tmp_path / "decks" / "good.yaml"))
    (authoring,) = window.authoring_windows
    authoring.close()
    qtbot.waitUntil(lambda: window.authoring_windows == [], timeout=2000)


HOSTILE = """\
deck: hostile
title: "<b>Bold</b> <img src='/nonexistent/x.png'>"
sources: [{id: s, citation: A real book}]
cards:
  - {id: a, front: What is OMT?, back: A hands-on treatment, source: s}
"""
HOSTILE_BROKEN = "deck: worse\ntitle: Worse\ncards:\n  - {id: x, type: <b>mcq</b>}\n"


def test_text_from_deck_files_is_shown_as_typed(qtbot, open_window):
    win = open_window({"hostile.yaml": HOSTILE, "worse.yaml": HOSTILE_BROKEN})
    page = win.deck_page
    select_deck(win, "hostile")
    assert page.title_label.text().startswith("<b>Bold</b> <img")
    for label in (page.title_label, page.summary_label, page.problems_label):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    item = next(i for i in page._all_items() if i.text(0).startswith("Worse"))
    page.tree.setCurrentItem(item)
    assert "<b>mcq</b>" in page.problems_label.text()
    win.study(Scope.deck("hostile"))
    scope = win.review_page.scope_label
    assert "<img" in scope.text() and scope.textFormat() == Qt.TextFormat.PlainText


def test_quiz_or_exam_on_a_deck_file_that_did_not_load_starts_nothing(qtbot, open_window,
                                                                      monkeypatch):
    from omtquiz.ui.dialogs.broken_deck import BrokenDeckDialog

    asked = []
    monkeypatch.setattr(BrokenDeckDialog, "ask", classmethod(
        lambda cls, path, problems, parent=None: asked.append(path) or False))
    window = open_window({"good.yaml": GOOD, "unreadable.yaml": "deck: [unclosed\n"})
    item = next(i for i in window.deck_page._all_items()
                if i.data(0, Qt.ItemDataRole.UserRole) is None)
    window.deck_page.tree.setCurrentItem(item)
    window.deck_page.study_button.click()
    assert window.stack.currentWidget() is window.deck_page
    window.deck_page.mcq_button.click()
    assert window.stack.currentWidget() is window.deck_page
    window.deck_page.typed_button.click()
    assert window.stack.currentWidget() is window.deck_page
    window.deck_page.exam_button.click()
    assert window.stack.currentWidget() is window.deck_page
    assert len(asked) == 4 and all(p.endswith("unreadable.yaml") for p in asked)
    assert window.authoring_windows == []  # Close: nothing opened


def test_deck_counts_follow_the_chosen_theme_not_the_desktops(qtbot, qapp, window):
    from PySide6.QtGui import QColor

    from omtquiz.ui import theme

    chosen = "light" if theme.resolve("system") == "dark" else "dark"
    window.context.theme_name = theme.apply(qapp, chosen)
    try:
        window.refresh()
        c = theme.colors(chosen)
        item = select_deck(window, "good")
        assert item.foreground(1).color() == QColor(c["highlight"])
        broken = next(i for i in window.deck_page._all_items() if i.text(0) == "Broken  ⚠")
        assert broken.foreground(0).color() == QColor(c["bad"])
    finally:
        theme.apply(qapp, "light")


def test_starting_prints_nothing_about_size_hints(qtbot, open_window, qtlog, tmp_path):
    """Offscreen (as in --screenshot and CI), a top-level window whose layout's minimum changed
    after it was shown made Qt print "This plugin does not support propagateSizeHints()"."""
    import os
    import subprocess
    import sys

    win = open_window({"good.yaml": GOOD})
    win.study(Scope.deck("good"))
    win.statistics()
    win.browse()
    win.open_authoring(str(tmp_path / "decks" / "good.yaml"))
    for window in (win, win._browser, *win.authoring_windows):
        qtbot.waitExposed(window)
    qtbot.wait(50)
    assert not [r.message for r in qtlog.records if "propagateSizeHints" in r.message]
    shot = subprocess.run(
        [sys.executable, "-m", "omtquiz", "--data-dir", str(tmp_path / "data"), "--screenshot",
         str(tmp_path / "shot.png"), "--screen", "review"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert shot.returncode == 0, shot.stderr
    assert "propagateSizeHints" not in shot.stderr + shot.stdout


def test_todays_answers_in_the_status_bar_follow_quizzes_and_exams(qtbot, open_window):
    win = open_window({"techniques.yaml": EXAM_DECK})  # each card asked as choices
    assert win.status_label.text() == "Today: 0 answers"
    win.quiz(Scope.deck("techniques"), "mcq")
    win.pages["quiz"].choose(1)
    assert win.status_label.text() == "Today: 1 answer"
    win.exam(Scope.deck("techniques"), 3, 0)
    exam = win.pages["exam"]
    total = exam.exam.total
    assert total >= 2
    exam.choose(1)
    assert win.status_label.text() == "Today: 1 answer (+1 in this exam)"
    exam.choose(2)
    assert win.status_label.text() == "Today: 1 answer (+2 in this exam)"
    exam.end()  # saved now: counted for real
    assert len(win.context.store.entries()) == 3
    assert win.status_label.text() == "Today: 3 answers"
    win.exam(Scope.deck("techniques"), 3, 0)
    win.pages["exam"].choose(1)
    assert win.status_label.text() == "Today: 3 answers (+1 in this exam)"
    win.show_decks()  # leaving drops the exam: nothing of it is kept or counted
    assert win.status_label.text() == "Today: 3 answers"


def test_study_all_due_studies_due_cards_only(qtbot, open_window):
    from PySide6.QtGui import QAction

    from omtquiz.scheduling import Rating

    win = open_window({"good.yaml": GOOD})
    action = win.findChild(QAction, "studyAllAction")
    action.trigger()  # three new cards, none due
    assert win.stack.currentWidget() is win.deck_page
    assert win.statusBar().currentMessage().startswith("Nothing is due now.")
    assert win.context.store.entries() == []
    win.study(Scope.deck("good"))
    win.review_page.session.answer(Rating.AGAIN)  # a: learning, due in a minute
    win.show_decks()
    qtbot.mouseClick(win.deck_page.study_all_button, Qt.MouseButton.LeftButton)
    review = win.review_page
    assert win.stack.currentWidget() is review
    assert review.session.current().card_id == "a"
    assert review.session.counts().new == 0
    review.session.answer(Rating.EASY)  # graduates: days away
    assert review.session.current() is None  # b and c are new: not handed out


def test_show_in_deck_file_offers_a_copy_of_a_bundled_deck(qtbot, qapp, tmp_path, data_dir,
                                                          monkeypatch):
    """A bundled deck lives inside the installed app (site-packages): it is never opened for
    editing; the location box offers to copy it to my decks, which then loads instead."""
    import omtquiz.ui.dialogs.card_editor as card_editor

    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "good.yaml").write_text(GOOD)
    monkeypatch.setattr("omtquiz.profile.bundled_decks_dir", lambda: bundle)
    monkeypatch.setattr(card_editor, "bundled_decks_dir", lambda: bundle)
    context, win = build(Profile.open(data_dir, []), qapp)
    qtbot.addWidget(win)
    try:
        win.browse()
        browser = win._browser
        browser.search("deck:good")
        browser.table.selectRow(0)
        where = browser.show_in_file()
        assert where.startswith(str(bundle / "good.yaml"))
        box = browser.location_box
        assert "read-only" in box.text()
        assert box.findChild(QPushButton, "openDeckFileButton") is None
        copy_button = box.findChild(QPushButton, "copyToMyDecksButton")
        copy_button.click()
        copy = context.dirs.user_decks / "good.yaml"
        assert copy.read_text().endswith(GOOD.split("cards:", 1)[1])
        assert context.library.deck("good").path == str(copy)
        assert str(copy) in win.statusBar().currentMessage()
        browser.search("deck:good")
        browser.table.selectRow(0)
        browser.show_in_file()
        assert browser.location_box.findChild(QPushButton, "openDeckFileButton") is not None
    finally:
        context.store.close()


TAGGED = """\
deck: tagged
title: Tagged
sources: [{id: s, citation: A real book}]
cards:
  - {id: a, front: Q a, back: A a, source: s, tags: [lymphatic, omt]}
  - {id: b, type: reverse, front: Q b, back: A b, source: s, tags: [Cranial, omt]}
  - {id: c, front: Q c, back: A c, source: s, tags: [zygote]}
"""


def test_the_tag_chooser_is_sorted_counted_and_filtered_from_the_keyboard(qtbot, open_window):
    win = open_window({"tagged.yaml": TAGGED})
    combo = win.deck_page.tag_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Cranial  (2)", "lymphatic  (1)", "omt  (3)", "zygote  (1)"]
    assert combo.currentText() == ""
    assert combo.lineEdit().placeholderText() == "Type a tag…"
    combo.lineEdit().setFocus()
    qtbot.keyClicks(combo.lineEdit(), "ymph")
    completer = combo.completer()
    assert completer.completionCount() == 1
    assert completer.currentCompletion() == "lymphatic  (1)"
    with qtbot.waitSignal(win.deck_page.study_requested) as asked:
        qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert asked.args == [Scope.tag("lymphatic")]
    win.show_decks()
    combo.setEditText("CRANIAL")  # a tag typed whole, in any case
    assert win.deck_page.chosen_tag() == "Cranial"
    combo.setCurrentIndex(2)
    assert win.deck_page.chosen_tag() == "omt"
    combo.setEditText("nothing like it")
    assert win.deck_page.chosen_tag() is None


def test_the_deck_screens_buttons_stay_put_whatever_the_description(qtbot, open_window):
    """A long description scrolls in a box of fixed height; the buttons never move."""
    long_text = " ".join(["Lymphatic techniques and their indications."] * 80)
    win = open_window({
        "short.yaml": GOOD.replace("deck: good", "deck: short").replace(
            "title: Good deck", "title: Short\ndescription: Two words."),
        "long.yaml": GOOD.replace("deck: good", "deck: long").replace(
            "title: Good deck", "title: A long title that wraps over two lines at least, "
            "surely, on this screen\ndescription: '" + long_text + "'")})
    page = win.deck_page
    tops = []
    for deck_id in ("short", "long", None):
        if deck_id is None:
            page.tree.setCurrentItem(page.tree.topLevelItem(0))  # all decks: no description
        else:
            select_deck(win, deck_id)
        qtbot.wait(20)  # let the layout settle
        tops.append(page.study_button.mapTo(page, page.study_button.rect().topLeft()).y())
    assert len(set(tops)) == 1, tops
    select_deck(win, "long")
    qtbot.wait(20)
    area = page.findChild(QScrollArea, "deckInfoArea")
    assert area.verticalScrollBar().maximum() > 0  # the long description scrolls
    assert "Lymphatic techniques" in page.description_label.text()
    area.verticalScrollBar().setValue(50)
    select_deck(win, "short")
    assert area.verticalScrollBar().value() == 0  # each deck's text from its top
