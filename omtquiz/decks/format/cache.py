"""A parse cache: a deck file read before, with the same bytes, loads from a pickle.

The key is the file's identity (its resolved path, as shown in diagnostics) and the entry holds
the SHA-256 hash of the bytes it was made from, so an edit, a `touch` or a copy over the file can
never serve a stale deck. A new omtquiz version ignores old entries.

The pictures a deck shows are not in its bytes, so a hit re-checks each of them (a `git pull`
may have swapped one for a symlink to `/etc/passwd`); if any is refused now, the file is read
afresh and the loader reports it as it would on a first load.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from omtquiz import __version__
from omtquiz.decks.format.files import MAX_BYTES, display_path
from omtquiz.decks.model import DeckFile
from omtquiz.gcpause import gc_paused

# -3: ~ and null read as empty; -4: Card.accept; -5: drills; -6: pictures re-checked on load
# -7: Card.versions and Card.record, Source.name; -8: shapes and spots; -9: follow-ups;
# -10: cues and axes; -11: DrillSpec.points (counterstrain drills)
_FORMAT = f"omtquiz-{__version__}-11"


class ParseCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder / "decks"

    def _entry(self, path: Path) -> Path:
        identity = f"{path.resolve()}\0{display_path(path)}"
        return self.folder / (hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()
                              + ".pickle")

    def load(self, path: Path) -> DeckFile:
        try:
            data = path.read_bytes() if path.stat().st_size <= MAX_BYTES else None
        except OSError:
            data = None
        if data is None:
            return _load(path)
        digest = hashlib.sha256(data).digest()  # SHA-NI makes it the fastest here
        entry = self._entry(path)
        cached = self._read(entry, digest)
        if cached is not None and _pictures_still_fine(path, cached):
            return cached
        result = _load(path, data)  # these bytes, not a second read the file may have changed
        del data  # not held beside the deck and the pickler's memo while the entry is written
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
                    result = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError,
                ValueError, ImportError, IndexError):
            return None
        return result if isinstance(result, DeckFile) else None

    def _write(self, entry: Path, digest: bytes, result: DeckFile) -> None:
        """Write beside and rename, so a crash mid-write never leaves a torn entry."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump((_FORMAT, digest), fh, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except OSError:
            pass


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


def _load(path: Path, data: bytes | None = None) -> DeckFile:
    """The YAML loader, imported only when the cache cannot answer."""
    from omtquiz.decks.format.loader import load_deck_file

    return load_deck_file(path, data=data)
