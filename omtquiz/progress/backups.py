"""Backup files of the progress database: writing one safely, and finding them.

A backup is written with SQLite's online backup API into a private partial file, fsynced and
linked to its final name (never over another file), so a crash never leaves a half-written
file that looks like a backup and two processes never write one file; the newest
`keep` are kept (`rotation`). Their names carry the time (`progress-YYYYmmdd-HHMMSS.sqlite3`,
UTC); partial files are private to their writer and cleaned up when stale (`safefiles`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Collection, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from omtquiz.progress.db import StoreError
from omtquiz.progress.rotation import backup_time, newest_first, rotate
from omtquiz.progress.safefiles import partial_file, publish

DEFAULT_KEEP = 10


BACKUP_EVERY = timedelta(minutes=30)


def _names(final: Path) -> Iterator[Path]:
    """`final`, then the names a second later, and so on: unique names still in time order."""
    taken = backup_time(final)
    yield final
    if taken is None:
        return
    for seconds in range(1, 3600):
        yield final.with_name(f"progress-{taken + timedelta(seconds=seconds):%Y%m%d-%H%M%S}"
                              ".sqlite3")


def write_backup(source: sqlite3.Connection, folder: Path, final: Path, keep: int, *,
                 protect: Collection[Path] = (), now: datetime | None = None) -> Path:
    """The copy itself: SQLite's online backup into a private partial file, fsynced, published
    under `final` (or the next free name: another process may have taken it), rotated. Rotation
    never deletes the copy just made nor anything in `protect`. The path written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with partial_file(final) as partial:
            target = sqlite3.connect(str(partial), isolation_level=None)
            try:
                # No rollback journal for a file nobody reads until it is finished: a crash or a
                # full disk leaves no -journal as large as the backup beside it.
                target.execute("PRAGMA journal_mode = OFF")
                source.backup(target)
                # A backup must be one self-contained file, openable read-only and copyable.
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
            written = publish(partial, _names(final))
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"could not write a backup to {folder}: {exc}") from exc
    rotate(folder, keep, protect=[written, *protect], now=now)
    return written


def list_backups(backup_dir: str | os.PathLike[str], now: datetime | None = None) -> list[Path]:
    """Backups in `backup_dir`, newest first (see `rotation`: those named in the future last)."""
    return newest_first(Path(backup_dir), now)
