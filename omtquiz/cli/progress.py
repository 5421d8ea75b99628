"""`omtquiz stats`, `omtquiz backup` and `omtquiz restore FILE`: the progress store, headless."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from omtquiz.cli.common import open_store, profile_from, reporting_store_errors
from omtquiz.numbers import percent_text
from omtquiz.profile import Profile


def register(sub, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    stats = sub.add_parser(
        "stats", help="show progress per deck",
        description="Per deck: items in total, new, learning, due today, answered today, and "
        "retention (share of reviews not forgotten) over the last 30 days; then today's answers "
        "and the streak (study days in a row).",
    )
    add_common(stats)
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.set_defaults(func=_with_profile(run_stats))

    backup = sub.add_parser(
        "backup", help="back up the progress database now",
        description="Copy the progress database into the backups folder (older backups "
        "beyond the newest ten are removed) and print the backup's path.",
    )
    add_common(backup)
    backup.set_defaults(func=_with_profile(run_backup))

    restore = sub.add_parser(
        "restore", help="replace progress with a backup",
        description="Replace all progress with that in FILE (a backup). The current progress "
        "is backed up first, so a restore can itself be undone. Close the omtquiz window "
        "first: an open window would keep showing the progress it had.",
    )
    add_common(restore)
    restore.add_argument("file", metavar="FILE", help="a progress backup (.sqlite3)")
    restore.set_defaults(func=_with_profile(run_restore))


def _with_profile(handler: Callable[[argparse.Namespace, Profile], int]):
    def run(args: argparse.Namespace) -> int:
        profile = profile_from(args)
        return reporting_store_errors(lambda: handler(args, profile))

    return run


def run_stats(args: argparse.Namespace, profile: Profile) -> int:
    from omtquiz.study.exam_dates import forecasts
    from omtquiz.study.stats import collect, format_table

    library = profile.load_library()
    with open_store(profile) as store:
        report = collect(store, library, profile.clock)
        ahead = forecasts(store, library, profile.clock.now())
    if args.json:
        data = report.to_dict()
        data["exam_forecast"] = [f.to_dict() for f in ahead]
        json.dump(data, sys.stdout, indent=2)
        print()
    else:
        print(format_table(report))
        for f in ahead:
            print(f"\n{f.exam.name} on {f.exam.on.isoformat()}: expected recall "
                  f"{percent_text(f.expected_recall)} of {f.items} item(s), "
                  f"{f.on_target} at or above "
                  f"the {percent_text(f.exam.target)} target")
    return 0


def run_backup(args: argparse.Namespace, profile: Profile) -> int:
    with open_store(profile) as store:
        path = store.backup(profile.dirs.backups)
    print(path)
    return 0


def run_restore(args: argparse.Namespace, profile: Profile) -> int:
    with open_store(profile) as store:
        safety = store.restore_from(args.file)
    print(f"Progress restored from {args.file}.")
    if safety is not None:
        print(f"The progress it replaced was saved as {safety}.")
    return 0
