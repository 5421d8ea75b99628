"""Occlusion cards: shapes read from YAML with problems at file:line:col, one item per shape
or group, the masks each mode shows, and the JSON Schema giving the loader's verdict."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.model import Item
from omtquiz.decks.occlusion import ASKED, HIDDEN, REVEALED, masks
from omtquiz.decks.render import render_item

SCHEMA = json.loads((Path(__file__).resolve().parents[2]
                     / "omtquiz/decks/format/deck.schema.json").read_text())
HEAD = "deck: occ\ntitle: Occ\nsources: [{id: s, citation: C}]\ncards:\n"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"><rect width="200" ' \
      'height="100" fill="#fff"/></svg>'


def card(shapes: str, extra: str = "") -> str:
    return (HEAD + "  - id: o\n    type: occlusion\n    image: pic.svg\n    source: s\n"
            + extra + "    shapes:\n" + shapes)


GOOD = card("      - {rect: [0.1, 0.2, 0.3, 0.1], label: ASIS}\n"
            "      - {ellipse: [0.5, 0.5, 0.1, 0.2], label: Sacrum, group: mid}\n"
            "      - {polygon: [[0.6, 0.6], [0.7, 0.6], [0.65, 0.7]], label: Coccyx, "
            "group: mid}\n"
            "      - {rect: [0.8, 0.8, 0.2, 0.2], label: PSIS}\n",
            "    front: Name the landmark\n    extra: Seen from the front\n")

BAD = {
    "outside": ("      - {rect: [0.9, 0.1, 0.2, 0.1], label: A}\n", 6, 16,
                "reaches outside the image"),
    "not-a-number": ("      - {rect: [0.1, 0.1, wide, 0.1], label: A}\n", 6, 27,
                     "'wide' is not a number from 0 to 1"),
    "too-big": ("      - {ellipse: [0.5, 0.5, 1.5, 0.1], label: A}\n", 6, 30,
                "'1.5' is not a number from 0 to 1"),
    "zero-width": ("      - {rect: [0.1, 0.1, 0, 0.1], label: A}\n", 6, 27,
                   "width must be more than 0"),
    "two-points": ("      - {polygon: [[0.1, 0.1], [0.2, 0.2]], label: A}\n", 6, 19,
                   "expected a list of 3 to 200 points"),
    "no-label": ("      - {rect: [0.1, 0.1, 0.1, 0.1]}\n", 6, 9, "missing 'label'"),
    "two-kinds": ("      - {rect: [0.1, 0.1, 0.1, 0.1], ellipse: [0.5, 0.5, 0.1, 0.1], "
                  "label: A}\n", 6, 9, "exactly one of rect, ellipse, polygon"),
    "no-kind": ("      - {label: A}\n", 6, 9, "exactly one of rect, ellipse, polygon"),
}


@pytest.fixture
def write(tmp_path):
    (tmp_path / "pic.svg").write_text(SVG)

    def write_(text: str) -> Path:
        path = tmp_path / "d.yaml"
        path.write_text(text)
        return path

    return write_


def schema_ok(path: Path) -> bool:
    return not list(jsonschema.Draft7Validator(SCHEMA).iter_errors(
        yaml.safe_load(path.read_text())))


def test_shapes_groups_and_items(write):
    deck = load_deck_file(write(GOOD)).deck
    (occ,) = deck.cards
    assert [s.kind for s in occ.shapes] == ["rect", "ellipse", "polygon", "rect"]
    assert occ.shapes[2].points() == ((0.6, 0.6), (0.7, 0.6), (0.65, 0.7))
    assert occ.mode == "hide-all-guess-one"
    assert occ.occlusion_groups() == ((0,), (1, 2), (3,))
    assert deck.items() == [Item("occ", "o", 0), Item("occ", "o", 1), Item("occ", "o", 2)]
    assert [occ.occlusion_label(o) for o in occ.ords()] == ["ASIS", "Sacrum, Coccyx", "PSIS"]
    assert schema_ok(write(GOOD))


def test_hide_all_covers_everything_and_reveals_only_the_asked_group(write):
    (occ,) = load_deck_file(write(GOOD)).deck.cards
    assert [m.role for m in masks(occ, 1, revealed=False)] == [HIDDEN, ASKED, ASKED, HIDDEN]
    assert [m.role for m in masks(occ, 1, revealed=True)] == [HIDDEN, REVEALED, REVEALED, HIDDEN]


def test_hide_one_covers_only_the_asked_shape(write):
    text = GOOD.replace("    front:", "    mode: hide-one-guess-one\n    front:")
    (occ,) = load_deck_file(write(text)).deck.cards
    shown = masks(occ, 2, revealed=False)
    assert [(m.shape.label, m.role) for m in shown] == [("PSIS", ASKED)]


def test_the_answer_names_the_asked_shapes_and_the_question_does_not(write):
    (occ,) = load_deck_file(write(GOOD)).deck.cards
    rendered = render_item(occ, 1)
    assert rendered.question == "Name the landmark"
    assert "Sacrum, Coccyx" in rendered.answer_side and "Seen from the front" in rendered.answer
    assert "ASIS" not in rendered.answer_side


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_shapes_are_reported_at_their_place_and_the_schema_agrees(write, name):
    shapes, line, column, words = BAD[name]
    path = write(card(shapes))
    loaded = load_deck_file(path)
    errors = [(d.line, d.column, d.message) for d in loaded.errors]
    assert any(words in message for _, _, message in errors), errors
    assert (line + 4, column) in {(line_, col) for line_, col, _ in errors}, errors
    assert loaded.deck.cards == ()
    if name not in ("outside", "zero-width"):  # sums and strict bounds: the loader's alone
        assert not schema_ok(path)


def test_missing_image_and_unknown_mode(write, tmp_path):
    text = GOOD.replace("image: pic.svg", "image: gone.svg").replace(
        "    front:", "    mode: hide-everything\n    front:")
    errors = [str(d) for d in load_deck_file(write(text)).errors]
    assert any("d.yaml:7:12: error" in e and "file 'gone.svg' not found" in e
               for e in errors), errors
    assert any("mode: 'hide-everything' is not one of" in e for e in errors)
    no_image = GOOD.replace("    image: pic.svg\n", "")
    errors = [d.message for d in load_deck_file(write(no_image)).errors]
    assert any("needs 'image:'" in e for e in errors)
    assert not schema_ok(write(no_image))


def test_a_hostile_number_of_shapes_is_refused(write):
    shapes = "      - {rect: [0.1, 0.1, 0.1, 0.1], label: A}\n" * 501
    errors = [d.message for d in load_deck_file(write(card(shapes))).errors]
    assert any("at most 500" in e for e in errors)
