"""A damaged or crowded data folder never loses progress without a word (issue 14, items 7-13).

Every case is built from real SQLite files: a database whose WAL still holds committed answers
is the state a killed process leaves, copied while the writer had it open.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.progress.backups import list_backups
from omtquiz.progress.db import StoreError
from omtquiz.progress.migrations import SCHEMA_VERSION
from omtquiz.progress.recovery import open_or_recover
from omtquiz.progress.store import Store
from omtquiz.progress.vetting import check_file
from omtquiz.scheduling import Rating, Settings
from omtquiz.study.recording import record_quiz_answer
from omtquiz.study.scope import Scope
from omtquiz.study.session import StudySession

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)
SETTINGS = Settings().with_global(fuzz=False, timezone="UTC", new_per_day=1000)
FIXTURES = Path(__file__).parent / "fixtures"
WAL_HEADER, FRAME_HEADER = 32, 24  # SQLite's WAL format, written out so old code can run this


def library(count: int = 40) -> Library:
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
        clock.advance(seconds=20)  # 35 answers stay within one 30-minute backup period


def crashed(paths, clock, *, before_backup: int = 5, after_backup: int = 30) -> list:
    """Answers, a backup, more answers; then the files as a killed process leaves them (the
    later answers only in the WAL). The log as it was at the backup."""
    db, backups = paths
    store, message = open_or_recover(db, backups, clock=clock)
    assert message is None
    study(store, clock, before_backup)
    at_backup = store.entries()
    clock.advance(minutes=1)
    store.backup()
    clock.advance(minutes=1)
    study(store, clock, after_backup)
    assert len(store.entries()) == before_backup + after_backup
    image = {suffix: db.with_name(db.name + suffix).read_bytes() for suffix in ("", "-wal")}
    store.close()
    for suffix, data in image.items():
        db.with_name(db.name + suffix).write_bytes(data)
    db.with_name(db.name + "-shm").unlink(missing_ok=True)
    assert len(image["-wal"]) > WAL_HEADER
    return at_backup


def overwrite(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def frame_offset(index: int, page_size: int = 4096) -> int:
    return WAL_HEADER + index * (FRAME_HEADER + page_size)


# 7. An empty or headerless database file is damage


@pytest.mark.parametrize("with_wal", [False, True], ids=["alone", "with-wal"])
def test_an_empty_database_file_is_damage_not_a_new_database(paths, clock, with_wal):
    at_backup = crashed(paths, clock)
    db, backups = paths
    wal = db.with_name(db.name + "-wal")
    wal_bytes = wal.read_bytes()
    if not with_wal:
        wal.unlink()
    db.write_bytes(b"")
    clock.advance(minutes=5)
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert store.entries() == at_backup
        assert store.quick_check() == []
    assert message is not None
    assert "is empty (0 bytes)" in message and "restored from the backup" in message
    aside = next(db.parent.glob("progress.sqlite3.corrupt-*[0-9]"))
    assert aside.read_bytes() == b"" and str(aside) in message
    kept_wal = aside.with_name(aside.name + "-wal")
    assert kept_wal.exists() == with_wal
    if with_wal:
        assert kept_wal.read_bytes() == wal_bytes  # the evidence, untouched


def test_an_empty_file_with_no_backup_is_kept_and_reported(paths, clock):
    db, backups = paths
    db.write_bytes(b"")
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert store.entries() == [] and store.quick_check() == []
    assert "is empty (0 bytes)" in message and "progress starts empty" in message


@pytest.mark.slow
def test_the_command_line_says_an_empty_database_was_recovered(tmp_path, clock):
    data = tmp_path / "data"
    crashed((data / "progress.sqlite3", data / "backups"), clock)
    (data / "progress.sqlite3").write_bytes(b"")
    result = run_cli("stats", "--json", "--data-dir", str(data), "--decks", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "is empty (0 bytes)" in result.stderr and "restored from the backup" in result.stderr


# 8. A damaged WAL


def test_a_sound_wal_left_by_a_crash_is_used_quietly(paths, clock):
    from omtquiz.progress.wal import scan_file

    crashed(paths, clock)
    db, backups = paths
    assert scan_file(db.with_name(db.name + "-wal")).damage is None
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert message is None and len(store.entries()) == 35
    assert not list(db.parent.glob("*damaged*"))


def test_a_torn_last_frame_is_not_damage(paths, clock):
    """A write cut off by a crash: the answer in flight was never acknowledged."""
    crashed(paths, clock)
    db, backups = paths
    wal = db.with_name(db.name + "-wal")
    os.truncate(wal, wal.stat().st_size - 1000)
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert message is None and len(store.entries()) == 34
    assert not list(db.parent.glob("*damaged*"))


@pytest.mark.parametrize("where", ["header", "middle"])
def test_junk_in_the_wal_is_kept_aside_and_reported(paths, clock, where):
    crashed(paths, clock)
    db, backups = paths
    wal = db.with_name(db.name + "-wal")
    frames = (wal.stat().st_size - WAL_HEADER) // (FRAME_HEADER + 4096)
    offset = 0 if where == "header" else frame_offset(frames // 2) + FRAME_HEADER + 100
    overwrite(wal, offset, b"junk" * 8)
    damaged = wal.read_bytes()
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        kept = len(store.entries())
        assert store.quick_check() == []
    assert kept < 35  # what SQLite could still use; the rest is in the kept copy
    assert message is not None and "journal of your progress file" in message
    assert "damaged" in message and "may be missing" in message
    copy = next(db.parent.glob("progress.sqlite3-wal.damaged-*"))
    assert copy.read_bytes() == damaged and str(copy) in message
    assert not wal.exists() or wal.read_bytes() != damaged  # SQLite did reset it: hence the copy


def test_a_damaged_database_is_set_aside_with_its_wal_as_it_was(paths, clock):
    """SQLite deletes (or folds in) the WAL of a file it finds damaged on opening: the WAL as
    it was before goes aside with the file, holding the answers since the backup."""
    db, backups = paths
    store, _ = open_or_recover(db, backups, clock=clock)
    with store.batch():
        for i in range(100):  # pages that no later answer rewrites
            store.set_value(f"pad{i}", "x" * 3000)
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    study(store, clock, 3)
    at_backup = store.entries()
    store.backup()
    study(store, clock, 20)
    image = {suffix: db.with_name(db.name + suffix).read_bytes() for suffix in ("", "-wal")}
    store.close()
    for suffix, data in image.items():
        db.with_name(db.name + suffix).write_bytes(data)
    db.with_name(db.name + "-shm").unlink(missing_ok=True)
    overwrite(db, 40 * 4096, bytes(range(256)) * 16)  # a settings page, not in the WAL
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert store.entries() == at_backup
    assert "could not be read" in message and "restored from the backup" in message
    aside = next(db.parent.glob("progress.sqlite3.corrupt-*[0-9]"))
    assert aside.with_name(aside.name + "-wal").read_bytes() == image["-wal"]
    assert not list(db.parent.glob("*.partial"))


def live_wal(path: Path, rows: int, size: int, rows_after_checkpoint: int = 0) -> bytes:
    """The WAL of a database at `path` as a writer holding it open sees it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE t (x)")
    for _ in range(rows):
        conn.execute("INSERT INTO t VALUES (randomblob(?))", (size,))
    if rows_after_checkpoint:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        for _ in range(rows_after_checkpoint):
            conn.execute("INSERT INTO t VALUES (randomblob(?))", (size,))
    data = path.with_name(path.name + "-wal").read_bytes()
    conn.close()
    return data


