"""The geometry of editing an occlusion card's shapes: drawing, moving, resizing, tidying.

Shapes live in image-relative coordinates (0 to 1, see `model.Shape`). The shape editor (the
authoring window's) turns mouse drags and key presses into calls here, so every rule that
keeps a shape valid (inside the image, not vanishingly small, written with a sensible number
of digits) is plain Python, the same for the mouse, the keyboard and the file writer.

It also says which study item became which (`item_moves`): an occlusion card's items are
numbered by the order their shapes are listed, so deleting a shape renumbers the items after
it, and the progress stored under the old numbers must follow the shapes, not the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from omtquiz.decks.model import Card, CardType, Shape

DIGITS = 4  # a ten-thousandth of the picture: under a pixel of any picture a card shows
MIN_SIZE = 0.01  # a drawn shape smaller than this (in width or height) is a slip, not a shape
HANDLES = ("nw", "n", "ne", "e", "se", "s", "sw", "w")


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(max(value, low), high)


def from_drag(kind: str, x0: float, y0: float, x1: float, y1: float, label: str = "",
              group: str | None = None) -> Shape | None:
    """A rect or ellipse filling the box dragged from (x0, y0) to (x1, y1); None if too small."""
    left, right = sorted((_clamp(x0), _clamp(x1)))
    top, bottom = sorted((_clamp(y0), _clamp(y1)))
    if right - left < MIN_SIZE or bottom - top < MIN_SIZE:
        return None
    return _in_box(kind, (), left, top, right, bottom, label, group)


def from_points(points: list[tuple[float, float]], label: str = "",
                group: str | None = None) -> Shape | None:
    """A polygon through `points` (clamped into the image); None under 3 points or too small."""
    kept = [(_clamp(x), _clamp(y)) for x, y in points]
    if len(kept) < 3:
        return None
    shape = Shape("polygon", tuple(v for p in kept for v in p), label, group)
    left, top, right, bottom = shape.bounds()
    if right - left < MIN_SIZE or bottom - top < MIN_SIZE:
        return None
    return shape


def _in_box(kind: str, coords: tuple[float, ...], left: float, top: float, right: float,
            bottom: float, label: str, group: str | None) -> Shape:
    if kind == "rect":
        new = (left, top, right - left, bottom - top)
    elif kind == "ellipse":
        new = ((left + right) / 2, (top + bottom) / 2, (right - left) / 2, (bottom - top) / 2)
    else:  # a polygon's points keep their places within its box
        old = Shape(kind, coords, label).bounds()
        sx = (right - left) / ((old[2] - old[0]) or 1)
        sy = (bottom - top) / ((old[3] - old[1]) or 1)
        new = tuple(v for x, y in zip(coords[0::2], coords[1::2], strict=True)
                    for v in (left + (x - old[0]) * sx, top + (y - old[1]) * sy))
    return Shape(kind, new, label, group)


def with_bounds(shape: Shape, left: float, top: float, right: float, bottom: float) -> Shape:
    """The shape stretched to fill the box (left, top, right, bottom)."""
    return _in_box(shape.kind, shape.coords, left, top, right, bottom, shape.label, shape.group)


def moved(shape: Shape, dx: float, dy: float) -> Shape:
    """The shape moved by (dx, dy), stopped at the picture's edges (never squeezed)."""
    left, top, right, bottom = shape.bounds()
    dx = _clamp(dx, -left, 1 - right)
    dy = _clamp(dy, -top, 1 - bottom)
    return with_bounds(shape, left + dx, top + dy, right + dx, bottom + dy)


def resized(shape: Shape, handle: str, x: float, y: float) -> Shape:
    """The shape with its box's `handle` (a compass point of HANDLES) dragged to (x, y); the
    opposite side stays, and the box keeps at least MIN_SIZE and stays inside the picture."""
    left, top, right, bottom = shape.bounds()
    x, y = _clamp(x), _clamp(y)
    if "w" in handle:
        left = min(x, right - MIN_SIZE)
    if "e" in handle:
        right = max(x, left + MIN_SIZE)
    if "n" in handle:
        top = min(y, bottom - MIN_SIZE)
    if "s" in handle:
        bottom = max(y, top + MIN_SIZE)
    return with_bounds(shape, max(left, 0.0), max(top, 0.0), min(right, 1.0), min(bottom, 1.0))


