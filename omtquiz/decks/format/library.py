"""Loading every deck under some folders: the parse cache first, the YAML loader on a miss."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from omtquiz.decks.format.files import display_path, find_deck_files
from omtquiz.decks.model import DeckFile, Diagnostic, Library, Severity


def load_library(paths: Iterable[str | os.PathLike[str]], *,
                 cache_dir: str | os.PathLike[str] | None = None) -> Library:
    """Every deck under `paths`; a deck id used twice keeps the first and flags the second."""
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
        if deck is not None and deck.id in owners:
            first = owners[deck.id]
            clash = Diagnostic(display_path(path), deck.line, 1, Severity.ERROR,
                               f"deck: id '{deck.id}' is already used by "
                               f"{display_path(Path(first.path))}")
            result = DeckFile(result.path, None, (*result.diagnostics, clash))
        elif deck is not None:
            owners[deck.id] = result
        files.append(result)
    return Library(tuple(files))
