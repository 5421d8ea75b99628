"""Adding a file a student opened to their own decks: a deck file, an Anki package or a table.

A file manager's "Open with omtquiz", `omtquiz --open FILE` and File > Add to my decks all come
here. `inspect` reads the file and says what adding it would do (nothing is written); `accept`
then writes it into the user's decks folder, in a folder of its own so that its pictures come
along, and never over an existing file. A deck file is copied as it is (its ids kept, so progress
follows); an `.apkg` or a CSV/TSV export goes through the same importer as `omtquiz import`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from omtquiz.decks.format.lint import lint_library
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.format.schema import repoint_schema_line
from omtquiz.decks.model import Library
from omtquiz.interop.importers import ImportFailed, read_any, slugify, write_import

DECK_SUFFIXES = (".yaml", ".yml")
IMPORT_SUFFIXES = (".apkg", ".csv", ".tsv", ".txt")
SHOWN_PROBLEMS = 8


@dataclass(frozen=True)
class Offer:
    """What adding `source` would do: a title, a card count, and every reason it cannot."""

    source: Path
    kind: str  # "deck" (copied as it is) or "import" (converted)
    title: str
    cards: int
    target: Path | None  # where it would be written; None when it cannot be added
    refusal: str = ""  # why it cannot be added, in a sentence
    problems: tuple[str, ...] = ()  # the file's own diagnostics, first few
    more_problems: int = 0

    @property
    def can_add(self) -> bool:
        return self.target is not None and not self.refusal

    def headline(self) -> str:
        if self.can_add:
            return f"Add “{self.title}” to your decks?"
        return f"“{self.source.name}” cannot be added"

    def details(self) -> str:
        lines = []
        if self.cards:
            what = ("A deck file" if self.kind == "deck" else
                    "To be converted from " + ("an Anki package" if self.source.suffix.lower()
                                               == ".apkg" else "a table of terms"))
            lines.append(f"{what}: “{self.title}”, {self.cards} card(s), from {self.source}.")
        if self.refusal:
            lines.append(self.refusal)
        elif self.target is not None:
            lines.append(f"It will be saved as {self.target}.")
        lines += self.problems
        if self.more_problems:
            lines.append(f"… and {self.more_problems} more problem(s)")
        return "\n".join(lines)

    def summary(self) -> str:
        return f"{self.headline()}\n{self.details()}"


def _free_folder(user_decks: Path, stem: str) -> Path:
    """A folder under the user's decks named after the deck, never one already there."""
    base = slugify(stem) or "deck"
    candidate, n = user_decks / base, 2
    while candidate.exists():
        candidate, n = user_decks / f"{base}-{n}", n + 1
    return candidate


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (OSError, ValueError):
        return False
    return True


def inspect(source: str | Path, user_decks: Path, library: Library | None = None) -> Offer:
    """Read `source` and say what adding it would do; writes nothing."""
    source = Path(source)
    suffix = source.suffix.lower()
    if not source.is_file():
        return Offer(source, "deck", source.name, 0, None, "There is no such file.")
    if suffix in DECK_SUFFIXES:
        return _inspect_deck(source, user_decks, library)
    if suffix in IMPORT_SUFFIXES:
        return _inspect_import(source, user_decks)
    return Offer(source, "deck", source.name, 0, None,
                 "omtquiz adds deck files (.yaml, .yml), Anki packages (.apkg) and tables of "
                 "terms (.csv, .tsv, .txt); this is none of them.")


def _inspect_deck(source: Path, user_decks: Path, library: Library | None) -> Offer:
    result = load_deck_file(source)
    found = [*result.diagnostics, *lint_library(Library((result,)))] if result.deck else list(
        result.diagnostics)
    shown = tuple(str(d) for d in found[:SHOWN_PROBLEMS])
    more = max(0, len(found) - SHOWN_PROBLEMS)
    deck = result.deck
    if deck is None:
        return Offer(source, "deck", source.name, 0, None,
                     "It is not a deck omtquiz can read:", shown, more)
    common = dict(source=source, kind="deck", title=deck.title, cards=len(deck.cards),
                  problems=shown, more_problems=more)
    if _is_inside(source, user_decks):
        return Offer(**common, target=None, refusal="It is already in your decks.")
    owner = library.deck(deck.id) if library is not None else None
    if owner is not None:
        return Offer(**common, target=None,
                     refusal=f"A deck with the id '{deck.id}' is already loaded "
                     f"(“{owner.title}”, {owner.path}); remove or rename one of them first.")
    folder = _free_folder(user_decks, deck.id)
    return Offer(**common, target=folder / source.name)


def _inspect_import(source: Path, user_decks: Path) -> Offer:
    try:
        imported = read_any(source)
    except ImportFailed as exc:
        return Offer(source, "import", source.name, 0, None, f"It cannot be imported: {exc}")
    problems = tuple(imported.problem_lines())
    title = imported.title or source.stem
    if not imported.cards:
        return Offer(source, "import", title, 0, None, "Nothing in it could be converted.",
                     problems[:SHOWN_PROBLEMS], max(0, len(problems) - SHOWN_PROBLEMS))
    folder = _free_folder(user_decks, title)
    return Offer(source, "import", title, len(imported.cards), folder / f"{folder.name}.yaml",
                 problems=problems[:SHOWN_PROBLEMS],
                 more_problems=max(0, len(problems) - SHOWN_PROBLEMS))


def accept(offer: Offer, schema: Path | None = None) -> Path:
    """Write what `offer` describes; returns the deck file written. Never overwrites.

    The deck's `$schema` line names `schema` (the profile's copy; the shipped file if None).
    """
    if not offer.can_add:
        raise ValueError(offer.refusal or "this file cannot be added")
    target = offer.target
    if target.parent.exists():  # the folder was free when inspected; keep it that way
        target = _free_folder(target.parent.parent, target.parent.name) / target.name
    if offer.kind == "import":
        try:
            write_import(read_any(offer.source), target, title=offer.title, schema=schema)
        except ImportFailed:
            shutil.rmtree(target.parent, ignore_errors=True)
            raise
        return target
    deck = load_deck_file(offer.source).deck
    target.parent.mkdir(parents=True)
    try:
        shutil.copyfile(offer.source, target)
        repoint_schema_line(target, schema)
        home = offer.source.parent
        for card in deck.cards if deck else ():
            image = Path(card.image) if card.image else None
            if image is not None and _is_inside(image, home) and image.is_file():
                copy = target.parent / image.resolve().relative_to(home.resolve())
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(image, copy)
    except OSError:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise
    return target
