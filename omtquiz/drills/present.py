"""A case as a student reads it: findings in words, the question, the answer with its rules.

Plain text lines only (the deck renderer escapes and wraps them in HTML, the Anki export and
the drill screen use them as they are), so every surface words a case the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from omtquiz.drills.cases import Case

LABELS = {
    "levels": "Level(s)", "posterior_tp": "Posterior transverse process",
    "flexion": "Asymmetry in flexion", "extension": "Asymmetry in extension",
    "translation_free": "Translation free to the", "free_in": "Freedom shows in",
    "rotation_free": "Rotation free to the (neck flexed)",
    "seated_flexion": "Seated flexion test positive", "deep_sulcus": "Deep sacral sulcus",
    "posterior_ila": "Posterior ILA", "ila_inferior": "Inferior ILA",
    "spring": "Lumbosacral spring test", "sphinx": "Sphinx (backward bending) test",
    "l5_rotation": "L5 rotated", "standing_flexion": "Standing flexion test positive",
    "asis": "ASIS (that side)", "psis": "PSIS (that side)",
    "pubic_tubercle": "Pubic tubercle (that side)", "leg": "Leg length (that side)",
    "ribs": "Rib(s)", "side": "Side", "restricted_in": "Restricted in",
}
VALUES = {
    ("flexion", "better"): "better (more symmetric)", ("flexion", "worse"): "worse",
    ("flexion", "same"): "unchanged", ("extension", "better"): "better (more symmetric)",
    ("extension", "worse"): "worse", ("extension", "same"): "unchanged",
    ("sphinx", "better"): "sulci more symmetric", ("sphinx", "worse"): "sulci less symmetric",
    ("sphinx", "same"): "no change", ("ila_inferior", "none"): "level",
}
REGION_TITLES = {"spine": "thoracic and lumbar segments", "cervical": "cervical segments",
                 "sacrum": "the sacrum", "innominate": "the innominates", "pubic": "the pubis",
                 "rib": "the ribs", "counterstrain": "counterstrain tender points"}
COUNTERSTRAIN_QUESTION = ("What is its counterstrain position of ease: flexion or extension, "
                          "and sidebending and rotation toward or away from the point?")
QUESTIONS = {
    "findings_to_name": "Name the somatic dysfunction.",
    "name_to_findings": "What does the examiner find?",
    "name_to_setup": "How is it set up for muscle energy, and what does the patient do?",
}


def case_seed(item_key: str, reps: int) -> int:
    """The seed of an item's case at its `reps`-th review: fresh each review, the same on undo."""
    import hashlib  # here, not at the top: the deck list loads this module, not OpenSSL

    digest = hashlib.sha256(f"{item_key}#{reps}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def finding_lines(found: Mapping) -> list[str]:
    return [f"{LABELS.get(key, key)}: {VALUES.get((key, value), value)}"
            for key, value in found.items() if value is not None]


def asked_name(case: Case) -> str:
    """The diagnosis as a question states it: an exhaled rib's muscle is what a set-up asks."""
    name, muscle = case.diagnosis["name"], case.diagnosis.get("met_muscle")
    return name.removesuffix(f", {muscle}") if muscle else name


def question_lines(case: Case) -> list[str]:
    if case.region == "counterstrain":
        return [f"Tender point: {case.diagnosis['point']} ({case.diagnosis['view']})",
                f"Location: {case.diagnosis['location']}", COUNTERSTRAIN_QUESTION]
    if case.direction == "findings_to_name":
        return [*finding_lines(case.findings), QUESTIONS[case.direction]]
    return [f"Diagnosis: {asked_name(case)}", QUESTIONS[case.direction]]


def answer_lines(case: Case) -> list[str]:
    """The answer, then the rules that decide it."""
    if case.direction == "name_to_findings":
        return finding_lines(case.findings)
    if case.region == "counterstrain" and case.setup:
        return [*(f"Position of ease: {p}" for p in case.setup["position"]),
                f"Then: {case.setup['effort']}"]
    if case.direction == "name_to_setup" and case.setup:
        return [*(f"Position: {p}" for p in case.setup["position"]),
                f"Patient: {case.setup['effort']}"]
    return [case.diagnosis["name"]]


def replay_hint(case: Case, levels: str | None = None) -> str:
    where = f" --levels '{levels}'" if levels else ""
    return (f"case seed {case.seed}: omtquiz drill case {case.region} --seed {case.seed} "
            f"--kinds '{case.family}'{where} --direction {case.direction}")


MARK_NAMES = {"flexion": "flexion/extension"}  # counterstrain's F/E component


def mark_lines(result) -> list[tuple[bool, str]]:
    """A graded answer, component by component: (right?, "rotation: L (you: R)")."""
    if result.unread:
        return [(False, f"not read: {result.unread}")]
    out = []
    for mark in result.marks:
        name = MARK_NAMES.get(mark.component, mark.component.replace("_", " "))
        if mark.correct:
            out.append((True, f"{name}: {mark.expected}"))
        else:
            given = "nothing" if mark.given is None else mark.given
            out.append((False, f"{name}: {mark.expected} (you: {given})"))
    return out
