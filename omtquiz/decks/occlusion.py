"""What an occlusion item shows: which shapes are covered, which one is asked, and, once
revealed, which is uncovered. The review screen draws exactly this list; Anki's own Image
Occlusion follows the same two modes, so a card looks alike in both.

- hide-all-guess-one: every shape is covered; the asked ones stand out. Revealing uncovers the
  asked shapes only.
- hide-one-guess-one: only the asked shapes are covered; the rest of the image shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from omtquiz.decks.model import Card, Shape

ASKED = "asked"  # covered, and what the question is about
HIDDEN = "hidden"  # covered, not asked
REVEALED = "revealed"  # the asked shape after the answer: outlined, its label shown


@dataclass(frozen=True, slots=True)
class Mask:
    shape: Shape
    role: str


def masks(card: Card, ord_: int, *, revealed: bool) -> tuple[Mask, ...]:
    """The shapes to draw for item `ord_` of an occlusion card, in the order written."""
    groups = card.occlusion_groups()
    asked = set(groups[ord_]) if 0 <= ord_ < len(groups) else set()
    out = []
    for index, shape in enumerate(card.shapes):
        if index in asked:
            out.append(Mask(shape, REVEALED if revealed else ASKED))
        elif card.mode == "hide-all-guess-one":
            out.append(Mask(shape, HIDDEN))
    return tuple(out)
