"""`omtquiz` command line: no subcommand starts the desktop app, subcommands run headless."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from omtquiz import __version__
from omtquiz.profile import Dirs, bundled_decks_dir, resolve_dirs

# Each module offers register(subparsers); a subcommand's handler is set as its `func` default.
COMMAND_MODULES = ("validate", "progress", "export", "authoring", "drill")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS,
        help="progress and settings folder (default: the platform's user data folder, "
        "or $OMTQUIZ_DATA_DIR)",
    )
    parser.add_argument(
        "--decks", metavar="DIR", action="append", default=argparse.SUPPRESS,
        help="also load the decks in DIR (repeatable)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omtquiz", description="Offline OMT study: spaced repetition, quizzes, Anki export."
    )
    parser.add_argument("--version", action="version", version=f"omtquiz {__version__}")
    _common(parser)
    parser.add_argument(
        "--screenshot", metavar="FILE.png",
        help="render a screen offscreen to FILE.png and exit",
    )
    parser.add_argument(
        "--screen", default="decks", choices=["decks", "review", "quiz", "exam-report", "stats"],
        help="which screen --screenshot renders (default: decks)",
    )
    parser.add_argument("--study", metavar="DECK", help="start straight into reviewing DECK")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"omtquiz.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"omtquiz.cli.{name}":
                raise
            continue
        module.register(sub, _common)
    return parser


def dirs_from(args: argparse.Namespace) -> Dirs:
    return resolve_dirs(getattr(args, "data_dir", None)).ensure()


def deck_folders(args: argparse.Namespace, dirs: Dirs) -> list[Path]:
    """Bundled decks, then the user's deck folder, then every --decks DIR, in that order."""
    return [bundled_decks_dir(), dirs.user_decks, *(Path(d) for d in getattr(args, "decks", []))]


def load_library(args: argparse.Namespace, dirs: Dirs):
    from omtquiz.decks.format.library import load_library as _load

    return _load(deck_folders(args, dirs), cache_dir=dirs.cache)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from omtquiz.ui.app import run

            return run(args)
        return int(args.func(args) or 0)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