def with_corner(shape: Shape, index: int, x: float, y: float) -> Shape:
    """A polygon with its corner `index` moved to (x, y), inside the picture."""
    coords = list(shape.coords)
    coords[2 * index:2 * index + 2] = [_clamp(x), _clamp(y)]
    return Shape(shape.kind, tuple(coords), shape.label, shape.group)


def grown(shape: Shape, dw: float, dh: float) -> Shape:
    """The shape's box widened by dw and heightened by dh (the keyboard's resize), its top-left
    corner kept."""
    left, top, right, bottom = shape.bounds()
    return resized(shape, "se", right + dw, bottom + dh)


def tidy(shape: Shape, digits: int = DIGITS) -> Shape:
    """The shape as it is written: coordinates rounded to `digits`, inside the picture after
    rounding, the label and group without stray spaces (an empty group is none)."""
    def r(value: float) -> float:
        return round(_clamp(value), digits) + 0.0  # + 0.0: never a -0.0 in the file

    c = shape.coords
    if shape.kind == "rect":
        left, top = r(c[0]), r(c[1])
        coords = (left, top, min(r(c[2]), r(1 - left)), min(r(c[3]), r(1 - top)))
    elif shape.kind == "ellipse":
        cx, cy = r(c[0]), r(c[1])
        coords = (cx, cy, min(r(c[2]), cx, r(1 - cx)), min(r(c[3]), cy, r(1 - cy)))
    else:
        coords = tuple(r(v) for v in c)
    group = (shape.group or "").strip() or None
    return replace(shape, coords=coords, label=shape.label.strip(), group=group)


def _items(shapes: Sequence[Shape]) -> tuple[tuple[int, ...], ...]:
    """The shapes' indexes per study item, numbered as the card numbers them."""
    return Card("", "", CardType.OCCLUSION, shapes=tuple(shapes)).occlusion_groups()


def item_moves(old: Sequence[Shape], new: Sequence[Shape],
               origins: Sequence[int | None]) -> dict[int, int | None]:
    """Which item of the card after an edit each item before it became: {old ord: new ord,
    or None when the item is gone}.

    `origins[i]` is the index in `old` that new shape i was edited from (None: drawn anew), so
    shapes are followed by identity, not by place. A lone shape's item follows that shape; a
    group's item follows its name while it keeps at least one of its shapes, and a renamed
    group follows its shapes when exactly they (and no other) make up a new group. A lone
    shape put into a group, a group split or all of its shapes deleted leave their item
    gone: what is asked is no longer the same question.
    """
    before, after = _items(old), _items(new)
    origin_at = {i: o for i, o in enumerate(origins) if o is not None and 0 <= o < len(old)}

    def key(shapes: Sequence[Shape], item: tuple[int, ...], index) -> object:
        group = shapes[item[0]].group
        return ("group", group) if group else ("shape", index(item[0]))

    new_keys = {key(new, item, origin_at.get): n for n, item in enumerate(after)}
    moves: dict[int, int | None] = {}
    for o, item in enumerate(before):
        n = new_keys.get(key(old, item, int))
        survivors = {i for i, origin in origin_at.items() if origin in item}
        moves[o] = n if n is not None and survivors & set(after[n]) else None
    taken = {n for n in moves.values() if n is not None}
    for o, item in enumerate(before):  # a renamed group: exactly its surviving shapes
        survivors = {i for i, origin in origin_at.items() if origin in item}
        if moves[o] is None and old[item[0]].group and survivors:
            n = next((n for n, shapes in enumerate(after) if set(shapes) == survivors
                      and new[shapes[0]].group and n not in taken), None)
            if n is not None:
                moves[o] = n
                taken.add(n)
    return moves
