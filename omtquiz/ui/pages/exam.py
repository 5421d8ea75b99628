"""The exam screen: a fixed set of questions, an optional time limit, no feedback until the end.

Then a report: the score, how each deck and tag went, the missed questions with their answers,
and a way to review exactly those cards now.

Over 500 lines: taking the exam and its report are one screen's two faces (a stack of two
pages sharing the exam); the questions and the scoring are the core's (`study.quiz`).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from omtquiz.numbers import percent
from omtquiz.study.quiz import Exam, make_exam
from omtquiz.study.recording import MAX_ANSWER_MS
from omtquiz.study.scope import Scope
from omtquiz.ui import theme
from omtquiz.ui.widgets.card_view import (
    CardView,
    card_document_html,
    deck_path,
    make_card_view,
    style_card_view,
)
from omtquiz.ui.widgets.choices import choices_hint, make_choices, show_choices
from omtquiz.ui.widgets.controls import (
    add_shortcuts,
    make_button,
    make_heading,
    make_label,
    plain_tooltip,
    repolish,
)

TICK_MS = 250  # the countdown reads the context's clock; the tick only redraws it


def clock_text(ms: int) -> str:
    seconds = max(0, ms + 999) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def numbered(prompt_html: str, number: int) -> str:
    """The question's number in front of its first line (one-line prompts come bare)."""
    mark = f"<b>{number}.</b>&nbsp; "
    if prompt_html.startswith("<p>"):
        return prompt_html.replace("<p>", "<p>" + mark, 1)
    if prompt_html.startswith(("<ul", "<ol", "<table", "<h", "<pre", "<blockquote", "<div")):
        return f"<p>{mark}</p>{prompt_html}"
    return f"<p>{mark}{prompt_html}</p>"


