"""`omtquiz import-reviews FILE`: answers given in Anki (phone or desktop) merged into progress."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from omtquiz.cli.common import open_store, profile_from, reporting_store_errors


def register(sub, add_common) -> None:
    parser = sub.add_parser(
        "import-reviews", help="bring reviews made in Anki home (.apkg or .colpkg)",
        description="Read the review log of an Anki package exported with scheduling (an "
        ".apkg with 'Include scheduling information', or a .colpkg) and add the answers "
        "given to cards omtquiz exported. Importing the same file again adds nothing; "
        "reviews of other notes are counted, not imported. Exit 0 when merged, 1 when the "
        "file cannot be read.",
    )
    add_common(parser)
    parser.add_argument("file", metavar="FILE", help="an Anki package: .apkg or .colpkg")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from omtquiz.interop.anki_reviews import import_reviews
    from omtquiz.interop.imported import ImportFailed

    path = Path(args.file)
    if not path.is_file():
        print(f"omtquiz import-reviews: error: {path} is not a file", file=sys.stderr)
        return 1
    profile = profile_from(args)
    library = profile.load_library()

    def merge() -> int:
        with open_store(profile) as store:
            report = import_reviews(path, library.decks, store)
        if args.json:
            print(json.dumps(report.to_dict(), indent=2))
        else:
            print(report.summary())
        return 0

    try:
        return reporting_store_errors(merge)
    except ImportFailed as exc:
        print(f"omtquiz import-reviews: error: {exc}", file=sys.stderr)
        return 1
