"""Whether a file may become the student's progress: checked whole before anything is replaced.

A restore or a recovery that accepts the wrong file loses everything at once, so a candidate
must be an SQLite file whose every page passes `PRAGMA integrity_check`, that says it is an
omtquiz progress file of a schema this version knows (`user_version` 1 up to the newest), and
whose tables are exactly the ones that schema's migrations make, column for column. An
unrelated SQLite file (user_version 0, no tables of ours) or one with a clashing `card_state`
table is refused with the reason; so is any view or trigger, which omtquiz never makes and
which would run code of the file's author on every write.

`stage` copies a candidate into a private file first and vets (and migrates) that copy, so
what is installed is exactly what was checked, and the original may be rotated away safely.
"""

from __future__ import annotations

import os
import sqlite3
from functools import cache
from pathlib import Path

from omtquiz.progress.db import connect, migrate, newer_message, user_version
from omtquiz.progress.migrations import MIGRATIONS
from omtquiz.progress.preflight import header_problem

# Tables SQLite makes itself: AUTOINCREMENT's counters and ANALYZE's statistics.
_INTERNAL = ("sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4")

Columns = tuple[tuple[str, str, int, int], ...]  # (name, type, not null, primary key position)


def _tables(conn: sqlite3.Connection) -> dict[str, Columns]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {name: tuple((row[1], row[2].upper(), row[3], row[5]) for row in conn.execute(
        "SELECT * FROM pragma_table_info(?)", (name,)))
        for name in names if name not in _INTERNAL}


@cache
def expected_tables(version: int) -> dict[str, Columns]:
    """The tables (with their columns) that the first `version` migrations make."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(conn, MIGRATIONS[:version])
        return _tables(conn)
    finally:
        conn.close()


def _schema_problem(conn: sqlite3.Connection, path: Path) -> str | None:
    version = user_version(conn)
    if version > len(MIGRATIONS):
        return newer_message(path, version, len(MIGRATIONS))
    if version < 1:
        return (f"{path} is an SQLite database but not an omtquiz progress file "
                f"(it has no progress schema version)")
    foreign = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger') LIMIT 1"
    ).fetchone()
    if foreign:
        return f"{path} contains a {foreign[0]} ({foreign[1]!r}), which omtquiz never makes"
    found, wanted = _tables(conn), expected_tables(version)
    for name, columns in wanted.items():
        if name not in found:
            return f"{path} is not an omtquiz progress file (it has no {name} table)"
        if found[name] != columns:
            return (f"{path} is not an omtquiz progress file (its {name} table has other "
                    f"columns than omtquiz's)")
    return None


def check_file(path: str | os.PathLike[str]) -> str | None:
    """Why `path` cannot serve as a progress database, or None when it can (read-only)."""
    path = Path(path)
    if not path.is_file():
        return f"{path} is not a file"
    problem = header_problem(path)
    if problem:
        return problem
    try:
        conn = connect(path, read_only=True)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
            if problems != ["ok"]:
                return f"{path} is damaged ({problems[0]})"
            return _schema_problem(conn, path)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"{path} cannot be read ({exc})"


def stage(source: Path, staged: Path, page_size: int | None = None) -> str | None:
    """Copy `source` into the new file `staged` (SQLite's backup API, so a -wal beside it
    counts), vet the copy and bring it to the current schema (and `page_size`, which a copy
    into a WAL database must share); why not, or None when `staged` is ready to install."""
    problem = check_file(source)  # refuse early, before copying anything unreadable
    if problem:
        return problem
    try:
        src = connect(source, read_only=True)
        try:
            dest = sqlite3.connect(str(staged), isolation_level=None)
            try:
                dest.execute("PRAGMA journal_mode = OFF")  # a private file: no -journal needed
                src.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        return f"{source} could not be copied ({exc})"
    problem = check_file(staged)  # what is installed is what was checked, whatever changed
    if problem:
        return problem.replace(str(staged), str(source))
    try:
        conn = sqlite3.connect(str(staged), isolation_level=None)
        try:
            migrate(conn, MIGRATIONS, staged)
            if page_size and conn.execute("PRAGMA page_size").fetchone()[0] != page_size:
                conn.execute(f"PRAGMA page_size = {int(page_size)}")
                conn.execute("VACUUM")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"{source} could not be brought to the current schema ({exc})"
    return None
