"""`omtquiz stats`, `omtquiz backup` and `omtquiz restore FILE`: the progress store, headless."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from omtquiz.decks.model import Library
from omtquiz.profile import Dirs
from omtquiz.progress.store import Store, StoreError, open_or_recover


def register(sub, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    stats = sub.add_parser(
        "stats", help="show progress per deck",
        description="Per deck: items in total, new, learning, due today, answered today, and "
        "retention (share of reviews not forgotten) over the last 30 days.",
    )
    add_common(stats)
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.set_defaults(func=_with_library(run_stats))

    backup = sub.add_parser(
        "backup", help="back up the progress database now",
        description="Copy the progress database into the backups folder (older backups "
        "beyond the newest ten are removed) and print the backup's path.",
    )
    add_common(backup)
    backup.set_defaults(func=_with_dirs(run_backup))

    restore = sub.add_parser(
        "restore", help="replace progress with a backup",
        description="Replace all progress with that in FILE (a backup). The current progress "
        "is backed up first, so a restore can itself be undone. Close the omtquiz window "
        "first: an open window would keep showing the progress it had.",
    )
    add_common(restore)
    restore.add_argument("file", metavar="FILE", help="a progress backup (.sqlite3)")
    restore.set_defaults(func=_with_dirs(run_restore))


def _with_dirs(handler: Callable[[argparse.Namespace, Dirs], int]):
    def run(args: argparse.Namespace) -> int:
        from omtquiz.cli import dirs_from

        dirs = dirs_from(args)
        return _reporting_store_errors(lambda: handler(args, dirs))

    return run


def _with_library(handler: Callable[[argparse.Namespace, Library, Dirs], int]):
    def run(args: argparse.Namespace) -> int:
        from omtquiz.cli import dirs_from, load_library

        dirs = dirs_from(args)
        library = load_library(args, dirs)
        return _reporting_store_errors(lambda: handler(args, library, dirs))

    return run


def _reporting_store_errors(run: Callable[[], int]) -> int:
    """A store that cannot be opened or used is a message and exit 1, never a traceback."""
    try:
        return run()
    except StoreError as exc:
        print(f"omtquiz: {exc}", file=sys.stderr)
        return 1


def _open(dirs: Dirs) -> Store:
    """The store, with any recovery message on stderr where the student will see it.

    No backup on opening: these short commands would otherwise push older backups out.
    """
    store, message = open_or_recover(dirs.database, dirs.backups, backup_now=False)
    if message:
        print(f"omtquiz: {message}", file=sys.stderr)
    return store


def run_stats(args: argparse.Namespace, library: Library, dirs: Dirs) -> int:
    from omtquiz.study.stats import collect, format_table

    with _open(dirs) as store:
        report = collect(store, library)
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=2)
        print()
    else:
        print(format_table(report))
    return 0


def run_backup(args: argparse.Namespace, dirs: Dirs) -> int:
    with _open(dirs) as store:
        path = store.backup(dirs.backups)
    print(path)
    return 0


def run_restore(args: argparse.Namespace, dirs: Dirs) -> int:
    with _open(dirs) as store:
        safety = store.restore_from(args.file)
    print(f"Progress restored from {args.file}.")
    if safety is not None:
        print(f"The progress it replaced was saved as {safety}.")
    return 0
