"""Where each tender point and Chapman point goes on the body maps, placed by its location
words on the landmarks of our own drawings (tools/make_diagrams.py), and printed as the
`map_spot` fields the decks carry (decks/21 and decks/22).

Coordinates are in the 400 x 900 drawing; the fields are fractions of it (x of the width, y of
the height, the radius of the width). On the front map the subject's right is on the viewer's
left; on the back map the subject's left is on the viewer's left. A point found on both sides
is placed on the subject's right and marked `both`: its mirror image counts as right.
tests/decks/test_body_map.py checks that the decks hold exactly these values.

    python tools/body_map_spots.py
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "make_diagrams", Path(__file__).resolve().with_name("make_diagrams.py"))
D = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(D)

F, B, W, H, MID = D.FRONT, D.BACK, D.W, D.H, D.MID
INCH = 868 / 67  # the drawing's height for a body of about 67 inches


def _mid(a: tuple[float, float], b: tuple[float, float], t: float) -> tuple[float, float]:
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def _rib(k: int, x: float) -> float:
    """Height of anterior rib k at x on the subject's right (x < 200)."""
    return D.rib_y_at(k, 2 * MID - x)


def _space(k: int, x: float) -> float:
    """Height of the k-th intercostal space (below rib k) at x, front view."""
    below = _rib(k + 1, x) if k < 7 else 352 + (k - 6) * 14  # 7th space: above the margin
    return (_rib(k, x) + below) / 2


STERNAL_EDGE = MID - 16  # just beside the sternum, subject's right
TP = 24  # a transverse process tip's distance from the midline, back view


def _front_points() -> dict[str, tuple[float, float, float, str, str]]:
    """(x, y, radius, sides, ask) in drawing units, counterstrain points of the front."""
    umb, xiph, pubis = F["umbilicus"], F["xiphoid_tip"], F["pubic_symphysis"]
    ar36 = [_rib(k, 2 * MID - D.ANTERIOR_AXILLARY) for k in (3, 6)]
    return {
        "ac1": (F["earlobe_right"][0] + 4, F["earlobe_right"][1] + 6, 8, "both", "both"),
        "ac2-6": (MID - 20, 150, 14, "both", "both"),
        "ac7": (MID - 22, 194, 7, "both", "both"),
        "ac8": (MID - 9, 198, 7, "both", "both"),
        "at1": (*F["suprasternal_notch"], 8, "one", "both"),
        "at2": (*F["angle_of_louis"], 8, "one", "both"),
        "at3-6": (MID, (D.STERNAL_Y[3] + D.STERNAL_Y[6]) / 2, 30, "one", "both"),
        "at7": (*_mid(xiph, umb, 0.25), 10, "one", "both"),
        "at8": (*_mid(xiph, umb, 0.5), 10, "one", "both"),
        "at9": (*_mid(xiph, umb, 0.75), 10, "one", "both"),
        "at10": (*_mid(umb, pubis, 0.25), 10, "one", "both"),
        "at11": (*_mid(umb, pubis, 0.5), 10, "one", "both"),
        "at12": (F["iliac_crest_midaxillary_right"][0] + 4,
                 F["iliac_crest_midaxillary_right"][1] + 4, 9, "both", "both"),
        "ar1": (MID - 18, 210, 7, "both", "both"),
        "ar2": (2 * MID - D.MIDCLAVICULAR, _rib(2, 2 * MID - D.MIDCLAVICULAR), 9, "both",
                "both"),
        "ar3-6": (2 * MID - D.ANTERIOR_AXILLARY, sum(ar36) / 2, (ar36[1] - ar36[0]) / 2 + 6,
                  "both", "both"),
        "al1": (F["asis_right"][0] + 8, F["asis_right"][1], 7, "both", "both"),
        "al2": (F["aiis_right"][0] + 7, F["aiis_right"][1], 6, "both", "both"),
        "al3": (F["aiis_right"][0] - 7, F["aiis_right"][1], 6, "both", "both"),
        "al4": (F["aiis_right"][0], F["aiis_right"][1] + 9, 6, "both", "both"),
        "al5": (F["pubic_tubercle_right"][0] + 8, F["pubic_tubercle_right"][1], 6, "both",
                "both"),
        "psoas": (*_mid(F["asis_right"], (MID, F["asis_right"][1]), 2 / 3), 9, "both",
                  "both"),
    }


