"""The drill panel of the review screen: the case drawn as a diagram, and the answer box.

Thin by design: the case, the grading and the wording come from omtquiz.drills; this module
only paints the findings (a vertebra seen from above with its transverse processes, a sacrum
with its sulci and ILAs, the pelvic landmarks side by side, a column of ribs) and takes the
typed answer. Nothing here decides what is right.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QLabel, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from omtquiz.drills.present import finding_lines
from omtquiz.ui import theme

HINTS = {
    "spine": "Type the diagnosis (T5 FRlSl, T5 F RL SL, T5 flexed rotated left sidebent left) "
             "or the keys F/E/N, rotation L/R, sidebending L/R (e.g. FLL); Enter to check",
    "cervical": "Type the diagnosis (OA E RR SL, C4 FRS left, AA RL) or F/E then rotation L/R "
                "and sidebending L/R (e.g. ELL); Enter to check",
    "sacrum": "Type the diagnosis (L on L, left on right, left unilateral sacral flexion) or "
              "rotation then axis (LR); Enter to check",
    "innominate": "Type the diagnosis (left anterior rotation, right upslip, left inflare); "
                  "Enter to check",
    "pubic": "Type the diagnosis (left superior pubic shear); Enter to check",
    "rib": "Type inhaled or exhaled, the key rib and, if exhaled, its muscle (exhaled, key rib "
           "3, pectoralis minor); Enter to check",
    "counterstrain": "Type F or E, then sidebending toward or away (ST/SA) and rotation toward "
                     "or away (RT/RA) from the point, e.g. F SA RA; Enter to check",
}
# set-up drills answered by typing, graded per component (the others are shown, then rated)
TYPED_SETUPS = {"counterstrain": "Your position of ease"}


class AnswerEdit(QLineEdit):
    """Enter submits; it is taken here so the page's Enter shortcut does not also fire."""

    submitted = Signal()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class DrillPanel(QWidget):
    """Diagram plus answer box for one drill case."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("drillPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.diagram = Diagram()
        layout.addWidget(self.diagram)
        self.answer_edit = AnswerEdit()
        self.answer_edit.setObjectName("drillAnswerEdit")
        self.answer_edit.setAccessibleName("Your diagnosis")
        layout.addWidget(self.answer_edit)
        self.hint = QLabel()
        self.hint.setObjectName("drillHint")
        self.hint.setProperty("role", "muted")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.hint)

    def show_case(self, case) -> None:
        self.diagram.set_case(case.region, case.findings if case.direction ==
                              "findings_to_name" else None)
        typed = case.direction == "findings_to_name" or case.region in TYPED_SETUPS
        self.answer_edit.setVisible(typed)
        self.hint.setVisible(typed)
        self.answer_edit.clear()
        self.answer_edit.setReadOnly(False)
        self.answer_edit.setPlaceholderText(TYPED_SETUPS.get(case.region, "Your diagnosis"))
        self.hint.setText(HINTS.get(case.region, ""))


# Every drawing is centred here: its labels need 230 px on the left (the sacrum's "posterior
# ILA", the pelvis's landmark names) and reach about 460 px; the findings list needs 250 more.
CENTRE_X = 230
FACTS_FROM_WIDTH = 720


class Diagram(QWidget):
    """The findings of one case, drawn; empty (hidden) when the case asks from a name."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("drillDiagram")
        self.setAccessibleName("Diagram of the findings")
        self.setMinimumSize(460, 230)  # every region's drawing fits (see CENTRE_X)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.region: str | None = None
        self.findings: dict | None = None

    def set_case(self, region: str, findings: dict | None) -> None:
        self.region, self.findings = region, findings
        self.setVisible(findings is not None)
        self.update()

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        if not self.findings:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        c = theme.colors(theme.current())
        self.ink, self.mark, self.soft = QColor(c["text"]), QColor(c["highlight"]), \
            QColor(c["alt"])
        self.muted = QColor(c["muted"])
        painter.fillRect(self.rect(), QColor(c["base"]))
        painter.setPen(QPen(QColor(c["border"]), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        draw = {"spine": self._vertebra, "cervical": self._vertebra, "sacrum": self._sacrum,
                "innominate": self._pelvis, "pubic": self._pelvis, "rib": self._ribs}
        draw[self.region](painter, self.findings)
        painter.end()

    def _text(self, painter: QPainter, x: float, y: float, text: str, *, bold=False,
              color: QColor | None = None, align=Qt.AlignmentFlag.AlignLeft, width=220) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(9.0, font.pointSizeF() * 0.85))
        font.setBold(bold)
        painter.setFont(font)
        painter.setPen(color or self.ink)
        rect = QRectF(x - (width / 2 if align == Qt.AlignmentFlag.AlignHCenter else 0), y,
                      width, 22)
        painter.drawText(rect, align | Qt.AlignmentFlag.AlignVCenter, text)

    def _sides(self, painter: QPainter, left_x: float, right_x: float, y: float,
               note: str) -> None:
        self._text(painter, left_x, y, "patient's LEFT", bold=True,
                   align=Qt.AlignmentFlag.AlignHCenter, width=140)
        self._text(painter, right_x, y, "patient's RIGHT", bold=True,
                   align=Qt.AlignmentFlag.AlignHCenter, width=140)
        self._text(painter, 12, self.height() - 26, note, color=self.muted, width=420)

    def _facts(self, painter: QPainter, lines: list[str]) -> None:
        """The findings as a list at the right, where the diagram is wide enough for it (the
        card's text lists them too)."""
        if self.width() < FACTS_FROM_WIDTH:
            return
        x = self.width() - 250
        for i, line in enumerate(lines):
            self._text(painter, x, 18 + i * 22, line, width=240)

    def _vertebra(self, painter: QPainter, f: dict) -> None:
        cx, cy = CENTRE_X, 112
        level = f.get("levels", "")
        self._sides(painter, cx - 130, cx + 130, 8, "Seen from above, anterior at the top")
        posterior = f.get("posterior_tp")
        painter.save()
        painter.translate(cx, cy)
        if posterior:  # rotation turns the body toward the side whose TP goes back
            painter.rotate(-14 if posterior == "left" else 14)
        painter.setPen(QPen(self.ink, 2))
        painter.setBrush(self.soft)
        for side, sign in (("left", -1), ("right", 1)):
            painter.setBrush(self.mark if posterior == side else self.soft)
            painter.drawRoundedRect(QRectF(22 if sign > 0 else -84, -2, 62, 15), 7, 7)
        painter.setBrush(self.soft)
        painter.drawRoundedRect(QRectF(-7, 26, 14, 42), 6, 6)  # spinous process
        arch = QPainterPath()
        arch.moveTo(-24, -22)
        arch.cubicTo(-36, 24, -12, 36, 0, 36)
        arch.cubicTo(12, 36, 36, 24, 24, -22)
        arch.closeSubpath()
        painter.drawPath(arch)
        painter.drawEllipse(QPointF(0, -42), 46, 30)  # body
        painter.setBrush(QColor(theme.colors(theme.current())["base"]))
        painter.drawEllipse(QPointF(0, 4), 14, 12)  # vertebral foramen
        painter.restore()
        if posterior:
            x = cx - 190 if posterior == "left" else cx + 92
            self._text(painter, x, cy + 26, "posterior TP", bold=True, color=self.mark,
                       width=100)
        lines = [f"Level: {level}"]
        if "flexion" in f:
            lines += [f"Flexion: {f['flexion']}", f"Extension: {f['extension']}"]
        if "translation_free" in f:
            lines += [f"Translation free to the {f['translation_free']}",
                      f"... in {f['free_in']}"]
            self._arrow(painter, cx, cy + 84, f["translation_free"])
        if "rotation_free" in f:
            lines += [f"Rotation free to the {f['rotation_free']}", "(neck flexed ~45 degrees)"]
            self._arrow(painter, cx, cy + 84, f["rotation_free"])
        self._facts(painter, lines)

    def _arrow(self, painter: QPainter, cx: float, y: float, side: str) -> None:
        sign = -1 if side == "left" else 1
        painter.setPen(QPen(self.mark, 3))
        painter.drawLine(QPointF(cx - 40 * sign, y), QPointF(cx + 40 * sign, y))
        tip = QPointF(cx + 40 * sign, y)
        painter.drawLine(tip, QPointF(tip.x() - 10 * sign, y - 7))
        painter.drawLine(tip, QPointF(tip.x() - 10 * sign, y + 7))

    def _sacrum(self, painter: QPainter, f: dict) -> None:
        cx, top = CENTRE_X, 36
        self._sides(painter, cx - 120, cx + 120, 8, "Seen from behind (prone)")
        shape = QPainterPath()
        shape.moveTo(cx - 90, top)
        shape.lineTo(cx + 90, top)
        shape.lineTo(cx + 38, top + 128)
        shape.lineTo(cx - 38, top + 128)
        shape.closeSubpath()
        painter.setPen(QPen(self.ink, 2))
        painter.setBrush(self.soft)
        painter.drawPath(shape)
        for side, sign in (("left", -1), ("right", 1)):
            deep = f.get("deep_sulcus") == side
            painter.setPen(QPen(self.ink, 2))
            painter.setBrush(self.mark if deep else self.soft)
            radius = 14 if deep else 11
            painter.drawEllipse(QPointF(cx + 55 * sign, top + 22), radius, radius)
            if deep:
                self._text(painter, cx + 55 * sign - 50, top + 38, "deep sulcus", bold=True,
                           color=self.mark, align=Qt.AlignmentFlag.AlignHCenter, width=100)
            back = f.get("posterior_ila") == side
            low = f.get("ila_inferior") == side
            painter.setPen(QPen(self.ink, 2))
            painter.setBrush(self.mark if back else self.soft)
            y = top + 116 + (8 if low else 0)
            painter.drawRect(QRectF(cx + 38 * sign - 9, y, 18, 18))
            if back:
                label = "posterior" + (", inferior" if low else "") + " ILA"
                x = cx + 38 * sign + (16 if sign > 0 else -186)
                self._text(painter, x, y - 2, label, bold=True, color=self.mark, width=170,
                           align=Qt.AlignmentFlag.AlignLeft if sign > 0
                           else Qt.AlignmentFlag.AlignRight)
        lines = [f"Seated flexion test: {f.get('seated_flexion') or 'not given'}",
                 f"Spring test: {f.get('spring') or 'not given'}",
                 f"Sphinx test: {f.get('sphinx') or 'not given'}"]
        if f.get("l5_rotation"):
            lines.append(f"L5 rotated {f['l5_rotation']}")
        self._facts(painter, lines)

    def _pelvis(self, painter: QPainter, f: dict) -> None:
        side = f.get("standing_flexion")
        mid = CENTRE_X + 60  # the landmark names take the left
        columns = {"left": mid - 80, "right": mid + 80}
        self._sides(painter, columns["left"], columns["right"], 8,
                    "Landmarks on each side against level lines (not to scale)")
        rows = (("asis", "ASIS", 52), ("psis", "PSIS", 92), ("pubic_tubercle",
                "pubic tubercle", 132), ("leg", "medial malleolus", 172))
        shift = {"superior": -12, "inferior": 12, "longer": 12, "shorter": -12}
        painter.setPen(QPen(self.muted, 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(mid, 36), QPointF(mid, 190))  # midline
        for key, label, y in rows:
            painter.setPen(QPen(self.muted, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(mid - 140, y), QPointF(mid + 140, y))
            self._text(painter, mid - 290, y - 11, label, color=self.muted, width=140,
                       align=Qt.AlignmentFlag.AlignRight)
            for name, x in columns.items():
                value = f.get(key) if name == side else None
                dx = 0
                if value in ("medial", "lateral"):
                    toward_mid = 1 if name == "left" else -1
                    dx = 22 * toward_mid * (1 if value == "medial" else -1)
                painter.setPen(QPen(self.ink, 2))
                painter.setBrush(self.mark if name == side else self.soft)
                painter.drawEllipse(QPointF(x + dx, y + shift.get(value, 0)), 7, 7)
        self._facts(painter, finding_lines(f))

    def _ribs(self, painter: QPainter, f: dict) -> None:
        first, _, last = str(f.get("ribs", "")).partition("-")
        lo, hi = int(first), int(last or first)
        side = f.get("side")
        cx = CENTRE_X
        self._sides(painter, cx - 110, cx + 110, 8, "Ribs 1-12 seen from behind (not to scale)")
        for rib in range(1, 13):
            y = 28 + rib * 13
            for name, sign in (("left", -1), ("right", 1)):
                hit = name == side and lo <= rib <= hi
                painter.setPen(QPen(self.mark if hit else self.muted, 4 if hit else 2))
                span = 70 + min(rib, 8) * 6
                path = QPainterPath()
                path.moveTo(cx + 8 * sign, y)
                path.quadTo(cx + span * sign, y - 10, cx + (span + 10) * sign, y + 14)
                painter.drawPath(path)
            self._text(painter, cx - 10, y - 9, str(rib), color=self.muted,
                       align=Qt.AlignmentFlag.AlignHCenter, width=20)
        self._facts(painter, [f"Ribs {f.get('ribs')} on the {side}",
                              f"Restricted in {f.get('restricted_in')}"])
