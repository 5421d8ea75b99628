"""A parse cache: a deck file read before, with the same bytes, loads from a pickle.

The key is the file's identity (its resolved path, as shown in diagnostics) and the entry holds
the SHA-256 hash of the bytes it was made from, so an edit, a `touch` or a copy over the file can
never serve a stale deck. A new omtquiz version ignores old entries.

The pictures a deck shows are not in its bytes, so a hit re-checks each of them (a `git pull`
may have swapped one for a symlink to `/etc/passwd`); if any is refused now, the file is read
afresh and the loader reports it as it would on a first load.

An entry is the deck without its cards, then the cards a few thousand at a time, each batch a
pickle of its own: one pickle of 100,000 cards keeps every object it writes (and a tuple of
each card's fields made for the writing) in its memo to the end, 60-70 MB on top of the deck
at the app's first start.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import replace
from pathlib import Path

from omtquiz import __version__
from omtquiz.decks.format.files import MAX_BYTES, display_path
from omtquiz.decks.model import DeckFile
from omtquiz.digest import blake2b
from omtquiz.gcpause import gc_paused

# -3: ~ and null read as empty; -4: Card.accept; -5: drills; -6: pictures re-checked on load
# -7: Card.versions and Card.record, Source.name; -8: shapes and spots; -9: follow-ups;
# -10: cues and axes; -11: DrillSpec.points (counterstrain drills); -12: cards in batches;
# -13: the content digest is BLAKE2b-256 (no OpenSSL at start), was SHA-256
# -14: a counterstrain drill's points packed (DrillSpec.__reduce__): no drill engine at start
_FORMAT = f"omtquiz-{__version__}-14"
_BATCH = 2_000  # cards per pickle: its memo, and what it copies, stay this small


class ParseCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder / "decks"

    def _entry(self, path: Path) -> Path:
        identity = f"{path.resolve()}\0{display_path(path)}"
        return self.folder / (blake2b(identity.encode(), digest_size=16).hexdigest()
                              + ".pickle")

    def load(self, path: Path) -> DeckFile:
        try:
            data = path.read_bytes() if path.stat().st_size <= MAX_BYTES else None
        except OSError:
            data = None
        if data is None:
            return _load(path)
        digest = blake2b(data, digest_size=32).digest()  # no OpenSSL at start: omtquiz.digest
        entry = self._entry(path)
        cached = self._read(entry, digest)
        if cached is not None and _pictures_still_fine(path, cached):
            return cached
        held = [data]  # these bytes, not a second read the file may have changed, handed
        del data  # over: the loader lets go of a large file's bytes before making the cards
        result = _load(path, held)
        self._write(entry, digest, result)
        return result

    @staticmethod
    def _read(entry: Path, digest: bytes) -> DeckFile | None:
        try:
            with entry.open("rb") as fh:
                header = pickle.load(fh)
                if header != (_FORMAT, digest):
                    return None
                with gc_paused():
                    return _read_entry(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError,
                ValueError, ImportError, IndexError):
            return None

    def _write(self, entry: Path, digest: bytes, result: DeckFile) -> None:
        """Write beside and rename, so a crash mid-write never leaves a torn entry."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump((_FORMAT, digest), fh, protocol=pickle.HIGHEST_PROTOCOL)
                _write_entry(fh, result)
            os.replace(tmp, entry)
        except OSError:
            pass


def _write_entry(fh, result: DeckFile) -> None:
    """The deck file without its cards and their count, then the cards in batches."""
    deck = result.deck
    cards = deck.cards if deck is not None else ()
    if deck is not None:  # a fresh index, or the deck's own would be written with every card
        result = replace(result, deck=replace(deck, cards=(), _by_id={}))
    pickle.dump((result, len(cards)), fh, protocol=pickle.HIGHEST_PROTOCOL)
    for start in range(0, len(cards), _BATCH):
        pickle.dump(cards[start:start + _BATCH], fh, protocol=pickle.HIGHEST_PROTOCOL)


def _read_entry(fh) -> DeckFile | None:
    head = pickle.load(fh)
    if not (isinstance(head, tuple) and len(head) == 2 and isinstance(head[0], DeckFile)
            and isinstance(head[1], int)):
        return None
    result, count = head
    cards: list = []
    while len(cards) < count:
        batch = pickle.load(fh)
        if not isinstance(batch, tuple):
            return None
        cards += batch
    if result.deck is None:
        return None if count else result
    return replace(result, deck=replace(result.deck, cards=tuple(cards), _by_id={}))


def _pictures_still_fine(path: Path, result: DeckFile) -> bool:
    """Whether every picture the cached deck shows is still a file the resolver accepts."""
    if not result.files:
        return True
    from omtquiz.decks import resolver

    roots = resolver.roots_of(path)
    try:
        for name in result.files:
            resolver.check_file(Path(name).resolve(), roots)
    except (resolver.Refused, OSError, ValueError, RuntimeError):
        return False
    return True


def _load(path: Path, held: list[bytes] | None = None) -> DeckFile:
    """The YAML loader, imported only when the cache cannot answer; `held`: the file's bytes,
    handed over (see `load_deck_bytes`)."""
    from omtquiz.decks.format.loader import load_deck_bytes

    return load_deck_bytes(path, held if held is not None else [])
