"""Loading every deck under some folders: the parse cache first, the YAML loader on a miss."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from omtquiz.decks.format.files import display_path, find_deck_files
from omtquiz.decks.model import DeckFile, Diagnostic, Library, Severity


def load_library(paths: Iterable[str | os.PathLike[str]], *,
                 cache_dir: str | os.PathLike[str] | None = None,
                 yielding: Iterable[str | os.PathLike[str]] = ()) -> Library:
    """Every deck under `paths`; a deck id used twice keeps the first and flags the second.

    A deck under a `yielding` folder (the bundled decks) gives way, without a word, to a later
    deck with its id: a student's own copy of a bundled deck, edited in the app, replaces it
    and keeps its progress.
    """
    yielding_roots = [Path(p).resolve() for p in yielding]
    if cache_dir is not None:
        from omtquiz.decks.format.cache import ParseCache

        load = ParseCache(Path(cache_dir)).load
    else:
        from omtquiz.decks.format.loader import load_deck_file as load
    files: list[DeckFile] = []
    owners: dict[str, DeckFile] = {}
    for path in find_deck_files(paths):
        if not path.exists():
            files.append(DeckFile(str(path), None, (Diagnostic(
                display_path(path), 1, 1, Severity.ERROR, "no such file or folder"),)))
            continue
        result = load(path)
        deck = result.deck
        if deck is not None and deck.id in owners and _yields(owners[deck.id], yielding_roots):
            files[files.index(owners[deck.id])] = DeckFile(owners[deck.id].path, None, ())
            owners[deck.id] = result
        elif deck is not None and deck.id in owners:
            first = owners[deck.id]
            clash = Diagnostic(display_path(path), deck.line, 1, Severity.ERROR,
                               f"deck: id '{deck.id}' is already used by "
                               f"{display_path(Path(first.path))}")
            result = DeckFile(result.path, None, (*result.diagnostics, clash))
        elif deck is not None:
            owners[deck.id] = result
        files.append(result)
    return Library(tuple(f for f in files if f.deck is not None or f.diagnostics))


def _yields(file: DeckFile, roots: list[Path]) -> bool:
    path = Path(file.path).resolve()
    return any(path.is_relative_to(root) for root in roots)
