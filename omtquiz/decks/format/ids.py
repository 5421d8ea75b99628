"""What ids, slugs and tags may look like in a deck file, and the "did you mean" hint.

Shared by the loader, the facts expander, the importers and `omtquiz new-deck`, so every
door into the deck format accepts exactly the same names.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
CARD_ID_RE = re.compile(r"[^\s]{1,128}\Z")
TAG_RE = re.compile(r"[^\s]{1,100}\Z")


MAX_SUGGESTIONS_LOOKED_AT = 300  # a deck of 20,000 sources took two minutes to suggest one
MAX_LISTED = 12


class Suggester:
    """The "did you mean" hint over one set of names, indexed once by length.

    Among many names only those of about the word's length (the only ones difflib could find
    close enough) are compared, nearest length first and at most MAX_SUGGESTIONS_LOOKED_AT of
    them: a hint, never a hang.
    """

    def __init__(self, choices: Iterable[str]) -> None:
        self.choices = list(choices)
        self.by_length: dict[int, list[str]] = {}
        if len(self.choices) > MAX_SUGGESTIONS_LOOKED_AT:
            for choice in sorted(self.choices):
                self.by_length.setdefault(len(choice), []).append(choice)

    def candidates(self, word: str) -> list[str]:
        if not self.by_length:
            return self.choices
        found: list[str] = []
        for offset in range(max(2, len(word) // 3) + 1):
            for size in {len(word) - offset, len(word) + offset}:
                bucket = self.by_length.get(size, [])
                found += [c for c in bucket if c[:1] == word[:1]][:MAX_SUGGESTIONS_LOOKED_AT]
            if len(found) >= MAX_SUGGESTIONS_LOOKED_AT:
                break
        return found[:MAX_SUGGESTIONS_LOOKED_AT]

    def hint(self, word: str) -> str:
        close = difflib.get_close_matches(word, self.candidates(word), n=1, cutoff=0.6)
        return f" (did you mean '{close[0]}'?)" if close else ""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest of `choices`, or '' when none is close."""
    return Suggester(choices).hint(word)


def listing(names: Iterable[str], empty: str) -> str:
    """Some names for a message, sorted: all of a few, the first MAX_LISTED of many."""
    ordered = sorted(names)
    if not ordered:
        return empty
    shown = ", ".join(ordered[:MAX_LISTED])
    return shown if len(ordered) <= MAX_LISTED else f"{shown}, ... ({len(ordered):,} in all)"


def slugify(text: str) -> str:
    """A deck id from a title: ASCII lowercase words joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))
    return slug[:60].strip("-") or "imported"
