"""`omtquiz exam-date add|list|remove`: exams ahead, which drive the forecast and the schedule."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from omtquiz.cli.common import open_store, profile_from, reporting_store_errors
from omtquiz.numbers import percent_text


def register(sub, add_common) -> None:
    parser = sub.add_parser(
        "exam-date", help="set the exams ahead (decks and tags they cover, target recall)",
        description="Exam dates drive the exam-day recall forecast (in 'omtquiz stats') and "
        "'schedule to the date': covered items are brought back before the exam when they "
        "would be below the target recall on the day, and new cards are paced to be "
        "introduced in time.",
    )
    add_common(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add an exam date")
    add_common(add)
    add.add_argument("name", help='the exam, e.g. "COMLEX Level 1"')
    add.add_argument("on", metavar="YYYY-MM-DD", type=date.fromisoformat, help="its date")
    add.add_argument("--deck", action="append", default=[], metavar="ID",
                     help="a deck it covers (repeatable)")
    add.add_argument("--tag", action="append", default=[], metavar="TAG",
                     help="a tag it covers, children included (repeatable)")
    add.add_argument("--target", type=float, default=0.9,
                     help="the recall to reach on the day (default 0.9)")
    listing = actions.add_parser("list", help="list the exam dates")
    add_common(listing)
    listing.add_argument("--json", action="store_true")
    remove = actions.add_parser("remove", help="remove an exam date by its id")
    add_common(remove)
    remove.add_argument("id", type=int)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    profile = profile_from(args)
    return reporting_store_errors(lambda: _ACTIONS[args.action](args, profile))


def _add(args, profile) -> int:
    from omtquiz.progress.types import ExamDate
    from omtquiz.study.exam_dates import set_exam_date

    try:
        exam = ExamDate(args.name, args.on, tuple(args.deck), tuple(args.tag), args.target)
    except ValueError as exc:
        print(f"omtquiz exam-date: error: {exc}", file=sys.stderr)
        return 2
    library = profile.load_library()
    known = {d.id for d in library.decks}
    unknown = [d for d in exam.decks if d not in known]
    if unknown:
        print(f"omtquiz exam-date: error: no deck with id {', '.join(map(repr, unknown))}",
              file=sys.stderr)
        return 2
    with open_store(profile) as store:
        saved, plan = set_exam_date(store, library, exam, profile.clock)
    print(f"exam date {saved.id}: {saved.name} on {saved.on.isoformat()}")
    for deck_id, (old, new) in plan.changes().items():
        print(f"  new cards a day in {deck_id}: {old} -> {new}, to introduce all in time")
    return 0


def _list(args, profile) -> int:
    with open_store(profile) as store:
        exams = store.exam_dates()
    if args.json:
        print(json.dumps([e.to_dict() for e in exams], indent=2))
    for exam in [] if args.json else exams:
        covers = ", ".join([*(f"deck {d}" for d in exam.decks), *(f"tag {t}" for t in exam.tags)])
        print(f"{exam.id}  {exam.on.isoformat()}  {exam.name}  ({covers}; target "
              f"{percent_text(exam.target)})")
    return 0


def _remove(args, profile) -> int:
    with open_store(profile) as store:
        removed = store.delete_exam_date(args.id)
    if not removed:
        print(f"omtquiz exam-date: error: no exam date with id {args.id}", file=sys.stderr)
        return 1
    return 0


_ACTIONS = {"add": _add, "list": _list, "remove": _remove}
