"""Reading a SQLite write-ahead log (`-wal` file) ourselves, to see damage SQLite hides.

SQLite trusts a WAL only up to its first frame that fails its checksum or carries the wrong
salts, and a WAL whose header fails its checksum counts as empty; on closing, it then deletes
or overwrites the file. That is right after a torn write at a crash, but when junk lands on a
WAL that held committed answers they vanish without a word. This module tells the two apart
before SQLite opens the database: committed frames that still chain correctly *after* the
point where SQLite would stop mean the file was damaged, not torn.

The format (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header (magic
0x377f0682/3, version, page size, checkpoint sequence, two salts, a checksum of the first 24
bytes), then frames of a 24-byte header (page number, database size after a commit or 0, the
two salts, a checksum running over every frame so far) and one page. Checksums are two 32-bit
sums over 32-bit words, little-endian words for magic ...82 and big-endian for ...83.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

WAL_HEADER = 32
FRAME_HEADER = 24
_MAGICS = {0x377F0682: "<", 0x377F0683: ">"}
_PAGE_SIZES = tuple(1 << n for n in range(9, 17))  # 512 ... 65536
_MASK = 0xFFFFFFFF
READ_LIMIT = 256 * 1024 * 1024


@dataclass(frozen=True)
class WalReport:
    """What a WAL holds: `damage` is None for a sound file (a torn tail included)."""

    frames: int  # frames SQLite will use (up to the last valid commit)
    damage: str | None = None


def checksum(data: bytes, order: str, s0: int = 0, s1: int = 0) -> tuple[int, int]:
    """SQLite's WAL checksum of `data` (a multiple of 8 bytes), continuing from (s0, s1)."""
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & _MASK
        s1 = (s1 + words[i + 1] + s0) & _MASK
    return s0, s1


class _Frames:
    """The frames of a WAL image at one page size, read without trusting any of them."""

    def __init__(self, data: bytes, page_size: int, order: str) -> None:
        self.data, self.page_size, self.order = data, page_size, order
        self.size = FRAME_HEADER + page_size
        self.count = max(0, (len(data) - WAL_HEADER) // self.size)

    def header(self, index: int) -> tuple[int, int, int, int, int, int]:
        at = WAL_HEADER + index * self.size
        return struct.unpack(">6I", self.data[at:at + FRAME_HEADER])

    def sums(self, index: int, s0: int, s1: int) -> tuple[int, int]:
        """The running checksum after frame `index`, continuing from (s0, s1)."""
        at = WAL_HEADER + index * self.size
        s0, s1 = checksum(self.data[at:at + 8], self.order, s0, s1)
        return checksum(self.data[at + FRAME_HEADER:at + self.size], self.order, s0, s1)

    def chains_from(self, index: int, salts: tuple[int, int] | None) -> bool:
        """Whether frame `index` verifies against the stored checksum of the frame before it
        (and has `salts`, or the same salts as that frame): proof both were written whole."""
        if index < 1 or index >= self.count:
            return False
        before, this = self.header(index - 1), self.header(index)
        wanted = salts if salts is not None else (before[2], before[3])
        if (this[2], this[3]) != wanted:
            return False
        return self.sums(index, before[4], before[5]) == (this[4], this[5])

    def committed_chain_after(self, start: int, salts: tuple[int, int] | None) -> int | None:
        """The first frame at or after `start` that chains from its predecessor and is followed,
        along the chain, by a commit frame; None when there is none. Linear in the frames."""
        index = max(start, 1)
        while index < self.count:
            if not self.chains_from(index, salts):
                index += 1
                continue
            probe = index
            while probe < self.count and (probe == index or self.chains_from(probe, salts)):
                if self.header(probe)[1]:
                    return index
                probe += 1
            index = probe


def scan(data: bytes) -> WalReport:
    """Read a WAL image: how many frames SQLite will use, and whether committed frames beyond
    those (or behind a damaged header) show the file was damaged."""
    if len(data) < WAL_HEADER:
        return WalReport(0)
    magic, _version, page_size, _seq, salt1, salt2, c0, c1 = struct.unpack(">8I", data[:32])
    order = _MAGICS.get(magic)
    header_ok = (order is not None and page_size in _PAGE_SIZES
                 and checksum(data[:24], order) == (c0, c1))
    if not header_ok:
        return _scan_headless(data)
    frames = _Frames(data, page_size, order)
    s0, s1, used, index = c0, c1, 0, 0
    while index < frames.count:
        page, commit, f_salt1, f_salt2, f0, f1 = frames.header(index)
        if (f_salt1, f_salt2) != (salt1, salt2) or frames.sums(index, s0, s1) != (f0, f1):
            break
        s0, s1 = f0, f1
        index += 1
        if commit:
            used = index
    if index >= frames.count:
        return WalReport(used)
    later = frames.committed_chain_after(index, (salt1, salt2))
    if later is None:
        return WalReport(used)  # a torn tail, or frames of an older generation: nothing lost
    return WalReport(used, f"frame {index + 1} of {frames.count} fails its checksum, and "
                           f"committed frames after it were written whole; SQLite would use "
                           f"only the first {used}")


def _scan_headless(data: bytes) -> WalReport:
    """A header that fails its checks: damage if frames behind it chain and commit."""
    for page_size in _PAGE_SIZES:
        for order in ("<", ">"):
            frames = _Frames(data, page_size, order)
            if frames.count >= 2 and frames.committed_chain_after(1, None) is not None:
                return WalReport(0, f"its header is damaged, so SQLite would ignore all "
                                    f"{frames.count} frames, committed ones among them")
    return WalReport(0)


def scan_file(path: Path, limit: int = READ_LIMIT) -> WalReport | None:
    """`scan` of the file at `path` (its first `limit` bytes: a WAL is normally a few MB); None
    when there is no such file or it cannot be read. Read, not mapped: another process may
    truncate it meanwhile, and a mapping would then crash this one."""
    try:
        with open(path, "rb") as handle:
            return scan(handle.read(limit))
    except OSError:
        return None
