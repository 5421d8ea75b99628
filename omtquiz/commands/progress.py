"""`omtquiz stats`, `omtquiz backup` and `omtquiz restore FILE`: the progress store, headless."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from omtquiz.model import Library
from omtquiz.paths import Dirs
from omtquiz.store import Store, StoreError, open_or_recover


def register(sub, add_common: Callable[[argparse.ArgumentParser], None] | None = None) -> None:
    def common(parser: argparse.ArgumentParser) -> None:
        if add_common is not None:
            add_common(parser)
        else:
            parser.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                                help="progress and settings folder")

    stats = sub.add_parser(
        "stats", help="show progress per deck",
        description="Per deck: items in total, new, learning, due today, answered today, and "
        "retention (share of reviews not forgotten) over the last 30 days.",
    )
    common(stats)
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.set_defaults(func=_with_library(run_stats))

    backup = sub.add_parser(
        "backup", help="back up the progress database now",
        description="Copy the progress database into the backups folder (older backups "
        "beyond the newest ten are removed) and print the backup's path.",
    )
    common(backup)
    backup.set_defaults(func=_with_dirs(run_backup))

    restore = sub.add_parser(
        "restore", help="replace progress with a backup",
        description="Replace all progress with that in FILE (a backup). The current progress "
        "is backed up first, so a restore can itself be undone. Close the omtquiz window "
        "first: an open window would keep showing the progress it had.",
    )
    common(restore)
    restore.add_argument("file", metavar="FILE", help="a progress backup (.sqlite3)")
    restore.set_defaults(func=_with_dirs(run_restore))


def _with_dirs(handler: Callable[[argparse.Namespace, Dirs], int]):
    def run(args: argparse.Namespace) -> int:
        from omtquiz.cli import dirs_from

        return handler(args, dirs_from(args))

    return run


def _with_library(handler: Callable[[argparse.Namespace, Library, Dirs], int]):
    def run(args: argparse.Namespace) -> int:
        from omtquiz.cli import dirs_from, load_library

        dirs = dirs_from(args)
        return handler(args, load_library(args, dirs), dirs)

    return run


def _open(dirs: Dirs, *, backup_now: bool) -> Store:
    """The store, with any recovery message on stderr where the student will see it."""
    store, message = open_or_recover(dirs.database, dirs.backups, backup_now=backup_now)
    if message:
        print(f"omtquiz: {message}", file=sys.stderr)
    return store


def run_stats(args: argparse.Namespace, library: Library, dirs: Dirs) -> int:
    from omtquiz.progress_stats import collect, format_table

    try:
        with _open(dirs, backup_now=False) as store:
            report = collect(store, library)
    except StoreError as exc:
        print(f"omtquiz: {exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=2)
        print()
    else:
        print(format_table(report))
    return 0


def run_backup(args: argparse.Namespace, dirs: Dirs) -> int:
    try:
        with _open(dirs, backup_now=False) as store:
            path = store.backup(dirs.backups)
    except StoreError as exc:
        print(f"omtquiz: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


def run_restore(args: argparse.Namespace, dirs: Dirs) -> int:
    try:
        with _open(dirs, backup_now=False) as store:
            safety = store.restore_from(args.file)
    except StoreError as exc:
        print(f"omtquiz: {exc}", file=sys.stderr)
        return 1
    print(f"Progress restored from {args.file}.")
    if safety is not None:
        print(f"The progress it replaced was saved as {safety}.")
    return 0