def _back_points() -> dict[str, tuple[float, float, float, str, str]]:
    """Counterstrain points of the back (subject's right on the viewer's right)."""
    pr = [D.spinous_y(f"T{k}") + 8 for k in (2, 6)]
    lumbar = [D.spinous_y(f"L{k}") for k in (1, 5)]
    return {
        "pc1-inion": (B["inion"][0] + 10, B["inion"][1] + 8, 7, "both", "both"),
        "pt-midline": (MID, D.spinous_y("T6"), 10, "one", "name"),
        "pr1": (MID + TP, D.spinous_y("T1") + 6, 8, "both", "both"),
        "pr2-6": (MID + 46, sum(pr) / 2, (pr[1] - pr[0]) / 2 + 8, "both", "both"),
        "pl-spinous": (MID, sum(lumbar) / 2, (lumbar[1] - lumbar[0]) / 2 + 6, "one", "both"),
        "upl5": (B["psis_right"][0] - 4, B["psis_right"][1] - 8, 6, "both", "both"),
        "lpl5": (B["psis_right"][0], B["psis_right"][1] + 10, 6, "both", "both"),
        "piriformis": (*_mid(B["sacral_ila_right"], B["greater_trochanter_right"], 0.5), 9,
                       "both", "both"),
    }


def _chapman_front() -> dict[str, tuple[float, float, float, str, str]]:
    right, left = STERNAL_EDGE, 2 * MID - STERNAL_EDGE
    umb = F["umbilicus"]
    # heart and esophagus share the left 2nd space: asked only as "click", never "what is this?"
    return {
        "heart": (left, _space(2, right), 8, "one", "click"),
        "esophagus": (right, _space(2, right), 8, "both", "click"),
        "upper-lung": (right, _space(3, right), 8, "both", "both"),
        "lower-lung": (right, _space(4, right), 8, "both", "both"),
        "sinuses": (MID - 14, 222, 7, "both", "both"),
        "stomach-acidity": (2 * MID - (right - 8), _space(5, right - 8), 8, "one", "both"),
        "stomach-peristalsis": (2 * MID - (right - 8), _space(6, right - 8), 8, "one", "both"),
        "liver": (right - 8, _space(5, right - 8), 8, "one", "both"),
        "gallbladder": (right - 8, _space(6, right - 8), 8, "one", "both"),
        "pancreas": (right - 14, _space(7, right - 14), 8, "one", "both"),
        "spleen": (2 * MID - (right - 14), _space(7, right - 14), 8, "one", "both"),
        "appendix": (MID - 79, 434, 8, "one", "both"),
        "adrenals": (umb[0] - INCH, umb[1] - 2 * INCH, 6, "both", "both"),
        "kidneys": (umb[0] - INCH, umb[1] - INCH, 6, "both", "both"),
        "colon": (*_mid(F["greater_trochanter_right"], F["knee_lateral_right"], 0.5), 26,
                  "both", "both"),
    }


def _chapman_back() -> dict[str, tuple[float, float, float, str, str]]:
    between = (D.spinous_y("T3") + D.spinous_y("T4")) / 2
    return {
        "upper-lung": (MID + TP, between, 8, "both", "both"),
        "pancreas": (MID + TP, (D.spinous_y("T7") + D.spinous_y("T8")) / 2, 8, "one", "both"),
        "appendix": (MID + TP, D.spinous_y("T11"), 8, "one", "both"),
        "sinuses": (MID, 116, 12, "one", "both"),
    }


def _fields(values: tuple[float, float, float, str, str]) -> dict[str, object]:
    x, y, r, sides, ask = values
    return {"spot": [round(x / W, 3), round(y / H, 3), round(r / W, 3)], "sides": sides,
            "ask": ask}


def _pair_spot(values: tuple[float, float, float, str, str], offset: float) -> list[float]:
    """A spot on body-front-back.svg (800 x 900): the front view on the left, the back view
    `offset` = 400 units to the right."""
    x, y, r, _, _ = values
    return [round((x + offset) / (2 * W), 3), round(y / H, 3), round(r / (2 * W), 3)]


def spots() -> dict[str, dict[str, dict[str, object]]]:
    """deck id -> record id -> the fields each record carries (by map)."""
    counterstrain = {rid: {"map": "front", **_fields(v)} for rid, v in _front_points().items()}
    counterstrain |= {rid: {"map": "back", **_fields(v)} for rid, v in _back_points().items()}
    chapman: dict[str, dict[str, object]] = {}
    for rid, v in _chapman_front().items():
        chapman.setdefault(rid, {}).update({f"front_{k}": f for k, f in _fields(v).items()})
    for rid, v in _chapman_back().items():
        chapman.setdefault(rid, {}).update({f"back_{k}": f for k, f in _fields(v).items()})
    front = _chapman_front()
    for rid, back in _chapman_back().items():  # both points on the two-view map
        chapman[rid]["pair_front_spot"] = _pair_spot(front[rid], 0)
        chapman[rid]["pair_back_spot"] = _pair_spot(back, W)
    return {"counterstrain-tender-points": counterstrain, "chapman-points": chapman}


def main() -> int:
    for deck, records in spots().items():
        print(f"# {deck}")
        for rid, fields in records.items():
            print(rid, fields)
    return 0


if __name__ == "__main__":
    sys.exit(main())
