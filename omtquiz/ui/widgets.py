"""Small widget helpers every screen uses, so names and looks stay alike."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton


def make_button(text: str, name: str, accessible: str, *, primary: bool = False) -> QPushButton:
    """A button with the object and accessible names automation and screen readers need."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    if primary:
        button.setProperty("primary", True)
    return button
