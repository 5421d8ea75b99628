"""Counterstrain set-ups: a tender point -> its position of ease, graded per component.

Unlike the diagnosis regions, the facts here are not derived from a rule alone: where each
tender point is and how it is positioned are records in a deck (decks/22-counterstrain-tender-
points.yaml, each confirmed in two sources). The deck layer hands them in as plain mappings;
`tender_point` reads one into a `TenderPoint`, and refuses it when its position and the rule
disagree without the record saying why. The rule (docs/drills.md, sources there): anterior
points are treated in flexion, posterior points in extension; sidebending and rotation are then
toward or away from the point, and the records give them. A record that departs from the rule
in flexion/extension must carry an `exception:` saying so (AC1, PC1 inion, PR2-PR6, LPL5,
piriformis), so rule and records cannot drift apart silently.

The answer has up to three components: F/E, sidebending toward/away (ST/SA), rotation toward/away
(RT/RA). Where sources differ a record lists each version; grading takes the version closest to
the answer and marks each component that version states. Pure Python: no deck, no Qt.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from omtquiz.drills.common import Refusal

REGION = "counterstrain"
FAMILY_OF_PREFIX = {"cer": "cervical", "tho": "thoracic", "rib": "rib", "lum": "lumbar and pelvic"}
FAMILIES = tuple(FAMILY_OF_PREFIX.values())
COMPONENTS = ("flexion", "sidebending", "rotation")
RULE = {"anterior": "F", "posterior": "E"}
WORDS = {"F": "flexion", "E": "extension", "toward": "toward", "away": "away"}
HOLD = ("hold the position of ease about 90 seconds (rib points 120 seconds) while monitoring "
        "the point, which should be at least 70% less tender; then return the patient slowly "
        "and passively to neutral and recheck the point")
_CODE = re.compile(r"\(([^()]*)\)\s*$")
_TOKEN = re.compile(r"F|E|S[TA]|R[TA]")


@dataclass(frozen=True)
class Position:
    """One version of a point's position of ease; None where that version leaves a plane out."""

    flexion: str | None
    sidebending: str | None
    rotation: str | None
    text: str

    def parts(self) -> dict:
        return {c: getattr(self, c) for c in COMPONENTS if getattr(self, c) is not None}

    @property
    def code(self) -> str:
        letters = {"flexion": "", "sidebending": "S", "rotation": "R"}
        return " ".join(letters[c] + ("T" if v == "toward" else "A" if v == "away" else v)
                        for c, v in self.parts().items())


@dataclass(frozen=True)
class TenderPoint:
    """A tender point record: where it is and its position(s) of ease, with the citation."""

    id: str
    name: str
    view: str  # anterior | posterior
    location: str
    family: str
    positions: tuple[Position, ...]
    source: str  # the record's citation, shown with every explanation
    exception: str | None = None

    @property
    def position(self) -> Position:
        return self.positions[0]


def _codes(text: str) -> dict | None:
    """'F SA RA', 'FSARA', 'E ST RT', 'f-F', 'RA' -> components; None when it is not a code."""
    compact = re.sub(r"[\s,;/]+", "", text).upper()
    if compact in ("F-F", "E-E"):
        compact = compact[0]
    tokens = _TOKEN.findall(compact)
    if not tokens or "".join(tokens) != compact:
        return None
    out: dict = {}
    for token in tokens:
        key = "flexion" if token in ("F", "E") else \
            "sidebending" if token[0] == "S" else "rotation"
        value = token if key == "flexion" else ("toward" if token[1] == "T" else "away")
        if key in out and out[key] != value:
            return None
        out[key] = value
    return out


def _words(text: str) -> dict:
    """Components from prose ("Flexion, sidebending away, rotation toward", "hip extended")."""
    low = text.lower()
    out: dict = {}
    flexed = re.search(r"\bflex(?:ion|ed)\b", low)
    extended = re.search(r"\bextend(?:ed|ing)?\b|\bextension\b", low)
    if flexed and (not extended or flexed.start() < extended.start()):
        out["flexion"] = "F"
    elif extended:
        out["flexion"] = "E"
    for key, stem in (("sidebending", r"side ?bend\w*"), ("rotation", r"rotat\w*")):
        found = re.search(stem + r"\s+(toward|towards|away)", low)
        if found:
            out[key] = "toward" if found.group(1).startswith("toward") else "away"
    return out


def read_position(text: str) -> Position | None:
    """A record's treatment text -> a Position (its trailing (code) wins over its words)."""
    code = _CODE.search(text)
    parts = _codes(code.group(1)) if code else None
    if parts is None:
        parts = _words(text)
    if not parts:
        return None
    return Position(parts.get("flexion"), parts.get("sidebending"), parts.get("rotation"),
                    text)


