"""`omtquiz` command line: no subcommand starts the desktop app, subcommands run headless.

The desktop app (and so Qt) is imported only when it starts, so `omtquiz validate` and the
other headless commands never load it; each command module imports its heavier libraries
(YAML, genanki, the Anki reader) in its handler for the same reason. The other way round, the
app's start imports no command module: `parse_args` reads a line that names no command with the
app's options alone, and builds the whole parser (every command module imported by name) only
for a line it cannot read that way.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from omtquiz import __version__
from omtquiz.cli.common import add_common, profile_from

# Each module offers register(subparsers); a subcommand's handler is set as its `func` default.
COMMAND_MODULE_NAMES = tuple(f"omtquiz.cli.{name}" for name in (
    "validate", "progress", "export", "authoring", "drill", "reviews", "optimize", "exams"))


def command_modules() -> tuple[ModuleType, ...]:
    """Every command module, imported by name: a missing or broken one fails loudly."""
    return tuple(importlib.import_module(name) for name in COMMAND_MODULE_NAMES)


# What a start with no arguments parses to (a test holds it to `build_parser`'s answer).
NO_ARGUMENTS = {"screenshot": None, "screen": "decks", "study": None, "open_file": None,
                "command": None}


class _NotTheApp(Exception):
    """The line is not one the app's options alone can read."""


class _AppParser(argparse.ArgumentParser):
    def error(self, message: str):
        raise _NotTheApp(message)


def _app_options(parser: argparse.ArgumentParser) -> None:
    """The options of the app's start, shared by the whole parser and `_AppParser`."""
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omtquiz", description="Offline OMT study: spaced repetition, quizzes, Anki export."
    )
    parser.add_argument("--version", action="version", version=f"omtquiz {__version__}")
    _app_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules():
        module.register(sub, add_common)
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The arguments; a line that names no command (the app's start) is read without
    importing the command modules, any other line (a command, --help, a mistake) by
    `build_parser`, so its errors and help are the whole command's."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:  # the desktop entry's start: argparse's set-up (gettext, locale) not needed
        return argparse.Namespace(**NO_ARGUMENTS)
    app = _AppParser(prog="omtquiz", add_help=False)
    _app_options(app)
    try:
        args, rest = app.parse_known_args(argv)
    except _NotTheApp:
        rest = argv
    if rest:
        return build_parser().parse_args(argv)
    args.command = None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
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
