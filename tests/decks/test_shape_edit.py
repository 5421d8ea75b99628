"""Editing occlusion shapes: the geometry (drag, move, resize, tidy) and writing them into a
commented deck file (comments, order and untouched shapes kept; refused when the loader would
reject it; undoable); the pictures offered for a new card."""

from __future__ import annotations

import difflib

import pytest

from omtquiz.decks.format.editor import EditError, add_occlusion_card, set_shapes
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.format.pictures import image_ref, picture_choices
from omtquiz.decks.model import Shape
from omtquiz.decks.shape_edit import (
    MIN_SIZE,
    from_drag,
    from_points,
    grown,
    moved,
    resized,
    tidy,
    with_corner,
)

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200"><rect width="400" '
       'height="200" fill="#fff"/></svg>')

DECK = """\
# Hand-written: comments, blank lines and the order must survive an edit of the shapes.
deck: occ
title: Occlusion
sources: [{id: s, citation: A real book}]
cards:
  - id: first
    front: What?   # a comment on a basic card
    back: That
    source: s

  # the picture card
  - id: parts
    type: occlusion
    image: parts.svg
    front: Name the covered part
    source: s
    shapes:
      - {ellipse: [0.25, 0.50, 0.15, 0.30], label: Green circle}   # written with 0.50
      - rect: [0.625, 0.3, 0.25, 0.4]
        label: Blue square
        group: sq
  - id: last
    front: Last?
    back: Yes
    source: s
"""


