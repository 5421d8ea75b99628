"""The progress database: every answer a student gives, kept safe in SQLite.

Students trust this file with months of work, so: each write is its own transaction, committed
(WAL, synchronous=FULL) before the method returns, which survives a killed process and a power
cut; the schema moves forward by numbered migrations, each in one transaction, and a database
written by a newer omtquiz is refused rather than altered; rotating backups are taken with
SQLite's backup API, and a corrupt file is moved aside and replaced by the newest good backup,
with a message saying so. This is the only module that speaks SQL.

Progress hangs on (deck id, card id, ord). Rows of cards no longer in any deck stay; readers
join with the cards currently loaded, so a removed card vanishes from view and comes back with
its history if it is re-added.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from omtquiz.clock import Clock, SystemClock, as_utc
from omtquiz.decks.model import Item
from omtquiz.scheduling import CardState, Rating, SchedulerSettings, Settings, State

log = logging.getLogger(__name__)

MODES = ("review", "mcq", "typed", "exam")
DEFAULT_KEEP = 10
BACKUP_EVERY = timedelta(minutes=30)
BUSY_TIMEOUT_S = 5.0
_BACKUP_RE = re.compile(r"progress-\d{8}-\d{6}\.sqlite3\Z")
_SETTING_NAMES = frozenset(f.name for f in fields(SchedulerSettings))

_V1 = """
CREATE TABLE card_state (
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
    step INTEGER,
    stability REAL,
    difficulty REAL,
    due TEXT,
    last_review TEXT,
    reps INTEGER NOT NULL DEFAULT 0,
    lapses INTEGER NOT NULL DEFAULT 0,
    suspended INTEGER NOT NULL DEFAULT 0,
    buried_until TEXT,
    flag INTEGER NOT NULL DEFAULT 0 CHECK (flag BETWEEN 0 AND 7),
    leech INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT,
    PRIMARY KEY (deck_id, card_id, ord)
);
CREATE TABLE review_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    reviewed_at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    duration_ms INTEGER,
    mode TEXT NOT NULL CHECK (mode IN ('review', 'mcq', 'typed', 'exam')),
    rescheduled INTEGER NOT NULL,
    state_before INTEGER NOT NULL,
    state_after INTEGER NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    FOREIGN KEY (deck_id, card_id, ord) REFERENCES card_state (deck_id, card_id, ord)
);
CREATE INDEX review_log_item ON review_log (deck_id, card_id, ord);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

_V2 = """
CREATE INDEX review_log_time ON review_log (reviewed_at);
CREATE TABLE exam (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    scope TEXT NOT NULL,
    total INTEGER NOT NULL CHECK (total >= 0),
    correct INTEGER NOT NULL CHECK (correct BETWEEN 0 AND total),
    time_limit INTEGER,
    detail TEXT NOT NULL
);
"""

# Append only: a released migration is never edited, or databases that ran it would differ.
MIGRATIONS: tuple[str, ...] = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """A problem with the progress database, worded for the student who will read it."""


class CorruptDatabase(StoreError):
    """The file is not a readable SQLite database, or fails its integrity check."""


def time_key(moment: datetime) -> str:
    """A time as the store writes it: UTC text of one fixed width, so text order is time order
    (in SQL and in Python), and queues can compare times without parsing them."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _ts(moment: datetime | None) -> str | None:
    return None if moment is None else time_key(moment)


def _dt(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    # What the store writes parses as UTC already: no conversion for each of records()' times.
    return moment if moment.tzinfo is timezone.utc else as_utc(moment)


@dataclass(frozen=True)
class ItemRecord:
    """Everything the store knows about one item; an item never answered has the defaults."""

    item: Item
    card: CardState = field(default_factory=CardState)
    suspended: bool = False
    buried_until: datetime | None = None
    flag: int = 0
    leech: bool = False
    first_seen: datetime | None = None

    def is_buried(self, now: datetime) -> bool:
        return self.buried_until is not None and self.buried_until > now

    def to_dict(self) -> dict[str, Any]:
        return {
            "card": self.card.to_dict(),
            "suspended": self.suspended,
            "buried_until": _ts(self.buried_until),
            "flag": self.flag,
            "leech": self.leech,
            "first_seen": _ts(self.first_seen),
        }

    @classmethod
    def from_dict(cls, item: Item, data: Mapping[str, Any]) -> ItemRecord:
        return cls(
            item=item,
            card=CardState.from_dict(data["card"]),
            suspended=bool(data.get("suspended", False)),
            buried_until=_dt(data.get("buried_until")),
            flag=int(data.get("flag", 0)),
            leech=bool(data.get("leech", False)),
            first_seen=_dt(data.get("first_seen")),
        )


@dataclass(frozen=True)
class LogEntry:
    """One row of the review log: an answer, and the item before and after it."""

    id: int
    item: Item
    reviewed_at: datetime
    rating: Rating
    duration_ms: int | None
    mode: str
    rescheduled: bool
    before: ItemRecord
    after: ItemRecord

    @property
    def became_leech(self) -> bool:
        return self.after.leech and not self.before.leech


@dataclass(frozen=True)
class LogSummary:
    """A review-log row without its snapshots, for counting many rows cheaply."""

    id: int
    item: Item
    reviewed_at: datetime
    rating: Rating
    mode: str
    rescheduled: bool
    state_before: State
    state_after: State


@dataclass(frozen=True)
class ExamRecord:
    started_at: datetime
    finished_at: datetime
    scope: str
    total: int
    correct: int
    time_limit_s: int | None = None
    detail: Any = None
    id: int | None = None

    @property
    def score(self) -> float:
        return self.correct / self.total if self.total else 0.0


# What a study queue reads of one item: (state, due, suspended, buried_until), times as
# `time_key` text. A few columns of plain values load many times faster than ItemRecords.
QueueRow = tuple[int, str | None, int, str | None]
# The key the queue rows are stored under: an Item's (deck_id, card_id, ord).
ItemKey = tuple[str, str, int]


def queue_row(record: ItemRecord) -> QueueRow:
    """The queue's view of a record, exactly as `Store.queue_rows` would read it back."""
    card = record.card
    return (int(card.state), _ts(card.due), int(record.suspended), _ts(record.buried_until))


