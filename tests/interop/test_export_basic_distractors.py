"""A basic card's `distractors:` (its wrong choices in multiple-choice quizzes) change nothing
in the Anki export: it stays a basic note with the same fields."""

from __future__ import annotations

from datetime import datetime, timezone

from test_anki_export import _decks, _package

from omtquiz.decks.model import Deck
from omtquiz.interop.anki_export import export_apkg

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def with_wrong_choices(deck: Deck) -> Deck:
    cards = tuple(card._replace(distractors=("Three", "Five", "Seven"))
                  if card.type == "basic" else card for card in deck.cards)
    return Deck(deck.id, deck.title, deck.path, cards, deck.sources, deck.parent,
                deck.description, deck.tags)


def test_a_basic_cards_distractors_leave_its_note_as_it_was(tmp_path):
    plain = _decks(tmp_path)
    chosen = [with_wrong_choices(deck) for deck in plain]
    assert any(card.distractors for deck in chosen for card in deck.cards if card.type == "basic")
    export_apkg(plain, tmp_path / "plain.apkg", now=NOW)
    export_apkg(chosen, tmp_path / "chosen.apkg", now=NOW)
    assert _package(tmp_path / "chosen.apkg", tmp_path) == _package(tmp_path / "plain.apkg",
                                                                     tmp_path)