def test_wal_scan_of_a_generation_after_a_restart(tmp_path):
    """Frames of an older generation behind the current ones are old, not damage."""
    from omtquiz.progress.wal import scan

    data = live_wal(tmp_path / "w.sqlite3", 40, 500, rows_after_checkpoint=3)
    report = scan(data)
    assert report.damage is None and 0 < report.frames < 10
    assert scan(data[:20]).damage is None and scan(b"").frames == 0


# 9. Restoring the oldest backup


def test_restoring_the_oldest_backup_keeps_it(paths, clock):
    db, backups = paths
    with Store.open(db, clock=clock, backup_dir=backups, keep=3) as store:
        made = []
        for _ in range(3):
            study(store, clock, 1)
            made.append(store.backup())
            clock.advance(minutes=1)
        oldest = made[0]
        assert list_backups(backups)[-1] == oldest
        oldest_bytes = oldest.read_bytes()
        safety = store.restore_from(oldest)
        assert len(store.entries()) == 1
    assert oldest.exists() and oldest.read_bytes() == oldest_bytes
    assert safety.exists() and check_file(safety) is None
    assert not list(db.parent.glob("*.partial")) and not list(backups.glob("*.partial"))


# 10. Restore checks the whole file before touching progress


def unrelated(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('hello')")
    conn.commit()
    conn.close()
    return path


def clashing(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE card_state (deck_id TEXT, whatever BLOB)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    return path


def with_trigger(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "progress-v1.sql").read_text(encoding="utf-8"))
    conn.execute("CREATE TRIGGER wipe AFTER INSERT ON review_log BEGIN "
                 "DELETE FROM card_state; END")
    conn.commit()
    conn.close()
    return path


def damaged_copy(source: Path, path: Path) -> Path:
    shutil.copyfile(source, path)
    overwrite(path, 3 * 4096, bytes(range(256)) * 16)  # a whole page of b-tree nonsense
    return path


@pytest.mark.parametrize("make, reason", [
    (unrelated, "not an omtquiz progress file"),
    (clashing, "card_state table has other columns"),
    (with_trigger, "contains a trigger"),
    (lambda p: p.write_bytes(b"") or p, "is empty"),
])
def test_restore_refuses_a_file_that_is_not_sound_progress_and_changes_nothing(
        paths, clock, tmp_path, make, reason):
    db, backups = paths
    with Store.open(db, clock=clock, backup_dir=backups) as store:
        study(store, clock, 4)
        before = store.entries()
        backups_before = list_backups(backups)
        candidate = make(tmp_path / "candidate.sqlite3")
        with pytest.raises(StoreError, match=reason):
            store.restore_from(candidate)
        assert store.entries() == before
        assert list_backups(backups) == backups_before  # not even a safety backup
    with Store.open(db, clock=clock) as store:
        assert store.entries() == before and store.quick_check() == []
    assert not list(db.parent.glob("*.partial*"))


def test_restore_refuses_a_damaged_backup(paths, clock, tmp_path):
    db, backups = paths
    with Store.open(db, clock=clock, backup_dir=backups) as store:
        study(store, clock, 30)
        good = store.backup()
        before = store.entries()
        bad = damaged_copy(good, tmp_path / "bad.sqlite3")
        assert check_file(bad) is not None
        with pytest.raises(StoreError, match="cannot restore"):
            store.restore_from(bad)
        assert store.entries() == before


def test_restore_refuses_a_newer_schema(paths, clock, tmp_path):
    db, backups = paths
    with Store.open(db, clock=clock, backup_dir=backups) as store:
        study(store, clock, 2)
        newer = store.backup(tmp_path / "elsewhere")
        conn = sqlite3.connect(newer)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.close()
        with pytest.raises(StoreError, match="newer omtquiz"):
            store.restore_from(newer)
        assert len(store.entries()) == 2


def test_restore_of_an_older_schema_brings_it_up_to_date(paths, clock, tmp_path):
    v1 = tmp_path / "v1.sqlite3"
    conn = sqlite3.connect(v1)
    conn.executescript((FIXTURES / "progress-v1.sql").read_text(encoding="utf-8"))
    conn.close()
    v1_bytes = v1.read_bytes()
    db, backups = paths
    with Store.open(db, clock=clock, backup_dir=backups) as store:
        study(store, clock, 2)
        store.restore_from(v1)
        assert store.schema_version == SCHEMA_VERSION and store.entries()
        assert store.exams() == []  # the v2 table exists
    assert v1.read_bytes() == v1_bytes  # the file restored from is never changed


def test_restore_of_a_file_with_another_page_size(paths, clock, tmp_path):
    """SQLite copies into a WAL database only at its own page size: the private copy is
    rebuilt at the live file's page size first."""
    small_pages = tmp_path / "small-pages.sqlite3"
    conn = sqlite3.connect(small_pages)
    conn.execute("PRAGMA page_size = 1024")
    conn.executescript((FIXTURES / "progress-v1.sql").read_text(encoding="utf-8"))
    conn.close()
    db, backups = paths
    with Store.open(db, clock=clock, backup_dir=backups) as store:
        study(store, clock, 2)
        store.restore_from(small_pages)
        assert store.entries() and store.quick_check() == []
        assert store._conn.execute("PRAGMA page_size").fetchone()[0] == 4096


# 11. Backups named in the future


def future_backups(backups: Path, source: Path, count: int) -> list[Path]:
    backups.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        target = backups / f"progress-20990101-{i:06d}.sqlite3"
        shutil.copyfile(source, target)
        made.append(target)
    return made


def test_backups_named_in_the_future_never_push_out_a_new_one(paths, clock, tmp_path):
    db, backups = paths
    with Store.open(db, clock=clock, backup_dir=backups, keep=4) as store:
        study(store, clock, 2)
        seed = store.backup(tmp_path / "seed")
        future = future_backups(backups, seed, 4)
        made = []
        for _ in range(3):
            clock.advance(minutes=1)
            made.append(store.backup())
            assert made[-1].exists()
        assert list_backups(backups, clock.now())[:3] == made[::-1]
        # Keep 4: the three present backups and the newest of those named in the future.
        assert sorted(list_backups(backups, clock.now())) == sorted([*made, future[-1]])
        clock.advance(minutes=1)
        safety = store.restore_from(made[0])
        assert safety.exists() and made[0].exists()


@pytest.mark.slow
def test_the_backup_command_prints_a_path_that_exists(tmp_path, clock):
    data = tmp_path / "data"
    with Store.open(data / "progress.sqlite3", clock=clock) as store:
        study(store, clock, 3)
        seed = store.backup(tmp_path / "seed")
    future_backups(data / "backups", seed, 12)
    result = run_cli("backup", "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    printed = Path(result.stdout.strip())
    assert printed.exists() and check_file(printed) is None
    assert list_backups(data / "backups")[0] == printed


# 12. Several processes on one data folder (the deterministic part; see test_concurrency)


def test_an_answer_applies_to_the_state_another_connection_saved(paths, clock):
    db, _ = paths
    one_card = library(1)
    first = Store.open(db, clock=clock)
    second = Store.open(db, clock=clock)
    try:
        a = StudySession(first, one_card, Scope.all(), clock, SETTINGS)
        b = StudySession(second, one_card, Scope.all(), clock, SETTINGS)
        b.intervals()  # b has read the item now, as a window showing it has
        a.answer(Rating.GOOD, 1000)
        clock.advance(minutes=1)
        entry = b.answer(Rating.GOOD, 1000)
        log = first.entries()
        assert len(log) == 2
        assert log[1].before == log[0].after  # b's answer started from a's, not from stale
        assert entry.before == log[0].after
        assert first.get(log[0].item) == log[1].after
        assert log[1].after.card.reps == 2
    finally:
        first.close()
        second.close()


def test_a_quiz_answer_applies_to_the_state_saved_meanwhile(paths, clock):
    db, _ = paths
    item = Item("d", "c00", 0)
    with Store.open(db, clock=clock) as first, Store.open(db, clock=clock) as second:
        first.save_settings(SETTINGS)
        stale = second.get(item)
        record_quiz_answer(first, item, True, 1000, "mcq", clock, introduce_new=True)
        entry = second.record_answer(stale, stale, rating=Rating.GOOD, reviewed_at=clock.now(),
                                     duration_ms=1, mode="mcq", rescheduled=False,
                                     decide=lambda record: record)
        assert entry.before == entry.after == first.get(item)
        assert first.get(item).card.reps == 1


def test_flagging_does_not_undo_an_answer_saved_meanwhile(paths, clock):
    db, _ = paths
    one_card = library(1)
    with Store.open(db, clock=clock) as first, Store.open(db, clock=clock) as second:
        a = StudySession(first, one_card, Scope.all(), clock, SETTINGS)
        b = StudySession(second, one_card, Scope.all(), clock, SETTINGS)
        item = a.current()
        a.answer(Rating.GOOD, 1000)
        b.flag(item, 3)
        record = first.get(item)
        assert record.flag == 3 and record.card.reps == 1


def test_a_writer_still_at_work_keeps_its_partial_file(paths, clock):
    """Another process's backup in progress under the same name is never deleted under it."""
    db, backups = paths
    backups.mkdir(parents=True)
    with Store.open(db, clock=clock, backup_dir=backups) as store:
        study(store, clock, 1)
        # The name an older omtquiz (or this one's clock twin) writes the same second's copy to.
        other = backups / f"progress-{clock.now():%Y%m%d-%H%M%S}.sqlite3.partial"
        with open(other, "wb") as handle:
            if os.name == "posix":
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # as a living writer holds it
            handle.write(b"half a backup")
            handle.flush()
            made = store.backup()
            assert other.read_bytes() == b"half a backup"
            assert made.exists() and check_file(made) is None
            reopened, _ = open_or_recover(db, backups, clock=clock)
            reopened.close()
            assert other.exists()  # still held: not stale
    reopened, _ = open_or_recover(db, backups, clock=clock)
    reopened.close()
    assert not other.exists()  # its writer is gone: cleaned up


# 13. Leftovers of a killed or failed backup


def test_stale_partial_and_journal_files_are_cleaned_up_on_start(paths, clock):
    db, backups = paths
    crashed(paths, clock)
    leftovers = [
        backups / "progress-20250303-140600.sqlite3.partial",  # an older omtquiz's name
        backups / "progress-20250303-140600.sqlite3.partial-journal",
        backups / "progress-20250303-140700.sqlite3.123-0a1b2c3d.partial",
        backups / "progress-20250303-140700.sqlite3.123-0a1b2c3d.partial-journal",
        db.with_name("progress.sqlite3.partial"),
        db.with_name("progress.sqlite3.restore.77-deadbeef.partial"),
    ]
    for path in leftovers:
        path.write_bytes(b"x" * 1000)
    not_ours = [backups / "notes.partial", db.with_name("thesis.sqlite3.partial"),
                db.with_name("progress.sqlite3-journal")]
    for path in not_ours:
        path.write_bytes(b"mine")
    not_ours[-1].unlink()  # a -journal of the database itself is SQLite's: never ours to touch
    store, message = open_or_recover(db, backups, clock=clock)
    with store:
        assert len(store.entries()) == 35
    assert not any(path.exists() for path in leftovers)
    assert all(path.exists() for path in not_ours[:-1])


@pytest.mark.slow
def test_a_full_disk_during_a_backup_leaves_nothing_behind(tmp_path, clock):
    """The file-size limit makes the disk 'full' for a real child process."""
    pytest.importorskip("resource")
    import subprocess
    import sys
    import textwrap

    db = tmp_path / "progress.sqlite3"
    with Store.open(db, clock=clock) as store, store.batch():
        for i in range(3000):
            record_quiz_answer(store, Item("d", f"c{i:04d}", 0), True, 1000, "mcq", clock)
    assert db.stat().st_size > 2_000_000
    child = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        from omtquiz.progress.store import Store, StoreError
        store = Store.open({str(db)!r})
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))
        try:
            store.backup({str(tmp_path / 'backups')!r})
        except StoreError as exc:
            print("refused:", exc)
        else:
            print("written")
    """)
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                            timeout=120)
    assert "refused: could not write a backup" in result.stdout, result.stdout + result.stderr
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == []


# The WAL reader on anything


@pytest.fixture(scope="module")
def sound_wal(tmp_path_factory):
    return live_wal(tmp_path_factory.mktemp("wal") / "w.sqlite3", 12, 700)


def test_a_sound_wal_cut_anywhere_is_never_damage(sound_wal):
    """A crash can stop a write at any byte: a torn tail is never reported as damage."""
    from omtquiz.progress.wal import scan

    full = scan(sound_wal)
    assert full.damage is None and full.frames > 10
    for end in range(0, len(sound_wal) + 1, 509):
        report = scan(sound_wal[:end])
        assert report.damage is None and report.frames <= full.frames


@given(st.binary(max_size=3000), st.integers(min_value=0, max_value=60_000))
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_wal_reader_survives_any_bytes(sound_wal, junk, offset):
    from omtquiz.progress.wal import scan

    scan(junk)  # random bytes: a report, never an exception
    spliced = sound_wal[:offset] + junk + sound_wal[offset + len(junk):]
    report = scan(spliced)
    assert report.frames >= 0
