"""The app tells the student when it recovered progress (issue 14, items 7 and 8)."""

from __future__ import annotations

from omtquiz.decks.model import Item
from omtquiz.profile import Profile, resolve_dirs
from omtquiz.progress.store import Store
from omtquiz.study.recording import record_quiz_answer
from omtquiz.ui.app import build


def test_an_empty_progress_file_is_recovered_and_the_window_says_so(qtbot, qapp, tmp_path,
                                                                      data_dir):
    dirs = resolve_dirs(str(data_dir))
    with Store.open(dirs.database, backup_dir=dirs.backups) as store:
        for i in range(3):
            record_quiz_answer(store, Item("d", f"c{i}", 0), True, 1000, "mcq")
        store.backup()
    dirs.database.write_bytes(b"")
    decks = tmp_path / "decks"
    decks.mkdir()
    context, win = build(Profile.open(data_dir, [decks]), qapp)
    qtbot.addWidget(win)
    try:
        message = context.startup_message
        assert message and "is empty (0 bytes)" in message
        assert "restored from the backup" in message
        assert len(context.store.entries()) == 3
        assert win.statusBar().currentMessage() == message
    finally:
        context.store.close()
