"""Multiple-choice questions made from flashcards offer wrong choices of the right kind.

A basic or reverse item is asked as multiple choice only with its author's `distractors:` or
with three other items of its deck asked alike and answered in kind; otherwise it is left out
of multiple-choice quizzes and exams (and stays in typed quizzes). Checked on the bundled decks
and on small decks built here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from omtquiz.decks.format.library import load_library
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.study.quiz import QuestionMaker, make_exam

BUNDLED = Path(__file__).resolve().parents[2] / "decks"
SEEDS = range(5)


@lru_cache(maxsize=1)
def bundled() -> Library:
    return load_library([BUNDLED])


def flashcard_items(library: Library) -> list[Item]:
    return [item for deck in library.decks for card in deck.cards
            if card.type in ("basic", "reverse") for item in card.items()]


def opening(text: str) -> tuple[str, ...]:
    return tuple(text.casefold().split()[:2])


def yes_no(text: str) -> bool:
    return text.split()[0].strip(".,;:").casefold() in ("yes", "no")


def is_kin(library: Library, item: Item, answer: str, choice: str) -> bool:
    """Whether `choice`, offered with `answer`, is the answer of another flashcard item of the
    deck asked the same way (a question opening with the same two words, or reverse to
    reverse the same way round), yes/no only against yes/no, and no giveaway by length."""
    card = library.card(item)
    deck = library.deck(item.deck_id)
    asking = card.front if item.ord == 0 else card.back
    alike_length = max(len(answer), len(choice)) <= 32 or (
        max(len(answer), len(choice)) <= 2 * min(len(answer), len(choice)))
    if yes_no(answer) != yes_no(choice) or not alike_length:
        return False
    for other in deck.cards:
        if other.id == card.id or other.type != card.type:
            continue
        if card.type == "reverse":
            if (other.back, other.front)[item.ord] == choice:
                return True
        elif other.back == choice and opening(other.front) == opening(asking):
            return True
    return False


def test_bundled_flashcards_are_asked_only_among_answers_of_their_kind():
    library = bundled()
    asked = 0
    for seed in SEEDS:
        maker = QuestionMaker(library, seed)
        for item in flashcard_items(library):
            question = maker.multiple_choice(item)
            if question is None:
                continue
            asked += 1
            card = library.card(item)
            wrong = [c for c in question.choices if c != question.answer]
            assert len(wrong) >= 2, item
            for choice in wrong:
                assert choice in card.distractors or is_kin(
                    library, item, question.answer, choice), (item, question.answer, choice)
    assert asked > 0


def test_which_exam_series_is_never_answered_with_an_answer_of_another_kind():
    # The question that was seen offering "An osteopathic physician. ..." and "Yes, in their
    # own fields ..." as choices.
    library = bundled()
    item = Item("do-vs-md", "comlex-who-administers")
    assert library.card(item) is not None
    for seed in SEEDS:
        question = QuestionMaker(library, seed).multiple_choice(item)
        if question is None:
            continue
        for choice in question.choices:
            assert not yes_no(choice)
            assert not choice.startswith(("An osteopathic physician", "Osteopathic medicine;"))


def flashcards(*cards: Card) -> Library:
    deck = Deck("b", "Boards", "b.yaml", tuple(cards))
    return Library((DeckFile("b.yaml", deck),))


BOARDS = (
    Card("b", "comlex", "basic", front="Which organization administers COMLEX-USA?",
         back="NBOME", tags=("boards",)),
    Card("b", "usmle", "basic", front="Which organization administers the USMLE with FSMB?",
         back="NBME", tags=("boards",)),
    Card("b", "gme", "basic", front="Which organization accredits US residencies?",
         back="ACGME", tags=("boards",)),
    Card("b", "schools", "basic", front="Which organization represents the osteopathic "
         "medical schools?", back="AACOM", tags=("boards",)),
)


def test_an_item_without_kin_is_left_out_of_multiple_choice_but_typed_still():
    licensed = Card("b", "licensed", "basic", front="Are DOs fully licensed physicians?",
                    back="Yes. DOs are fully licensed physicians.")
    library = flashcards(*BOARDS, licensed)
    items = [Item("b", c.id) for c in (*BOARDS, licensed)]
    for seed in SEEDS:
        maker = QuestionMaker(library, seed)
        comlex = maker.multiple_choice(Item("b", "comlex"))  # asked alike: each other's choices
        assert sorted(comlex.choices) == ["AACOM", "ACGME", "NBME", "NBOME"]
        assert maker.multiple_choice(Item("b", "licensed")) is None
        assert Item("b", "licensed") not in {q.item for q in maker.questions(items)}
        assert Item("b", "licensed") in {q.item for q in maker.questions(items, typed=True)}
        exam = make_exam(library, items, 10, seed=seed)
        assert {q.item.card_id for q in exam.questions} == {c.id for c in BOARDS}


def test_three_is_the_least_kin_that_makes_a_question():
    library = flashcards(*BOARDS[:3])  # each has two of its kind, not three
    for seed in SEEDS:
        maker = QuestionMaker(library, seed)
        assert [maker.multiple_choice(Item("b", c.id)) for c in BOARDS[:3]] == [None] * 3


def test_a_sentence_is_never_a_wrong_choice_among_names():
    long_ = Card("b", "long", "basic", front="Which organization accredited osteopathic "
                 "residencies before 2020?", back="The American Osteopathic Association, through "
                 "its own accreditation of graduate medical education programs")
    library = flashcards(*BOARDS, long_)
    for seed in SEEDS:
        maker = QuestionMaker(library, seed)
        assert maker.multiple_choice(Item("b", "long")) is None  # no answer of its length
        assert long_.back not in maker.multiple_choice(Item("b", "comlex")).choices


@pytest.mark.parametrize("opening_word", ["Is", "Does"])
def test_yes_no_answers_are_offered_only_with_yes_no_answers(opening_word):
    asked = [Card("b", f"q{n}", "basic", front=f"{opening_word} OMT {topic}?", back=back)
             for n, (topic, back) in enumerate([
                 ("help everyone", "No, not every patient."),
                 ("need a referral everywhere", "No, it depends on the plan."),
                 ("take one visit usually", "No, often several visits."),
                 ("belong to osteopathic care", "Yes, it is one part of it.")])]
    name = Card("b", "n", "basic", front=f"{opening_word} OMT have a short name?", back="OMT")
    library = flashcards(*asked, name)
    for seed in SEEDS:
        maker = QuestionMaker(library, seed)
        question = maker.multiple_choice(Item("b", "q3"))
        assert len(question.choices) == 4 and all(yes_no(c) for c in question.choices)
        assert maker.multiple_choice(Item("b", "n")) is None


def test_a_basic_cards_own_distractors_are_its_choices(write_deck):
    path = write_deck("""\
