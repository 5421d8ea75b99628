"""What an import from anywhere may cost, enforced: bytes unpacked, rows read, time, file names.

`.apkg` packages and CSV files come from strangers, so every quantity an importer reads is
bounded here, and the importers (`anki_import`, `table_import`, `importers`) read only
through these guards:

- a zip member is checked against its size in the zip's headers before a byte is unpacked,
  and counted again while it streams (headers lie); one budget covers everything a package
  unpacks and a smaller one the images together (their headers added up before any is read),
  and a member count and central directory size are checked before the zip is even opened;
- the Anki collection is opened read-only and immutable, `col`, `notes` and `cards` must be
  plain tables (a view can compute any number of rows, or rows of any size, from a few bytes),
  SQLite refuses any value over a size cap, rows are streamed and counted, and a progress
  handler stops a query that runs past a time limit as a last resort;
- CSV fields and rows have caps of their own, reported as errors rather than tracebacks;
- media names are made safe as both Windows and POSIX file names before they are written,
  and never leave the folder they are written to;
- unique ids and names are handed out in linear time, however many inputs share a name.

`docs/security-imports.md` lists the limits for users.
"""

from __future__ import annotations

import contextlib
import csv
import io
import lzma
import os
import re
import shutil
import sqlite3
import struct
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath

MiB = 1024**2

MAX_PACKAGE_MEMBERS = 200_000  # files in one .apkg (Anki's own packages hold media + 2)
MAX_CENTRAL_DIRECTORY_BYTES = 64 * MiB  # the zip's table of contents, read whole on opening
MAX_COLLECTION_BYTES = 512 * MiB  # the Anki collection (SQLite) unpacked
MAX_MEDIA_MAP_BYTES = 16 * MiB  # the package's `media` list (JSON)
MAX_IMAGE_BYTES = 32 * MiB  # one image taken from a package
MAX_IMAGES_BYTES = 256 * MiB  # all images taken from a package (held in memory until written)
MAX_UNPACKED_BYTES = 768 * MiB  # collection + media list + images, per import
MAX_VALUE_BYTES = 16 * MiB  # any one value SQLite reads or builds (note type JSON included)
MAX_NOTES = 200_000  # notes read from one collection
MAX_CARDS = 1_000_000  # rows of `cards` read from one collection
MAX_FIELD_CHARS = 1024 * 1024  # one note (all its fields), or one CSV/TSV cell
MAX_TABLE_LINES = 2_000_000  # lines of a CSV/TSV file
MAX_ROWS = MAX_NOTES  # rows of a CSV/TSV file that become cards
COLLECTION_SECONDS = 120.0  # wall-clock time the collection's queries may take, all together
SCHEMA_SECONDS = 5.0  # reading the collection's schema (Anki's has about a dozen entries)
MAX_SCHEMA_ENTRIES = 1000  # tables, indexes, views and triggers in the collection
MAX_NAME_CHARS = 120  # a media file name written to disk

_ANKI_TABLES = {
    "col": ("models", "decks"),
    "notes": ("id", "guid", "mid", "tags", "flds"),
    "cards": ("nid", "did"),
}


class ImportFailed(Exception):
    """The file cannot be imported at all (not an Anki package, unreadable, over a limit)."""


def _mib(size: int) -> str:
    return f"{size / MiB:,.0f} MiB" if size >= MiB else f"{size:,} bytes"


