"""Rib inhalation and exhalation dysfunctions: naming, key rib, motion, muscle energy muscle.

Rules (sources in docs/drills.md):
- Named for the freedom: a rib restricted in exhalation moves freely into inhalation and is held
  up, an inhalation dysfunction; restricted in inhalation, an exhalation dysfunction.
- Key rib ("BITE"): Bottom rib of an Inhaled group, Top rib of an Exhaled group.
- Motion: ribs 1-5 mainly pump handle, 6-10 mainly bucket handle, 11-12 caliper.
- Muscle energy for an exhaled key rib contracts the muscle that pulls it up: rib 1 anterior and
  middle scalenes, rib 2 posterior scalene, ribs 3-5 pectoralis minor, 6-8 serratus anterior,
  9-10 latissimus dorsi, 11-12 quadratus lumborum.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from omtquiz.drills.common import SIDES, Derivation, Key, Refusal, Region, components, letter, word
from omtquiz.drills.notation import parse_rib

DYSFUNCTIONS = ("inhalation", "exhalation")


def motion_of(rib: int) -> str:
    return "pump_handle" if rib <= 5 else "bucket_handle" if rib <= 10 else "caliper"


def muscle_of(rib: int) -> str:
    if rib == 1:
        return "anterior and middle scalenes"
    if rib == 2:
        return "posterior scalene"
    if rib <= 5:
        return "pectoralis minor"
    if rib <= 8:
        return "serratus anterior"
    if rib <= 10:
        return "latissimus dorsi"
    return "quadratus lumborum"


def muscle_alternatives(rib: int) -> tuple[str, ...]:
    """Other schools' answers for the same key rib (Osmosis groups ribs 6-10 and 11-12)."""
    if 6 <= rib <= 10:
        return ("serratus anterior and latissimus dorsi",)
    if rib >= 11:
        return ("latissimus dorsi and quadratus lumborum",)
    return ()


MUSCLE_CONVENTION = (
    "met_muscle by the common split (1 anterior and middle scalenes, 2 posterior scalene, 3-5 "
    "pectoralis minor, 6-8 serratus anterior, 9-10 latissimus dorsi, 11-12 quadratus "
    "lumborum); Osmosis groups 6-10 as serratus anterior and latissimus dorsi and 11-12 as "
    "latissimus dorsi and quadratus lumborum, and grading accepts those too"
)


def parse_ribs(value) -> tuple[int, int] | Refusal:
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    match = re.fullmatch(r"(\d{1,2})(?:\s*(?:-|–|to)\s*(\d{1,2}))?", text)
    if not match:
        return Refusal(f"ribs {value!r}: expected a rib like '7' or a group like '3-5'",
                       ("ribs",), usage=True)
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if not 1 <= first <= last <= 12:
        return Refusal(f"ribs {value!r}: ribs run 1 to 12, upper rib first", ("ribs",),
                       usage=True)
    return first, last


def ribs_text(span: tuple[int, int]) -> str:
    return str(span[0]) if span[0] == span[1] else f"{span[0]}-{span[1]}"


def finding_keys(_findings: Mapping) -> dict[str, Key]:
    return {"ribs": Key(()), "side": Key(SIDES),
            "restricted_in": Key(("inhalation", "exhalation"))}


def diagnosis_keys(_diagnosis: Mapping) -> dict[str, Key]:
    return {"ribs": Key((), False), "side": Key(("L", "R"), False),
            "dysfunction": Key(DYSFUNCTIONS, False), "key_rib": Key((), False),
            "motion": Key(("pump_handle", "bucket_handle", "caliper"), False),
            "met_muscle": Key((), False), "name": Key((), False)}


def _canonical(span: tuple[int, int], side: str, dysfunction: str) -> dict:
    key = span[1] if dysfunction == "inhalation" else span[0]
    ribs = ribs_text(span)
    noun = "rib" if span[0] == span[1] else "ribs"
    return {"ribs": ribs, "side": side, "dysfunction": dysfunction, "key_rib": key,
            "motion": motion_of(key),
            "met_muscle": muscle_of(key) if dysfunction == "exhalation" else None,
            "name": f"{word(side)} {noun} {ribs} {dysfunction} dysfunction, key rib {key}"
                    + (f", {muscle_of(key)}" if dysfunction == "exhalation" else "")}


def derive(findings: Mapping) -> Derivation | Refusal:
    span = parse_ribs(findings["ribs"])
    if isinstance(span, Refusal):
        return span
    restricted = findings["restricted_in"]
    dysfunction = "inhalation" if restricted == "exhalation" else "exhalation"
    out = Derivation({})
    out.rule(f"restricted in {restricted} -> moves freely into {dysfunction} -> "
             f"{dysfunction} dysfunction (named for the freedom)", "restricted_in")
    diagnosis = _canonical(span, letter(findings["side"]), dysfunction)
    key = diagnosis["key_rib"]
    if span[0] == span[1]:
        out.rule(f"a single rib -> key rib {key}", "ribs")
    else:
        which = "bottom" if dysfunction == "inhalation" else "top"
        out.rule(f"{dysfunction} group {ribs_text(span)} -> key rib {key}, the {which} rib "
                 "(BITE: bottom inhaled, top exhaled)", "ribs")
    out.rule(f"rib {key} -> {diagnosis['motion'].replace('_', ' ')} motion "
             "(1-5 pump handle, 6-10 bucket handle, 11-12 caliper)")
    if diagnosis["met_muscle"]:
        out.rule(f"exhaled key rib {key} -> muscle energy through the {diagnosis['met_muscle']}")
        if key >= 6:
            out.convention = MUSCLE_CONVENTION
    out.rule(f"side {findings['side']}", "side")
    out.diagnosis = diagnosis
    return out


def forward(diagnosis: Mapping) -> tuple[dict, list[str]]:
    dysfunction = diagnosis["dysfunction"]
    restricted = "exhalation" if dysfunction == "inhalation" else "inhalation"
    return ({"ribs": diagnosis["ribs"], "side": word(diagnosis["side"]),
             "restricted_in": restricted},
            [f"{dysfunction} dysfunction -> held in {dysfunction}, restricted in {restricted}"])


def render(diagnosis: Mapping) -> dict | Refusal:
    merged = components(diagnosis, diagnosis_keys(diagnosis), "rib", parse_rib)
    if isinstance(merged, Refusal):
        return merged
    missing = [k for k in ("ribs", "side", "dysfunction") if k not in merged]
    if missing:
        return Refusal(f"rib diagnosis lacks {', '.join(missing)}", tuple(missing), usage=True)
    span = parse_ribs(merged["ribs"])
    if isinstance(span, Refusal):
        return span
    out = _canonical(span, merged["side"], merged["dysfunction"])
    also = {"met_muscle": muscle_alternatives(out["key_rib"])}
    for key in ("key_rib", "motion", "met_muscle"):
        if key in merged and merged[key] != out[key] and merged[key] not in also.get(key, ()):
            return Refusal(f"{key} {merged[key]!r} does not fit {out['name']}: the rules give "
                           f"{out[key]!r}", (key, "ribs", "dysfunction"))
    return out


def all_diagnoses() -> list[dict]:
    return [_canonical((first, last), side, dysfunction)
            for first in range(1, 13) for last in range(first, 13)
            for side in ("L", "R") for dysfunction in DYSFUNCTIONS]


REGION = Region("rib", finding_keys, diagnosis_keys, derive, forward, render, all_diagnoses,
                lambda d: d["dysfunction"], DYSFUNCTIONS)
