"""The progress database: every answer a student gives, kept safe in SQLite.

Students trust this file with months of work, so: each write is its own transaction, committed
(WAL, synchronous=FULL) before the method returns, which survives a killed process and a power
cut; the schema moves forward by numbered migrations (`migrations`, run by `db.migrate`), and a
database written by a newer omtquiz is refused rather than altered; rotating backups are taken
with SQLite's backup API (`backups`); a corrupt file is set aside and the newest good backup
restored by `recovery.open_or_recover`. Only the `progress` package speaks SQL; the read-only
statistics queries live in `queries`, mixed into `Store`.

Over 500 lines: one class, the database's whole API to the rest of omtquiz; its plumbing
(`db`), row mapping (`rows`), statistics SQL (`queries`), backup files (`backups`) and
recovery (`recovery`) are already apart.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from omtquiz.clock import Clock, SystemClock, as_utc
from omtquiz.decks.model import Item
from omtquiz.progress.backups import BACKUP_EVERY, DEFAULT_KEEP, write_backup
from omtquiz.progress.db import (
    CorruptDatabase,
    StoreError,
    connect,
    is_corruption,
    migrate,
    quick_check,
    user_version,
)
from omtquiz.progress.merge import ReviewMerging
from omtquiz.progress.migrations import MIGRATIONS
from omtquiz.progress.queries import StatisticsQueries
from omtquiz.progress.queue_sql import QueueQueries
from omtquiz.progress.registry import ItemRegistry, write_item
from omtquiz.progress.rows import (
    LOG_COLUMNS,
    RATINGS,
    SELECT_CARDS,
    STATES,
    row_entry,
    row_record,
)
from omtquiz.progress.safefiles import create_database, partial_file
from omtquiz.progress.types import (
    MODES,
    AnswerMode,
    ExamDate,
    ExamRecord,
    ItemRecord,
    LogEntry,
    LogSummary,
    parse_time,
    time_text,
)
from omtquiz.progress.vetting import stage
from omtquiz.scheduling import Rating, SchedulerSettings, Settings

log = logging.getLogger(__name__)


_SETTING_NAMES = frozenset(f.name for f in fields(SchedulerSettings))

# The settings key of today's extra daily allowances (custom study's "more new cards today"),
# and the key in it of a session over several decks (a parent, a tag, all decks).
LIMIT_EXTENSIONS = "limit_extensions"
EVERY_DECK = "*"


def _counts(value: Any) -> dict[str, int]:
    """A stored {key: count} as it should be; anything else in it is left out."""
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool)}


def _renumbering(held: Collection[int], moves: Mapping[int, int | None]) -> dict[int, int]:
    """`Store.move_items`'s moves of the item numbers `held` (those with rows): each old
    number with rows to its new one, the gone and the displaced to fresh negative numbers."""
    spare = min(min(held, default=0), 0) - 1
    done: dict[int, int] = {}
    for old in sorted(set(held) & set(moves)):
        new = moves[old]
        if new is None:
            new, spare = spare, spare - 1
        if new != old:
            done[old] = new
    for new in list(done.values()):
        if new in held and new not in done:
            done[new], spare = spare, spare - 1  # a row no item brought: set aside
    return done


def _create(path: Path) -> None:
    """A new database, made whole under a private name and then published (`safefiles`)."""
    def initialise(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn, MIGRATIONS, path)

    try:
        create_database(path, initialise)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot create {path}: {exc}") from exc


class Store(StatisticsQueries, ReviewMerging, ItemRegistry, QueueQueries):
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
        if not path.exists():
            _create(path)
        try:
            conn = connect(path)
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
            if is_corruption(exc):
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
            if is_corruption(exc):
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
            return user_version(self._conn)

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
        rows = self._tuples(f"{SELECT_CARDS} WHERE deck_id = ? AND card_id = ? AND ord = ?",
                            (item.deck_id, item.card_id, item.ord))
        return row_record(rows[0]) if rows else ItemRecord(item)

    def records(self) -> dict[Item, ItemRecord]:
        """Every item with a row, loaded or not; callers keep those they have cards for."""
        return {record.item: record for record in map(row_record, self._tuples(SELECT_CARDS))}

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
        """Unsuspended items that are not new and fall due after `after`, soonest first; a
        buried item falls due when it wakes, if that is later than its due time.

        A generator, so a caller wanting the first one that is still in a deck reads no more.
        """
        cursor = self._conn.cursor()
        cursor.row_factory = None
        try:
            with self._errors():
                cursor.execute(
                    "SELECT deck_id, card_id, ord, max(due, ifnull(buried_until, due)) AS wake "
                    "FROM card_state WHERE suspended = 0 AND state != 0 AND wake > ? "
                    "ORDER BY wake, deck_id, card_id, ord", (time_text(after),))
            while True:
                with self._errors():
                    row = cursor.fetchone()
                if row is None:
                    return
                yield Item(row[0], row[1], row[2]), parse_time(row[3])
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
            write_item(conn, record)

    def update(self, item: Item, **changes: Any) -> ItemRecord:
        """Change some fields of an item (flag, suspended, buried_until ...), read and written
        in one transaction so an answer another process saves meanwhile is not undone."""
        with self._write() as conn:
            record = replace(self.get(item), **changes)
            write_item(conn, record)
        return record

    def move_items(self, deck_id: str, card_id: str,
                   moves: Mapping[int, int | None]) -> dict[int, int]:
        """Renumber a card's items, state and review log together, in one transaction: the
        rows of item `old` go to `new` for each {old: new} in `moves` (an occlusion card's
        shapes edited, `decks.shape_edit.item_moves`). The rows of an item gone (new None), and
        any row already at a target that is not itself moving away, are set aside under a
        negative item number of the card that no item ever has: kept, never deleted, counted
        as rows of no loaded item (`unregistered`) as a removed card's are. Returns what was
        moved, {old: new}, every number given as stored, so the inverse undoes it."""
        from omtquiz.progress.registry import SEEN_SQL

        targets = [new for new in moves.values() if new is not None]
        if len(set(targets)) != len(targets) or any(new < 0 for new in targets):
            raise ValueError(f"not a renumbering of items: {dict(moves)}")
        key = (deck_id, card_id)
        with self._write() as conn:
            conn.execute("PRAGMA defer_foreign_keys = ON")  # the log follows its item's row
            held = {row[0] for table in ("card_state", "review_log") for row in conn.execute(
                f"SELECT DISTINCT ord FROM {table} WHERE deck_id = ? AND card_id = ?", key)}
            done = _renumbering(held, moves)
            for step in (
                    {old: -(1 << 40) - n for n, old in enumerate(done)},  # out of the way
                    {-(1 << 40) - n: new for n, new in enumerate(done.values())}):
                for old, new in step.items():
                    for table in ("card_state", "review_log"):
                        conn.execute(f"UPDATE {table} SET ord = ? WHERE deck_id = ? "
                                     "AND card_id = ? AND ord = ?", (new, *key, old))
            if done:  # the registry's marks of this card, as writing its rows keeps them
                conn.execute("DELETE FROM unregistered WHERE deck_id = ? AND card_id = ?", key)
                conn.execute(
                    "INSERT INTO unregistered (deck_id, card_id, ord) SELECT deck_id, card_id, "
                    "ord FROM card_state AS s WHERE deck_id = ? AND card_id = ? AND NOT EXISTS "
                    "(SELECT 1 FROM item AS i WHERE i.deck_id = s.deck_id "
                    "AND i.card_id = s.card_id AND i.ord = s.ord)", key)
                conn.execute(
                    "UPDATE item SET seen = EXISTS (SELECT 1 FROM card_state AS s "
                    "WHERE s.deck_id = item.deck_id AND s.card_id = item.card_id "
                    f"AND s.ord = item.ord AND {SEEN_SQL}) WHERE deck_id = ? AND card_id = ?",
                    key)
        return done

    def record_answer(self, before: ItemRecord, after: ItemRecord, *, rating: Rating,
                      reviewed_at: datetime, duration_ms: int | None, mode: str,
                      rescheduled: bool = True, overridden: bool = False,
                      decide: Callable[[ItemRecord], ItemRecord] | None = None) -> LogEntry:
        """Save the item's new state and its log row together; durable when this returns.

        With `decide` (how the answer turns a record into the next), the item is read again
        inside the write transaction: when another process (or connection) changed it since
        `before` was read, the answer is applied to what is stored now, so no update is lost
        and the log's "before" is the truth. The returned entry holds what was written.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        mode = AnswerMode(mode).value  # plain text in the row and the entry
        if before.item != after.item:
            raise ValueError("before and after describe different items")
        item = after.item
        rating = Rating(rating)
        with self._write() as conn:
            if decide is not None:
                stored = self.get(item)
                if stored != before:
                    before, after = stored, decide(stored)
                    rescheduled = after is not stored
            write_item(conn, after)
            cursor = conn.execute(
                f"INSERT INTO review_log ({', '.join(LOG_COLUMNS[1:])}) "
                f"VALUES ({', '.join('?' for _ in LOG_COLUMNS[1:])})",
                (item.deck_id, item.card_id, item.ord, time_text(reviewed_at), int(rating),
                 duration_ms, mode, int(rescheduled), int(before.card.state),
                 int(after.card.state), json.dumps(before.to_dict()),
                 json.dumps(after.to_dict()), int(overridden)),
            )
            log_id = cursor.lastrowid
        assert log_id is not None
        return LogEntry(id=log_id, item=item, reviewed_at=as_utc(reviewed_at), rating=rating,
                        duration_ms=duration_ms, mode=mode, rescheduled=rescheduled,
                        before=before, after=after, overridden=overridden)

    # Review log

    def last_entry(self) -> LogEntry | None:
        with self._errors():
            row = self._conn.execute("SELECT * FROM review_log ORDER BY id DESC LIMIT 1").fetchone()
        return row_entry(row) if row else None

    def entries(self, item: Item | None = None, *, since: datetime | None = None,
                until: datetime | None = None) -> list[LogEntry]:
        """Log rows in the order they were written, optionally for one item or a time span."""
        where, params = self._log_filter(item, since, until)
        with self._errors():
            rows = self._conn.execute(
                f"SELECT * FROM review_log {where} ORDER BY id", params
            ).fetchall()
        return [row_entry(row) for row in rows]

    def schedule_history(self) -> list[tuple[Item, datetime, int, int | None, datetime | None]]:
        """(item, reviewed_at, rating, duration_ms, due after) for each answer that moved the
        schedule, in the order written: the review log as an export needs it, read without
        decoding every answer's whole before-and-after records."""
        rows = self._tuples(
            "SELECT deck_id, card_id, ord, reviewed_at, rating, duration_ms, "
            "json_extract(after, '$.card.due') FROM review_log WHERE rescheduled = 1 ORDER BY id")
        return [(Item(deck_id, card_id, ord_), parse_time(at), rating, duration_ms, parse_time(due))
                for deck_id, card_id, ord_, at, rating, duration_ms, due in rows]

    def schedule_count(self, deck_id: str | None = None) -> int:
        """How many answers moved the schedule (of one deck's items, or of all)."""
        sql = "SELECT COUNT(*) FROM review_log WHERE rescheduled = 1"
        if deck_id is None:
            return self._tuples(sql)[0][0]
        return self._tuples(f"{sql} AND deck_id = ?", (deck_id,))[0][0]

    def summaries(self, *, since: datetime | None = None,
                  until: datetime | None = None) -> list[LogSummary]:
        where, params = self._log_filter(None, since, until)
        rows = self._tuples(
            "SELECT id, deck_id, card_id, ord, reviewed_at, rating, mode, rescheduled, "
            f"state_before, state_after FROM review_log {where} ORDER BY id", params)
        return [
            LogSummary(log_id, Item(deck_id, card_id, ord_), parse_time(reviewed_at),
                       RATINGS[rating], mode, bool(rescheduled), STATES[before],
                       STATES[after])
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
            params.append(time_text(since))
        if until is not None:
            clauses.append("reviewed_at < ?")
            params.append(time_text(until))
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params

    def undo_last(self) -> LogEntry | None:
        """Take back the newest answer: its log row goes, its item returns to how it was.

        Only what that answer changed is put back, so a flag set since then survives. Returns
        the undone entry, or None when the log is empty.
        """
        with self._write() as conn:
            row = conn.execute("SELECT * FROM review_log ORDER BY id DESC LIMIT 1").fetchone()
            if row is None or row["source_key"] is not None:
                return None  # nothing answered here since reviews were brought home
            entry = row_entry(row)
            current = self.get(entry.item)
            restored = replace(current, **{
                f.name: getattr(entry.before, f.name)
                for f in fields(ItemRecord)
                if getattr(entry.before, f.name) != getattr(entry.after, f.name)
            })
            conn.execute("DELETE FROM review_log WHERE id = ?", (entry.id,))
            write_item(conn, restored)
        return entry

    def items_rated(self, rating: Rating, since: datetime) -> list[Item]:
        """Items given `rating` at or after `since` (custom study's forgotten cards: rated
        Again), each once, most recently rated first."""
        rows = self._tuples(
            "SELECT deck_id, card_id, ord, MAX(reviewed_at) AS last FROM review_log "
            "WHERE rating = ? AND reviewed_at >= ? GROUP BY deck_id, card_id, ord "
            "ORDER BY last DESC, deck_id, card_id, ord", (int(rating), time_text(since)))
        return [Item(deck_id, card_id, ord_) for deck_id, card_id, ord_, _ in rows]

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

    def limit_extensions(self, day: str) -> tuple[dict[str, int], dict[str, int]]:
        """The extra new cards and reviews custom study allowed on study day `day` (its ISO
        date), per deck id and, under EVERY_DECK, for a session over several decks: what "more
        new cards today" stored. Another day's are not today's: empty then."""
        stored = self.get_value(LIMIT_EXTENSIONS)
        if not isinstance(stored, dict) or stored.get("day") != day:
            return {}, {}
        return _counts(stored.get("new")), _counts(stored.get("reviews"))

    def extend_limits(self, day: str, new: Mapping[str, int] | None = None,
                      reviews: Mapping[str, int] | None = None) -> None:
        """Add to study day `day`'s extra allowances (read and written in one transaction); an
        earlier day's are dropped, so an extension lasts the day it was given."""
        with self._write() as conn:
            extra_new, extra_reviews = self.limit_extensions(day)
            for extra, more in ((extra_new, new or {}), (extra_reviews, reviews or {})):
                for key, amount in more.items():
                    extra[key] = max(0, extra.get(key, 0) + int(amount))
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (LIMIT_EXTENSIONS, json.dumps({"day": day, "new": extra_new,
                                               "reviews": extra_reviews})))

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
                (time_text(exam.started_at), time_text(exam.finished_at), exam.scope, exam.total,
                 exam.correct, exam.time_limit_s, json.dumps(exam.detail)),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def exams(self) -> list[ExamRecord]:
        """Every exam taken, oldest first."""
        with self._errors():
            rows = self._conn.execute("SELECT * FROM exam ORDER BY started_at, id").fetchall()
        return [
            ExamRecord(started_at=parse_time(r["started_at"]),
                       finished_at=parse_time(r["finished_at"]), scope=r["scope"],
                       total=r["total"], correct=r["correct"], time_limit_s=r["time_limit"],
                       detail=json.loads(r["detail"]), id=r["id"])
            for r in rows
        ]

    # Exam dates ahead

    def exam_dates(self) -> list[ExamDate]:
        """The exam dates set, soonest first."""
        rows = self._tuples("SELECT id, name, on_date, decks, tags, target FROM exam_date "
                            "ORDER BY on_date, id")
        return [ExamDate(name, date.fromisoformat(on), tuple(json.loads(decks)),
                         tuple(json.loads(tags)), target, id_)
                for id_, name, on, decks, tags, target in rows]

    def save_exam_date(self, exam: ExamDate) -> int:
        """Add the exam date (or replace the one with its id); its id."""
        values = (exam.name, exam.on.isoformat(), json.dumps(list(exam.decks)),
                  json.dumps(list(exam.tags)), exam.target)
        with self._write() as conn:
            if exam.id is None:
                cursor = conn.execute("INSERT INTO exam_date (name, on_date, decks, tags, "
                                      "target) VALUES (?, ?, ?, ?, ?)", values)
                assert cursor.lastrowid is not None
                return cursor.lastrowid
            conn.execute("UPDATE exam_date SET name = ?, on_date = ?, decks = ?, tags = ?, "
                         "target = ? WHERE id = ?", (*values, exam.id))
            return exam.id

    def delete_exam_date(self, exam_id: int) -> bool:
        with self._write() as conn:
            return conn.execute("DELETE FROM exam_date WHERE id = ?", (exam_id,)).rowcount > 0

    # Backups

    def backup(self, dest_dir: str | os.PathLike[str] | None = None,
               keep: int | None = None, *, background: bool = False,
               protect: Collection[Path] = ()) -> Path:
        """Copy the database to `dest_dir/progress-YYYYmmdd-HHMMSS.sqlite3` (UTC) and rotate.

        The copy is written beside its final name and published under it, so a crash never
        leaves a half-written file that looks like a backup; a name another process took
        meanwhile moves the copy a second on. Only the newest `keep` are kept, never the copy
        just made nor a file in `protect`. In the background (while studying) a thread makes
        the copy, so no answer waits for it; it returns the name the copy will most likely have.
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
            return write_backup(self._conn, folder, final, keep, protect=protect,
                                now=self.clock.now())
        except StoreError:
            self._last_backup, self._dirty = previous, True
            raise

    def _background_backup(self, folder: Path, final: Path, keep: int) -> None:
        """Copy through a connection of this thread's own: WAL lets it read beside the writer."""
        try:
            source = sqlite3.connect(str(self.path), isolation_level=None)
            try:
                write_backup(source, folder, final, keep, now=self.clock.now())
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

        `source` is copied into a private file beside the database and that copy checked whole
        (`vetting`) and migrated before anything else happens, so a refused file changes
        nothing and the safety backup's rotation cannot take the file being restored (it is
        protected too). The copy then goes in through SQLite's backup API, one transaction:
        all of it or, after a crash or an error, none of it, with the WAL and its index kept
        right for any other process that has the file open. Returns the safety backup's path
        (None without a backup folder).
        """
        source = Path(source)
        with partial_file(self.path.with_name(self.path.name + ".restore")) as staged:
            with self._errors():
                page_size = self._conn.execute("PRAGMA page_size").fetchone()[0]
            problem = stage(source, staged, page_size)
            if problem:
                raise StoreError(f"cannot restore: {problem}")
            safety = (self.backup(protect=[source])
                      if self.backup_dir is not None and self.has_progress() else None)
            try:
                src = connect(staged, read_only=True)
                try:
                    src.backup(self._conn)
                finally:
                    src.close()
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA foreign_keys = ON")
            except sqlite3.Error as exc:
                raise StoreError(f"could not restore from {source}: {exc}; your progress was "
                                 "not changed") from exc
            finally:
                self._writes += 1
        self._dirty = True
        return safety
