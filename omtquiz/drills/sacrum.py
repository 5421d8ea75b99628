"""The sacrum: torsions on the oblique axes and unilateral flexion/extension, both directions.

Rules (the Mitchell model as COMLEX teaches it; sources in docs/drills.md):
- A torsion is named rotation on axis ("L on L"); same letters are forward torsions, different
  letters backward ones.
- Rotation is away from the deep sulcus and toward the posterior (and inferior) ILA.
- The seated flexion test is positive on the side opposite the oblique axis (torsions), on the
  side of a unilateral flexion or extension.
- Spring test negative and sphinx test better (sulci more symmetric): the base moved anterior
  (forward torsion, unilateral flexion); spring positive and sphinx worse: posterior (backward
  torsion, unilateral extension).
- L5 rule: L5 rotates opposite the sacrum and sidebends toward the axis.
- Deep sulcus and posterior/inferior ILA on opposite sides: a torsion; on the same side: a
  unilateral flexion (named for the deep side) or extension (named for the shallow side).
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
from omtquiz.drills.notation import parse_sacrum

KINDS = ("torsion", "unilateral_flexion", "unilateral_extension")
SIDE_OR_NONE = ("left", "right", "none")


def finding_keys(_findings: Mapping) -> dict[str, Key]:
    return {"seated_flexion": Key((*SIDES, None), False), "deep_sulcus": Key(SIDE_OR_NONE),
            "posterior_ila": Key(SIDE_OR_NONE), "ila_inferior": Key((*SIDE_OR_NONE, None), False),
            "spring": Key(("positive", "negative", None), False),
            "sphinx": Key(("better", "worse", "same", None), False),
            "l5_rotation": Key(("left", "right", None), False)}


def diagnosis_keys(_diagnosis: Mapping) -> dict[str, Key]:
    sides = ("L", "R", None)
    return {"kind": Key((*KINDS, None), False), "rotation": Key(sides, False),
            "axis": Key(sides, False), "side": Key(sides, False),
            "direction": Key(("forward", "backward", None), False), "name": Key((), False),
            "full_name": Key((), False)}


def _canonical(kind: str, rotation: str | None = None, axis: str | None = None,
               side: str | None = None) -> dict:
    if kind == "torsion":
        direction = "forward" if rotation == axis else "backward"
        return {"kind": kind, "rotation": rotation, "axis": axis, "side": None,
                "direction": direction, "name": f"{rotation} on {axis}",
                "full_name": f"{word(rotation)} on {word(axis)} {direction} sacral torsion"}
    motion = kind.split("_")[1]
    return {"kind": kind, "rotation": None, "axis": None, "side": side, "direction": None,
            "name": f"{word(side)} unilateral sacral {motion}",
            "full_name": f"{word(side)} unilateral sacral {motion}"}


def _base(findings: Mapping) -> tuple[bool | None, tuple[str, ...]] | Refusal:
    """Whether the spring and sphinx tests put the base anterior (True) or posterior (False)."""
    spring, sphinx = findings.get("spring"), findings.get("sphinx")
    votes = {}
    if spring is not None:
        votes["spring"] = spring == "negative"
    if sphinx in ("better", "worse"):
        votes["sphinx"] = sphinx == "better"
    if len(set(votes.values())) > 1:
        return Refusal(
            f"spring {spring!r} and sphinx {sphinx!r} contradict each other: a negative spring "
            "and a sphinx test that evens the sulci both mean the base moved anterior, a "
            "positive spring and a sphinx test that worsens them both mean posterior",
            ("spring", "sphinx"))
    if not votes:
        return None, ()
    return next(iter(votes.values())), tuple(votes)


def _base_words(anterior: bool, keys: tuple[str, ...], findings: Mapping) -> str:
    said = " and ".join(f"{k} {findings[k]}" for k in keys)
    return f"{said} -> base {'anterior' if anterior else 'posterior'}"


def derive(findings: Mapping) -> Derivation | Refusal:
    deep, ila = findings["deep_sulcus"], findings["posterior_ila"]
    seated = findings.get("seated_flexion")
    if "none" in (deep, ila):
        return Refusal(
            f"deep_sulcus {deep!r} and posterior_ila {ila!r}: the torsions and unilateral "
            "dysfunctions drilled here all have one deep sulcus and one posterior ILA "
            "(symmetric landmarks point to a bilateral flexion or extension, not drilled)",
            ("deep_sulcus", "posterior_ila"))
    base = _base(findings)
    if isinstance(base, Refusal):
        return base
    anterior, base_keys = base
    if seated is None and anterior is None:
        return Refusal("neither the seated flexion test nor the spring/sphinx tests are given: "
                       "nothing tells the axis (or flexion from extension)",
                       ("seated_flexion", "spring", "sphinx"))
    out = Derivation({})
    if deep != ila:
        out.diagnosis = _torsion(findings, out, anterior, base_keys)
        if isinstance(out.diagnosis, Refusal):
            return out.diagnosis
        return out
    out.rule(f"deep sulcus and posterior ILA both {deep} -> unilateral flexion or extension",
             "deep_sulcus", "posterior_ila")
    if seated is not None:
        flexion = seated == deep
        out.rule(f"seated flexion {seated}, the side of the {'deep' if flexion else 'shallow'} "
                 f"sulcus -> {seated} unilateral sacral {'flexion' if flexion else 'extension'} "
                 f"(flexion is named for the deep side, extension for the shallow side)",
                 "seated_flexion")
        side = seated
    else:
        flexion = anterior
        side = deep if flexion else other(deep)
        out.rule(f"{_base_words(anterior, base_keys, findings)} -> unilateral "
                 f"{'flexion, named for the deep side' if flexion else 'extension, named for the shallow side'}: "  # noqa: E501
                 f"{side}", *base_keys)
    kind = "unilateral_flexion" if flexion else "unilateral_extension"
    out.diagnosis = _canonical(kind, side=letter(side))
    return out


def _torsion(findings: Mapping, out: Derivation, anterior: bool | None,
             base_keys: tuple[str, ...]) -> dict | Refusal:
    deep, ila = findings["deep_sulcus"], findings["posterior_ila"]
    seated = findings.get("seated_flexion")
    rotation = ila
    out.rule(f"deep sulcus {deep} and posterior ILA {ila} on opposite sides -> torsion; "
             f"rotated {rotation} (away from the deep sulcus, toward the posterior ILA)",
             "deep_sulcus", "posterior_ila")
    if seated is not None:
        axis = other(seated)
        out.rule(f"seated flexion {seated} -> {axis} oblique axis (positive opposite the axis)",
                 "seated_flexion")
    else:
        axis = rotation if anterior else other(rotation)
        out.rule(f"{_base_words(anterior, base_keys, findings)} -> "
                 f"{'forward' if anterior else 'backward'} torsion -> {axis} oblique axis",
                 *base_keys)
    direction = "forward" if rotation == axis else "backward"
    out.rule(f"{rotation} on {axis}: "
             f"{'rotation toward the axis side' if direction == 'forward' else 'rotation away from the axis side'}"  # noqa: E501
             f" -> {direction} torsion")
    l5 = findings.get("l5_rotation")
    if l5 is not None:
        if l5 == rotation:
            return Refusal(
                f"l5_rotation {l5!r} contradicts the sacrum rotated {rotation} (from "
                f"deep_sulcus {deep!r}, posterior_ila {ila!r}): by the L5 rule L5 rotates "
                "opposite the sacrum in a torsion (an L5 rotated with it is non-adapted and "
                "is diagnosed on its own first)", ("l5_rotation", "deep_sulcus",
                                                  "posterior_ila"))
        out.rule(f"L5 rotated {l5} agrees (L5 rotates opposite the sacrum)", "l5_rotation")
    return _canonical("torsion", letter(rotation), letter(axis))


def forward(diagnosis: Mapping) -> tuple[dict, list[str]]:
    kind = diagnosis["kind"]
    if kind == "torsion":
        rotation, axis = word(diagnosis["rotation"]), word(diagnosis["axis"])
        ahead = diagnosis["direction"] == "forward"
        found = {"seated_flexion": other(axis), "deep_sulcus": other(rotation),
                 "posterior_ila": rotation, "ila_inferior": rotation,
                 "spring": "negative" if ahead else "positive",
                 "sphinx": "better" if ahead else "worse", "l5_rotation": other(rotation)}
        steps = [f"{axis} oblique axis -> seated flexion positive on the {other(axis)}",
                 f"rotated {rotation} -> deep sulcus {other(rotation)}, posterior and inferior "
                 f"ILA {rotation}",
                 "forward torsion -> base anterior: spring negative, sphinx better" if ahead else
                 "backward torsion -> base posterior: spring positive, sphinx worse",
                 f"L5 rule -> L5 rotated {other(rotation)}, sidebent {axis}"]
        return found, steps
    side = word(diagnosis["side"])
    flexion = kind == "unilateral_flexion"
    deep = side if flexion else other(side)
    found = {"seated_flexion": side, "deep_sulcus": deep, "posterior_ila": deep,
             "ila_inferior": deep, "spring": "negative" if flexion else "positive",
             "sphinx": "better" if flexion else "worse"}
    steps = [f"{side} unilateral dysfunction -> seated flexion positive on the {side}",
             (f"{side} base anterior and ILA inferior -> deep sulcus {side}, posterior and "
              f"inferior ILA {side}") if flexion else
             (f"{side} base posterior, ILA anterior and superior -> shallow sulcus {side}: "
              f"deep sulcus and posterior/inferior ILA {deep}"),
             "base anterior -> spring negative, sphinx better" if flexion else
             "base posterior -> spring positive, sphinx worse"]
    return found, steps


def accept(_diagnosis: Mapping) -> dict:
    # An equivocal sphinx test, or ILAs level in the vertical, rule nothing out.
    return {"sphinx": ("same",), "ila_inferior": ("none",)}


def render(diagnosis: Mapping) -> dict | Refusal:
    merged = components(diagnosis, diagnosis_keys(diagnosis), "sacrum", parse_sacrum)
    if isinstance(merged, Refusal):
        return merged
    kind = merged.get("kind") or ("torsion" if "axis" in merged else None)
    if kind == "torsion":
        if "rotation" not in merged or "axis" not in merged:
            return Refusal("a torsion needs rotation and axis (or a name like 'L on L')",
                           ("rotation", "axis"), usage=True)
        out = _canonical("torsion", merged["rotation"], merged["axis"])
        if merged.get("direction", out["direction"]) != out["direction"]:
            return Refusal(f"{out['name']} is a {out['direction']} torsion, not "
                           f"{merged['direction']} (same letters forward, different backward)",
                           ("direction", "rotation", "axis"))
        if merged.get("side") is not None:
            return Refusal("a torsion has rotation and axis, not side", ("side",))
        return out
    if kind in KINDS:
        if merged.get("side") is None:
            return Refusal(f"{kind} needs side", ("side",), usage=True)
        extra = [k for k in ("rotation", "axis", "direction") if merged.get(k) is not None]
        if extra:
            return Refusal(f"a unilateral dysfunction has a side, not {', '.join(extra)}",
                           tuple(extra))
        return _canonical(kind, side=merged["side"])
    return Refusal("sacrum diagnosis needs kind (or a name like 'L on L')", ("kind",), usage=True)


def all_diagnoses() -> list[dict]:
    out = [_canonical("torsion", r, a) for r in ("L", "R") for a in ("L", "R")]
    out += [_canonical(kind, side=s) for kind in KINDS[1:] for s in ("L", "R")]
    return out


def family(diagnosis: Mapping) -> str:
    if diagnosis["kind"] == "torsion":
        return f"{diagnosis['direction']} torsion"
    return diagnosis["kind"].replace("_", " ")


REGION = Region("sacrum", finding_keys, diagnosis_keys, derive, forward, render, all_diagnoses,
                family, ("forward torsion", "backward torsion", "unilateral flexion",
                         "unilateral extension"), accept)