class ExamPage(QWidget):
    """Answers are kept in an `Exam` and go to the progress store when the exam ends.

    Recording at the end, not per key press, lets a student change an answer before finishing
    without the store counting both.
    """

    finished = Signal()  # back to the decks
    review_requested = Signal(list)  # the missed questions' items
    changed = Signal(object)  # the Changes of the saved exam
    # Questions answered so far in the exam in progress (0 when none is): they are saved only
    # when it ends, so the status bar adds them to today's count meanwhile.
    answered = Signal(int)

    def __init__(self, context, parent=None, *, seed: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("examPage")
        self.context = context
        self.seed = seed
        self.scope = Scope.all()
        self.exam: Exam | None = None
        self.index = 0
        self.timed_out = False
        self.taken_ms = 0
        self.started_at = None
        self.question_timer = QElapsedTimer()
        self.spent_ms: dict[int, int] = {}
        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self._tick)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(10)
        self.pages = QStackedWidget()
        self.pages.setObjectName("examPages")
        layout.addWidget(self.pages)
        self.pages.addWidget(self._build_question())
        self.pages.addWidget(self._build_report())
        self.pages.addWidget(self._build_empty())

        add_shortcuts(self, [
            (("1",), lambda: self.choose(1)), (("2",), lambda: self.choose(2)),
            (("3",), lambda: self.choose(3)), (("4",), lambda: self.choose(4)),
            (("Right", "PgDown"), lambda: self.go(self.index + 1)),
            (("Left", "PgUp"), lambda: self.go(self.index - 1)),
            (("Ctrl+Return", "Ctrl+Enter"), self.finish),
            (("Return", "Enter", "Space"), self._enter),
            (("Escape",), self._escape),
        ])

    # -- building --------------------------------------------------------------------------
    def _build_question(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        top = QHBoxLayout()
        self.scope_label = make_label("examScopeLabel", "muted")
        self.position_label = make_label("examProgressLabel")
        self.time_label = make_label("examTimeLabel")
        self.time_label.setMinimumWidth(self.time_label.fontMetrics().horizontalAdvance(
            "0:00:00 left") + 8)
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.finish_button = make_button("Finish exam", "examFinishButton", "Finish exam",
                                         primary=True)
        self.finish_button.setToolTip("Finish and see the report (Ctrl+Enter)")
        self.finish_button.clicked.connect(self.finish)
        top.addWidget(self.scope_label, 1)
        top.addWidget(self.position_label)
        top.addSpacing(16)
        top.addWidget(self.time_label)
        top.addSpacing(12)
        top.addWidget(self.finish_button)
        layout.addLayout(top)
        self.progress = QProgressBar()
        self.progress.setObjectName("examProgress")
        self.progress.setAccessibleName("Questions answered")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        layout.addWidget(self.progress)
        self.view = make_card_view()
        self.view.setAccessibleName("Question")
        layout.addWidget(self.view, 1)
        choices, self.choice_buttons = make_choices("exam", self.choose)
        layout.addWidget(choices)
        bottom = QHBoxLayout()
        self.hint_label = make_label("examHintLabel", "muted")
        self.hint_label.setText("1-4 answer and move on · ←/→ previous/next · "
                                "Ctrl+Enter finish")
        self.prev_button = make_button("← Previous", "examPrevButton", "Previous question")
        self.prev_button.clicked.connect(lambda: self.go(self.index - 1))
        self.next_button = make_button("Next →", "examNextButton", "Next question")
        self.next_button.clicked.connect(lambda: self.go(self.index + 1))
        bottom.addWidget(self.hint_label, 1)
        bottom.addWidget(self.prev_button)
        bottom.addWidget(self.next_button)
        layout.addLayout(bottom)
        return page

    def _table(self, name: str, accessible: str, first: str) -> QTableWidget:
        table = QTableWidget(0, 3)
        table.setObjectName(name)
        table.setAccessibleName(accessible)
        table.setHorizontalHeaderLabels([first, "Right", "Score"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        header = table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeaderItem(column).setTextAlignment(
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return table

    def _build_report(self) -> QWidget:
        page = QWidget()
        page.setObjectName("examReport")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        top = QHBoxLayout()
        heading = QVBoxLayout()
        self.report_title = make_label("examReportTitle", "title")
        self.report_title.setWordWrap(True)
        self.report_detail = make_label("examReportDetail", "muted")
        self.report_detail.setWordWrap(True)
        heading.addWidget(self.report_title)
        heading.addWidget(self.report_detail)
        self.score_label = make_label("examScoreLabel", "big")
        self.score_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addLayout(heading, 1)
        top.addWidget(self.score_label)
        layout.addLayout(top)

        middle = QHBoxLayout()
        middle.setSpacing(16)
        tables = QVBoxLayout()
        self.deck_table = self._table("examDeckTable", "Score by deck", "Deck")
        self.tag_table = self._table("examTagTable", "Score by tag", "Tag")
        tables.addWidget(make_heading("By deck (weakest first)", "examDeckSection"))
        tables.addWidget(self.deck_table, 1)
        tables.addSpacing(6)
        tables.addWidget(make_heading("By tag", "examTagSection"))
        tables.addWidget(self.tag_table, 2)
        tables.addStretch(0)  # only what the tables, at their full height, leave over
        missed = QVBoxLayout()
        self.missed_title = make_heading("Missed questions", "examMissedSection")
        self.missed_view = CardView()
        self.missed_view.setObjectName("examMissedView")
        self.missed_view.setAccessibleName("Missed questions and their answers")
        self.missed_view.document().setDocumentMargin(12)
        missed.addWidget(self.missed_title)
        missed.addWidget(self.missed_view, 1)
        middle.addLayout(tables, 1)
        middle.addLayout(missed, 1)
        layout.addLayout(middle, 1)

        buttons = QHBoxLayout()
        self.review_button = make_button("Review the missed ones now", "reviewMissedButton",
                                         "Review the missed questions now", primary=True)
        self.review_button.clicked.connect(self.review_missed)
        self.done_button = make_button("Back to decks", "examDoneButton", "Back to decks")
        self.done_button.clicked.connect(self.finished.emit)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.review_button)
        layout.addLayout(buttons)
        return page

    def _build_empty(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.empty_label = make_label("examEmptyLabel")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setText(
            "No exam questions can be made here: multiple choice needs other answers of the "
            "same kind in the deck to choose from. Try a bigger deck, or the whole tree.")
        back = make_button("Back to decks", "examEmptyBackButton", "Back to decks",
                           primary=True)
        back.clicked.connect(self.finished.emit)
        layout.addStretch(1)
        layout.addWidget(self.empty_label)
        layout.addWidget(back, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    # -- taking the exam -------------------------------------------------------------------
    def start(self, scope: Scope, count: int, minutes: int) -> None:
        """A new exam of `count` questions; `minutes` 0 means no time limit."""
        self.scope = scope
        self.exam = make_exam(self.context.library, scope.items(self.context.library), count,
                              seed=self.seed, time_limit_s=minutes * 60 if minutes > 0 else None)
        questions = self.exam.questions
        self.index, self.timed_out, self.taken_ms = 0, False, 0
        self.spent_ms = {}
        self.started_at = self.context.clock.now()
        self.answered.emit(0)
        title = scope.title(self.context.library)
        self.scope_label.setText(f"Exam · {title}")
        if not questions:
            self.pages.setCurrentIndex(2)
            self.ticker.stop()
            return
        self.progress.setMaximum(len(questions))
        self.pages.setCurrentIndex(0)
        self.ticker.start()
        self._tick()
        self.show_question()

    def taking(self) -> bool:
        return self.exam is not None and self.pages.currentIndex() == 0

    def show_question(self) -> None:
        exam = self.exam
        question = exam.questions[self.index]
        style_card_view(self.view)
        self.view.show_html(card_document_html(question.prompt_html),
                            deck_path(self.context.library, question.item.deck_id))
        show_choices(self.choice_buttons, question.choices)
        self.hint_label.setText(choices_hint(
            len(question.choices), "answer and move on · ←/→ previous/next · Ctrl+Enter finish"))
        given = exam.answers.get(self.index)
        for button in self.choice_buttons:
            chosen = given is not None and button.choice_text == given.given
            button.set_state("selected" if chosen else "")
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < exam.total - 1)
        self._update_position()
        self.question_timer.start()
        self.setFocus()

    def _update_position(self) -> None:
        exam = self.exam
        done = len(exam.answers)
        self.position_label.setText(
            f"Question {self.index + 1} of {exam.total} · {done} answered")
        self.progress.setValue(done)

    def _leave_question(self) -> None:
        """Time on a question adds up over visits, so going back does not reset it."""
        spent = self.spent_ms.get(self.index, 0) + self.question_timer.elapsed()
        self.spent_ms[self.index] = spent
        self.question_timer.start()

    def go(self, index: int) -> None:
        if not self.taking() or not 0 <= index < self.exam.total or index == self.index:
            return
        self._leave_question()
        self.index = index
        self.show_question()

    def choose(self, number: int) -> None:
        """Answer the question on screen with choice 1-4 and move on to the next."""
        if not self.taking():
            return
        question = self.exam.questions[self.index]
        if not 1 <= number <= len(question.choices):
            return
        self._leave_question()
        spent = min(self.spent_ms.get(self.index, 0), MAX_ANSWER_MS)
        self.exam.answer(self.index, question.choices[number - 1], spent)
        self.answered.emit(len(self.exam.answers))
        if self.index < self.exam.total - 1:
            self.go(self.index + 1)
        else:
            for button in self.choice_buttons:
                button.set_state("selected" if button.number == number else "")
            self._update_position()

    def _enter(self) -> None:
        if self.taking():
            self.go(self.index + 1)
            return
        focused = QApplication.focusWidget()
        if isinstance(focused, QPushButton) and self.isAncestorOf(focused):
            focused.click()

    def _escape(self) -> None:
        """Esc leaves; in the middle of an exam only after asking, as that drops the exam."""
        if self.taking():
            if not self.confirm_leave(self):
                return
            self._drop()
        self.finished.emit()

    def _drop(self) -> None:
        """Give up the exam in progress: nothing of it is recorded."""
        self.ticker.stop()
        self.exam = None
        self.answered.emit(0)

    def hideEvent(self, event) -> None:
        """Another screen took this one's place (a menu or shortcut, not Esc): the exam in
        progress is dropped as Esc drops it, so its clock cannot run out unseen and record it.

        A minimised window hides its widgets spontaneously; that only pauses the drawing.
        """
        super().hideEvent(event)
        if not event.spontaneous() and self.taking():
            self._drop()

    def _elapsed_ms(self) -> int:
        """From the app's clock, not a Qt timer, so tests can move time on to the limit."""
        return int((self.context.clock.now() - self.started_at).total_seconds() * 1000)

    def _tick(self) -> None:
        if not self.taking():
            self.ticker.stop()
            return
        elapsed = self._elapsed_ms()
        limit = self.exam.time_limit_s
        if limit is None:
            self.time_label.setText(f"{clock_text(elapsed)} elapsed")
            return
        left = limit * 1000 - elapsed
        self.time_label.setText(f"{clock_text(left)} left")
        role = "badge" if left < 60_000 else ""
        if self.time_label.property("role") != role:
            self.time_label.setProperty("role", role)
            repolish(self.time_label)
        if left <= 0:
            self.timed_out = True
            self.end()

    def finish(self) -> None:
        """The Finish button: asks first only when questions are still unanswered."""
        if not self.taking():
            return
        unanswered = self.exam.total - len(self.exam.answers)
        if unanswered and not self.confirm_finish(self, unanswered):
            return
        self.end()

    def end(self, taken_ms: int | None = None) -> None:
        """Stop the exam, record it and show the report; unanswered questions count as missed."""
        if not self.taking():
            return
        self.ticker.stop()
        self._leave_question()
        self.taken_ms = self._elapsed_ms() if taken_ms is None else taken_ms
        self.answered.emit(0)  # saved now: counted in today's answers
        self.changed.emit(self.context.save_exam(self.exam, self.scope, self.started_at))
        self._show_report()

    # -- the report ------------------------------------------------------------------------
    def _show_report(self) -> None:
        exam = self.exam
        self.pages.setCurrentIndex(1)
        self.report_title.setText(f"Exam report · {self.scope.title(self.context.library)}")
        self.score_label.setText(f"{exam.correct} / {exam.total} · {percent(exam.score)}%")
        unanswered = exam.total - len(exam.answers)
        parts = [f"Finished in {clock_text(self.taken_ms)}"]
        if exam.time_limit_s:
            parts.append(f"time limit {exam.time_limit_s // 60} min")
        if self.timed_out:
            parts.append("time ran out")
        if unanswered:
            parts.append(f"{unanswered} unanswered (counted as missed)")
        self.report_detail.setText(" · ".join(parts))
        breakdown = exam.breakdown(self.context.library)
        self._fill(self.deck_table, breakdown["deck"], show_at_least=8)
        self._fill(self.tag_table, breakdown["tag"], show_at_least=3)
        missed = exam.missed()
        self.missed_title.setText(f"Missed questions ({len(missed)})" if missed
                                  else "Missed questions")
        self.missed_view.document().setDefaultStyleSheet(theme.card_css(theme.current()))
        decks = {question.item.deck_id for question in exam.questions}
        self.missed_view.show_html(self._missed_html(), *sorted(
            filter(None, (deck_path(self.context.library, d) for d in decks))))
        self.review_button.setEnabled(bool(missed))
        (self.review_button if missed else self.done_button).setFocus()

    def _fill(self, table: QTableWidget, rows: dict[str, tuple[int, int]], *,
              show_at_least: int) -> None:
        """Weakest first; the table is as tall as its rows, and shows this many before it
        scrolls (the few decks come before the many tags)."""
        colors = theme.colors(theme.current())
        table.setStyleSheet(
            f"QHeaderView::section {{ padding: 4px 8px; border: none; font-weight: 600;"
            f" border-bottom: 1px solid {colors['border']}; background: {colors['alt']}; }}"
            " QTableWidget::item { padding: 3px 8px; }")
        ordered = sorted(rows.items(), key=lambda kv: (kv[1][0] / kv[1][1], -kv[1][1], kv[0]))
        table.setRowCount(len(ordered))
        for row, (name, (right, total)) in enumerate(ordered):
            share = right / total
            cells = (QTableWidgetItem(name), QTableWidgetItem(f"{right} / {total}"),
                     QTableWidgetItem(f"{percent(share)}%"))
            cells[0].setToolTip(plain_tooltip(name))
            for column, cell in enumerate(cells):
                if column:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, cell)
            if share < 0.6:
                cells[2].setForeground(QColor(colors["bad"]))
            elif share >= 0.85:
                cells[2].setForeground(QColor(colors["good"]))
        table.resizeRowsToContents()
        # As tall as its rows, so a short table leaves no empty box; a long one scrolls.
        heights = [table.rowHeight(r) for r in range(table.rowCount())]
        chrome = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth() + 2
        table.setMaximumHeight(chrome + sum(heights))
        table.setMinimumHeight(chrome + sum(heights[:show_at_least]))

    def _missed_html(self) -> str:
        exam = self.exam
        missed = [(i, q) for i, q in enumerate(exam.questions)
                  if i not in exam.answers or not exam.answers[i].correct]
        if not missed:
            return "<p>Nothing missed: every answer was right.</p>"
        size = theme.font_pt() - 3
        blocks = []
        for i, question in missed:
            given = exam.answers.get(i)
            yours = (f'<span class="wrong">{html.escape(given.given)}</span>'
                     if given is not None and given.given else "<i>not answered</i>")
            sourced = "; ".join(f"{html.escape(source)}: {html.escape(text)}"
                                for source, text in question.versions)
            blocks.append(
                f"{numbered(question.prompt_html, i + 1)}"
                f'<p style="margin-bottom:20px">Your answer: {yours}<br>'
                f'Answer: <span class="missing">{html.escape(question.answer)}</span>'
                + (f"<br><b>Sources differ.</b> {sourced}" if sourced else "") + "</p>")
        return f'<div style="font-size:{size}pt">' + "".join(blocks) + "</div>"

    def review_missed(self) -> None:
        if self.exam is None:
            return
        items = [q.item for q in self.exam.missed()]
        if items:
            self.review_requested.emit(items)

    # -- questions asked of the student (replaceable in tests) -----------------------------
    @classmethod
    def confirm_finish(cls, parent, unanswered: int) -> bool:
        plural = "question is" if unanswered == 1 else "questions are"
        answer = QMessageBox.question(
            parent, "Finish the exam?",
            f"{unanswered} {plural} still unanswered and will count as missed. Finish now?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def confirm_leave(cls, parent) -> bool:
        answer = QMessageBox.question(
            parent, "Leave the exam?",
            "Leave without finishing? This exam and its answers will not be saved.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
