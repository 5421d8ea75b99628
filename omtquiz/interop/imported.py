"""A deck read from another format, before it is written: the shape every importer fills in,
and the helpers they share (Markdown escaping, tag clean-up, ids made from text).

Whatever cannot be carried over is collected as a problem for the author to read: an import
never fails silently and never stops at the first odd note.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from omtquiz.decks.format.ids import TAG_RE, slugify
from omtquiz.interop.import_limits import ImportFailed, UniqueNames

__all__ = ["SOURCE_ID", "ImportFailed", "Imported", "card_id_from", "clean_tags",
           "escape_markdown", "slugify"]

SOURCE_ID = "imported"


@dataclass
class Imported:
    """A deck read from another format, before it is written: cards as deck-file mappings."""

    title: str
    origin: str
    cards: list[dict] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes, for image:
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    parent: str | None = None

    def problem(self, reason: str, where: str) -> None:
        self.problems[reason].append(where)

    def problem_lines(self) -> list[str]:
        """One line per kind of problem, with how many notes or rows it hit and which."""
        lines = []
        for reason, where in self.problems.items():
            shown = ", ".join(where[:5]) + (f" and {len(where) - 5} more" if len(where) > 5
                                            else "")
            lines.append(f"{reason} ({len(where)}: {shown})" if where[0] else reason)
        return lines


_ESCAPE = re.compile(r"[\\`*\[\]]|(?<!\w)_|_(?!\w)|<|^[#>]", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Text as Markdown that shows exactly that text (no emphasis, links or HTML)."""

    def sub(match: re.Match) -> str:
        found = match.group(0)
        return "&lt;" if found == "<" else "\\" + found

    return _ESCAPE.sub(sub, text)


def clean_tags(tags: list[str], imported: Imported, where: str) -> list[str]:
    """The tags a deck accepts, once each; the others are reported as problems."""
    kept = []
    for tag in tags:
        if TAG_RE.match(tag):
            kept.append(tag)
        elif tag:
            imported.problem("tags longer than 100 characters were left out", where)
    return list(dict.fromkeys(kept))


def card_id_from(text: str, taken: UniqueNames) -> str:
    """A readable card id from a term: lowercase words joined by hyphens, unique in the deck
    (`UniqueNames` hands out `x-2`, `x-3`... in linear time however often a term repeats)."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text[:1000]).casefold())
    return taken.claim("-".join(words)[:60].strip("-") or "card")

