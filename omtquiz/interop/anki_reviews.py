"""Reviews brought home from Anki: the review log of an .apkg or .colpkg, merged into progress.

A learner who takes our export to AnkiDroid or AnkiMobile studies there during the week; the
package Anki exports (with scheduling) carries its review log (`revlog`). Each Anki card is
found again by its note's GUID (`anki_export.note_guid`: deck id + card id) and its ord, which
is our item's ord (a reverse card's sides 0 and 1, cloze N as ord N-1, mcq and basic 0). Every
answer gets the key `anki:<revlog id>`, so importing the same file twice adds nothing; the
store rebuilds each touched item's schedule from the merged history (`Store.merge_reviews`).
Reviews of notes we did not export are counted and reported, never imported.

Both package formats are read: `collection.anki21b` (Anki 2.1.50 and later; SQLite compressed
with zstd, read with the small `zstandard` wheel, which this module alone imports) and the older
`collection.anki21` / `collection.anki2`. The package is hostile input: the collection is
copied out in chunks and refused past a size limit, compressed or not.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from omtquiz.decks.model import Deck, Item
from omtquiz.interop.anki_export import note_guid
from omtquiz.interop.imported import ImportFailed
from omtquiz.progress.types import ImportedReview
from omtquiz.scheduling import Rating

MAX_COLLECTION_BYTES = 2 * 1024**3

# Newest first: a modern export also holds a stub collection.anki2 that only says "update Anki".
COLLECTION_NAMES = ("collection.anki21b", "collection.anki21", "collection.anki2")

# revlog.type: 0 learn, 1 review, 2 relearn, 3 filtered deck; 4 manual and 5 rescheduled
# record a due date set by hand, not an answer (their ease is 0).
_ANSWER_TYPES = (0, 1, 2, 3)


@dataclass
class ReviewsReport:
    """What a package held and what became of it."""

    path: Path
    format: str = ""
    reviews: list[ImportedReview] = field(default_factory=list)
    added: int = 0
    already_here: int = 0
    items: int = 0
    foreign_reviews: int = 0  # reviews of notes we did not export
    foreign_notes: int = 0
    unmatched_reviews: int = 0  # our notes, but a card no longer in the deck (a removed cloze)
    not_answers: int = 0  # due dates set by hand, resets

    def summary(self) -> str:
        line = (f"{self.path.name}: {len(self.reviews)} review(s) of omtquiz cards read, "
                f"{self.added} added, {self.already_here} already here; "
                f"{self.items} item(s) rescheduled")
        if self.foreign_reviews:
            line += (f"; {self.foreign_reviews} review(s) of {self.foreign_notes} note(s) not "
                     "exported by omtquiz left out")
        if self.unmatched_reviews:
            line += (f"; {self.unmatched_reviews} review(s) of cards no longer in the decks "
                     "left out")
        return line

    def to_dict(self) -> dict[str, object]:
        return {"file": str(self.path), "format": self.format, "read": len(self.reviews),
                "added": self.added, "already_here": self.already_here, "items": self.items,
                "foreign_reviews": self.foreign_reviews, "foreign_notes": self.foreign_notes,
                "unmatched_reviews": self.unmatched_reviews, "not_answers": self.not_answers}


def import_reviews(path: str | Path, decks: Iterable[Deck], store) -> ReviewsReport:
    """Read the package's review log and merge what belongs to `decks` into `store`."""
    report = read_reviews(path, decks)
    result = store.merge_reviews(report.reviews)
    report.added, report.already_here, report.items = (
        result.added, result.already_here, len(result.items))
    return report


def read_reviews(path: str | Path, decks: Iterable[Deck]) -> ReviewsReport:
    """The answers in an Anki package that belong to our items, and a count of the rest."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFailed(f"cannot open {path.name} as an Anki package: {exc}") from None
    report = ReviewsReport(path)
    try:
        with archive, tempfile.TemporaryDirectory(prefix="omtquiz-reviews-") as tmp:
            database = Path(tmp) / "collection.sqlite"
            report.format = _extract_collection(archive, database)
            _read_revlog(database, _our_notes(decks), report)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ImportFailed(f"{path.name} is damaged: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise ImportFailed(f"the collection inside {path.name} cannot be read: {exc}") from None
    return report


def _our_notes(decks: Iterable[Deck]) -> dict[str, tuple[str, str, frozenset[int]]]:
    """GUID -> (deck id, card id, the card's ords), as the export named them."""
    notes = {}
    for deck in decks:
        for card in deck.cards:
            notes.setdefault(note_guid(deck.id, card.id),
                             (deck.id, card.id, frozenset(card.ords())))
    return notes


def _extract_collection(archive: zipfile.ZipFile, target: Path) -> str:
    names = set(archive.namelist())
    name = next((n for n in COLLECTION_NAMES if n in names), None)
    if name is None:
        raise ImportFailed("not an Anki package: no collection.anki21b, collection.anki21 or "
                           "collection.anki2 inside")
    with archive.open(name) as member, target.open("wb") as out:
        source: BinaryIO = member
        if name.endswith("b"):
            import zstandard

            try:
                source = zstandard.ZstdDecompressor().stream_reader(member)
                _copy(source, out, name)
            except zstandard.ZstdError as exc:
                raise ImportFailed(f"'{name}' in the package is damaged: {exc}") from None
        else:
            _copy(source, out, name)
    return name.removeprefix("collection.")


def _copy(source: BinaryIO, out: BinaryIO, name: str) -> None:
    copied = 0
    while chunk := source.read(1024 * 1024):
        copied += len(chunk)
        if copied > MAX_COLLECTION_BYTES:
            raise ImportFailed(f"'{name}' in the package is larger than "
                               f"{MAX_COLLECTION_BYTES // 2**20} MiB; refused")
        out.write(chunk)


def _read_revlog(database: Path, ours: dict[str, tuple[str, str, frozenset[int]]],
                 report: ReviewsReport) -> None:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT r.id, r.ease, r.time, r.type, c.ord, n.guid FROM revlog r "
            "JOIN cards c ON c.id = r.cid JOIN notes n ON n.id = c.nid ORDER BY r.id")
        foreign: Counter[str] = Counter()
        for revlog_id, ease, duration, kind, ord_, guid in rows:
            if kind not in _ANSWER_TYPES or ease not in (1, 2, 3, 4):
                report.not_answers += 1
                continue
            note = ours.get(guid)
            if note is None:
                foreign[guid] += 1
                continue
            deck_id, card_id, ords = note
            if ord_ not in ords:
                report.unmatched_reviews += 1
                continue
            report.reviews.append(ImportedReview(
                Item(deck_id, card_id, ord_), f"anki:{revlog_id}",
                datetime.fromtimestamp(revlog_id / 1000, timezone.utc), Rating(ease),
                max(0, int(duration or 0))))
        report.foreign_reviews = sum(foreign.values())
        report.foreign_notes = len(foreign)
    finally:
        connection.close()
