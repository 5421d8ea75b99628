"""Widgets that show deck HTML: every picture and link goes through our resolver, not Qt's.

Qt's rich text resolves `<img src>` (and style sheets, backgrounds...) itself: a QLabel or a
plain QTextBrowser would read `/dev/zero` until the app died, `/etc/passwd`, paths relative to
whatever folder the app started in, or a `\\\\host\\share` (an SMB login on Windows). Here every
resource request comes to `loadResource`, which hands out only pictures that
`omtquiz.decks.resolver` accepts for the deck on show (its folder and assets/, regular files
under the size cap, decoded under a pixel cap) and a grey placeholder for anything else. Links
never navigate the view: a click opens http(s) (and doi:) links in the browser and does nothing
for any other.

`CardView` is the card area of every screen (`make_card_view`, with the theme's card style and
the document around a card's body); `RichLabel` is the same with a label's looks, for deck
descriptions and anything else from a deck that is shown as rich text.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QTextDocument
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser

from omtquiz.decks import resolver
from omtquiz.ui import theme

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QImage

# The picture and link classes are imported where they are used: PySide makes a Qt class's
# Python type on its first use (QImage, QPainter, QBuffer, QUrl...: ~1 MB, ~3 ms), and the
# deck list the app starts on shows no picture.

MAX_PIXELS = 40_000_000  # a 40-megapixel picture is 160 MB decoded; more is a bomb, not a card


def placeholder() -> QImage:
    """What a refused picture shows: a grey box, so the card still says something was there."""
    from PySide6.QtGui import QImage, QPainter

    size = QSize(48, 32)
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("#d0d4dc"))
    painter = QPainter(image)
    painter.setPen(QColor("#8a90a0"))
    painter.drawRect(0, 0, size.width() - 1, size.height() - 1)
    painter.drawLine(0, 0, size.width() - 1, size.height() - 1)
    painter.drawLine(0, size.height() - 1, size.width() - 1, 0)
    painter.end()
    return image


def decode(data: bytes) -> QImage | None:
    """A picture from bytes, or None when they are not one or would decode too large."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImageReader

    array = QByteArray(data)
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if not size.isValid() or size.width() * size.height() > MAX_PIXELS:
        return None
    image = reader.read()
    return None if image.isNull() else image


class ResourceGate:
    """The resolver a view's loadResource asks: pictures of the decks on show, nothing else.

    A relative `src` is a path from the (first) deck's folder; an absolute `file:` URL, as the
    card's `image:` arrives, must lie inside one of the shown decks' folders or assets/.
    """

    def __init__(self) -> None:
        self.deck_paths: tuple[str, ...] = ()  # the decks on show; the first one's folder
        self.opened: list[Path] = []  # files read, for tests and for the curious
        self.refused: list[tuple[str, str]] = []  # (url, reason)

    def roots(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys(root for path in self.deck_paths
                                   for root in resolver.roots_of(path)))

    def target(self, url: QUrl) -> Path:
        """The file `url` names, checked; Refused for anything but a local picture."""
        roots = self.roots()
        if not roots:
            raise resolver.Refused("no deck is on show")
        if url.scheme().lower() == "file":
            if url.host():
                raise resolver.Refused("a network share")
            local = url.toLocalFile()
            if not local or not os.path.isabs(local):
                raise resolver.Refused("not a usable file path")
            try:
                resolved = Path(local).resolve()
            except (OSError, ValueError, RuntimeError):
                raise resolver.Refused("not a usable file path") from None
            return resolver.check_file(resolved, roots)
        if url.scheme() or url.host():
            raise resolver.Refused("not a file beside the deck")
        from PySide6.QtCore import QUrl

        ref = url.path(QUrl.ComponentFormattingOption.FullyDecoded)
        return resolver.local_path(ref, roots[0], roots)

    def image(self, url: QUrl) -> QImage:
        try:
            path = self.target(url)
            data = resolver.read_file(path, self.roots())
            self.opened.append(path)
        except resolver.Refused as exc:
            self.refused.append((url.toString(), str(exc)))
            return placeholder()
        image = decode(data)
        if image is None:
            self.refused.append((url.toString(), "not a picture, or too large to decode"))
            return placeholder()
        return image

    def load(self, kind: int, url: QUrl):
        if kind == QTextDocument.ResourceType.ImageResource.value:
            return self.image(url)
        self.refused.append((url.toString(), "only pictures are loaded"))
        # Always a picture, never None or text. Qt takes a null answer as "not found" and reads
        # the file itself; and a document caches answers by URL alone, so text given for a
        # style sheet would later be found for an <img> of the same URL, which Qt's image
        # handler then loads from disk by name (QImage::load). A picture is ignored as a style
        # sheet and drawn as the placeholder it is.
        return placeholder()


