"""Nothing acknowledged is lost: a killed process, a corrupt file, a missing file, a restore."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Library
from omtquiz.progress.backups import list_backups
from omtquiz.progress.db import StoreError
from omtquiz.progress.migrations import SCHEMA_VERSION
from omtquiz.progress.recovery import open_or_recover
from omtquiz.progress.store import Store
from omtquiz.progress.vetting import check_file
from omtquiz.scheduling import Rating, Settings
from omtquiz.study.scope import Scope
from omtquiz.study.session import StudySession

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)
SETTINGS = Settings().with_global(fuzz=False, timezone="UTC", new_per_day=1000)

CHILD = textwrap.dedent("""
    import sys
    from datetime import datetime, timezone

    from omtquiz.clock import FixedClock
    from omtquiz.decks.model import Card, Deck, DeckFile, Library
    from omtquiz.scheduling import Rating, Settings
    from omtquiz.study.scope import Scope
    from omtquiz.study.session import StudySession
    from omtquiz.progress.store import Store

    cards = tuple(Card("k", f"c{i:04d}", "basic", front="q", back="a") for i in range(3000))
    library = Library((DeckFile("k.yaml", Deck("k", "K", "k.yaml", cards)),))
    clock = FixedClock(datetime(2025, 3, 3, 14, tzinfo=timezone.utc))
    store = Store.open(sys.argv[1], clock=clock)
    store.save_settings(Settings().with_global(fuzz=False, timezone="UTC", new_per_day=3000))
    session = StudySession(store, library, Scope.all(), clock)
    ratings = [Rating.GOOD, Rating.AGAIN, Rating.EASY, Rating.HARD]
    answered = 0
    while True:
        item = session.current()
        entry = session.answer(ratings[answered % 4], 1000)
        print(entry.id, item.key, flush=True)  # acknowledged: the answer has returned
        answered += 1
        clock.advance(seconds=20)
