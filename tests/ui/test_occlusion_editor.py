"""Authoring occlusion shapes in the authoring window, with the real mouse and keyboard events:
draw, move, resize, label, save into a commented deck file, reload it, undo.

Every test works on a real deck file in a temporary folder; what is saved is read back through
the loader, and the file's diff shows the author's comments kept.
"""

from __future__ import annotations

import difflib

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from omtquiz.decks.format.loader import load_deck_file
from omtquiz.ui import theme
from omtquiz.ui.windows.authoring import AuthoringWindow

SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">
<rect width="400" height="200" fill="#ffffff"/>
<circle cx="100" cy="100" r="60" fill="#2e7d32"/>
<rect x="250" y="60" width="100" height="80" fill="#1565c0"/>
</svg>"""

DECK = """\
# Hand-written deck: the comments and the order must survive the shape editor.
deck: occ
title: Occlusion
sources: [{id: s, citation: A real book}]
cards:
  - id: first
    front: What does OMT stand for?   # a comment on a basic card
    back: Osteopathic manipulative treatment
    source: s

  # the picture card
  - id: parts
    type: occlusion
    image: parts.svg
    front: Name the covered part
    source: s
    shapes:
      - {ellipse: [0.25, 0.50, 0.15, 0.30], label: Green circle}   # the circle
      - {rect: [0.625, 0.3, 0.25, 0.4], label: Blue square}
"""


@pytest.fixture
def deck_path(tmp_path):
    (tmp_path / "parts.svg").write_text(SVG, encoding="utf-8")
    path = tmp_path / "deck.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


@pytest.fixture
def window(qtbot, qapp, deck_path):
    win = AuthoringWindow(deck_path)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.shapes.dialog is not None:  # left open by a failed test: closed unasked
        win.shapes.dialog._dirty = False
        win.shapes.dialog.reject()
    theme.apply(qapp, "light", 15)


def open_editor(window, qtbot, card_id="parts"):
    assert window.select_card(card_id)
    assert window.edit_shapes_button.isEnabled()
    window.edit_shapes_button.click()
    dialog = window.shapes.dialog
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def at(canvas, x: float, y: float) -> QPoint:
    return canvas.to_widget(x, y).toPoint()


def drag(canvas, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A real press, moves and release, as a hand draws."""
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     at(canvas, *start))
    for step in (0.25, 0.5, 0.75, 1.0):
        x = start[0] + (end[0] - start[0]) * step
        y = start[1] + (end[1] - start[1]) * step
        QTest.mouseMove(canvas, at(canvas, x, y))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       at(canvas, *end))


def near(a, b, tol: float = 0.01) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_the_button_and_the_picture_are_only_for_occlusion_cards(window):
    window.select_card("first")
    assert not window.edit_shapes_button.isEnabled()
    assert not window.shapes.picture_holder.isVisible()
    window.select_card("parts")
    assert window.edit_shapes_button.isEnabled()
    assert window.shapes.picture_holder.isVisible()
    shown = window.shapes.canvas
    assert shown.picture.ok and [s.label for s in shown.shapes] == ["Green circle",
                                                                    "Blue square"]


