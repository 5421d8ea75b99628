"""Cervical segments: OA, AA and C2-C7, both directions.

Rules (sources in docs/drills.md):
- Translation to one side is sidebending to the other: free translation right = sidebending left.
- OA: flexed or extended; sidebending and rotation to opposite sides; found by translation in
  flexion and in extension (the position in which translation is free names F or E).
- AA: rotation only, tested with the neck flexed (about 45 degrees) to lock C2-C7.
- C2-C7: sidebending and rotation to the same side, flexed or extended.
Fryette's principles describe T1-L5; the cervical couplings are their own, so `type` is null
here and `coupling` says which way sidebending and rotation go.
"""

from __future__ import annotations

from collections.abc import Mapping

from omtquiz.drills.common import (
    SIDES,
    Derivation,
    Key,
    Refusal,
    Region,
    components,
    letter,
    other,
    word,
)
from omtquiz.drills.notation import parse_segment
from omtquiz.drills.spine import POSITION_WORD, segment_name

LEVELS = ("OA", "AA", "C2", "C3", "C4", "C5", "C6", "C7")
POSITION_OF = {"flexion": "F", "extension": "E"}
FREE_IN = {"F": "flexion", "E": "extension"}


def finding_keys(findings: Mapping) -> dict[str, Key]:
    if findings.get("levels") == "AA":
        return {"levels": Key(LEVELS), "rotation_free": Key(SIDES)}
    return {"levels": Key(LEVELS), "translation_free": Key(SIDES),
            "free_in": Key(("flexion", "extension"))}


def diagnosis_keys(_diagnosis: Mapping) -> dict[str, Key]:
    return {"levels": Key(LEVELS, False), "type": Key(("I", "II", None), False),
            "position": Key(("F", "E"), False), "rotation": Key(("L", "R"), False),
            "sidebending": Key(("L", "R"), False), "coupling": Key(("same", "opposite"), False),
            "name": Key((), False)}


def _canonical(levels: str, position: str | None, rotation: str,
               sidebending: str | None) -> dict:
    if levels == "AA":
        return {"levels": "AA", "rotation": rotation, "name": f"AA R{rotation}"}
    return {"levels": levels, "type": None, "position": position, "rotation": rotation,
            "sidebending": sidebending,
            "coupling": "opposite" if levels == "OA" else "same",
            "name": segment_name(levels, position, rotation, sidebending)}


def derive(findings: Mapping) -> Derivation:
    levels = findings["levels"]
    out = Derivation({})
    if levels == "AA":
        side = findings["rotation_free"]
        out.rule(f"AA rotation free to the {side} (tested in flexion, which locks C2-C7) -> "
                 f"AA rotated {side}", "rotation_free")
        out.diagnosis = _canonical("AA", None, letter(side), None)
        return out
    free = findings["translation_free"]
    sidebending = other(free)
    position = POSITION_OF[findings["free_in"]]
    out.rule(f"translation free to the {free} -> sidebent {sidebending} (translation to one "
             "side is sidebending to the other)", "translation_free")
    out.rule(f"free in {findings['free_in']} -> {POSITION_WORD[position]}", "free_in")
    if levels == "OA":
        rotation = other(sidebending)
        out.rule(f"OA: rotation opposite the sidebending -> rotated {rotation}", "levels")
    else:
        rotation = sidebending
        out.rule(f"{levels} (C2-C7): rotation to the same side as the sidebending -> rotated "
                 f"{rotation}", "levels")
    out.diagnosis = _canonical(levels, position, letter(rotation), letter(sidebending))
    return out


def forward(diagnosis: Mapping) -> tuple[dict, list[str]]:
    levels = diagnosis["levels"]
    if levels == "AA":
        side = word(diagnosis["rotation"])
        return ({"levels": "AA", "rotation_free": side},
                [f"AA rotated {side} -> rotation free to the {side}, tested with the neck "
                 "flexed to lock C2-C7"])
    sidebending = word(diagnosis["sidebending"])
    free_in = FREE_IN[diagnosis["position"]]
    return ({"levels": levels, "translation_free": other(sidebending), "free_in": free_in},
            [f"sidebent {sidebending} -> translation free to the {other(sidebending)}",
             f"{POSITION_WORD[diagnosis['position']]} -> the freedom shows in {free_in}"])


def render(diagnosis: Mapping) -> dict | Refusal:
    merged = components(diagnosis, diagnosis_keys(diagnosis), "cervical", parse_segment,
                        ("levels", "position", "rotation", "sidebending"))
    if isinstance(merged, Refusal):
        return merged
    levels = merged.get("levels")
    if levels not in LEVELS:
        return Refusal(f"cervical levels {levels!r}: expected one of {', '.join(LEVELS)}",
                       ("levels",), usage=True)
    needed = ("rotation",) if levels == "AA" else ("position", "rotation", "sidebending")
    missing = [k for k in needed if k not in merged]
    if missing:
        return Refusal(f"cervical diagnosis at {levels} lacks {', '.join(missing)}",
                       tuple(missing), usage=True)
    if levels == "AA":
        extra = [k for k in ("position", "sidebending") if k in merged]
        if extra:
            return Refusal("AA is named by rotation only (AA RL or AA RR)", tuple(extra))
        return _canonical("AA", None, merged["rotation"], None)
    position, rotation, sidebending = (merged["position"], merged["rotation"],
                                       merged["sidebending"])
    if position not in ("F", "E"):
        return Refusal(f"{levels} is named flexed or extended, not {position!r}", ("position",))
    name = segment_name(levels, position, rotation, sidebending)
    if levels == "OA" and rotation == sidebending:
        return Refusal(f"{name}: at the OA sidebending and rotation go to opposite sides",
                       ("rotation", "sidebending"))
    if levels != "OA" and rotation != sidebending:
        return Refusal(f"{name}: at C2-C7 sidebending and rotation go to the same side",
                       ("rotation", "sidebending"))
    like = "I" if levels == "OA" else "II"  # the coupling's likeness, as some texts call it
    if diagnosis.get("type") not in (None, like):
        return Refusal(f"{name}: {levels} couples like type {like} (sidebending and rotation "
                       f"{'opposite' if like == 'I' else 'to the same side'}), not type "
                       f"{diagnosis['type']}", ("type", "levels"))
    return _canonical(levels, position, rotation, sidebending)


def all_diagnoses() -> list[dict]:
    out = [_canonical("AA", None, side, None) for side in ("L", "R")]
    for levels in ("OA", *LEVELS[2:]):
        for position in ("F", "E"):
            for sidebending in ("L", "R"):
                rotation = other(sidebending) if levels == "OA" else sidebending
                out.append(_canonical(levels, position, rotation, sidebending))
    return out


def family(diagnosis: Mapping) -> str:
    return diagnosis["levels"] if diagnosis["levels"] in ("OA", "AA") else "C2-C7"


REGION = Region("cervical", finding_keys, diagnosis_keys, derive, forward, render,
                all_diagnoses, family, ("OA", "AA", "C2-C7"))
