"""Files the progress store writes beside its database: written under a private name, owned
while they are written, published without ever replacing another file, and cleaned up when a
killed process or a full disk left them behind.

Several processes may share a data folder (the app and `omtquiz backup`, or scripts), so a
file in the making has a name no other process picks (`<final>.<pid>-<random>.partial`) and is
held by its writer: on POSIX with `flock` on the file itself, which the kernel drops when the
writer dies, so a leftover whose lock can be taken is stale; on Windows an open file cannot be
deleted, which says the same. Publishing links the finished file to its final name (`os.link`
fails if that name exists), so two writers can never end up with the same file; where a
filesystem has no hard links it falls back to a rename that refuses to overwrite on Windows.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from omtquiz.progress.db import fsync_dir, fsync_file

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

# What SQLite may leave beside a database file of ours: its rollback journal, WAL and index.
COMPANIONS = ("", "-journal", "-wal", "-shm")


def _token() -> str:
    return f"{os.getpid()}-{os.urandom(4).hex()}"


def _try_lock(fd: int) -> bool:
    if fcntl is None or fd < 0:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def partial_file(final: Path) -> Iterator[Path]:
    """A new, empty, private file beside `final`, held by this process until the block ends;
    it and anything SQLite left beside it are removed when the block ends (a published file
    lives on under its final name)."""
    partial = final.with_name(f"{final.name}.{_token()}.partial")
    fd = os.open(partial, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    if fcntl is None:
        os.close(fd)  # Windows: SQLite's own open handle keeps it from being deleted
        fd = -1
    try:
        _try_lock(fd)
        yield partial
    finally:
        if fd >= 0:
            os.close(fd)
        for suffix in COMPANIONS:
            with contextlib.suppress(OSError):
                partial.with_name(partial.name + suffix).unlink()


def publish(partial: Path, names: Iterator[Path]) -> Path:
    """Give the finished `partial` the first of `names` that does not exist yet; that name.

    Never replaces a file: two processes finishing at once get two names.
    """
    fsync_file(partial)
    for final in names:
        try:
            os.link(partial, final)
        except FileExistsError:
            continue
        except OSError:  # no hard links here (FAT, some network shares)
            if final.exists():
                continue
            try:
                # Refuses an existing name on Windows; POSIX has no such rename, and the check
                # above leaves the narrowest race where links are missing.
                os.rename(partial, final)
            except FileExistsError:
                continue
        fsync_dir(final.parent)
        return final
    raise FileExistsError(f"no free name for {partial}")


def create_database(path: Path, initialise: Callable[[sqlite3.Connection], None]) -> bool:
    """Create the database at `path` whole: built and closed under a private name, then
    published. Never leaves an empty or half-made file at `path`, so an empty file there is
    always damage. False when another process created it first (its file is kept)."""
    with partial_file(path) as partial:
        conn = sqlite3.connect(str(partial), isolation_level=None)
        try:
            initialise(conn)
        finally:
            conn.close()
        try:
            publish(partial, iter([path]))
        except FileExistsError:
            return False
    return True


def _is_stale(path: Path) -> bool:
    """Whether no living process holds `path` (see the module docstring)."""
    if fcntl is None:
        return True  # deleting it fails below while its writer has it open
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return _try_lock(fd)
    finally:
        os.close(fd)


def clean_stale(folder: Path, stem: str) -> list[Path]:
    """Remove partial files (and SQLite's companions of them) that writers killed or stopped
    by a full disk left in `folder`; only names this module makes from `stem` (a regular
    expression), and only those no living process holds. The paths removed."""
    pattern = re.compile(rf"(?:{stem})(?:\.[0-9]+-[0-9a-f]+)?\.partial"
                         r"(?P<companion>-journal|-wal|-shm)?\Z")
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return []
    partials = {}
    for name in names:
        match = pattern.match(name)
        if match:
            base = name[:len(name) - len(match.group("companion") or "")]
            partials.setdefault(base, []).append(folder / name)
    removed = []
    for base, paths in partials.items():
        main = folder / base
        if main.exists() and not _is_stale(main):
            continue
        for path in sorted(paths, key=lambda p: p != main):  # the file itself first
            try:
                path.unlink()
            except OSError:
                continue  # still open on Windows, or not ours to delete
            removed.append(path)
    return removed