def test_draw_move_resize_label_save_reload_and_undo(window, qtbot, deck_path):
    dialog = open_editor(window, qtbot)
    canvas = dialog.canvas
    assert [s.label for s in canvas.shapes] == ["Green circle", "Blue square"]

    # draw a rectangle with the mouse
    qtbot.keyClick(canvas, Qt.Key.Key_R)
    assert canvas.tool == "rect" and dialog.findChild(type(dialog.save_button),
                                                      "tool_rect").isChecked()
    drag(canvas, (0.05, 0.05), (0.25, 0.15))
    assert len(canvas.shapes) == 3 and canvas.selected == 2
    drawn = canvas.shapes[2]
    assert drawn.kind == "rect" and near(drawn.coords, (0.05, 0.05, 0.2, 0.1))
    assert dialog.shape_list.count() == 3 and dialog.shape_list.currentRow() == 2

    # label it by typing, as the panel asks
    assert dialog.label_edit.isEnabled() and dialog.label_edit.text() == ""
    qtbot.keyClicks(dialog.label_edit, "Top left")
    qtbot.keyClicks(dialog.group_edit, "corner")
    assert canvas.shapes[2].label == "Top left" and canvas.shapes[2].group == "corner"
    assert "Top left" in dialog.shape_list.item(2).text()

    # move it by dragging its middle with the select tool
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    drag(canvas, (0.15, 0.10), (0.35, 0.20))
    assert near(canvas.shapes[2].coords, (0.25, 0.15, 0.2, 0.1))

    # resize it by its bottom-right handle
    drag(canvas, (0.45, 0.25), (0.55, 0.35))
    assert near(canvas.shapes[2].coords, (0.25, 0.15, 0.3, 0.2))

    # resize the ellipse by its right handle (select it by a click first)
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     at(canvas, 0.25, 0.7))
    assert canvas.selected == 0
    drag(canvas, (0.40, 0.50), (0.45, 0.50))
    assert near(canvas.shapes[0].coords, (0.275, 0.5, 0.175, 0.3))

    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findData("hide-one-guess-one"))
    dialog.save_button.click()
    assert not dialog.isVisible() and dialog.edit is not None

    after = deck_path.read_text(encoding="utf-8")
    card = load_deck_file(deck_path).deck.card("parts")
    assert card.mode == "hide-one-guess-one"
    assert [(s.kind, s.label, s.group) for s in card.shapes] == [
        ("ellipse", "Green circle", None), ("rect", "Blue square", None),
        ("rect", "Top left", "corner")]
    for saved, drawn in zip(card.shapes, canvas.shapes, strict=True):
        assert near(saved.coords, drawn.coords, 1e-4)
        assert all(len(repr(v).split(".")[-1]) <= 4 for v in saved.coords), saved.coords
    changes = changed_lines(DECK, after)
    assert len(changes) == 4, changes  # the mode, the ellipse (twice), the new shape
    assert "+    mode: hide-one-guess-one" in changes
    assert changes[-1].startswith("+      - {rect: [0.2")
    assert changes[-1].endswith("], label: Top left, group: corner}")
    for comment in ("# Hand-written deck", "# a comment on a basic card", "# the picture card",
                    "# the circle"):
        assert comment in after
    assert window.card_list.currentItem().data(256)[1] == "parts"  # reloaded, kept selected
    assert "Top left" in window.preview.toPlainText()
    assert [s.label for s in window.shapes.canvas.shapes][-1] == "Top left"  # beside it too

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert deck_path.read_text(encoding="utf-8") == DECK
    assert "Top left" not in window.preview.toPlainText()


def test_keyboard_only_tab_nudge_resize_delete(window, qtbot, deck_path):
    dialog = open_editor(window, qtbot)
    canvas = dialog.canvas
    canvas.setFocus()
    assert canvas.selected == -1
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    assert canvas.selected == 0 and canvas.hasFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    assert canvas.selected == 1 and dialog.label_edit.text() == "Blue square"
    qtbot.keyClick(canvas, Qt.Key.Key_Backtab)
    assert canvas.selected == 0
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    assert near(canvas.shapes[0].coords, (0.26, 0.49, 0.15, 0.3), 1e-9)
    qtbot.keyClick(canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # wider
    assert near(canvas.shapes[0].coords, (0.265, 0.49, 0.155, 0.3), 1e-9)
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert [s.label for s in canvas.shapes] == ["Green circle"] and canvas.selected == 0
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)  # past the last shape: on to the label field
    assert dialog.label_edit.hasFocus()
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    card = load_deck_file(deck_path).deck.card("parts")
    assert [(s.label, s.coords) for s in card.shapes] == [
        ("Green circle", (0.265, 0.49, 0.155, 0.3))]
    after = deck_path.read_text(encoding="utf-8")
    assert sorted(changed_lines(DECK, after)) == [
        "+      - {ellipse: [0.265, 0.49, 0.155, 0.3], label: Green circle}  # the circle",
        "-      - {ellipse: [0.25, 0.50, 0.15, 0.30], label: Green circle}   # the circle",
        "-      - {rect: [0.625, 0.3, 0.25, 0.4], label: Blue square}"]


