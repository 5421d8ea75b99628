"""The pictures a deck may put on an occlusion card, and how the deck names each one.

Starting a new occlusion card in the authoring window offers these: picture files in the deck's
folder and in the app's shipped assets/ (the folders the resolver lets a deck read), each with
the path the deck writes in `image:`, checked by the same resolver the loader uses.
"""

from __future__ import annotations

import os
from pathlib import Path

from omtquiz.decks import resolver
from omtquiz.decks.format.occlusion import IMAGE_SUFFIXES
from omtquiz.resources import assets_dir

MAX_PICTURES = 500
MAX_DEPTH = 3  # folders below a root that are searched
MAX_FOLDERS = 200  # and at most this many folders under each root (a deck kept in $HOME)


def image_ref(deck_path: str | os.PathLike[str], picture: str | os.PathLike[str]) -> str:
    """The `image:` text that names `picture` from the deck at `deck_path`: a path from the
    deck's folder, or `assets/...` for one of the app's shipped pictures (which keeps working
    wherever the deck is copied; see `resolver.beside_or_shipped`)."""
    folder = Path(deck_path).resolve().parent
    target = Path(picture).resolve()
    shipped = assets_dir().resolve()
    if not target.is_relative_to(folder) and target.is_relative_to(shipped):
        return "assets/" + target.relative_to(shipped).as_posix()
    return Path(os.path.relpath(target, folder)).as_posix()


def picture_choices(deck_path: str | os.PathLike[str]) -> list[tuple[str, Path]]:
    """(`image:` text, file) of each usable picture, the deck's own folder first, sorted."""
    folder = Path(deck_path).resolve().parent
    roots = resolver.roots_of(deck_path)
    seen: set[Path] = set()
    out: list[tuple[str, Path]] = []
    for root in roots:
        found = []
        for visited, (dirpath, dirnames, filenames) in enumerate(os.walk(root)):
            if visited >= MAX_FOLDERS:
                break
            depth = len(Path(dirpath).relative_to(root).parts)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                                 and depth < MAX_DEPTH)
            found += [Path(dirpath) / f for f in filenames
                      if Path(f).suffix.lower() in IMAGE_SUFFIXES and not f.startswith(".")]
        for file in sorted(found):
            ref = image_ref(deck_path, file)
            try:
                target = resolver.local_path(ref, folder, roots)
            except resolver.Refused:
                continue
            if target not in seen:
                seen.add(target)
                out.append((ref, target))
            if len(out) >= MAX_PICTURES:
                return out
    return out
