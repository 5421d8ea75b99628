"""Reading an occlusion card's `mode:` and `shapes:` from its YAML nodes, every problem at its
file:line:col.

A shape is one mapping with exactly one of `rect: [left, top, width, height]`,
`ellipse: [cx, cy, rx, ry]` or `polygon: [[x, y], [x, y], ...]` (image-relative, 0 to 1), a
`label:` (what the shape hides) and an optional `group:` (shapes of one group are asked and
revealed together). The whole shape must lie inside the image. Counts are capped so a hostile
deck cannot make a card of a million points.
"""

from __future__ import annotations

import math
from pathlib import Path

from omtquiz.decks.format import nodes as yn
from omtquiz.decks.format.ids import did_you_mean
from omtquiz.decks.model import OCCLUSION_MODES, SHAPE_KINDS, Shape

MAX_SHAPES = 500
MAX_POLYGON_POINTS = 200
IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")
SHAPE_KEYS = (*SHAPE_KINDS, "label", "group")
_TOLERANCE = 1e-9  # 0.1 + 0.9 may add up to a hair over 1


def read_occlusion(reader, node: yn.Map, kwargs: dict, where: str, card_id: str | None) -> None:
    """Fill `kwargs` with the card's front, extra, mode and shapes, or report why not."""
    for key in ("front", "extra"):
        value = reader.text(node, key, where, required=False, card_id=card_id)
        if value is not None:
            kwargs[key] = value
    if "image" not in node.keys:
        reader.error(node, f"{where}: an occlusion card needs 'image:' (the picture its "
                     "shapes cover)", card_id)
    elif kwargs.get("image") and Path(kwargs["image"]).suffix.lower() not in IMAGE_SUFFIXES:
        reader.error(node.values["image"], f"{where}.image: an occlusion image must be one of "
                     f"{', '.join(IMAGE_SUFFIXES)}", card_id)
    mode = reader.text(node, "mode", where, required=False, card_id=card_id)
    if mode is not None:
        if mode in OCCLUSION_MODES:
            kwargs["mode"] = mode
        else:
            reader.error(node.values["mode"], f"{where}.mode: '{mode}' is not one of "
                         f"{', '.join(OCCLUSION_MODES)}{did_you_mean(mode, OCCLUSION_MODES)}",
                         card_id)
    kwargs["shapes"] = _shapes(reader, node, where, card_id)


def _shapes(reader, node: yn.Map, where: str, card_id: str | None) -> tuple[Shape, ...]:
    shapes_node = node.get("shapes")
    if shapes_node is None:
        reader.error(node, f"{where}: an occlusion card needs 'shapes:' (a list of rect, "
                     "ellipse or polygon, each with a label)", card_id)
        return ()
    if not isinstance(shapes_node, yn.Seq) or not shapes_node.items:
        found = "an empty list" if isinstance(shapes_node, yn.Seq) else yn.kind_of(shapes_node)
        reader.error(shapes_node, f"{where}.shapes: expected a list of shapes, found {found}",
                     card_id)
        return ()
    if len(shapes_node.items) > MAX_SHAPES:
        reader.error(shapes_node, f"{where}.shapes: {len(shapes_node.items)} shapes; at most "
                     f"{MAX_SHAPES} on one card", card_id)
        return ()
    out = []
    for index, item in enumerate(shapes_node.items):
        shape = _shape(reader, item, f"{where}.shapes[{index}]", card_id)
        if shape is not None:
            out.append(shape)
    return tuple(out)


def _shape(reader, node: yn.Node, where: str, card_id: str | None) -> Shape | None:
    if not isinstance(node, yn.Map):
        reader.error(node, f"{where}: a shape is a mapping such as {{rect: [0.1, 0.2, 0.3, "
                     f"0.1], label: ASIS}}, found {yn.kind_of(node)}", card_id)
        return None
    reader.unknown_keys(node, SHAPE_KEYS, where, card_id)
    kinds = [k for k in SHAPE_KINDS if k in node.keys]
    if len(kinds) != 1:
        reader.error(node, f"{where}: give exactly one of rect, ellipse, polygon"
                     + (f" (found {', '.join(kinds)})" if kinds else ""), card_id)
        return None
    kind = kinds[0]
    label = reader.text(node, "label", where, required=True, card_id=card_id)
    group = reader.text(node, "group", where, required=False, card_id=card_id)
    coords = _coords(reader, kind, node.values[kind], f"{where}.{kind}", card_id)
    if coords is None or label is None:
        return None
    shape = Shape(kind, coords, label.strip(), group.strip() if group else None)
    left, top, right, bottom = shape.bounds()
    if left < -_TOLERANCE or top < -_TOLERANCE or right > 1 + _TOLERANCE \
            or bottom > 1 + _TOLERANCE:
        reader.error(node.values[kind], f"{where}.{kind}: the shape reaches outside the image "
                     f"(it spans x {left:g} to {right:g}, y {top:g} to {bottom:g}; both must "
                     "stay within 0 to 1)", card_id)
        return None
    return shape


def _number(reader, node: yn.Node, where: str, card_id: str | None) -> float | None:
    if isinstance(node, yn.Scalar):
        try:
            value = float(node.value)
        except ValueError:
            value = math.nan
        if math.isfinite(value) and 0 <= value <= 1:
            return value
        reader.error(node, f"{where}: '{node.value}' is not a number from 0 to 1 (coordinates "
                     "are fractions of the image's width and height)", card_id)
        return None
    reader.error(node, f"{where}: expected a number from 0 to 1, found {yn.kind_of(node)}",
                 card_id)
    return None


def numbers_in(reader, node: yn.Node, where: str, card_id: str | None,
             count: int) -> tuple[float, ...] | None:
    if not isinstance(node, yn.Seq) or len(node.items) != count:
        found = f"{len(node.items)} items" if isinstance(node, yn.Seq) else yn.kind_of(node)
        reader.error(node, f"{where}: expected a list of {count} numbers, found {found}",
                     card_id)
        return None
    values = [_number(reader, item, f"{where}[{i}]", card_id) for i, item in enumerate(node.items)]
    return None if any(v is None for v in values) else tuple(values)


def _coords(reader, kind: str, node: yn.Node, where: str,
            card_id: str | None) -> tuple[float, ...] | None:
    if kind != "polygon":
        values = numbers_in(reader, node, where, card_id, 4)
        if values is None:
            return None
        names = ("width", "height") if kind == "rect" else ("radius x", "radius y")
        for value, name, item in zip(values[2:], names, node.items[2:], strict=True):
            if value <= 0:
                reader.error(item, f"{where}: {name} must be more than 0", card_id)
                return None
        return values
    if not isinstance(node, yn.Seq) or not 3 <= len(node.items) <= MAX_POLYGON_POINTS:
        found = f"{len(node.items)} points" if isinstance(node, yn.Seq) else yn.kind_of(node)
        reader.error(node, f"{where}: expected a list of 3 to {MAX_POLYGON_POINTS} points "
                     f"[x, y], found {found}", card_id)
        return None
    points = [numbers_in(reader, item, f"{where}[{i}]", card_id, 2)
              for i, item in enumerate(node.items)]
    if any(p is None for p in points):
        return None
    return tuple(v for point in points for v in point)
