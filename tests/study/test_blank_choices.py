"""Multiple choice for cloze blanks: wrong choices that look like the answer.

A blank whose answer is one of a set of words of osteopathic mechanics (left/right,
forward/backward, flexion/extension/sidebending/rotation...) is asked among the others of its
set; any other blank among other items' answers of its form (a spinal level among levels, a
lower-case word among lower-case words, a name among names) and of a like length; with fewer
than two such, it is left out of multiple choice and stays in typed quizzes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from omtquiz.decks.format.library import load_library
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.study.quiz import QuestionMaker, answer_form, siblings

BUNDLED = Path(__file__).resolve().parents[2] / "decks"


def library(*texts: str) -> Library:
    cards = tuple(Card("d", f"c{n}", "cloze", text=text) for n, text in enumerate(texts))
    return Library((DeckFile("d.yaml", Deck("d", "Blanks", "d.yaml", cards)),))


MIXED = ("At the OA joint, rotation to the right is coupled with sidebending to the {{c1::left}}.",
         "Type I mechanics apply to groups such as {{c1::T1-T3}} here.",
         "Neutral group curves follow {{c1::type I}} mechanics.",
         "A single flexed segment follows {{c1::type II}} mechanics.",
         "The left-on-right sacral torsion is a {{c1::backward}} torsion.",
         "Viscerosomatic reflexes of the stomach are at {{c1::T5-T9}}.",
         "The lungs' sympathetic levels are {{c1::T2-T7}}.",
         "Avoid rigorous activity for {{c1::24 hours}} after treatment.")


def choices_for(lib: Library, card_id: str, seed: int = 0) -> set[str]:
    question = QuestionMaker(lib, seed).multiple_choice(Item("d", card_id, 0))
    return set(question.choices) if question else set()


@pytest.mark.parametrize("seed", range(5))
def test_a_word_of_a_set_is_asked_among_its_set_only(seed):
    lib = library(*MIXED)
    assert choices_for(lib, "c0", seed) == {"left", "right"}
    assert choices_for(lib, "c4", seed) == {"backward", "forward"}
    assert choices_for(lib, "c2", seed) == {"type I", "type II", "type III"}


def test_a_set_word_keeps_the_answers_case():
    assert siblings("Left") == ("Right",)
    assert siblings("type II") == ("type I", "type III")
    assert siblings("flexion") == ("extension", "sidebending", "rotation")
    assert siblings("Kirksville") == ()


@pytest.mark.parametrize("seed", range(5))
def test_a_level_is_asked_among_levels(seed):
    lib = library(*MIXED)
    offered = choices_for(lib, "c5", seed)
    assert offered == {"T5-T9", "T1-T3", "T2-T7"}
    assert {answer_form(c) for c in offered} == {("level",)}


def test_a_blank_with_nothing_like_it_is_left_out_of_multiple_choice_only():
    lib = library(*MIXED)
    item = Item("d", "c7", 0)
    maker = QuestionMaker(lib, 0)
    assert maker.multiple_choice(item) is None  # "24 hours" among levels and words: no
    assert maker.typed(item).answer == "24 hours"


def test_no_bundled_blank_is_offered_a_choice_of_another_form():
    lib = load_library([BUNDLED])
    items = [item for deck in lib.decks for card in deck.cards if card.type == "cloze"
             for item in card.items()]
    asked = 0
    for seed in range(3):
        maker = QuestionMaker(lib, seed)
        for item in items:
            question = maker.multiple_choice(item)
            if question is None:
                continue
            asked += 1
            wrong = [c for c in question.choices if c != question.answer]
            assert len(wrong) >= 1
            if siblings(question.answer):
                assert set(wrong) <= set(siblings(question.answer)), question.answer
            else:
                assert {answer_form(c) for c in wrong} == {answer_form(question.answer)}, \
                    (question.answer, wrong)
    assert asked > 2 * len(items)  # most blanks are still asked as multiple choice
