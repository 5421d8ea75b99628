"""One profile wires a run: its folders, the deck folders in order, the library through the
parse cache, and the store always through recovery."""

from __future__ import annotations

from datetime import datetime, timezone

from conftest import BUNDLED_DECKS
from omtquiz.clock import FixedClock
from omtquiz.profile import Profile, resolve_dirs

NOW = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)

DECK = """\
deck: mine
title: Mine
sources: [{id: s, citation: A real book}]
cards:
  - {id: a, front: Question?, back: Answer, source: s}
"""


def test_the_data_dir_comes_from_the_argument_then_the_environment(tmp_path, data_dir):
    assert resolve_dirs().data == data_dir  # conftest sets OMTQUIZ_DATA_DIR
    chosen = Profile.open(tmp_path / "elsewhere")
    assert chosen.dirs.data == (tmp_path / "elsewhere").resolve()
    assert chosen.dirs.cache == chosen.dirs.data / "cache"
    for folder in (chosen.dirs.user_decks, chosen.dirs.backups, chosen.dirs.cache):
        assert folder.is_dir()


def test_decks_load_bundled_then_the_profiles_then_extra_folders(tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "mine.yaml").write_text(DECK, encoding="utf-8")
    profile = Profile.open(tmp_path / "data", [extra])
    assert profile.deck_folders == [BUNDLED_DECKS.resolve(), profile.dirs.user_decks, extra]
    library = profile.load_library()
    assert library.deck("mine") is not None
    assert library.decks[-1].id == "mine"
    assert any(profile.dirs.cache.rglob("*.pickle"))  # the parse cache was filled


def test_the_store_opens_through_recovery_with_the_profiles_clock(tmp_path):
    profile = Profile.open(tmp_path / "data", clock=FixedClock(NOW))
    profile.dirs.database.write_bytes(b"not a database at all, just junk bytes" * 10)
    store, message = profile.open_store(backup_now=False)
    with store:
        assert "could not be read" in message
        assert store.clock is profile.clock
    assert list(profile.dirs.data.glob("progress.sqlite3.corrupt-*"))
