"""The library's items, registered in the progress database, so SQL knows which rows are loaded.

Statistics count only the items of the decks loaded (a card removed from its deck drops out),
and today's queue finds new items without reading every row. Telling loaded rows from the rest
used to mean listing 100,000 item keys in Python and matching every row against them, about
110 ms at that size. Instead the store keeps the items of the last library it was given (table
`item`: each item's place in the library, whether a row makes it other than plainly new, whether
its card has other items) and, beside them, the rows that are not of those items (table
`unregistered`): written again for the decks that changed, and kept as rows are written
(`write_item`, which every write of an item's row goes through). Reading which rows to leave
out is then a lookup of a few rows, however large the collection.

Whether the library changed is known from a digest of each deck's item keys (`library_digest`,
15-20 ms for 100,000 cards, kept per library object), stored beside the items: a deck with the
same digest at the same rank is left alone. Two processes with different libraries on one file
each register theirs when they build a queue or statistics; a queue built before the other's
registration may read the other's new items until it is built again.
"""

from __future__ import annotations

import json
import sqlite3
import weakref
from array import array
from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager
from operator import attrgetter
from typing import Any

from omtquiz.decks.model import CARD_TYPE_INFO, Deck, Item, Library
from omtquiz.digest import blake2b
from omtquiz.progress.rows import UPSERT, record_row
from omtquiz.progress.types import ItemRecord

REGISTRY_KEY = "item-registry"  # the settings row holding the registered library's digest

# The item numbers of a card, as text, for the types whose count of items is fixed.
_FIXED_ORDS = {kind: ",".join(map(str, range(info.sides)))
               for kind, info in CARD_TYPE_INFO.items() if info.sides is not None}

_NOTE_UNREGISTERED = (
    "INSERT OR IGNORE INTO unregistered (deck_id, card_id, ord) SELECT ?1, ?2, ?3 "
    "WHERE NOT EXISTS (SELECT 1 FROM item WHERE deck_id = ?1 AND card_id = ?2 AND ord = ?3)")


_SEEN = "UPDATE item SET seen = ? WHERE deck_id = ? AND card_id = ? AND ord = ? AND seen != ?"

# Whether a row makes its item other than plainly new (kept in `item.seen`).
SEEN_SQL = "(state != 0 OR suspended != 0 OR buried_until IS NOT NULL)"


def write_item(conn: sqlite3.Connection, record: ItemRecord) -> None:
    """Write an item's row (every write of one comes here), noting it when not registered and
    keeping its registered item's `seen` mark."""
    conn.execute(UPSERT, record_row(record))
    item = record.item
    key = (item.deck_id, item.card_id, item.ord)
    conn.execute(_NOTE_UNREGISTERED, key)
    seen = int(not record.card.is_new or record.suspended or record.buried_until is not None)
    conn.execute(_SEEN, (seen, *key, seen))


def _feed(digest: Any, texts: list[str]) -> None:
    """Texts into the digest unambiguously: their count, then all of them between NULs, or,
    when a text holds a NUL itself, each one's length before all of them."""
    digest.update(len(texts).to_bytes(8, "little"))
    joined = "\0".join(texts)
    if joined.count("\0") == max(len(texts) - 1, 0):
        digest.update(b"j")
    else:
        digest.update(b"l" + array("q", map(len, texts)).tobytes())
    digest.update(joined.encode("utf-8", "surrogatepass"))


_DECK_ID, _ID, _TYPE, _DRILL = (attrgetter(name) for name in ("deck_id", "id", "type", "drill"))


def _deck_digest(deck: Deck) -> tuple[str, bool]:
    """The digest of a deck's item keys: its id (or each card's deck id where they differ),
    the card ids, and the item numbers of each card: by its type where that fixes them, else
    listed (clozes, drills). And whether every card carries the deck's id."""
    digest = blake2b(digest_size=20)
    cards = deck.cards
    own = set(map(_DECK_ID, cards)) <= {deck.id}
    _feed(digest, [deck.id] if own else list(map(_DECK_ID, cards)))
    _feed(digest, list(map(_ID, cards)))
    types = list(map(_TYPE, cards))
    kinds = sorted(set(types))
    _feed(digest, kinds)
    index = {kind: n for n, kind in enumerate(kinds)}
    digest.update(array("q", map(index.__getitem__, types)).tobytes())
    listed = [n for n, card in enumerate(cards) if card.type not in _FIXED_ORDS
              or card.drill is not None] if set(kinds) - _FIXED_ORDS.keys() or any(
                  map(_DRILL, cards)) else []
    digest.update(array("q", listed).tobytes())
    _feed(digest, [",".join(map(str, cards[n].ords())) for n in listed])
    return digest.hexdigest(), own


def _compute_digest(library: Library) -> str:
    """Each deck's id and digest, in library order, as JSON; `whole` when the registry can only
    be rewritten whole (a deck id used twice, or cards carrying another deck's id)."""
    decks, whole = [], False
    for deck in library.decks:
        digest, own = _deck_digest(deck)
        decks.append([deck.id, digest])
        whole = whole or not own
    whole = whole or len({deck_id for deck_id, _ in decks}) != len(decks)
    return json.dumps({"decks": decks, "whole": whole}, separators=(",", ":"))


