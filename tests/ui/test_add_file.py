"""Opening a file with omtquiz offers to add it: from the menu, from --open, from a second start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from omtquiz.profile import Profile, resolve_dirs
from omtquiz.ui.app import SingleInstance, build
from omtquiz.ui.dialogs import add_file

SHARED = """\
deck: from-a-classmate
title: From a classmate
sources: [{id: s, citation: A real book}]
cards:
  - {id: a, front: What is OMT?, back: A hands-on treatment, source: s}
"""


@pytest.fixture
def window(qtbot, qapp, tmp_path, data_dir, monkeypatch):
    empty = tmp_path / "bundle"
    empty.mkdir()
    monkeypatch.setattr("omtquiz.profile.bundled_decks_dir", lambda: empty)
    context, win = build(Profile.open(data_dir), qapp)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    context.store.close()


@pytest.fixture
def shared(tmp_path):
    path = tmp_path / "downloads" / "classmate.yaml"
    path.parent.mkdir()
    path.write_text(SHARED)
    return path


def deck_ids(win) -> set[str]:
    return {deck.id for deck in win.context.library.decks}


def test_adding_shows_the_offer_and_the_deck_appears_in_the_list(window, shared, monkeypatch):
    seen = []
    monkeypatch.setattr(add_file.AddFileDialog, "ask",
                        classmethod(lambda cls, offer, parent=None: seen.append(offer) or True))
    written = window.add_file(str(shared))
    assert seen[0].title == "From a classmate" and seen[0].can_add
    assert written.is_file() and written.parent.parent == window.context.dirs.user_decks
    assert "from-a-classmate" in deck_ids(window)
    titles = [window.deck_page.tree.topLevelItem(0).child(i).text(0)
              for i in range(window.deck_page.tree.topLevelItem(0).childCount())]
    assert "From a classmate" in titles
    assert "Added" in window.statusBar().currentMessage()


def test_cancel_writes_nothing(window, shared, monkeypatch):
    monkeypatch.setattr(add_file.AddFileDialog, "ask",
                        classmethod(lambda cls, offer, parent=None: False))
    assert window.add_file(str(shared)) is None
    kept = window.context.dirs.schema  # the profile's copy of the deck schema, kept at start
    assert [p for p in window.context.dirs.user_decks.iterdir() if p != kept] == []
    assert "from-a-classmate" not in deck_ids(window)


def test_the_dialog_says_why_a_file_cannot_be_added(qtbot, tmp_path):
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK")
    dialog = add_file.AddFileDialog(add_file.inspect(odd, tmp_path / "decks"))
    qtbot.addWidget(dialog)
    summary = dialog.findChild(QLabel, "addFileSummary")
    assert "none of them" in summary.text()
    assert summary.textFormat() == Qt.TextFormat.PlainText  # file names are never HTML
    assert dialog.findChild(QPushButton, "addFileButton") is None  # only Close: nothing to add


def test_a_second_start_with_open_hands_the_file_to_the_running_app(qtbot, window, shared,
                                                                     monkeypatch):
    monkeypatch.setattr(add_file.AddFileDialog, "ask",
                        classmethod(lambda cls, offer, parent=None: True))
    instance = SingleInstance(resolve_dirs(window.context.dirs.data))
    assert instance.acquire()
    instance.listen(window)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "OMTQUIZ_DATA_DIR": str(window.context.dirs.data)}
    second = subprocess.Popen([sys.executable, "-m", "omtquiz", "--open", str(shared)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=60_000)
    _, err = second.communicate()
    assert second.returncode == 0, err
    assert "already running" in err and str(shared) in err
    qtbot.waitUntil(lambda: "from-a-classmate" in deck_ids(window), timeout=30_000)
    instance.lock.unlock()
