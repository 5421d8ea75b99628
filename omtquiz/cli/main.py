"""`omtquiz` command line: no subcommand starts the desktop app, subcommands run headless.

The desktop app (and so Qt) is imported only when it starts, so `omtquiz validate` and the
other headless commands never load it; each command module imports its heavier libraries
(YAML, genanki, the Anki reader) in its handler for the same reason.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from omtquiz import __version__
from omtquiz.cli import authoring, drill, exams, export, optimize, progress, reviews, validate
from omtquiz.cli.common import add_common, profile_from

# Each module offers register(subparsers); a subcommand's handler is set as its `func` default.
COMMAND_MODULES = (validate, progress, export, authoring, drill, reviews, optimize, exams)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omtquiz", description="Offline OMT study: spaced repetition, quizzes, Anki export."
    )
    parser.add_argument("--version", action="version", version=f"omtquiz {__version__}")
    add_common(parser)
    parser.add_argument(
        "--screenshot", metavar="FILE.png",
        help="render a screen offscreen to FILE.png and exit",
    )
    parser.add_argument(
        "--screen", default="decks", choices=["decks", "review", "quiz", "exam-report", "stats"],
        help="which screen --screenshot renders (default: decks)",
    )
    parser.add_argument("--study", metavar="DECK", help="start straight into reviewing DECK")
    parser.add_argument(
        "--open", metavar="FILE", dest="open_file",
        help="offer to add FILE (a .yaml deck, an Anki .apkg, a CSV/TSV table) to your decks; "
        "sent to the running app if there is one (the desktop entry's 'Open with omtquiz')",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub, add_common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _start_app(args)
        return int(args.func(args) or 0)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _start_app(args: argparse.Namespace) -> int:
    """The desktop app, or one screen of it rendered to a file; Qt is imported only here."""
    if args.screenshot:
        from omtquiz.ui.screenshot import screenshot

        return screenshot(args.screenshot, args.screen, getattr(args, "decks", []))
    from omtquiz.ui.app import run

    return run(profile_from(args), study=args.study, open_file=args.open_file)
