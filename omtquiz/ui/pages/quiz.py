"""The quiz screen: multiple choice (keys 1-4) or typed answers, right or wrong shown at once."""

from __future__ import annotations

import html

from PySide6.QtCore import QElapsedTimer, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from omtquiz.numbers import percent
from omtquiz.progress.types import AnswerMode
from omtquiz.study.quiz import QuestionMaker, check_answer
from omtquiz.study.recording import MAX_ANSWER_MS
from omtquiz.study.scope import Scope
from omtquiz.ui import theme
from omtquiz.ui.widgets.card_view import (
    card_document_html,
    deck_path,
    make_card_view,
    source_html,
    style_card_view,
)
from omtquiz.ui.widgets.choices import (
    choices_hint,
    feedback_html,
    make_choices,
    show_choices,
)
from omtquiz.ui.widgets.controls import add_shortcuts, make_button, make_label

QUIZ_LENGTH = 20
TYPED_HINT = "Enter checks, Enter again for the next · Esc back"


class QuizPage(QWidget):
    """Up to 20 questions from a scope; every answer goes to the progress store at once."""

    finished = Signal()  # the student left the screen (Esc or "Back to decks")
    changed = Signal(object)  # the Changes of each answer

    def __init__(self, context, parent=None, *, seed: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quizPage")
        self.context = context
        self.seed = seed
        self.scope = Scope.all()
        self.mode = AnswerMode.CHOICES
        self.questions: list = []
        self.index = 0
        self.right = 0
        self.answered = False
        self._entry = None  # the log row of the answer on screen, for "I was right"
        self._typed_correct = False
        self.timer = QElapsedTimer()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(10)
        top = QHBoxLayout()
        self.scope_label = make_label("quizScopeLabel", "muted")
        self.progress_label = make_label("quizProgressLabel")
        self.score_label = make_label("quizScoreLabel", "muted")
        self.back_button = make_button("Decks", "quizBackButton", "Back to decks")
        self.back_button.clicked.connect(self.finished.emit)
        top.addWidget(self.scope_label, 1)
        top.addWidget(self.score_label)
        top.addSpacing(12)
        top.addWidget(self.progress_label)
        top.addSpacing(12)
        top.addWidget(self.back_button)
        layout.addLayout(top)
        self.progress = QProgressBar()
        self.progress.setObjectName("quizProgress")
        self.progress.setAccessibleName("Progress through the quiz")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        layout.addWidget(self.progress)

        self.pages = QStackedWidget()
        self.pages.setObjectName("quizPages")
        layout.addWidget(self.pages, 1)
        self.pages.addWidget(self._build_question())
        self.pages.addWidget(self._build_summary())

        add_shortcuts(self, [
            (("1",), lambda: self.choose(1)), (("2",), lambda: self.choose(2)),
            (("3",), lambda: self.choose(3)), (("4",), lambda: self.choose(4)),
            (("Return", "Enter", "Space"), self._enter),
            (("R",), lambda: self.override(True)), (("W",), lambda: self.override(False)),
            (("Escape",), self.finished.emit),
        ])

    def _build_question(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.view = make_card_view()
        self.view.setAccessibleName("Question")
        layout.addWidget(self.view, 1)
        self.feedback_label = make_label("quizFeedbackLabel", rich=True)
        self.feedback_label.setWordWrap(True)
        layout.addWidget(self.feedback_label)

        self.choices_box, self.choice_buttons = make_choices("quiz", self.choose)
        layout.addWidget(self.choices_box)
        typed = QWidget()
        typed.setObjectName("quizTypedRow")
        typed_layout = QHBoxLayout(typed)
        typed_layout.setContentsMargins(0, 0, 0, 0)
        self.typed_edit = QLineEdit()
        self.typed_edit.setObjectName("typedAnswerEdit")
        self.typed_edit.setAccessibleName("Your answer")
        self.typed_edit.setPlaceholderText("Type your answer, then press Enter")
        self.check_button = make_button("Check  (Enter)", "typedCheckButton", "Check my answer")
        self.check_button.clicked.connect(self.check_typed)
        typed_layout.addWidget(self.typed_edit, 1)
        typed_layout.addWidget(self.check_button)
        self.typed_row = typed
        layout.addWidget(typed)

        bottom = QHBoxLayout()
        self.hint_label = make_label("quizHintLabel", "muted")
        # After a typed answer is checked: the student may overrule the check, either way.
        self.override_button = make_button("", "typedOverrideButton",
                                           "Overrule the check of my answer")
        self.override_button.clicked.connect(self.override)
        self.override_button.hide()
        self.next_button = make_button("Next  (Enter)", "quizNextButton", "Next question",
                                       primary=True)
        self.next_button.setMinimumWidth(160)
        self.next_button.clicked.connect(self.next_question)
        bottom.addWidget(self.hint_label, 1)
        bottom.addWidget(self.override_button)
        bottom.addWidget(self.next_button)
        layout.addLayout(bottom)
        return page

    def _build_summary(self) -> QWidget:
        page = QWidget()
        page.setObjectName("quizSummary")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 40, 0, 40)
        layout.setSpacing(12)
        self.summary_title = make_label("quizSummaryTitle", "title")
        self.summary_label = make_label("quizSummaryLabel", "big")
        self.summary_detail = make_label("quizSummaryDetail", "muted")
        self.summary_detail.setWordWrap(True)
        for label in (self.summary_title, self.summary_label, self.summary_detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QHBoxLayout()
        self.again_button = make_button("Another quiz", "quizAgainButton",
                                        "Another quiz on the same cards")
        self.again_button.clicked.connect(lambda: self.start(self.scope, self.mode))
        self.done_button = make_button("Back to decks", "quizDoneButton", "Back to decks",
                                       primary=True)
        self.done_button.clicked.connect(self.finished.emit)
        buttons.addStretch(1)
        buttons.addWidget(self.again_button)
        buttons.addWidget(self.done_button)
        buttons.addStretch(1)
        layout.addStretch(1)
        layout.addWidget(self.summary_title)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.summary_detail)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addStretch(2)
        return page

    # -- driving ---------------------------------------------------------------------------
    def start(self, scope: Scope, mode: str) -> None:
        """A new quiz: multiple choice or typed answers (AnswerMode.CHOICES or TYPED)."""
        if mode not in (AnswerMode.CHOICES, AnswerMode.TYPED):
            raise ValueError(f"quiz mode must be 'mcq' or 'typed', not {mode!r}")
        self.scope, self.mode = scope, mode
        self._apply_font()
        maker = QuestionMaker(self.context.library, self.seed)
        items = scope.items(self.context.library)
        self.questions = maker.questions(items, typed=mode == AnswerMode.TYPED, limit=QUIZ_LENGTH)
        self.index, self.right = 0, 0
        kind = "Multiple choice" if mode == AnswerMode.CHOICES else "Typed answers"
        self.scope_label.setText(f"{kind} · {scope.title(self.context.library)}")
        # Hidden, not stacked: a stack would keep the four choices' height for the typed row.
        self.choices_box.setVisible(mode == AnswerMode.CHOICES)
        self.typed_row.setVisible(mode == AnswerMode.TYPED)
        self.hint_label.setText("1-4 choose · Enter next · Esc back to decks"
                                if mode == AnswerMode.CHOICES else TYPED_HINT)
        self.progress.setMaximum(max(1, len(self.questions)))
        if not self.questions:
            self._show_summary()
            return
        self.show_question()

    def _apply_font(self) -> None:
        """The feedback line follows the card font size, and keeps its height when empty."""
        font = self.feedback_label.font()
        font.setPointSize(theme.font_pt() - 2)
        font.setBold(True)
        self.feedback_label.setFont(font)
        self.feedback_label.setMinimumHeight(self.feedback_label.fontMetrics().height() + 6)

    def current(self):
        """The question on screen, or None on the summary."""
        if self.pages.currentIndex() != 0 or self.index >= len(self.questions):
            return None
        return self.questions[self.index]

    def show_question(self) -> None:
        question = self.questions[self.index]
        style_card_view(self.view)
        self.pages.setCurrentIndex(0)
        self.answered = False
        self.view.show_html(card_document_html(question.prompt_html),
                            deck_path(self.context.library, question.item.deck_id))
        self.feedback_label.setText("")
        self.override_button.hide()
        self._entry = None
        # Only the button that Enter presses says so: Check before the answer, Next after.
        self.next_button.setText("Next")
        self.next_button.setEnabled(False)
        self.progress_label.setText(f"{self.index + 1} / {len(self.questions)}")
        self.score_label.setText(f"{self.right} right")
        self.progress.setValue(self.index)
        if self.mode == AnswerMode.CHOICES:
            show_choices(self.choice_buttons, question.choices)
            self.hint_label.setText(choices_hint(len(question.choices),
                                                 "choose · Enter next · Esc back to decks"))
            self.setFocus()
        else:
            self.typed_edit.clear()
            self.typed_edit.setReadOnly(False)
            self.check_button.setEnabled(True)
            self.check_button.setText("Check  (Enter)")
            self.hint_label.setText(TYPED_HINT)
            self.typed_edit.setFocus()
        self.timer.start()

    def _record(self, correct: bool) -> None:
        self.answered = True
        if correct:
            self.right += 1
        elapsed = min(self.timer.elapsed(), MAX_ANSWER_MS)
        self._entry, changes = self.context.record_quiz(self.questions[self.index].item, correct,
                                                        elapsed, self.mode)
        self.changed.emit(changes)
        self.score_label.setText(f"{self.right} right")
        self.progress.setValue(self.index + 1)
        self.next_button.setEnabled(True)
        last = self.index + 1 >= len(self.questions)
        self.next_button.setText("See results  (Enter)" if last else "Next  (Enter)")

    def choose(self, number: int) -> None:
        """Answer a multiple-choice question with choice 1-4; nothing once it is answered."""
        question = self.current()
        if (question is None or self.mode != AnswerMode.CHOICES or self.answered
                or not 1 <= number <= len(question.choices)):
            return
        correct = number - 1 == question.correct_index
        for i, button in enumerate(self.choice_buttons[:len(question.choices)]):
            if i == question.correct_index:
                button.set_state("right")
            elif i == number - 1:
                button.set_state("wrong")
        self._record(correct)
        self.feedback_label.setText(feedback_html(
            correct, "Right." if correct
            else f"Not quite: the right answer is {question.correct_index + 1}, in green."))
        self.view.show_html(card_document_html(question.prompt_html,
                                               explanation=question.explanation_html,
                                               source=self._source_of(question)),
                            deck_path(self.context.library, question.item.deck_id))
        self.setFocus()

    def _source_of(self, question) -> str:
        """The citation of the card a question was made from, shown once it is answered, as
        the review screen shows it under the answer."""
        library = self.context.library
        card, deck = library.card(question.item), library.deck(question.item.deck_id)
        if card is None or deck is None or not card.source:
            return ""
        return source_html(deck.source(card.source))

    def check_typed(self) -> None:
        """Mark the typed answer; an empty one is not taken, so a stray Enter costs nothing."""
        question = self.current()
        given = self.typed_edit.text().strip()
        if question is None or self.mode != AnswerMode.TYPED or self.answered or not given:
            return
        result = check_answer(question, given)
        self._record(result.correct)
        self._typed_correct = result.correct
        self.typed_edit.setReadOnly(True)
        self.check_button.setEnabled(False)
        self.check_button.setText("Check")  # Enter now means Next
        self.hint_label.setText("Enter next · " + ("W I was wrong" if result.correct
                                                   else "R I was right") + " · Esc back")
        if not result.correct:
            verdict = "Incorrect."
        elif result.exact:
            verdict = "Correct."
        else:
            verdict = "Correct: close enough, but check the spelling."
        self.feedback_label.setText(feedback_html(result.correct, verdict))
        answer = f"<p>Your answer: {result.diff_html}</p>"
        if result.matched and result.matched != question.answer:
            answer += f"<p>Taken as: <b>{html.escape(result.matched)}</b></p>"
        answer += f"<p>Answer: <b>{html.escape(question.answer)}</b></p>"
        sourced = {text for _, text in question.versions}
        also = [a for a in question.accepted if a not in sourced]  # versions: in the explanation
        if also:
            answer += "<p>Also right: " + ", ".join(html.escape(a) for a in also) + "</p>"
        self.view.show_html(card_document_html(question.prompt_html + "<hr>" + answer,
                                               explanation=question.explanation_html,
                                               source=self._source_of(question)),
                            deck_path(self.context.library, question.item.deck_id))
        self.override_button.setText("I was wrong  (W)" if result.correct
                                     else "I was right  (R)")
        self.override_button.show()
        self.setFocus()  # out of the read-only answer box, so R, W and Enter reach the page

    def override(self, correct: bool | None = None) -> None:
        """Overrule the typed check: right counts as Good, wrong as Again (logged as such)."""
        if (self.mode != AnswerMode.TYPED or not self.answered or self._entry is None
                or not self.override_button.isVisible()):
            return
        now_correct = not self._typed_correct
        if correct is not None and correct != now_correct:
            return  # R only says "I was right" after a wrong mark, W the reverse
        self._entry, changes = self.context.override_quiz(self._entry, now_correct)
        self.changed.emit(changes)
        self._typed_correct = now_correct
        self.right += 1 if now_correct else -1
        self.score_label.setText(f"{self.right} right")
        self.override_button.hide()
        self.feedback_label.setText(feedback_html(
            now_correct, "Counted as right: you overruled the check." if now_correct
            else "Counted as wrong: you overruled the check."))
        self.setFocus()

    def next_question(self) -> None:
        if self.current() is None or not self.answered:
            return
        self.index += 1
        if self.index >= len(self.questions):
            self._show_summary()
        else:
            self.show_question()

    def _enter(self) -> None:
        if self.pages.currentIndex() == 1:
            focused = QApplication.focusWidget()
            if isinstance(focused, QPushButton) and self.isAncestorOf(focused):
                focused.click()
            return
        if self.mode == AnswerMode.TYPED and not self.answered:
            self.check_typed()
        else:
            self.next_question()

    def _show_summary(self) -> None:
        self.pages.setCurrentIndex(1)
        total = len(self.questions)
        self.progress_label.setText(f"{total} / {total}" if total else "")
        self.progress.setValue(self.progress.maximum() if total else 0)
        if not total:
            self.summary_title.setText("No questions here")
            self.summary_label.setText("")
            self.summary_detail.setText(
                "These cards cannot be asked as a quiz: multiple choice needs other answers of "
                "the same kind in the deck to choose from, and typed answers must be short. "
                "Try a bigger deck, or the whole tree.")
            self.again_button.hide()
        else:
            self.summary_title.setText("Quiz finished")
            self.summary_label.setText(f"{self.right} / {total}")
            self.summary_detail.setText(
                f"{percent(self.right / total)}% right. Every answer is saved to your "
                "progress, so the cards you missed come back sooner.")
            self.again_button.show()
        self.done_button.setFocus()
