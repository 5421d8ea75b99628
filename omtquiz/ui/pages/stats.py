"""The statistics screen: today, a year of study, what is coming due, retention, the hardest
cards, mastery per technique and exam scores.

Every number comes from `study.stats.collect`, the function behind `omtquiz stats --json`, so
the screen and the command line cannot disagree. Each chart is a small widget that paints itself
with QPainter in the current theme's colours and saves itself as PNG (right-click, or "Save
charts" for all of them).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeySequence,
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
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from omtquiz.numbers import percent_text
from omtquiz.study.stats import (
    HARDEST_MIN_ANSWERS,
    Retention,
    StatsReport,
    duration_text,
)
from omtquiz.ui import theme
from omtquiz.ui.widgets.charts import (
    LEFT,
    RIGHT,
    Chart,
    ExamHistoryChart,
    ExamRecallChart,
    ForecastChart,
    HeatmapChart,
    MasteryChart,
    day_text,
    share_text,
)
from omtquiz.ui.widgets.controls import plain_tooltip, set_primary_enabled


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
        # Top-aligned: a chart is as tall as its drawing, and one that is empty yet (a first
        # day's forecast) would otherwise float in the middle of its taller neighbour's row.
        top = Qt.AlignmentFlag.AlignTop
        grid.addWidget(self.forecast, 0, 0, top)
        grid.addWidget(self.exam_chart, 0, 1, top)
        grid.addWidget(self._retention_box(), 1, 0, top)
        grid.addWidget(self.mastery, 1, 1, top)
        self.exam_recall = ExamRecallChart()
        grid.addWidget(self.exam_recall, 2, 0, 1, 2)
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
        label = QLabel("<b>Hardest cards</b> — forgotten most often, then fewest answers right"
                       f" (cards answered {HARDEST_MIN_ANSWERS} times or more)")
        label.setWordWrap(True)
        self.study_button = self._button("Study these", "studyHardestButton",
                                         "Study the hardest cards", self.study_hardest)
        row.addWidget(label, 1)
        row.addWidget(self.study_button)
        layout.addLayout(row)
        self.hardest_table = make_table("hardestTable", "Hardest cards",
                                        ["Card", "Deck", "Forgotten", "Right"])
        self.hardest_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        deck_column = self.hardest_table.horizontalHeader()
        deck_column.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        deck_column.resizeSection(1, 260)
        layout.addWidget(self.hardest_table)
        self.hardest_empty = QLabel("Nothing hard yet: a card you forget after learning it "
                                    "shows here once you have answered it "
                                    f"{HARDEST_MIN_ANSWERS} times.")
        self.hardest_empty.setObjectName("hardestEmptyLabel")
        self.hardest_empty.setProperty("role", "muted")
        self.hardest_empty.setWordWrap(True)
        layout.addWidget(self.hardest_empty)
        return box

    # -- data ------------------------------------------------------------------------------
    def charts(self) -> list[Chart]:
        return [self.heatmap, self.forecast, self.exam_chart, self.mastery, self.exam_recall]

    def refresh(self) -> None:
        report = self.context.stats_report()
        self.report = report
        self.day_label.setText(f"Study day {day_text(report.study_day)}")
        today = report.today
        self.answers_tile.set_value(str(today.answers))
        self.cards_tile.set_value(str(today.cards))
        self.time_tile.set_value(duration_text(today.time_ms))
        self.again_tile.set_value(share_text(today.again_rate))
        self.retention_tile.set_value(share_text(report.retention.total if report.retention
                                              else None))
        self.heatmap.set_days(report.reviews_by_day)
        self.forecast.set_days(report.forecast)
        self.exam_chart.set_exams(report.exams)
        self.mastery.set_rows(report.mastery)
        ahead = self.context.exam_forecasts()
        self.exam_recall.set_forecast(ahead[0] if ahead else None)
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
                table.setItem(n, column, cell(share_text(value), RIGHT, c["bad"] if low else None,
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
            table.setItem(n, 2, cell(str(h.lapses), RIGHT,
                                     tip=f"Forgotten in review {h.lapses} time(s)"))
            table.setItem(n, 3, cell(f"{h.right} of {h.answers}", RIGHT,
                                     tip=f"{percent_text(h.recall)} of your answers right; "
                                         f"FSRS's chance of recall now: "
                                         f"{percent_text(h.retrievability)}"))
        set_primary_enabled(self.study_button, bool(rows))
        table.setVisible(bool(rows))
        self.hardest_empty.setVisible(not rows)
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
