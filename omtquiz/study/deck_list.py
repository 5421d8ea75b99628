"""The deck list as the home screen shows it: one row per deck file, each with the scope it
studies, today's counts, its problems and description; the sums of each parent's decks; the
totals; and every tag, by name, with its count of cards.

It is worked out here, not in the widget, so the numbers a student sees are the ones the
queue will give, and a test can check them without Qt.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from omtquiz.clock import Clock
from omtquiz.decks.model import Library
from omtquiz.progress.store import Store
from omtquiz.scheduling import Settings
from omtquiz.study.queue import Counts, capped_counts, deck_counts
from omtquiz.study.scope import Scope


class DeckRow(NamedTuple):
    """One deck file on the list. A file that did not load has no scope and no counts."""

    scope: Scope | None
    key: str  # the deck id, or the path of a file that did not load
    title: str
    parent: str | None
    counts: Counts | None
    problems: tuple[str, ...]  # its errors, one line each
    description: str
    cards: int = 0  # cards that loaded: a deck with errors and none cannot be studied
    path: str = ""  # the deck file

    @property
    def studiable(self) -> bool:
        return self.scope is not None and (self.cards > 0 or not self.problems)


class DeckList(NamedTuple):
    rows: list[DeckRow]
    parents: dict[str, Counts]  # a parent's name: the sum of its decks' counts
    totals: Counts
    tags: list[str]  # every tag, sorted by name (case aside)
    tag_counts: dict[str, int] = {}  # a tag: how many cards (items) it has


def _add(a: Counts, b: Counts) -> Counts:
    return Counts(a.new + b.new, a.learning + b.learning, a.due + b.due)


def deck_list(store: Store, library: Library, clock: Clock | None = None,
              settings: Settings | None = None) -> DeckList:
    """The home screen's list. Its learning and due counts are the one definition of them:
    `omtquiz stats` reads them from here too (`study.stats.collect`)."""
    counts = deck_counts(store, library, clock=clock, settings=settings)
    rows: list[DeckRow] = []
    parents: dict[str, Counts] = {}
    totals = Counts()
    for deck_file in library.files:
        deck = deck_file.deck
        problems = tuple(str(d) for d in deck_file.diagnostics if d.is_error)
        if deck is None:
            rows.append(DeckRow(None, deck_file.path, deck_file.path.rsplit("/", 1)[-1], None,
                                None, problems, "", 0, deck_file.path))
            continue
        deck_counted = counts.get(deck.id) or Counts()
        totals = _add(totals, deck_counted)
        if deck.parent:
            parents[deck.parent] = _add(parents.get(deck.parent, Counts()), deck_counted)
        rows.append(DeckRow(Scope.deck(deck.id), deck.id, deck.title, deck.parent, deck_counted,
                            problems, deck.description, len(deck.cards), deck_file.path))
    # A parent's row and the all-decks row show what studying them gives: one total, capped
    # by the global limits, not the sum of every deck's own allowance.
    members: dict[str, list[str]] = {}
    for row in rows:
        if row.scope is not None and row.parent:
            members.setdefault(row.parent, []).append(row.key)
    groups: dict[str | None, tuple[Counts, list[str]]] = {
        name: (summed, members.get(name, [])) for name, summed in parents.items()}
    groups[None] = (totals, [r.key for r in rows if r.scope])  # None: the all-decks row
    capped = capped_counts(store, library, groups, clock, settings)
    totals = capped.pop(None)
    parents = {name: counts for name, counts in capped.items() if name is not None}
    tags = _tag_counts(library)
    return DeckList(rows, parents, totals, sorted(tags, key=lambda t: (t.casefold(), t)),
                    dict(tags))


def _tag_counts(library: Library) -> Counter[str]:
    """Each tag's items (a card counts once per item it gives), tags in order of first use;
    each card's items are worked out once, not once per tag (a cloze card parses its text)."""
    tags: Counter[str] = Counter()
    for deck in library.decks:
        for card in deck.cards:
            if card.tags and (items := len(card.ords())):
                for tag in card.tags:
                    tags[tag] += items
    return tags
