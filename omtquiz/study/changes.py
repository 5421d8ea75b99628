"""What an action changed, so each screen refreshes only what it shows of it.

Like Anki's `OpChanges`: an answer, a bury, a suspension, a flag, a reset, an exam saved or new
settings each return a frozen `Changes`; the main window passes it on as one signal, and every
screen looks at the parts it shows (the deck list at counts, the browser at its rows of those
items, the statistics at answers and exams).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from omtquiz.decks.model import Item


@dataclass(frozen=True)
class Changes:
    """What a core action changed, so the screens refresh what they show of it."""

    items: frozenset[Item] = frozenset()  # items whose stored progress changed
    answers: bool = False  # review-log rows were added or taken back
    exams: bool = False  # an exam's result was saved
    settings: bool = False  # scheduler settings changed

    @classmethod
    def of_items(cls, items: Iterable[Item], *, answers: bool = False) -> Changes:
        return cls(items=frozenset(items), answers=answers)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.items | other.items, self.answers or other.answers,
                       self.exams or other.exams, self.settings or other.settings)

    @property
    def counts(self) -> bool:
        """Whether today's counts (new, learning, due) may have moved."""
        return bool(self.items) or self.answers or self.settings

    def __bool__(self) -> bool:
        return bool(self.items) or self.answers or self.exams or self.settings
