"""Reading the notations students and textbooks write, into diagnosis components.

"T5 FRlSl", "T5 F RL SL", "T5 flexed rotated left sidebent left", "T5 FRS left", "T3-T8 NSlRr",
"OA E SL RR", "AA RL", "L on L", "left on left", "left unilateral sacral flexion", "right
anterior innominate", "left upslip", "exhaled ribs 3-5, key rib 3". A parse returns only the
components the text states, so grading can mark each one; text it cannot read is a Refusal.
"""

from __future__ import annotations

import re

from omtquiz.drills.common import Refusal

_LEVEL = r"(OA|AA|C[0-7]|T1[0-2]|T[1-9]|L[1-5])"
_LEVEL_TAIL = r"(?:\s*(?:-|–|—|to|through)\s*(C[0-7]|T1[0-2]|T[1-9]|L[1-5]|1[0-2]|[1-9]))?"
_LEVELS = re.compile(r"^\s*" + _LEVEL + _LEVEL_TAIL + r"(?![0-9])", re.IGNORECASE)

_WORDS = [
    (r"side[\s-]*bent|side[\s-]*bending|side[\s-]*bends?|sidebent|sidebending|sb", " s "),
    (r"flexed|flexion|flex", " f "),
    (r"extended|extension|ext", " e "),
    (r"neutral", " n "),
    (r"rotated|rotation|rotates|rot", " r "),
    (r"left|lt", " l "),
    (r"right|rt", " r "),
    (r"to|the|and|is|in", " "),
]

_COMPONENTS = [
    (re.compile(r"r([lr])s([lr])"), ("rotation", "sidebending")),
    (re.compile(r"s([lr])r([lr])"), ("sidebending", "rotation")),
    (re.compile(r"(?:rs|sr)([lr])"), ("both",)),
    (re.compile(r"r([lr])"), ("rotation",)),
    (re.compile(r"s([lr])"), ("sidebending",)),
]


def split_levels(text: str) -> tuple[str | None, str]:
    """('T3-T8', rest) from 'T3-T8 NSlRr'; 'T3-8' reads as T3-T8."""
    match = _LEVELS.match(text)
    if not match:
        return None, text
    first, last = match.group(1).upper(), match.group(2)
    if last:
        last = last.upper()
        if last.isdigit():
            last = first[0] + last
        return f"{first}-{last}", text[match.end():]
    return first, text[match.end():]


def _compact(text: str) -> str:
    low = " " + text.lower() + " "
    for pattern, letter in _WORDS:
        low = re.sub(rf"(?<![a-z]){pattern}(?![a-z])", letter, low)
    return re.sub(r"[^a-z]", "", low)


def parse_segment(text: str) -> dict | Refusal:
    """Components of a vertebral diagnosis: levels, position, rotation, sidebending (as stated)."""
    levels, rest = split_levels(text)
    compact = _compact(rest)
    out: dict = {}
    if levels:
        out["levels"] = levels
    keys = _KEYS.fullmatch(compact)
    if keys:  # component keys: position, rotation side, sidebending side ("FLL")
        out.update(position=keys.group(1).upper(), rotation=keys.group(2).upper(),
                   sidebending=keys.group(3).upper())
        return out
    position = None
    if compact[:1] in ("f", "e", "n") and not _ROTATION_ONLY.fullmatch(compact):
        position, compact = compact[0], compact[1:]
    elif compact[-1:] in ("f", "e", "n"):
        position, compact = compact[-1], compact[:-1]
    if position:
        out["position"] = position.upper()
    if compact:
        for pattern, names in _COMPONENTS:
            match = pattern.fullmatch(compact)
            if match:
                if names == ("both",):
                    out["rotation"] = out["sidebending"] = match.group(1).upper()
                else:
                    for name, side in zip(names, match.groups(), strict=True):
                        out[name] = side.upper()
                break
        else:
            return Refusal(f"cannot read {text!r} as a segmental diagnosis (e.g. 'T5 FRlSl', "
                           "'T5 F RL SL', 'T5 flexed rotated left sidebent left')", ("name",),
                           usage=True)
    if not out:
        return Refusal(f"{text!r} names no level or component", ("name",), usage=True)
    return out


_ROTATION_ONLY = re.compile(r"r([lr])")
_KEYS = re.compile(r"([fen])([lr])([lr])")
_SIDE = r"(left|right|l|r)"


def _side(token: str) -> str:
    return token[0].upper()


