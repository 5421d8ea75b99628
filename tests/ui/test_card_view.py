"""Deck HTML on screen opens no file but the deck's own pictures, and no link navigates (issue 14).

The fuzz test renders random HTML through the card view and the rich-text label while the
kernel watches canary files outside the deck folder (inotify): any open of one, by our code or
by Qt's C++, is an event, whoever made it. A plain QLabel is run through the same watch first,
to show the watch sees what Qt opens on its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel
from test_ui_main import open_window, select_deck  # noqa: F401 (a fixture, used by name)

from conftest import PNG, run_capped
from omtquiz.ui.widgets.card_view import CardView, RichLabel

IN_OPEN = 0x20
IN_ACCESS = 0x01


class OpenWatch:
    """inotify on some files: which of them anything in this machine opened since last asked."""

    def __init__(self, paths: list[Path]) -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK)
        if self.fd < 0:
            pytest.skip("inotify is not available")
        self.names = {}
        for path in paths:
            wd = libc.inotify_add_watch(self.fd, str(path).encode(), IN_OPEN | IN_ACCESS)
            assert wd >= 0, path
            self.names[wd] = path

    def opened(self) -> set[Path]:
        found = set()
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return found
            offset = 0
            while offset < len(data):
                wd, _mask, _cookie, length = struct.unpack_from("iIII", data, offset)
                found.add(self.names[wd])
                offset += 16 + length

    def close(self) -> None:
        os.close(self.fd)


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify: Linux")


@pytest.fixture
def places(tmp_path):
    """A deck folder with a picture, and canary pictures outside it."""
    deck = tmp_path / "deck"
    (deck / "pictures").mkdir(parents=True)
    (deck / "pictures" / "ok.png").write_bytes(PNG)
    (deck / "d.yaml").write_text("deck: d\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    canaries = [outside / "secret.png", outside / "style.css", tmp_path / "next-to.png"]
    for canary in canaries:
        canary.write_bytes(PNG)
    (deck / "link.png").symlink_to(canaries[0])
    return deck, canaries


def hostile_refs(deck: Path, canaries: list[Path]) -> list[str]:
    secret, style, beside = canaries
    return [
        "pictures/ok.png", str(secret), secret.as_uri(), "../outside/secret.png",
        "../next-to.png", "link.png", "pictures/../../outside/secret.png", str(style),
        f"file://localhost{secret}", "file://host/share/x.png", "\\\\host\\share\\x.png",
        "//host/share/x.png", "http://127.0.0.1:9/x.png", "data:image/png;base64,AAAA",
        "qrc:/x.png", f"{secret}?x#y", "%2e%2e/outside/secret.png", "",
    ]


def test_the_watch_sees_what_a_plain_qlabel_opens(qapp, places):
    """The detector works: Qt's own label reads a picture wherever its src points."""
    deck, canaries = places
    watch = OpenWatch(canaries)
    try:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setText(f'<img src="{canaries[0]}">')
        label.grab()
        assert canaries[0] in watch.opened()
    finally:
        watch.close()


def test_card_view_shows_deck_pictures_and_placeholders_for_the_rest(qapp, places):
    deck, canaries = places
    refs = hostile_refs(deck, canaries)
    view = CardView()
    view.resize(500, 400)
    watch = OpenWatch(canaries)
    try:
        view.show_html("".join(f'<img src="{r}">' for r in refs), deck / "d.yaml")
        view.grab()
        assert watch.opened() == set()
    finally:
        watch.close()
    assert view.gate.opened == [deck / "pictures" / "ok.png"]
    assert len(view.gate.refused) == len(refs) - 1


@st.composite
def random_html(draw, refs: list[str]) -> str:
    tags = ["p", "b", "div", "span", "table", "td", "a", "img", "link", "style", "font", "li"]
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        tag = draw(st.sampled_from(tags))
        ref = draw(st.sampled_from(refs))
        attrs = draw(st.sampled_from([
            f'src="{ref}"', f'href="{ref}"', f'background="{ref}"',
            f'style="background-image: url({ref})"', f'rel="stylesheet" href="{ref}"',
            f"src='{ref}' width=9999 height=9999", "",
        ]))
        inner = draw(st.text(alphabet="ab <>&\"'/=", max_size=12))
        if tag == "style":
            parts.append(f"<style>@import url({ref}); p {{ background: url({ref}) }}</style>")
        else:
            parts.append(f"<{tag} {attrs}>{inner}</{tag}>")
    return "".join(parts)


