"""Occlusion cards on the review screen: the asked shape covered and highlighted, the others
per the card's mode, Space uncovering it; checked on the pixels the widget paints."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from test_ui_main import open_window, select_deck  # noqa: F401 (a fixture)

from omtquiz.decks.occlusion import ASKED, HIDDEN, REVEALED
from omtquiz.ui import theme

SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">
<rect width="400" height="200" fill="#ffffff"/>
<circle cx="100" cy="100" r="60" fill="#2e7d32"/>
<rect x="250" y="60" width="100" height="80" fill="#1565c0"/>
</svg>"""


def deck(mode: str) -> str:
    return (
        "deck: occ\ntitle: Occlusion\nsources: [{id: s, citation: A real book}]\ncards:\n"
        "  - id: parts\n    type: occlusion\n    image: parts.svg\n"
        f"    mode: {mode}\n    front: Name the covered part\n    source: s\n"
        "    shapes:\n"
        "      - {ellipse: [0.25, 0.5, 0.15, 0.3], label: Green circle}\n"
        "      - {rect: [0.625, 0.3, 0.25, 0.4], label: Blue square}\n")


def open_occlusion(request, tmp_path, qtbot, mode: str):
    window_for = request.getfixturevalue("open_window")
    (tmp_path / "decks").mkdir(exist_ok=True)
    (tmp_path / "decks" / "parts.svg").write_text(SVG)
    win = window_for({"occ.yaml": deck(mode)})
    win.resize(1000, 700)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    select_deck(win, "occ")
    qtbot.keyClick(win.deck_page.tree, Qt.Key.Key_Return)
    return win, win.review_page


def pixel(view, x: float, y: float) -> QColor:
    """The colour painted at image-relative (x, y)."""
    rect = view.image_rect()
    image = view.grab().toImage()
    ratio = image.devicePixelRatio()
    point = QPointF(rect.x() + x * rect.width(), rect.y() + y * rect.height()) * ratio
    return image.pixelColor(int(point.x()), int(point.y()))


def close(a: QColor, b: str) -> bool:
    b = QColor(b)
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) < 24


def test_hide_all_covers_every_shape_and_space_uncovers_the_asked_one(qtbot, request, tmp_path):
    win, review = open_occlusion(request, tmp_path, qtbot, "hide-all-guess-one")
    colors = theme.colors(theme.current())
    assert review.picture.isVisible()
    item = review.session.current()
    asked_center, other_center = ((0.25, 0.5), (0.75, 0.5)) if item.ord == 0 else \
        ((0.75, 0.5), (0.25, 0.5))
    assert sorted(m.role for m in review.picture.masks) == [ASKED, HIDDEN]
    assert close(pixel(review.picture, *asked_center), colors["asked"])
    assert close(pixel(review.picture, *other_center), colors["mask"])
    assert "Name the covered part" in review.view.toPlainText()
    assert "Green circle" not in review.view.toPlainText()

    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert sorted(m.role for m in review.picture.masks) == [HIDDEN, REVEALED]
    label = "Green circle" if item.ord == 0 else "Blue square"
    assert label in review.view.toPlainText()
    assert not close(pixel(review.picture, *asked_center), colors["asked"])
    assert close(pixel(review.picture, *other_center), colors["mask"]), "the other stays covered"


def test_hide_one_shows_the_rest_of_the_picture(qtbot, request, tmp_path):
    win, review = open_occlusion(request, tmp_path, qtbot, "hide-one-guess-one")
    item = review.session.current()
    other = (0.75, 0.5) if item.ord == 0 else (0.25, 0.5)
    assert [m.role for m in review.picture.masks] == [ASKED]
    painted = pixel(review.picture, *other)
    assert close(painted, "#1565c0" if item.ord == 0 else "#2e7d32")


@pytest.mark.parametrize("size", [(700, 520), (1600, 1000)])
def test_the_picture_fills_the_space_keeping_its_proportions(qtbot, request, tmp_path,
                                                             size):
    win, review = open_occlusion(request, tmp_path, qtbot, "hide-all-guess-one")
    win.resize(*size)
    qtbot.waitUntil(lambda: review.picture.width() > 0)
    rect = review.picture.image_rect()
    assert abs(rect.width() / rect.height() - 2) < 0.01
    space = review.picture.rect()
    assert rect.width() >= space.width() - 20 or rect.height() >= space.height() - 20


def test_other_cards_hide_the_picture(qtbot, request, tmp_path):
    win, review = open_occlusion(request, tmp_path, qtbot, "hide-all-guess-one")
    review.reveal()
    review.rate(3)
    review.reveal()
    review.rate(4)
    assert review.session.current() is None or review.picture.isVisible()


def test_e_on_an_occlusion_card_opens_the_shape_editor(qtbot, request, tmp_path, monkeypatch):
    """The editor itself is driven in tests/ui/test_occlusion_editor.py; here, that E on the
    review screen reaches it with the card shown, and a cancel changes nothing."""
    from omtquiz.ui.dialogs.occlusion_editor import OcclusionEditorDialog

    win, review = open_occlusion(request, tmp_path, qtbot, "hide-all-guess-one")
    asked = []
    monkeypatch.setattr(OcclusionEditorDialog, "ask", classmethod(
        lambda cls, path, card, parent=None: asked.append((Path(path).resolve(), card.id))))
    before = (tmp_path / "decks" / "occ.yaml").read_text()
    qtbot.keyClick(review, Qt.Key.Key_E)
    assert asked == [((tmp_path / "decks" / "occ.yaml").resolve(), "parts")]
    assert (tmp_path / "decks" / "occ.yaml").read_text() == before
    assert win.stack.currentWidget() is review