def _texts(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def treatment_field(fields: Mapping) -> tuple[str, str] | None:
    """The record's treatment field and the family its prefix names (cer_treatment: cervical)."""
    for name in fields:
        prefix, _, rest = str(name).partition("_")
        if rest == "treatment" and prefix in FAMILY_OF_PREFIX:
            return name, FAMILY_OF_PREFIX[prefix]
    return None


def tender_point(fields: Mapping, source: str, versions: Sequence[str] = ()) -> \
        TenderPoint | Refusal | None:
    """A record's fields -> a TenderPoint; None for a record with no treatment field (not a
    set-up); a Refusal when the record cannot be read or departs from the rule unexplained.
    `versions` are further texts of the treatment (other sources' versions)."""
    found = treatment_field(fields)
    if found is None:
        return None
    field, family = found
    name = str(fields.get("name") or fields.get("id"))
    view = str(fields.get("view", "")).lower()
    if view not in RULE:
        return Refusal(f"{name}: view must be anterior or posterior to apply the rule, not "
                       f"{view or 'missing'}", ("view",))
    positions = []
    for text in dict.fromkeys((*_texts(fields[field]), *versions)):
        position = read_position(text)
        if position is None:
            return Refusal(f"{name}: cannot read a position from {field} {text!r} (write "
                           "flexion/extension and, for example, '(F SA RA)')", (field,))
        positions.append(position)
    exception = fields.get("exception")
    exception = str(exception) if exception else None
    first = positions[0]
    if first.flexion not in (None, RULE[view]) and exception is None:
        return Refusal(f"{name}: a point seen from the {view} is treated in "
                       f"{WORDS[RULE[view]]} by the rule, "
                       f"but {field} gives {WORDS[first.flexion]}; add an `exception:` that says "
                       "why, or fix the position", (field, "exception"))
    location = str(fields.get("location") or "")
    return TenderPoint(str(fields.get("id", name)), name, view, location, family,
                       tuple(positions), source, exception)


# -- explaining, asking, grading ---------------------------------------------------------------
def explanation(point: TenderPoint) -> tuple[str, ...]:
    rule = RULE[point.view]
    article = "an" if point.view == "anterior" else "a"
    steps = [f"{point.name} is {article} {point.view} point: by the rule, {point.view} points "
             f"are treated in {WORDS[rule]}"]
    if point.exception:
        steps.append(f"exception: {point.exception}")
    first = point.position
    steps.append(f"position of ease: {first.text}")
    for other in point.positions[1:]:
        steps.append(f"sources differ; also taught: {other.text}")
    steps.append(f"source: {point.source}")
    return tuple(steps)


def diagnosis(point: TenderPoint) -> dict:
    """The answer as the rest of the drills see it: the point and its first position."""
    return {"point": point.name, "name": point.name, "view": point.view,
            "location": point.location, **{c: getattr(point.position, c) for c in COMPONENTS},
            "code": point.position.code, "versions": [p.parts() for p in point.positions]}


def setup(point: TenderPoint) -> dict:
    return {"position": [point.position.text], "effort": HOLD,
            "rule": f"{point.view} point: {WORDS[RULE[point.view]]} by the rule"
                    + (" (an exception)" if point.exception else "")}


def pick(points: Sequence[TenderPoint], seed: int,
         families: Sequence[str] | None = None) -> TenderPoint | Refusal:
    candidates = [p for p in points if not families or p.family in families]
    if not candidates:
        return Refusal(f"no counterstrain tender point of kind(s) {list(families or ())} among "
                       f"the {len(points)} given", ("kinds",), usage=True)
    rng = random.Random(seed)
    family = rng.choice(sorted({p.family for p in candidates}))
    return rng.choice([p for p in candidates if p.family == family])


def find(points: Sequence[TenderPoint], name: str) -> TenderPoint | Refusal:
    wanted = re.sub(r"[\s_-]+", "", str(name)).lower()
    for point in points:
        if wanted in (re.sub(r"[\s_-]+", "", point.name).lower(), point.id.replace("-", "")):
            return point
    known = ", ".join(p.name for p in points) or "none loaded"
    return Refusal(f"no counterstrain tender point {name!r}; known: {known}", ("point",),
                   usage=True)


def parse_answer(text: str) -> dict | Refusal:
    """'F SA RA', 'FSARA', 'flexion, sidebend away, rotate toward', 'E' -> components."""
    stripped = text.strip()
    parts = _codes(stripped)
    if parts is None:
        parts = _words(stripped) or None
        if parts is not None and re.search(r"[A-Za-z]", re.sub(
                r"\b(flex\w*|extend\w*|extension|side ?bend\w*|rotat\w*|toward\w*|away|and|"
                r"with|the|point|from|to|of|a)\b", "", stripped.lower())):
            parts = None
    if parts is None:
        return Refusal(f"cannot read {text!r} as a counterstrain position: write F or E, "
                       "sidebending toward/away (ST/SA) and rotation toward/away (RT/RA), e.g. "
                       "F SA RA", ("answer",), usage=True)
    return parts


def closest(versions: Sequence[Mapping], given: Mapping) -> Mapping:
    """The version the answer matches best (most components right, then fewest left out)."""
    def score(version: Mapping) -> tuple[int, int]:
        right = sum(given.get(c) == v for c, v in version.items())
        return right, -sum(c not in given for c in version)
    return max(versions, key=score)


def _compatible(parts: Mapping, version: Mapping) -> bool:
    """Whether two positions agree on every plane both state (then neither is wrong)."""
    return all(parts[c] == version[c] for c in parts if c in version)


def wrong_choices(diagnosis: Mapping, points: Sequence[TenderPoint], count: int,
                  rng: random.Random) -> list[str]:
    """Other points' positions that no sourced version of this point agrees with."""
    versions = diagnosis.get("versions") or []
    seen: set[str] = set()
    out = []
    others = [p for p in points if p.name != diagnosis["point"]]
    rng.shuffle(others)
    for point in others:
        position = point.position
        key = position.code
        if key in seen or any(_compatible(position.parts(), v) for v in versions):
            continue
        seen.add(key)
        out.append(position.text)
        if len(out) == count:
            break
    return out
