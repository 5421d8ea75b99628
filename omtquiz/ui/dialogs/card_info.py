"""Card info (I on the review screen, Ctrl+Shift+I in the browser): the core's `card_info`,
shown as a summary and a table of every answer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from omtquiz.numbers import percent_text
from omtquiz.scheduling import format_interval
from omtquiz.study.card_info import CardInfo

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
MODES = {"review": "Review", "mcq": "Multiple choice", "typed": "Typed", "exam": "Exam"}


def _when(value) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"


def summary_lines(info: CardInfo) -> list[str]:
    recall = percent_text(info.retrievability, "-")
    lines = [
        f"Deck: {info.deck_title}",
        f"State: {info.state.name.lower()}" + (" (suspended)" if info.suspended else ""),
        f"First seen: {_when(info.first_seen)}    Due: {_when(info.due)}",
        f"Reviews: {info.reps}    Lapses: {info.lapses}",
        "Stability: " + ("-" if info.stability is None else f"{info.stability:.1f} days")
        + "    Difficulty: " + ("-" if info.difficulty is None else f"{info.difficulty:.1f} / 10")
        + f"    Chance of recall now: {recall}",
    ]
    return lines


class CardInfoDialog(QDialog):
    def __init__(self, info: CardInfo, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("cardInfoDialog")
        self.setWindowTitle("Card info")
        self.resize(760, 480)
        prompt = QLabel(info.prompt)
        prompt.setObjectName("cardInfoPrompt")
        prompt.setTextFormat(Qt.TextFormat.PlainText)
        prompt.setWordWrap(True)
        font = prompt.font()
        font.setBold(True)
        prompt.setFont(font)
        summary = QLabel("\n".join(summary_lines(info)))
        summary.setObjectName("cardInfoSummary")
        summary.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(len(info.answers), 5)
        self.table.setObjectName("cardInfoAnswers")
        self.table.setHorizontalHeaderLabels(["When", "Where", "Rating", "Interval", "Time"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, answer in enumerate(info.answers):
            rating = RATINGS.get(answer.rating, str(answer.rating))
            if answer.overridden:
                rating += " (overruled)"
            cells = (_when(answer.when), MODES.get(answer.mode, answer.mode), rating,
                     format_interval(answer.interval) if answer.interval else "unchanged",
                     "-" if answer.duration_ms is None else f"{answer.duration_ms / 1000:.0f} s")
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        empty = QLabel("Not answered yet.")
        empty.setVisible(not info.answers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(empty)
        layout.addWidget(buttons)

    @classmethod
    def show_for(cls, info: CardInfo, parent=None) -> None:
        cls(info, parent).exec()
