"""SQLite plumbing for the progress database: connecting, migrating, checking a file, and the
errors the student reads.

Nothing here knows what a card is (that is `store`); like qutebrowser's `misc/sql.py`, it is
the generic part: the version read again under the write lock, a newer database refused and
left untouched, corruption told apart from a file that is merely locked.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from omtquiz.progress.migrations import MIGRATIONS

BUSY_TIMEOUT_S = 5.0


class StoreError(Exception):
    """A problem with the progress database, worded for the student who will read it."""


class CorruptDatabase(StoreError):
    """The file is not a readable SQLite database, or fails its integrity check."""


def is_corruption(exc: sqlite3.Error) -> bool:
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


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def newer_message(path: Path | str, version: int, known: int) -> str:
    return (f"{path} was written by a newer omtquiz (progress schema {version}; this version "
            f"knows schema {known} at most). Update omtquiz to open it; the file was not changed.")


def migrate(conn: sqlite3.Connection, migrations: tuple[str, ...] = MIGRATIONS,
            path: Path | str = "the progress database") -> int:
    """Bring the schema up to `len(migrations)`, one transaction per step; the version reached.

    The version is read again under the write lock so two processes opening the same new file
    cannot both run a step.
    """
    target = len(migrations)
    version = user_version(conn)
    if version > target:
        raise StoreError(newer_message(path, version, target))
    while version < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = user_version(conn)
            if version > target:
                raise StoreError(newer_message(path, version, target))
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


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
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


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
