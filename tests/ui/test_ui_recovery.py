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


def test_a_failed_automatic_backup_is_said_once_in_the_status_bar(qtbot, qapp, tmp_path,
                                                                  data_dir):
    from omtquiz.decks.model import Library
    from omtquiz.ui.context import AppContext
    from omtquiz.ui.main_window import MainWindow

    dirs = resolve_dirs(str(data_dir)).ensure()
    with Store.open(dirs.database) as store:
        record_quiz_answer(store, Item("d", "c", 0), True, 1000, "mcq")
    blocker = tmp_path / "backups"
    blocker.write_text("a file where the backup folder should be")
    store = Store.open(dirs.database, backup_dir=blocker)  # backs up at once, and fails
    context = AppContext(dirs=dirs, library=Library(()), store=store)
    try:
        problem = store.backup_error
        assert problem and "could not write a backup" in problem
        win = MainWindow(context)
        qtbot.addWidget(win)
        shown = win.statusBar().currentMessage()
        assert shown.startswith("Automatic backup failed: ") and problem in shown
        assert "Your answers are safe" in shown
        win.statusBar().clearMessage()
        assert win.report_backup_problem() is None  # once, not at every answer
        assert win.statusBar().currentMessage() == ""
        store.backup_error = None  # a backup worked; a later failure is said again
        assert win.report_backup_problem() is None
        store.backup_error = "could not write a backup: disk full"
        assert "disk full" in win.report_backup_problem()
        assert "disk full" in win.statusBar().currentMessage()
    finally:
        store.close()
