"""`omtquiz drill`: registration, and the decks' tender points for `drill ... counterstrain`.

The command lives with the engine in omtquiz.drills; counterstrain set-ups are records in the
decks, so this module hands the command a loader that reads them from the profile's library.
"""

from __future__ import annotations

import argparse

from omtquiz.drills import counterstrain
from omtquiz.drills.command import register as register_command
from omtquiz.drills.common import Refusal

__all__ = ["register", "tender_points"]


def register(sub, add_common=None) -> None:
    register_command(sub, add_common, tender_points)


def tender_points(args: argparse.Namespace) -> list[counterstrain.TenderPoint] | Refusal:
    """Every tender point of the loaded decks' counterstrain drills, once each."""
    from omtquiz.cli.common import profile_from

    library = profile_from(args).load_library()
    found: dict[str, counterstrain.TenderPoint] = {}
    for deck in library.decks:
        for card in deck.cards:
            if card.drill is not None and card.drill.region == counterstrain.REGION:
                for point in card.drill.points:
                    found.setdefault(point.name, point)
    if not found:
        return Refusal("no deck with a counterstrain drill is loaded (the bundled "
                       "counterstrain-tender-points deck has one)", ("region",))
    return list(found.values())
