"""The statistics charts: small widgets that paint themselves with QPainter in the current
theme's colours (a year's heatmap, bars for what comes due, mastery per technique, exam scores)
and save themselves as PNG. Over 500 lines because the five charts are one family over one
`Chart` base (frame, title, PNG export); apart they would only import each other."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QSizePolicy,
    QToolTip,
    QWidget,
)

from omtquiz.numbers import percent_text
from omtquiz.study.stats import (
    DayCount,
    ExamPoint,
    Mastery,
    streak,
)
from omtquiz.ui import theme

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


def share_text(value: float | None) -> str:
    """A share as a whole percentage; a dash when there is none."""
    return percent_text(value)


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
                f"{percent_text(self.exams[-1].score)} · best {percent_text(best)}")

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
                                       metrics.height()), RIGHT, percent_text(fraction))
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
                label = percent_text(e.score)
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


class ExamRecallChart(Chart):
    """Expected recall of the soonest exam's items for each day until it, with its target:
    where recall would drift without reviews (studying only raises it)."""

    file_stem = "exam-recall"

    def __init__(self, parent=None) -> None:
        super().__init__("Exam day forecast", "examRecallChart", parent)
        self.forecast = None  # study.exam_dates.ExamForecast

    def set_forecast(self, forecast) -> None:
        self.forecast = forecast
        self.changed()

    def subtitle(self) -> str:
        f = self.forecast
        if f is None:
            return ""
        return (f"{f.exam.name}, {f.exam.on.day} {f.exam.on:%b %Y}: "
                f"{percent_text(f.expected_recall)} expected")

    def detail(self) -> str:
        """What the line under the title says: items at target, and recall per topic."""
        f = self.forecast
        topics = " · ".join(f"{t.topic.replace(':', ' ', 1)} {percent_text(t.expected_recall)}"
                            for t in f.topics[:6])
        return (f"{f.on_target} of {f.items} items at the {percent_text(f.exam.target)} target"
                + (f" · {topics}" if topics else "") + " · if you did no more reviews")

    def is_empty(self) -> bool:
        return self.forecast is None or not self.forecast.series

    def empty_text(self) -> str:
        return ("No exam date ahead: set one (omtquiz exam-date add, or the exam planner) to "
                "see the recall expected on the day.")

    def draw(self, painter: QPainter, area: QRect, c: dict[str, str]) -> None:
        f = self.forecast
        metrics = QFontMetrics(self.font())
        top = area.top() + 2 * metrics.height() + 4
        text_area = QRect(area.left(), area.top(), area.width(), 2 * metrics.height())
        painter.setPen(QColor(c["muted"]))
        painter.drawText(text_area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                         | Qt.TextFlag.TextWordWrap, self.detail())
        axis_width = metrics.horizontalAdvance("100%") + 8
        plot = QRect(area.left() + axis_width, top, area.width() - axis_width - 12,
                     area.bottom() - top - metrics.height() - 6)
        for fraction in (0, 0.5, 1):
            y = round(plot.bottom() - fraction * plot.height())
            painter.setPen(QPen(QColor(c["border"]), 1, Qt.PenStyle.DotLine))
            painter.drawLine(plot.left(), y, plot.right(), y)
            painter.setPen(QColor(c["muted"]))
            painter.drawText(QRect(area.left(), y - metrics.height() // 2, axis_width - 6,
                                   metrics.height()), RIGHT, percent_text(fraction))
        series = f.series
        step = plot.width() / max(1, len(series) - 1)

        def point(n: int, value: float) -> QPointF:
            return QPointF(plot.left() + step * n, plot.bottom() - value * plot.height())

        y = round(plot.bottom() - f.exam.target * plot.height())
        painter.setPen(QPen(QColor(c["muted"]), 1, Qt.PenStyle.DashLine))
        painter.drawLine(plot.left(), y, plot.right(), y)
        points = [point(n, value) for n, (_, value) in enumerate(series)]
        painter.setPen(QPen(QColor(c["highlight"]), 2))
        for a, b in zip(points, points[1:], strict=False):
            painter.drawLine(a, b)
        painter.setPen(QColor(c["muted"]))
        for n in (0, len(series) - 1):
            day = series[n][0]
            label = f"{day.day} {day:%b}"
            width = metrics.horizontalAdvance(label) + 6
            x = min(max(plot.left(), round(points[n].x() - width / 2)), plot.right() - width)
            painter.drawText(QRect(x, plot.bottom() + 4, width, metrics.height()), CENTER,
                             label)
