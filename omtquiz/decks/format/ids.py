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


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest of `choices`, or '' when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def slugify(text: str) -> str:
    """A deck id from a title: ASCII lowercase words joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))
    return slug[:60].strip("-") or "imported"
