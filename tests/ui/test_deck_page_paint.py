"""The deck list's description and its box draw nothing of their own where they are empty (the
page's colour shows through, in both looks), and a description is laid out to the width it is
shown at. Neither asks Python for a viewport (see `RichLabel`), so these hold that the looks
did not change for it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QScrollArea
from test_ui_main import open_window, select_deck  # noqa: F401  (the fixture)

from omtquiz.ui import theme

DESCRIBED = """\
deck: described
title: Described deck
description: Short.
cards:
  - {id: a, front: What is OMT?, back: A hands-on treatment}
"""


@pytest.fixture
def look(qapp):
    """Sets a look for the test and gives back the one before it afterwards."""
    before = theme.current()
    yield lambda name: theme.apply(qapp, name)
    theme.apply(qapp, before)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_an_empty_part_of_the_description_and_its_box_shows_the_page(qtbot, open_window,  # noqa: F811
                                                                      look, name):
    win = open_window({"described.yaml": DESCRIBED})
    look(name)
    select_deck(win, "described")
    qtbot.wait(20)
    page = win.deck_page
    image = win.grab().toImage()
    ratio = image.devicePixelRatio()
    page_colour = QColor(theme.colors(name)["window"])

    def colour_at(widget, x: int, y: int) -> QColor:
        spot = widget.mapTo(win, QPoint(x, y))
        return image.pixelColor(int(spot.x() * ratio), int(spot.y() * ratio))

    label = page.description_label
    assert label.text() == "Short."
    assert colour_at(label, label.width() - 3, label.height() // 2) == page_colour
    area = page.findChild(QScrollArea, "deckInfoArea")
    assert colour_at(area, area.width() - 8, area.height() - 3) == page_colour


def test_a_description_is_laid_out_to_the_width_it_is_shown_at(qtbot, open_window):  # noqa: F811
    win = open_window({"described.yaml": DESCRIBED})
    select_deck(win, "described")
    label = win.deck_page.description_label
    for width in (1000, 760, 1400):
        win.resize(width, 700)
        qtbot.wait(20)
        assert label.document().textWidth() == label.viewport().width() > 0
