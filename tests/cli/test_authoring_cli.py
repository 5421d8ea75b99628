"""`omtquiz new-deck` and `omtquiz import`: what they write validates, and nothing is lost quietly.

The Anki packages are made by genanki (as the brief's "an .apkg made by genanki") and by the real
`anki` library's own exporter, so both the common third-party and Anki's own layout are covered.
"""

from __future__ import annotations

from conftest import ROOT, clean, run_cli
from omtquiz.cli import main
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.format.schema import SCHEMA_PATH, schema_reference


# -- new-deck -------------------------------------------------------------------------------
def test_new_deck_is_commented_has_every_type_and_validates_strict(tmp_path, data_dir,
                                                                   capsys):
    path = tmp_path / "my folder" / "my deck.yaml"
    assert main(["new-deck", str(path), "--title", "Cranial: the basics"]) == 0
    text = path.read_text(encoding="utf-8")
    schema = data_dir / "decks" / "deck.schema.json"  # the profile's copy, kept at every start
    assert schema.read_bytes() == SCHEMA_PATH.read_bytes()
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={schema.as_uri()}"
    assert text.count("\n#") > 10
    deck = load_deck_file(path).deck
    assert (deck.id, deck.title) == ("cranial-the-basics", "Cranial: the basics")
    assert sorted(c.type for c in deck.cards) == ["basic", "cloze", "mcq", "reverse"]
    clean(path)
    assert f"wrote {path}" in capsys.readouterr().out
    assert run_cli("validate", str(path), "--strict").returncode == 0


def test_new_deck_never_overwrites(tmp_path, capsys):
    path = tmp_path / "deck.yaml"
    path.write_text("mine", encoding="utf-8")
    assert main(["new-deck", str(path), "--title", "T"]) == 1
    assert path.read_text(encoding="utf-8") == "mine"
    assert "never overwrites" in capsys.readouterr().err


def test_new_deck_takes_a_deck_id_and_refuses_a_bad_one(tmp_path):
    assert main(["new-deck", str(tmp_path / "a.yaml"), "--title", "T", "--deck", "omt-a"]) == 0
    assert load_deck_file(tmp_path / "a.yaml").deck.id == "omt-a"
    assert main(["new-deck", str(tmp_path / "b.yaml"), "--title", "T", "--deck", "Bad_Id"]) == 2
    assert not (tmp_path / "b.yaml").exists()


def test_schema_line_is_relative_where_it_can_be_and_a_uri_without_spaces_elsewhere(tmp_path):
    assert schema_reference(ROOT / "decks" / "x.yaml") == "../omtquiz/decks/format/deck.schema.json"
    assert schema_reference(tmp_path / "x.yaml") == SCHEMA_PATH.as_uri()
    copy = tmp_path / "data" / "decks" / "deck.schema.json"
    assert schema_reference(copy.parent / "x.yaml", copy) == "deck.schema.json"
    assert schema_reference(copy.parent / "anatomy" / "x.yaml", copy) == "../deck.schema.json"
    # Only the relative path itself must be free of spaces, not the folders it starts from.
    assert schema_reference(copy.parent / "my notes" / "x.yaml", copy) == "../deck.schema.json"
    elsewhere = schema_reference(tmp_path / "a b" / "x.yaml", tmp_path / "c d" / "s.json")
    assert elsewhere.startswith("file:///") and elsewhere.endswith("/c%20d/s.json")
    assert not any(ch.isspace() for ch in elsewhere)


# -- import from Anki --------------------------------------------------------------------------
