"""Warnings never drop a card and errors always do, however many of each a deck has: the loader
counts errors as they are reported (it once summed every diagnostic for every card, so 20,000
cards without a source, each a warning, took 39 s to load)."""

from __future__ import annotations

from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.model import Severity


def test_many_warned_cards_all_load_and_errors_drop_only_their_card(tmp_path):
    lines = ["deck: warned", "title: Warned", "cards:"]
    for i in range(5000):
        if i % 1000 == 999:  # an error: a cloze without a deletion
            lines.append(f"  - {{id: c{i}, type: cloze, text: no deletion here {i}}}")
        else:  # a warning: no source
            lines.append(f"  - {{id: c{i}, front: Question {i}, back: Answer {i}}}")
    path = tmp_path / "warned.yaml"
    path.write_text("\n".join(lines) + "\n")
    result = load_deck_file(path)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in result.diagnostics if d.severity is Severity.WARNING]
    assert len(errors) == 5 and all("deletion" in d.message for d in errors)
    assert len(warnings) >= 4995
    ids = {card.id for card in result.deck.cards}
    assert len(ids) == 4995 and "c999" not in ids and "c998" in ids and "c1000" in ids
