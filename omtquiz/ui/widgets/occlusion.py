"""The picture of an occlusion card with its masks, drawn to fit the space it is given.

SVG is drawn by QtSvg at the size shown, so lines stay sharp at any window size; other images
are scaled once per size with smoothing, at the screen's pixel ratio. Which shapes are covered
comes from the core (`omtquiz.decks.occlusion.masks`); this widget only paints them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget

from omtquiz.decks.occlusion import ASKED, HIDDEN, REVEALED, Mask
from omtquiz.ui import theme

MARGIN = 8


class Picture:
    """One image file, drawable into any rectangle; an unreadable file draws nothing."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.svg: QSvgRenderer | None = None
        self.image: QImage | None = None
        self._scaled: tuple[QSize, QImage] | None = None
        if Path(path).suffix.lower() == ".svg":
            renderer = QSvgRenderer(path)
            self.svg = renderer if renderer.isValid() else None
        else:
            image = QImage(path)
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
    """Draws a picture scaled to fit, with covered, asked and revealed shapes on top."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("occlusionView")
        self.setAccessibleName("Picture")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 160)
        self.picture: Picture | None = None
        self.masks: tuple[Mask, ...] = ()

    def show_picture(self, path: str | None, masks: tuple[Mask, ...]) -> None:
        if path is None:
            self.picture = None
        elif self.picture is None or self.picture.path != path:
            self.picture = Picture(path)
        self.masks = masks
        asked = [m.shape.label for m in masks if m.role == REVEALED]
        self.setAccessibleDescription(f"Revealed: {', '.join(asked)}" if asked else
                                      "The highlighted region is asked")
        self.update()

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
        painter.fillRect(frame, QColor("#ffffff"))  # pictures are drawn for paper
        self.picture.draw(painter, target, self.devicePixelRatioF())
        painter.setPen(QPen(QColor(colors["border"]), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(frame)
        for mask in self.masks:
            self._paint_mask(painter, mask, target, colors)
        painter.end()

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
        painter.drawPath(path)
        if mask.role == REVEALED:
            self._paint_label(painter, mask.shape.label, path.boundingRect(), target, colors)

    def _paint_label(self, painter: QPainter, label: str, box: QRectF, target: QRectF,
                     colors: dict[str, str]) -> None:
        """The label on a rounded chip just below the shape (above it near the bottom edge)."""
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(label) + 14
        height = metrics.height() + 6
        x = min(max(box.center().x() - width / 2, target.left()), target.right() - width)
        y = box.bottom() + 4
        if y + height > target.bottom():
            y = box.top() - height - 4
        chip = QRectF(x, max(y, target.top()), width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colors["highlight"]))
        painter.drawRoundedRect(chip, height / 2, height / 2)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, label)
