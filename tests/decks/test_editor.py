"""Card edits made in the app: the author's file is kept, a bad edit is refused, undo works."""

from __future__ import annotations

import difflib

import pytest

from omtquiz.decks.format.editor import (
    EditError,
    add_card,
    card_fields,
    copy_deck,
    update_card,
)
from omtquiz.decks.format.library import load_library
from omtquiz.decks.format.loader import load_deck_file

COMMENTED = """\
# yaml-language-server: $schema=deck.schema.json
# Written by hand: these comments, the blank line and the order must survive an edit.
deck: edited
title: Edited deck
sources:
  - id: s
    citation: A real book   # the one source
cards:
  # The first card is in flow style.
  - {id: a, front: What is OMT?, back: A hands-on treatment, source: s}

  - id: b
    type: cloze
    text: "{{c1::Rib raising}} helps breathing"   # quoted on purpose
    source: s
    # a comment inside card b
  - id: c
    front: |
      A long
      question
    back: Answer c
    source: s
records:
  - {id: r1, name: Rib 1, muscle: Scalenes, source: s}
generate:
  - {id: muscle, front: "Muscle for {name}?", back: "{muscle}"}
"""


@pytest.fixture
def deck(tmp_path):
    path = tmp_path / "edited.yaml"
    path.write_text(COMMENTED)
    return path


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_editing_a_card_changes_its_lines_and_nothing_else(deck):
    edit = update_card(deck, "c", {"front": "A long\nquestion", "back": "Answer c, corrected",
                                   "source": "s", "tags": ["ribs"]})
    after = deck.read_text()
    assert changed_lines(COMMENTED, after) == [
        "-    back: Answer c", "+    back: Answer c, corrected", "+    tags: [ribs]"]
    assert "# Written by hand" in after and "# a comment inside card b" in after
    assert load_deck_file(deck).deck.card("c").back == "Answer c, corrected"
    edit.undo()
    assert deck.read_text() == COMMENTED


def test_a_new_card_is_appended_with_an_id_from_its_words(deck):
    edit = add_card(deck, {"type": "basic", "front": "What does TART stand for?",
                           "back": "Tissue texture, asymmetry, restriction, tenderness",
                           "source": "s", "accept": ["TART"], "tags": []})
    assert edit.card_id == "what-does-tart-stand-for"
    loaded = load_deck_file(deck)
    assert loaded.ok and loaded.deck.card(edit.card_id).accept == ((0, "TART"),)
    assert changed_lines(COMMENTED, deck.read_text()) == [
        "+  - id: what-does-tart-stand-for", "+    front: What does TART stand for?",
        "+    back: Tissue texture, asymmetry, restriction, tenderness",
        "+    accept: [TART]", "+    source: s"]
    again = add_card(deck, {"front": "What does TART stand for?", "back": "x", "source": "s"})
    assert again.card_id == "what-does-tart-stand-for-2"


def test_an_edit_the_loader_would_reject_is_refused_and_nothing_is_written(deck):
    with pytest.raises(EditError) as refused:
        update_card(deck, "b", {"type": "cloze", "text": "no deletion left", "source": "s"})
    assert any("cloze needs at least one deletion" in p for p in refused.value.problems)
    with pytest.raises(EditError, match="unknown source"):
        add_card(deck, {"front": "Q?", "back": "A", "source": "nowhere"})
    assert deck.read_text() == COMMENTED


def test_generated_cards_are_edited_in_their_record_and_undo_refuses_a_changed_file(deck):
    with pytest.raises(EditError, match="generated from a record"):
        update_card(deck, "r1--muscle", {"front": "x", "back": "y"})
    assert card_fields(deck, "a") == {"id": "a", "front": "What is OMT?",
                                      "back": "A hands-on treatment", "source": "s"}
    edit = update_card(deck, "a", {"front": "What is OMT?", "back": "Manual treatment",
                                   "source": "s"})
    deck.write_text(deck.read_text() + "# the author edited the file since\n")
    with pytest.raises(EditError, match="changed since"):
        edit.undo()


def test_a_copy_of_a_bundled_deck_takes_its_place_with_its_ids(tmp_path, deck):
    bundled, mine = tmp_path / "bundled", tmp_path / "mine"
    bundled.mkdir()
    original = bundled / "edited.yaml"
    original.write_text(COMMENTED)
    copy = copy_deck(original, mine)
    update_card(copy, "a", {"front": "What is OMT?", "back": "My own words", "source": "s"})
    library = load_library([bundled, mine], yielding=[bundled])
    assert [d.path for d in library.decks] == [str(copy)]
    assert library.deck("edited").card("a").back == "My own words"
    assert not library.diagnostics  # no "id already used" for a deck that yields
    plain = load_library([bundled, mine])
    assert any("already used" in d.message for d in plain.diagnostics)
