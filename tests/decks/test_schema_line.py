"""The `$schema` line of a deck names a schema that exists, wherever the deck is.

The profile keeps the schema at `decks/deck.schema.json` in its data folder (refreshed at every
start); the decks the app writes or copies point there; the bundled decks point at the copy
beside them. `test_yaml_language_server.py` checks with the real server that each line loads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from omtquiz.decks.format.editor import copy_deck
from omtquiz.decks.format.schema import SCHEMA_PATH, repoint_schema_line
from omtquiz.interop.intake import accept, inspect
from omtquiz.profile import Profile

ROOT = Path(__file__).resolve().parents[2]
BUNDLED_DECK = ROOT / "decks" / "02-principles.yaml"


def test_the_profile_keeps_the_schema_in_its_decks_folder_and_refreshes_it(tmp_path):
    profile = Profile.open(tmp_path / "my data")
    copy = profile.dirs.user_decks / "deck.schema.json"
    assert profile.dirs.schema == copy and copy.read_bytes() == SCHEMA_PATH.read_bytes()
    copy.write_text('{"old": "schema"}')
    Profile.open(tmp_path / "my data")
    assert copy.read_bytes() == SCHEMA_PATH.read_bytes()
    assert not list(copy.parent.glob(".*.part"))


def test_a_profile_that_cannot_write_its_copy_names_the_shipped_schema(tmp_path):
    folder = tmp_path / "data" / "decks" / "deck.schema.json"
    folder.mkdir(parents=True)  # a folder where the file should be: the write fails
    profile = Profile.open(tmp_path / "data")
    assert profile.dirs.schema == SCHEMA_PATH


def test_copying_a_bundled_deck_points_its_line_at_the_profiles_schema(tmp_path):
    profile = Profile.open(tmp_path / "my data")
    copy = copy_deck(BUNDLED_DECK, profile.dirs.user_decks, profile.dirs.schema)
    original = BUNDLED_DECK.read_bytes().split(b"\n", 1)
    copied = copy.read_bytes().split(b"\n", 1)
    assert copied[0] == b"# yaml-language-server: $schema=deck.schema.json"
    assert copied[1] == original[1]  # nothing else changes
    elsewhere = copy_deck(BUNDLED_DECK, tmp_path / "other place", profile.dirs.schema)
    line = elsewhere.read_text(encoding="utf-8").splitlines()[0]
    assert line == f"# yaml-language-server: $schema={profile.dirs.schema.as_uri()}"
    assert "%20" in line and " " not in line.split("=", 1)[1]


def test_adding_a_deck_file_copies_it_into_a_subfolder_that_still_finds_the_schema(tmp_path):
    profile = Profile.open(tmp_path / "data")
    source = tmp_path / "from a friend" / "principles.yaml"
    source.parent.mkdir()
    shutil.copyfile(BUNDLED_DECK, source)
    written = accept(inspect(source, profile.dirs.user_decks), profile.dirs.schema)
    assert written.parent.parent == profile.dirs.user_decks
    first = written.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../deck.schema.json"
    assert (written.parent / "../deck.schema.json").resolve() == profile.dirs.schema.resolve()


def test_repointing_touches_only_a_yaml_language_server_first_line(tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_bytes(b"deck: a\r\ntitle: T\r\ncards: []\r\n")
    assert repoint_schema_line(plain) is False
    assert plain.read_bytes() == b"deck: a\r\ntitle: T\r\ncards: []\r\n"
    crlf = tmp_path / "crlf.yaml"
    crlf.write_bytes(b"# yaml-language-server: $schema=nowhere.json\r\ndeck: a\r\n")
    assert repoint_schema_line(crlf) is True
    assert crlf.read_bytes() == (
        f"# yaml-language-server: $schema={SCHEMA_PATH.as_uri()}\r\ndeck: a\r\n".encode())
    assert repoint_schema_line(crlf) is False