def test_fuzz_no_file_outside_the_deck_is_opened(qapp, places):
    deck, canaries = places
    refs = hostile_refs(deck, canaries)
    view, label = CardView(), RichLabel()
    view.resize(500, 400)
    label.resize(300, 100)
    watch = OpenWatch(canaries)

    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(random_html(refs))
    def render(html: str) -> None:
        view.show_html(html, deck / "d.yaml")
        label.setText(html, deck / "d.yaml")
        view.grab()
        label.grab()
        assert watch.opened() == set(), html
        for path in (*view.gate.opened, *label.gate.opened):
            assert path.is_relative_to(deck), path

    try:
        render()
    finally:
        watch.close()


def _click_on(view: CardView, text: str, qtbot) -> None:
    found = view.document().find(text)
    assert not found.isNull()
    cursor = QTextCursor(found)
    cursor.setPosition(found.selectionStart() + 1)
    point = view.cursorRect(cursor).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point))


def test_clicking_a_link_never_navigates_and_opens_only_web_links(qapp, qtbot, places,
                                                                  monkeypatch):
    deck, canaries = places
    opened: list[str] = []
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toString()) or True)
    view = CardView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    html = (f'<p><a href="{canaries[0].as_uri()}">fileLink</a></p>'
            '<p><a href="../outside/secret.png">relativeLink</a></p>'
            '<p><a href="ms-msdt:/id PCWDiagnostic">msdtLink</a></p>'
            '<p><a href="doi:10.1/x">doiLink</a></p>'
            '<p><a href="https://example.org/a">webLink</a></p>')
    watch = OpenWatch(canaries)
    try:
        view.show_html(html, deck / "d.yaml")
        for text in ("fileLink", "relativeLink", "msdtLink", "doiLink", "webLink"):
            _click_on(view, text, qtbot)
            assert view.source() == QUrl()
            assert "fileLink" in view.toPlainText()  # still the card, not the file
        assert watch.opened() == set()
    finally:
        watch.close()
    assert opened == ["https://doi.org/10.1/x", "https://example.org/a"]


DESCRIPTION = textwrap.dedent("""
    import sys
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from omtquiz.study.deck_list import DeckList, DeckRow
    from omtquiz.study.queue import Counts
    from omtquiz.study.scope import Scope
    from omtquiz.ui.pages.decks import DeckPage
    page = DeckPage()
    page.resize(900, 600)
    row = DeckRow(Scope.deck("d"), "d", "Deck", None, Counts(1, 0, 0), (), sys.argv[1])
    page.populate(DeckList([row], {}, Counts(1, 0, 0), []))
    page.show()
    page.tree.setCurrentItem(page.tree.topLevelItem(0).child(0))
    app.processEvents()
    page.grab()
    print("shown:", page.description_label.text())
""")


@pytest.mark.parametrize("description", ['Read <img src="/dev/zero"> this',
                                         "Read ![x](/dev/zero) this"])
def test_a_description_naming_dev_zero_is_shown_not_read(description):
    """Merely selecting such a deck killed the app (std::bad_alloc after 4.3 GB)."""
    done = run_capped("-c", DESCRIPTION, description, seconds=60, memory_mb=3072)
    assert done.returncode == 0, done.stderr[-1500:]
    assert "shown: Read" in done.stdout


FOLLINA = """\
deck: follina
title: Follina
sources:
  - {id: s, citation: A harmless-looking book, url: "ms-msdt:/id PCWDiagnostic /skip force"}
  - {id: t, citation: A real article, url: "doi:10.7556/jaoa.2018.112"}
cards:
  - {id: a, front: First question, back: First answer, source: s}
  - {id: b, front: Second question, back: Second answer, source: t}
"""


def test_review_links_a_citation_only_to_the_web(qtbot, open_window, monkeypatch):  # noqa: F811
    """A source url of ms-msdt: was the citation link, handed to the OS on a click."""
    opened: list[str] = []
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toString()) or True)
    window = open_window({"follina.yaml": FOLLINA})
    select_deck(window, "follina")
    qtbot.keyClick(window.deck_page.tree, Qt.Key.Key_Return)
    review = window.review_page
    for citation in ("A harmless-looking book", "A real article"):
        review.reveal()
        assert citation in review.view.toPlainText()
        _click_on(review.view, citation, qtbot)
        assert "First question" in review.view.toPlainText() or citation == "A real article"
        review.rate(3)
    assert "ms-msdt" not in "".join(opened)
    assert opened == ["https://doi.org/10.7556/jaoa.2018.112"]