# -- zip packages ----------------------------------------------------------------------------
def check_zip_directory(path: Path) -> None:
    """Refuse a zip whose table of contents is too large, before `zipfile` reads it whole.

    The counts come from the end-of-central-directory record (zip64 when the plain record says
    so); a file without one is left to `zipfile` to call damaged.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 65_557))
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            return
        entries, directory = struct.unpack("<HI", tail[at + 10:at + 16])
        locator = at - 20
        if (entries == 0xFFFF or directory == 0xFFFFFFFF) and locator >= 0 \
                and tail[locator:locator + 4] == b"PK\x06\x07":
            (record,) = struct.unpack("<Q", tail[locator + 8:locator + 16])
            if record + 56 <= size:
                handle.seek(record)
                head = handle.read(56)
                if head[:4] == b"PK\x06\x06":
                    entries, directory = struct.unpack("<QQ", head[32:48])
    if entries > MAX_PACKAGE_MEMBERS:
        raise ImportFailed(f"{path.name} holds {entries:,} files; more than "
                           f"{MAX_PACKAGE_MEMBERS:,} is refused")
    if directory > MAX_CENTRAL_DIRECTORY_BYTES:
        raise ImportFailed(f"{path.name}'s table of contents is {_mib(directory)}; more than "
                           f"{_mib(MAX_CENTRAL_DIRECTORY_BYTES)} is refused")


class UnpackBudget:
    """The bytes one import may unpack: each member under its own cap, all under one total.

    A member's size is checked from the zip header before anything is read or written, then
    counted again as it streams, since a header can claim less than the member holds.
    """

    def __init__(self, total: int = MAX_UNPACKED_BYTES, what: str = "the package",
                 parent: UnpackBudget | None = None) -> None:
        self.left = total
        self.total = total
        self.what = what
        self.parent = parent

    def _budgets(self) -> list[UnpackBudget]:
        return [self] + (self.parent._budgets() if self.parent else [])

    def _claim(self, info: zipfile.ZipInfo, limit: int) -> None:
        if info.file_size > limit:
            raise ImportFailed(f"'{info.filename}' in the package is {_mib(info.file_size)} "
                               f"unpacked; more than {_mib(limit)} is refused")
        for budget in self._budgets():
            if info.file_size > budget.left:
                raise ImportFailed(f"{budget.what} would unpack to more than "
                                   f"{_mib(budget.total)} (at '{info.filename}'); refused")

    def claim_all(self, archive: zipfile.ZipFile, names: list[str], limit: int) -> None:
        """Refuse members whose header sizes, together, are over budget, before reading any."""
        infos = [archive.getinfo(name) for name in names]
        for info in infos:
            self._claim(info, limit)
        claimed = sum(info.file_size for info in infos)
        for budget in self._budgets():
            if claimed > budget.left:
                raise ImportFailed(f"{budget.what} would unpack to {_mib(claimed)}; more than "
                                   f"{_mib(budget.total)} is refused")

    def _chunks(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                limit: int) -> Iterator[bytes]:
        self._claim(info, limit)
        cap = min(limit, *(budget.left for budget in self._budgets()))
        seen = 0
        try:
            member = archive.open(info)
        except (RuntimeError, NotImplementedError) as exc:  # encrypted; deflate64, AES...
            raise ImportFailed(f"'{info.filename}' in the package cannot be unpacked ({exc}); "
                               "export it from Anki again") from None
        with member:
            while chunk := _read_chunk(member, info.filename):
                seen += len(chunk)
                if seen > cap:
                    raise ImportFailed(f"'{info.filename}' in the package unpacks to more than "
                                       f"its header says ({_mib(info.file_size)}) and more than "
                                       f"{_mib(cap)}; refused")
                yield chunk
        for budget in self._budgets():
            budget.left -= seen

    def read(self, archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
        """A member's bytes, in memory: only for members capped well below the total."""
        return b"".join(self._chunks(archive, archive.getinfo(name), limit))

    def extract(self, archive: zipfile.ZipFile, name: str, target: Path, limit: int) -> None:
        """A member copied to `target` in chunks; checked before the file is created."""
        info = archive.getinfo(name)
        self._claim(info, limit)
        free = shutil.disk_usage(target.parent).free
        if info.file_size > free:
            raise ImportFailed(f"'{name}' unpacks to {_mib(info.file_size)}, more than the "
                               f"{_mib(free)} free in the temporary folder")
        try:
            with target.open("wb") as out:
                for chunk in self._chunks(archive, info, limit):
                    out.write(chunk)
        except ImportFailed:
            target.unlink(missing_ok=True)
            raise


def _read_chunk(member: io.BufferedIOBase, name: str) -> bytes:
    try:
        return member.read(MiB)
    except (lzma.LZMAError, EOFError, zlib.error, OSError) as exc:
        raise ImportFailed(f"'{name}' in the package is damaged ({exc})") from None


