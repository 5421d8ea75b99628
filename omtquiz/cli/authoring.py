"""`omtquiz new-deck` and `omtquiz import`: starting a deck, and bringing one from Anki or Quizlet.

Only argument handling lives here; the deck text comes from `decks.format.writer` and
conversion from `interop.importers`. Both commands check what they wrote with the loader and the
lints, so an author sees at once whether the file is ready.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub, add_common) -> None:
    new = sub.add_parser(
        "new-deck", help="write a commented starter deck with one card of each type",
        description="Write a starter deck file: the schema line for editor completion, comments "
        "on every field, and one card of each type. It validates clean with --strict. An "
        "existing file is never overwritten.",
    )
    add_common(new)
    new.add_argument("path", metavar="PATH", help="the deck file to create (.yaml)")
    new.add_argument("--title", required=True, help="the deck's title as students see it")
    new.add_argument("--deck", metavar="ID", help="the deck id (default: made from the title)")
    new.set_defaults(func=run_new_deck)

    imp = sub.add_parser(
        "import", help="convert an Anki .apkg or a Quizlet/CSV/TSV export into a deck file",
        description="Convert an Anki package (.apkg: Basic, Basic-and-reversed and Cloze notes, "
        "with tags and images) or a table of terms and definitions (Quizlet's TSV export, or a "
        "CSV with or without a header row) into an omtquiz deck. Images are copied into a "
        "folder beside the deck. Everything that could not be converted is listed.",
    )
    add_common(imp)
    imp.add_argument("file", metavar="FILE", help="the .apkg, .csv, .tsv or .txt to import")
    imp.add_argument("-o", "--output", metavar="DECK.yaml", required=True,
                     help="the deck file to write")
    imp.add_argument("--deck", metavar="ID", help="the deck id (default: made from the title)")
    imp.add_argument("--title", metavar="T",
                     help="the deck's title (default: the Anki deck's name, or the file's name)")
    imp.add_argument("--force", action="store_true", help="replace DECK.yaml if it exists")
    imp.set_defaults(func=run_import)


def _check(path: Path) -> tuple[int, int, list[str]]:
    """Errors, warnings and their lines for a file just written, as `validate --strict` sees it."""
    from omtquiz.decks.format.lint import lint_library
    from omtquiz.decks.format.loader import load_deck_file
    from omtquiz.decks.model import Library

    result = load_deck_file(path)
    found = [*result.diagnostics, *lint_library(Library((result,)))]
    errors = sum(d.is_error for d in found)
    return errors, len(found) - errors, [str(d) for d in found]


def run_new_deck(args: argparse.Namespace) -> int:
    from omtquiz.cli.common import profile_from
    from omtquiz.decks.format.writer import NewDeckError, write_new_deck

    try:
        path, deck_id = write_new_deck(Path(args.path), title=args.title, deck_id=args.deck,
                                       schema=profile_from(args).dirs.schema)
    except NewDeckError as exc:
        print(f"{'--title/--deck: ' if exc.usage else ''}{exc}", file=sys.stderr)
        return 2 if exc.usage else 1
    errors, warnings, lines = _check(path)
    for line in lines:
        print(line)
    print(f"wrote {path} (deck '{deck_id}', 4 example cards); check it with "
          f"`omtquiz validate {path} --strict`")
    return 1 if errors else 0


def run_import(args: argparse.Namespace) -> int:
    from omtquiz.cli.common import profile_from
    from omtquiz.interop.importers import ImportFailed, read_any, write_import

    source, output = Path(args.file), Path(args.output)
    if not source.is_file():
        print(f"{source}: no such file", file=sys.stderr)
        return 1
    if output.suffix.lower() not in (".yaml", ".yml"):
        print(f"-o {output}: a deck file ends in .yaml", file=sys.stderr)
        return 2
    try:
        imported = read_any(source)
        result = write_import(imported, output, deck_id=args.deck, title=args.title,
                              overwrite=args.force, schema=profile_from(args).dirs.schema)
    except ImportFailed as exc:
        print(f"{source}: cannot import: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{output}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 1
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(result.by_type.items()))
    print(f"wrote {result.output}: {result.cards} card(s) ({kinds})"
          + (f", images in {result.media_folder}/" if result.media_folder else ""))
    if result.problems:
        print("not converted:")
        for line in result.problems:
            print(f"  - {line}")
    errors, warnings, lines = _check(output)
    for line in lines:
        print(line)
    print(f"validate: {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0
