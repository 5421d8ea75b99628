"""Which backups are newest, and which rotation may delete.

A backup's name carries the UTC time it was taken (`progress-YYYYmmdd-HHMMSS.sqlite3`), but a
clock can be wrong: one that ran ahead and was then corrected leaves backups named in the
future. Sorting by name alone then ranks those above every new backup, and rotation deleted
each new backup, the safety backup of a restore included, the moment it was made. Here a
backup whose name lies ahead of now (the store's clock) ranks below every backup of the
present: it was made before the clock was put right, so its content is older than theirs.
Ties go by the file's modification time. Rotation keeps the newest `keep` in that order and
never deletes a file it is told to protect: the backup just made, and the one being restored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from datetime import datetime, timedelta, timezone
from pathlib import Path

BACKUP_RE = re.compile(r"progress-(\d{8}-\d{6})\.sqlite3\Z")
# Clocks of two processes, or of a file server, may differ a little: not "the future" yet.
_SLACK = timedelta(minutes=5)


def backup_time(path: Path) -> datetime | None:
    """The UTC time in a backup's name; None for a name that is not a backup's."""
    match = BACKUP_RE.match(path.name)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _rank(path: Path, now: datetime) -> tuple[bool, datetime, int]:
    taken = backup_time(path)
    assert taken is not None
    try:
        mtime_ns = path.stat().st_mtime_ns
    except OSError:
        mtime_ns = 0
    return taken <= now + _SLACK, taken, mtime_ns


def newest_first(folder: Path, now: datetime | None = None) -> list[Path]:
    """The backups in `folder`, newest first: present ones by time, then those named or dated
    in the future (by time too)."""
    now = now or datetime.now(timezone.utc)
    try:
        found = [folder / entry.name for entry in os.scandir(folder)
                 if backup_time(Path(entry.name)) is not None]
    except OSError:
        return []
    ranks = {path: _rank(path, now) for path in found}
    return sorted(found, key=ranks.__getitem__, reverse=True)


def rotate(folder: Path, keep: int, *, protect: Collection[Path] = (),
           now: datetime | None = None) -> list[Path]:
    """Delete all but the newest `keep` backups (at least one), never one in `protect`;
    the paths deleted."""
    protected = {os.path.normcase(os.path.abspath(p)) for p in protect}
    ordered = newest_first(folder, now)
    kept = [p for p in ordered if os.path.normcase(os.path.abspath(p)) in protected]
    removed = []
    for path in ordered:
        if path in kept:
            continue
        if len(kept) < max(keep, 1):
            kept.append(path)
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            continue  # another process rotated it first
        except OSError:
            continue  # open elsewhere (Windows): the next rotation takes it
        removed.append(path)
    return removed
