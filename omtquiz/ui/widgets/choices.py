"""Multiple-choice answers as buttons (the quiz and the exam): keys 1-4, long answers wrapping,
right, wrong and selected states in colours that stay readable in both themes."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from omtquiz.study.quiz import CHOICES
from omtquiz.ui import theme
from omtquiz.ui.widgets.controls import repolish


def _luminance(color: str) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def text_on(state: str) -> str:
    """White or dark text, whichever reads better on a right/wrong/selected choice.

    The dark theme's green and red are light, and white on them is hard to read.
    """
    c = theme.colors(theme.current())
    background = {"right": c["good"], "wrong": c["bad"]}.get(state, c["highlight"])
    light = _luminance(background)
    dark_text = "#1d2330"
    white_contrast = 1.05 / (light + 0.05)
    dark_contrast = (light + 0.05) / (_luminance(dark_text) + 0.05)
    return "#ffffff" if white_contrast >= dark_contrast else dark_text


class ChoiceButton(QPushButton):
    """One answer of a multiple-choice question.

    The text sits in a word-wrapping label, so a long answer makes the button taller instead
    of widening the window or being cut off. State "right" and "wrong" set the theme's
    `choice` property; "selected" (an exam answer, not yet marked) uses `primary`.
    """

    def __init__(self, number: int, prefix: str, parent=None) -> None:
        super().__init__(parent)
        self.number = number
        self.choice_text = ""
        self.state = ""
        self.setObjectName(f"{prefix}Choice{number}")
        self.setAccessibleName(f"Choice {number}")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys 1-4 answer; focus rings would mislead
        self.key_label = QLabel(str(number))
        self.key_label.setObjectName(f"{prefix}Choice{number}Key")
        self.text_label = QLabel()
        self.text_label.setObjectName(f"{prefix}Choice{number}Text")
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.key_label, self.text_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.key_label.setMinimumWidth(22)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 9, 14, 9)
        layout.setSpacing(10)
        layout.addWidget(self.key_label, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text_label, 1)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def sizeHint(self):
        return QWidget.sizeHint(self)

    def minimumSizeHint(self):
        return QWidget.minimumSizeHint(self)

    def set_choice(self, text: str) -> None:
        self.choice_text = text
        self.text_label.setText(text)
        self.setAccessibleName(f"Choice {self.number}: {text}")
        self.set_state("")

    def set_state(self, state: str) -> None:
        self.state = state
        self.setProperty("choice", state if state in ("right", "wrong") else "")
        self.setProperty("primary", state == "selected")
        self.setAccessibleDescription({"right": "the right answer", "wrong": "wrong answer",
                                       "selected": "your answer"}.get(state, ""))
        repolish(self)
        # The size as a font, not in the style sheet: a style sheet's font reaches the label
        # only when it is next polished, after the layout has measured the wrapped text.
        size = theme.font_pt() - 2
        on_color = f"color: {text_on(state)};" if state else ""
        for label, bold in ((self.text_label, False), (self.key_label, True)):
            label.setStyleSheet(on_color)  # first: a style sheet set later resets the font
            font = label.font()
            font.setPointSize(size)
            font.setBold(bold)
            label.setFont(font)


def make_choices(prefix: str, on_choose) -> tuple[QWidget, list[ChoiceButton]]:
    box = QWidget()
    box.setObjectName(f"{prefix}Choices")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(8)
    buttons = []
    for number in range(1, CHOICES + 1):
        button = ChoiceButton(number, prefix)
        button.clicked.connect(lambda _=False, n=number: on_choose(n))
        layout.addWidget(button)
        buttons.append(button)
    return box, buttons


def show_choices(buttons: list[ChoiceButton], choices) -> None:
    for button, text in zip(buttons, [*choices, *[None] * len(buttons)], strict=False):
        button.setVisible(text is not None)
        if text is not None:
            button.set_choice(text)
    # Lay the page out again now, for the new texts' wrapped heights: left to the queued
    # layout requests, a choice whose text wraps to two lines kept one line's height (its
    # second line cut off) until the question was answered.
    box = buttons[0].parentWidget() if buttons else None
    page = box.parentWidget() if box is not None else None
    for widget in (box, page):
        if widget is not None and widget.layout() is not None:
            widget.layout().invalidate()
    if page is not None and page.layout() is not None:
        page.layout().activate()


def choices_hint(count: int, rest: str) -> str:
    """The keys line under the choices: "1-3 choose ..." for a question of three."""
    return f"1-{count} {rest}" if count > 1 else f"1 {rest}"


def feedback_html(right: bool, text: str) -> str:
    c = theme.colors(theme.current())
    mark, color = ("✓", c["good"]) if right else ("✗", c["bad"])
    return f'<span style="color:{color}">{mark} {html.escape(text)}</span>'
