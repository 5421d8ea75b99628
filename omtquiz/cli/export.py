"""`omtquiz export`: write decks to an Anki package that re-imports as updates, not duplicates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from omtquiz.cli.common import add_deck_paths, open_store, profile_from
from omtquiz.decks.model import Library
from omtquiz.profile import Profile
from omtquiz.progress.db import StoreError


def register(sub, add_common) -> None:
    parser = sub.add_parser(
        "export", help="write decks to an Anki package (.apkg)",
        description="Write decks to an Anki package. Importing a later export updates the "
        "notes in place. Exit 0 when written, 1 when it could not be, 2 on a usage error.",
    )
    add_common(parser)
    add_deck_paths(parser)
    parser.add_argument("-o", "--output", required=True, metavar="FILE.apkg",
                        help="the package to write")
    parser.add_argument("--deck", action="append", dest="deck_ids", metavar="ID",
                        help="export only this deck (repeatable)")
    parser.add_argument("--tag", action="append", dest="tags", metavar="TAG",
                        help="export only cards with this tag or a child of it (repeatable)")
    parser.add_argument("--with-progress", action="store_true",
                        help="carry your schedule and review history (tick 'Import any "
                        "learning progress' in Anki's import dialog)")
    parser.set_defaults(func=run)


def _fail(message: str, code: int = 1) -> int:
    print(f"omtquiz export: error: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from omtquiz.cli.validate import printable
    from omtquiz.decks.format.library import load_library
    from omtquiz.interop.anki_export import ExportError, export_apkg

    out = Path(args.output)
    if out.suffix.lower() != ".apkg":
        return _fail(f"-o {args.output}: the file name must end in .apkg", 2)
    if not out.parent.is_dir():
        return _fail(f"-o {args.output}: folder {out.parent} does not exist")
    profile = profile_from(args)
    library = load_library(args.paths) if args.paths else profile.load_library()
    if not library.decks:
        return _fail("no decks found" + (" in " + " ".join(args.paths) if args.paths else ""))
    known = {deck.id for deck in library.decks}
    unknown = [d for d in args.deck_ids or () if d not in known]
    if unknown:
        return _fail(f"--deck: no deck with id {', '.join(map(repr, unknown))} "
                     f"(known: {', '.join(sorted(known))})", 2)
    broken = [f for f in library.files if f.errors]
    if broken:
        print(f"warning: {len(broken)} deck file(s) have errors; cards with errors are left "
              "out (run 'omtquiz validate' to see them)", file=sys.stderr)

    progress = None
    if args.with_progress:
        try:
            progress = _read_progress(profile, library)
        except StoreError as exc:
            return _fail(f"cannot read progress: {exc}")
    try:
        report = export_apkg(library.decks, out, tags=args.tags, deck_ids=args.deck_ids,
                             progress=progress)
    except ExportError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write {out}: {exc.strerror or exc}")
    for warning in report.warnings:
        print(f"warning: {printable(warning)}", file=sys.stderr)
    print(report.summary())
    return 0


def _read_progress(profile: Profile, library: Library) -> dict:
    """The learner's progress on every loaded item; empty, with a warning, before any study."""
    from omtquiz.interop.anki_progress import progress_from_store

    database = profile.dirs.database
    if not database.is_file():
        print(f"warning: no progress yet in {database}; every card goes in as new",
              file=sys.stderr)
        return {}
    with open_store(profile) as store:
        return progress_from_store(store, [i for deck in library.decks for i in deck.items()])
