"""One student's profile, wired in one place: its folders, the clock, the deck library and the
progress store. The command line and the desktop app both start from a `Profile`.

User data goes to the platform's data folder unless `--data-dir` or `OMTQUIZ_DATA_DIR` says
otherwise, so tests and portable installs never touch a real profile. Decks load from the
bundled folder, then the profile's own `decks/` folder, then any extra folders, in that order.
The store is always opened through `open_or_recover`, so every way in gets the same recovery.
The deck schema is kept at `decks/deck.schema.json` (refreshed at every open), the stable place
the `$schema` line of every deck the app writes points at.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from omtquiz.clock import Clock, SystemClock
from omtquiz.decks.format.library import load_library
from omtquiz.decks.format.schema import SCHEMA_NAME, SCHEMA_PATH, install_schema
from omtquiz.decks.model import Library
from omtquiz.progress.recovery import open_or_recover
from omtquiz.progress.store import Store
from omtquiz.resources import bundled_decks_dir

APP_NAME = "omtquiz"


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

    @property
    def schema(self) -> Path:
        """The deck schema decks the app writes point at: the profile's copy, or where it
        could not be written the one the package ships."""
        copy = self.user_decks / SCHEMA_NAME
        return copy if copy.is_file() else SCHEMA_PATH

    def ensure(self) -> Dirs:
        for path in (self.data, self.cache, self.user_decks, self.backups):
            path.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):  # a read-only profile still studies
            install_schema(self.user_decks)
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


@dataclass(frozen=True)
class Profile:
    """The folders, clock and deck folders of one run; it opens the library and the store."""

    dirs: Dirs
    extra_decks: tuple[Path, ...] = ()
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    def open(cls, data_dir: str | os.PathLike[str] | None = None,
             extra_decks: Iterable[str | os.PathLike[str]] = (),
             clock: Clock | None = None) -> Profile:
        """The profile in `data_dir` (or the default one), its folders created."""
        return cls(resolve_dirs(data_dir).ensure(), tuple(Path(d) for d in extra_decks),
                   clock or SystemClock())

    @property
    def deck_folders(self) -> list[Path]:
        """Bundled decks, then the profile's deck folder, then every extra folder."""
        return [bundled_decks_dir(), self.dirs.user_decks, *self.extra_decks]

    def load_library(self) -> Library:
        """Every deck of the deck folders, through the parse cache."""
        return load_library(self.deck_folders, cache_dir=self.dirs.cache,
                            yielding=[bundled_decks_dir()])

    def open_store(self, *, backup_now: bool = True) -> tuple[Store, str | None]:
        """The progress store, and a message for the student when anything was recovered.

        `backup_now=False` for short commands, which would otherwise push older backups out.
        """
        return open_or_recover(self.dirs.database, self.dirs.backups, clock=self.clock,
                               backup_now=backup_now)
