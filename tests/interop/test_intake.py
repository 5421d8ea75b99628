"""Adding a file a student opened: what it would do is said first, then nothing is overwritten."""

from __future__ import annotations

import genanki

from conftest import PNG
from omtquiz.decks.format.library import load_library
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.interop.intake import accept, inspect

DECK = """\
# A comment the copy keeps.
deck: shared-deck
title: Shared by a classmate
sources: [{id: s, citation: A real book}]
cards:
  - {id: a, front: What is OMT?, back: A hands-on treatment, source: s, image: pics/spine.png}
  - {id: b, front: Second question, back: Second answer, source: s}
"""


def shared_deck(tmp_path):
    folder = tmp_path / "downloads"
    (folder / "pics").mkdir(parents=True)
    (folder / "pics" / "spine.png").write_bytes(PNG)
    path = folder / "classmate.yaml"
    path.write_text(DECK)
    return path


def test_a_deck_file_is_copied_with_its_pictures_and_ids(tmp_path):
    source, mine = shared_deck(tmp_path), tmp_path / "data" / "decks"
    offer = inspect(source, mine, load_library([]))
    assert offer.can_add and (offer.kind, offer.title, offer.cards) == (
        "deck", "Shared by a classmate", 2)
    assert not mine.exists(), "inspect writes nothing"
    written = accept(offer)
    assert written.parent.parent == mine and written.read_text() == source.read_text()
    copy = load_deck_file(written)
    assert copy.ok and [c.id for c in copy.deck.cards] == ["a", "b"]
    assert (written.parent / "pics" / "spine.png").read_bytes() == PNG
    assert offer.headline() == "Add “Shared by a classmate” to your decks?"
    assert f"It will be saved as {offer.target}." in offer.details()


def test_nothing_is_ever_overwritten_and_a_loaded_id_is_refused(tmp_path):
    source, mine = shared_deck(tmp_path), tmp_path / "data" / "decks"
    first = accept(inspect(source, mine, load_library([])))
    again = inspect(source, mine, load_library([mine]))
    assert not again.can_add and "already loaded" in again.refusal
    # Without the library (ids unknown), a second copy goes to a folder of its own.
    second = accept(inspect(source, mine))
    assert second != first and first.read_text() == second.read_text()
    inside = inspect(first, mine)
    assert not inside.can_add and inside.refusal == "It is already in your decks."


def test_broken_unknown_and_missing_files_are_refused_with_reasons(tmp_path):
    mine = tmp_path / "decks"
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: [not, a, slug]\n")
    offer = inspect(broken, mine)
    assert not offer.can_add and offer.problems and "broken.yaml:1:" in offer.problems[0]
    other = tmp_path / "notes.docx"
    other.write_bytes(b"PK")
    assert "none of them" in inspect(other, mine).refusal
    assert inspect(tmp_path / "gone.yaml", mine).refusal == "There is no such file."
    assert not mine.exists()


def test_an_anki_package_and_a_table_are_imported_into_my_decks(tmp_path):
    mine = tmp_path / "decks"
    deck = genanki.Deck(1234567, "Phone deck")
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["What is TART?", "Tissue "
                               "texture, asymmetry, restriction, tenderness"], guid="g1"))
    apkg = tmp_path / "phone.apkg"
    genanki.Package(deck).write_to_file(str(apkg))
    offer = inspect(apkg, mine)
    assert offer.can_add and (offer.kind, offer.title, offer.cards) == ("import", "Phone deck", 1)
    written = accept(offer)
    loaded = load_deck_file(written)
    assert loaded.ok and loaded.deck.cards[0].front == "What is TART?"
    table = tmp_path / "quizlet.tsv"
    table.write_text("Still\tFounder of osteopathic medicine\nKirksville\tFirst school, 1892\n")
    tsv = inspect(table, mine)
    assert tsv.can_add and tsv.cards == 2
    assert load_deck_file(accept(tsv)).ok
    assert len(list(mine.iterdir())) == 2
