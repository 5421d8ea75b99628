"""Changing many cards at once (the card browser): suspend, unsuspend, bury, flag, reset.

Each works by the same rules as during study (a `StudySession` of no items does the change),
saves all the cards in one transaction (a thousand cards suspended at once are one write, not a
thousand), and returns the `Changes` it made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from omtquiz.clock import Clock
from omtquiz.decks.model import Item, Library
from omtquiz.progress.store import Store
from omtquiz.study.changes import Changes
from omtquiz.study.scope import Scope
from omtquiz.study.session import StudySession


class CardActions:
    def __init__(self, store: Store, library: Library, clock: Clock | None = None) -> None:
        self.store = store
        self._session = StudySession(store, library, Scope.of_items(()), clock=clock)

    def _each(self, items: Sequence[Item], change: Callable[[Item], object]) -> Changes:
        with self.store.batch():
            for item in items:
                change(item)
        return Changes.of_items(items)

    def suspend(self, items: Sequence[Item]) -> Changes:
        return self._each(items, self._session.suspend)

    def unsuspend(self, items: Sequence[Item]) -> Changes:
        return self._each(items, self._session.unsuspend)

    def bury(self, items: Sequence[Item]) -> Changes:
        """Hidden until the next study day."""
        return self._each(items, self._session.bury)

    def flag(self, items: Sequence[Item], flag: int) -> Changes:
        """A coloured flag 1-7; 0 clears it."""
        return self._each(items, lambda item: self._session.flag(item, flag))

    def reset(self, items: Sequence[Item]) -> Changes:
        """New again; history, repetitions and lapses are kept."""
        return self._each(items, self._session.reset)
