"""Diagnosis drills: a rule engine for osteopathic somatic dysfunction, headless and Qt-free.

Per region (spine T1-L5, cervical, sacrum, innominate, pubic, rib) a forward model (dysfunction ->
what an examiner finds) and an inverse (findings -> dysfunction) written from the rules, case
generation in both directions from a seed, grading of typed answers component by component, and
the muscle energy set-up; counterstrain set-ups from tender point records handed in by the deck
layer (`counterstrain.py`). Everything here returns values (`Answer`, `Refusal`), never raises on
bad findings. The package imports nothing else from omtquiz, so reshaping the app cannot break
it; docs/drills.md cites every rule.

`REGIONS` (every region's rules, `regions.py`) loads on first use, so that importing one module
of the package (the parse cache does so for a counterstrain drill) loads no region.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from omtquiz.drills.common import Answer, Refusal, Region
from omtquiz.drills.setup import SetUp, muscle_energy  # before `def setup` below, which wins

if TYPE_CHECKING:
    from omtquiz.drills.regions import REGIONS


def __getattr__(name: str):
    if name == "REGIONS":
        from omtquiz.drills.regions import REGIONS

        return REGIONS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["REGIONS", "Answer", "Refusal", "SetUp", "findings", "region", "setup", "solve"]


def region(name: str) -> Region | Refusal:
    from omtquiz.drills.regions import REGIONS

    found = REGIONS.get(name)
    if found is None:
        return Refusal(f"unknown region {name!r}; one of {', '.join(REGIONS)}", ("region",),
                       usage=True)
    return found


def solve(region_name: str, found: Mapping) -> Answer | Refusal:
    """Findings -> the named dysfunction, with the rule behind each component."""
    chosen = region(region_name)
    return chosen if isinstance(chosen, Refusal) else chosen.solve(found)


def findings(region_name: str, diagnosis: Mapping) -> Answer | Refusal:
    """A dysfunction (components or a name in any usual notation) -> what the examiner finds."""
    chosen = region(region_name)
    return chosen if isinstance(chosen, Refusal) else chosen.findings(diagnosis)


def setup(region_name: str, diagnosis: Mapping) -> SetUp | Refusal:
    """The muscle energy set-up for a dysfunction."""
    chosen = region(region_name)
    if isinstance(chosen, Refusal):
        return chosen
    canonical = chosen.render(diagnosis)
    if isinstance(canonical, Refusal):
        return canonical
    return muscle_energy(region_name, canonical)
