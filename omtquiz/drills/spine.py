"""Thoracic and lumbar segments (T1-L5): Fryette's first and second principles, both directions.

Rules (sources in docs/drills.md):
- Named for the freedom of motion; the posterior transverse process is on the side of rotation.
- Type I (neutral): a group; sidebending and rotation to opposite sides, rotation toward the
  convexity; the asymmetry is the same in flexion and extension.
- Type II (non-neutral): a single segment, flexed or extended; rotation and sidebending to the
  same side; the asymmetry lessens in the position of the dysfunction (a flexed segment is more
  symmetric in flexion, more asymmetric in extension) and shows most in the opposite one.
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

LEVELS = tuple(f"T{i}" for i in range(1, 13)) + tuple(f"L{i}" for i in range(1, 6))
CHANGE = ("better", "worse", "same")
POSITION_WORD = {"F": "flexed", "E": "extended", "N": "neutral"}
TYPE_I_CONVENTION = (
    "type I named rotation first (T3-T8 N RL SR); many schools write sidebending first "
    "because it leads in a neutral group (T3-T8 N SR RL): both name the same dysfunction"
)


def parse_levels(text) -> tuple[int, int] | Refusal:
    """'T5' -> (4, 4); 'T3-T8' -> (2, 7); T1-L5 only, in order."""
    if not isinstance(text, str):
        return Refusal(f"levels must be text like 'T5' or 'T3-T8', not {text!r}", ("levels",),
                       usage=True)
    parts = [p.strip().upper() for p in text.replace("–", "-").split("-")]
    if len(parts) == 2 and parts[1].isdigit():
        parts[1] = parts[0][0] + parts[1]
    if len(parts) not in (1, 2) or any(p not in LEVELS for p in parts):
        return Refusal(f"levels {text!r}: expected one of T1..T12, L1..L5, or a range such as "
                       "'T3-T8'", ("levels",), usage=True)
    first, last = LEVELS.index(parts[0]), LEVELS.index(parts[-1])
    if last < first:
        return Refusal(f"levels {text!r} run upward; write the upper level first", ("levels",),
                       usage=True)
    return first, last


def levels_text(span: tuple[int, int]) -> str:
    first, last = span
    return LEVELS[first] if first == last else f"{LEVELS[first]}-{LEVELS[last]}"


def segment_name(levels: str, position: str, rotation: str, sidebending: str) -> str:
    return f"{levels} {position} R{rotation} S{sidebending}"


def finding_keys(_findings: Mapping) -> dict[str, Key]:
    return {"levels": Key(()), "posterior_tp": Key(SIDES), "flexion": Key(CHANGE),
            "extension": Key(CHANGE)}


def diagnosis_keys(_diagnosis: Mapping) -> dict[str, Key]:
    return {"levels": Key((), False), "type": Key(("I", "II", None), False),
            "position": Key(("F", "E", "N"), False), "rotation": Key(("L", "R"), False),
            "sidebending": Key(("L", "R"), False), "name": Key((), False)}


def _position(flexion: str, extension: str) -> str | Refusal:
    if flexion == extension and flexion != "same":
        return Refusal(
            f"flexion {flexion!r} and extension {extension!r} contradict each other: a segment "
            "whose asymmetry lessens in flexion is flexed and shows most in extension, and the "
            "reverse for an extended one; it cannot be " + ("better" if flexion == "better"
                                                            else "worse") + " in both",
            ("flexion", "extension"))
    if flexion == "better" or extension == "worse":
        return "F"
    if extension == "better" or flexion == "worse":
        return "E"
    return "N"


def derive(findings: Mapping) -> Derivation | Refusal:
    span = parse_levels(findings["levels"])
    if isinstance(span, Refusal):
        return span
    levels = levels_text(span)
    side = findings["posterior_tp"]
    flexion, extension = findings["flexion"], findings["extension"]
    position = _position(flexion, extension)
    if isinstance(position, Refusal):
        return position
    group = span[1] > span[0]
    out = Derivation({})
    out.rule(f"posterior TP {side} -> rotated {side}", "posterior_tp")
    if position == "N":
        if not group:
            return Refusal(
                f"{levels} is a single segment whose asymmetry is the same in flexion and "
                "extension: that is neutral (type I) behaviour, and a type I dysfunction is a "
                "group of segments; a single segment is type II and changes in flexion or "
                "extension", ("levels", "flexion", "extension"))
        out.rule("asymmetry the same in flexion and extension -> neutral", "flexion", "extension")
        out.rule(f"{levels} is a group -> type I", "levels")
        out.rule(f"type I -> sidebent {other(side)} (opposite the rotation; rotation toward "
                 "the convexity)")
        out.convention = TYPE_I_CONVENTION
        sidebending = other(side)
    else:
        if group:
            return Refusal(
                f"the asymmetry of the group {levels} changes in flexion or extension "
                f"(flexion {flexion!r}, extension {extension!r}): a type I group's asymmetry "
                "stays the same in both, and a type II dysfunction is a single segment",
                ("levels", "flexion", "extension"))
        ease = [f"better in {p}" for p, v in (("flexion", flexion), ("extension", extension))
                if v == "better"]
        ease += [f"worse in {p}" for p, v in (("flexion", flexion), ("extension", extension))
                 if v == "worse"]
        out.rule(f"{' and '.join(ease)} -> {POSITION_WORD[position]}", "flexion", "extension")
        out.rule(f"{levels} single segment, non-neutral -> type II", "levels")
        out.rule(f"type II -> sidebent {side} (same side as the rotation)")
        sidebending = side
    out.diagnosis = _canonical(levels, position, letter(side), letter(sidebending))
    return out


def _canonical(levels: str, position: str, rotation: str, sidebending: str) -> dict:
    return {"levels": levels, "type": "I" if position == "N" else "II", "position": position,
            "rotation": rotation, "sidebending": sidebending,
            "name": segment_name(levels, position, rotation, sidebending)}


def forward(diagnosis: Mapping) -> tuple[dict, list[str]]:
    rotation, position = word(diagnosis["rotation"]), diagnosis["position"]
    found = {"levels": diagnosis["levels"], "posterior_tp": rotation}
    steps = [f"rotated {rotation} -> posterior TP {rotation}"]
    if position == "N":
        found.update(flexion="same", extension="same")
        steps.append("neutral (type I) -> the asymmetry is the same in flexion and extension")
    elif position == "F":
        found.update(flexion="better", extension="worse")
        steps.append("flexed (type II) -> the asymmetry lessens in flexion and increases in "
                     "extension")
    else:
        found.update(flexion="worse", extension="better")
        steps.append("extended (type II) -> the asymmetry lessens in extension and increases "
                     "in flexion")
    return found, steps


def render(diagnosis: Mapping) -> dict | Refusal:
    parts = ("levels", "position", "rotation", "sidebending")
    merged = components(diagnosis, diagnosis_keys(diagnosis), "spine", parse_segment, parts)
    if isinstance(merged, Refusal):
        return merged
    missing = [k for k in parts if k not in merged]
    if missing:
        return Refusal(f"spine diagnosis lacks {', '.join(missing)} (give the keys or a name "
                       "such as 'T5 F RL SL')", tuple(missing), usage=True)
    span = parse_levels(merged["levels"])
    if isinstance(span, Refusal):
        return span
    levels, position = levels_text(span), merged["position"]
    rotation, sidebending = merged["rotation"], merged["sidebending"]
    name = segment_name(levels, position, rotation, sidebending)
    if position == "N":
        if span[0] == span[1]:
            return Refusal(f"{name}: a neutral (type I) dysfunction is a group, not a single "
                           "segment", ("levels", "position"))
        if rotation == sidebending:
            return Refusal(f"{name}: in neutral (Fryette I) sidebending and rotation go to "
                           "opposite sides", ("rotation", "sidebending"))
    else:
        if span[0] != span[1]:
            return Refusal(f"{name}: a flexed or extended (type II) dysfunction is a single "
                           "segment", ("levels", "position"))
        if rotation != sidebending:
            return Refusal(f"{name}: flexed or extended (Fryette II), rotation and sidebending "
                           "go to the same side", ("rotation", "sidebending"))
    wanted = "I" if position == "N" else "II"
    if diagnosis.get("type") not in (None, wanted):
        return Refusal(f"{name} is type {wanted}, not type {diagnosis['type']}",
                       ("type", "position"))
    return _canonical(levels, position, rotation, sidebending)


def all_diagnoses() -> list[dict]:
    out = []
    for first in range(len(LEVELS)):
        for position in ("F", "E"):
            for side in ("L", "R"):
                out.append(_canonical(LEVELS[first], position, side, side))
        for last in range(first + 1, len(LEVELS)):
            for side in ("L", "R"):
                out.append(_canonical(levels_text((first, last)), "N", side, other(side)))
    return out


def family(diagnosis: Mapping) -> str:
    return "type I" if diagnosis["position"] == "N" else "type II"


def accept(diagnosis: Mapping) -> dict:
    # A type II segment may be reported unchanged in one of the two positions ("worse in
    # extension, symmetric in flexion" is still flexed).
    return {} if diagnosis["position"] == "N" else {"flexion": ("same",), "extension": ("same",)}


REGION = Region("spine", finding_keys, diagnosis_keys, derive, forward, render, all_diagnoses,
                family, ("type I", "type II"), accept)