""")


def library(count: int = 12) -> Library:
    cards = tuple(Card("d", f"c{i:02d}", "basic", front="q", back="a") for i in range(count))
    return Library((DeckFile("d.yaml", Deck("d", "D", "d.yaml", cards)),))


@pytest.fixture
def clock():
    return FixedClock(T0)


@pytest.fixture
def paths(tmp_path):
    return tmp_path / "progress.sqlite3", tmp_path / "backups"


def study(store: Store, clock: FixedClock, answers: int) -> None:
    session = StudySession(store, library(), Scope.all(), clock, SETTINGS)
    for _ in range(answers):
        session.answer(Rating.GOOD, 3000)
        clock.advance(minutes=1)


def progress_with_backup(paths, clock) -> list:
    """Five answers, a backup, three more answers; the log as it was at the backup."""
    db, backups = paths
    store, message = open_or_recover(db, backups, clock=clock)
    assert message is None
    study(store, clock, 5)
    at_backup = store.entries()
    clock.advance(minutes=1)
    store.backup()
    clock.advance(minutes=1)
    study(store, clock, 3)
    store.close()
    return at_backup


def overwrite(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(data)


# A killed process


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
@pytest.mark.parametrize("kill_after", [40, 150])
def test_sigkill_mid_session_loses_no_acknowledged_answer(tmp_path, kill_after):
    db = tmp_path / "progress.sqlite3"
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, str(script), str(db)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    acknowledged = []
    try:
        for line in child.stdout:
            acknowledged.append(line.split())
            if len(acknowledged) == kill_after:
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    # Lines already in the pipe when the kill landed were acknowledged too.
    acknowledged += [line.split() for line in child.stdout.read().splitlines()]
    errors = child.stderr.read()
    child.stdout.close()
    child.stderr.close()
    assert len(acknowledged) >= kill_after, errors
    assert child.returncode == -signal.SIGKILL

    with Store.open(db) as store:
        assert store.quick_check() == []
        logged = {str(e.id): e.item.key for e in store.entries()}
        for log_id, key in acknowledged:
            assert logged.get(log_id) == key
        # At most the one answer in flight was saved without being acknowledged.
        assert len(logged) - len(acknowledged) in (0, 1)
        # Each item's state is the one its newest log row left: row and state commit together.
        newest = {e.item: e for e in store.entries()}
        assert all(store.get(item) == entry.after for item, entry in newest.items())


# A corrupt or missing file


def test_a_healthy_database_opens_without_a_message_and_is_backed_up(paths, clock):
    progress_with_backup(paths, clock)
    clock.advance(minutes=5)
    store, message = open_or_recover(*paths, clock=clock)
    with store:
        assert message is None
        assert len(list_backups(paths[1])) == 2
        assert len(store.entries()) == 8


def test_a_file_that_is_not_a_database_is_replaced_by_the_newest_backup(paths, clock):
    at_backup = progress_with_backup(paths, clock)
    db, backups = paths
    overwrite(db, 0, b"this is not SQLite" * 6)
    damaged = db.read_bytes()
    clock.advance(minutes=5)
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert store.entries() == at_backup
        assert store.quick_check() == []
        assert store.schema_version == SCHEMA_VERSION
    aside = db.with_name("progress.sqlite3.corrupt-20250303-141500")
    assert aside.read_bytes() == damaged
    assert "could not be read" in message and "header is damaged" in message
    assert str(aside) in message
    assert "restored from the backup progress-20250303-140600.sqlite3" in message
    assert "answers given after that backup are lost" in message


def test_a_file_failing_its_integrity_check_is_replaced_too(paths, clock):
    at_backup = progress_with_backup(paths, clock)
    db, backups = paths
    page = 4096
    overwrite(db, 3 * page, bytes(range(256)) * (page // 256))
    clock.advance(minutes=5)
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert store.entries() == at_backup
    assert "restored from the backup" in message
    assert len(list(db.parent.glob("progress.sqlite3.corrupt-*"))) == 1


def test_a_damaged_newest_backup_is_skipped_for_an_older_good_one(paths, clock):
    db, backups = paths
    at_first = progress_with_backup(paths, clock)
    clock.advance(minutes=1)
    with Store.open(db, clock=clock) as store:
        newer = store.backup(backups)
    overwrite(newer, 0, b"\0" * 100)
    assert check_file(newer) is not None
    overwrite(db, 0, b"\0" * 100)
    clock.advance(minutes=1)
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert store.entries() == at_first
    assert "progress-20250303-140600.sqlite3" in message


def test_with_no_usable_backup_progress_starts_empty_and_says_so(paths, clock):
    db, backups = paths
    store, _ = open_or_recover(db, backups, clock=clock)
    study(store, clock, 2)
    store.close()
    overwrite(db, 0, b"garbage!" * 20)
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert store.entries() == []
    assert "No usable backup was found" in message and "progress starts empty" in message
    assert list(db.parent.glob("progress.sqlite3.corrupt-*"))


def test_companion_wal_files_are_moved_aside_with_the_database(paths, clock):
    progress_with_backup(paths, clock)
    db, backups = paths
    overwrite(db, 0, b"x" * 100)
    db.with_name("progress.sqlite3-wal").write_bytes(b"stale frames" * 100)
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert store.quick_check() == []
        assert len(store.entries()) == 5
    aside = next(db.parent.glob("progress.sqlite3.corrupt-*-wal"))
    assert aside.read_bytes() == b"stale frames" * 100


def test_a_missing_database_with_backups_beside_it_is_restored(paths, clock):
    at_backup = progress_with_backup(paths, clock)
    db, backups = paths
    db.unlink()
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert store.entries() == at_backup
    assert "was missing" in message and "restored from the backup" in message


def test_leftover_companions_of_a_deleted_database_are_not_replayed(paths, clock):
    db, backups = paths
    with Store.open(db, clock=clock) as store:
        study(store, clock, 2)
        holder = Store.open(db, clock=clock)  # keeps the -wal file from being cleaned up
        wal = db.with_name("progress.sqlite3-wal").read_bytes()
        holder.close()
    db.unlink()
    db.with_name("progress.sqlite3-wal").write_bytes(wal)
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert message is None and store.entries() == [] and store.quick_check() == []
    assert list(db.parent.glob("progress.sqlite3.corrupt-*-wal"))


def test_a_first_start_is_quiet(paths, clock):
    store, message = open_or_recover(*paths, clock=clock)
    with store:
        assert message is None and store.entries() == []


def test_a_newer_database_is_refused_not_recovered(paths, clock):
    progress_with_backup(paths, clock)
    db, backups = paths
    with Store.open(db) as store:
        store._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = db.read_bytes()
    with pytest.raises(StoreError, match="newer omtquiz"):
        open_or_recover(db, backups, clock=clock)
    assert db.read_bytes() == before
    assert not list(db.parent.glob("*.corrupt-*"))


# The command line


@pytest.mark.slow
def test_backup_and_restore_commands(tmp_path, clock):
    data = tmp_path / "data"
    with Store.open(data / "progress.sqlite3", clock=clock) as store:
        study(store, clock, 3)
    made = run_cli("backup", "--data-dir", str(data))
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip())
    assert backup.parent == data / "backups" and check_file(backup) is None
    with Store.open(data / "progress.sqlite3", clock=clock) as store:
        study(store, clock, 2)
        assert len(store.entries()) == 5
    restored = run_cli("restore", str(backup), "--data-dir", str(data))
    assert restored.returncode == 0, restored.stderr
    assert "Progress restored" in restored.stdout and "saved as" in restored.stdout
    with Store.open(data / "progress.sqlite3", clock=clock) as store:
        assert len(store.entries()) == 3
    refused = run_cli("restore", str(tmp_path / "nothing.sqlite3"), "--data-dir", str(data))
    assert refused.returncode == 1 and "cannot restore" in refused.stderr


@pytest.mark.slow
def test_stats_tells_the_student_when_it_recovered(tmp_path, clock):
    data = tmp_path / "data"
    progress_with_backup((data / "progress.sqlite3", data / "backups"), clock)
    overwrite(data / "progress.sqlite3", 0, b"junk" * 30)
    result = run_cli("stats", "--json", "--data-dir", str(data), "--decks", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "restored from the backup" in result.stderr
    assert result.stdout.lstrip().startswith("{")


def test_timestamps_in_backup_names_are_utc(paths, clock):
    db, backups = paths
    clock.set(datetime(2025, 7, 1, 23, 59, 58, tzinfo=timezone(timedelta(hours=-7))))
    with Store.open(db, clock=clock) as store:
        assert store.backup(backups).name == "progress-20250702-065958.sqlite3"
