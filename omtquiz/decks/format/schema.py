"""Where a deck finds the deck schema: the `$schema` line editors read, and the profile's copy.

yaml-language-server (VS Code's YAML extension) reads `# yaml-language-server: $schema=...` on
a deck's first line. The line must name a file that exists from wherever the deck is: the
bundled decks name the copy shipped beside them, decks the app writes name the copy the profile
keeps in its decks folder (`install_schema`, at every start). A relative path is used where it
holds (so a folder can move), else a file:// URI, never a path with whitespace, where the
server stops reading. No YAML here: the profile calls this at start-up, before decks load.
"""

from __future__ import annotations

import os
from pathlib import Path

SCHEMA_NAME = "deck.schema.json"
SCHEMA_PATH = Path(__file__).resolve().parent / SCHEMA_NAME


def install_schema(folder: Path) -> Path:
    """Keep a copy of the shipped schema at `folder`/deck.schema.json; returns its path.

    The app does this for the user's decks folder at every start, so a deck there (or one that
    points there from anywhere else) keeps a schema that exists and matches the app, whatever
    becomes of the install it came from. The file is rewritten only when it differs, atomically.
    """
    target = folder / SCHEMA_NAME
    data = SCHEMA_PATH.read_bytes()
    try:
        if target.read_bytes() == data:
            return target
    except OSError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{SCHEMA_NAME}.part")
    part.write_bytes(data)
    part.replace(target)
    return target


def schema_reference(deck_path: Path, schema: Path | None = None) -> str:
    """How a deck at `deck_path` names `schema` (the shipped one if None) for yaml-language-server.

    A relative path where the deck lies under the schema's folder, or inside the checkout that
    ships it, so the folder can move; otherwise the schema's file:// URI. A reference never holds
    whitespace (the server stops reading there), so a path with a space becomes the URI, whose
    spaces are %20.
    """
    schema = (schema or SCHEMA_PATH).resolve()
    deck_dir = deck_path.resolve().parent
    project = SCHEMA_PATH.parents[3]
    inside_checkout = (schema == SCHEMA_PATH and (project / "pyproject.toml").is_file()
                       and deck_dir.is_relative_to(project))
    if deck_dir.is_relative_to(schema.parent) or inside_checkout:
        relative = Path(os.path.relpath(schema, deck_dir)).as_posix()
        if not any(c.isspace() for c in relative):
            return relative
    return schema.as_uri()


def schema_line(deck_path: Path, schema: Path | None = None) -> str:
    return f"# yaml-language-server: $schema={schema_reference(deck_path, schema)}"


def repoint_schema_line(deck_path: Path, schema: Path | None = None) -> bool:
    """Rewrite a copied deck's `$schema` comment (its first line) for where the deck now is.

    Only that line changes, and only when it is a yaml-language-server line; returns whether
    the file changed. A deck copied out of the bundled folder needs it: its relative line named
    a schema beside the bundled decks.
    """
    data = deck_path.read_bytes()
    first, newline, rest = data.partition(b"\n")
    if not first.lstrip().startswith(b"# yaml-language-server:"):
        return False
    line = schema_line(deck_path, schema).encode()
    if first.rstrip(b"\r") == line:
        return False
    part = deck_path.with_name(f".{deck_path.name}.part")
    part.write_bytes(line + (b"\r" if first.endswith(b"\r") else b"") + newline + rest)
    part.replace(deck_path)
    return True
