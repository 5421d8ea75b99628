"""The card as every screen shows it: a read-only rich-text view with the theme's card style,
and the document around a card's body (its explanation and source under it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTextBrowser

from omtquiz.ui import theme


def card_document_html(body: str, *, source: str = "", explanation: str = "") -> str:
    """A card's rendered body, then its explanation and source, as one HTML document."""
    # Qt's rich text ignores CSS on <hr> but honours its background-color attribute style.
    rule = f'<hr style="background-color:{theme.colors(theme.current())["border"]}">'
    parts = [f"<div>{body.replace('<hr>', rule)}</div>"]
    if explanation:
        parts.append(f'<p class="explanation">{explanation}</p>')
    if source:
        parts.append(f'<p class="source">Source: {source}</p>')
    return "".join(parts)


def make_card_view(parent=None) -> QTextBrowser:
    """Links open in the browser; keys go to the page (the view takes no focus)."""
    view = QTextBrowser(parent)
    view.setObjectName("cardView")
    view.setAccessibleName("Card")
    view.setOpenExternalLinks(True)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return view


def style_card_view(view: QTextBrowser) -> None:
    """The theme's card style sheet, again after a theme change."""
    view.document().setDefaultStyleSheet(theme.card_css(theme.current()))
