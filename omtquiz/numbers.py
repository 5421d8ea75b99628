"""How shares are shown as whole percentages, in one place for every screen and command.

Half up, as a student rounds: 5 of 8 is 63%. Python's `f"{x:.0%}"` rounds half to even on the
binary value (0.625 gives "62%"), so the exam report and the statistics once disagreed.
"""

from __future__ import annotations

import math


def percent(share: float) -> int:
    """A share (0..1) as a whole percentage, rounded half up."""
    return math.floor(100 * share + 0.5)


def percent_text(share: float | None, missing: str = "–") -> str:
    """'63%'; `missing` when there is no share."""
    return missing if share is None else f"{percent(share)}%"