def parse_sacrum(text: str) -> dict | Refusal:
    """'L on L', 'left on left', 'LoL', 'left rotation on a left oblique axis', 'left unilateral
    sacral flexion', 'right sacral shear' (= unilateral flexion in some texts)."""
    low = text.lower()
    unilateral = re.search(rf"\b{_SIDE}\b.*?\b(flexion|flexed|extension|extended|shear)\b", low)
    if unilateral and "on" not in low.split():
        kind = "unilateral_extension" if unilateral.group(2).startswith("ext") else \
            "unilateral_flexion"
        return {"kind": kind, "side": _side(unilateral.group(1))}
    squeezed = re.sub(r"\b(sacral|torsion|rotation|rotated|oblique|axis|a|the|forward|backward|"
                      r"anterior|posterior)\b", " ", low)
    squeezed = re.sub(r"[\s\-]+", "", squeezed)
    match = re.fullmatch(r"(left|right|l|r)(?:on|o|/)?(left|right|l|r)", squeezed)
    if not match:
        return Refusal(f"cannot read {text!r} as a sacral diagnosis (e.g. 'L on L', 'left on "
                       "right', 'left unilateral sacral flexion')", ("name",), usage=True)
    out = {"kind": "torsion", "rotation": _side(match.group(1)), "axis": _side(match.group(2))}
    if re.search(r"\b(forward|anterior)\b", low):
        out["direction"] = "forward"
    elif re.search(r"\b(backward|posterior)\b", low):
        out["direction"] = "backward"
    return out


_PELVIS_KINDS = [
    (r"anterior(ly)?\s*(rotat\w*|innominate)|anterior\b", "anterior_rotation"),
    (r"posterior(ly)?\s*(rotat\w*|innominate)|posterior\b", "posterior_rotation"),
    (r"up\s*-?slip|superior\s*(innominate\s*)?shear", "superior_shear"),
    (r"down\s*-?slip|inferior\s*(innominate\s*)?shear", "inferior_shear"),
    (r"in\s*-?flare|medial\s*flare", "inflare"),
    (r"out\s*-?flare|lateral\s*flare", "outflare"),
]


def _pelvic_side(low: str) -> str | None:
    match = re.search(r"\b(left|right|lt|rt|l|r)\b", low)
    return match.group(1)[0].upper() if match else None


def parse_innominate(text: str) -> dict | Refusal:
    low = text.lower()
    out: dict = {}
    side = _pelvic_side(low)
    if side:
        out["side"] = side
    for pattern, kind in _PELVIS_KINDS:
        if re.search(pattern, low):
            out["kind"] = kind
            break
    if "kind" not in out:
        return Refusal(f"cannot read {text!r} as an innominate diagnosis (e.g. 'left anterior "
                       "innominate', 'right upslip', 'left inflare')", ("name",), usage=True)
    return out


def parse_pubic(text: str) -> dict | Refusal:
    low = text.lower()
    match = re.search(r"\b(superior|inferior)\b", low)
    if not match:
        return Refusal(f"cannot read {text!r} as a pubic diagnosis (e.g. 'left superior pubic "
                       "shear')", ("name",), usage=True)
    out = {"kind": f"{match.group(1)}_shear"}
    side = _pelvic_side(low)
    if side:
        out["side"] = side
    return out


def parse_rib(text: str) -> dict | Refusal:
    """'exhaled ribs 3-5 key rib 3', 'inhalation dysfunction, key rib 5, pump handle'."""
    low = text.lower()
    out: dict = {}
    match = re.search(r"\b(inhal\w*|exhal\w*|inspir\w*|expir\w*)", low)
    if match:
        inhaled = match.group(1).startswith(("inh", "insp"))
        out["dysfunction"] = "inhalation" if inhaled else "exhalation"
    group = re.search(r"(?<!key )\bribs?\s*(\d{1,2})(?:\s*(?:-|–|to|through)\s*(\d{1,2}))?", low)
    if group:
        out["ribs"] = group.group(1) + (f"-{group.group(2)}" if group.group(2) else "")
    side = re.search(r"\b(left|right)\b", low)
    if side:
        out["side"] = side.group(1)[0].upper()
    key = re.search(r"key\s*(?:rib)?\s*(?:is\s*)?(?:#|no\.?\s*)?(\d{1,2})", low)
    if key:
        out["key_rib"] = int(key.group(1))
    for motion in ("pump", "bucket", "caliper"):
        if motion in low:
            out["motion"] = {"pump": "pump_handle", "bucket": "bucket_handle"}.get(motion, motion)
    muscles = [canonical_muscle(m, low) for m in re.findall(
        r"(scalene\w*|pectoralis minor|pec minor|serratus anterior|latissimus dorsi|"
        r"latissimus|\blats?\b|quadratus lumborum|\bql\b)", low)]
    if muscles:
        out["met_muscle"] = " and ".join(dict.fromkeys(muscles))
    if not out:
        return Refusal(f"cannot read {text!r} as a rib diagnosis (e.g. 'exhalation, key rib 3, "
                       "pump handle, pectoralis minor')", ("name",), usage=True)
    return out


def canonical_muscle(found: str, context: str = "") -> str:
    found = found.lower()
    if found.startswith("scalene"):
        return "posterior scalene" if "posterior" in context else "anterior and middle scalenes"
    return {"pec minor": "pectoralis minor", "latissimus": "latissimus dorsi",
            "lat": "latissimus dorsi", "lats": "latissimus dorsi",
            "ql": "quadratus lumborum"}.get(found, found)
