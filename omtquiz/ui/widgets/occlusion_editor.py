"""Drawing an occlusion card's shapes on its picture, with the mouse or the keyboard.

The canvas shows the picture as the review screen does (`widgets.occlusion`'s `Picture` and
`fit`) with every shape on it, numbered in the order the card asks them. Tools: select (drag a
shape to move it, a handle of the selected one to resize it), rectangle and ellipse (drag a
box), polygon (click the corners; Enter, a double click or a click on the first corner closes
it). Keyboard: Tab and Shift+Tab step through the shapes, the arrows move the selected one
(Shift+arrows resize it, Alt makes either step fine), Delete removes it, V/R/E/P pick the tool.

Every change of geometry is computed by the core (`decks.shape_edit`); this widget only turns
pixels into picture fractions and paints.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from omtquiz.decks import shape_edit
from omtquiz.decks.model import Shape
from omtquiz.decks.occlusion import ASKED, Mask
from omtquiz.ui import theme
from omtquiz.ui.widgets.occlusion import MARGIN, Picture, fit, shape_path

TOOLS = ("select", "rect", "ellipse", "polygon")
TOOL_KEYS = {Qt.Key.Key_V: "select", Qt.Key.Key_R: "rect", Qt.Key.Key_E: "ellipse",
             Qt.Key.Key_P: "polygon"}
HANDLE_PX = 5.0  # half the side of a resize handle
GRAB_PX = 9.0  # how near a handle or a polygon's first corner a press must be
STEP, FINE_STEP = 0.01, 0.002
UNDO_STEPS = 100


class ShapeCanvas(QWidget):
    """A picture with editable shapes; `shapes` is the list, `selected` an index or -1."""

    shapesChanged = Signal()  # noqa: N815 (Qt's naming)
    selectionChanged = Signal(int)  # noqa: N815
    toolChanged = Signal(str)  # noqa: N815

    def __init__(self, image_path: str, roots: tuple[Path, ...], shapes=(),
                 parent=None) -> None:
        """`image_path`: the card's checked picture, read through the resolver from `roots`
        (the deck's folder and the app's assets, `resolver.roots_of(deck)`)."""
        super().__init__(parent)
        self.setObjectName("shapeCanvas")
        self.setAccessibleName("Picture with the shapes to cover")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        # the app's own diagrams in the dark theme's colours, as the review screen shows them
        self.picture = Picture(image_path, roots, night=theme.current() == "dark")
        self.shapes: list[Shape] = list(shapes)
        # which shape of the file each one was edited from (None: drawn here), so a save
        # keeps each written shape's own comments and style
        self.origins: list[int | None] = list(range(len(self.shapes)))
        self.selected = -1
        self.tool = "select"
        self._drag: tuple | None = None  # (what, start point, shape before, handle)
        self._sketch: Shape | None = None  # a rect or ellipse being dragged out
        self._corners: list[tuple[float, float]] = []  # a polygon being clicked out
        self._hover: tuple[float, float] | None = None
        self.history: list[tuple[list[Shape], list[int | None], int]] = []  # for undo
        self._pending: tuple | None = None  # the state a mouse drag started from

    # -- what the dialog calls -------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        if tool not in TOOLS or tool == self.tool:
            return
        self._corners = []
        self.tool = tool
        self.setCursor(Qt.CursorShape.ArrowCursor if tool == "select"
                       else Qt.CursorShape.CrossCursor)
        self.toolChanged.emit(tool)
        self.update()

    def select(self, index: int) -> None:
        index = index if 0 <= index < len(self.shapes) else -1
        if index != self.selected:
            self.selected = index
            self._describe()
            self.selectionChanged.emit(index)
        self.update()

    def set_text(self, index: int, label: str | None = None, group: str | None = None) -> None:
        """Change a shape's label or group (None leaves it; an empty group is none)."""
        if not 0 <= index < len(self.shapes):
            return
        shape = self.shapes[index]
        if label is not None:
            shape = Shape(shape.kind, shape.coords, label, shape.group)
        if group is not None:
            shape = Shape(shape.kind, shape.coords, shape.label, group.strip() or None)
        self._replace(index, shape)

    def delete_selected(self) -> None:
        if 0 <= self.selected < len(self.shapes):
            self._push(self._snapshot())
            index = self.selected
            del self.shapes[index]
            del self.origins[index]
            self.selected = -1
            self.select(min(index, len(self.shapes) - 1))
            self.shapesChanged.emit()

    def add(self, shape: Shape) -> None:
        self._push(self._snapshot())
        self.shapes.append(shape)
        self.origins.append(None)
        self.shapesChanged.emit()
        self.select(len(self.shapes) - 1)

    # -- undo ------------------------------------------------------------------------------
    def _snapshot(self) -> tuple[list[Shape], list[int | None], int]:
        return list(self.shapes), list(self.origins), self.selected

    def _push(self, snapshot) -> None:
        self.history.append(snapshot)
        del self.history[:-UNDO_STEPS]

    def _remember(self) -> None:
        self._pending = self._snapshot()

    def _commit(self) -> None:
        """After a drag: one undo step, if it changed anything."""
        if self._pending is not None and self._pending[0] != self.shapes:
            self._push(self._pending)
        self._pending = None

    def undo(self) -> bool:
        """Back to the shapes before the last change (drawn, moved, resized, deleted)."""
        if not self.history:
            return False
        self.shapes, self.origins, selected = self.history.pop()
        self._corners, self._drag, self._sketch = [], None, None
        self.shapesChanged.emit()
        self.selected = -2  # so that select() always tells the panel
        self.select(selected)
        return True

    def _replace(self, index: int, shape: Shape) -> None:
        if self.shapes[index] != shape:
            self.shapes[index] = shape
            self.shapesChanged.emit()
            self.update()

    # -- coordinates -----------------------------------------------------------------------
    def image_rect(self) -> QRectF:
        space = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        if not self.picture.ok or space.width() <= 0 or space.height() <= 0:
            return QRectF()
        return fit(self.picture.size(), space)

    def to_picture(self, point: QPointF) -> tuple[float, float]:
        """A widget point in fractions of the picture (outside it: beyond 0 to 1)."""
        target = self.image_rect()
        if target.isEmpty():
            return (0.0, 0.0)
        return ((point.x() - target.x()) / target.width(),
                (point.y() - target.y()) / target.height())

    def to_widget(self, x: float, y: float) -> QPointF:
        target = self.image_rect()
        return QPointF(target.x() + x * target.width(), target.y() + y * target.height())

    def _handles(self, shape: Shape) -> dict[str, QPointF]:
        left, top, right, bottom = shape.bounds()
        mid_x, mid_y = (left + right) / 2, (top + bottom) / 2
        spots = {"nw": (left, top), "n": (mid_x, top), "ne": (right, top), "e": (right, mid_y),
                 "se": (right, bottom), "s": (mid_x, bottom), "sw": (left, bottom),
                 "w": (left, mid_y)}
        return {name: self.to_widget(*spot) for name, spot in spots.items()}

    def corner_at(self, point: QPointF) -> int:
        """The selected polygon's corner under `point`, or -1."""
        if not 0 <= self.selected < len(self.shapes) \
                or self.shapes[self.selected].kind != "polygon":
            return -1
        for index, spot in enumerate(self.shapes[self.selected].points()):
            at = self.to_widget(*spot)
            if abs(at.x() - point.x()) <= GRAB_PX and abs(at.y() - point.y()) <= GRAB_PX:
                return index
        return -1

    def handle_at(self, point: QPointF) -> str | None:
        if not 0 <= self.selected < len(self.shapes):
            return None
        for name, at in self._handles(self.shapes[self.selected]).items():
            if abs(at.x() - point.x()) <= GRAB_PX and abs(at.y() - point.y()) <= GRAB_PX:
                return name
        return None

    def shape_at(self, point: QPointF) -> int:
        """The topmost shape under `point` (the last drawn wins), or -1."""
        target = self.image_rect()
        for index in range(len(self.shapes) - 1, -1, -1):
            if shape_path(Mask(self.shapes[index], ASKED), target).contains(point):
                return index
        return -1

    # -- the mouse -------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.button() != Qt.MouseButton.LeftButton or self.image_rect().isEmpty():
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        point = event.position()
        where = self.to_picture(point)
        if self.tool in ("rect", "ellipse"):
            self._drag = ("draw", where, None, None)
        elif self.tool == "polygon":
            self._click_corner(point, where)
        else:
            self._remember()
            corner = self.corner_at(point)
            if corner >= 0:
                self._drag = ("corner", where, self.shapes[self.selected], corner)
                return
            handle = self.handle_at(point)
            if handle is not None:
                self._drag = ("resize", where, self.shapes[self.selected], handle)
                return
            index = self.shape_at(point)
            self.select(index)
            if index >= 0:
                self._drag = ("move", where, self.shapes[index], None)
                self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        point = event.position()
        where = self.to_picture(point)
        if self._drag is None:
            self._hover = where
            if self.tool == "polygon" and self._corners:
                self.update()
            elif self.tool == "select":
                self._set_hover_cursor(point)
            return
        what, start, before, handle = self._drag
        if what == "draw":
            self._sketch = shape_edit.from_drag(self.tool, *start, *where, label="")
            self.update()
        elif what == "move":
            self._replace(self.selected, shape_edit.moved(before, where[0] - start[0],
                                                          where[1] - start[1]))
        elif what == "resize":
            self._replace(self.selected, shape_edit.resized(before, handle, *where))
        elif what == "corner":
            self._replace(self.selected, shape_edit.with_corner(before, handle, *where))

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self._drag is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        what, start, _before, _handle = self._drag
        self._drag, self._sketch = None, None
        self._commit()
        if what == "draw":
            shape = shape_edit.from_drag(self.tool, *start, *self.to_picture(event.position()))
            if shape is not None:
                self.add(shape)
        if self.tool == "select":
            self._set_hover_cursor(event.position())
        self.update()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.tool == "polygon" and self._corners:
            self.finish_polygon()
        else:
            super().mouseDoubleClickEvent(event)

    def _set_hover_cursor(self, point: QPointF) -> None:
        handle = self.handle_at(point)
        if self.corner_at(point) >= 0:
            cursor = Qt.CursorShape.CrossCursor
        elif handle is not None:
            diagonal = Qt.CursorShape.SizeFDiagCursor if handle in ("nw", "se") else \
                Qt.CursorShape.SizeBDiagCursor
            cursor = {"n": Qt.CursorShape.SizeVerCursor, "s": Qt.CursorShape.SizeVerCursor,
                      "e": Qt.CursorShape.SizeHorCursor, "w": Qt.CursorShape.SizeHorCursor
                      }.get(handle, diagonal)
        elif self.shape_at(point) >= 0:
            cursor = Qt.CursorShape.OpenHandCursor
        else:
            cursor = Qt.CursorShape.ArrowCursor
        self.setCursor(cursor)

    def _click_corner(self, point: QPointF, where: tuple[float, float]) -> None:
        if len(self._corners) >= 3:
            first = self.to_widget(*self._corners[0])
            if abs(first.x() - point.x()) <= GRAB_PX and abs(first.y() - point.y()) <= GRAB_PX:
                self.finish_polygon()
                return
        self._corners.append((min(max(where[0], 0.0), 1.0), min(max(where[1], 0.0), 1.0)))
        self.update()

    def finish_polygon(self) -> bool:
        """Close the polygon being clicked out (True if it made a shape)."""
        shape = shape_edit.from_points(self._corners)
        self._corners = []
        if shape is not None:
            self.add(shape)
        self.update()
        return shape is not None

    # -- the keyboard ----------------------------------------------------------------------
    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 (Qt's name)
        """Tab steps through the shapes; past the last (or before the first) it leaves."""
        if self.shapes:
            index = self.selected + (1 if forward else -1)
            if self.selected == -1 and not forward:
                index = len(self.shapes) - 1
            if 0 <= index < len(self.shapes):
                self.select(index)
                return True
        return super().focusNextPrevChild(forward)

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().focusOutEvent(event)
        self.update()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        key, mods = event.key(), event.modifiers()
        arrows = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1),
                  Qt.Key.Key_Down: (0, 1)}
        plain = not mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier)
        if key in arrows and 0 <= self.selected < len(self.shapes) and plain:
            step = FINE_STEP if mods & Qt.KeyboardModifier.AltModifier else STEP
            dx, dy = (v * step for v in arrows[key])
            shape = self.shapes[self.selected]
            self._remember()
            if mods & Qt.KeyboardModifier.ShiftModifier:
                self._replace(self.selected, shape_edit.grown(shape, dx, dy))
            else:
                self._replace(self.selected, shape_edit.moved(shape, dx, dy))
            self._commit()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected >= 0:
            self.delete_selected()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._corners:
            self.finish_polygon()
        elif key == Qt.Key.Key_Escape and self._corners:
            self._corners = []
            self.update()
        elif key == Qt.Key.Key_Escape and self.selected >= 0 and self.tool == "select":
            self.select(-1)
        elif key in TOOL_KEYS and plain and not mods & Qt.KeyboardModifier.AltModifier:
            self.set_tool(TOOL_KEYS[key])
        else:
            super().keyPressEvent(event)

    def _describe(self) -> None:
        if 0 <= self.selected < len(self.shapes):
            shape = self.shapes[self.selected]
            self.setAccessibleDescription(
                f"Shape {self.selected + 1} of {len(self.shapes)}: {shape.kind}, "
                f"{shape.label or 'no label yet'}" + (f", group {shape.group}" if shape.group
                                                       else ""))
        else:
            self.setAccessibleDescription(f"{len(self.shapes)} shape(s); Tab selects one")

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        target = self.image_rect()
        if target.isEmpty():
            if not self.picture.ok:
                painter = QPainter(self)
                painter.setPen(QColor(theme.colors(theme.current())["bad"]))
                painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter,
                                 "This picture cannot be drawn: " + self.picture.path)
                painter.end()
            return
        # What is drawn on the picture uses the light look in both looks: pictures are paper.
        colors = theme.colors("light")
        focus = theme.colors(theme.current())["highlight"]
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        frame = target.adjusted(-1, -1, 1, 1)
        painter.fillRect(frame, QColor("#ffffff"))  # pictures are drawn for paper
        self.picture.draw(painter, target, self.devicePixelRatioF())
        if self.hasFocus():  # the keyboard is here: a ring around the picture
            painter.setPen(QPen(QColor(focus), 2))
            painter.drawRect(target.adjusted(-3, -3, 3, 3))
        painter.setPen(QPen(QColor(colors["border"]), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(frame)
        for index, shape in enumerate(self.shapes):
            self._paint_shape(painter, index, shape, target, colors)
        if self._sketch is not None:
            self._paint_outline(painter, shape_path(Mask(self._sketch, ASKED), target), colors)
        if self._corners:
            self._paint_corners(painter, colors)
        if 0 <= self.selected < len(self.shapes):
            self._paint_handles(painter, self.shapes[self.selected], colors)
        painter.end()

    def _paint_shape(self, painter: QPainter, index: int, shape: Shape, target: QRectF,
                     colors: dict[str, str]) -> None:
        chosen = index == self.selected  # see-through: the author draws over what it covers
        fill = QColor(colors["asked" if chosen else "highlight"])
        fill.setAlpha(90 if chosen else 55)
        painter.setBrush(fill)
        painter.setPen(QPen(QColor(colors["asked_edge" if chosen else "highlight"]),
                            2.5 if chosen else 1.5))
        path = shape_path(Mask(shape, ASKED), target)
        painter.drawPath(path)
        self._paint_chip(painter, index, shape, path, colors)

    def _paint_chip(self, painter: QPainter, index: int, shape: Shape, path: QPainterPath,
                    colors: dict[str, str]) -> None:
        """The shape's number (the order it is asked in) in a badge at its top-left corner,
        and its label across its middle when it fits there whole (else the list names it)."""
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        box = path.boundingRect()
        number = str(index + 1)
        height = metrics.height() + 2
        badge = QRectF(box.left() - height / 3, box.top() - height / 3,
                       max(height, metrics.horizontalAdvance(number) + 8), height)
        chosen = index == self.selected
        painter.setPen(QPen(QColor("#ffffff"), 1))
        painter.setBrush(QColor(colors["asked_edge" if chosen else "highlight"]))
        painter.drawRoundedRect(badge, height / 2, height / 2)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, number)
        text = shape.label + (f"  [{shape.group}]" if shape.group else "")
        width = metrics.horizontalAdvance(text) + 10
        if not shape.label or width > box.width() - 8 or height * 2.2 > box.height():
            return
        chip = QRectF(box.center().x() - width / 2, box.center().y() - height / 2, width, height)
        painter.setPen(QPen(QColor(colors["border"]), 1))
        painter.setBrush(QColor(colors["base"]))
        painter.drawRoundedRect(chip, height / 2, height / 2)
        painter.setPen(QColor(colors["text"]))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_outline(self, painter: QPainter, path: QPainterPath,
                       colors: dict[str, str]) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(colors["highlight"]), 2, Qt.PenStyle.DashLine))
        painter.drawPath(path)

    def _paint_corners(self, painter: QPainter, colors: dict[str, str]) -> None:
        points = [self.to_widget(*c) for c in self._corners]
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        if self._hover is not None:
            path.lineTo(self.to_widget(*self._hover))
        self._paint_outline(painter, path, colors)
        painter.setPen(QPen(QColor(colors["highlight"]), 1.5))
        painter.setBrush(QColor("#ffffff"))
        for i, point in enumerate(points):
            radius = GRAB_PX if i == 0 and len(points) >= 3 else 3.5  # the first closes it
            painter.drawEllipse(point, radius, radius)

    def _paint_handles(self, painter: QPainter, shape: Shape, colors: dict[str, str]) -> None:
        left, top, right, bottom = shape.bounds()
        box = QRectF(self.to_widget(left, top), self.to_widget(right, bottom))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(colors["highlight"]), 1, Qt.PenStyle.DashLine))
        painter.drawRect(box)
        painter.setPen(QPen(QColor(colors["highlight"]), 1.5))
        painter.setBrush(QColor("#ffffff"))
        for at in self._handles(shape).values():
            painter.drawRect(QRectF(at.x() - HANDLE_PX, at.y() - HANDLE_PX, 2 * HANDLE_PX,
                                    2 * HANDLE_PX))
        if shape.kind == "polygon":  # its corners move one by one
            painter.setBrush(QColor(colors["asked"]))
            painter.setPen(QPen(QColor("#ffffff"), 1.5))
            for spot in shape.points():
                painter.drawEllipse(self.to_widget(*spot), HANDLE_PX, HANDLE_PX)
