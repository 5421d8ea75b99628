"""Small widget helpers every screen uses, so names and looks stay alike."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QWidget


def make_button(text: str, name: str, accessible: str, *, primary: bool = False) -> QPushButton:
    """A button with the object and accessible names automation and screen readers need."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    if primary:
        button.setProperty("primary", True)
    return button


def set_primary_enabled(button: QPushButton, enabled: bool) -> None:
    """Enable or disable a main button; disabled, it drops the accent that says "press me"."""
    button.setEnabled(enabled)
    button.setProperty("primary", enabled)
    button.style().unpolish(button)
    button.style().polish(button)


def fix_minimum_size(window: QWidget, width: int = 640, height: int = 480) -> None:
    """Give a top-level window an explicit minimum size (its layout's, at least `width` x
    `height`) before it is first shown.

    Without one, every change to the layout's minimum (a page added, a label's text) is handed
    to the platform window, and plugins that cannot take size hints (offscreen, minimal, VNC)
    print "This plugin does not support propagateSizeHints()" each time. With both
    dimensions set explicitly the layout keeps to them, so nothing is handed on.
    """
    hint = window.minimumSizeHint()
    window.setMinimumSize(max(hint.width(), width), max(hint.height(), height))


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as typed.

    Qt guesses whether a tooltip is rich text, so a deck title or card text such as `<b>` or
    `<img src=...>` would be drawn as HTML; escaped inside <qt> it is always shown literally.
    """
    if not text:
        return ""
    import html  # here, not at the top: html.entities' tables are not needed at start-up

    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def make_label(name: str, role: str = "", *, rich: bool = False) -> QLabel:
    """A label's text is what a screen reader says, so it gets an objectName only."""
    label = QLabel()
    label.setObjectName(name)
    if role:
        label.setProperty("role", role)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    return label


def make_heading(text: str, name: str = "") -> QLabel:
    """A section's heading: bold, in the muted colour."""
    label = make_label(name, "muted")
    label.setText(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def repolish(widget: QWidget) -> None:
    """Style sheets read dynamic properties only when a widget is polished."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def add_shortcuts(widget: QWidget, bindings) -> list[QShortcut]:
    """Keys that work anywhere on the page, but not while another page is showing."""
    made = []
    for keys, slot in bindings:
        for key in keys:
            shortcut = QShortcut(QKeySequence(key), widget)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            made.append(shortcut)
    return made
