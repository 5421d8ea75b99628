"""What a deck may make the app open: its own files, and web links a student clicks.

A deck comes from anyone, so nothing it names is opened on its say-so. This module is the one
resolver every reader goes through (the loader's checks, the card views' Qt resource hook, the
Anki export):

- a picture is a relative path to a **regular file** inside the deck's folder or the shared
  `assets/` folder (symlinks resolved first; `assets/...` not found beside the deck names the
  app's own shipped file, see `beside_or_shipped`), at most `MAX_IMAGE_BYTES`; never an
  absolute path, `..` out of those folders, a device (`/dev/zero`), a UNC or `file://host`
  share, a drive letter, or anything with a URL scheme;
- a link is opened only when it is `http:` or `https:` (a `doi:` is rewritten to
  https://doi.org/...); anything else (`file:`, `ms-msdt:`, `javascript:`, a relative path) is
  shown as text and never handed to the operating system.

Files are re-checked each time they are read, not trusted from an earlier look: a picture
swapped for a symlink to `/etc/passwd` after the deck loaded is refused when it is next used.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

MAX_IMAGE_BYTES = 8 * 2**20
MAX_URL_CHARS = 2000
WEB_SCHEMES = ("http", "https")

_ATTR = re.compile(r"""<(img|a)\b[^>]*?\s(src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
                   re.IGNORECASE)
_DRIVE = re.compile(r"[A-Za-z]:")
_DOI = re.compile(r"doi:(10\.\S+)\Z", re.IGNORECASE)


class Refused(Exception):
    """A reference the resolver will not open, with the reason a student or author sees."""


def roots_of(deck_path: str | os.PathLike[str]) -> tuple[Path, ...]:
    """The folders a deck may take pictures from: its own and the shared assets/."""
    from omtquiz.resources import assets_dir

    return (Path(deck_path).resolve().parent, assets_dir().resolve())


def local_path(ref: str, folder: Path, roots: tuple[Path, ...]) -> Path:
    """The file a picture reference written in a deck names, or Refused saying why.

    `ref` is the text of a `src` (HTML entities and %-escapes already decoded) or an `image:`;
    it is resolved against the deck's `folder` and must end up inside one of `roots`.
    """
    if not ref.strip():
        raise Refused("an empty path")
    if "\0" in ref or len(ref) > MAX_URL_CHARS:
        raise Refused("not a usable file path")
    if ref.startswith(("/", "\\")) or _DRIVE.match(ref) or "\\" in ref:
        raise Refused("an absolute or Windows path (write a path relative to the deck)")
    if urlsplit(ref).scheme:
        raise Refused("a URL, not a file beside the deck (cards work offline)")
    try:
        target = beside_or_shipped(ref, folder)
    except (OSError, ValueError, RuntimeError):
        raise Refused("not a usable file path") from None
    return check_file(target, roots)


def beside_or_shipped(ref: str, folder: Path) -> Path:
    """Where a relative picture path points (resolved, not yet checked): beside the deck; or,
    when nothing is there and the path begins `assets/`, the same file in the app's own
    shipped assets folder.

    So a deck names a bundled diagram as `assets/diagrams/body-front.svg` and keeps working
    wherever it is copied (a student's decks folder, a wheel's `_bundled/`), never through
    `..`. A deck's own `assets/` folder, where it has one, comes first.
    """
    target = (folder / ref).resolve()
    if target.exists():
        return target
    shipped = shipped_asset(ref)
    return shipped if shipped is not None and shipped.exists() else target


def shipped_asset(ref: str) -> Path | None:
    """The app's own file an `assets/...` path names (resolved), else None."""
    from omtquiz.resources import assets_dir

    parts = ref.split("/")
    if len(parts) < 2 or parts[0] != "assets" or any(p in ("", ".", "..") for p in parts[1:]):
        return None
    return assets_dir().resolve().joinpath(*parts[1:]).resolve()


def check_file(target: Path, roots: tuple[Path, ...]) -> Path:
    """`target` (already resolved) if it is a regular file inside `roots` under the size cap."""
    if not any(target.is_relative_to(root) for root in roots):
        raise Refused("outside the deck's folder and assets/")
    try:
        info = target.stat()
    except (OSError, ValueError):
        raise Refused("not found") from None
    _check_stat(info)
    return target


def _check_stat(info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise Refused("not a regular file")
    if info.st_size > MAX_IMAGE_BYTES:
        raise Refused(f"larger than {MAX_IMAGE_BYTES // 2**20} MiB")


def read_file(target: Path, roots: tuple[Path, ...]) -> bytes:
    """The bytes of a checked file, checked again on the open handle and read with a cap.

    The path is resolved and checked, then opened without following a symlink, and the open
    file is checked once more: a swap between the look and the read gets nothing.
    """
    target = check_file(Path(target).resolve(), roots)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(target, flags)
    except OSError:
        raise Refused("cannot be opened") from None
    try:
        _check_stat(os.fstat(fd))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_IMAGE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_IMAGE_BYTES:
        raise Refused(f"larger than {MAX_IMAGE_BYTES // 2**20} MiB")
    return data


def web_url(url: str | None) -> str | None:
    """The link a student may open for `url`: http(s) as written, a DOI on doi.org, else None."""
    text = (url or "").strip()
    if not text or len(text) > MAX_URL_CHARS or any(ord(ch) <= 32 or ord(ch) == 127
                                                    for ch in text):
        return None
    doi = _DOI.match(text)
    if doi:
        return "https://doi.org/" + quote(doi.group(1), safe="/:;()._-<>")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not host:
        return None
    return text


def references(fragment: str) -> Iterator[tuple[str, str]]:
    """(attribute, decoded value) for every `<img src>` and `<a href>` in an HTML fragment."""
    import html  # here: html.entities' tables are not needed for the app's first screen

    for match in _ATTR.finditer(fragment):
        raw = next(g for g in match.groups()[2:] if g is not None)
        yield match.group(2).lower(), unquote(html.unescape(raw))


def problem_with(attribute: str, value: str, folder: Path,
                 roots: tuple[Path, ...]) -> str | None:
    """Why a reference in card HTML is refused, or None when the app will follow it."""
    if attribute == "href":
        if web_url(value) is not None or value.startswith("#"):
            return None
        return (f"link '{value[:200]}' is not an http(s) or doi: address; it is shown as "
                "text and never opened")
    try:
        local_path(value, folder, roots)
    except Refused as exc:
        return f"image '{value[:200]}' is refused: {exc}"
    return None
