"""Importing decks from Anki packages and from Quizlet/CSV/TSV tables: what an import writes
validates, and nothing is lost quietly.

Most go through `omtquiz import`, the way an author meets the importers; the Anki packages are
made by genanki and by the real `anki` library's own exporter, so both the common third-party
layout and Anki's own are covered. The readers are also driven directly, without the command.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import genanki
import pytest

from conftest import PNG, clean, run_cli
from omtquiz.cli import main
from omtquiz.decks.format.lint import lint_library
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.model import Library
from omtquiz.interop.imported import ImportFailed
from omtquiz.interop.importers import read_any
from omtquiz.interop.table_import import read_table


@pytest.fixture
def apkg(tmp_path) -> Path:
    """Basic, Basic-and-reversed, optional reverse, type-in and Cloze notes, an image, a sound."""
    (tmp_path / "spine pic.png").write_bytes(PNG)
    deck = genanki.Deck(2059400110, "OMT::Old Anki deck")
    notes = [
        (genanki.BASIC_MODEL, ["What is <b>OMT</b>?", "Osteopathic manipulative treatment<br>"
                               "A <i>hands-on</i> &amp; gentle treatment."], ["omt", "basics"],
         "Ot0!xNL#Cm"),
        (genanki.BASIC_AND_REVERSED_CARD_MODEL, ["HVLA", "High velocity, low amplitude"], [],
         "rev{1}"),
        (genanki.CLOZE_MODEL, ['{{c1::Rib raising}} improves {{c2::breathing}}.'
                               '<img src="spine pic.png">', "Extra <ul><li>one</li></ul>"],
         ["cloze"], "cloze-1"),
        (genanki.BASIC_MODEL, ['<img src="spine%20pic.png">', "The spine [sound:beat.mp3]"], [],
         "image-only"),
        (genanki.BASIC_OPTIONAL_REVERSED_CARD_MODEL, ["One way", "Only", ""], [], "optional-no"),
        (genanki.BASIC_OPTIONAL_REVERSED_CARD_MODEL, ["Both ways", "Yes", "y"], [], "optional-y"),
        (genanki.BASIC_TYPE_IN_THE_ANSWER_MODEL, ["Type the answer", "typed"], [], "typein"),
        (genanki.BASIC_MODEL, ["[sound:only.mp3]", "Nothing to read on the front"], [], "sound"),
    ]
    for model, fields, tags, guid in notes:
        deck.add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=guid))
    package = genanki.Package(deck)
    package.media_files = [str(tmp_path / "spine pic.png")]
    path = tmp_path / "old.apkg"
    package.write_to_file(str(path))
    return path


def test_apkg_from_genanki_imports_and_validates(apkg, tmp_path, capsys):
    out = tmp_path / "out" / "old.yaml"
    assert main(["import", str(apkg), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    clean(out)
    deck = load_deck_file(out).deck
    assert (deck.id, deck.title, deck.parent) == ("old-anki-deck", "Old Anki deck", "OMT")
    cards = {c.id: c for c in deck.cards}
    assert sorted(cards) == sorted(["Ot0!xNL#Cm", "rev{1}", "cloze-1", "image-only",
                                    "optional-no", "optional-y", "typein"])
    basic = cards["Ot0!xNL#Cm"]
    assert (basic.type, basic.front, basic.tags) == ("basic", "What is **OMT**?", ("omt", "basics"))
    assert basic.back == "Osteopathic manipulative treatment\n\nA *hands-on* & gentle treatment."
    assert cards["rev{1}"].type == "reverse"
    assert (cards["optional-no"].type, cards["optional-y"].type) == ("basic", "reverse")
    assert cards["typein"].back == "typed"
    cloze = cards["cloze-1"]
    assert (cloze.type, cloze.text) == ("cloze", "{{c1::Rib raising}} improves {{c2::breathing}}.")
    assert cloze.extra == "Extra\n\n- one"
    assert Path(cloze.image) == (out.parent / "old-media" / "spine pic.png").resolve()
    assert Path(cloze.image).read_bytes() == PNG
    assert cards["image-only"].image == cloze.image
    assert "audio ([sound:...])" in printed
    assert "notes with an empty front or back were left out (1: note sound)" in printed
    assert "'What does this image show?': check it (1: note image-only)" in printed
    assert "validate: 0 error(s), 0 warning(s)" in printed


def test_apkg_exported_by_anki_itself_imports(tmp_path):
    from anki.collection import Collection, ExportAnkiPackageOptions

    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        note = col.new_note(col.models.by_name("Basic (and reversed card)"))
        note["Front"], note["Back"] = "Counterstrain", "Holding a tender point at ease"
        note.tags = ["technique"]
        col.add_note(note, col.decks.id("Techniques"))
        cloze = col.new_note(col.models.by_name("Cloze"))
        cloze["Text"] = "{{c1::Muscle energy}} uses isometric contraction."
        col.add_note(cloze, col.decks.id("Techniques"))
        guids = {note.guid, cloze.guid}
        for legacy in (True, False):
            col.export_anki_package(
                out_path=str(tmp_path / f"legacy-{legacy}.apkg"), limit=None,
                options=ExportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False,
                                                 with_media=True, legacy=legacy))
    finally:
        col.close()
    out = tmp_path / "techniques.yaml"
    assert main(["import", str(tmp_path / "legacy-True.apkg"), "-o", str(out)]) == 0
    clean(out)
    deck = load_deck_file(out).deck
    assert {c.id for c in deck.cards} == guids
    assert sorted(c.type for c in deck.cards) == ["cloze", "reverse"]
    newer = run_cli("import", str(tmp_path / "legacy-False.apkg"), "-o", str(tmp_path / "n.yaml"))
    assert newer.returncode == 1
    assert "tick 'Support older Anki versions'" in newer.stderr
    assert "Traceback" not in newer.stderr


def test_import_refuses_to_overwrite_without_force(apkg, tmp_path, capsys):
    out = tmp_path / "deck.yaml"
    out.write_text("mine", encoding="utf-8")
    assert main(["import", str(apkg), "-o", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == "mine"
    assert "--force" in capsys.readouterr().err
    assert main(["import", str(apkg), "-o", str(out), "--force", "--deck", "old",
                 "--title", "Old deck"]) == 0
    deck = load_deck_file(out).deck
    assert (deck.id, deck.title) == ("old", "Old deck")


def test_not_an_anki_package(tmp_path, capsys):
    bad = tmp_path / "bad.apkg"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert main(["import", str(bad), "-o", str(tmp_path / "x.yaml")]) == 1
    assert "not an Anki package" in capsys.readouterr().err
    (tmp_path / "junk.apkg").write_bytes(b"\x00junk")
    assert main(["import", str(tmp_path / "junk.apkg"), "-o", str(tmp_path / "x.yaml")]) == 1
    assert not (tmp_path / "x.yaml").exists()


# -- import from Quizlet, CSV and TSV ----------------------------------------------------------
def test_quizlet_tsv_imports_and_validates(tmp_path, capsys):
    tsv = tmp_path / "quizlet export.txt"
    tsv.write_text("HVLA\tHigh velocity, low amplitude thrust\n"
                   "Counterstrain\tHolding a tender point in a position of ease\n"
                   "for about 90 seconds\n"
                   "Rib raising\tLifting the ribs *gently*\n"
                   "Orphan term\t\n", encoding="utf-8")
    out = tmp_path / "quizlet.yaml"
    assert main(["import", str(tsv), "-o", str(out), "--title", "Quizlet set"]) == 0
    printed = capsys.readouterr().out
    clean(out)
    deck = load_deck_file(out).deck
    assert deck.id == "quizlet-set"
    assert [(c.id, c.type, c.front) for c in deck.cards] == [
        ("hvla", "basic", "HVLA"), ("counterstrain", "basic", "Counterstrain"),
        ("rib-raising", "basic", "Rib raising")]
    assert deck.card("counterstrain").back == ("Holding a tender point in a position of ease"
                                               "\n\nfor about 90 seconds")
    assert deck.card("rib-raising").back == r"Lifting the ribs \*gently\*"
    assert "joined to the definition above them (1: line 3)" in printed
    assert "rows without both a term and a definition were left out (1: line 5)" in printed


@pytest.mark.parametrize("text", [
    "Term,Definition,Tags\nHVLA,\"High velocity, low amplitude\",technique hvla\n"
    "Muscle energy,The patient contracts against a counterforce,\n",
    "HVLA;High velocity, low amplitude\nMuscle energy;The patient contracts against a "
    "counterforce\n",
])
def test_csv_with_or_without_a_header(tmp_path, text):
    source = tmp_path / "cards.csv"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "cards.yaml"
    assert main(["import", str(source), "-o", str(out)]) == 0
    clean(out)
    cards = load_deck_file(out).deck.cards
    assert [(c.id, c.back) for c in cards] == [
        ("hvla", "High velocity, low amplitude"),
        ("muscle-energy", "The patient contracts against a counterforce")]
    if "Tags" in text:
        assert cards[0].tags == ("technique", "hvla")


def test_the_same_term_twice_gets_two_ids_and_the_duplicate_lint(tmp_path):
    source = tmp_path / "cards.csv"
    source.write_text("HVLA,High velocity\nhvla,Low amplitude\n", encoding="utf-8")
    out = tmp_path / "cards.yaml"
    assert main(["import", str(source), "-o", str(out)]) == 0
    result = load_deck_file(out)
    assert [c.id for c in result.deck.cards] == ["hvla", "hvla-2"]
    assert [d.card_id for d in lint_library(Library((result,)))] == ["hvla-2"]


def test_a_table_that_is_not_utf8_says_so(tmp_path, capsys):
    source = tmp_path / "cards.tsv"
    source.write_bytes("Café\tCoffee\n".encode("latin-1"))
    assert main(["import", str(source), "-o", str(tmp_path / "x.yaml")]) == 1
    assert "is not UTF-8" in capsys.readouterr().err


@pytest.mark.parametrize(("html", "markdown"), [
    ("What is <b>OMT</b>?", "What is **OMT**?"),
    ("<b> spaced </b>out", "**spaced** out"),
    ("<b>one<br>two</b>", "**one**\n\n**two**"),
    ("<div>first</div><div>second</div>", "first\n\nsecond"),
    ("<ol><li>a</li><li>b</li></ol>after", "1. a\n2. b\n\nafter"),
    ("a &lt;b&gt; &amp; 2*3 [x]", r"a &lt;b> & 2\*3 \[x\]"),
    ("H<sub>2</sub>O, <a href='https://e.org'>link</a>", "H<sub>2</sub>O, [link](https://e.org)"),
    ("<span style='color:red'>kept</span><script>gone()</script>", "kept"),
    ("{{c1::<b>Rib raising</b>}} helps", "{{c1::**Rib raising**}} helps"),
])
def test_anki_html_becomes_markdown(html, markdown):
    from omtquiz.interop.anki_import import convert_field

    assert convert_field(html).text == markdown


def test_read_table_keeps_each_rows_term_and_definition_and_reports_extra_columns(tmp_path):
    source = tmp_path / "terms.csv"
    source.write_text("Term,Definition,Page\nHVLA,High velocity,12\nHVLA,Low amplitude,13\n",
                      encoding="utf-8")
    imported = read_table(source)
    assert [(c["id"], c["front"], c["back"]) for c in imported.cards] == [
        ("hvla", "HVLA", "High velocity"), ("hvla-2", "HVLA", "Low amplitude")]
    assert imported.problem_lines() == ["column 'Page' was not converted"]


@pytest.mark.parametrize(("name", "message"), [
    ("profile.colpkg", "whole Anki profile"),
    ("notes.docx", "cannot import '.docx' files"),
])
def test_read_any_refuses_what_it_cannot_read_with_the_reason(tmp_path, name, message):
    path = tmp_path / name
    path.write_bytes(b"x")
    with pytest.raises(ImportFailed, match=message):
        read_any(path)
