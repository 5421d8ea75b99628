"""What every subcommand shares: the --data-dir and --decks options, and the profile they name."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from omtquiz.profile import Profile
from omtquiz.progress.db import StoreError
from omtquiz.progress.store import Store


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS,
        help="progress and settings folder (default: the platform's user data folder, "
        "or $OMTQUIZ_DATA_DIR)",
    )
    parser.add_argument(
        "--decks", metavar="DIR", action="append", default=argparse.SUPPRESS,
        help="also load the decks in DIR (repeatable)",
    )


def add_deck_paths(parser: argparse.ArgumentParser) -> None:
    """PATH ...: the deck files or folders a command reads instead of every deck folder."""
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="deck files or folders (default: every deck folder)")


def profile_from(args: argparse.Namespace) -> Profile:
    """The profile the arguments name (--data-dir, --decks), its folders created."""
    return Profile.open(getattr(args, "data_dir", None), getattr(args, "decks", []))


def reporting_store_errors(run: Callable[[], int]) -> int:
    """A store that cannot be opened or used is a message and exit 1, never a traceback."""
    try:
        return run()
    except StoreError as exc:
        print(f"omtquiz: {exc}", file=sys.stderr)
        return 1


def open_store(profile: Profile) -> Store:
    """The store, with any recovery message on stderr where the student will see it.

    No backup on opening: these short commands would otherwise push older backups out.
    """
    store, message = profile.open_store(backup_now=False)
    if message:
        print(f"omtquiz: {message}", file=sys.stderr)
    return store
