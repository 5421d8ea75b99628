"""The diagrams in assets/diagrams/ are the ones tools/make_diagrams.py draws, Qt draws each
of them, and the label boxes an occlusion card can cover lie over the labels."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = ROOT / "assets" / "diagrams"
EXPECTED = ("body-front.svg", "body-back.svg", "body-front-back.svg", "spine-levels.svg",
            "vertebra-from-above.svg", "sacrum.svg", "pelvis.svg", "rib-cage.svg")


def _script():
    spec = importlib.util.spec_from_file_location("make_diagrams", ROOT / "tools" /
                                                  "make_diagrams.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_files_are_what_the_script_draws():
    drawn = _script().drawings()
    assert set(EXPECTED) <= set(drawn)
    for name, content in drawn.items():
        assert (DIAGRAMS / name).read_text(encoding="utf-8") == content, \
            f"{name} is stale: run python tools/make_diagrams.py"


def render(name: str, height: int = 480) -> QImage:
    renderer = QSvgRenderer(str(DIAGRAMS / name))
    assert renderer.isValid(), name
    size = renderer.defaultSize()
    image = QImage(round(size.width() * height / size.height()), height,
                   QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    return image


def ink(image: QImage, box: QRectF | None = None) -> int:
    """How many sampled pixels are not white (within `box`, or the whole image)."""
    box = box or QRectF(0, 0, image.width(), image.height())
    count = 0
    for x in range(int(box.left()), int(box.right()), 2):
        for y in range(int(box.top()), int(box.bottom()), 2):
            if image.pixelColor(x, y).lightness() < 200:
                count += 1
    return count


@pytest.mark.parametrize("name", EXPECTED)
def test_qt_draws_every_diagram(qapp, name):
    image = render(name)
    assert ink(image) > 200, f"{name} draws (almost) nothing"


@pytest.mark.parametrize("name", ["sacrum.svg", "pelvis.svg", "rib-cage.svg",
                                  "vertebra-from-above.svg", "spine-levels.svg"])
def test_each_label_box_covers_its_label(qapp, name):
    boxes = json.loads((DIAGRAMS / "landmarks.json").read_text())["labels"][name]
    image = render(name, 900)
    assert len(boxes) >= 5
    for box in boxes:
        left, top, width, height = box["rect"]
        assert left >= 0 and top >= 0 and left + width <= 1 and top + height <= 1
        rect = QRectF(left * image.width(), top * image.height(), width * image.width(),
                      height * image.height())
        assert ink(image, rect) > 5, f"nothing under the box of '{box['label']}' in {name}"


def test_every_colour_of_the_diagrams_has_a_night_version():
    import re

    from omtquiz.ui.widgets.occlusion import NIGHT_COLOURS

    used = {c.lower() for name in EXPECTED
            for c in re.findall(r"#[0-9a-fA-F]{6}\b", (DIAGRAMS / name).read_text())}
    assert used <= set(NIGHT_COLOURS), f"add a dark colour for {sorted(used - set(NIGHT_COLOURS))}"


@pytest.mark.parametrize("look", ["light", "dark"])
def test_a_map_is_drawn_in_the_themes_colours_and_a_decks_own_picture_as_drawn(
        qtbot, qapp, tmp_path, look):
    from omtquiz.ui import theme
    from omtquiz.ui.widgets.occlusion import OcclusionView

    before = theme.current()
    theme.apply(qapp, look)
    try:
        view = OcclusionView()
        qtbot.addWidget(view)
        view.resize(300, 600)
        view.show_map(str(DIAGRAMS / "body-front.svg"))
        corner = view.image_rect().toRect().topLeft()
        paper = view.grab().toImage().pixelColor(corner.x() + 3, corner.y() + 300)
        assert view.picture.night == (look == "dark")
        assert (paper.lightness() < 80) == (look == "dark"), paper.name()
        own = tmp_path / "mine.svg"  # a deck's own drawing keeps its colours in either look
        own.write_bytes((DIAGRAMS / "body-front.svg").read_bytes())
        view.show_picture(str(own), deck_path=str(tmp_path / "deck.yaml"))
        assert view.picture.ok and not view.picture.night
    finally:
        theme.apply(qapp, before)