_CARD_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps",
                 "lapses", "suspended", "buried_until", "flag", "leech", "first_seen")
_ALL_CARD_COLUMNS = ("deck_id", "card_id", "ord", *_CARD_COLUMNS)
_UPSERT = (
    f"INSERT INTO card_state ({', '.join(_ALL_CARD_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _ALL_CARD_COLUMNS)}) "
    "ON CONFLICT (deck_id, card_id, ord) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _CARD_COLUMNS)
)
_LOG_COLUMNS = ("id", "deck_id", "card_id", "ord", "reviewed_at", "rating", "duration_ms",
                "mode", "rescheduled", "state_before", "state_after", "before", "after")


def _record_row(record: ItemRecord) -> tuple[Any, ...]:
    card, item = record.card, record.item
    return (item.deck_id, item.card_id, item.ord, int(card.state), card.step, card.stability,
            card.difficulty, _ts(card.due), _ts(card.last_review), card.reps, card.lapses,
            int(record.suspended), _ts(record.buried_until), record.flag, int(record.leech),
            _ts(record.first_seen))


_SELECT_CARDS = f"SELECT {', '.join(_ALL_CARD_COLUMNS)} FROM card_state"
# Indexed by value: a tuple lookup instead of an Enum call for each of many rows.
_STATES = tuple(State)
_RATINGS = (None, *Rating)


def _row_record(row: tuple[Any, ...]) -> ItemRecord:
    """A record from a row of `_SELECT_CARDS` (positional, for speed over many rows)."""
    (deck_id, card_id, ord_, state, step, stability, difficulty, due, last_review, reps, lapses,
     suspended, buried_until, flag, leech, first_seen) = row
    return ItemRecord(
        Item(deck_id, card_id, ord_),
        CardState(_STATES[state], step, stability, difficulty, _dt(due), _dt(last_review), reps,
                  lapses),
        bool(suspended), _dt(buried_until), flag, bool(leech), _dt(first_seen),
    )


def _row_entry(row: sqlite3.Row) -> LogEntry:
    item = Item(row["deck_id"], row["card_id"], row["ord"])
    return LogEntry(
        id=row["id"], item=item, reviewed_at=_dt(row["reviewed_at"]),
        rating=Rating(row["rating"]), duration_ms=row["duration_ms"], mode=row["mode"],
        rescheduled=bool(row["rescheduled"]),
        before=ItemRecord.from_dict(item, json.loads(row["before"])),
        after=ItemRecord.from_dict(item, json.loads(row["after"])),
    )


def _is_corruption(exc: sqlite3.Error) -> bool:
    # SQLITE_CORRUPT and SQLITE_NOTADB surface as the bare DatabaseError class; busy, locked,
    # I/O and permission errors are OperationalError and must never send a good file aside.
    return type(exc) is sqlite3.DatabaseError


def _statements(script: str) -> Iterator[str]:
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()!r}")


def _user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _newer_message(path: Path | str, version: int, known: int) -> str:
    return (f"{path} was written by a newer omtquiz (progress schema {version}; this version "
            f"knows schema {known} at most). Update omtquiz to open it; the file was not changed.")


def migrate(conn: sqlite3.Connection, migrations: tuple[str, ...] = MIGRATIONS,
            path: Path | str = "the progress database") -> int:
    """Bring the schema up to `len(migrations)`, one transaction per step; the version reached.

    The version is read again under the write lock so two processes opening the same new file
    cannot both run a step.
    """
    target = len(migrations)
    version = _user_version(conn)
    if version > target:
        raise StoreError(_newer_message(path, version, target))
    while version < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = _user_version(conn)
            if version > target:
                raise StoreError(_newer_message(path, version, target))
            if version < target:
                for statement in _statements(migrations[version]):
                    conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return version


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT_S, isolation_level=None)
    else:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's quick_check: an empty list when the file is sound, else what it found."""
    rows = [row[0] for row in conn.execute("PRAGMA quick_check")]
    return [] if rows == ["ok"] else rows


def check_file(path: str | os.PathLike[str]) -> str | None:
    """Why `path` cannot serve as a progress database, or None when it can."""
    path = Path(path)
    if not path.is_file():
        return f"{path} is not a file"
    try:
        conn = _connect(path, read_only=True)
        try:
            problems = quick_check(conn)
            if problems:
                return f"{path} is damaged ({problems[0]})"
            version = _user_version(conn)
            if version > SCHEMA_VERSION:
                return _newer_message(path, version, SCHEMA_VERSION)
            if version and not conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'card_state'"
            ).fetchone():
                return f"{path} is an SQLite database but not an omtquiz progress file"
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"{path} cannot be read ({exc})"
    return None


