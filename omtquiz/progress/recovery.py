"""Opening the progress database whatever state it is in: a damaged or missing file is set
aside and the newest good backup restored, with a message that tells the student what happened.

It never starts silently empty, and never touches a file that is only locked, unreadable for
lack of permission, or written by a newer omtquiz. What SQLite would destroy unseen (an empty
file's WAL, a damaged WAL, the WAL of a file that then fails its check) is looked at and kept
before SQLite opens anything (`preflight`). Every state and its message: docs/recovery.md.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from omtquiz.clock import Clock, SystemClock
from omtquiz.progress.backups import DEFAULT_KEEP, list_backups
from omtquiz.progress.db import CorruptDatabase, StoreError
from omtquiz.progress.preflight import (
    clean_leftovers,
    header_problem,
    keep_damaged_wal,
    wal_snapshot,
)
from omtquiz.progress.rotation import backup_time
from omtquiz.progress.safefiles import partial_file, publish
from omtquiz.progress.store import Store
from omtquiz.progress.vetting import check_file


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


def _set_aside(path: Path, reason: str | None, now: datetime,
               wal_before: Path | None = None) -> Path:
    """`_move_aside`, and the WAL as it was before SQLite opened the file put beside it (as
    its -wal, or as -wal.before-open when SQLite left one of its own)."""
    try:
        aside = _move_aside(path, now)
        if wal_before is not None:
            wal = aside.with_name(aside.name + "-wal")
            os.replace(wal_before, wal if not wal.exists()
                       else wal.with_name(wal.name + ".before-open"))
    except OSError as exc:
        raise StoreError(f"{reason or f'{path} is missing'}, and it could not be moved "
                         f"aside to recover from a backup: {exc}") from exc
    return aside


def _install_copy(source: Path, path: Path) -> None:
    with partial_file(path) as partial:
        shutil.copyfile(source, partial)
        publish(partial, iter([path]))


def _describe_backup(backup: Path) -> str:
    taken = backup_time(backup)
    if taken is None:
        return backup.name
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
    clean_leftovers(path, backup_dir)
    exists = path.exists()
    # Decided before SQLite opens it: SQLite would take an empty file for a new database and
    # delete its -wal, and that belongs with the damaged file for anyone rescuing it.
    reason = header_problem(path) if exists else None
    notes: list[str] = []
    aside: Path | None = None
    if exists and reason is None:
        wal_note = keep_damaged_wal(path, clock.now())
        notes += [wal_note] if wal_note else []
        with wal_snapshot(path) as snapshot:
            try:
                store = Store.open(path, clock=clock, backup_dir=backup_dir, keep=keep,
                                   backup_now=backup_now)
            except CorruptDatabase as exc:
                reason = str(exc)
                # Set aside here, while the WAL as it was before SQLite opened it still exists.
                aside = _set_aside(path, reason, clock.now(), snapshot)
            else:
                return store, wal_note
    elif not exists and not list_backups(backup_dir, clock.now()):
        if any(path.with_name(path.name + s).exists() for s in ("-wal", "-shm", "-journal")):
            _move_aside(path, clock.now())  # leftovers of a deleted file, not this one's
        store = Store.open(path, clock=clock, backup_dir=backup_dir, keep=keep,
                           backup_now=backup_now)
        return store, None

    parts = notes
    # Companions go aside in the missing-file case too: SQLite would replay a stale -wal file
    # onto the restored copy.
    aside = aside or _set_aside(path, reason, clock.now())
    if reason is not None:
        parts.append(f"Your progress file could not be read: {reason}. "
                     f"It was kept as {aside}.")
    else:
        parts.append(f"Your progress file {path} was missing.")
    chosen = None
    for candidate in list_backups(backup_dir, clock.now()):
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
