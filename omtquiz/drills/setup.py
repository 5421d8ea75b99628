"""Muscle energy set-up for a named dysfunction: the barrier in each plane and the patient's effort.

One rule does most of the work (sources in docs/drills.md): muscle energy is direct, so the
physician takes the part to the restrictive barrier, which is the opposite of every component
the dysfunction is named for; the patient then contracts toward the freedom (the named
components) against an equal counterforce for 3-5 seconds, relaxes, and the physician takes up
the new barrier, 3-5 times. Ribs and the unilateral sacral dysfunctions use respiration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from omtquiz.drills.common import Refusal, other, word

REPEAT = ("isometric contraction 3-5 seconds against the physician's equal counterforce; relax, "
          "take up the new barrier; repeat 3-5 times; reassess")


@dataclass(frozen=True)
class SetUp:
    """A muscle energy set-up: the position, the patient's effort and the rule behind it."""

    position: tuple[str, ...]
    effort: str
    rule: str

    def to_dict(self) -> dict:
        return {"position": list(self.position), "effort": self.effort, "rule": self.rule}


def _segment(d: Mapping) -> SetUp:
    barrier = {"F": "extend to the barrier", "E": "flex to the barrier",
               "N": "flexion/extension to neutral (localise to the group)"}[d["position"]]
    rotation, sidebending = word(d["rotation"]), word(d["sidebending"])
    freedom = {"F": "flexion", "E": "extension", "N": None}[d["position"]]
    effort = (f"the patient sidebends {sidebending} (or rotates {rotation}"
              + (f", or moves into {freedom}" if freedom else "") + ") toward the freedom; "
              + REPEAT)
    return SetUp((barrier, f"rotate {other(rotation)}", f"sidebend {other(sidebending)}"),
                 effort, f"{d['name']}: the barrier is the opposite of each named component")


def _aa(d: Mapping) -> SetUp:
    rotation = word(d["rotation"])
    return SetUp(("flex the neck about 45 degrees to lock C2-C7", f"rotate {other(rotation)} "
                  "to the barrier"),
                 f"the patient rotates {rotation} toward the freedom; " + REPEAT,
                 "AA: rotation only; flexion isolates it from C2-C7")


def _sacrum(d: Mapping) -> SetUp | Refusal:
    if d["kind"] == "torsion":
        axis = word(d["axis"])
        if d["direction"] == "backward":
            return Refusal(f"no muscle energy set-up is drilled for {d['name']}: only one source "
                           "for the backward-torsion set-up was confirmed", ("direction",))
        return SetUp((f"patient in the lateral Sims position on the {axis} side (the axis "
                      "side down), chest toward the table",
                      "knees flexed until motion reaches the lumbosacral junction, then both "
                      "legs lowered off the table edge"),
                     "the patient lifts the feet toward the ceiling against the physician's "
                     "downward counterforce; " + REPEAT,
                     f"{d['name']}: forward torsion, axis side down, face down")
    side = word(d["side"])
    if d["kind"] == "unilateral_flexion":
        return SetUp(("patient prone", f"{side} hip abducted and internally rotated until the "
                      "sacroiliac joint loosens",
                      f"heel of the hand on the {side} ILA, pressing toward the table and "
                      "cephalad"),
                     "the patient inhales deeply and holds while the physician presses; the "
                     "pressure is kept as the patient exhales; repeat 5-7 times",
                     "unilateral flexion: respiratory assistance, inhalation")
    return SetUp(("patient in the sphinx position (propped on the elbows)",
                  f"{side} hip abducted and internally rotated until the sacroiliac joint "
                  f"loosens", f"hand on the {side} (shallow) sacral sulcus, pressing anteriorly"),
                 "the patient exhales forcefully while the physician presses the base anteriorly; "
                 "the pressure is kept as the patient inhales; repeat 5-7 times",
                 "unilateral extension: respiratory assistance, forced exhalation")


def _innominate(d: Mapping) -> SetUp | Refusal:
    side = word(d["side"])
    if d["kind"] == "anterior_rotation":
        return SetUp(("patient supine", f"{side} hip and knee flexed toward the chest to the "
                      "barrier (posterior rotation)"),
                     "the patient tries to extend the hip (push the knee away) against the "
                     "physician's counterforce (hip extensors: gluteus maximus, hamstrings); "
                     + REPEAT,
                     "anterior innominate: the hip extensors rotate it posteriorly")
    if d["kind"] == "posterior_rotation":
        return SetUp(("patient supine at the table edge", f"{side} leg dropped off the table, "
                      "hip extended to the barrier (anterior rotation)"),
                     "the patient tries to flex the hip (lift the knee) against the physician's "
                     "counterforce (hip flexors: iliopsoas, rectus femoris); " + REPEAT,
                     "posterior innominate: the hip flexors rotate it anteriorly")
    return Refusal(f"no muscle energy set-up is drilled for {d['name']}", ("kind",))


def _pubic(d: Mapping) -> Refusal:
    return Refusal(f"no muscle energy set-up is drilled for {d['name']}: two sources for the "
                   "pubic shear set-up were not confirmed", ("kind",))


def _rib(d: Mapping) -> SetUp:
    key = d["key_rib"]
    motion = d["motion"].replace("_", " ")
    if d["dysfunction"] == "inhalation":
        return SetUp((f"physician's hand on key rib {key} (the bottom rib), {motion} motion",
                      "the ribs taken toward exhalation, to the barrier"),
                     "the patient exhales fully while the physician follows the rib down, then "
                     "resists its rise on the next inhalation; repeat 3-5 times",
                     "inhaled ribs: respiratory assistance from the bottom (key) rib")
    return SetUp((f"patient supine; physician grasps the posterior angle of key rib {key} "
                  "(the top rib)",),
                 f"the patient inhales deeply and holds while contracting the {d['met_muscle']} "
                 "against the physician's counterforce; the physician pulls the rib angle "
                 "inferiorly; " + REPEAT,
                 f"exhaled ribs: the {d['met_muscle']} pulls rib {key} up")


def muscle_energy(region: str, diagnosis: Mapping) -> SetUp | Refusal:
    """The set-up for a canonical diagnosis (as from `findings`/`solve`)."""
    if region == "spine":
        return _segment(diagnosis)
    if region == "cervical":
        return _aa(diagnosis) if diagnosis["levels"] == "AA" else _segment(diagnosis)
    return {"sacrum": _sacrum, "innominate": _innominate, "pubic": _pubic,
            "rib": _rib}[region](diagnosis)
