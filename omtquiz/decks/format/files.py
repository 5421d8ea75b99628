"""Finding deck files and naming them; no YAML here, so a cached start never imports it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

MAX_BYTES = 64 * 1024 * 1024
DECK_SUFFIXES = (".yaml", ".yml")


def display_path(path: Path) -> str:
    """The path as a compiler would print it: relative to the working folder when inside it."""
    text = str(path)
    if path.is_absolute():
        try:
            rel = os.path.relpath(path)
        except ValueError:
            return text
        if not rel.startswith(".."):
            return rel
    return text


def find_deck_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Deck files under each path (a file, or a folder searched recursively), each once."""
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = sorted(
                p for p in path.rglob("*")
                if p.suffix.lower() in DECK_SUFFIXES and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            candidates = [path]
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found
