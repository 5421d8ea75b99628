"""Seeded cases in every direction, and grading an answer component by component.

`generate(region, seed, ...)` draws a rule family, then a dysfunction in it, from
`random.Random(seed)`, so a logged seed replays the same case. `grade` reads a typed answer in
any usual notation (or a dict of components) and marks each component against the rules' answer.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from omtquiz.drills import REGIONS, counterstrain, muscle_energy, region
from omtquiz.drills.common import Refusal
from omtquiz.drills.notation import (
    parse_innominate,
    parse_pubic,
    parse_rib,
    parse_sacrum,
    parse_segment,
)
from omtquiz.drills.ribs import muscle_alternatives, muscle_of, parse_ribs
from omtquiz.drills.spine import levels_text, parse_levels

_MUSCLE_RIB = {muscle_of(rib): rib for rib in range(12, 0, -1)}
DIRECTIONS = ("findings_to_name", "name_to_findings", "name_to_setup")
PARSERS = {"spine": parse_segment, "cervical": parse_segment, "sacrum": parse_sacrum,
           "innominate": parse_innominate, "pubic": parse_pubic, "rib": parse_rib}


@dataclass(frozen=True)
class Case:
    region: str
    seed: int
    direction: str
    family: str
    diagnosis: dict
    findings: dict
    explanation: tuple[str, ...]
    setup: dict | None = None

    def to_dict(self) -> dict:
        return {"region": self.region, "seed": self.seed, "direction": self.direction,
                "family": self.family, "diagnosis": self.diagnosis, "findings": self.findings,
                "explanation": list(self.explanation), "setup": self.setup}


def _plausible(region_name: str, diagnosis: Mapping) -> bool:
    """Cases a textbook would set: type I groups of 3-6 segments, rib groups of up to 4."""
    if region_name == "spine" and diagnosis["position"] == "N":
        first, last = parse_levels(diagnosis["levels"])
        return 2 <= last - first <= 5
    if region_name == "rib":
        first, last = parse_ribs(diagnosis["ribs"])
        return last - first <= 3
    return True


def _within(region_name: str, diagnosis: Mapping, levels: str | Sequence[str] | None) -> bool:
    if not levels:
        return True
    if region_name == "spine":
        lo, hi = parse_levels(levels)
        first, last = parse_levels(diagnosis["levels"])
        return lo <= first and last <= hi
    if region_name == "rib":
        lo, hi = parse_ribs(levels)
        first, last = parse_ribs(diagnosis["ribs"])
        return lo <= first and last <= hi
    if region_name == "cervical":
        wanted = [part.strip() for part in levels.split(",")] if isinstance(levels, str) \
            else list(levels)
        if "C2-C7" in wanted:
            wanted += ["C2", "C3", "C4", "C5", "C6", "C7"]
        return diagnosis["levels"] in wanted
    return True


def check_levels(region_name: str, levels: str | None) -> Refusal | None:
    """Whether `levels` reads for this region (T1-T12, 3-5, "OA, C3"); None when it does."""
    if not levels or region_name in ("sacrum", "innominate", "pubic"):
        return None
    if region_name == "spine":
        span = parse_levels(levels)
        return span if isinstance(span, Refusal) else None
    if region_name == "rib":
        span = parse_ribs(levels)
        return span if isinstance(span, Refusal) else None
    known = ("OA", "AA", "C2-C7", "C2", "C3", "C4", "C5", "C6", "C7")
    unknown = [p.strip() for p in levels.split(",") if p.strip() not in known]
    if unknown:
        return Refusal(f"levels {', '.join(unknown)}: cervical levels are OA, AA, C2..C7 or "
                       "C2-C7, comma-separated", ("levels",), usage=True)
    return None


def pool(region_name: str, families: Sequence[str] | None = None,
         levels: str | Sequence[str] | None = None) -> list[dict]:
    """Every dysfunction of the region of these kinds at these levels (a new list each call;
    worked out once per question: an export draws thousands of cases from a few pools)."""
    key = levels if levels is None or isinstance(levels, str) else tuple(levels)
    return list(_pool(region_name, tuple(families) if families else None, key))


@lru_cache(maxsize=256)
def _pool(region_name: str, families: tuple[str, ...] | None,
          levels: str | tuple[str, ...] | None) -> tuple[dict, ...]:
    chosen = REGIONS[region_name]
    return tuple(d for d in chosen.all_diagnoses()
                 if (not families or chosen.family(d) in families)
                 and _within(region_name, d, levels) and _plausible(region_name, d))


def unknown_kinds(region_name: str, families: Sequence[str] | None,
                  known: Sequence[str]) -> Refusal | None:
    """The refusal for kinds the region does not have, or None."""
    unknown = [f for f in families or () if f not in known]
    if not unknown:
        return None
    return Refusal(f"unknown {region_name} kind(s) {', '.join(unknown)}; known: "
                   f"{', '.join(known)}", ("kinds",), usage=True)


def generate(region_name: str, seed: int, families: Sequence[str] | None = None,
             levels: str | Sequence[str] | None = None,
             direction: str = "findings_to_name",
             points: Sequence[counterstrain.TenderPoint] = ()) -> Case | Refusal:
    """A seeded case; a counterstrain case is drawn from `points` (the deck's records)."""
    if region_name == counterstrain.REGION:
        return counterstrain_case(points, seed, families, direction)
    chosen = region(region_name)
    if isinstance(chosen, Refusal):
        return chosen
    if direction not in DIRECTIONS:
        return Refusal(f"direction {direction!r}; one of {', '.join(DIRECTIONS)}",
                       ("direction",), usage=True)
    unknown = unknown_kinds(region_name, families, chosen.families)
    if unknown is not None:
        return unknown
    unreadable = check_levels(region_name, levels)
    if unreadable is not None:
        return unreadable
    candidates = pool(region_name, families, levels)
    if not candidates:
        return Refusal(f"no {region_name} dysfunction fits kinds {families} and levels "
                       f"{levels}", ("kinds", "levels"), usage=True)
    rng = random.Random(seed)
    present = sorted({chosen.family(d) for d in candidates})
    family = rng.choice(present)
    diagnosis = dict(rng.choice([d for d in candidates if chosen.family(d) == family]))
    forward = chosen.findings(diagnosis)
    solved = chosen.solve(forward.value) if direction == "findings_to_name" else forward
    steps = solved.steps
    plan = muscle_energy(region_name, diagnosis) if direction == "name_to_setup" else None
    if isinstance(plan, Refusal):  # no set-up for this kind: ask for its findings instead
        plan, direction = None, "name_to_findings"
    if plan is not None:
        steps = (plan.rule, *steps)
    return Case(region_name, seed, direction, family, diagnosis, forward.value, tuple(steps),
                plan.to_dict() if plan else None)


def counterstrain_case(points: Sequence[counterstrain.TenderPoint], seed: int,
                       families: Sequence[str] | None = None,
                       direction: str = "name_to_setup") -> Case | Refusal:
    """A tender point -> its position of ease (the only direction counterstrain has)."""
    if direction != "name_to_setup":
        return Refusal(f"counterstrain drills ask name_to_setup only, not {direction}",
                       ("direction",), usage=True)
    unknown = unknown_kinds(counterstrain.REGION, families, counterstrain.FAMILIES)
    if unknown is not None:
        return unknown
    point = counterstrain.pick(points, seed, families)
    if isinstance(point, Refusal):
        return point
    return Case(counterstrain.REGION, seed, direction, point.family,
                counterstrain.diagnosis(point), {"point": point.name,
                                                 "location": point.location},
                counterstrain.explanation(point), counterstrain.setup(point))


_SAME_PLACE = ("levels", "ribs")


def near_misses(region_name: str, diagnosis: Mapping, count: int,
                rng: random.Random) -> list[dict]:
    """Other dysfunctions at the same place, fewest components off first: good wrong choices."""
    graded = components(region_name, diagnosis)

    def distance(other: Mapping) -> int:
        return sum(other.get(c) != diagnosis.get(c) for c in (*graded, "side", "kind"))

    everything = [d for d in REGIONS[region_name].all_diagnoses()
                  if d["name"] != diagnosis["name"]]
    rng.shuffle(everything)
    here = sorted((d for d in everything
                   if all(d.get(k) == diagnosis.get(k) for k in _SAME_PLACE)), key=distance)
    elsewhere = sorted((d for d in everything if d not in here), key=distance)
    return (here + elsewhere)[:count]


@dataclass(frozen=True)
class Mark:
    component: str
    expected: object
    given: object
    correct: bool


@dataclass(frozen=True)
class Grade:
    marks: tuple[Mark, ...]
    unread: str | None = None

    @property
    def correct(self) -> bool:
        return self.unread is None and bool(self.marks) and all(m.correct for m in self.marks)

    def to_dict(self) -> dict:
        return {"correct": self.correct, "unread": self.unread,
                "marks": [m.__dict__ for m in self.marks]}


def components(region_name: str, diagnosis: Mapping) -> tuple[str, ...]:
    """The parts of an answer that are graded for this dysfunction."""
    if region_name == counterstrain.REGION:
        return tuple(c for c in counterstrain.COMPONENTS if diagnosis.get(c) is not None)
    if region_name in ("spine", "cervical"):
        if diagnosis["levels"] == "AA":
            return ("rotation",)
        return ("position", "rotation", "sidebending")
    if region_name == "sacrum":
        return ("rotation", "axis") if diagnosis["kind"] == "torsion" else ("kind", "side")
    if region_name in ("innominate", "pubic"):
        return ("side", "kind")
    return ("dysfunction", "key_rib") + (("met_muscle",) if diagnosis["met_muscle"] else ())


def _same(component: str, expected, given) -> bool:
    if component == "levels":
        span = parse_levels(given)
        return not isinstance(span, Refusal) and levels_text(span) == expected \
            or str(given).upper() == str(expected).upper()
    if component == "key_rib":
        return str(given) == str(expected)
    if component == "met_muscle" and expected:
        allowed = {expected, *muscle_alternatives(_MUSCLE_RIB[expected])}
        return str(given).strip().lower() in allowed
    return str(given).strip().lower() == str(expected).strip().lower()


def grade(region_name: str, diagnosis: Mapping, answer: str | Mapping) -> Grade:
    """Mark each component of `answer` (typed notation or a dict) against `diagnosis`."""
    if region_name == counterstrain.REGION:
        return _grade_counterstrain(diagnosis, answer)
    given = answer
    if isinstance(answer, str):
        given = PARSERS[region_name](answer)
        if isinstance(given, Refusal):
            return Grade(tuple(Mark(c, diagnosis[c], None, False)
                               for c in components(region_name, diagnosis)), given.message)
    marks = [Mark(c, diagnosis[c], given.get(c), c in given and _same(c, diagnosis[c], given[c]))
             for c in components(region_name, diagnosis)]
    graded = components(region_name, diagnosis)
    for extra in ("levels", "direction", "motion", "ribs", "side"):
        if extra in given and extra not in graded and diagnosis.get(extra) is not None:
            marks.append(Mark(extra, diagnosis[extra], given[extra],
                              _same(extra, diagnosis[extra], given[extra])))
    return Grade(tuple(marks))


def _grade_counterstrain(diagnosis: Mapping, answer: str | Mapping) -> Grade:
    """Each component the closest sourced version states: F/E, sidebending, rotation."""
    given = counterstrain.parse_answer(answer) if isinstance(answer, str) else answer
    first = {c: diagnosis[c] for c in components(counterstrain.REGION, diagnosis)}
    if isinstance(given, Refusal):
        return Grade(tuple(Mark(c, v, None, False) for c, v in first.items()), given.message)
    version = counterstrain.closest(diagnosis.get("versions") or [first], given)
    return Grade(tuple(Mark(c, v, given.get(c), given.get(c) == v) for c, v in version.items()))
