"""Opening the progress database whatever state it is in: a damaged or missing file is set
aside and the newest good backup restored, with a message that tells the student what happened.

It never starts silently empty, and never touches a file that is only locked, unreadable for
lack of permission, or written by a newer omtquiz.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from omtquiz.clock import Clock, SystemClock
from omtquiz.progress.backups import DEFAULT_KEEP, list_backups
from omtquiz.progress.db import CorruptDatabase, StoreError, check_file, fsync_dir, fsync_file
from omtquiz.progress.store import Store


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
    fsync_file(partial)
    os.replace(partial, path)
    fsync_dir(path.parent)


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
