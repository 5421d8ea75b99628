"""What ids, slugs and tags may look like in a deck file, and the "did you mean" hint.

Shared by the loader, the facts expander, the importers and `omtquiz new-deck`, so every
door into the deck format accepts exactly the same names.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
CARD_ID_RE = re.compile(r"[^\s]{1,128}\Z")
TAG_RE = re.compile(r"[^\s]{1,100}\Z")


MAX_SUGGESTIONS_LOOKED_AT = 300  # a deck of 20,000 sources took two minutes to suggest one
MAX_LISTED = 12


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest of `choices`, or '' when none is close.

    Among many choices only those of about the word's length (those difflib could find close
    enough) are compared, and at most MAX_SUGGESTIONS_LOOKED_AT of them: a hint, never a hang.
    """
    pool = list(choices)
    if len(pool) > MAX_SUGGESTIONS_LOOKED_AT:
        near = [c for c in pool if abs(len(c) - len(word)) <= max(2, len(word) // 3)]
        pool = sorted(near, key=lambda c: (c[:1] != word[:1], abs(len(c) - len(word)), c))
        pool = pool[:MAX_SUGGESTIONS_LOOKED_AT]
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def listing(names: Iterable[str], empty: str) -> str:
    """Some names for a message, sorted: all of a few, the first MAX_LISTED of many."""
    ordered = sorted(names)
    if not ordered:
        return empty
    shown = ", ".join(ordered[:MAX_LISTED])
    return shown if len(ordered) <= MAX_LISTED else f"{shown}, ... ({len(ordered):,} in all)"