deck: b
title: Boards
sources: [{id: nbome, citation: NBOME bulletin}]
cards:
  - id: comlex
    front: Which exam series is the pathway to licensure for osteopathic physicians?
    back: COMLEX-USA
    distractors: [USMLE, MCAT]
    source: nbome
  - id: licensed
    front: Are DOs fully licensed physicians?
    back: Yes.
    source: nbome
""")
    library = load_library([path.parent])
    for seed in SEEDS:
        question = QuestionMaker(library, seed).multiple_choice(Item("b", "comlex"))
        assert sorted(question.choices) == ["COMLEX-USA", "MCAT", "USMLE"]


def test_reverse_cards_are_asked_among_other_reverse_cards_the_same_way_round():
    pairs = [("HVLA", "High-velocity, low-amplitude"), ("BLT", "Balanced ligamentous tension"),
             ("FPR", "Facilitated positional release"), ("OCF", "Osteopathy in the cranial field")]
    cards = [Card("b", name.lower(), "reverse", front=name, back=words) for name, words in pairs]
    basic = Card("b", "me", "basic", front="Which technique uses isometric contraction?",
                 back="Muscle energy")
    defined = Card("b", "sd", "reverse", front="Somatic dysfunction", back="Impaired or altered "
                   "function of related components of the body framework system")
    library = flashcards(*cards, basic, defined)
    for seed in SEEDS:
        maker = QuestionMaker(library, seed)
        forward = maker.multiple_choice(Item("b", "hvla", 0))
        backward = maker.multiple_choice(Item("b", "hvla", 1))
        assert set(forward.choices) == {words for _, words in pairs}
        assert set(backward.choices) == {name for name, _ in pairs}
        # A definition among expansions of abbreviations would stand out by its length alone.
        assert maker.multiple_choice(Item("b", "sd", 0)) is None