# -- the Anki collection ---------------------------------------------------------------------
class Collection:
    """An Anki collection read defensively: plain tables only, capped values, rows and time."""

    def __init__(self, path: Path, seconds: float | None = None) -> None:
        uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
        self.connection = sqlite3.connect(uri, uri=True)
        self.timed_out = False
        self.seconds = COLLECTION_SECONDS if seconds is None else seconds
        try:
            self.connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
            self.connection.execute("PRAGMA trusted_schema = OFF")
            self.connection.execute("PRAGMA cell_size_check = ON")
            self.connection.set_progress_handler(self._too_long, 10_000)
            # SQLite parses the whole schema on the first query: 200,000 views in a 12 MB file
            # take minutes, so the schema gets a short deadline of its own.
            self._limit(min(SCHEMA_SECONDS, self.seconds), "its schema")
            self._check_tables()
            self._limit(self.seconds, "it")
        except BaseException:
            self.connection.close()
            raise

    def _limit(self, seconds: float, what: str) -> None:
        self._deadline = time.monotonic() + seconds
        self._reading = (what, seconds)

    def _too_long(self) -> bool:
        self.timed_out = time.monotonic() > self._deadline
        return self.timed_out

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_tables(self) -> None:
        (entries,) = next(self._query("SELECT count(*) FROM sqlite_master"))
        if entries > MAX_SCHEMA_ENTRIES:
            raise ImportFailed(f"the collection's schema has {entries:,} entries; more than "
                               f"{MAX_SCHEMA_ENTRIES:,} is refused")
        kinds = dict(self._query("SELECT name, type || ' ' || coalesce(sql, '') FROM "
                                 "sqlite_master WHERE name IN ('col', 'notes', 'cards')"))
        for table, columns in _ANKI_TABLES.items():
            kind = kinds.get(table)
            if kind is None:
                raise ImportFailed(f"the collection has no '{table}' table")
            virtual = re.match(r"table\s+create\s+virtual\b", kind, re.I)
            if virtual or not kind.startswith("table "):
                what = "virtual table" if virtual else kind.split()[0]
                raise ImportFailed(f"the collection's '{table}' is a {what}, not a plain table "
                                   "as Anki writes it; refused")
            found = {name: hidden for name, hidden in self._query(
                "SELECT name, hidden FROM pragma_table_xinfo(?)", (table,))}
            missing = [c for c in columns if c not in found]
            if missing:
                raise ImportFailed(f"the collection's '{table}' table has no column "
                                   f"{', '.join(missing)}")
            if any(found[c] for c in columns):
                raise ImportFailed(f"the collection's '{table}' table computes its columns "
                                   "(generated columns); Anki never writes those; refused")

    def _query(self, sql: str, parameters: tuple = ()) -> Iterator[tuple]:
        try:
            yield from self.connection.execute(sql, parameters)
        except sqlite3.OperationalError:
            if self.timed_out:
                what, seconds = self._reading
                raise ImportFailed(f"reading the collection ({what}) took longer than "
                                   f"{seconds:.0f} s; refused") from None
            raise
        except sqlite3.DataError as exc:
            raise ImportFailed(f"the collection holds a value larger than "
                               f"{_mib(MAX_VALUE_BYTES)} ({exc}); refused") from None

    def one(self, sql: str) -> tuple | None:
        return next(self._query(sql), None)

    def rows(self, sql: str, limit: int, what: str) -> Iterator[tuple]:
        """The rows of `sql`, streamed; more than `limit` of them is refused."""
        for count, row in enumerate(self._query(sql), 1):
            if count > limit:
                raise ImportFailed(f"the collection holds more than {limit:,} {what}; refused")
            yield row


# -- CSV and TSV -----------------------------------------------------------------------------
def check_table_text(text: str, name: str) -> None:
    lines = text.count("\n") + 1
    if lines > MAX_TABLE_LINES:
        raise ImportFailed(f"{name} has {lines:,} lines; more than {MAX_TABLE_LINES:,} is refused")


def check_row_count(count: int, name: str) -> None:
    if count > MAX_ROWS:
        raise ImportFailed(f"{name} holds more than {MAX_ROWS:,} rows; split it into smaller "
                           "files")


def check_cell(cell: str, where: str) -> None:
    if len(cell) > MAX_FIELD_CHARS:
        raise ImportFailed(f"{where}: a field is {len(cell):,} characters long; more than "
                           f"{MAX_FIELD_CHARS:,} is refused")


