"""`omtquiz validate`: check deck files like a compiler would, every problem on its own line."""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import replace

from omtquiz.cli.common import add_deck_paths, profile_from
from omtquiz.decks.model import Severity

PRINTED_PER_FILE = 200  # a file with thousands of problems must not bury the others' lines


# Control characters (C0 but tab, so a newline too: one problem, one line; DEL; C1 such as the
# CSI that starts a terminal escape) and the bidirectional overrides that make text read in
# another order than it runs.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e"
                          "\u2066-\u2069]")


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters shown as \\xNN or \\uNNNN.

    A card id or text can hold ESC sequences that retitle the window, rewrite earlier lines or
    hide the rest of the report; echoed raw, `validate` would run them.
    """
    def escape(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(escape, text)


def register(sub, add_common) -> None:
    parser = sub.add_parser(
        "validate", help="check deck files and report every problem at file:line:col",
        description="Check deck files. Exit 0 when there are no errors (warnings too with "
        "--strict), 1 when there are, 2 on a usage error.",
    )
    add_common(parser)
    add_deck_paths(parser)
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--all", action="store_true", dest="show_all",
                        help=f"print every problem (text format prints {PRINTED_PER_FILE} per "
                        "file, then how many more)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from omtquiz.decks.format.library import load_library
    from omtquiz.decks.format.lint import lint_library

    paths = args.paths or profile_from(args).deck_folders
    library = load_library(paths)
    diagnostics = [*library.diagnostics, *lint_library(library)]
    if args.strict:
        diagnostics = [replace(d, severity=Severity.ERROR) for d in diagnostics]
    diagnostics.sort(key=lambda d: (d.file, d.line, d.column))
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    cards = sum(len(deck.cards) for deck in library.decks)
    if args.format == "json":
        json.dump({"files": len(library.files), "decks": len(library.decks), "cards": cards,
                   "errors": errors, "warnings": warnings,
                   "diagnostics": [d.to_dict() for d in diagnostics]}, sys.stdout, indent=2)
        print()
    else:
        _print_capped(diagnostics, None if args.show_all else PRINTED_PER_FILE)
        if not library.files:
            print("no deck files found", file=sys.stderr)
        print(f"{len(library.files)} file(s), {len(library.decks)} deck(s), {cards} card(s): "
              f"{errors} error(s), {warnings} warning(s)")
    return 1 if errors or not library.files else 0


def _print_capped(diagnostics, cap: int | None) -> None:
    """Each diagnostic on its line, at most `cap` per file, then how many more that file has."""
    shown: dict[str, int] = {}
    for diagnostic in diagnostics:
        count = shown.get(diagnostic.file, 0)
        shown[diagnostic.file] = count + 1
        if cap is None or count < cap:
            print(printable(str(diagnostic)))
    for file, count in shown.items():
        if cap is not None and count > cap:
            print(f"{printable(file)}: {count - cap} more problem(s) not shown (--all shows every "
                  "one)")
