"""The picture of an occlusion or "point to it" card, drawn to fit the space it is given, with
what lies on it: an occlusion card's masks; a map's marker, the student's click or keyboard
cursor, and after the answer the right spot.

SVG is drawn by QtSvg at the size shown, so lines stay sharp at any window size; other images
are scaled once per size with smoothing, at the screen's pixel ratio. Which shapes are covered
comes from the core (`omtquiz.decks.occlusion.masks`); this widget only paints them.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget

from omtquiz.decks import resolver
from omtquiz.decks.occlusion import ASKED, HIDDEN, REVEALED, Mask
from omtquiz.resources import assets_dir
from omtquiz.ui import theme

MARGIN = 8
# The app's own diagrams (tools/make_diagrams.py) are drawn for paper; in the dark theme their
# few colours are swapped for these, so a map is not a white block on a dark page. Every colour
# the drawings use is here (tests/ui/test_diagrams.py checks); other pictures are left as drawn.
NIGHT_COLOURS = {
    "#ffffff": "#272b33",  # paper: the dark card colour
    "#eef1f5": "#363c48",  # skin
    "#f7f3ea": "#4a4538",  # bone
    "#e6e0d2": "#5a5344", "#e9e3d5": "#5a5344",  # articular processes, the sacrum
    "#2b3140": "#d5dae3",  # outlines
    "#1d2330": "#e6e8ec",  # labels
    "#7b8598": "#8f98ab",  # bones and landmarks under the skin
    "#555e70": "#b4bbc8",  # captions
    "#1a56c4": "#7fa8f5",  # leader lines, axes
    "#b06000": "#e89a4a",  # the second oblique axis
}
_HEX = re.compile(rb"#[0-9a-fA-F]{6}\b")


def night_svg(data: bytes) -> bytes:
    """An app diagram's SVG with its colours swapped for the dark theme's."""
    def swap(match: re.Match) -> bytes:
        colour = match.group(0).decode().lower()
        return NIGHT_COLOURS.get(colour, colour).encode()
    return _HEX.sub(swap, data)


def is_app_diagram(path: str) -> bool:
    return Path(path).resolve().is_relative_to((assets_dir() / "diagrams").resolve())


class Picture:
    """One image file, drawable into any rectangle; an unreadable file draws nothing.

    The bytes come through the deck resolver (`roots`: the deck's folder and the app's assets),
    checked again as they are read, as every picture a deck names is.
    """

    def __init__(self, path: str, roots: tuple[Path, ...], night: bool = False) -> None:
        self.path = path
        self.night = night and Path(path).suffix.lower() == ".svg" and is_app_diagram(path)
        self.svg: QSvgRenderer | None = None
        self.image: QImage | None = None
        self._scaled: tuple[QSize, QImage] | None = None
        try:
            data = QByteArray(resolver.read_file(Path(path), roots))
        except resolver.Refused:
            return
        if Path(path).suffix.lower() == ".svg":
            renderer = QSvgRenderer(night_svg(data.data()) if self.night else data)
            self.svg = renderer if renderer.isValid() else None
        else:
            image = QImage.fromData(data)
            self.image = None if image.isNull() else image

    @property
    def ok(self) -> bool:
        return self.svg is not None or self.image is not None

    def size(self) -> QSize:
        if self.svg is not None:
            box = self.svg.viewBoxF()
            return QSize(max(1, round(box.width())), max(1, round(box.height())))
        return self.image.size() if self.image is not None else QSize(1, 1)

    def draw(self, painter: QPainter, target: QRectF, ratio: float) -> None:
        if self.svg is not None:
            self.svg.render(painter, target)
        elif self.image is not None:
            wanted = QSize(round(target.width() * ratio), round(target.height() * ratio))
            if self._scaled is None or self._scaled[0] != wanted:
                scaled = self.image.scaled(wanted, Qt.AspectRatioMode.IgnoreAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation)
                self._scaled = (wanted, scaled)
            painter.drawImage(target, self._scaled[1])


def fit(picture: QSize, space: QRectF) -> QRectF:
    """The largest rectangle of the picture's proportions centred in `space`."""
    scale = min(space.width() / picture.width(), space.height() / picture.height())
    width, height = picture.width() * scale, picture.height() * scale
    return QRectF(space.x() + (space.width() - width) / 2,
                  space.y() + (space.height() - height) / 2, width, height)