@contextlib.contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def csv_rows(text: str, dialect: type[csv.Dialect] | csv.Dialect,
             name: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of each CSV row; a field over the cap is a clear error."""
    reader = csv.reader(io.StringIO(text), dialect)
    start = 1
    with _csv_field_limit(MAX_FIELD_CHARS + 1):
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise ImportFailed(f"{name}:{start}: a field is longer than "
                                       f"{MAX_FIELD_CHARS:,} characters; refused") from None
                raise ImportFailed(f"{name}:{reader.line_num}: not a readable CSV row "
                                   f"({exc})") from None
            yield start, row
            start = reader.line_num + 1


# -- text shown to the user ------------------------------------------------------------------
def shown(text: object, limit: int = 60) -> str:
    """Text from the file, safe to print in a terminal: control characters (escape sequences
    that could rewrite the screen) written as `\\x1b`, and at most `limit` characters."""
    text = str(text)
    cut = len(text) > limit
    text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text[:limit])
    return text + ("..." if cut else "")


# -- names -----------------------------------------------------------------------------------
class UniqueNames:
    """Names handed out once each: `x`, then `x-2`, `x-3`..., in linear time overall.

    Each base remembers the next number to try, so 40,000 rows with the same term cost 40,000
    steps, not 800 million. `fold` decides which names count as the same (casefold for file
    names, since Windows and macOS folders ignore case).
    """

    def __init__(self, fold: Callable[[str], str] = str) -> None:
        self._fold = fold
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}

    def claim(self, stem: str, suffix: str = "") -> str:
        key = self._fold(stem + suffix)
        n = self._next.get(key, 1)
        candidate = stem + suffix if n == 1 else f"{stem}-{n}{suffix}"
        while self._fold(candidate) in self._taken:
            n += 1
            candidate = f"{stem}-{n}{suffix}"
        self._next[key] = n + 1
        self._taken.add(self._fold(candidate))
        return candidate


_RESERVED = {"con", "prn", "aux", "nul", "conin$", "conout$", "clock$",
             *(f"{kind}{n}" for kind in ("com", "lpt") for n in "0123456789¹²³")}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*\u202a-\u202e\u2066-\u2069]')


def safe_file_name(name: str) -> str:
    """`name` as one plain file name on Windows and on POSIX systems alike.

    No drive (`D:evil.png` is drive-relative on Windows), no separators of either system, no
    control, bidi-override or reserved characters, no `.`/`..`, no device name (`CON.png`,
    `nul.txt`), no trailing dot or space (Windows drops them), no leading dot (hidden), and
    short enough for any file system; the suffix is kept.
    """
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", name))
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix.strip(" ")[:16]
    stem = stem.strip(" .") or "file"
    if stem.split(".", 1)[0].rstrip(" ").casefold() in _RESERVED:
        stem = "_" + stem
    room = MAX_NAME_CHARS - len(suffix) - 1
    stem = stem[:room]
    while len(stem.encode("utf-8")) > 2 * room:  # 255 bytes is the usual limit
        stem = stem[:-1]
    return (stem.rstrip(" .") or "file") + ("." + suffix if suffix else "")


def safe_names(names: list[str]) -> dict[str, str]:
    """Each name mapped to a safe file name, no two alike even where case is ignored."""
    unique = UniqueNames(fold=str.casefold)
    out = {}
    for name in names:
        safe = safe_file_name(name)
        stem, dot, suffix = safe.rpartition(".")
        out[name] = unique.claim(stem, dot + suffix) if dot else unique.claim(safe)
    return out


def file_inside(folder: Path, name: str) -> Path:
    """`folder / name`, after proving that it names a file directly inside `folder`."""
    for flavour in (PurePosixPath, PureWindowsPath):
        pure = flavour(name)
        if pure.name != name or pure.anchor or name in (".", ".."):
            raise ImportFailed(f"'{name}' is not a plain file name; refused")
    target = folder / name
    if target.parent != folder:
        raise ImportFailed(f"'{name}' would be written outside {folder}; refused")
    return target


def write_new_file(target: Path, data: bytes) -> None:
    """Write `data` to `target` without following a symlink planted where it is to go."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_BINARY", 0)
    handle = os.open(target, flags, 0o666)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
