"""Draw the project's own anatomy diagrams as SVG into assets/diagrams/.

Every line is placed here, by numbers, from the landmarks below (no image is traced or copied),
so the diagrams are the project's and carry its licence. The body maps' landmark positions are
also what the body-map records' locations are placed by (`LANDMARKS`, written to
assets/diagrams/landmarks.json): a point written "halfway between the xiphoid and the umbilicus"
is placed between those two landmarks of these very drawings.

Run `python tools/make_diagrams.py` after changing it; tests/test_diagrams.py fails while the
files in assets/diagrams/ differ from what this script draws.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "assets" / "diagrams"

INK = "#2b3140"  # outlines
BONE = "#7b8598"  # bones and landmarks seen through the skin
SKIN = "#eef1f5"
BONE_FILL = "#f7f3ea"
TEXT = "#1d2330"
LABEL_GREY = "#555e70"  # captions: 6:1 on white
ACCENT = "#1a56c4"
FONT = "font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\""

W, H = 400, 900  # body maps
MID = W / 2


# -- drawing helpers ---------------------------------------------------------------------------
def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def smooth(points: list[tuple[float, float]], closed: bool = True) -> str:
    """A path through the points (Catmull-Rom turned into cubic Béziers)."""
    pts = list(points)
    n = len(pts)
    out = [f"M{_f(pts[0][0])},{_f(pts[0][1])}"]
    last = n if closed else n - 1
    for i in range(last):
        p0 = pts[(i - 1) % n] if closed or i > 0 else pts[0]
        p1, p2 = pts[i], pts[(i + 1) % n]
        p3 = pts[(i + 2) % n] if closed or i + 2 < n else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        out.append(f"C{_f(c1[0])},{_f(c1[1])} {_f(c2[0])},{_f(c2[1])} {_f(p2[0])},{_f(p2[1])}")
    return " ".join(out) + (" Z" if closed else "")


def mirror(points: list[tuple[float, float]], axis: float = MID) -> list[tuple[float, float]]:
    return [(2 * axis - x, y) for x, y in points]


def both(points: list[tuple[float, float]], axis: float = MID) -> list[list[tuple[float, float]]]:
    """The right-hand points (x > axis) and their mirror image."""
    return [points, mirror(points, axis)]


def path(d: str, *, stroke: str = INK, width: float = 2.0, fill: str = "none",
         extra: str = "") -> str:
    return (f'<path d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="{_f(width)}" '
            f'stroke-linejoin="round" stroke-linecap="round"{extra}/>')


def circle(x: float, y: float, r: float, *, stroke: str = BONE, fill: str = "none",
           width: float = 1.5) -> str:
    return (f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{_f(width)}"/>')


def text(x: float, y: float, words: str, *, size: int = 14, anchor: str = "start",
         weight: str = "normal", color: str = TEXT) -> str:
    return (f'<text x="{_f(x)}" y="{_f(y)}" {FONT} font-size="{size}" font-weight="{weight}" '
            f'fill="{color}" text-anchor="{anchor}">{words}</text>')


def view_caption(view: str, side: str) -> list[str]:
    """A body map's view and its sides, top left, big enough to read at card size (the map is
    shown about 250 pixels wide: 15 units are 9 pixels there)."""
    return [text(12, 30, view, size=22, weight="bold", color=LABEL_GREY),
            text(12, 52, side, size=15, color=LABEL_GREY),
            text(12, 70, "on the left", size=15, color=LABEL_GREY)]


def svg(width: int, height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}">\n<title>{title}</title>\n'
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>\n'
            + "\n".join(body) + "\n</svg>\n")


def outlined(parts: list[str], *, fill: str = SKIN, stroke: str = INK,
             width: float = 2.5) -> list[str]:
    """Closed shapes drawn as one silhouette: every outline first, then every fill on top, so
    the seams where the parts overlap disappear."""
    under = [path(d, stroke=stroke, width=width * 2, fill=stroke) for d in parts]
    over = [path(d, stroke="none", width=0, fill=fill) for d in parts]
    return under + over


# -- the body, front and back (the same silhouette) ---------------------------------------------
HEAD = (MID, 78, 44, 56)  # centre x, centre y, radius x, radius y
TORSO = [  # right half, top to bottom, from the neck
    (226, 150), (232, 176), (262, 188), (292, 198), (300, 218), (296, 262), (288, 320),
    (280, 380), (270, 425), (274, 470), (286, 515), (292, 556), (284, 590),
]
LEG = [  # right leg, closed, outer edge down then inner edge up
    (262, 540), (290, 560), (292, 620), (284, 700), (276, 760), (270, 800), (266, 860),
    (270, 884), (236, 888), (228, 862), (226, 800), (222, 740), (214, 660), (206, 600),
    (200, 590), (204, 550),
]
ARM = [  # right arm, closed: outer edge from the shoulder down, inner edge back up
    (292, 198), (312, 214), (320, 262), (326, 330), (336, 400), (344, 470), (350, 520),
    (358, 548), (350, 572), (334, 566), (330, 530), (322, 478), (310, 410), (300, 350),
    (294, 300), (290, 262),
]


def silhouette() -> list[str]:
    torso = TORSO + mirror(TORSO)[::-1]
    parts = [
        smooth([(MID - 26, 120), (MID + 26, 120), (MID + 28, 190), (MID - 28, 190)]),
        smooth(torso),
        *[smooth(p) for p in both(ARM)],
        *[smooth(p) for p in both(LEG)],
    ]
    head = (f"M{_f(HEAD[0] - HEAD[2])},{_f(HEAD[1])} a{_f(HEAD[2])},{_f(HEAD[3])} 0 1 0 "
            f"{_f(2 * HEAD[2])},0 a{_f(HEAD[2])},{_f(HEAD[3])} 0 1 0 {_f(-2 * HEAD[2])},0 Z")
    return outlined([head, *parts])


# Landmarks of the front view, in the 400 x 900 drawing (x grows to the subject's LEFT, which is
# the viewer's right: the subject faces us).
FRONT = {
    "suprasternal_notch": (200, 196),
    "angle_of_louis": (200, 236),
    "xiphisternal_junction": (200, 330),
    "xiphoid_tip": (200, 350),
    "umbilicus": (200, 446),
    "pubic_symphysis": (200, 566),
    "asis_left": (256, 502), "asis_right": (144, 502),
    "aiis_left": (248, 522), "aiis_right": (152, 522),
    "pubic_tubercle_left": (218, 562), "pubic_tubercle_right": (182, 562),
    "greater_trochanter_left": (290, 560), "greater_trochanter_right": (110, 560),
    "knee_lateral_left": (280, 740), "knee_lateral_right": (120, 740),
    "iliac_crest_midaxillary_left": (276, 468), "iliac_crest_midaxillary_right": (124, 468),
    "earlobe_left": (246, 92), "earlobe_right": (154, 92),
    "mandible_angle_left": (238, 112), "mandible_angle_right": (162, 112),
}
# Where each rib (1-10) meets the sternum or costal margin (front), its lateral end, and the
# height of the sternal end: y of rib k at the sternum.
STERNAL_Y = {1: 204, 2: 236, 3: 258, 4: 280, 5: 300, 6: 318, 7: 332}
MIDCLAVICULAR = 242  # x, on the subject's left; 158 on the right
ANTERIOR_AXILLARY = 272


def rib_front(k: int, side: int) -> list[tuple[float, float]]:
    """Points of the anterior rib k (1-10) on one side (+1 the subject's left, -1 the right)."""
    if k <= 7:
        start = (MID + side * 12, STERNAL_Y[k])
    else:  # 8-10 join the costal margin
        t = (k - 7) / 3
        start = (MID + side * (30 + 28 * t), 350 + 45 * t)
    lateral_x = MID + side * (74 + 3 * min(k, 6) - (4 * (k - 6) if k > 6 else 0))
    lateral_y = start[1] - 22 + (k - 1) * 1.5
    mid_x = (start[0] + lateral_x) / 2
    return [start, (mid_x, start[1] + 6), (lateral_x, lateral_y)]


def rib_y_at(k: int, x: float) -> float:
    """Height of anterior rib k at x on the subject's left (for placing points on a rib)."""
    pts = rib_front(k, +1)
    (x0, y0), (x1, y1), (x2, y2) = pts
    if x <= x1:
        return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return y1 + (y2 - y1) * (x - x1) / (x2 - x1)


def front_landmarks() -> list[str]:
    out = []
    # clavicles
    for side in (1, -1):
        out.append(path(smooth([(MID + side * 8, 198), (MID + side * 40, 194),
                                (MID + side * 62, 190), (MID + side * 88, 196)], closed=False),
                        stroke=BONE, width=4))
    # sternum: manubrium, body, xiphoid
    out.append(path(smooth([(190, 198), (210, 198), (212, 234), (188, 234)]), stroke=BONE,
                    width=1.5))
    out.append(path("M188,238 L212,238 L210,330 L190,330 Z", stroke=BONE, width=1.5))
    out.append(path("M194,332 L206,332 L200,350 Z", stroke=BONE, width=1.5))
    # ribs 1-10 and the costal margins
    for side in (1, -1):
        for k in range(1, 11):
            out.append(path(smooth(rib_front(k, side), closed=False), stroke=BONE, width=1.4))
        out.append(path(smooth([(MID + side * 10, 334), (MID + side * 30, 350),
                                (MID + side * 58, 395), (MID + side * 72, 420)], closed=False),
                        stroke=BONE, width=1.4))
        # ribs 11 and 12: short, free, at the flank
        out.append(path(smooth([(MID + side * 76, 420), (MID + side * 80, 432)], closed=False),
                        stroke=BONE, width=1.4))
    # umbilicus
    out.append(circle(*FRONT["umbilicus"], 4, stroke=INK, width=1.5))
    # pelvis: iliac crests from the flank to the ASIS, inguinal ligament, pubic rami
    for side in (1, -1):
        crest = [(MID + side * 62, 472), (MID + side * 76, 466), (MID + side * 78, 484),
                 (MID + side * 56, 502)]
        out.append(path(smooth(crest, closed=False), stroke=BONE, width=2))
        out.append(path(smooth([(MID + side * 56, 502), (MID + side * 48, 522),
                                (MID + side * 40, 540)], closed=False), stroke=BONE, width=1.4))
        out.append(path(smooth([(MID + side * 56, 502), (MID + side * 36, 536),
                                (MID + side * 18, 562)], closed=False), stroke=BONE, width=1.2,
                        extra=' stroke-dasharray="4 3"'))
        out.append(path(smooth([(MID + side * 4, 562), (MID + side * 18, 562),
                                (MID + side * 40, 548)], closed=False), stroke=BONE, width=2))
        out.append(circle(MID + side * 90, 560, 7))  # greater trochanter
    # face: eyes, nose, mouth, ears, jaw
    for side in (1, -1):
        out.append(path(f"M{_f(MID + side * 12)},70 q{_f(side * 8)},-5 {_f(side * 16)},0",
                        stroke=INK, width=1.5))
        out.append(path(f"M{_f(MID + side * 44)},70 q{_f(side * 8)},8 {_f(side * 2)},24",
                        stroke=INK, width=1.5))
        out.append(path(f"M{_f(MID + side * 26)},96 Q{_f(MID + side * 36)},122 "
                        f"{_f(MID + side * 12)},132", stroke=BONE, width=1.2))
    out.append(path("M200,76 L196,96 L204,96", stroke=INK, width=1.3))
    out.append(path("M190,110 q10,5 20,0", stroke=INK, width=1.5))
    out += view_caption("FRONT", "subject's right")
    return out


# Landmarks of the back view (we look at the subject's back: their left is on OUR left).
BACK = {
    "inion": (200, 92),
    "c2_spinous": (200, 128),
    "c7_spinous": (200, 186),
    "t1_spinous": (200, 196),
    "t12_spinous": (200, 404),
    "l5_spinous": (200, 500),
    "psis_left": (180, 520), "psis_right": (220, 520),
    "sacral_ila_left": (186, 566), "sacral_ila_right": (214, 566),
    "greater_trochanter_left": (110, 560), "greater_trochanter_right": (290, 560),
}


def spinous_y(level: str) -> float:
    """Height of a spinous process: C2-C7, T1-T12, L1-L5 evenly between the landmarks."""
    region, number = level[0].upper(), int(level[1:])
    if region == "C":
        return 128 + (number - 2) * (186 - 128) / 5
    if region == "T":
        return 196 + (number - 1) * (404 - 196) / 11
    return 404 + number * (500 - 404) / 5


def back_landmarks() -> list[str]:
    out = []
    # spinous processes
    for region, numbers in (("C", range(2, 8)), ("T", range(1, 13)), ("L", range(1, 6))):
        for n in numbers:
            out.append(circle(MID, spinous_y(f"{region}{n}"), 3.2, fill=BONE, width=0))
    out.append(path("M200,128 L200,500", stroke=BONE, width=1, extra=' stroke-dasharray="2 4"'))
    # occiput: the nuchal line and the inion
    out.append(path(smooth([(160, 96), (182, 90), (200, 92), (218, 90), (240, 96)], closed=False),
                    stroke=BONE, width=1.6))
    out.append(circle(*BACK["inion"], 3, fill=BONE, width=0))
    # scapulae
    for side in (1, -1):
        out.append(path(smooth([(MID + side * 34, 222), (MID + side * 84, 212),
                                (MID + side * 80, 246), (MID + side * 54, 330),
                                (MID + side * 38, 262)]), stroke=BONE, width=1.5))
        out.append(path(smooth([(MID + side * 36, 236), (MID + side * 86, 220)], closed=False),
                        stroke=BONE, width=1.5))  # spine of the scapula
        # ribs 1-12: from the spine out and down, angles marked
        for k in range(1, 13):
            y = spinous_y(f"T{k}") + 6
            outer = 60 + min(k, 7) * 3 - max(0, k - 9) * 8
            out.append(path(smooth([(MID + side * 12, y), (MID + side * 34, y - 2),
                                    (MID + side * outer, y + 16)], closed=False),
                            stroke=BONE, width=1.1, extra=' opacity="0.8"'))
        # iliac crest and PSIS dimple, sacrum, trochanter
        out.append(path(smooth([(MID + side * 76, 470), (MID + side * 60, 462),
                                (MID + side * 36, 480), (MID + side * 22, 512)], closed=False),
                        stroke=BONE, width=2))
        out.append(circle(MID + side * 20, 520, 4, stroke=BONE))
        out.append(circle(MID + side * 90, 560, 7))
    out.append(path(smooth([(180, 512), (220, 512), (214, 566), (200, 584), (186, 566)]),
                    stroke=BONE, width=1.5))
    out.append(path("M196,582 q-14,6 -34,0 M204,582 q14,6 34,0", stroke=INK, width=1.3))
    out += view_caption("BACK", "subject's left")
    return out


def body(view: str) -> str:
    parts = silhouette() + (front_landmarks() if view == "front" else back_landmarks())
    return svg(W, H, parts, f"Body outline, {view} view")


def body_pair() -> str:
    """The front view and the back view side by side (800 x 900), for questions that show a
    point on one and ask for its partner on the other: a spot (x, y) of the front map is
    (x / 2, y) here, one of the back map (0.5 + x / 2, y)."""
    parts = silhouette() + front_landmarks()
    parts += ['<g transform="translate(400 0)">', *silhouette(), *back_landmarks(), "</g>"]
    parts.append(f'<line x1="{W}" y1="16" x2="{W}" y2="{H - 16}" stroke="{BONE}" '
                 'stroke-width="1" stroke-dasharray="4 6"/>')
    return svg(2 * W, H, parts, "Body outline, front and back views side by side")


# -- labelled diagrams: every label is kept with its box, for occlusion cards over it ----------
class Labelled:
    """A diagram whose labels are remembered with their boxes (in the drawing's units)."""

    def __init__(self, width: int, height: int, title: str) -> None:
        self.width, self.height, self.title = width, height, title
        self.parts: list[str] = []
        self.labels: list[tuple[str, float, float, float, float]] = []

    def add(self, *parts: str) -> None:
        self.parts.extend(parts)

    def label(self, x: float, y: float, words: str, *, to: tuple[float, float] | None = None,
              size: int = 14, anchor: str = "start") -> None:
        """A label with its baseline at (x, y) and, with `to`, a leader line to that point."""
        width = 0.56 * size * len(words)
        left = x - (width if anchor == "end" else width / 2 if anchor == "middle" else 0)
        if to is not None:
            if left <= to[0] <= left + width:  # straight above or below: from the middle
                start = (left + width / 2, y + 4 if to[1] > y else y - size - 2)
            else:
                start = (left - 4 if to[0] < left else left + width + 4, y - size * 0.35)
            out = (f'<line x1="{_f(start[0])}" y1="{_f(start[1])}" x2="{_f(to[0])}" '
                   f'y2="{_f(to[1])}" stroke="{ACCENT}" stroke-width="1.2"/>'
                   + circle(to[0], to[1], 2.6, stroke=ACCENT, fill=ACCENT, width=0))
            self.parts.append(out)
        self.parts.append(text(x, y, words, size=size, anchor=anchor))
        self.labels.append((words, left - 3, y - size - 1, width + 6, size * 1.45))

    def svg(self) -> str:
        return svg(self.width, self.height, self.parts, self.title)

    def boxes(self) -> list[dict]:
        """Each label's box as fractions of the drawing (an occlusion card's rect)."""
        out = []
        for words, x, y, w, h in self.labels:
            left, top = max(0.0, x / self.width), max(0.0, y / self.height)
            right, bottom = min(1.0, (x + w) / self.width), min(1.0, (y + h) / self.height)
            out.append({"label": words, "rect": [round(left, 4), round(top, 4),
                                                 round(right - left - 0.0001, 4),
                                                 round(bottom - top - 0.0001, 4)]})
        return out


def spine() -> Labelled:
    """The vertebral column from behind, every level named."""
    d = Labelled(360, 820, "The spine from behind, with its vertebral levels")
    y = 40
    levels = ([("C", n, 18, 30) for n in range(1, 8)] + [("T", n, 22, 34) for n in range(1, 13)]
              + [("L", n, 28, 42) for n in range(1, 6)])
    spans: dict[str, list[float]] = {}
    for region, n, height, half in levels:
        gap = 4
        top = y
        d.add(path(smooth([(150 - half, top), (150 + half, top), (150 + half + 2, top + height),
                           (150 - half - 2, top + height)]), stroke=INK, width=1.6, fill=BONE_FILL))
        for side in (1, -1):  # transverse processes
            d.add(path(f"M{150 + side * (half + 1)},{top + height / 2} "
                       f"L{150 + side * (half + 14)},{top + height / 2}", stroke=BONE,
                       width=2.4))
        d.add(circle(150, top + height / 2, 3, fill=BONE, width=0))
        d.label(226, top + height / 2 + 8, f"{region}{n}", size=22)
        spans.setdefault(region, [top, top + height])[1] = top + height
        y += height + gap
    sacrum_top = y + 2
    d.add(path(smooth([(108, sacrum_top), (192, sacrum_top), (170, sacrum_top + 80),
                       (150, sacrum_top + 108), (130, sacrum_top + 80)]), stroke=INK, width=1.6,
               fill=BONE_FILL))
    d.add(path(f"M150,{sacrum_top + 110} l-6,14 l6,12 l6,-12 Z", stroke=INK, width=1.4,
               fill=BONE_FILL))
    d.label(226, sacrum_top + 54, "Sacrum", size=22)
    d.label(226, sacrum_top + 132, "Coccyx", size=22)
    for region, name in (("C", "Cervical"), ("T", "Thoracic"), ("L", "Lumbar")):
        top, bottom = spans[region]
        d.add(path(f"M64,{top + 2} L58,{top + 2} L58,{bottom - 2} L64,{bottom - 2}", stroke=BONE,
                   width=1.5))
        d.add(f'<text {FONT} font-size="20" fill="{BONE}" text-anchor="middle" '
              f'transform="translate(44,{_f((top + bottom) / 2)}) rotate(-90)">{name}</text>')
    return d


def vertebra() -> Labelled:
    """A lumbar vertebra seen from above, anterior at the top."""
    d = Labelled(640, 520, "A lumbar vertebra from above")
    body = smooth([(320, 70), (392, 82), (420, 130), (404, 196), (350, 214), (320, 206),
                   (290, 214), (236, 196), (220, 130), (248, 82)])
    d.add(path(body, fill=BONE_FILL, width=2))
    d.add(path(smooth([(320, 96), (372, 104), (392, 138), (380, 180), (320, 190), (260, 180),
                       (248, 138), (268, 104)]), stroke=BONE, width=1.2))  # nucleus outline
    arch = [(272, 206), (262, 250), (214, 262), (118, 262), (108, 286), (214, 296), (250, 318),
            (286, 374), (306, 452), (334, 452), (354, 374), (390, 318), (426, 296), (532, 286),
            (522, 262), (426, 262), (378, 250), (368, 206)]
    d.add(path(smooth(arch), fill=BONE_FILL, width=2))
    d.add(path(smooth([(320, 226), (360, 236), (372, 280), (346, 316), (320, 322), (294, 316),
                       (268, 280), (280, 236)]), fill="#ffffff", width=2))  # vertebral foramen
    for side in (1, -1):
        d.add(path(smooth([(320 + side * 62, 288), (320 + side * 84, 282),
                           (320 + side * 86, 306), (320 + side * 64, 310)]), stroke=INK,
                   width=1.6, fill="#e6e0d2"))  # superior articular process
    d.label(320, 40, "Body (anterior)", anchor="middle")
    d.label(470, 226, "Transverse process", to=(500, 274), anchor="start", size=13)
    d.label(40, 236, "Pedicle", to=(262, 236), size=13)
    d.label(470, 352, "Superior articular process", to=(402, 300), size=13)
    d.label(40, 370, "Lamina", to=(278, 344), size=13)
    d.label(420, 470, "Spinous process (posterior)", to=(326, 440), size=13)
    d.label(40, 160, "Vertebral foramen", to=(320, 276), size=13)
    return d


def sacrum() -> Labelled:
    """The sacrum from behind, with its sulci, inferior lateral angles and oblique axes."""
    d = Labelled(640, 560, "The sacrum from behind: sulci, ILAs and oblique axes")
    outline = [(160, 120), (250, 96), (320, 104), (390, 96), (480, 120), (452, 220),
               (402, 330), (370, 392), (352, 420), (320, 436), (288, 420), (270, 392),
               (238, 330), (188, 220)]
    d.add(path(smooth(outline), fill=BONE_FILL, width=2.2))
    d.add(path("M320,436 l-10,28 l10,26 l10,-26 Z", fill=BONE_FILL, width=1.6))  # coccyx
    d.add(path("M320,120 L320,392", stroke=BONE, width=3))  # median sacral crest
    for i, y in enumerate((160, 214, 266, 314)):
        spread = 70 - i * 12
        for side in (1, -1):
            d.add(circle(320 + side * spread, y, 9 - i, stroke=BONE, width=1.6))
    for side in (1, -1):
        d.add(path(smooth([(320 + side * 58, 118), (320 + side * 72, 108),
                           (320 + side * 80, 128), (320 + side * 62, 136)]), stroke=INK,
                   width=1.4, fill="#e6e0d2"))  # superior articular process
        d.add(circle(320 + side * 100, 150, 10, stroke=ACCENT, width=2))  # sulcus
        d.add(circle(320 + side * 52, 404, 8, stroke=ACCENT, width=2))  # ILA
    # oblique axes (patient's left is on our left: we look from behind)
    d.add(path("M200,114 L382,424", stroke=ACCENT, width=2, extra=' stroke-dasharray="9 6"'))
    d.add(path("M440,114 L258,424", stroke="#b06000", width=2, extra=' stroke-dasharray="9 6"'))
    d.label(24, 76, "Left oblique axis", to=(200, 114), size=15)
    d.label(616, 76, "Right oblique axis", to=(440, 114), size=15, anchor="end")
    d.label(24, 250, "Left sacral sulcus", to=(220, 150), size=15)
    d.label(616, 250, "Right sacral sulcus", to=(420, 150), size=15, anchor="end")
    d.label(24, 470, "Left ILA", to=(268, 404), size=15)
    d.label(616, 470, "Right ILA", to=(372, 404), size=15, anchor="end")
    d.label(320, 42, "Sacral base", to=(320, 104), size=15, anchor="middle")
    d.label(320, 540, "Coccyx", to=(320, 478), size=15, anchor="middle")
    d.add(text(320, 20, "seen from behind: the patient's left is on the left", size=13,
               anchor="middle", color=LABEL_GREY))
    return d


def _ilium(side: int, cx: float) -> list[tuple[float, float]]:
    """One hip bone, anterior view, around the centre line cx (side +1: the viewer's right)."""
    pts = [(cx + side * 10, 300), (cx + side * 30, 262), (cx + side * 40, 190),
           (cx + side * 70, 130), (cx + side * 130, 96), (cx + side * 196, 110),
           (cx + side * 222, 150), (cx + side * 214, 188), (cx + side * 196, 214),
           (cx + side * 186, 252), (cx + side * 170, 300), (cx + side * 150, 350),
           (cx + side * 110, 390), (cx + side * 50, 400), (cx + side * 14, 384)]
    return pts


def pelvis() -> Labelled:
    """The pelvis from the front and from behind: ASIS, AIIS, pubic tubercles, PSIS."""
    d = Labelled(1000, 520, "The pelvis from the front and from behind")
    for cx, view in ((250, "front"), (750, "back")):
        for side in (1, -1):
            d.add(path(smooth(_ilium(side, cx)), fill=BONE_FILL, width=2.2))
            d.add(path(smooth([(cx + side * 96, 300), (cx + side * 130, 290),
                               (cx + side * 140, 330), (cx + side * 104, 350)]), stroke=INK,
                       width=1.5, fill="#ffffff"))  # obturator foramen
            d.add(circle(cx + side * 176, 262, 26, stroke=BONE, width=2))  # acetabulum
        d.add(path(smooth([(cx - 44, 186), (cx + 44, 186), (cx + 30, 270), (cx, 300),
                           (cx - 30, 270)]), fill="#e9e3d5", width=1.8))  # sacrum
        d.add(text(cx, 488, "FRONT" if view == "front" else "BACK", size=20, weight="bold",
                   anchor="middle", color=LABEL_GREY))
    # Label sizes: the drawing is shown about 550 pixels wide beside a card's text, so 20
    # units are 11 pixels there.
    d.add(path("M250,378 L250,404", stroke=INK, width=2))  # pubic symphysis
    d.label(250, 452, "Pubic symphysis", to=(250, 404), anchor="middle", size=19)
    d.label(22, 60, "ASIS", to=(32, 150), size=20)
    d.label(22, 250, "AIIS", to=(46, 200), size=20)
    d.label(20, 410, "Pubic tubercle", to=(214, 392), size=19)
    d.label(480, 410, "Pubic tubercle", to=(286, 392), size=19, anchor="end")
    d.label(470, 60, "Iliac crest", to=(380, 100), size=19, anchor="end")
    d.label(620, 60, "PSIS", to=(700, 214), size=20)
    d.label(880, 60, "PSIS", to=(800, 214), size=20)
    for side in (1, -1):
        d.add(circle(750 + side * 50, 214, 7, stroke=ACCENT, width=2))
    d.add(text(750, 512, "seen from behind: the patient's left is on the left", size=14,
               anchor="middle", color=LABEL_GREY))
    d.add(text(250, 512, "seen from the front: the patient's right is on the left", size=14,
               anchor="middle", color=LABEL_GREY))
    return d


def rib_cage() -> Labelled:
    """The rib cage from the front: true, false and floating ribs, sternum, costal margin."""
    d = Labelled(640, 640, "The rib cage from the front")
    cx = 320
    d.add(path(smooth([(cx - 20, 92), (cx + 20, 92), (cx + 22, 150), (cx - 22, 150)]),
               fill=BONE_FILL, width=1.8))  # manubrium
    d.add(path(f"M{cx - 20},156 L{cx + 20},156 L{cx + 16},330 L{cx - 16},330 Z", fill=BONE_FILL,
               width=1.8))
    d.add(path(f"M{cx - 9},334 L{cx + 9},334 L{cx},364 Z", fill=BONE_FILL, width=1.6))
    sternal = {1: 100, 2: 153, 3: 190, 4: 226, 5: 262, 6: 296, 7: 326}
    reach = {1: 92, 2: 132, 3: 160, 4: 180, 5: 196, 6: 206, 7: 212, 8: 214, 9: 210, 10: 202}
    for side in (1, -1):
        for k in range(1, 11):
            if k <= 7:
                start = (cx + side * 22, sternal[k])
            else:  # the false ribs reach the sternum through the costal margin
                start = (cx + side * (30 + (k - 7) * 30), 352 + (k - 7) * 40)
            lateral = (cx + side * reach[k], start[1] - 44 - max(0, k - 7) * 12 + k * 2)
            middle = ((start[0] + lateral[0]) / 2, start[1] - 4)
            bone = smooth([start, middle, lateral], closed=False)
            d.add(path(bone, stroke=INK, width=9), path(bone, stroke=BONE_FILL, width=6))
        for x0, y0, x1, y1 in ((214, 432, 186, 480), (200, 466, 172, 508)):  # ribs 11, 12
            free = f"M{cx + side * x0},{y0} Q{cx + side * (x0 - 4)},{y0 + 30} {cx + side * x1},{y1}"
            d.add(path(free, stroke=INK, width=9), path(free, stroke=BONE_FILL, width=6))
        d.add(path(smooth([(cx + side * 14, 334), (cx + side * 30, 352),
                           (cx + side * 60, 392), (cx + side * 90, 432), (cx + side * 124, 470)],
                          closed=False),
                   stroke=ACCENT, width=1.6, extra=' stroke-dasharray="6 4"'))  # costal margin
    d.label(24, 60, "Angle of Louis (rib 2)", to=(300, 153), size=13)
    d.label(616, 60, "Manubrium", to=(340, 110), size=13, anchor="end")
    d.label(24, 330, "True ribs (1-7)", to=(150, 236), size=13)
    d.label(616, 330, "False ribs (8-10)", to=(470, 372), size=13, anchor="end")
    d.label(616, 560, "Floating ribs (11-12)", to=(500, 500), size=13, anchor="end")
    d.label(24, 560, "Costal margin", to=(230, 432), size=13)
    d.label(320, 560, "Xiphoid process", to=(320, 358), size=13, anchor="middle")
    d.add(text(320, 620, "seen from the front: the patient's right is on the left", size=11,
               anchor="middle", color=BONE))
    return d


LABELLED = {
    "spine-levels.svg": spine,
    "vertebra-from-above.svg": vertebra,
    "sacrum.svg": sacrum,
    "pelvis.svg": pelvis,
    "rib-cage.svg": rib_cage,
}

DIAGRAMS = {
    "body-front.svg": lambda: body("front"),
    "body-back.svg": lambda: body("back"),
    "body-front-back.svg": body_pair,
}


def drawings() -> dict[str, str]:
    """File name -> text of everything this script writes."""
    files = {name: draw() for name, draw in DIAGRAMS.items()}
    boxes = {}
    for name, make in LABELLED.items():
        drawing = make()
        files[name] = drawing.svg()
        boxes[name] = drawing.boxes()
    size = {"width": W, "height": H}
    landmarks = {"body-front.svg": {**size, "points": FRONT},
                 "body-back.svg": {**size, "points": BACK},
                 "labels": boxes}
    files["landmarks.json"] = json.dumps(landmarks, indent=1, sort_keys=True) + "\n"
    return files


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, content in drawings().items():
        (OUT / name).write_text(content, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
