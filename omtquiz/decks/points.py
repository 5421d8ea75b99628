"""Grading a click on a map: how far it is from the right spot, and what that is worth.

Distances are in fractions of the map's width (a click's y is turned into the same unit with
the map's height/width ratio), so "on the spot" means the same on any screen size. Within the
spot's radius is right (Good); within three radii is close (Hard); further is a miss (Again).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

CLOSE_FACTOR = 3.0
RIGHT, CLOSE, MISSED = "right", "close", "missed"
RATING = {RIGHT: 3, CLOSE: 2, MISSED: 1}


@dataclass(frozen=True, slots=True)
class PointResult:
    verdict: str  # RIGHT, CLOSE or MISSED
    distance: float  # in fractions of the map's width
    radii: float  # the distance in spot radii

    @property
    def rating(self) -> int:
        """The rating the answer suggests: Good, Hard or Again."""
        return RATING[self.verdict]


def grade(spots: tuple[tuple[float, ...], ...], x: float, y: float,
          aspect: float) -> PointResult:
    """A click at (x, y) (fractions of the map) against the nearest of `spots` (x, y, radius);
    `aspect` is the map's height divided by its width."""
    sx, sy, radius = min(spots, key=lambda s: math.hypot(x - s[0], (y - s[1]) * aspect))
    distance = math.hypot(x - sx, (y - sy) * aspect)
    radii = distance / radius
    verdict = RIGHT if radii <= 1 else CLOSE if radii <= CLOSE_FACTOR else MISSED
    return PointResult(verdict, distance, radii)


def describe(result: PointResult) -> str:
    """One line for the student: how the click did."""
    if result.verdict == RIGHT:
        return "Right on the spot."
    if result.verdict == CLOSE:
        return "Close: just off the spot."
    return "Missed: the right spot is marked."


def picture_aspect(path: str) -> float:
    """Height / width of an SVG (its viewBox or width and height) or PNG; 1 if unknown."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return 1.0
    if head.startswith(b"\x89PNG") and len(head) >= 24:
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        return height / width if width else 1.0
    found = re.search(rb'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)', head)
    if found is None:
        found = re.search(rb'<svg[^>]*?\swidth="([\d.]+)[^"]*"[^>]*?\sheight="([\d.]+)', head)
    if found is not None and float(found.group(1)) > 0:
        return float(found.group(2)) / float(found.group(1))
    return 1.0
