""""Point to it" on the review screen: a click graded by its distance with the right spot
shown after, the keyboard's pointer (arrow keys, Enter), and the marker of "what is this?"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from test_ui_main import open_window, select_deck  # noqa: F401 (a fixture)

MAP = Path(__file__).resolve().parents[2] / "assets" / "diagrams" / "body-front.svg"


def deck(ask: str) -> str:
    return (
        "deck: pts\ntitle: Points\nsources: [{id: s, citation: A real book}]\ncards:\n"
        f"  - {{id: at9, type: point, image: {MAP}, spot: [0.5, 0.469, 0.025], label: AT9, "
        f"front: Click the AT9 tender point., question: Which tender point is marked?, "
        f"extra: Just above the umbilicus, ask: {ask}, source: s, "
        "follow_up: What position treats the tender point marked on the map?, "
        "follow_answer: Marked flexion, distractors: [Extension, Side-bending away]}\n")


@pytest.fixture
def review(request, qtbot):
    def open_(ask: str):
        win = request.getfixturevalue("open_window")({"pts.yaml": deck(ask)})
        win.resize(1000, 760)
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)
        select_deck(win, "pts")
        qtbot.keyClick(win.deck_page.tree, Qt.Key.Key_Return)
        return win, win.review_page

    return open_


def click_at(qtbot, view, x: float, y: float) -> None:
    rect = view.image_rect()
    point = QPointF(rect.x() + x * rect.width(), rect.y() + y * rect.height()).toPoint()
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point)


def test_a_click_on_the_spot_is_right_and_space_rates_it_good(qtbot, review):
    win, page = review("click")
    assert page.picture.accepts_clicks and page.picture.marker is None
    assert "Click the AT9 tender point." in page.view.toPlainText()
    assert "press an arrow key to show a pointer" in page.view.toPlainText()  # no mouse needed
    click_at(qtbot, page.picture, 0.505, 0.47)
    assert page.revealed
    text = page.view.toPlainText()
    assert "Right on the spot." in text and "AT9" in text and "Space rates it Good" in text
    assert page.picture.answer_spots == ((0.5, 0.469, 0.025),)
    assert not page.picture.grab().isNull()  # the spot, the click and the line are drawn
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert [e.rating for e in win.context.store.entries()] == [3]


def test_a_far_click_is_a_miss_and_space_rates_it_again(qtbot, review):
    win, page = review("click")
    click_at(qtbot, page.picture, 0.5, 0.2)
    assert "Missed" in page.view.toPlainText()
    assert page.picture.click == pytest.approx((0.5, 0.2), abs=0.01)
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert [e.rating for e in win.context.store.entries()] == [1]


def test_the_keyboard_points_with_arrow_keys_and_enter(qtbot, review):
    win, page = review("click")
    qtbot.keyClick(page, Qt.Key.Key_Down)  # the pointer appears, centred
    assert page.picture.cursor == (0.5, 0.5)
    qtbot.keyClick(page, Qt.Key.Key_Up)  # one step: 0.01 of the width, 0.0044 of the height
    assert page.picture.cursor[1] == pytest.approx(0.5 - 0.01 * 400 / 900)
    for _ in range(6):
        qtbot.keyClick(page, Qt.Key.Key_Up)
    assert not page.picture.grab().isNull()  # the pointer is drawn
    assert not page.revealed
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert page.revealed and "Right on the spot." in page.view.toPlainText()
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert [e.rating for e in win.context.store.entries()] == [3]


def test_shift_arrows_take_big_steps_and_space_alone_gives_up(qtbot, review):
    win, page = review("click")
    qtbot.keyClick(page, Qt.Key.Key_Left)
    qtbot.keyClick(page, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert page.picture.cursor[0] == pytest.approx(0.45)
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert page.revealed and "No spot chosen." in page.view.toPlainText()
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert [e.rating for e in win.context.store.entries()] == [1]


def test_what_is_this_shows_a_marker_and_no_click_is_taken(qtbot, review):
    win, page = review("name")
    assert page.picture.marker == (0.5, 0.469, 0.025)
    assert not page.picture.accepts_clicks
    assert "Which tender point is marked?" in page.view.toPlainText()
    click_at(qtbot, page.picture, 0.5, 0.469)
    assert not page.revealed
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert "AT9" in page.view.toPlainText() and "Just above the umbilicus" in \
        page.view.toPlainText()


def test_arrow_keys_still_move_the_caret_in_a_text_box_on_the_page(qtbot, review):
    win, page = review("click")
    edit = page.drill_panel.answer_edit
    page.drill_panel.show()
    edit.show()
    edit.setFocus()
    qtbot.keyClicks(edit, "abc")
    qtbot.keyClick(edit, Qt.Key.Key_Left)
    assert edit.cursorPosition() == 2
    assert page.picture.cursor is None


def test_a_bundled_map_deck_copied_into_my_decks_shows_its_map_from_the_apps_assets(
        qtbot, tmp_path):
    """The bundled map decks name their maps `assets/diagrams/...`: copied anywhere (here a
    student's decks folder with no assets/ beside it) they load clean and draw the shipped map."""
    from omtquiz.decks.format.editor import copy_deck
    from omtquiz.decks.format.loader import load_deck_file
    from omtquiz.decks.render import render_item
    from omtquiz.profile import Profile
    from omtquiz.resources import assets_dir, bundled_decks_dir
    from omtquiz.ui.widgets.occlusion import OcclusionView

    profile = Profile.open(tmp_path / "my data")
    for name in ("21-chapman-points.yaml", "22-counterstrain-tender-points.yaml"):
        copy = copy_deck(bundled_decks_dir() / name, profile.dirs.user_decks,
                         profile.dirs.schema)
        assert not (copy.parent / "assets").exists()
        loaded = load_deck_file(copy)
        assert loaded.ok and not loaded.diagnostics, loaded.diagnostics[:3]
        maps = [c for c in loaded.deck.cards if c.type == "point"]
        assert len(maps) >= 15
        shipped = (assets_dir() / "diagrams").resolve()
        assert {Path(c.image).parent for c in maps} == {shipped}
        card = maps[0]
        assert card.answer in render_item(card, 1).answer  # "click the ..." names it after
        view = OcclusionView()
        qtbot.addWidget(view)
        view.resize(420, 640)
        view.show_map(card.image, marker=card.spot, deck_path=str(copy))
        assert view.picture is not None and view.picture.ok
        picture = view.grab().toImage()
        rect = view.image_rect()
        at = (rect.x() + card.spot[0] * rect.width(), rect.y() + card.spot[1] * rect.height())
        blank = picture.pixelColor(2, 2)  # the margin, outside the map
        assert picture.pixelColor(round(at[0]), round(at[1])) != blank  # the marker is drawn


def test_a_map_outside_the_decks_folder_and_assets_is_not_drawn(qtbot, tmp_path):
    from omtquiz.ui.widgets.occlusion import OcclusionView

    elsewhere = tmp_path / "elsewhere" / "map.svg"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(MAP.read_bytes())
    deck = tmp_path / "decks" / "pts.yaml"
    view = OcclusionView()
    qtbot.addWidget(view)
    view.show_map(str(elsewhere), deck_path=str(deck))
    assert view.picture is not None and not view.picture.ok  # refused by the resolver
    view.show_map(str(MAP), deck_path=str(deck))
    assert view.picture.ok  # the app's own map is fine from any deck


def test_the_follow_up_shows_the_marker_and_lettered_choices_then_the_answer(
        qtbot, open_window):  # noqa: F811 (the fixture)
    from omtquiz.decks.model import FOLLOW_UP, Item
    from omtquiz.decks.render import follow_up_choices
    from omtquiz.study.scope import Scope

    win = open_window({"pts.yaml": deck("both")})
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    win.study(Scope.of_items([Item("pts", "at9", FOLLOW_UP)]))
    page = win.review_page
    assert page.session.current() == Item("pts", "at9", FOLLOW_UP)
    assert page.picture.marker == (0.5, 0.469, 0.025) and not page.picture.accepts_clicks
    text = page.view.toPlainText()
    assert "What position treats the tender point marked on the map?" in text
    assert "AT9" not in text
    choices, right = follow_up_choices(win.context.library.card(page.session.current()))
    for letter, choice in zip("ABC", choices, strict=True):
        assert f"{letter}. {choice}" in text
    click_at(qtbot, page.picture, 0.5, 0.469)  # the map takes no click here
    assert not page.revealed
    qtbot.keyClick(page, Qt.Key.Key_Space)
    text = page.view.toPlainText()
    assert page.revealed and "AT9: Just above the umbilicus" in text
    assert text.count(f"{'ABC'[right]}. Marked flexion") == 2  # the choice, and the answer
    assert page.picture.answer_spots == ((0.5, 0.469, 0.025),)
    qtbot.keyClick(page, Qt.Key.Key_3)
    assert [(e.item.ord, e.rating) for e in win.context.store.entries()] == [(FOLLOW_UP, 3)]


def test_a_pair_card_shows_the_given_point_in_blue_before_and_after_the_click(
        qtbot, open_window):  # noqa: F811 (the fixture)
    from omtquiz.decks.model import Item
    from omtquiz.study.scope import Scope

    pair = MAP.with_name("body-front-back.svg")
    win = open_window({"pair.yaml": (
        "deck: pair\ntitle: Pair\nsources: [{id: s, citation: A real book}]\ncards:\n"
        f"  - {{id: lung, type: point, image: {pair}, spot: [0.78, 0.27, 0.01], "
        "cue: [0.23, 0.3, 0.01], sides: both, axis: 0.75, ask: click, label: Upper lung, "
        "front: Click the posterior partner of the blue point., source: s}\n")})
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    win.study(Scope.of_items([Item("pair", "lung", 1)]))
    page = win.review_page
    view = page.picture
    assert view.cue == (0.23, 0.3, 0.01) and view.accepts_clicks and view.marker is None
    rect = view.image_rect()
    blue = view.grab().toImage().pixelColor(round(rect.x() + 0.23 * rect.width()),
                                            round(rect.y() + 0.3 * rect.height()))
    assert blue.blue() > blue.red() + 60  # the given point is drawn, in blue
    click_at(qtbot, view, 0.72, 0.27)  # the mirror image, in the back view's own half
    assert "Right on the spot." in page.view.toPlainText()
    assert view.cue == (0.23, 0.3, 0.01)  # still shown beside the answer