def open_link(url: QUrl) -> bool:
    """Open a clicked link in the browser if it is http(s) or doi:; anything else is ignored."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    target = resolver.web_url(url.toString())
    if target is None:
        return False
    return QDesktopServices.openUrl(QUrl(target))


class CardView(QTextBrowser):
    """A read-only card area whose pictures and links go through `ResourceGate`."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.gate = ResourceGate()
        self.setOpenLinks(False)  # a click never navigates the view (setSource)
        self.setOpenExternalLinks(False)
        self.setSearchPaths([])
        self.anchorClicked.connect(open_link)

    def show_html(self, html: str, *deck_paths: str | os.PathLike[str] | None) -> None:
        """Show card HTML whose pictures belong to the decks at `deck_paths` (none: no
        pictures at all)."""
        self.gate.deck_paths = tuple(dict.fromkeys(str(p) for p in deck_paths if p))
        self.setHtml(html)

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 (Qt's name)
        """Every resource the document wants; the answer is never null (see ResourceGate)."""
        kind_value = kind.value if hasattr(kind, "value") else int(kind)
        return self.gate.load(kind_value, url)

    def setSource(self, url: QUrl, *args) -> None:  # noqa: N802 (Qt's name)
        """Navigation is never followed, whatever asks for it."""
        return None


class RichLabel(CardView):
    """Rich text that looks like a word-wrapped label and grows to fit its text."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Transparent, viewport included (a style sheet reaches the children). The viewport is
        # never asked for from Python: PySide's first wrap of a bare QWidget* (`viewport()`)
        # makes the Python types of ~50 widget classes, ~7 ms and ~0.6 MB at start-up.
        self.setStyleSheet("background: transparent;")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(0)
        self.document().contentsChanged.connect(self._fit)

    def setText(self, html: str, *deck_paths: str | os.PathLike[str] | None) -> None:  # noqa: N802
        self.show_html(html, *deck_paths)
        self._fit()

    def text(self) -> str:
        return self.toPlainText()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        # The viewport's width: no frame, no scroll bars (see __init__ for why not viewport()).
        self.document().setTextWidth(self.maximumViewportSize().width())
        height = int(self.document().size().height()) + 2
        if self.height() != height:
            self.setFixedHeight(height)


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


def make_card_view(parent=None) -> CardView:
    """The card area: pictures only from the deck on show, links opened only if http(s) or
    doi:; keys go to the page (the view takes no focus)."""
    view = CardView(parent)
    view.setObjectName("cardView")
    view.setAccessibleName("Card")
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return view


def style_card_view(view: QTextBrowser) -> None:
    """The theme's card style sheet, again after a theme change."""
    view.document().setDefaultStyleSheet(theme.card_css(theme.current()))


def deck_path(library, deck_id: str) -> str | None:
    """The file of the deck a card comes from: its folder is where its pictures may be."""
    deck = library.deck(deck_id)
    return deck.path if deck is not None else None


def source_html(source) -> str:
    """A card's citation, linked only when its url is one a browser may open (http, https,
    doi:); any other url (file:, ms-msdt:, javascript:...) is shown as text beside it."""
    if source is None:
        return ""
    import html  # here, not at the top: html.entities' tables are not needed at start-up

    citation = html.escape(source.citation)
    target = resolver.web_url(source.url)
    if target is not None:
        return f'<a href="{html.escape(target, quote=True)}">{citation}</a>'
    if source.url:
        return f"{citation} ({html.escape(source.url)})"
    return citation
