"""The statistics screen: today, a year of study, what is coming due, retention, the hardest
cards, mastery per technique and exam scores.

Every number comes from `study.stats.collect`, the function behind `omtquiz stats --json`, so
the screen and the command line cannot disagree. Each chart is a small widget that paints itself
with QPainter in the current theme's colours and saves itself as PNG (right-click, or "Save
charts" for all of them).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from omtquiz.study.stats import (
    DayCount,
    ExamPoint,
    Mastery,
    Retention,
    StatsReport,
    duration_text,
    streak,
)
from omtquiz.ui import theme
from omtquiz.ui.widgets.controls import plain_tooltip, set_primary_enabled

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


def blend(low: str, high: str, share: float) -> QColor:
    """A colour `share` of the way from `low` to `high`: heat levels that stay opaque in PNGs."""
    a, b = QColor(low), QColor(high)
    return QColor(round(a.red() + (b.red() - a.red()) * share),
                  round(a.green() + (b.green() - a.green()) * share),
                  round(a.blue() + (b.blue() - a.blue()) * share))


def nice_ceiling(value: float) -> int:
    """The axis maximum: the next 1, 2 or 5 times a power of ten at or above `value`."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)


def day_text(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


class Chart(QWidget):
    """A titled card that paints its content in `draw`; right-click to save it as PNG."""

    file_stem = "chart"

    def __init__(self, title: str, name: str, parent=None) -> None:
        super().__init__(parent)
        self.title = title
        self.setObjectName(name)
        self.setAccessibleName(title)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the Menu key then opens "Save"
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        save = QAction("Save chart as PNG…", self)
        save.setObjectName(f"{name}SaveAction")
        save.triggered.connect(self.save_dialog)
        self.addAction(save)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    # -- to override -----------------------------------------------------------------------
    def subtitle(self) -> str:
        return ""

    def is_empty(self) -> bool:
        return False

    def empty_text(self) -> str:
        return "Nothing to show yet."

    def draw(self, painter: QPainter, area: QRect, c: dict[str, str]) -> None:
        raise NotImplementedError

    def content_height(self, width: int) -> int:
        """The drawing's height at this content width; the card adds its title and margins."""
        return 190

    # -- shared ----------------------------------------------------------------------------
    def height_for(self, width: int) -> int:
        title = QFont(self.font())
        title.setBold(True)
        content = 3 * self.line_height() if self.is_empty() else self.content_height(width - 28)
        return 10 + QFontMetrics(title).height() + 12 + content + 12

    def sizeHint(self) -> QSize:
        width = self.width() if self.width() > 100 else 480
        return QSize(480, self.height_for(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(320, self.sizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.height_for(event.size().width()) != event.size().height():
            self.updateGeometry()  # the drawing wraps differently at this width

    def changed(self) -> None:
        self.setAccessibleDescription(self.subtitle())
        self.updateGeometry()
        self.update()

    def export_png(self, path: str | Path) -> bool:
        return self.grab().save(str(path), "PNG")

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save chart", f"{self.file_stem}.png",
                                              "PNG images (*.png)")
        if path:
            self.export_png(path)

    def paintEvent(self, event) -> None:
        c = theme.colors(theme.current())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(QColor(c["highlight"] if self.hasFocus() else c["border"]), 1))
        painter.setBrush(QColor(c["base"]))
        painter.drawRoundedRect(frame, 8, 8)
        title_font = QFont(self.font())
        title_font.setBold(True)
        title_font.setPointSizeF(self.font().pointSizeF() * 1.05)
        painter.setFont(title_font)
        painter.setPen(QColor(c["text"]))
        title_height = QFontMetrics(title_font).height()
        head = QRect(14, 10, self.width() - 28, title_height)
        painter.drawText(head, LEFT, self.title)
        title_width = QFontMetrics(title_font).horizontalAdvance(self.title)
        painter.setFont(self.font())
        painter.setPen(QColor(c["muted"]))
        rest = head.adjusted(title_width + 16, 0, 0, 0)
        painter.drawText(rest, RIGHT, QFontMetrics(self.font()).elidedText(
            self.subtitle(), Qt.TextElideMode.ElideLeft, max(0, rest.width())))
        area = QRect(14, head.bottom() + 12, self.width() - 28,
                     self.height() - head.bottom() - 24)
        if self.is_empty():
            painter.drawText(area, CENTER | Qt.TextFlag.TextWordWrap, self.empty_text())
        else:
            self.draw(painter, area, c)
        painter.end()

    def line_height(self) -> int:
        return QFontMetrics(self.font()).height()


class HeatmapChart(Chart):
    """A year of answers per study day, one square a day, weeks as columns (Monday on top)."""

    file_stem = "reviews-heatmap"
    LEVELS = (0.3, 0.5, 0.75, 1.0)

    def __init__(self, parent=None) -> None:
        super().__init__("Reviews in the past year", "heatmapChart", parent)
        self.days: tuple[DayCount, ...] = ()
        self._cells: list[tuple[QRect, DayCount]] = []

    def set_days(self, days: tuple[DayCount, ...]) -> None:
        self.days = days
        self.changed()

    def subtitle(self) -> str:
        total = sum(d.count for d in self.days)
        studied = sum(1 for d in self.days if d.count)
        return (f"{total} answer{'s' if total != 1 else ''} · {studied} day"
                f"{'s' if studied != 1 else ''} studied · streak {self.streak()}")

    def streak(self) -> int:
        return streak(self.days)

    def sizeHint(self) -> QSize:
        return QSize(820, self.height_for(self.width() if self.width() > 100 else 820))

    def minimumSizeHint(self) -> QSize:
        return QSize(420, self.sizeHint().height())

    def weeks(self) -> int:
        if not self.days:
            return 53
        first = self.days[0].day
        return (self.days[-1].day - (first - timedelta(days=first.weekday()))).days // 7 + 1

    def step(self, width: int) -> int:
        """The side of a day's square plus its gap, as wide as the space allows."""
        label_width = QFontMetrics(self.font()).horizontalAdvance("Wed") + 8
        return max(6, min(18, (width - label_width) // self.weeks()))

    def content_height(self, width: int) -> int:
        step = self.step(width)
        return self.line_height() + 4 + 8 * step + 8

    def level(self, count: int, top: int) -> int:
        if count <= 0:
            return 0
        return 1 + min(3, int(4 * (count - 1) / max(1, top)))

    def draw(self, painter: QPainter, area: QRect, c: dict[str, str]) -> None:
        self._cells = []
        if not self.days:
            return
        metrics = QFontMetrics(self.font())
        label_width = metrics.horizontalAdvance("Wed") + 8
        first = self.days[0].day
        monday = first - timedelta(days=first.weekday())
        weeks = self.weeks()
        step = self.step(area.width())
        gap = 3 if step >= 10 else 2
        top = area.top() + metrics.height() + 4
        left = area.left() + label_width
        grid_width = weeks * step
        left += max(0, (area.width() - label_width - grid_width) // 2)
        highest = max(d.count for d in self.days)
        colors = [QColor(c["alt"])] + [blend(c["base"], c["highlight"], s) for s in self.LEVELS]
        today = self.days[-1].day

        painter.setPen(QColor(c["muted"]))
        last_label = -10
        for d in self.days:
            column = (d.day - monday).days // 7
            if (d.day.day == 1 or d is self.days[0]) and column - last_label >= 3:
                painter.drawText(QRect(left + column * step, area.top(), 4 * step,
                                       metrics.height()), LEFT, f"{d.day:%b}")
                last_label = column
        for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
            painter.drawText(QRect(left - label_width, top + row * step, label_width - 6, step),
                             RIGHT, name)
        painter.setPen(Qt.PenStyle.NoPen)
        for d in self.days:
            column = (d.day - monday).days // 7
            cell = QRect(left + column * step, top + d.day.weekday() * step, step - gap,
                         step - gap)
            painter.setBrush(colors[self.level(d.count, highest)])
            painter.drawRoundedRect(cell, 2, 2)
            self._cells.append((cell, d))
            if d.day == today:
                painter.setPen(QPen(QColor(c["text"]), 1.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(QRectF(cell).adjusted(-1, -1, 1, 1), 2, 2)
                painter.setPen(Qt.PenStyle.NoPen)

        legend_y = top + 7 * step + 8
        painter.setPen(QColor(c["muted"]))
        less, more = "Less", "More"
        swatches = len(colors) * (step + 2)
        right = left + grid_width
        x = right - metrics.horizontalAdvance(more) - 6 - swatches
        painter.drawText(QRect(x - metrics.horizontalAdvance(less) - 6, legend_y,
                               metrics.horizontalAdvance(less) + 2, step), RIGHT, less)
        painter.setPen(Qt.PenStyle.NoPen)
        for n, color in enumerate(colors):
            painter.setBrush(color)
            painter.drawRoundedRect(QRect(x + n * (step + 2), legend_y, step - gap, step - gap),
                                    2, 2)
        painter.setPen(QColor(c["muted"]))
        painter.drawText(QRect(x + swatches + 4, legend_y, metrics.horizontalAdvance(more) + 4,
                               step), LEFT, more)
        painter.drawText(QRect(left, legend_y, x - left - 60, step), LEFT,
                         f"Most in a day: {highest}")

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            for cell, d in self._cells:
                if cell.contains(event.pos()):
                    count = f"{d.count} answer{'s' if d.count != 1 else ''}"
                    QToolTip.showText(event.globalPos(), f"{day_text(d.day)}: {count}", self)
                    return True
            QToolTip.hideText()
            return True
        return super().event(event)


class BarChart(Chart):
    """Vertical bars over days with a labelled y axis; the forecast uses it."""

    def __init__(self, title: str, name: str, parent=None) -> None:
        super().__init__(title, name, parent)
        self.days: tuple[DayCount, ...] = ()

    def set_days(self, days: tuple[DayCount, ...]) -> None:
        self.days = days
        self.changed()

    def is_empty(self) -> bool:
        return not any(d.count for d in self.days)

    def x_label(self, index: int, day: date) -> str:
        return f"{day.day} {day:%b}"

    def draw(self, painter: QPainter, area: QRect, c: dict[str, str]) -> None:
        metrics = QFontMetrics(self.font())
        top_value = nice_ceiling(max(d.count for d in self.days))
        axis_width = metrics.horizontalAdvance(str(top_value)) + 8
        plot = area.adjusted(axis_width, metrics.height() // 2, 0, -metrics.height() - 6)
        for fraction in (0, 0.5, 1):
            y = round(plot.bottom() - fraction * plot.height())
            painter.setPen(QPen(QColor(c["border"]), 1, Qt.PenStyle.SolidLine if fraction == 0
                                else Qt.PenStyle.DotLine))
            painter.drawLine(plot.left(), y, plot.right(), y)
            value = top_value * fraction
            text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
            painter.setPen(QColor(c["muted"]))
            painter.drawText(QRect(area.left(), y - metrics.height() // 2, axis_width - 6,
                                   metrics.height()), RIGHT, text)
        slot = plot.width() / len(self.days)
        bar = max(2.0, slot * 0.7)
        painter.setPen(Qt.PenStyle.NoPen)
        for n, d in enumerate(self.days):
            if not d.count:
                continue
            height = plot.height() * d.count / top_value
            painter.setBrush(QColor(c["bad"] if n == 0 else c["highlight"]))
            painter.drawRoundedRect(QRectF(plot.left() + n * slot + (slot - bar) / 2,
                                           plot.bottom() - height, bar, height), 2, 2)
        painter.setPen(QColor(c["muted"]))
        for n, d in enumerate(self.days):
            if n % 7:
                continue
            label = self.x_label(n, d.day)
            width = metrics.horizontalAdvance(label) + 4
            x = round(plot.left() + n * slot + slot / 2 - width / 2)
            x = max(area.left(), min(x, plot.right() - width))
            painter.drawText(QRect(x, plot.bottom() + 4, width, metrics.height()), CENTER,
                             label)


class ForecastChart(BarChart):
    file_stem = "due-forecast"

    def __init__(self, parent=None) -> None:
        super().__init__("Due in the next 30 days", "forecastChart", parent)
        self.setToolTip("Cards coming due each study day as things stand now; today's bar "
                        "(in red) includes any overdue cards.")

    def subtitle(self) -> str:
        if not self.days:
            return ""
        total = sum(d.count for d in self.days)
        return f"{self.days[0].count} today · {total} in all"

    def empty_text(self) -> str:
        return "Nothing is scheduled yet: study some new cards first."

    def x_label(self, index: int, day: date) -> str:
        return "Today" if index == 0 else super().x_label(index, day)


class MasteryChart(Chart):
    """One stacked bar per technique: mature, young, learning and new items."""

    file_stem = "technique-mastery"
    ROW = 26

    def __init__(self, parent=None) -> None:
        super().__init__("Mastery by technique", "masteryChart", parent)
        self.rows: tuple[Mastery, ...] = ()

    def set_rows(self, rows: tuple[Mastery, ...]) -> None:
        self.rows = tuple(sorted(rows, key=lambda m: (-m.share, m.tag)))
        self.changed()

    def subtitle(self) -> str:
        mature = sum(m.mature for m in self.rows)
        total = sum(m.total for m in self.rows)
        return f"{mature} of {total} items mature" if total else ""

    def is_empty(self) -> bool:
        return not self.rows

    def empty_text(self) -> str:
        return "No technique tags in the loaded decks."

    def content_height(self, width: int) -> int:
        lines = self.legend_places(width)[-1][2] + 1
        return len(self.rows) * self.ROW + 8 + lines * (self.line_height() + 4)

    def legend_places(self, width: int) -> list[tuple[int, str, int]]:
        """(x, label, line) of each legend entry, wrapping to stay inside `width`."""
        metrics = QFontMetrics(self.font())
        places, x, line = [], 0, 0
        for _, label, _ in self.stages(theme.colors("light")):
            needed = 17 + metrics.horizontalAdvance(label) + 4
            if x and x + needed > width:
                x, line = 0, line + 1
            places.append((x, label, line))
            x += needed + 18
        return places

    def stages(self, c: dict[str, str]) -> list[tuple[str, str, str]]:
        return [("mature", "Mature", c["good"]), ("young", "Young", c["highlight"]),
                ("learning", "Learning", c["hard"]), ("new", "New", c["alt"])]

    def draw(self, painter: QPainter, area: QRect, c: dict[str, str]) -> None:
        metrics = QFontMetrics(self.font())
        label_width = min(area.width() * 9 // 20,
                          max(metrics.horizontalAdvance(m.tag) for m in self.rows) + 12)
        count_width = metrics.horizontalAdvance("000/000") + 12
        bar_left = area.left() + label_width
        bar_width = max(10, area.width() - label_width - count_width)
        stages = self.stages(c)
        for n, m in enumerate(self.rows):
            y = area.top() + n * self.ROW
            painter.setPen(QColor(c["text"]))
            painter.drawText(QRect(area.left(), y, label_width - 10, self.ROW), RIGHT,
                             metrics.elidedText(m.tag, Qt.TextElideMode.ElideRight,
                                                label_width - 10))
            x = float(bar_left)
            painter.setPen(Qt.PenStyle.NoPen)
            track = QRectF(bar_left, y + 5, bar_width, self.ROW - 10)
            clip = QPainterPath()
            clip.addRoundedRect(track, 4, 4)
            painter.save()
            painter.setClipPath(clip)
            painter.fillRect(track, QColor(c["alt"]))
            for key, _, color in stages:
                value = getattr(m, key)
                if not value or not m.total:
                    continue
                width = bar_width * value / m.total
                painter.fillRect(QRectF(x, y + 5, width, self.ROW - 10), QColor(color))
                x += width
            painter.restore()
            painter.setPen(QPen(QColor(c["border"]), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(track, 4, 4)
            painter.setPen(QColor(c["muted"]))
            painter.drawText(QRect(bar_left + bar_width + 8, y, count_width - 8, self.ROW),
                             LEFT, f"{m.mature}/{m.total}")
        top = area.top() + len(self.rows) * self.ROW + 8
        line_height = metrics.height() + 4
        places = self.legend_places(area.width())
        for (x, label, line), (_, _, color) in zip(places, stages, strict=True):
            x += area.left()
            y = top + line * line_height
            box = (line_height - 12) // 2
            painter.setPen(QPen(QColor(c["border"]), 1))
            painter.setBrush(QColor(color))
            painter.drawRoundedRect(QRect(x, y + box, 12, 12), 2, 2)
            painter.setPen(QColor(c["muted"]))
            painter.drawText(QRect(x + 17, y, metrics.horizontalAdvance(label) + 4,
                                   line_height), LEFT, label)


class ExamHistoryChart(Chart):
    """Exam scores in the order taken, as a line over a 0-100 % axis."""

    file_stem = "exam-history"

    def __init__(self, parent=None) -> None:
        super().__init__("Exam scores", "examHistoryChart", parent)
        self.exams: tuple[ExamPoint, ...] = ()

    def set_exams(self, exams: tuple[ExamPoint, ...]) -> None:
        self.exams = exams
        self.changed()

    def subtitle(self) -> str:
        if not self.exams:
            return ""
        best = max(e.score for e in self.exams)
        return (f"{len(self.exams)} exam{'s' if len(self.exams) != 1 else ''} · last "
                f"{self.exams[-1].score:.0%} · best {best:.0%}")

    def is_empty(self) -> bool:
        return not self.exams

    def empty_text(self) -> str:
        return "No exams yet: take one from the deck list to see your scores here."

    def draw(self, painter: QPainter, area: QRect, c: dict[str, str]) -> None:
        metrics = QFontMetrics(self.font())
        axis_width = metrics.horizontalAdvance("100%") + 8
        plot = area.adjusted(axis_width, metrics.height(), -12, -metrics.height() - 6)
        for fraction in (0, 0.25, 0.5, 0.75, 1):
            y = round(plot.bottom() - fraction * plot.height())
            painter.setPen(QPen(QColor(c["border"]), 1, Qt.PenStyle.SolidLine if fraction == 0
                                else Qt.PenStyle.DotLine))
            painter.drawLine(plot.left(), y, plot.right(), y)
            if fraction in (0, 0.5, 1):
                painter.setPen(QColor(c["muted"]))
                painter.drawText(QRect(area.left(), y - metrics.height() // 2, axis_width - 6,
                                       metrics.height()), RIGHT, f"{fraction:.0%}")
        count = len(self.exams)
        slot = plot.width() / count

        def point(n: int, e: ExamPoint) -> QPointF:
            return QPointF(plot.left() + slot * (n + 0.5), plot.bottom() - e.score * plot.height())

        points = [point(n, e) for n, e in enumerate(self.exams)]
        painter.setPen(QPen(QColor(c["highlight"]), 2))
        for a, b in zip(points, points[1:], strict=False):
            painter.drawLine(a, b)
        every = max(1, math.ceil(count * (metrics.horizontalAdvance("30 Mar") + 10)
                                 / max(1, plot.width())))
        for n, (p, e) in enumerate(zip(points, self.exams, strict=True)):
            painter.setPen(QPen(QColor(c["base"]), 2))
            painter.setBrush(QColor(c["highlight"]))
            painter.drawEllipse(p, 5, 5)
            if n % every == 0 or n == count - 1:
                painter.setPen(QColor(c["text"]))
                label = f"{e.score:.0%}"
                width = metrics.horizontalAdvance(label) + 6
                above = p.y() - metrics.height() - 6 >= area.top()
                y = round(p.y() - metrics.height() - 6) if above else round(p.y() + 7)
                painter.drawText(QRect(round(p.x() - width / 2), y, width, metrics.height()),
                                 CENTER, label)
                painter.setPen(QColor(c["muted"]))
                day = f"{e.day.day} {e.day:%b}"
                width = metrics.horizontalAdvance(day) + 6
                painter.drawText(QRect(round(p.x() - width / 2), plot.bottom() + 4, width,
                                       metrics.height()), CENTER, day)


class StatTile(QFrame):
    """One big number with its caption."""

    def __init__(self, caption: str, name: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", "tile")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(0)
        self.value = QLabel("–")
        self.value.setObjectName(f"{name}Value")
        self.value.setProperty("role", "big")
        self.caption = QLabel(caption)
        self.caption.setProperty("role", "muted")
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        self.setAccessibleName(caption)

    def set_value(self, text: str) -> None:
        self.value.setText(text)
        self.setAccessibleDescription(f"{self.caption.text()}: {text}")


def make_table(name: str, accessible: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


def fit_rows(table: QTableWidget, rows: int, least: int = 3) -> None:
    """Tall enough for every row, so the page scrolls and the table never scrolls inside it."""
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    height += max(rows, least) * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(height)


def cell(text: str, align=LEFT, color: str | None = None, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(align)
    if color:
        item.setForeground(QColor(color))
    if tip:
        item.setToolTip(plain_tooltip(tip))
    return item


class StatsPage(QWidget):
    finished = Signal()  # back to the decks (Esc or the Back button)
    study_items_requested = Signal(list)  # the hardest cards' items, to study now

    def __init__(self, context, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("statsPage")
        self.context = context
        self.report: StatsReport | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName("statsScroll")
        scroll.setAccessibleName("Statistics")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        body.setObjectName("statsBody")
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 16, 24, 24)
        layout.setSpacing(14)

        top = QHBoxLayout()
        heading = QLabel("Statistics")
        heading.setProperty("role", "title")
        self.day_label = QLabel()
        self.day_label.setObjectName("statsDayLabel")
        self.day_label.setProperty("role", "muted")
        self.refresh_button = self._button("Refresh", "statsRefreshButton",
                                           "Refresh statistics", self.refresh)
        self.save_button = self._button("Save charts…", "statsSaveChartsButton",
                                        "Save every chart as PNG", self.save_charts_dialog)
        self.back_button = self._button("Decks", "statsBackButton", "Back to decks",
                                        self.finished.emit)
        top.addWidget(heading)
        top.addSpacing(12)
        top.addWidget(self.day_label, 1)
        for button in (self.refresh_button, self.save_button, self.back_button):
            top.addWidget(button)
        layout.addLayout(top)

        tiles = QHBoxLayout()
        tiles.setSpacing(12)
        self.answers_tile = StatTile("answers today", "answersTile")
        self.cards_tile = StatTile("cards studied today", "cardsTile")
        self.time_tile = StatTile("time spent today", "timeTile")
        self.again_tile = StatTile("answered Again today", "againTile")
        self.retention_tile = StatTile("true retention, 30 days", "retentionTile")
        for tile in (self.answers_tile, self.cards_tile, self.time_tile, self.again_tile,
                     self.retention_tile):
            tiles.addWidget(tile, 1)
        layout.addLayout(tiles)

        self.heatmap = HeatmapChart()
        layout.addWidget(self.heatmap)
        self.forecast = ForecastChart()
        self.exam_chart = ExamHistoryChart()
        self.mastery = MasteryChart()
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(14)
        grid.addWidget(self.forecast, 0, 0)
        grid.addWidget(self.exam_chart, 0, 1)
        grid.addWidget(self._retention_box(), 1, 0)
        grid.addWidget(self.mastery, 1, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addWidget(self._hardest_box())
        layout.addStretch(1)

        shortcut = QShortcut(QKeySequence("Escape"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.finished.emit)
        refresh = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)

    # -- building --------------------------------------------------------------------------
    def _button(self, text: str, name: str, accessible: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.clicked.connect(slot)
        return button

    def _retention_box(self) -> QWidget:
        box = QWidget()
        box.setObjectName("retentionBox")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel("<b>True retention, last 30 days</b> — reviews passed (not Again); "
                       "young: interval under 21 days, mature: 21 or more")
        label.setWordWrap(True)
        layout.addWidget(label)
        self.retention_tabs = QTabWidget()
        self.retention_tabs.setObjectName("retentionTabs")
        self.retention_tabs.setAccessibleName("Retention by deck or tag")
        headers = ["", "Young", "Mature", "All", "Reviews"]
        self.deck_retention = make_table("deckRetentionTable", "Retention by deck",
                                         ["Deck", *headers[1:]])
        self.tag_retention = make_table("tagRetentionTable", "Retention by tag",
                                        ["Tag", *headers[1:]])
        self.retention_tabs.addTab(self.deck_retention, "By deck")
        self.retention_tabs.addTab(self.tag_retention, "By tag")
        self.retention_tabs.setMinimumHeight(260)
        layout.addWidget(self.retention_tabs, 1)
        return box

    def _hardest_box(self) -> QWidget:
        box = QWidget()
        box.setObjectName("hardestBox")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        label = QLabel("<b>Hardest cards</b> — most lapses, then lowest chance of recall now")
        label.setWordWrap(True)
        self.study_button = self._button("Study these", "studyHardestButton",
                                         "Study the hardest cards", self.study_hardest)
        row.addWidget(label, 1)
        row.addWidget(self.study_button)
        layout.addLayout(row)
        self.hardest_table = make_table("hardestTable", "Hardest cards",
                                        ["Card", "Deck", "Lapses", "Recall now"])
        self.hardest_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        deck_column = self.hardest_table.horizontalHeader()
        deck_column.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        deck_column.resizeSection(1, 260)
        layout.addWidget(self.hardest_table)
        return box

    # -- data ------------------------------------------------------------------------------
    def charts(self) -> list[Chart]:
        return [self.heatmap, self.forecast, self.exam_chart, self.mastery]

    def refresh(self) -> None:
        report = self.context.stats_report()
        self.report = report
        self.day_label.setText(f"Study day {day_text(report.study_day)}")
        today = report.today
        self.answers_tile.set_value(str(today.answers))
        self.cards_tile.set_value(str(today.cards))
        self.time_tile.set_value(duration_text(today.time_ms))
        self.again_tile.set_value(percent(today.again_rate))
        self.retention_tile.set_value(percent(report.retention.total if report.retention
                                              else None))
        self.heatmap.set_days(report.reviews_by_day)
        self.forecast.set_days(report.forecast)
        self.exam_chart.set_exams(report.exams)
        self.mastery.set_rows(report.mastery)
        self._fill_retention(self.deck_retention, report.retention_by_deck, keep_empty=True)
        self._fill_retention(self.tag_retention, report.retention_by_tag, keep_empty=False)
        self._fill_hardest()

    def _fill_retention(self, table: QTableWidget, rows: tuple[Retention, ...], *,
                        keep_empty: bool) -> None:
        shown = [r for r in rows if keep_empty or r.answers]
        c = theme.colors(theme.current())
        table.setRowCount(len(shown))
        for n, r in enumerate(shown):
            table.setItem(n, 0, cell(r.name, tip=r.key))
            for column, (value, passed, total) in enumerate((
                    (r.young, r.young_passed, r.young_total),
                    (r.mature, r.mature_passed, r.mature_total),
                    (r.total, r.young_passed + r.mature_passed, r.answers)), start=1):
                low = value is not None and value < 0.8
                table.setItem(n, column, cell(percent(value), RIGHT, c["bad"] if low else None,
                                              f"{passed} of {total} passed"))
            table.setItem(n, 4, cell(str(r.answers), RIGHT))

    def _fill_hardest(self) -> None:
        assert self.report is not None
        rows = self.report.hardest
        table = self.hardest_table
        table.setRowCount(len(rows))
        muted = theme.colors(theme.current())["muted"]
        for n, h in enumerate(rows):
            note = "(suspended) " if h.suspended else "(leech) " if h.leech else ""
            table.setItem(n, 0, cell(note + h.question, color=muted if h.suspended else None,
                                     tip=h.question))
            table.setItem(n, 1, cell(h.deck))
            table.setItem(n, 2, cell(str(h.lapses), RIGHT))
            table.setItem(n, 3, cell(f"{h.retrievability:.0%}", RIGHT))
        set_primary_enabled(self.study_button, bool(rows))
        fit_rows(table, len(rows))

    # -- actions ---------------------------------------------------------------------------
    def hardest_items(self) -> list:
        return [h.item for h in self.report.hardest] if self.report else []

    def study_hardest(self) -> None:
        items = self.hardest_items()
        if items:
            self.study_items_requested.emit(items)

    def export_charts(self, folder: str | Path) -> list[Path]:
        """Save every chart as `<folder>/<name>.png`; the files written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for chart in self.charts():
            path = folder / f"{chart.file_stem}.png"
            if chart.export_png(path):
                written.append(path)
        return written

    def save_charts_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save charts to folder")
        if folder:
            self.export_charts(folder)

    def showEvent(self, event) -> None:
        """Each time the page is shown, not when built: the numbers are then today's."""
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()