def test_a_polygon_by_clicks_and_an_unlabelled_shape_is_refused(window, qtbot, deck_path):
    dialog = open_editor(window, qtbot)
    canvas = dialog.canvas
    dialog.findChild(type(dialog.save_button), "tool_polygon").click()
    assert canvas.tool == "polygon" and canvas.hasFocus()
    for point in ((0.45, 0.1), (0.55, 0.1), (0.5, 0.3)):
        QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         at(canvas, *point))
    assert len(canvas.shapes) == 2  # not closed yet
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     at(canvas, 0.45, 0.1))  # the first corner closes it
    assert len(canvas.shapes) == 3 and canvas.shapes[2].kind == "polygon"
    assert near(canvas.shapes[2].coords, (0.45, 0.1, 0.55, 0.1, 0.5, 0.3))

    dialog.save_button.click()  # no label yet: refused, the drawing kept, the label asked for
    assert dialog.isVisible() and dialog.problem_label.isVisible()
    assert "shape 3 has none" in dialog.problem_label.text()
    assert canvas.selected == 2 and dialog.label_edit.hasFocus()
    assert deck_path.read_text(encoding="utf-8") == DECK

    qtbot.keyClicks(dialog.label_edit, "Triangle")
    dialog.save_button.click()
    assert not dialog.isVisible()
    card = load_deck_file(deck_path).deck.card("parts")
    assert (card.shapes[2].kind, card.shapes[2].label) == ("polygon", "Triangle")
    assert near(card.shapes[2].coords, (0.45, 0.1, 0.55, 0.1, 0.5, 0.3))


def test_a_new_occlusion_card_on_a_picture_of_the_deck(window, qtbot, deck_path):
    dialog = window.shapes.new_card(picture="parts.svg")
    qtbot.waitExposed(dialog)
    assert dialog.source_combo.currentData() == "s"  # the deck's one source
    canvas = dialog.canvas
    assert canvas.shapes == []
    qtbot.keyClick(canvas, Qt.Key.Key_E)
    drag(canvas, (0.1, 0.2), (0.4, 0.8))
    qtbot.keyClicks(dialog.label_edit, "Circle")
    qtbot.keyClicks(dialog.front_edit, "Which shape?")
    dialog.save_button.click()
    assert not dialog.isVisible()
    result = load_deck_file(deck_path)
    assert not result.diagnostics
    card = result.deck.card("which-shape")
    assert card.type == "occlusion" and card.front == "Which shape?" and card.source == "s"
    assert [(s.kind, s.label) for s in card.shapes] == [("ellipse", "Circle")]
    assert near(card.shapes[0].coords, (0.25, 0.5, 0.15, 0.3))
    assert deck_path.read_text(encoding="utf-8").startswith(DECK)
    assert window.card_list.currentItem().data(256)[1] == "which-shape"
    window.shapes.undo()
    assert deck_path.read_text(encoding="utf-8") == DECK


@pytest.mark.parametrize("look", ["light", "dark"])
def test_the_editor_looks_right(window, qtbot, qapp, look, tmp_path):
    """Rendered offscreen for a person to look at (saved beside the test's files); checked
    here for what can be: the picture shows through a shape, the selected one stands out."""
    theme.apply(qapp, look, 15)
    dialog = open_editor(window, qtbot)
    dialog.resize(1100, 720)
    dialog.canvas.select(1)
    image = dialog.canvas.grab().toImage()
    image.save(str(tmp_path / f"shape-editor-{look}.png"))
    ratio = image.devicePixelRatio()

    def color(x, y):
        point = dialog.canvas.to_widget(x, y) * ratio
        return image.pixelColor(int(point.x()), int(point.y()))

    green = color(0.15, 0.35)  # inside the circle, under a see-through shape: still green
    assert green.green() > green.red() + 20 and green.green() > green.blue()
    inside, outside = color(0.7, 0.35), color(0.7, 0.1)
    assert inside != outside
    assert outside.name() == "#ffffff"  # the picture is paper in both looks