_digests: list[tuple[weakref.ref[Library], str]] = []


def library_digest(library: Library) -> str:
    """The library's digest (`_compute_digest`), kept while the library lives."""
    for ref, digest in _digests:
        if ref() is library:
            return digest
    digest = _compute_digest(library)
    _digests[:] = [(ref, kept) for ref, kept in _digests[-3:] if ref() is not None]
    _digests.append((weakref.ref(library), digest))
    return digest


def library_items(library: Library, only: Collection[str] | None = None,
                  ) -> Iterator[tuple[str, str, int, int, int]]:
    """(deck_id, card_id, ord, position, several) of every item (of the decks `only`), in
    library order: the position is the deck's rank in the library, then the item's place in
    its deck, so one deck's items can be written again without moving the others."""
    for rank, deck in enumerate(library.decks):
        if only is not None and deck.id not in only:
            continue
        pos = rank << 32
        for card in deck.cards:
            ords = card.ords()
            several = int(len(ords) > 1)
            for ord_ in ords:
                yield card.deck_id, card.id, ord_, pos, several
                pos += 1


def _changed_decks(stored: str | None, digest: str) -> list[str] | None:
    """The decks whose items must be written again to go from `stored` to `digest`: those
    added, removed, changed or moved to another rank; None for all of them."""
    try:
        old, new = json.loads(stored or ""), json.loads(digest)
        before = {deck_id: (rank, value) for rank, (deck_id, value) in enumerate(old["decks"])}
        if old["whole"] or new["whole"] or len(before) != len(old["decks"]):
            return None
    except (ValueError, TypeError, KeyError):
        return None
    after = {deck_id: (rank, value) for rank, (deck_id, value) in enumerate(new["decks"])}
    return sorted({deck_id for deck_id in before.keys() | after.keys()
                   if before.get(deck_id) != after.get(deck_id)})


class ItemRegistry:
    """The registry's reads and its one write; mixed into `Store`, which supplies the rest."""

    _conn: sqlite3.Connection
    _errors: Callable[[], AbstractContextManager[None]]
    _writes: int  # `Store.state_token`'s count of writes through this connection

    def _tuples(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def register_library(self, library: Library) -> bool:
        """Make the library's items the registered ones, unless they already are; True when
        the registry was written. Only the decks that changed are written again. A write moves
        `state_token` on: what was read through the old registry (a queue) no longer holds."""
        digest = library_digest(library)
        stored = self._tuples("SELECT value FROM settings WHERE key = ?", (REGISTRY_KEY,))
        if stored and stored[0][0] == digest:
            return False
        decks = _changed_decks(stored[0][0] if stored else None, digest)
        conn = self._conn
        with self._errors():
            self._writes += 1
            if conn.in_transaction:  # inside a batch of writes: part of it
                self._rewrite(library, digest, decks)
                return True
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._rewrite(library, digest, decks)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return True

    def _rewrite(self, library: Library, digest: str, decks: list[str] | None) -> None:
        """The items of `decks` (None: all) written again, with the rows not of them."""
        conn = self._conn
        where, params = "", ()
        if decks is not None:
            where, params = "WHERE deck_id IN (SELECT value FROM json_each(?))", (
                json.dumps(decks),)
        conn.execute(f"DELETE FROM item {where}", params)
        conn.executemany("INSERT OR IGNORE INTO item (deck_id, card_id, ord, pos, several) "
                         "VALUES (?, ?, ?, ?, ?)", library_items(library, decks))
        also = where.replace("WHERE", "AND")
        conn.execute(f"UPDATE item SET seen = 1 WHERE EXISTS (SELECT 1 FROM card_state AS s "
                     "WHERE s.deck_id = item.deck_id AND s.card_id = item.card_id "
                     f"AND s.ord = item.ord AND {SEEN_SQL}) {also}", params)
        conn.execute(f"DELETE FROM unregistered {where}", params)
        conn.execute("INSERT INTO unregistered (deck_id, card_id, ord) "
                     "SELECT deck_id, card_id, ord FROM card_state AS s WHERE NOT EXISTS "
                     "(SELECT 1 FROM item AS i WHERE i.deck_id = s.deck_id "
                     f"AND i.card_id = s.card_id AND i.ord = s.ord) {also}", params)
        conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) "
                     "DO UPDATE SET value = excluded.value", (REGISTRY_KEY, digest))

    def registered_counts(self) -> dict[str, int]:
        """Registered items per deck."""
        return dict(self._tuples("SELECT deck_id, count(*) FROM item GROUP BY deck_id"))

    def unregistered(self, deck_ids: Collection[str]) -> list[Item]:
        """The rows of `deck_ids` that are not of registered items (removed from their deck)."""
        return [Item(*row) for row in self._tuples(
            "SELECT deck_id, card_id, ord FROM unregistered "
            "WHERE deck_id IN (SELECT value FROM json_each(?)) ORDER BY deck_id, card_id, ord",
            (json.dumps(list(deck_ids)),))]
