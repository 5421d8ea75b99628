"""Where omtquiz finds bundled decks and keeps user data.

User data goes to the platform's data folder unless `--data-dir` or `OMTQUIZ_DATA_DIR` says
otherwise, so tests and portable installs never touch a real profile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "omtquiz"
_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    # A wheel carries decks/ and assets/ inside the package; an editable install reads the checkout.
    inside = _PACKAGE_DIR / "_bundled" / name
    return inside if inside.is_dir() else _PACKAGE_DIR.parent / name


def bundled_decks_dir() -> Path:
    return _bundled("decks")


def assets_dir() -> Path:
    return _bundled("assets")


@dataclass(frozen=True)
class Dirs:
    """The folders of one profile; an overridden data dir keeps its cache inside it too."""

    data: Path
    cache: Path

    @property
    def user_decks(self) -> Path:
        return self.data / "decks"

    @property
    def database(self) -> Path:
        return self.data / "progress.sqlite3"

    @property
    def backups(self) -> Path:
        return self.data / "backups"

    def ensure(self) -> Dirs:
        for path in (self.data, self.cache, self.user_decks, self.backups):
            path.mkdir(parents=True, exist_ok=True)
        return self


def resolve_dirs(override: str | os.PathLike[str] | None = None) -> Dirs:
    chosen = override or os.environ.get("OMTQUIZ_DATA_DIR")
    if chosen:
        data = Path(chosen).expanduser().resolve()
        return Dirs(data=data, cache=data / "cache")
    return Dirs(
        data=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
    )
