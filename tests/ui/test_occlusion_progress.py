"""The shape editor, driven with real keys in the real app, moves a student's progress with
the shapes: delete shape 2 of 5 and shapes 1, 3, 4, 5 keep their state and review log; undo
(the app's Ctrl+Alt+Z, the authoring window's Undo) puts file and progress back; the main
window is told what moved."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from omtquiz.decks.model import Item
from omtquiz.scheduling import Rating, SchedulerSettings, review

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">'
       '<rect width="400" height="200" fill="#ffffff"/></svg>')
DECK = """\
deck: occ
title: Occlusion
sources: [{id: s, citation: A real book}]
cards:
  - id: pic
    type: occlusion
    image: pic.svg
    source: s
    shapes:
""" + "".join(f"      - {{rect: [{0.05 + 0.18 * n:.2f}, 0.3, 0.12, 0.3], label: S{n + 1}}}\n"
              for n in range(5))
RATINGS = (Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY, Rating.HARD)


@pytest.fixture
def app(qtbot, qapp, data_dir):
    from omtquiz.profile import Profile
    from omtquiz.ui import theme
    from omtquiz.ui.app import build

    profile = Profile.open(data_dir)
    deck_file = profile.dirs.user_decks / "occ.yaml"
    deck_file.write_text(DECK, encoding="utf-8")
    (profile.dirs.user_decks / "pic.svg").write_text(SVG, encoding="utf-8")
    context, win = build(profile, qapp)
    qtbot.addWidget(win)
    told = []
    win.changed.connect(told.append)
    store = context.store
    now = context.clock.now()
    for n in range(5):  # item n answered n + 1 times with its own rating
        item = Item("occ", "pic", n)
        for k in range(n + 1):
            when = now - timedelta(days=20 - 3 * k, minutes=n)
            before = store.get(item)
            card, _ = review(before.card, RATINGS[n], when, SchedulerSettings(fuzz=False))
            store.record_answer(before, replace(before, card=card, first_seen=when),
                                rating=RATINGS[n], reviewed_at=when, duration_ms=900 + n,
                                mode="review")
    yield context, win, deck_file, told
    context.store.close()
    theme.apply(qapp, "light", 15)


def by_label(context) -> dict[str, tuple]:
    """Each item's stored progress (without its key) and log ids, by the shape it asks."""
    card = context.library.deck("occ").card("pic")
    out = {}
    for n in card.ords():
        item = Item("occ", "pic", n)
        record = replace(context.store.get(item), item=Item("", "", 0))
        out[card.occlusion_label(n)] = (record, [e.id for e in context.store.entries(item)])
    return out


def delete_second_shape_and_save(dialog, qtbot) -> None:
    canvas = dialog.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    assert dialog.label_edit.text() == "S2"
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    dialog.save()


def test_deleting_shape_2_in_the_app_keeps_every_other_shapes_progress_and_undo(
        app, qtbot, monkeypatch):
    from omtquiz.ui.dialogs.occlusion_editor import OcclusionEditorDialog

    context, win, deck_file, told = app
    before, text = by_label(context), deck_file.read_bytes()

    def ask(cls, deck_path, card, parent=None):  # what the author does in the real dialog
        dialog = cls(deck_path, card.image, card_id=card.id, shapes=card.shapes,
                     mode=card.mode, front=card.front, parent=parent)
        delete_second_shape_and_save(dialog, qtbot)
        return dialog.edit

    monkeypatch.setattr(OcclusionEditorDialog, "ask", classmethod(ask))
    edit = win.edit_card(Item("occ", "pic", 0))
    assert edit is not None and edit.card_id == "pic"

    after = by_label(context)
    assert list(after) == ["S1", "S3", "S4", "S5"]
    assert after == {label: before[label] for label in after}
    assert told[-1].items == {Item("occ", "pic", n) for n in range(1, 5)}
    assert told[-1].answers

    win.findChild(QAction, "undoCardEditAction").trigger()
    assert deck_file.read_bytes() == text
    assert by_label(context) == before
    assert context.store.unregistered(["occ"]) == []
    assert told[-1].items == {Item("occ", "pic", n) for n in range(1, 5)}


def test_the_authoring_windows_shape_editor_moves_the_apps_progress_and_undo(app, qtbot):
    from omtquiz.ui.windows.authoring import AuthoringWindow

    context, win, deck_file, told = app
    before, text = by_label(context), deck_file.read_bytes()
    win.open_authoring(str(deck_file))  # File > Open deck for authoring
    authoring = win.authoring_windows[-1]
    assert isinstance(authoring, AuthoringWindow)
    assert authoring.select_card("pic")
    authoring.edit_shapes_button.click()
    dialog = authoring.shapes.dialog
    qtbot.waitExposed(dialog)

    delete_second_shape_and_save(dialog, qtbot)

    assert not dialog.isVisible()
    # the study window has the edited deck and the progress followed the shapes
    assert len(context.library.deck("occ").card("pic").shapes) == 4
    after = by_label(context)
    assert after == {label: before[label] for label in ("S1", "S3", "S4", "S5")}
    assert told and told[-1].items == {Item("occ", "pic", n) for n in range(1, 5)}
    assert ("progress followed the shapes (3 item(s) renumbered, 1 deleted item(s) kept "
            "aside)") in authoring.statusBar().currentMessage()

    authoring.undo_button.click()
    assert deck_file.read_bytes() == text
    assert len(context.library.deck("occ").card("pic").shapes) == 5
    assert by_label(context) == before
    authoring.close()


def test_an_authoring_window_the_app_did_not_open_moves_no_progress(app, qtbot):
    from omtquiz.ui.windows.authoring import AuthoringWindow

    context, win, deck_file, told = app
    rows = context.store._tuples("SELECT * FROM card_state ORDER BY ord")
    authoring = AuthoringWindow(deck_file)  # no study window behind it
    qtbot.addWidget(authoring)
    authoring.show()
    assert authoring.select_card("pic")
    authoring.edit_shapes_button.click()
    delete_second_shape_and_save(authoring.shapes.dialog, qtbot)
    assert "S2" not in deck_file.read_text(encoding="utf-8")
    assert context.store._tuples("SELECT * FROM card_state ORDER BY ord") == rows
    assert not told
