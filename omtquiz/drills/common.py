"""The values every drill region shares: sides, refusals, verdicts, and the findings checker.

A region module states its rules twice, once in each direction: `forward(diagnosis)` says what an
examiner finds, `derive(findings)` reads a diagnosis off the deciding findings. `Region.solve`
then runs the forward rules on what it derived and compares every other finding with what the
rules predict, so a finding that disagrees is named instead of silently ignored. Problems come
back as `Refusal` values, never as exceptions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SIDES = ("left", "right")
LETTER = {"left": "L", "right": "R"}
WORD = {"L": "left", "R": "right"}


def other(side: str) -> str:
    """The opposite side, in the spelling given: left/right or L/R."""
    return {"left": "right", "right": "left", "L": "R", "R": "L"}[side]


def letter(side: str) -> str:
    return LETTER.get(side, side)


def word(side: str) -> str:
    return WORD.get(side, side)


def mirror_value(value: Any) -> Any:
    """Swap left and right in a finding or diagnosis value (names are re-rendered, not swapped)."""
    if isinstance(value, str) and value in ("left", "right", "L", "R"):
        return other(value)
    return value


@dataclass(frozen=True)
class Refusal:
    """Findings or a diagnosis the rules cannot accept, with the keys that caused it.

    usage=True: malformed input (unknown key, value outside the contract), the CLI's exit 2.
    usage=False: well-formed input that fits no dysfunction or contradicts itself, exit 1.
    """

    message: str
    keys: tuple[str, ...] = ()
    usage: bool = False

    def to_dict(self) -> dict:
        return {"error": self.message, "keys": list(self.keys),
                "kind": "usage" if self.usage else "contradiction"}


@dataclass(frozen=True)
class Answer:
    """A solved diagnosis (solve) or a set of findings (forward), with the rules that decided it."""

    region: str
    value: dict
    steps: tuple[str, ...]
    convention: str | None = None

    @property
    def explanation(self) -> str:
        return "; ".join(self.steps)

    def to_dict(self) -> dict:
        out = dict(self.value)
        out["explanation"] = list(self.steps)
        if self.convention:
            out["convention"] = self.convention
        return out


@dataclass(frozen=True)
class Key:
    """One input key: the values it may take, and whether it may be left out."""

    values: tuple
    required: bool = True


def check_keys(given: Mapping, spec: Mapping[str, Key], what: str) -> Refusal | None:
    """Unknown keys, missing required keys and values outside the contract are usage errors."""
    if not isinstance(given, Mapping):
        return Refusal(f"{what} must be a JSON object", usage=True)
    unknown = sorted(set(given) - set(spec))
    if unknown:
        return Refusal(f"unknown {what} key(s): {', '.join(unknown)}; known: "
                       f"{', '.join(spec)}", tuple(unknown), usage=True)
    missing = [k for k, s in spec.items() if s.required and k not in given]
    if missing:
        return Refusal(f"missing {what} key(s): {', '.join(missing)}", tuple(missing), usage=True)
    for key, value in given.items():
        allowed = spec[key].values
        if allowed and value not in allowed:
            shown = ", ".join("null" if v is None else repr(v) for v in allowed)
            return Refusal(f"{what} {key!r} is {value!r}; expected one of {shown}", (key,),
                           usage=True)
    return None


def components(diagnosis: Mapping, spec: Mapping[str, Key], what: str,
               parse: Callable[[str], Mapping | Refusal],
               parts: Iterable[str] | None = None) -> dict | Refusal:
    """A diagnosis's components from its keys and from its `name` in any usual notation,
    refusing where the two disagree; only `parts` when given."""
    problem = check_keys(diagnosis, spec, f"{what} diagnosis")
    if problem:
        return problem
    wanted = None if parts is None else set(parts)
    merged = {k: v for k, v in diagnosis.items() if v is not None
              and k not in ("name", "full_name") and (wanted is None or k in wanted)}
    if diagnosis.get("name"):
        parsed = parse(str(diagnosis["name"]))
        if isinstance(parsed, Refusal):
            return parsed
        for key, value in parsed.items():
            if wanted is not None and key not in wanted:
                continue
            if key in merged and str(merged[key]).upper() != str(value).upper():
                return Refusal(f"name {diagnosis['name']!r} says {key} {value!r} but {key} is "
                               f"{merged[key]!r}", ("name", key))
            merged.setdefault(key, value)
    return merged


@dataclass
class Derivation:
    """What derive() read off the findings: the diagnosis, the rule steps, the deciding keys."""

    diagnosis: dict
    steps: list[str] = field(default_factory=list)
    decided_by: list[str] = field(default_factory=list)
    convention: str | None = None

    def rule(self, text: str, *keys: str) -> None:
        self.steps.append(text)
        self.decided_by.extend(k for k in keys if k not in self.decided_by)


def contradictions(findings: Mapping, expected: Mapping, derivation: Derivation,
                   accept: Mapping[str, Iterable] | None = None,
                   ignore: Iterable[str] = ()) -> Refusal | None:
    """Compare every finding the diagnosis did not rest on with what the rules predict for it."""
    accept = accept or {}
    skip = set(ignore)
    for key, value in findings.items():
        if key in skip or key in derivation.decided_by or key not in expected:
            continue
        if value is None:  # not assessed
            continue
        allowed = {expected[key], *accept.get(key, ())}
        if value not in allowed:
            name = derivation.diagnosis.get("name", "this dysfunction")
            basis = ", ".join(f"{k} {findings[k]!r}" for k in derivation.decided_by
                              if k in findings)
            return Refusal(
                f"{key} {value!r} contradicts {basis}: those make it {name}, which has {key} "
                f"{expected[key]!r}",
                (key, *derivation.decided_by),
            )
    return None


@dataclass(frozen=True)
class Region:
    """One region's rules, as the rest of the package sees them."""

    name: str
    finding_keys: Callable[[Mapping], Mapping[str, Key]]
    diagnosis_keys: Callable[[Mapping], Mapping[str, Key]]
    derive: Callable[[Mapping], Derivation | Refusal]
    forward: Callable[[Mapping], tuple[dict, list[str]]]
    render: Callable[[Mapping], dict | Refusal]
    all_diagnoses: Callable[[], list[dict]]
    family: Callable[[Mapping], str]
    families: tuple[str, ...]
    accept: Callable[[Mapping], Mapping[str, Iterable]] = lambda _d: {}

    def solve(self, findings: Mapping) -> Answer | Refusal:
        problem = check_keys(findings, self.finding_keys(findings), f"{self.name} finding")
        if problem:
            return problem
        derived = self.derive(findings)
        if isinstance(derived, Refusal):
            return derived
        expected, _ = self.forward(derived.diagnosis)
        problem = contradictions(findings, expected, derived, self.accept(derived.diagnosis))
        if problem:
            return problem
        return Answer(self.name, derived.diagnosis, tuple(derived.steps), derived.convention)

    def findings(self, diagnosis: Mapping) -> Answer | Refusal:
        completed = self.render(diagnosis)
        if isinstance(completed, Refusal):
            return completed
        found, steps = self.forward(completed)
        return Answer(self.name, found, tuple(steps))
