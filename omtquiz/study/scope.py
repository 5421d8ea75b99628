"""Which items a study session, quiz or exam covers: everything, a deck, a deck tree, a tag, or
a given list of items (an exam's missed questions).

`Scope` is the one type every layer uses to name what is studied: the deck list's rows carry
one, sessions, quizzes, exams and the planner take one, and `str(scope)` is how an exam's
scope is written to the progress database (`Scope.parse` reads it back).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from omtquiz.decks.model import Card, Deck, Item, Library

SCOPE_KINDS = ("all", "deck", "tree", "tag", "items")


@dataclass(frozen=True)
class Scope:
    """Which items a session studies: everything, one deck, a deck and its sub-decks, a tag, or
    a given list of items (an exam's missed questions).

    A tree is named by a deck id or an Anki-style path ("OMT::Cranial"); it holds the decks
    whose id or full name is that name or lies under it, and, repeatedly, the decks whose
    `parent` names one of those. A tag matches case-insensitively, and also its Anki-style
    children ("anatomy" matches "anatomy::spine").
    """

    kind: str = "all"
    value: str | None = None
    chosen: tuple[Item, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"scope kind must be one of {', '.join(SCOPE_KINDS)}")
        if (self.kind in ("all", "items")) != (self.value is None):
            raise ValueError("'all' and 'items' take no value; deck, tree and tag need one")
        if self.chosen and self.kind != "items":
            raise ValueError("only an 'items' scope lists its items")

    @classmethod
    def all(cls) -> Scope:
        return cls()

    @classmethod
    def deck(cls, deck_id: str) -> Scope:
        return cls("deck", deck_id)

    @classmethod
    def tree(cls, name: str) -> Scope:
        return cls("tree", name)

    @classmethod
    def tag(cls, tag: str) -> Scope:
        return cls("tag", tag)

    @classmethod
    def of_items(cls, items: Iterable[Item]) -> Scope:
        return cls("items", None, tuple(dict.fromkeys(items)))

    @classmethod
    def parse(cls, text: str) -> Scope:
        """'all', 'deck:ID', 'tree:NAME' or 'tag:TAG' (as `str(scope)` writes them)."""
        if text == "all":
            return cls()
        kind, sep, value = text.partition(":")
        if not sep or not value:
            raise ValueError(f"scope '{text}' is not 'all', 'deck:ID', 'tree:NAME' or 'tag:TAG'")
        return cls(kind, value)

    def __str__(self) -> str:
        if self.kind == "items":
            return f"items:{len(self.chosen)}"
        return "all" if self.value is None else f"{self.kind}:{self.value}"

    def title(self, library: Library) -> str:
        """How the scope is named on screen: a deck by its full name, a tree, a tag."""
        if self.kind == "deck":
            deck = library.deck(self.value or "")
            return deck.full_name if deck else self.value or ""
        if self.kind == "tree":
            return f"{self.value} (all decks)"
        if self.kind == "tag":
            return f"Tag: {self.value}"
        if self.kind == "items":
            return f"{len(self.chosen)} chosen items"
        return "All decks"

    def decks(self, library: Library) -> list[Deck]:
        decks = library.decks
        if self.kind == "all":
            return decks
        if self.kind == "deck":
            return [d for d in decks if d.id == self.value]
        if self.kind == "tree":
            return _tree(decks, self.value or "")
        if self.kind == "items":
            wanted = {item.deck_id for item in self.chosen}
            return [d for d in decks if d.id in wanted]
        return [d for d in decks if any(self._tag_matches(c.tags) for c in d.cards)]

    def items(self, library: Library) -> list[Item]:
        """The scope's items that the library holds: in deck order, then deck-file order
        (an 'items' scope keeps the order it was given)."""
        if self.kind == "items":
            return [item for item in self.chosen
                    if (card := library.card(item)) is not None and item.ord in card.ords()]
        return [item for card in self.cards(library) for item in card.items()]

    def cards(self, library: Library) -> Iterator[Card]:
        """The cards of a scope other than 'items', in the order their items are studied."""
        if self.kind != "tag":
            return (card for deck in self.decks(library) for card in deck.cards)
        return (card for deck in library.decks for card in deck.cards
                if self._tag_matches(card.tags))

    def _tag_matches(self, tags: Iterable[str]) -> bool:
        wanted = (self.value or "").casefold()
        return any(t.casefold() == wanted or t.casefold().startswith(wanted + "::") for t in tags)


def select_items(library: Library, scope: Scope) -> list[Item]:
    return scope.items(library)


def _under(name: str | None, root: str) -> bool:
    return name is not None and (name == root or name.startswith(root + "::"))


def _tree(decks: list[Deck], root: str) -> list[Deck]:
    chosen = {d.id for d in decks if d.id == root or _under(d.full_name, root)
              or _under(d.parent, root)}
    grew = True
    while grew:
        names = {n for d in decks if d.id in chosen for n in (d.id, d.full_name)}
        more = {d.id for d in decks if d.id not in chosen
                and any(_under(d.parent, n) for n in names)}
        chosen |= more
        grew = bool(more)
    return [d for d in decks if d.id in chosen]
