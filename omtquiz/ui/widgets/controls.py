"""Small widget helpers every screen uses, so names and looks stay alike."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QPushButton


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


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as typed.

    Qt guesses whether a tooltip is rich text, so a deck title or card text such as `<b>` or
    `<img src=...>` would be drawn as HTML; escaped inside <qt> it is always shown literally.
    """
    if not text:
        return ""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"
