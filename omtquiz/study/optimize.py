"""FSRS parameters fitted to the learner's own reviews, as a preset: global or one deck's.

The review log gives each item's answers that moved its schedule; they become study-day
numbers (the learner's day start and time zone) and go to `scheduling.fit_parameters`, which
scores old against new weights on the newest reviews and says whether the new ones are better.
Better weights are saved as the preset's `parameters` (global settings, or a deck override for
`--deck`); worse ones are reported and dropped. A fit is remembered with the review count it
saw, so the app re-fits by itself once that count has doubled (`needs_refit`), in the
background (`refit_in_background`: its own process, so no answer ever waits for it).
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from omtquiz.clock import study_day
from omtquiz.decks.model import Item
from omtquiz.scheduling import FitResult, Rating, SchedulerSettings, fit_parameters

FITS_KEY = "fsrs_fits"  # settings key: {preset: {"reviews": n, "at": iso time, "applied": b}}
# The first automatic fit waits for this many answers; each later one for twice the last.
FIRST_AUTO_FIT = 400


@dataclass(frozen=True)
class OptimizeReport:
    deck_id: str | None
    fit: FitResult

    def to_dict(self) -> dict[str, Any]:
        data = self.fit.to_dict()
        data["deck"] = self.deck_id
        return data


def _preset(deck_id: str | None) -> str:
    return f"deck:{deck_id}" if deck_id else "global"


def histories(store, deck_id: str | None = None,
              settings: SchedulerSettings | None = None) -> dict[Item, list[tuple[int, Rating]]]:
    """Each item's scheduling answers as (study day number, rating), in the order given."""
    settings = settings or store.settings().global_settings
    tz, hour = settings.tzinfo, settings.day_start_hour
    found: dict[Item, list[tuple[int, Rating]]] = defaultdict(list)
    for item, reviewed_at, rating, _, _ in store.schedule_history():
        if deck_id is None or item.deck_id == deck_id:
            found[item].append((study_day(reviewed_at, hour, tz).toordinal(), Rating(rating)))
    return found


def optimize(store, deck_id: str | None = None, *, now: datetime, apply: bool = True,
             ) -> OptimizeReport:
    """Fit the global preset (or `deck_id`'s) to its reviews; save the weights when better."""
    settings = store.settings()
    preset = settings.for_deck(deck_id) if deck_id else settings.global_settings
    found = histories(store, deck_id, preset)
    fit = fit_parameters(found.values(), preset.parameters)
    if apply and fit.applied and fit.parameters:
        if deck_id:
            store.save_settings(settings.with_deck(deck_id, parameters=fit.parameters))
        else:
            store.save_settings(settings.with_global(parameters=fit.parameters))
    fits = dict(store.get_value(FITS_KEY, {}) or {})
    fits[_preset(deck_id)] = {"reviews": sum(len(v) for v in found.values()),
                              "at": now.isoformat(), "applied": bool(apply and fit.applied)}
    store.set_value(FITS_KEY, fits)
    return OptimizeReport(deck_id, fit)


def describe(fit: FitResult) -> str:
    """The fit in a sentence or two for the learner."""
    if fit.log_loss_before is None:
        return fit.message
    return (f"{fit.message}. On your newest {fit.reviews} review(s)' holdout: log loss "
            f"{fit.log_loss_before:.3f} -> {fit.log_loss_after:.3f}, RMSE "
            f"{fit.rmse_before:.3f} -> {fit.rmse_after:.3f} (lower is better).")


def needs_refit(store, deck_id: str | None = None) -> bool:
    """Whether the answers have doubled since the last fit (or reached the first threshold)."""
    last = (store.get_value(FITS_KEY, {}) or {}).get(_preset(deck_id), {})
    seen = int(last.get("reviews", 0) or 0)
    return store.schedule_count(deck_id) >= max(FIRST_AUTO_FIT, 2 * seen)


def refit_in_background(data_dir: Path) -> subprocess.Popen:
    """`omtquiz optimize` in a process of its own: the fit takes seconds of CPU, and the
    answers given meanwhile are safe (it writes only settings, in one transaction)."""
    return subprocess.Popen(
        [sys.executable, "-m", "omtquiz", "optimize", "--data-dir", str(data_dir), "--json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
