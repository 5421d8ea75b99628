"""`omtquiz import`: any supported file into an omtquiz deck file, with its pictures beside it.

`read_any` picks the reader by the file's suffix (`anki_import` for .apkg, `table_import` for
.csv/.tsv/.txt); `write_import` writes what was read as a deck file (through the deck format's
writer) and says what could not be converted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from omtquiz.decks.format.ids import SLUG_RE
from omtquiz.interop import import_limits as limits
from omtquiz.interop.anki_import import read_apkg
from omtquiz.interop.imported import SOURCE_ID, Imported, ImportFailed, slugify
from omtquiz.interop.table_import import read_table


def read_any(path: Path) -> Imported:
    suffix = path.suffix.lower()
    if suffix in (".apkg", ".colpkg", ".zip"):
        if suffix == ".colpkg":
            raise ImportFailed("a .colpkg is a whole Anki profile; export the deck as an "
                               "'Anki Deck Package' (.apkg) instead")
        return read_apkg(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return read_table(path)
    raise ImportFailed(f"cannot import '{suffix or path.name}' files: give an Anki .apkg, "
                       "or a .csv, .tsv or .txt of term and definition rows")


@dataclass
class ImportResult:
    output: Path
    cards: int
    by_type: dict[str, int]
    media_folder: Path | None
    problems: list[str]


def write_import(imported: Imported, output: Path, *, deck_id: str | None = None,
                 title: str | None = None, overwrite: bool = False,
                 schema: Path | None = None) -> ImportResult:
    """Write the deck (and its pictures, in a folder beside it) as omtquiz deck files.

    Its `$schema` line names `schema` (the profile's copy; the shipped file if None).
    """
    from omtquiz.decks.format.writer import deck_yaml, schema_line

    if not imported.cards:
        raise ImportFailed("nothing could be converted:\n  " + "\n  ".join(
            imported.problem_lines() or ["the file holds no notes or rows"]))
    if output.exists() and not overwrite:
        raise ImportFailed(f"{output} exists; choose another name, or pass --force to replace it")
    title = title or imported.title or output.stem
    deck_id = deck_id or slugify(title)
    if not SLUG_RE.match(deck_id):
        raise ImportFailed(f"deck id '{deck_id}' is not a slug (lowercase letters, digits and "
                           "single hyphens, e.g. omt-techniques)")
    output.parent.mkdir(parents=True, exist_ok=True)
    media_folder = None
    safe = limits.safe_names(list(imported.media))  # D:x.png, CON.png, NUL bytes, a/A.png...
    if imported.media:
        media_folder = output.parent / f"{output.stem}-media"
        media_folder.mkdir(exist_ok=True)
        for name, data in imported.media.items():
            limits.write_new_file(limits.file_inside(media_folder, safe[name]), data)
    cards = []
    for card in imported.cards:
        card = {**card, "source": SOURCE_ID}
        if "image" in card:
            card["image"] = f"{media_folder.name}/{safe[card['image']]}"
        cards.append(card)
    deck: dict = {"deck": deck_id, "title": title}
    if imported.parent:
        deck["parent"] = imported.parent
    deck["description"] = f"Imported from {imported.origin}."
    deck["sources"] = [{"id": SOURCE_ID, "citation": f"{imported.origin}: replace this with the "
                        "references its cards rest on"}]
    deck["cards"] = cards
    text = deck_yaml(deck, comments=[
        schema_line(output, schema)[2:],
        f"Imported from {imported.origin} by `omtquiz import`. Edit the text freely, but keep",
        "each card's id: students' progress hangs on it. Check with: omtquiz validate --strict",
    ])
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)
    by_type: dict[str, int] = defaultdict(int)
    for card in cards:
        by_type[card.get("type", "basic")] += 1
    return ImportResult(output, len(cards), dict(by_type), media_folder, imported.problem_lines())
