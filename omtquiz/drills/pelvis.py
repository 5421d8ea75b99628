"""Innominate and pubic dysfunctions, both directions.

Rules (sources in docs/drills.md): the standing flexion test is positive on the side of the
dysfunction, and the landmarks are read on that side.
- Anterior rotation: ASIS inferior, PSIS superior, leg longer. Posterior rotation: ASIS
  superior, PSIS inferior, leg shorter. (The pubic tubercle barely moves: level, or slightly
  with the ASIS in some texts; both accepted.)
- Superior shear (upslip): ASIS, PSIS and pubic tubercle superior, leg shorter. Inferior shear:
  all inferior, leg longer.
- Inflare: ASIS medial (nearer the umbilicus); outflare: ASIS lateral; leg lengths equal.
- Pubic shear: the pubic tubercle superior or inferior on the side of the positive standing
  flexion test, ASIS and PSIS level.
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
    word,
)
from omtquiz.drills.notation import parse_innominate, parse_pubic

KINDS = ("anterior_rotation", "posterior_rotation", "superior_shear", "inferior_shear",
         "inflare", "outflare")
LEVEL3 = ("superior", "inferior", "level")

# Each kind's landmarks on the side of the positive standing flexion test: the forward model.
LANDMARKS = {
    "anterior_rotation": {"asis": "inferior", "psis": "superior", "pubic_tubercle": "level",
                          "leg": "longer"},
    "posterior_rotation": {"asis": "superior", "psis": "inferior", "pubic_tubercle": "level",
                           "leg": "shorter"},
    "superior_shear": {"asis": "superior", "psis": "superior", "pubic_tubercle": "superior",
                       "leg": "shorter"},
    "inferior_shear": {"asis": "inferior", "psis": "inferior", "pubic_tubercle": "inferior",
                       "leg": "longer"},
    "inflare": {"asis": "medial", "psis": "level", "pubic_tubercle": "level", "leg": "equal"},
    "outflare": {"asis": "lateral", "psis": "level", "pubic_tubercle": "level", "leg": "equal"},
}
WHY = {
    "anterior_rotation": "the innominate rotated anteriorly: ASIS down, PSIS up; the acetabulum "
                         "moves down and the leg reads longer",
    "posterior_rotation": "the innominate rotated posteriorly: ASIS up, PSIS down; the leg reads "
                          "shorter",
    "superior_shear": "the whole innominate slid up: ASIS, PSIS and pubic tubercle superior, leg "
                      "shorter",
    "inferior_shear": "the whole innominate slid down: ASIS, PSIS and pubic tubercle inferior, "
                      "leg longer",
    "inflare": "the ilium turned in about a vertical axis: ASIS medial, no change in leg length",
    "outflare": "the ilium turned out about a vertical axis: ASIS lateral, no change in leg "
                "length",
}


def innominate_finding_keys(_findings: Mapping) -> dict[str, Key]:
    return {"standing_flexion": Key(SIDES),
            "asis": Key(("superior", "inferior", "medial", "lateral", "level")),
            "psis": Key(LEVEL3), "pubic_tubercle": Key(LEVEL3),
            "leg": Key(("longer", "shorter", "equal"))}


def innominate_diagnosis_keys(_diagnosis: Mapping) -> dict[str, Key]:
    return {"side": Key(("L", "R"), False), "kind": Key(KINDS, False), "name": Key((), False)}


def _innominate(side: str, kind: str) -> dict:
    return {"side": side, "kind": kind, "name": f"{word(side)} {kind.replace('_', ' ')}"}


def _innominate_kind(asis: str, psis: str) -> str | None:
    if asis == "medial":
        return "inflare"
    if asis == "lateral":
        return "outflare"
    if asis == "inferior" and psis == "superior":
        return "anterior_rotation"
    if asis == "superior" and psis == "inferior":
        return "posterior_rotation"
    if asis == psis == "superior":
        return "superior_shear"
    if asis == psis == "inferior":
        return "inferior_shear"
    return None


def innominate_derive(findings: Mapping) -> Derivation | Refusal:
    side, asis, psis = findings["standing_flexion"], findings["asis"], findings["psis"]
    kind = _innominate_kind(asis, psis)
    if kind is None:
        if asis == psis == "level" and findings["pubic_tubercle"] != "level":
            return Refusal(
                f"ASIS and PSIS level with the pubic tubercle {findings['pubic_tubercle']}: "
                "that is a pubic shear (region 'pubic'), not an innominate dysfunction",
                ("asis", "psis", "pubic_tubercle"))
        return Refusal(
            f"asis {asis!r} with psis {psis!r} fits no innominate dysfunction: rotations move "
            "ASIS and PSIS in opposite directions, shears move both the same way, flares move "
            "the ASIS medial or lateral", ("asis", "psis"))
    out = Derivation({})
    out.rule(f"standing flexion test positive on the {side} -> {side} innominate",
             "standing_flexion")
    if kind.endswith("flare"):
        out.rule(f"ASIS {asis} -> {kind} ({WHY[kind]})", "asis")
    else:
        out.rule(f"ASIS {asis}, PSIS {psis} -> {kind.replace('_', ' ')} ({WHY[kind]})", "asis",
                 "psis")
    out.diagnosis = _innominate(letter(side), kind)
    return out


def innominate_forward(diagnosis: Mapping) -> tuple[dict, list[str]]:
    side, kind = word(diagnosis["side"]), diagnosis["kind"]
    found = {"standing_flexion": side, **LANDMARKS[kind]}
    return found, [f"{side} innominate -> standing flexion test positive on the {side}",
                   f"{kind.replace('_', ' ')} -> {WHY[kind]}"]


def innominate_accept(diagnosis: Mapping) -> dict:
    # Some texts have the pubic tubercle follow the ASIS a little in a rotation.
    if diagnosis["kind"] == "anterior_rotation":
        return {"pubic_tubercle": ("inferior",)}
    if diagnosis["kind"] == "posterior_rotation":
        return {"pubic_tubercle": ("superior",)}
    return {}


def _render(diagnosis: Mapping, keys, parse, what: str, make) -> dict | Refusal:
    merged = components(diagnosis, keys(diagnosis), what, parse)
    if isinstance(merged, Refusal):
        return merged
    missing = [k for k in ("side", "kind") if k not in merged]
    if missing:
        return Refusal(f"{what} diagnosis lacks {', '.join(missing)}", tuple(missing), usage=True)
    return make(merged["side"], merged["kind"])


def innominate_render(diagnosis: Mapping) -> dict | Refusal:
    return _render(diagnosis, innominate_diagnosis_keys, parse_innominate, "innominate",
                   _innominate)


def innominate_all() -> list[dict]:
    return [_innominate(side, kind) for kind in KINDS for side in ("L", "R")]


def innominate_family(diagnosis: Mapping) -> str:
    kind = diagnosis["kind"]
    return "flare" if kind.endswith("flare") else kind.split("_")[1]


INNOMINATE = Region("innominate", innominate_finding_keys, innominate_diagnosis_keys,
                    innominate_derive, innominate_forward, innominate_render, innominate_all,
                    innominate_family, ("rotation", "shear", "flare"), innominate_accept)


PUBIC_KINDS = ("superior_shear", "inferior_shear")


def pubic_finding_keys(_findings: Mapping) -> dict[str, Key]:
    return {"standing_flexion": Key(SIDES), "pubic_tubercle": Key(LEVEL3),
            "asis": Key(("level", None), False), "psis": Key(("level", None), False)}


def pubic_diagnosis_keys(_diagnosis: Mapping) -> dict[str, Key]:
    return {"side": Key(("L", "R"), False), "kind": Key(PUBIC_KINDS, False),
            "name": Key((), False)}


def _pubic(side: str, kind: str) -> dict:
    return {"side": side, "kind": kind,
            "name": f"{word(side)} {kind.split('_')[0]} pubic shear"}


def pubic_derive(findings: Mapping) -> Derivation | Refusal:
    side, tubercle = findings["standing_flexion"], findings["pubic_tubercle"]
    if tubercle == "level":
        return Refusal("pubic_tubercle 'level' fits no pubic shear: a pubic shear is named for "
                       "a superior or inferior pubic tubercle on the side of the positive "
                       "standing flexion test", ("pubic_tubercle",))
    out = Derivation({})
    out.rule(f"standing flexion test positive on the {side} -> {side} pubic dysfunction",
             "standing_flexion")
    out.rule(f"pubic tubercle {tubercle} on the {side} -> {tubercle} pubic shear",
             "pubic_tubercle")
    out.diagnosis = _pubic(letter(side), f"{tubercle}_shear")
    return out


def pubic_forward(diagnosis: Mapping) -> tuple[dict, list[str]]:
    side, tubercle = word(diagnosis["side"]), diagnosis["kind"].split("_")[0]
    return ({"standing_flexion": side, "pubic_tubercle": tubercle, "asis": "level",
             "psis": "level"},
            [f"{side} pubic shear -> standing flexion test positive on the {side}",
             f"{tubercle} shear -> pubic tubercle {tubercle} on the {side}; ASIS and PSIS "
             "level (only the pubic bone moved)"])


def pubic_render(diagnosis: Mapping) -> dict | Refusal:
    return _render(diagnosis, pubic_diagnosis_keys, parse_pubic, "pubic", _pubic)


def pubic_all() -> list[dict]:
    return [_pubic(side, kind) for kind in PUBIC_KINDS for side in ("L", "R")]


PUBIC = Region("pubic", pubic_finding_keys, pubic_diagnosis_keys, pubic_derive, pubic_forward,
               pubic_render, pubic_all, lambda d: d["kind"].replace("_", " "),
               ("superior shear", "inferior shear"))