def _write_backup(source: sqlite3.Connection, folder: Path, final: Path, keep: int) -> None:
    """The copy itself: SQLite's online backup into a partial file, fsynced, renamed, rotated."""
    partial = final.with_name(final.name + ".partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(str(partial), isolation_level=None)
        try:
            source.backup(target)
            # A backup must be one self-contained file, openable read-only and copyable.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        _fsync_file(partial)
        os.replace(partial, final)
        _fsync_dir(folder)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"could not write a backup to {folder}: {exc}") from exc
    for old in list_backups(folder)[max(keep, 1):]:
        old.unlink(missing_ok=True)


def list_backups(backup_dir: str | os.PathLike[str]) -> list[Path]:
    """Backups in `backup_dir`, newest first (their names sort by time)."""
    folder = Path(backup_dir)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if _BACKUP_RE.match(p.name)), reverse=True)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Store:
    """One open progress database. Not thread-safe: one Store per thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, clock: Clock,
                 backup_dir: Path | None, keep: int) -> None:
        self._conn = conn
        self.path = path
        self.clock = clock
        self.backup_dir = backup_dir
        self.keep = keep
        self._last_backup = clock.now()
        self._dirty = False
        self._batch_depth = 0
        self._backup_thread: threading.Thread | None = None
        self._writes = 0  # committed writes through this connection, for state_token()
        # The last automatic backup's failure, for the app to show; None when it worked.
        self.backup_error: str | None = None

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, clock: Clock | None = None,
             backup_dir: str | os.PathLike[str] | None = None, keep: int = DEFAULT_KEEP,
             backup_now: bool = True) -> Store:
        """Open (creating if needed) and upgrade the database at `path`.

        With a `backup_dir`, the file is checked (quick_check) and backed up now (unless
        `backup_now` is false, for short read-only commands that would otherwise push older
        backups out of the rotation), and again every 30 minutes of use (`maybe_backup`);
        checking first keeps a damaged file from pushing a good backup out of the rotation.
        Raises `CorruptDatabase` for a damaged file and `StoreError` for one that cannot be
        opened or is newer than this code.
        """
        path = Path(path)
        clock = clock or SystemClock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {path}: {exc}") from exc
        if path.exists() and not path.is_file():
            raise StoreError(f"{path} is not a file")
        try:
            conn = _connect(path)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {exc}") from exc
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn, MIGRATIONS, path)
        except StoreError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            if _is_corruption(exc):
                raise CorruptDatabase(f"{path} is not a readable database ({exc})") from exc
            raise StoreError(f"cannot open {path}: {exc}") from exc
        store = cls(conn, path, clock=clock,
                    backup_dir=Path(backup_dir) if backup_dir is not None else None, keep=keep)
        if store.backup_dir is not None:
            try:
                problems = store.quick_check()
            except StoreError:
                store.close()
                raise
            if problems:
                store.close()
                raise CorruptDatabase(f"{path} failed its integrity check ({problems[0]})")
            if backup_now and store.has_progress():
                store._auto_backup()
        return store

    def close(self) -> None:
        self._join_backup()
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self.path}>"

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            if _is_corruption(exc):
                raise CorruptDatabase(f"{self.path} is damaged ({exc})") from exc
            raise StoreError(f"progress database {self.path}: {exc}") from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, committed (and so durable) when the block ends without error."""
        if self._batch_depth:
            yield self._conn
            return
        with self._errors():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back (disk full, I/O error).
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            finally:
                self._writes += 1  # even a failed write may have changed what readers derived
        self._dirty = True

    @contextmanager
    def batch(self) -> Iterator[Store]:
        """Many writes in one transaction, for imports and benchmarks; durable when it ends.

        Study never uses it: there every answer commits on its own before the next card.
        """
        with self._write():
            self._batch_depth += 1
            try:
                yield self
            finally:
                self._batch_depth -= 1

    @property
    def schema_version(self) -> int:
        with self._errors():
            return _user_version(self._conn)

    def quick_check(self) -> list[str]:
        with self._errors():
            return quick_check(self._conn)

    def has_progress(self) -> bool:
        with self._errors():
            return bool(self._conn.execute(
                "SELECT EXISTS (SELECT 1 FROM card_state) OR EXISTS (SELECT 1 FROM review_log)"
            ).fetchone()[0])

    # Items

    def _tuples(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        """Rows as plain tuples: far cheaper than sqlite3.Row when there are many."""
        with self._errors():
            cursor = self._conn.cursor()
            cursor.row_factory = None
            return cursor.execute(sql, params).fetchall()

    def get(self, item: Item) -> ItemRecord:
        rows = self._tuples(f"{_SELECT_CARDS} WHERE deck_id = ? AND card_id = ? AND ord = ?",
                            (item.deck_id, item.card_id, item.ord))
        return _row_record(rows[0]) if rows else ItemRecord(item)

    def records(self) -> dict[Item, ItemRecord]:
        """Every item with a row, loaded or not; callers keep those they have cards for."""
        return {record.item: record for record in map(_row_record, self._tuples(_SELECT_CARDS))}

    def queue_rows(self, deck_ids: Collection[str] | None = None,
                   ) -> list[tuple[str, str, int, int, str | None, int, str | None]]:
        """(deck_id, card_id, ord, *QueueRow) for every row, or for those of `deck_ids`.

        What a study queue needs and nothing more: building records for 100,000 items costs a
        second, these plain rows a tenth of that.
        """
        sql = ("SELECT deck_id, card_id, ord, state, due, suspended, buried_until "
               "FROM card_state")
        if deck_ids is None:
            return self._tuples(sql)
        return self._tuples(f"{sql} WHERE deck_id IN (SELECT value FROM json_each(?))",
                            (json.dumps(list(deck_ids)),))

    def upcoming(self, after: datetime) -> Iterator[tuple[Item, datetime]]:
        """Unsuspended items that are not new and fall due after `after`, soonest first.

        A generator, so a caller wanting the first one that is still in a deck reads no more.
        """
        cursor = self._conn.cursor()
        cursor.row_factory = None
        try:
            with self._errors():
                cursor.execute(
                    "SELECT deck_id, card_id, ord, due FROM card_state WHERE suspended = 0 "
                    "AND state != 0 AND due > ? ORDER BY due, deck_id, card_id, ord",
                    (_ts(after),))
            while True:
                with self._errors():
                    row = cursor.fetchone()
                if row is None:
                    return
                yield Item(row[0], row[1], row[2]), _dt(row[3])
        finally:
            cursor.close()  # a half-read statement would hold its read snapshot open

    def state_token(self) -> tuple[int, int]:
        """Changes whenever the stored progress may have: after each write through this store,
        and after another connection commits (SQLite's data_version). Readers that keep derived
        state compare tokens to know it still matches the file."""
        with self._errors():
            return self._writes, self._conn.execute("PRAGMA data_version").fetchone()[0]

    def put(self, record: ItemRecord) -> None:
        with self._write() as conn:
            conn.execute(_UPSERT, _record_row(record))

    def record_answer(self, before: ItemRecord, after: ItemRecord, *, rating: Rating,
                      reviewed_at: datetime, duration_ms: int | None, mode: str,
                      rescheduled: bool = True) -> LogEntry:
        """Save the item's new state and its log row together; durable when this returns."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if before.item != after.item:
            raise ValueError("before and after describe different items")
        item = after.item
        rating = Rating(rating)
        with self._write() as conn:
            conn.execute(_UPSERT, _record_row(after))
            cursor = conn.execute(
                f"INSERT INTO review_log ({', '.join(_LOG_COLUMNS[1:])}) "
                f"VALUES ({', '.join('?' for _ in _LOG_COLUMNS[1:])})",
                (item.deck_id, item.card_id, item.ord, _ts(reviewed_at), int(rating),
                 duration_ms, mode, int(rescheduled), int(before.card.state),
                 int(after.card.state), json.dumps(before.to_dict()),
                 json.dumps(after.to_dict())),
            )
            log_id = cursor.lastrowid
        assert log_id is not None
        return LogEntry(id=log_id, item=item, reviewed_at=as_utc(reviewed_at), rating=rating,
                        duration_ms=duration_ms, mode=mode, rescheduled=rescheduled,
                        before=before, after=after)

    # Review log

    def last_entry(self) -> LogEntry | None:
        with self._errors():
            row = self._conn.execute("SELECT * FROM review_log ORDER BY id DESC LIMIT 1").fetchone()
        return _row_entry(row) if row else None

    def entries(self, item: Item | None = None, *, since: datetime | None = None,
                until: datetime | None = None) -> list[LogEntry]:
        """Log rows in the order they were written, optionally for one item or a time span."""
        where, params = self._log_filter(item, since, until)
        with self._errors():
            rows = self._conn.execute(
                f"SELECT * FROM review_log {where} ORDER BY id", params
            ).fetchall()
        return [_row_entry(row) for row in rows]

    def schedule_history(self) -> list[tuple[Item, datetime, int, int | None, datetime | None]]:
        """(item, reviewed_at, rating, duration_ms, due after) for each answer that moved the
        schedule, in the order written: the review log as an export needs it, read without
        decoding every answer's whole before-and-after records."""
        rows = self._tuples(
            "SELECT deck_id, card_id, ord, reviewed_at, rating, duration_ms, "
            "json_extract(after, '$.card.due') FROM review_log WHERE rescheduled = 1 ORDER BY id")
        return [(Item(deck_id, card_id, ord_), _dt(at), rating, duration_ms, _dt(due))
                for deck_id, card_id, ord_, at, rating, duration_ms, due in rows]

    def summaries(self, *, since: datetime | None = None,
                  until: datetime | None = None) -> list[LogSummary]:
        where, params = self._log_filter(None, since, until)
        rows = self._tuples(
            "SELECT id, deck_id, card_id, ord, reviewed_at, rating, mode, rescheduled, "
            f"state_before, state_after FROM review_log {where} ORDER BY id", params)
        return [
            LogSummary(log_id, Item(deck_id, card_id, ord_), _dt(reviewed_at),
                       _RATINGS[rating], mode, bool(rescheduled), _STATES[before],
                       _STATES[after])
            for (log_id, deck_id, card_id, ord_, reviewed_at, rating, mode, rescheduled, before,
                 after) in rows
        ]

    @staticmethod
    def _log_filter(item: Item | None, since: datetime | None,
                    until: datetime | None) -> tuple[str, list[Any]]:
        clauses, params = [], []
        if item is not None:
            clauses.append("deck_id = ? AND card_id = ? AND ord = ?")
            params += [item.deck_id, item.card_id, item.ord]
        if since is not None:
            clauses.append("reviewed_at >= ?")
            params.append(_ts(since))
        if until is not None:
            clauses.append("reviewed_at < ?")
            params.append(_ts(until))
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params

    def undo_last(self) -> LogEntry | None:
        """Take back the newest answer: its log row goes, its item returns to how it was.

        Only what that answer changed is put back, so a flag set since then survives. Returns
        the undone entry, or None when the log is empty.
        """
        with self._write() as conn:
            row = conn.execute("SELECT * FROM review_log ORDER BY id DESC LIMIT 1").fetchone()
            if row is None:
                return None
            entry = _row_entry(row)
            current = self.get(entry.item)
            restored = replace(current, **{
                f.name: getattr(entry.before, f.name)
                for f in fields(ItemRecord)
                if getattr(entry.before, f.name) != getattr(entry.after, f.name)
            })
            conn.execute("DELETE FROM review_log WHERE id = ?", (entry.id,))
            conn.execute(_UPSERT, _record_row(restored))
        return entry

    # Settings

    def get_value(self, key: str, default: Any = None) -> Any:
        with self._errors():
            row = self._conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_value(self, key: str, value: Any) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def settings(self) -> Settings:
        """Global scheduler settings (key `global`) and deck overrides (keys `deck:<id>`).

        A stored value this version cannot use is skipped with a logged warning, so a bad
        setting costs its default, never the ability to study.
        """
        with self._errors():
            rows = self._conn.execute(
                "SELECT key, value FROM settings WHERE key = 'global' OR key LIKE 'deck:%'"
            ).fetchall()
        glob, overrides = SchedulerSettings(), {}
        for key, value in sorted(rows, key=lambda row: row[0] != "global"):
            try:
                data = json.loads(value)
                if key == "global":
                    glob = SchedulerSettings.from_dict(data)
                else:
                    # Checked as `Settings.with_deck` checks, once per deck rather than again
                    # for every deck added after it.
                    known = {k: v for k, v in data.items() if k in _SETTING_NAMES}
                    checked = SchedulerSettings.from_dict(known, base=glob).to_dict()
                    overrides[key.removeprefix("deck:")] = {k: checked[k] for k in known}
            except (ValueError, TypeError, AttributeError) as exc:
                log.warning("ignoring the stored setting %r: %s", key, exc)
        return Settings(glob, overrides)

    def save_settings(self, settings: Settings) -> None:
        data = settings.to_dict()
        with self._write() as conn:
            conn.execute("DELETE FROM settings WHERE key = 'global' OR key LIKE 'deck:%'")
            conn.execute("INSERT INTO settings (key, value) VALUES ('global', ?)",
                         (json.dumps(data["global"]),))
            conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?)",
                [(f"deck:{deck_id}", json.dumps(overrides))
                 for deck_id, overrides in data["decks"].items() if overrides],
            )

    # Exams

    def add_exam(self, exam: ExamRecord) -> int:
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO exam (started_at, finished_at, scope, total, correct, time_limit, "
                "detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (_ts(exam.started_at), _ts(exam.finished_at), exam.scope, exam.total,
                 exam.correct, exam.time_limit_s, json.dumps(exam.detail)),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def exams(self) -> list[ExamRecord]:
        """Every exam taken, oldest first."""
        with self._errors():
            rows = self._conn.execute("SELECT * FROM exam ORDER BY started_at, id").fetchall()
        return [
            ExamRecord(started_at=_dt(r["started_at"]), finished_at=_dt(r["finished_at"]),
                       scope=r["scope"], total=r["total"], correct=r["correct"],
                       time_limit_s=r["time_limit"], detail=json.loads(r["detail"]), id=r["id"])
            for r in rows
        ]

    # Backups

    def backup(self, dest_dir: str | os.PathLike[str] | None = None,
               keep: int | None = None, *, background: bool = False) -> Path:
        """Copy the database to `dest_dir/progress-YYYYmmdd-HHMMSS.sqlite3` (UTC) and rotate.

        The copy is written beside its final name and renamed into place, so a crash never
        leaves a half-written file that looks like a backup. Only the newest `keep` are kept.
        In the background (while studying) a thread makes the copy, so no answer waits for it;
        it returns the name the copy will have.
        """
        folder = Path(dest_dir) if dest_dir is not None else self.backup_dir
        if folder is None:
            raise StoreError("no backup folder was given")
        keep = self.keep if keep is None else keep
        now = self.clock.now()
        final = folder / f"progress-{now:%Y%m%d-%H%M%S}.sqlite3"
        while final.exists():
            # Never overwrite a backup (it may be the file being restored); a second later
            # keeps the names unique and in time order.
            now += timedelta(seconds=1)
            final = folder / f"progress-{now:%Y%m%d-%H%M%S}.sqlite3"
        previous = self._last_backup
        self._last_backup = now
        self._dirty = False
        if background:
            self._join_backup()
            self._backup_thread = threading.Thread(
                target=self._background_backup, args=(folder, final, keep),
                name="omtquiz-backup", daemon=False)
            self._backup_thread.start()
            return final
        try:
            _write_backup(self._conn, folder, final, keep)
        except StoreError:
            self._last_backup, self._dirty = previous, True
            raise
        return final

    def _background_backup(self, folder: Path, final: Path, keep: int) -> None:
        """Copy through a connection of this thread's own: WAL lets it read beside the writer."""
        try:
            source = sqlite3.connect(str(self.path), isolation_level=None)
            try:
                _write_backup(source, folder, final, keep)
            finally:
                source.close()
        except (StoreError, sqlite3.Error) as exc:
            log.warning("%s", exc)
            self.backup_error = str(exc)
            self._dirty = True  # try again at the next chance
        else:
            self.backup_error = None

    def _join_backup(self) -> None:
        if self._backup_thread is not None:
            self._backup_thread.join()
            self._backup_thread = None

    def maybe_backup(self, *, background: bool = False) -> Path | None:
        """Back up if something changed and 30 minutes have passed since the last backup.

        Called after answers; a failure is logged, not raised, because the answer that
        triggered it is already safe in the database.
        """
        if self.backup_dir is None or not self._dirty:
            return None
        if self.clock.now() - self._last_backup < BACKUP_EVERY:
            return None
        return self._auto_backup(background=background)

    def _auto_backup(self, *, background: bool = False) -> Path | None:
        try:
            path = self.backup(background=background)
        except StoreError as exc:
            log.warning("%s", exc)
            self.backup_error = str(exc)
            return None
        self.backup_error = None
        return path

    def restore_from(self, source: str | os.PathLike[str]) -> Path | None:
        """Replace all progress with that of `source`; the current progress is backed up first.

        Returns the safety backup's path (None without a backup folder).
        """
        source = Path(source)
        problem = check_file(source)
        if problem:
            raise StoreError(f"cannot restore: {problem}")
        safety = self.backup() if self.backup_dir is not None and self.has_progress() else None
        try:
            src = _connect(source, read_only=True)
            try:
                src.backup(self._conn)
            finally:
                src.close()
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            migrate(self._conn, MIGRATIONS, self.path)
        except sqlite3.Error as exc:
            raise StoreError(f"could not restore from {source}: {exc}") from exc
        finally:
            self._writes += 1
        self._dirty = True
        return safety

    # Statistics: read-only counts for study.stats. At 100,000 items, building records only
    # to count them takes seconds; SQLite counts in milliseconds and hands back a few values.
    # Each query takes `deck_ids` (None for every deck) and `excluded` (items to leave out), so
    # the counts cover exactly the items of the decks loaded. Times compare as `time_key` text.

    KEY_SEP = "\x1f"  # between card id and ord in the item keys `deck_tallies` returns
    _LIST_SEP = "\x1e"
    _JD_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
    _JD_EPOCH_MS = 210_866_760_000_000  # julianday('1970-01-01') in milliseconds

    @staticmethod
    def _restrict(deck_ids: Collection[str] | None, excluded: Collection[Item],
                  ) -> tuple[str, list[Any]]:
        """An SQL condition on deck_id, card_id and ord for `deck_ids` less `excluded`."""
        clauses, params = ["1"], []
        if deck_ids is not None:
            # Unary plus: a scan beats the primary key index when most rows match.
            clauses.append("+deck_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(deck_ids)))
        if excluded:
            # One text per item, as SQLite searches row values in a list one by one; the deck
            # id's length keeps it unambiguous. SQL's length() counts characters, as len() does.
            clauses.append("length(deck_id) || ':' || deck_id || card_id || char(31) || ord "
                           "NOT IN (SELECT value FROM json_each(?))")
            params.append(json.dumps([f"{len(i.deck_id)}:{i.deck_id}{i.card_id}\x1f{i.ord}"
                                      for i in excluded]))
        return " AND ".join(clauses), params

    @staticmethod
    def _bisect(column: str, bounds: list[str]) -> tuple[str, list[str]]:
        """SQL for how many of the sorted `bounds` are <= `column`, as a binary search."""
        def between(lo: int, hi: int) -> str:
            if lo == hi:
                return str(lo)
            mid = (lo + hi + 1) // 2
            params.append(bounds[mid - 1])
            return f"CASE WHEN {column} < ? THEN {between(lo, mid - 1)} ELSE {between(mid, hi)} END"

        params: list[str] = []
        return between(0, len(bounds)), params

    def deck_tallies(self, now: datetime, day_end: datetime,
                     deck_ids: Collection[str] | None = None, excluded: Collection[Item] = (),
                     ) -> list[tuple[str, int, int, int, int, int, list[str]]]:
        """Per deck with rows: (deck_id, rows, suspended, not new, learning, due before
        `day_end` and neither suspended nor buried at `now`, the rows' item keys). An item key
        is card_id + KEY_SEP + ord."""
        restrict, params = self._restrict(deck_ids, excluded)
        rows = self._tuples(
            "SELECT deck_id, count(*), sum(suspended), sum(state != 0), sum(state IN (1, 3)), "
            "ifnull(sum(state != 0 AND suspended = 0 AND due < ? "
            "AND (buried_until IS NULL OR buried_until <= ?)), 0), "
            f"group_concat(card_id || char(31) || ord, char(30)) FROM card_state WHERE {restrict} "
            "GROUP BY deck_id", [time_key(day_end), time_key(now), *params])
        result = []
        for deck_id, count, suspended, seen, learning, due, joined in rows:
            keys = joined.split(self._LIST_SEP)
            if len(keys) != count:  # a card id holding the separator: read them one by one
                keys = [f"{card_id}{self.KEY_SEP}{ord_}" for card_id, ord_ in self._tuples(
                    f"SELECT card_id, ord FROM card_state WHERE deck_id = ? AND {restrict}",
                    [deck_id, *params])]
            result.append((deck_id, count, suspended, seen, learning, due, keys))
        return result

    def due_counts(self, bounds: list[datetime], deck_ids: Collection[str] | None = None,
                   excluded: Collection[Item] = ()) -> list[int]:
        """Unsuspended items that are not new, counted by how many of the sorted `bounds` their
        due time has reached; those due at the last bound or later are not counted."""
        if not bounds:
            return []
        keys = [time_key(bound) for bound in bounds]
        bucket, bucket_params = self._bisect("due", keys[:-1])
        restrict, params = self._restrict(deck_ids, excluded)
        counts = [0] * len(bounds)
        for index, count in self._tuples(
                f"SELECT {bucket} AS bucket, count(*) FROM card_state WHERE state != 0 "
                f"AND suspended = 0 AND due < ? AND {restrict} GROUP BY bucket",
                [*bucket_params, keys[-1], *params]):
            counts[index] = count
        return counts

    def most_lapsed(self, now: datetime, limit: int, deck_ids: Collection[str] | None = None,
                    excluded: Collection[Item] = ()) -> list[ItemRecord]:
        """Up to `limit` items that are not new: most lapses first, then the highest whole days
        since the last review (at `now`) per day of stability (0 without either), then by item.

        SQLite sorts by days counted from its millisecond times, which can pass the true count
        by one where the span is within milliseconds of whole days, never fall short of it; the
        true ratios are worked out here, and more rows read until none could have been missed.
        """
        now = as_utc(now)
        now_ms = self._JD_EPOCH_MS + (now - self._JD_EPOCH) // timedelta(milliseconds=1)
        restrict, params = self._restrict(deck_ids, excluded)
        sql = (f"SELECT {', '.join(_ALL_CARD_COLUMNS)}, CASE WHEN last_review IS NULL "
               "OR ifnull(stability, 0) = 0 THEN 0.0 ELSE max(0, (? - CAST(round("
               "julianday(last_review) * 86400000) AS INTEGER) + 4) / 86400000) / stability "
               f"END AS bound FROM card_state WHERE state != 0 AND {restrict} "
               "ORDER BY lapses DESC, bound DESC, deck_id, card_id, ord LIMIT ?")

        def strain(record: ItemRecord) -> float:
            card = record.card
            if card.last_review is None or not card.stability:
                return 0.0
            return max(0, (now - card.last_review).days) / card.stability

        limit, extra = max(0, limit), 0
        while True:
            rows = self._tuples(sql, [now_ms, *params, limit + extra])
            scored = [(_row_record(row[:-1]), row[-1]) for row in rows]
            # Each row sorted above its true place may have pushed one out of the list.
            over = sum(strain(record) < bound for record, bound in scored)
            if over <= extra or len(rows) < limit + extra:
                break
            extra = over
        records = [record for record, _ in scored]
        records.sort(key=lambda r: (-r.card.lapses, -strain(r), r.item))
        return records[:limit]

    def stage_cards(self, mature_days: int, deck_ids: Collection[str] | None = None,
                    excluded: Collection[Item] = ()) -> list[tuple[str, list[str], list[str],
                                                                   list[str]]]:
        """Per deck with items that are not new, the card id of each item: learning, in review,
        and in review with an interval of `mature_days` or more (a part of those in review)."""
        restrict, params = self._restrict(deck_ids, excluded)
        # The interval in julianday's milliseconds, within 2 of the true one; the few within 2
        # of the line are compared as text: due against last_review moved on by whole days.
        mature = ("state = 2 AND CASE min(max(CAST(round((julianday(due) - julianday(last_review))"
                  " * 86400000) AS INTEGER) - ?, 0), 4) WHEN 0 THEN 0 WHEN 4 THEN 1 ELSE due >= "
                  "strftime('%Y-%m-%dT%H:%M:%S', substr(last_review, 1, 19), ?) "
                  "|| substr(last_review, 20) END")
        mature_ms = int(mature_days) * 86_400_000
        params = [mature_ms - 2, f"+{int(mature_days)} days", *params]
        rows = self._tuples(
            "SELECT deck_id, sum(state != 2), sum(state = 2), "
            "group_concat(CASE WHEN state != 2 THEN card_id END, char(30)), "
            "group_concat(CASE WHEN state = 2 THEN card_id END, char(30)), "
            f"group_concat(CASE WHEN {mature} THEN card_id END, char(30)) "
            f"FROM card_state WHERE state != 0 AND {restrict} GROUP BY deck_id", params)
        result = []
        for deck_id, learning, review, *lists in rows:
            learning_ids, review_ids, mature_ids = (
                joined.split(self._LIST_SEP) if joined else [] for joined in lists)
            if len(learning_ids) != learning or len(review_ids) != review:
                # A card id holds the separator: read them one by one.
                learning_ids, review_ids, mature_ids = [], [], []
                for card_id, state, is_mature in self._tuples(
                        f"SELECT card_id, state, ifnull({mature}, 0) FROM card_state "
                        f"WHERE deck_id = ? AND state != 0 AND {restrict}",
                        [*params[:2], deck_id, *params[2:]]):
                    (learning_ids if state != 2 else review_ids).append(card_id)
                    if is_mature:
                        mature_ids.append(card_id)
            result.append((deck_id, learning_ids, review_ids, mature_ids))
        return result

    def answer_counts(self, bounds: list[datetime], deck_ids: Collection[str] | None = None,
                      excluded: Collection[Item] = ()) -> list[int]:
        """Log rows from each of the sorted `bounds` up to the next: one count fewer."""
        restrict, params = self._restrict(deck_ids, excluded)
        rows = self._tuples(
            "WITH span(n, lo, hi) AS (SELECT key, value, lead(value) OVER (ORDER BY key) "
            "FROM json_each(?)) SELECT (SELECT count(*) FROM review_log WHERE reviewed_at >= lo "
            f"AND reviewed_at < hi AND {restrict}) FROM span WHERE hi IS NOT NULL ORDER BY n",
            [json.dumps([time_key(bound) for bound in bounds]), *params])
        return [count for (count,) in rows]

    def answer_rows(self, since: datetime, until: datetime,
                    ) -> list[tuple[str, str, int, str, int, int | None, str, int,
                                    str | None, str | None]]:
        """(deck_id, card_id, ord, reviewed_at, rating, duration_ms, mode, state_before,
        due before, last_review before) for each answer in [since, until), in order; the last
        two, as ISO text, only for review-screen answers on cards in review (what true
        retention counts, by the interval they had)."""
        retained = "mode = 'review' AND state_before = 2"
        return self._tuples(
            "SELECT deck_id, card_id, ord, reviewed_at, rating, duration_ms, mode, state_before, "
            f"CASE WHEN {retained} THEN json_extract(before, '$.card.due') END, "
            f"CASE WHEN {retained} THEN json_extract(before, '$.card.last_review') END "
            "FROM review_log WHERE reviewed_at >= ? AND reviewed_at < ? ORDER BY id",
            (time_key(since), time_key(until)))


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            header = handle.read(16)
    except OSError:
        return True  # let SQLite report what is wrong with it
    return header in (b"", b"SQLite format 3\0")


def _move_aside(path: Path, now: datetime) -> Path:
    """Rename the database and its -wal/-shm companions together so they still match."""
    aside = path.with_name(f"{path.name}.corrupt-{now:%Y%m%d-%H%M%S}")
    while aside.exists():
        now += timedelta(seconds=1)
        aside = path.with_name(f"{path.name}.corrupt-{now:%Y%m%d-%H%M%S}")
    for suffix in ("", "-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    return aside


def _install_copy(source: Path, path: Path) -> None:
    partial = path.with_name(path.name + ".partial")
    shutil.copyfile(source, partial)
    _fsync_file(partial)
    os.replace(partial, path)
    _fsync_dir(path.parent)


def _describe_backup(backup: Path) -> str:
    match = re.match(r"progress-(\d{8}-\d{6})", backup.name)
    if not match:
        return backup.name
    taken = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=timezone.utc)
    local = taken.astimezone()
    return f"{backup.name} (taken {local:%Y-%m-%d %H:%M} local time)"


def open_or_recover(path: str | os.PathLike[str], backup_dir: str | os.PathLike[str], *,
                    clock: Clock | None = None, keep: int = DEFAULT_KEEP,
                    backup_now: bool = True) -> tuple[Store, str | None]:
    """Open the database, recovering from the newest good backup if the file is damaged.

    Returns the store and, when anything was recovered or lost, a message for the student.
    Never starts silently empty: a missing file with backups beside it is restored too, and
    when no usable backup exists the message says progress starts over. A database newer than
    this code, or one that is merely locked or unreadable for lack of permission, raises
    `StoreError` and is left untouched.
    """
    path, backup_dir = Path(path), Path(backup_dir)
    clock = clock or SystemClock()
    reason: str | None = None
    if path.exists() and not _looks_like_sqlite(path):
        # Decided before SQLite opens it: on closing, SQLite would delete a -wal file it cannot
        # use, and that file belongs with the damaged database for anyone trying to rescue it.
        reason = f"{path} is not an SQLite database (its header is damaged)"
    elif path.exists():
        try:
            store = Store.open(path, clock=clock, backup_dir=backup_dir, keep=keep,
                               backup_now=backup_now)
        except CorruptDatabase as exc:
            reason = str(exc)
        else:
            return store, None
    elif not list_backups(backup_dir):
        if any(path.with_name(path.name + s).exists() for s in ("-wal", "-shm", "-journal")):
            _move_aside(path, clock.now())  # leftovers of a deleted file, not this one's
        store = Store.open(path, clock=clock, backup_dir=backup_dir, keep=keep,
                           backup_now=backup_now)
        return store, None

    parts = []
    try:
        # Companions go aside in the missing-file case too: SQLite would replay a stale -wal
        # file onto the restored copy.
        aside = _move_aside(path, clock.now())
    except OSError as exc:
        raise StoreError(f"{reason or f'{path} is missing'}, and it could not be moved "
                         f"aside to recover from a backup: {exc}") from exc
    if reason is not None:
        parts.append(f"Your progress file could not be read: {reason}. "
                     f"It was kept as {aside}.")
    else:
        parts.append(f"Your progress file {path} was missing.")
    chosen = None
    for candidate in list_backups(backup_dir):
        if check_file(candidate) is None:
            chosen = candidate
            break
    if chosen is None:
        parts.append(f"No usable backup was found in {backup_dir}, so progress starts empty.")
    else:
        try:
            _install_copy(chosen, path)
        except OSError as exc:
            raise StoreError(f"could not copy the backup {chosen} to {path}: {exc}") from exc
        parts.append(f"Progress was restored from the backup {_describe_backup(chosen)}; "
                     "answers given after that backup are lost.")
    store = Store.open(path, clock=clock, backup_dir=backup_dir, keep=keep,
                       backup_now=backup_now)
    return store, " ".join(parts)
