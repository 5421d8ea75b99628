"""Quizzes and exams over every bundled deck never give an answer away (issue 15 §3).

Checked from what a student is shown, not from the code that chooses: the prompt's HTML as
displayed with the explanation shown after answering, and every answer a question takes as
right. Twenty seeds each of a 50-question
multiple-choice quiz, typed quiz and exam over all the bundled decks.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import pytest

from omtquiz.decks.format.library import load_library
from omtquiz.decks.model import Library
from omtquiz.decks.render import normalise
from omtquiz.study.quiz import QuestionMaker, make_exam

BUNDLED = Path(__file__).resolve().parents[2] / "decks"
LENGTH = 50
SEEDS = range(20)


@lru_cache(maxsize=1)
def bundled() -> Library:
    return load_library([BUNDLED])


def all_items(library: Library):
    return [item for deck in library.decks for item in deck.items()]


def shown_words(*parts_html: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", " ".join(parts_html)))
    return f" {normalise(text)} "


def explanation_only(question) -> str:
    """The explanation shown after answering, without the line of its own sourced answers."""
    return re.sub(r'<p class="versions">.*?</p>', "", question.explanation_html, flags=re.S)


def fact_of(library: Library, question) -> tuple[str, str]:
    card = library.card(question.item)
    if card.type == "drill":  # each kind of a drill is a skill asked as a fresh case
        return card.deck_id, f"drill {question.item.key}"
    # A generated card's id is <record id>--<rule id>: one record, one fact.
    return card.deck_id, (f"record {card.record}" if card.record else f"card {card.id}")


def check(library: Library, questions) -> None:
    assert len(questions) == LENGTH
    facts = [fact_of(library, q) for q in questions]
    repeated = {f for f in facts if facts.count(f) > 1}
    assert not repeated, f"two questions from one card or record: {repeated}"
    for i, asking in enumerate(questions):
        stem = shown_words(asking.prompt_html, explanation_only(asking))
        for j, other in enumerate(questions):
            if i == j:
                continue
            for answer in (other.answer, *other.accepted):
                words = normalise(answer)
                assert not words or f" {words} " not in stem, (
                    f"{asking.item.key} shows '{answer}', the answer of {other.item.key}")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_quiz_of_fifty_over_every_deck_gives_nothing_away(seed):
    library = bundled()
    items = all_items(library)
    check(library, QuestionMaker(library, seed=seed).questions(items, limit=LENGTH))
    check(library, QuestionMaker(library, seed=seed).questions(items, typed=True, limit=LENGTH))


@pytest.mark.parametrize("seed", SEEDS)
def test_an_exam_of_fifty_over_every_deck_gives_nothing_away(seed):
    library = bundled()
    exam = make_exam(library, all_items(library), LENGTH, seed=seed, time_limit_s=3600)
    check(library, exam.questions)
    assert exam.time_limit_s == 3600


def test_the_check_finds_a_give_away_when_there_is_one():
    """The check above can fail: without the rule, a quiz over the bundled decks does give
    answers away (the chooser is bypassed by asking for every item)."""
    library = bundled()
    maker = QuestionMaker(library, seed=0)
    every = [q for item in all_items(library)[:400] if (q := maker.multiple_choice(item))]
    with pytest.raises(AssertionError, match="two questions from one card or record"):
        check(library, every[:LENGTH])
    one_each = list({fact_of(library, q): q for q in every}.values())[:LENGTH]
    with pytest.raises(AssertionError, match="the answer of"):
        check(library, one_each)