def shape_path(mask: Mask, target: QRectF) -> QPainterPath:
    """The mask's shape in widget pixels, image coordinates 0-1 mapped onto `target`."""
    shape, path = mask.shape, QPainterPath()
    x0, y0, w, h = target.x(), target.y(), target.width(), target.height()
    c = shape.coords
    if shape.kind == "rect":
        path.addRoundedRect(QRectF(x0 + c[0] * w, y0 + c[1] * h, c[2] * w, c[3] * h), 3, 3)
    elif shape.kind == "ellipse":
        path.addEllipse(QPointF(x0 + c[0] * w, y0 + c[1] * h), c[2] * w, c[3] * h)
    else:
        path.addPolygon(QPolygonF([QPointF(x0 + x * w, y0 + y * h) for x, y in shape.points()]))
        path.closeSubpath()
    return path


class OcclusionView(QWidget):
    """Draws a picture scaled to fit, with covered, asked and revealed shapes on top, or a map
    with a marker, a cursor, a click and the right spot."""

    clicked = Signal(float, float)  # where a map was clicked, in fractions of the picture

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("occlusionView")
        self.setAccessibleName("Picture")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 160)
        self.picture: Picture | None = None
        self.masks: tuple[Mask, ...] = ()
        self.marker: tuple[float, ...] | None = None  # a spot shown for "what is this?"
        self.cue: tuple[float, ...] = ()  # a given spot, blue, shown throughout ("its partner?")
        self.answer_spots: tuple[tuple[float, ...], ...] = ()  # the right spots, after it
        self.click: tuple[float, float] | None = None  # where the student pointed
        self.click_color = "highlight"
        self.cursor: tuple[float, float] | None = None  # the keyboard's pointer
        self.accepts_clicks = False

    def show_picture(self, path: str | None, masks: tuple[Mask, ...] = (),
                     deck_path: str | None = None) -> None:
        """`path` (a card's checked `image:`) drawn with `masks`; it may come from the folder
        of the deck at `deck_path` or from the app's assets (None: from there only)."""
        if path is None:
            self.picture = None
        elif self.picture is None or self.picture.path != path \
                or self.picture.night != self._night_for(path):
            roots = resolver.roots_of(deck_path) if deck_path else (assets_dir().resolve(),)
            self.picture = Picture(path, roots, night=self._night_for(path))
        self.masks = masks
        self.marker = self.click = self.cursor = None
        self.cue = ()
        self.answer_spots = ()
        self.accepts_clicks = False
        self.setCursor(Qt.CursorShape.ArrowCursor)
        asked = [m.shape.label for m in masks if m.role == REVEALED]
        self.setAccessibleDescription(f"Revealed: {', '.join(asked)}" if asked else
                                      "The highlighted region is asked")
        self.update()

    @staticmethod
    def _night_for(path: str) -> bool:
        return theme.current() == "dark" and path.lower().endswith(".svg") \
            and is_app_diagram(path)

    def show_map(self, path: str, *, marker: tuple[float, ...] | None = None,
                 accepts_clicks: bool = False, deck_path: str | None = None,
                 cue: tuple[float, ...] = ()) -> None:
        """A map: with a marker to name, or waiting for a click on the named spot; `cue` is a
        given spot drawn in blue (it stays when the answer is shown)."""
        self.show_picture(path, deck_path=deck_path)
        self.marker, self.cue = marker, cue
        self.accepts_clicks = accepts_clicks
        self.setAccessibleDescription("Click the named spot, or move the pointer with the "
                                      "arrow keys and press Enter" if accepts_clicks else
                                      "A marked spot on the map")
        if accepts_clicks:
            self.setCursor(Qt.CursorShape.CrossCursor)

    def show_answer(self, spots: tuple[tuple[float, ...], ...],
                    click: tuple[float, float] | None, color: str) -> None:
        """The right spots, and where the student pointed (in the colour of its verdict)."""
        self.answer_spots, self.click, self.click_color = spots, click, color
        self.accepts_clicks, self.cursor = False, None
        self.setCursor(Qt.CursorShape.ArrowCursor)
        self.update()

    def aspect(self) -> float:
        """The picture's height / width."""
        if self.picture is None or not self.picture.ok:
            return 1.0
        size = self.picture.size()
        return size.height() / size.width()

    def move_cursor(self, dx: float, dy: float) -> None:
        """Move the keyboard pointer by fractions of the picture's width (it starts centred)."""
        x, y = self.cursor or (0.5, 0.5)
        if self.cursor is not None:
            x, y = x + dx, y + dy / self.aspect()
        self.cursor = (min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0))
        self.update()

    def to_picture(self, point: QPointF) -> tuple[float, float] | None:
        """A point of the widget in fractions of the picture; None outside it."""
        target = self.image_rect()
        if target.isEmpty() or not target.contains(point):
            return None
        return ((point.x() - target.x()) / target.width(),
                (point.y() - target.y()) / target.height())

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        where = self.to_picture(event.position()) if self.accepts_clicks else None
        if where is None:
            super().mousePressEvent(event)
            return
        self.clicked.emit(*where)

    def image_rect(self) -> QRectF:
        space = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        if self.picture is None or not self.picture.ok or space.width() <= 0 \
                or space.height() <= 0:
            return QRectF()
        return fit(self.picture.size(), space)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        target = self.image_rect()
        if target.isEmpty():
            return
        colors = theme.colors(theme.current())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        frame = target.adjusted(-1, -1, 1, 1)
        # pictures are drawn for paper; the app's diagrams have a night version (NIGHT_COLOURS)
        painter.fillRect(frame, QColor(colors["base"] if self.picture.night else "#ffffff"))
        self.picture.draw(painter, target, self.devicePixelRatioF())
        painter.setPen(QPen(QColor(colors["border"]), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(frame)
        for mask in self.masks:
            self._paint_mask(painter, mask, target, colors)
        self._paint_map(painter, target, colors)
        painter.end()

    def _at(self, target: QRectF, x: float, y: float) -> QPointF:
        return QPointF(target.x() + x * target.width(), target.y() + y * target.height())

    def _paint_map(self, painter: QPainter, target: QRectF, colors: dict[str, str]) -> None:
        """The given spot, the marker to name, the right spot, the click and the keyboard
        pointer."""
        if self.cue:
            self._paint_spot(painter, target, self.cue, colors["highlight"], "#ffffff")
        if self.marker is not None:
            self._paint_spot(painter, target, self.marker, colors["asked"], colors["asked_edge"])
        if self.answer_spots and self.click is not None:
            aspect = target.height() / target.width()
            nearest = min(self.answer_spots, key=lambda s: math.hypot(
                s[0] - self.click[0], (s[1] - self.click[1]) * aspect))
            painter.setPen(QPen(QColor(colors["muted"]), 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(self._at(target, *self.click), self._at(target, *nearest[:2]))
        for spot in self.answer_spots:
            self._paint_spot(painter, target, spot, colors["good"], colors["good"], alpha=70)
        if self.click is not None:
            self._paint_cross(painter, self._at(target, *self.click), colors[self.click_color])
        if self.cursor is not None:
            self._paint_cross(painter, self._at(target, *self.cursor), colors["highlight"],
                              ring=True)

    def _paint_spot(self, painter: QPainter, target: QRectF, spot: tuple[float, ...],
                    fill: str, edge: str, alpha: int = 220) -> None:
        radius = max(spot[2] * target.width(), 6.0)
        color = QColor(fill)
        color.setAlpha(alpha)
        painter.setBrush(color)
        painter.setPen(QPen(QColor(edge), 2.5))
        painter.drawEllipse(self._at(target, spot[0], spot[1]), radius, radius)

    @staticmethod
    def _paint_cross(painter: QPainter, at: QPointF, color: str, ring: bool = False) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for width, shade in ((5.0, QColor("#ffffff")), (2.5, QColor(color))):
            pen = QPen(shade)
            pen.setWidthF(width)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawLine(at + QPointF(-9, -9), at + QPointF(9, 9))
            painter.drawLine(at + QPointF(-9, 9), at + QPointF(9, -9))
            if ring:
                painter.drawEllipse(at, 14, 14)

    def _paint_mask(self, painter: QPainter, mask: Mask, target: QRectF,
                    colors: dict[str, str]) -> None:
        path = shape_path(mask, target)
        if mask.role == HIDDEN:
            painter.setPen(QPen(QColor(colors["mask_edge"]), 1.5))
            painter.setBrush(QColor(colors["mask"]))
        elif mask.role == ASKED:
            painter.setPen(QPen(QColor(colors["asked_edge"]), 2.5))
            painter.setBrush(QColor(colors["asked"]))
        else:
            fill = QColor(colors["highlight"])
            fill.setAlpha(40)
            painter.setPen(QPen(QColor(colors["highlight"]), 2.5, Qt.PenStyle.DashLine))
            painter.setBrush(fill)
        painter.drawPath(path)  # a revealed shape is outlined; its name is in the text above
