"""The progress store: schema and migrations, durable writes, undo, settings, exams, backups."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Item
from omtquiz.progress.backups import list_backups
from omtquiz.progress.db import StoreError, migrate
from omtquiz.progress.migrations import MIGRATIONS, SCHEMA_VERSION
from omtquiz.progress.store import Store
from omtquiz.progress.types import ExamRecord, ItemRecord
from omtquiz.progress.vetting import check_file
from omtquiz.scheduling import CardState, Rating, SchedulerSettings, Settings, State, review

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)
FIXTURES = Path(__file__).parent / "fixtures"
NO_FUZZ = SchedulerSettings(fuzz=False)
ITEM = Item("cranial", "cv4", 0)


@pytest.fixture
def clock():
    return FixedClock(T0)


def answer(store: Store, item: Item, rating: Rating, when: datetime, mode: str = "review"):
    before = store.get(item)
    card, _ = review(before.card, rating, when, NO_FUZZ)
    after = replace(before, card=card, first_seen=before.first_seen or when)
    return store.record_answer(before, after, rating=rating, reviewed_at=when,
                               duration_ms=5000, mode=mode)


@pytest.fixture
def raw():
    """Plain sqlite3 connections, as another process or tool would open; closed afterwards."""
    opened: list[sqlite3.Connection] = []

    def connect(path: Path) -> sqlite3.Connection:
        opened.append(sqlite3.connect(path, isolation_level=None))
        return opened[-1]

    yield connect
    for conn in opened:
        conn.close()


def schema_of(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return sorted(tuple(row) for row in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
    ))


# Opening and the schema


def test_a_new_database_is_created_at_the_current_version_with_safe_pragmas(store, tmp_path):
    assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    conn = store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    tables = {name for name, _ in schema_of(conn)}
    assert {"card_state", "review_log", "settings", "exam"} <= tables


def test_the_folder_is_created_when_missing(tmp_path, clock):
    with Store.open(tmp_path / "a" / "b" / "progress.sqlite3", clock=clock) as store:
        assert store.path.exists()


def test_a_database_from_a_newer_omtquiz_is_refused_and_left_untouched(tmp_path, clock, raw):
    path = tmp_path / "progress.sqlite3"
    Store.open(path, clock=clock).close()
    raw(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    newer = rf"newer omtquiz .*schema {SCHEMA_VERSION + 1}.*Update omtquiz"
    with pytest.raises(StoreError, match=newer):
        Store.open(path, clock=clock)
    assert path.read_bytes() == before


def test_a_path_that_is_a_folder_is_a_clear_error(tmp_path, clock):
    with pytest.raises(StoreError, match="not a file"):
        Store.open(tmp_path, clock=clock)


# Migrations


def v1_database(path: Path) -> Path:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(FIXTURES.joinpath("progress-v1.sql").read_text(encoding="utf-8"))
    finally:
        conn.close()
    return path


def test_the_v1_fixture_is_exactly_what_the_v1_migration_creates(tmp_path, raw):
    fixture = raw(v1_database(tmp_path / "fixture.sqlite3"))
    fresh = raw(tmp_path / "fresh.sqlite3")
    migrate(fresh, MIGRATIONS[:1])
    assert fixture.execute("PRAGMA user_version").fetchone()[0] == 1
    assert schema_of(fixture) == schema_of(fresh)


def test_a_v1_database_is_upgraded_and_keeps_its_progress(tmp_path, clock, raw):
    path = v1_database(tmp_path / "progress.sqlite3")
    with Store.open(path, clock=clock) as store:
        assert store.schema_version == SCHEMA_VERSION
        cv4 = store.get(ITEM)
        assert cv4.card.state is State.REVIEW and cv4.card.reps == 2
        assert cv4.first_seen == datetime(2025, 1, 6, 9, 30, tzinfo=timezone.utc)
        lumbar = store.get(Item("lumbar", "l1", 0))
        assert lumbar.suspended and lumbar.flag == 3 and lumbar.card.is_new
        entries = store.entries()
        assert [e.rating for e in entries] == [Rating.GOOD, Rating.GOOD, Rating.AGAIN,
                                              Rating.EASY]
        assert entries[1].before.card.state is State.LEARNING
        assert store.settings().for_deck("cranial").new_per_day == 5
        assert store.settings().global_settings.timezone == "UTC"
        assert store.get_value("ui") == {"theme": "dark"}
        exam = ExamRecord(T0, T0 + timedelta(minutes=20), "all", 10, 7)
        assert store.add_exam(exam) == 1
        assert store.undo_last().rating is Rating.EASY
        assert store.get(Item("cranial", "rev", 1)).card.state is State.LEARNING
    fresh = raw(tmp_path / "fresh.sqlite3")
    migrate(fresh)
    assert schema_of(raw(path)) == schema_of(fresh)


def test_a_failing_migration_changes_nothing(tmp_path, raw):
    conn = raw(tmp_path / "progress.sqlite3")
    migrate(conn, MIGRATIONS[:1])
    broken = (MIGRATIONS[0], "CREATE TABLE extra (a);\nCREATE TABLE card_state (b);\n")
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        migrate(conn, broken)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert not conn.in_transaction
    assert "extra" not in {name for name, _ in schema_of(conn)}


def test_migrating_twice_is_harmless(tmp_path, raw):
    path = tmp_path / "progress.sqlite3"
    first, second = raw(path), raw(path)
    assert migrate(first) == SCHEMA_VERSION
    assert migrate(second) == SCHEMA_VERSION


# Items and the review log


def test_an_item_never_answered_reads_as_new(store):
    assert store.get(ITEM) == ItemRecord(ITEM)
    assert store.records() == {}
    assert not store.has_progress()


def test_an_answer_is_committed_before_record_answer_returns(store, raw):
    entry = answer(store, ITEM, Rating.GOOD, T0)
    # Another connection, as another process would, sees it at once.
    other = raw(store.path)
    assert other.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 1
    assert other.execute("SELECT state FROM card_state").fetchone()[0] == int(State.LEARNING)
    assert not store._conn.in_transaction
    assert entry.id == 1 and entry.mode == "review" and entry.rescheduled
    assert store.get(ITEM) == entry.after
    assert store.entries() == [entry]
    assert store.last_entry() == entry


def test_records_and_log_rows_round_trip_exactly(store):
    answer(store, ITEM, Rating.GOOD, T0)
    answer(store, ITEM, Rating.GOOD, T0 + timedelta(minutes=10))
    other = Item("cranial", "rev", 1)
    answer(store, other, Rating.AGAIN, T0 + timedelta(minutes=11), mode="mcq")
    reopened = Store.open(store.path)
    try:
        assert reopened.records() == store.records()
        assert reopened.entries() == store.entries()
        assert [e.item for e in reopened.entries(other)] == [other]
        assert len(reopened.entries(since=T0 + timedelta(minutes=5))) == 2
        assert len(reopened.entries(until=T0 + timedelta(minutes=5))) == 1
        summaries = reopened.summaries()
        assert [(s.item, s.mode, s.state_before, s.state_after) for s in summaries] == [
            (ITEM, "review", State.NEW, State.LEARNING),
            (ITEM, "review", State.LEARNING, State.REVIEW),
            (other, "mcq", State.NEW, State.LEARNING),
        ]
    finally:
        reopened.close()


def test_schedule_history_is_the_log_of_answers_that_moved_the_schedule(store):
    answer(store, ITEM, Rating.GOOD, T0)
    answer(store, ITEM, Rating.AGAIN, T0 + timedelta(minutes=12))
    other = Item("lumbar", "l1", 0)
    answer(store, other, Rating.EASY, T0 + timedelta(minutes=13), mode="mcq")
    record = store.get(ITEM)
    store.record_answer(record, record, rating=Rating.HARD, reviewed_at=T0 + timedelta(hours=1),
                        duration_ms=None, mode="typed", rescheduled=False)
    expected = [(e.item, e.reviewed_at, int(e.rating), e.duration_ms, e.after.card.due)
                for e in store.entries() if e.rescheduled]
    assert len(expected) == 3
    assert store.schedule_history() == expected


def test_bad_modes_and_mismatched_items_are_refused(store):
    with pytest.raises(ValueError, match="mode"):
        answer(store, ITEM, Rating.GOOD, T0, mode="cram")
    with pytest.raises(ValueError, match="different items"):
        store.record_answer(ItemRecord(ITEM), ItemRecord(Item("x", "y")), rating=Rating.GOOD,
                            reviewed_at=T0, duration_ms=None, mode="review")
    assert store.entries() == []


def test_the_log_cannot_point_at_an_item_without_a_row(store):
    with pytest.raises(StoreError, match="FOREIGN KEY"), store._write() as conn:
        conn.execute(
            "INSERT INTO review_log (deck_id, card_id, ord, reviewed_at, rating, mode, "
            "rescheduled, state_before, state_after, before, after) "
            "VALUES ('d', 'c', 0, 'x', 3, 'review', 1, 0, 1, '{}', '{}')")


def test_undo_restores_the_item_exactly_and_removes_the_row(store):
    first = answer(store, ITEM, Rating.GOOD, T0)
    answer(store, ITEM, Rating.GOOD, T0 + timedelta(minutes=10))
    undone = store.undo_last()
    assert undone.rating is Rating.GOOD and undone.before == first.after
    assert store.get(ITEM) == first.after
    assert store.entries() == [first]
    assert store.undo_last() == first
    assert store.get(ITEM) == ItemRecord(ITEM)
    assert store.undo_last() is None


def test_undo_works_after_reopening(store, clock):
    first = answer(store, ITEM, Rating.GOOD, T0)
    answer(store, ITEM, Rating.EASY, T0 + timedelta(minutes=10))
    store.close()
    with Store.open(store.path, clock=clock) as reopened:
        reopened.undo_last()
        assert reopened.get(ITEM) == first.after
        assert reopened.entries() == [first]


def test_undo_puts_back_only_what_the_answer_changed(store):
    answer(store, ITEM, Rating.GOOD, T0)
    before_second = store.get(ITEM)
    answer(store, ITEM, Rating.GOOD, T0 + timedelta(minutes=10))
    store.put(replace(store.get(ITEM), flag=4))
    store.undo_last()
    assert store.get(ITEM) == replace(before_second, flag=4)


def test_put_keeps_every_field(store):
    record = ItemRecord(ITEM, CardState(State.REVIEW, None, 3.5, 5.25, T0, T0 - timedelta(1), 4,
                                        1), suspended=True, buried_until=T0 + timedelta(hours=3),
                        flag=7, leech=True, first_seen=T0 - timedelta(days=30))
    store.put(record)
    assert store.get(ITEM) == record
    store.put(replace(record, flag=0))
    assert store.get(ITEM).flag == 0
    assert len(store.records()) == 1


# Settings and exams


def test_settings_are_stored_globally_and_per_deck(store):
    assert store.settings() == Settings()
    settings = Settings().with_global(desired_retention=0.85, timezone="Asia/Tokyo").with_deck(
        "cranial", new_per_day=5, learning_steps=(timedelta(minutes=2),))
    store.save_settings(settings)
    loaded = store.settings()
    assert loaded.global_settings == settings.global_settings
    assert loaded.for_deck("cranial") == settings.for_deck("cranial")
    keys = {k for (k,) in store._conn.execute("SELECT key FROM settings")}
    assert keys == {"global", "deck:cranial"}
    store.save_settings(settings.without_deck("cranial"))
    assert store.settings().for_deck("cranial").new_per_day == 20


def test_a_bad_stored_setting_costs_its_default_not_the_app(store, caplog):
    store.set_value("global", {"new_per_day": 7, "desired_retention": 5, "from_v9": True})
    store.set_value("deck:a", {"new_per_day": 3, "from_v9": 1})
    store.set_value("deck:b", {"leech_action": "explode"})
    store.set_value("deck:c", [1, 2])
    settings = store.settings()
    assert settings.global_settings == SchedulerSettings()
    assert settings.for_deck("a").new_per_day == 3
    assert settings.for_deck("b") == settings.for_deck("c") == SchedulerSettings()
    assert "ignoring the stored setting 'global'" in caplog.text
    store.set_value("global", {"new_per_day": 7})
    assert store.settings().for_deck("b").new_per_day == 7


def test_other_values_are_json(store):
    assert store.get_value("ui", {"theme": "system"}) == {"theme": "system"}
    store.set_value("ui", {"theme": "dark", "font_pt": 16})
    store.set_value("ui", {"theme": "light"})
    assert store.get_value("ui") == {"theme": "light"}
    assert store.settings() == Settings()


def test_exams_are_kept_with_their_score_and_detail(store):
    detail = {"questions": [{"item": ITEM.key, "correct": True}]}
    first = ExamRecord(T0, T0 + timedelta(minutes=30), "tree:OMT", 40, 31, 1800, detail)
    second = ExamRecord(T0 + timedelta(days=7), T0 + timedelta(days=7, minutes=25), "all", 20, 18)
    ids = [store.add_exam(first), store.add_exam(second)]
    assert store.exams() == [replace(first, id=ids[0]), replace(second, id=ids[1])]
    assert store.exams()[0].score == pytest.approx(31 / 40)
    with pytest.raises(StoreError, match="CHECK"):
        store.add_exam(ExamRecord(T0, T0, "all", 5, 6))


# Backups


def test_backup_writes_a_self_contained_copy_and_rotates(store, clock, tmp_path, raw):
    folder = tmp_path / "backups"
    answer(store, ITEM, Rating.GOOD, T0)
    made = []
    for _ in range(5):
        made.append(store.backup(folder, keep=3))
        clock.advance(minutes=1)
    assert made[0].name == "progress-20250303-140000.sqlite3"
    assert list_backups(folder) == made[:1:-1]
    (folder / "notes.txt").write_text("mine")
    store.backup(folder, keep=1)
    assert len(list_backups(folder)) == 1 and (folder / "notes.txt").exists()
    newest = list_backups(folder)[0]
    assert check_file(newest) is None
    copy = raw(newest)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 1
    assert not list(folder.glob("*.partial"))


def test_backups_on_open_and_every_thirty_minutes_of_use(tmp_path, clock):
    path, folder = tmp_path / "progress.sqlite3", tmp_path / "backups"
    with Store.open(path, clock=clock, backup_dir=folder) as store:
        assert list_backups(folder) == []  # nothing worth keeping yet
        answer(store, ITEM, Rating.GOOD, clock.now())
        clock.advance(minutes=29)
        assert store.maybe_backup() is None
        clock.advance(minutes=1)
        first = store.maybe_backup()
        assert first is not None and list_backups(folder) == [first]
        clock.advance(hours=2)
        assert store.maybe_backup() is None  # nothing changed since
    clock.advance(minutes=1)
    with Store.open(path, clock=clock, backup_dir=folder, keep=2):
        assert len(list_backups(folder)) == 2
    clock.advance(minutes=1)
    with Store.open(path, clock=clock, backup_dir=folder, backup_now=False):
        assert len(list_backups(folder)) == 2


def test_a_background_backup_is_a_complete_copy(tmp_path, clock):
    path, folder = tmp_path / "progress.sqlite3", tmp_path / "backups"
    with Store.open(path, clock=clock, backup_dir=folder) as store:
        answer(store, ITEM, Rating.GOOD, clock.now())
        clock.advance(minutes=30)
        made = store.maybe_backup(background=True)
        answer(store, ITEM, Rating.AGAIN, clock.now())  # the writer goes on meanwhile
    assert list_backups(folder) == [made]  # close() waited for the copy
    copy = sqlite3.connect(made)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] in (1, 2)
    copy.close()
    assert store.backup_error is None


def test_a_failed_automatic_backup_never_fails_the_answer(tmp_path, clock):
    blocker = tmp_path / "backups"
    blocker.write_text("a file where the backup folder should be")
    with Store.open(tmp_path / "progress.sqlite3", clock=clock, backup_dir=blocker) as store:
        answer(store, ITEM, Rating.GOOD, clock.now())
        clock.advance(hours=1)
        assert store.maybe_backup() is None
        assert "could not write a backup" in store.backup_error
        with pytest.raises(StoreError):
            store.backup()


def test_restore_replaces_progress_and_keeps_the_replaced_progress(tmp_path, clock):
    folder = tmp_path / "backups"
    with Store.open(tmp_path / "progress.sqlite3", clock=clock, backup_dir=folder) as store:
        early = answer(store, ITEM, Rating.GOOD, T0)
        snapshot = store.backup()
        clock.advance(minutes=10)
        answer(store, ITEM, Rating.GOOD, clock.now())
        clock.advance(minutes=1)
        safety = store.restore_from(snapshot)
        assert safety is not None and safety != snapshot
        assert store.entries() == [early]
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        answer(store, ITEM, Rating.EASY, clock.now())
        clock.advance(minutes=1)
        store.restore_from(safety)
        assert [e.rating for e in store.entries()] == [Rating.GOOD, Rating.GOOD]


def test_restore_refuses_what_is_not_a_progress_file(store, tmp_path, raw):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="cannot restore"):
        store.restore_from(junk)
    other = tmp_path / "other.sqlite3"
    conn = raw(other)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("CREATE TABLE t (a)")
    with pytest.raises(StoreError, match="not an omtquiz progress file"):
        store.restore_from(other)
    with pytest.raises(StoreError, match="not a file"):
        store.restore_from(tmp_path / "missing.sqlite3")