def test_edit_card_in_the_app_opens_the_shape_editor_and_undo_restores(qtbot, qapp, data_dir,
                                                                        monkeypatch):
    """E on an occlusion card (review screen, browser) edits its shapes; Ctrl+Alt+Z undoes it
    like any card edit."""
    from PySide6.QtGui import QAction

    from omtquiz.decks.model import Item
    from omtquiz.profile import Profile
    from omtquiz.ui.app import build
    from omtquiz.ui.dialogs.occlusion_editor import OcclusionEditorDialog

    profile = Profile.open(data_dir)
    deck_file = profile.dirs.user_decks / "occ.yaml"
    deck_file.write_text(DECK, encoding="utf-8")
    (profile.dirs.user_decks / "parts.svg").write_text(SVG, encoding="utf-8")
    context, win = build(profile, qapp)
    qtbot.addWidget(win)

    def ask(cls, deck_path, card, parent=None):  # what the author does in the real dialog
        dialog = cls(deck_path, card.image, card_id=card.id, shapes=card.shapes,
                     mode=card.mode, front=card.front, parent=parent)
        qtbot.keyClick(dialog.canvas, Qt.Key.Key_Tab)
        qtbot.keyClick(dialog.canvas, Qt.Key.Key_Down)
        dialog.save()
        return dialog.edit

    monkeypatch.setattr(OcclusionEditorDialog, "ask", classmethod(ask))
    try:
        edit = win.edit_card(Item("occ", "parts"))
        assert edit is not None and edit.card_id == "parts"
        assert "{ellipse: [0.25, 0.51, 0.15, 0.3], label: Green circle}" in \
            deck_file.read_text(encoding="utf-8")
        assert context.library.deck("occ").card("parts").shapes[0].coords == (
            0.25, 0.51, 0.15, 0.3)
        win.findChild(QAction, "undoCardEditAction").trigger()
        assert deck_file.read_text(encoding="utf-8") == DECK
        assert context.library.deck("occ").card("parts").shapes[0].coords == (
            0.25, 0.5, 0.15, 0.3)
    finally:
        context.store.close()


def test_a_polygon_corner_drags_alone_and_ctrl_z_undoes_in_the_editor(window, qtbot):
    dialog = open_editor(window, qtbot)
    canvas = dialog.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_P)
    for point in ((0.45, 0.1), (0.55, 0.1), (0.5, 0.3)):
        QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         at(canvas, *point))
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert canvas.shapes[2].kind == "polygon" and canvas.selected == 2
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    drag(canvas, (0.5, 0.3), (0.5, 0.45))  # the third corner, not the whole polygon
    assert near(canvas.shapes[2].coords, (0.45, 0.1, 0.55, 0.1, 0.5, 0.45))
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(canvas.shapes) == 2

    qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the delete
    assert len(canvas.shapes) == 3 and canvas.selected == 2
    assert dialog.shape_list.count() == 3
    qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the corner
    assert near(canvas.shapes[2].coords, (0.45, 0.1, 0.55, 0.1, 0.5, 0.3))
    qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the polygon
    assert [s.label for s in canvas.shapes] == ["Green circle", "Blue square"]
    assert canvas.origins == [0, 1]
    assert not canvas.undo()  # nothing more


def test_a_picture_that_cannot_be_read_says_so(window, qtbot, deck_path):
    (deck_path.parent / "parts.svg").write_text("<svg broken", encoding="utf-8")
    from omtquiz.ui.dialogs.occlusion_editor import OcclusionEditorDialog

    dialog = OcclusionEditorDialog(deck_path, str(deck_path.parent / "parts.svg"),
                                   card_id="parts")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.canvas.picture.ok and dialog.canvas.image_rect().isEmpty()
    QTest.mouseClick(dialog.canvas, Qt.MouseButton.LeftButton)  # nothing to draw on: no error
    assert dialog.canvas.shapes == []
    dialog.canvas.grab()  # paints the message without failing


@pytest.mark.parametrize("look", ["light", "dark"])
def test_the_editor_draws_an_app_diagram_in_the_themes_colours(qtbot, qapp, look):
    """The app's own maps are paper-white in light and the card colour in dark, in the editor
    as on the review screen; a deck's own picture keeps its colours (the test above)."""
    from omtquiz.resources import assets_dir
    from omtquiz.ui.widgets.occlusion_editor import ShapeCanvas

    theme.apply(qapp, look, 15)
    try:
        diagram = assets_dir() / "diagrams" / "body-front.svg"
        canvas = ShapeCanvas(str(diagram), (assets_dir().resolve(),))
        qtbot.addWidget(canvas)
        canvas.resize(400, 600)
        assert canvas.picture.ok and canvas.picture.night == (look == "dark")
        image = canvas.grab().toImage()
        point = canvas.to_widget(0.03, 0.5) * image.devicePixelRatio()
        paper = image.pixelColor(int(point.x()), int(point.y()))
        assert (paper.lightness() < 80) == (look == "dark"), paper.name()
    finally:
        theme.apply(qapp, "light", 15)
