"""A short confirmation that fades by itself, as Anki's tooltip after "Card buried".

An action that changes a card without moving on (flag) or moves on at once (bury, suspend,
undo) must say what it did, or the student cannot tell a keypress that worked from one that
did nothing. The toast sits over the bottom of its parent, takes no focus and no clicks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from omtquiz.ui import theme

SHOWN_MS = 1800


class Toast(QLabel):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setAccessibleName("Confirmation")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str, ms: int = SHOWN_MS) -> None:
        c = theme.colors(theme.current())
        self.setStyleSheet(f"background: {c['text']}; color: {c['base']}; border-radius: 8px;"
                           "padding: 8px 18px; font-weight: 600;")
        self.setText(text)
        self.adjustSize()
        parent = self.parentWidget()
        self.move((parent.width() - self.width()) // 2, parent.height() - self.height() - 120)
        self.raise_()
        self.show()
        self._timer.start(ms)
