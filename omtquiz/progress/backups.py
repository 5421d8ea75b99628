"""Backup files of the progress database: writing one safely, and finding them.

A backup is written with SQLite's online backup API into a partial file, fsynced and renamed
into place, so a crash never leaves a half-written file that looks like a backup; the newest
`keep` are kept. Their names sort by time (`progress-YYYYmmdd-HHMMSS.sqlite3`, UTC).
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

from omtquiz.progress.db import StoreError, fsync_dir, fsync_file

DEFAULT_KEEP = 10


BACKUP_EVERY = timedelta(minutes=30)


_BACKUP_RE = re.compile(r"progress-\d{8}-\d{6}\.sqlite3\Z")


def write_backup(source: sqlite3.Connection, folder: Path, final: Path, keep: int) -> None:
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
        fsync_file(partial)
        os.replace(partial, final)
        fsync_dir(folder)
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
