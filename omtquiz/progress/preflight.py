"""Looking at the progress files before SQLite opens them, because SQLite destroys evidence.

Opening a database whose file is empty, SQLite deletes the `-wal` beside it and starts a new
empty database; opening one whose WAL is damaged, it uses the part before the damage and, on
closing, checkpoints and deletes the WAL. Either way answers vanish without a word. So before
the store opens anything:

- an empty or headerless database file is damage (omtquiz creates its file whole, see
  `safefiles.create_database`, so it never leaves an empty one): the caller sets it and its
  companions aside untouched and restores the newest good backup;
- a WAL that `wal.scan` finds damaged is copied aside first, and the student told; any other
  WAL is copied too while SQLite opens the file (`wal_snapshot`), so that if the database
  turns out damaged the WAL as it was goes aside with it;
- partial files that a killed process or a full disk left behind are removed, only ours and
  only those no living process is writing (`safefiles.clean_stale`).
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from omtquiz.progress.db import fsync_dir, fsync_file
from omtquiz.progress.rotation import BACKUP_RE
from omtquiz.progress.safefiles import clean_stale, partial_file
from omtquiz.progress.wal import scan_file

log = logging.getLogger(__name__)

_SQLITE_MAGIC = b"SQLite format 3\0"


def header_problem(path: Path) -> str | None:
    """Why the database file at `path` cannot be an SQLite database, judged by its first
    bytes; None when it may be (or cannot be read: SQLite then says why, and nothing moves)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except OSError:
        return None
    if not head:
        return f"{path} is empty (0 bytes)"
    if head != _SQLITE_MAGIC:
        return f"{path} is not an SQLite database (its header is damaged)"
    return None


def _free_name(path: Path, label: str, now: datetime) -> Path:
    candidate = path.with_name(f"{path.name}.{label}-{now:%Y%m%d-%H%M%S}")
    while candidate.exists():
        now += timedelta(seconds=1)
        candidate = path.with_name(f"{path.name}.{label}-{now:%Y%m%d-%H%M%S}")
    return candidate


def keep_damaged_wal(database: Path, now: datetime) -> str | None:
    """Copy the database's WAL aside if it is damaged; the message for the student, or None."""
    wal = database.with_name(database.name + "-wal")
    report = scan_file(wal)
    if report is None or report.damage is None:
        return None
    lost = (f"The journal of your progress file ({wal}) is damaged: {report.damage}. Answers "
            f"kept only in the journal past the damage could not be read and may be missing")
    kept = _free_name(wal, "damaged", now)
    try:
        shutil.copy2(wal, kept)
        fsync_file(kept)
        fsync_dir(kept.parent)
    except OSError as exc:
        log.warning("could not keep a copy of the damaged %s: %s", wal, exc)
        return f"{lost}; a copy of the journal could not be kept ({exc})."
    return f"{lost}; the damaged journal was kept as {kept} for anyone who can rescue them."


@contextlib.contextmanager
def wal_snapshot(database: Path) -> Iterator[Path | None]:
    """A private copy of the database's WAL as it was before SQLite opened it (None when there
    is none, or it is empty, or it cannot be copied). SQLite deletes or folds in the WAL of a
    file it then finds damaged; the caller moves this copy beside the damaged file it sets
    aside, and otherwise it is removed when the block ends."""
    wal = database.with_name(database.name + "-wal")
    try:
        if wal.stat().st_size == 0:
            wal = None
    except OSError:
        wal = None
    if wal is None:
        yield None
        return
    with partial_file(wal) as copy:
        try:
            shutil.copyfile(wal, copy)
        except OSError as exc:
            log.warning("could not copy %s before opening it: %s", wal, exc)
            yield None
            return
        yield copy


def clean_leftovers(database: Path, backup_dir: Path) -> list[Path]:
    """Remove stale partial files of ours beside the database and among the backups."""
    removed = clean_stale(database.parent, rf"{re.escape(database.name)}(?:\.restore|-wal)?")
    removed += clean_stale(backup_dir, BACKUP_RE.pattern.removesuffix(r"\Z"))
    for path in removed:
        log.info("removed %s, left behind by an interrupted write", path)
    return removed

