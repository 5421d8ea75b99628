"""File menu parity with the command line: new deck, add/import, back up, restore, data folder."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices

from omtquiz.profile import Profile
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState
from omtquiz.ui.app import build
from omtquiz.ui.dialogs import file_actions


@pytest.fixture
def window(qtbot, qapp, tmp_path, data_dir, monkeypatch):
    empty = tmp_path / "bundle"
    empty.mkdir()
    monkeypatch.setattr("omtquiz.profile.bundled_decks_dir", lambda: empty)
    context, win = build(Profile.open(data_dir), qapp)
    qtbot.addWidget(win)
    win.show()
    yield win
    for authoring in list(win.authoring_windows):
        authoring.close()
    context.store.close()


def trigger(win, name: str) -> None:
    win.findChild(QAction, name).trigger()


def test_new_deck_writes_a_starter_deck_into_my_decks_and_opens_it(window, monkeypatch):
    monkeypatch.setattr(file_actions, "ask_title", lambda parent: "Cranial: my notes")
    trigger(window, "newDeckAction")
    path = window.context.dirs.user_decks / "cranial-my-notes.yaml"
    assert path.is_file()
    assert "cranial-my-notes" in {d.id for d in window.context.library.decks}
    assert len(window.authoring_windows) == 1
    trigger(window, "newDeckAction")  # the same title again: a second file, never overwritten
    assert (window.context.dirs.user_decks / "cranial-my-notes-2.yaml").is_file()


def test_back_up_now_and_restore_from_that_backup(window, monkeypatch):
    store = window.context.store
    trigger(window, "backupAction")
    (backup,) = window.context.dirs.backups.glob("*.sqlite3")
    assert "backed up" in window.statusBar().currentMessage()
    item = ("d", "c", 0)
    from omtquiz.decks.model import Item

    store.put(ItemRecord(Item(*item), CardState(reps=3)))
    monkeypatch.setattr(file_actions, "ask_backup_file", lambda parent, folder: str(backup))
    monkeypatch.setattr(file_actions, "confirm_restore", lambda parent, path: True)
    trigger(window, "restoreAction")
    assert store.get(Item(*item)).card.reps == 0  # the backup had no progress for it
    assert "Progress restored" in window.statusBar().currentMessage()


def test_open_data_folder_asks_the_desktop_to_show_it(window):
    class Catcher(QObject):
        urls: list[QUrl] = []

        @Slot(QUrl)
        def show(self, url: QUrl) -> None:
            self.urls.append(url)

    catcher = Catcher()
    QDesktopServices.setUrlHandler("file", catcher, "show")
    try:
        trigger(window, "openDataFolderAction")
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in catcher.urls] == [str(window.context.dirs.data)]


def test_f1_lists_every_menu_shortcut_the_window_binds(window):
    from omtquiz.ui.main_window import SHORTCUTS, shortcuts_html

    listed = {key.strip() for _, keys in SHORTCUTS for combo, _ in keys
              for key in combo.split("/")}
    bound = {a.shortcut().toString() for a in window.findChildren(QAction)
             if not a.shortcut().isEmpty()}
    missing = sorted(k for k in bound if k not in listed)
    assert not missing, f"bound but not in the F1 list: {missing}"
    assert "<table" in shortcuts_html() and "Ctrl+Enter" in shortcuts_html()