def close(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return len(a) == len(b) and all(abs(x - y) < 1e-9 for x, y in zip(a, b, strict=True))


# -- geometry -------------------------------------------------------------------------------
def test_a_drag_in_any_direction_makes_the_box_and_a_slip_makes_nothing():
    assert close(from_drag("rect", 0.6, 0.5, 0.2, 0.1).coords, (0.2, 0.1, 0.4, 0.4))
    assert close(from_drag("ellipse", 0.2, 0.1, 0.6, 0.5).coords, (0.4, 0.3, 0.2, 0.2))
    assert close(from_drag("rect", -0.5, 0.5, 0.3, 1.7).coords, (0.0, 0.5, 0.3, 0.5))
    assert from_drag("rect", 0.2, 0.2, 0.2 + MIN_SIZE / 2, 0.5) is None
    assert from_points([(0.1, 0.1), (0.3, 0.1)]) is None
    assert from_points([(0.1, 0.1), (0.3, 0.1), (0.2, 0.1)]) is None  # flat: no area
    assert close(from_points([(0.1, 0.1), (0.3, 0.1), (0.2, 1.4)]).coords,
                 (0.1, 0.1, 0.3, 0.1, 0.2, 1.0))


def test_moving_stops_at_the_edges_without_squeezing_the_shape():
    rect = Shape("rect", (0.7, 0.1, 0.2, 0.3), "a")
    assert close(moved(rect, 0.5, -0.5).coords, (0.8, 0.0, 0.2, 0.3))
    polygon = Shape("polygon", (0.1, 0.1, 0.3, 0.1, 0.2, 0.4), "p", "g")
    shifted = moved(polygon, -0.5, 0.1)
    assert close(shifted.coords, (0.0, 0.2, 0.2, 0.2, 0.1, 0.5)) and shifted.group == "g"


def test_resizing_by_a_handle_keeps_the_opposite_side_and_a_minimum_size():
    rect = Shape("rect", (0.2, 0.2, 0.4, 0.4), "a")
    assert close(resized(rect, "se", 0.9, 0.7).coords, (0.2, 0.2, 0.7, 0.5))
    assert close(resized(rect, "w", 0.1, 0.99).coords, (0.1, 0.2, 0.5, 0.4))
    assert close(resized(rect, "n", 0.0, 0.9).coords, (0.2, 0.6 - MIN_SIZE, 0.4, MIN_SIZE))
    assert close(resized(rect, "e", 1.5, 0.5).coords, (0.2, 0.2, 0.8, 0.4))
    ellipse = Shape("ellipse", (0.5, 0.5, 0.1, 0.1), "e")
    assert close(resized(ellipse, "nw", 0.2, 0.3).coords, (0.4, 0.45, 0.2, 0.15))
    polygon = Shape("polygon", (0.2, 0.2, 0.4, 0.2, 0.3, 0.4), "p")
    assert close(resized(polygon, "se", 0.6, 0.6).coords, (0.2, 0.2, 0.6, 0.2, 0.4, 0.6))
    assert close(grown(rect, 0.01, -0.02).coords, (0.2, 0.2, 0.41, 0.38))
    assert close(with_corner(polygon, 1, 0.5, -0.3).coords, (0.2, 0.2, 0.5, 0.0, 0.3, 0.4))


def test_tidy_rounds_to_four_digits_and_keeps_the_shape_inside():
    shape = tidy(Shape("rect", (0.123456, 0.99996, 0.5, 0.00004 + MIN_SIZE), " ASIS ", "  "))
    assert shape.coords == (0.1235, 1.0, 0.5, 0.0) or shape.coords[1] + shape.coords[3] <= 1
    assert shape.label == "ASIS" and shape.group is None
    ellipse = tidy(Shape("ellipse", (0.05, 0.5, 0.0500004, 0.2), "e"))
    assert ellipse.coords == (0.05, 0.5, 0.05, 0.2)
    assert tidy(Shape("polygon", (-0.0, 0.1, 0.33333333, 0.2, 0.5, 0.9), "p")).coords == (
        0.0, 0.1, 0.3333, 0.2, 0.5, 0.9)


# -- writing the deck -----------------------------------------------------------------------
@pytest.fixture
def deck(tmp_path):
    (tmp_path / "parts.svg").write_text(SVG)
    path = tmp_path / "deck.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def loaded(path, card_id="parts"):
    result = load_deck_file(path)
    assert not result.errors
    return result.deck.card(card_id)


def test_set_shapes_changes_only_what_changed_and_keeps_comments(deck):
    shapes = list(loaded(deck).shapes)
    shapes[1] = Shape("rect", (0.6251234, 0.3, 0.25, 0.4), "Blue square")  # moved a hair
    shapes.append(Shape("polygon", (0.1, 0.1, 0.2, 0.1, 0.15, 0.2), "Tri", "t"))
    edit = set_shapes(deck, "parts", shapes, mode="hide-one-guess-one")
    after = deck.read_text(encoding="utf-8")
    assert changed_lines(DECK, after) == [
        "+    mode: hide-one-guess-one",
        "-      - rect: [0.625, 0.3, 0.25, 0.4]",
        "+      - rect: [0.6251, 0.3, 0.25, 0.4]",
        "-        group: sq",
        "+      - {polygon: [[0.1, 0.1], [0.2, 0.1], [0.15, 0.2]], label: Tri, group: t}",
    ]
    assert "{ellipse: [0.25, 0.50, 0.15, 0.30], label: Green circle}   # written with 0.50" \
        in after  # an unchanged shape is left exactly as written
    card = loaded(deck)
    assert card.mode == "hide-one-guess-one"
    assert [(s.kind, s.coords, s.label, s.group) for s in card.shapes] == [
        ("ellipse", (0.25, 0.5, 0.15, 0.3), "Green circle", None),
        ("rect", (0.6251, 0.3, 0.25, 0.4), "Blue square", None),
        ("polygon", (0.1, 0.1, 0.2, 0.1, 0.15, 0.2), "Tri", "t")]
    edit.undo()
    assert deck.read_text(encoding="utf-8") == DECK


def test_deleting_a_shape_and_changing_the_front(deck):
    shapes = loaded(deck).shapes
    set_shapes(deck, "parts", shapes[1:], front="Which part?", origins=[1])
    after = deck.read_text(encoding="utf-8")
    assert changed_lines(DECK, after) == [
        "-    front: Name the covered part", "+    front: Which part?",
        "-      - {ellipse: [0.25, 0.50, 0.15, 0.30], label: Green circle}   # written with 0.50"]
    assert [s.label for s in loaded(deck).shapes] == ["Blue square"]


def test_a_shape_without_a_label_or_no_shapes_is_refused_and_nothing_is_written(deck):
    with pytest.raises(EditError, match="shape 2 has none"):
        set_shapes(deck, "parts", [Shape("rect", (0.1, 0.1, 0.1, 0.1), "A"),
                                   Shape("rect", (0.3, 0.3, 0.1, 0.1), "  ")])
    with pytest.raises(EditError, match="at least one shape"):
        set_shapes(deck, "parts", [])
    with pytest.raises(EditError, match="not an occlusion card"):
        set_shapes(deck, "first", [Shape("rect", (0.1, 0.1, 0.1, 0.1), "A")])
    assert deck.read_text(encoding="utf-8") == DECK


def test_a_shape_the_loader_rejects_is_refused(deck):
    outside = Shape("ellipse", (0.5, 0.5, 0.1, 0.1), "A")
    object.__setattr__(outside, "coords", (0.5, 0.5, 0.1, 0.0))  # a radius of 0
    with pytest.raises(EditError, match="radius y must be more than 0") as raised:
        set_shapes(deck, "parts", [outside])
    assert raised.value.problems
    assert deck.read_text(encoding="utf-8") == DECK


def test_add_occlusion_card_appends_a_valid_card(deck):
    edit = add_occlusion_card(deck, "parts.svg", [Shape("rect", (0.1, 0.1, 0.2, 0.2), "A: b"),
                                                  Shape("ellipse", (0.5, 0.5, 0.1, 0.2), "C")],
                              front="Name the part", source="s")
    after = deck.read_text(encoding="utf-8")
    assert after.startswith(DECK)
    assert after[len(DECK):] == (
        "  - id: name-the-part\n    type: occlusion\n    image: parts.svg\n"
        "    front: Name the part\n    source: s\n    shapes:\n"
        "      - {rect: [0.1, 0.1, 0.2, 0.2], label: 'A: b'}\n"
        "      - {ellipse: [0.5, 0.5, 0.1, 0.2], label: C}\n")
    result = load_deck_file(deck)
    assert not result.diagnostics
    assert [s.label for s in result.deck.card("name-the-part").shapes] == ["A: b", "C"]
    with pytest.raises(EditError, match="already has a card"):
        add_occlusion_card(deck, "parts.svg", [Shape("rect", (0.1, 0.1, 0.2, 0.2), "A")],
                           card_id="parts")
    with pytest.raises(EditError, match="not found"):
        add_occlusion_card(deck, "missing.svg", [Shape("rect", (0.1, 0.1, 0.2, 0.2), "A")])
    edit.undo()
    assert deck.read_text(encoding="utf-8") == DECK


def test_pictures_offered_are_the_decks_own_then_assets(deck):
    (deck.parent / "pics").mkdir()
    (deck.parent / "pics" / "b.png").write_bytes(b"not really a png, but a regular file")
    (deck.parent / "notes.txt").write_text("not a picture")
    (deck.parent / ".hidden.svg").write_text(SVG)
    choices = picture_choices(deck)
    refs = [ref for ref, _ in choices]
    assert refs[:2] == ["parts.svg", "pics/b.png"]
    assert "assets/diagrams/pelvis.svg" in refs  # the app's own, named so wherever it is
    assert all(ref.startswith(("assets/", "pics/")) or "/" not in ref for ref in refs)
    assert all(path.is_file() for _, path in choices)
    assert image_ref(deck, deck.parent / "pics" / "b.png") == "pics/b.png"


def test_a_new_card_on_a_shipped_diagram_names_it_under_assets(deck):
    ref = dict((str(p), r) for r, p in picture_choices(deck))
    pelvis = next(r for p, r in ref.items() if p.endswith("pelvis.svg"))
    add_occlusion_card(deck, pelvis, [Shape("rect", (0.1, 0.1, 0.2, 0.2), "ASIS")],
                       front="Name it", source="s")
    assert "    image: assets/diagrams/pelvis.svg\n" in deck.read_text(encoding="utf-8")
    result = load_deck_file(deck)
    assert not result.diagnostics  # no "reaches the app's assets through '..'" warning
    assert result.deck.card("name-it").image.endswith("diagrams/pelvis.svg")


def test_labels_yaml_would_misread_are_quoted(deck):
    import yaml

    labels = ["yes", "ON", "1.5", "null", "#3", "a: b", "T1-T4 (left)"]
    set_shapes(deck, "parts", [Shape("rect", (0.05 * i, 0.1, 0.04, 0.04), label, "No")
                               for i, label in enumerate(labels)])
    assert [s.label for s in loaded(deck).shapes] == labels
    card = yaml.safe_load(deck.read_text(encoding="utf-8"))["cards"][1]
    assert [s["label"] for s in card["shapes"]] == labels  # strings to any YAML reader
    assert {s["group"] for s in card["shapes"]} == {"No"}
