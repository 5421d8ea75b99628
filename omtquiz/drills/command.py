"""`omtquiz drill ...`: the rule engine from the command line, answers stated with their rules.

  omtquiz drill solve REGION --findings JSON [--json]     findings -> dysfunction
  omtquiz drill findings REGION --diagnosis JSON [--json] dysfunction -> findings
  omtquiz drill setup REGION --diagnosis JSON [--json]    dysfunction -> muscle energy set-up
  omtquiz drill case REGION [--seed N] [--kinds ...]      a seeded case, replayable
  omtquiz drill grade REGION --diagnosis JSON --answer T  mark a typed answer per component

REGION `counterstrain` (setup, case, grade) reads its tender points from the decks' records: the
app's CLI passes a loader (`tender_points`), so this module stays free of the deck layer.

Exit 0 on an answer, 1 when findings contradict each other or fit no dysfunction, 2 on a usage
error (bad JSON, unknown key or value). `register` hooks this into the app's CLI; `main(argv)`
runs it alone (tests, scripts).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from omtquiz.drills import REGIONS, counterstrain, findings, setup, solve
from omtquiz.drills.common import Refusal

USAGE, CONTRADICTION = 2, 1
# args -> the tender points of the loaded decks (or a Refusal); given by the app's CLI
PointsLoader = Callable[[argparse.Namespace], "Sequence[counterstrain.TenderPoint] | Refusal"]


def register(sub, add_common=None, tender_points: PointsLoader | None = None) -> None:
    parser = sub.add_parser(
        "drill", help="diagnosis drills: solve findings, state findings, set-ups, cases",
        description="Osteopathic diagnosis by the rules. Exit 0 with an answer, 1 when the "
        "findings contradict each other or fit no dysfunction, 2 on a usage error.")
    if add_common:
        add_common(parser)
    configure(parser, tender_points)


def configure(parser: argparse.ArgumentParser, tender_points: PointsLoader | None = None) -> None:
    parser.set_defaults(tender_points=tender_points)
    actions = parser.add_subparsers(dest="drill_action", metavar="ACTION", required=True)
    regions = [*REGIONS, counterstrain.REGION]

    def action(name: str, help_text: str, key: str | None) -> argparse.ArgumentParser:
        one = actions.add_parser(name, help=help_text, description=help_text)
        one.add_argument("region", choices=regions, metavar="REGION",
                         help=f"one of {', '.join(regions)}")
        if key:
            one.add_argument(f"--{key}", required=True, metavar="JSON",
                             help="a JSON object (or @FILE, or - for stdin)")
        one.add_argument("--json", action="store_true", help="print JSON")
        one.set_defaults(func=run, drill_key=key, tender_points=tender_points)
        return one

    action("solve", "findings -> the named dysfunction, with its rules", "findings")
    action("findings", "a dysfunction (components or 'name') -> what an examiner finds",
           "diagnosis")
    action("setup", "a dysfunction -> its muscle energy set-up; counterstrain: a tender point "
           "({\"point\": \"AC7\"}) -> its position of ease", "diagnosis")
    case = action("case", "a seeded case (the same seed gives the same case)", None)
    case.add_argument("--seed", type=int, default=0)
    case.add_argument("--kinds", nargs="*", default=None, metavar="KIND",
                      help="rule families to draw from (e.g. 'type II', 'backward torsion')")
    case.add_argument("--levels", default=None, help="e.g. T1-T12, L1-L5, 3-5 (ribs), OA")
    case.add_argument("--direction", default="findings_to_name",
                      choices=["findings_to_name", "name_to_findings", "name_to_setup"])
    grade = action("grade", "mark a typed answer against a dysfunction, per component",
                   "diagnosis")
    grade.add_argument("--answer", required=True, help="e.g. 'T5 FRlSl' or 'L on L'")


def _read_json(text: str, flag: str) -> dict | Refusal:
    if text == "-":
        text = sys.stdin.read()
    elif text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            return Refusal(f"--{flag}: cannot read {text[1:]}: {exc.strerror}", usage=True)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return Refusal(f"--{flag} is not valid JSON: {exc.msg} at line {exc.lineno} column "
                       f"{exc.colno}", usage=True)
    if not isinstance(value, dict):
        return Refusal(f"--{flag} must be a JSON object, not {type(value).__name__}",
                       usage=True)
    return value


def _fail(problem: Refusal, as_json: bool) -> int:
    if as_json:
        print(json.dumps(problem.to_dict(), indent=2))
    print(f"omtquiz drill: {'usage' if problem.usage else 'refused'}: {problem.message}",
          file=sys.stderr)
    return USAGE if problem.usage else CONTRADICTION


def _print_answer(title: str, steps: Sequence[str], extra: Sequence[str] = ()) -> None:
    print(title)
    for step in steps:
        print(f"  {step}")
    for line in extra:
        print(line)


def run(args: argparse.Namespace) -> int:
    payload = None
    if args.drill_key:
        payload = _read_json(getattr(args, args.drill_key), args.drill_key)
        if isinstance(payload, Refusal):
            return _fail(payload, args.json)
    action = args.drill_action
    if args.region == counterstrain.REGION:
        return _counterstrain(args, payload)
    if action == "case":
        return _case(args)
    if action == "grade":
        return _grade(args, payload)
    result = {"solve": solve, "findings": findings, "setup": setup}[action](args.region, payload)
    if isinstance(result, Refusal):
        return _fail(result, args.json)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    elif action == "setup":
        _print_answer("position:", result.position, [f"effort: {result.effort}",
                                                    f"rule: {result.rule}"])
    elif action == "solve":
        _print_answer(result.value["name"], result.steps,
                      [f"convention: {result.convention}"] if result.convention else [])
    else:
        _print_answer(", ".join(f"{k}: {v}" for k, v in result.value.items()), result.steps)
    return 0


def _case(args: argparse.Namespace) -> int:
    from omtquiz.drills.cases import generate

    case = generate(args.region, args.seed, args.kinds, args.levels, args.direction)
    if isinstance(case, Refusal):
        return _fail(case, args.json)
    if args.json:
        print(json.dumps(case.to_dict(), indent=2))
        return 0
    print(f"{case.region} case, seed {case.seed} ({case.family}, {case.direction})")
    print("findings: " + ", ".join(f"{k}: {v}" for k, v in case.findings.items()))
    _print_answer(f"answer: {case.diagnosis['name']}", case.explanation)
    return 0


def _grade(args: argparse.Namespace, payload: dict) -> int:
    from omtquiz.drills import REGIONS
    from omtquiz.drills.cases import grade

    canonical = REGIONS[args.region].render(payload)
    if isinstance(canonical, Refusal):
        return _fail(canonical, args.json)
    return _print_grade(grade(args.region, canonical, args.answer), args.json)


def _print_grade(result, as_json: bool) -> int:
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        if result.unread:
            print(f"unread: {result.unread}")
        for mark in result.marks:
            verdict = "ok" if mark.correct else "WRONG"
            print(f"{mark.component}: {verdict} (expected {mark.expected}, given {mark.given})")
        print("correct" if result.correct else "not correct")
    return 0 if result.correct else CONTRADICTION


def _counterstrain(args: argparse.Namespace, payload: dict | None) -> int:
    """setup / case / grade for a tender point, from the decks' records."""
    from omtquiz.drills.cases import counterstrain_case, grade

    if args.drill_action not in ("setup", "case", "grade"):
        return _fail(Refusal(f"counterstrain has set-ups only: use `drill setup counterstrain "
                             f"--diagnosis '{{\"point\": \"AC7\"}}'`, not "
                             f"{args.drill_action}", ("region",), usage=True), args.json)
    loader = getattr(args, "tender_points", None)
    points = loader(args) if loader else Refusal(
        "counterstrain reads its tender points from the decks; run it as `omtquiz drill`",
        ("region",), usage=True)
    if isinstance(points, Refusal):
        return _fail(points, args.json)
    if args.drill_action == "case":
        case = counterstrain_case(points, args.seed, args.kinds, "name_to_setup")
        if isinstance(case, Refusal):
            return _fail(case, args.json)
        if args.json:
            print(json.dumps(case.to_dict(), indent=2))
        else:
            print(f"counterstrain case, seed {case.seed} ({case.family}): tender point "
                  f"{case.diagnosis['point']} - {case.diagnosis['location']}")
            _print_answer(f"answer: {case.setup['position'][0]}", case.explanation)
        return 0
    problem = _point_keys(payload)
    point = problem or counterstrain.find(points, payload["point"])
    if isinstance(point, Refusal):
        return _fail(point, args.json)
    if args.drill_action == "grade":
        result = grade(counterstrain.REGION, counterstrain.diagnosis(point), args.answer)
        return _print_grade(result, args.json)
    out = {**counterstrain.diagnosis(point), **counterstrain.setup(point),
           "explanation": list(counterstrain.explanation(point))}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        _print_answer(f"{point.name}: {point.position.text}", out["explanation"],
                      [f"then: {out['effort']}"])
    return 0


def _point_keys(payload: dict) -> Refusal | None:
    unknown = sorted(set(payload) - {"point", "name"})
    if unknown:
        return Refusal(f"unknown counterstrain diagnosis key(s): {', '.join(unknown)}; known: "
                       "point", tuple(unknown), usage=True)
    if "name" in payload and "point" not in payload:
        payload["point"] = payload["name"]
    if not isinstance(payload.get("point"), str):
        return Refusal("missing counterstrain diagnosis key: point (e.g. \"AC7\")",
                       ("point",), usage=True)
    return None


def main(argv: Sequence[str] | None = None,
         tender_points: PointsLoader | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omtquiz drill", description=__doc__.splitlines()[0])
    configure(parser, tender_points)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return run(args)
