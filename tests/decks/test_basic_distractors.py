"""`distractors:` on a basic card: read like an mcq's, each problem at its file:line:col; the
card stays a flashcard on the review screen."""

from __future__ import annotations

import textwrap

from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.model import Item
from omtquiz.decks.render import render_item

HEAD = """\
deck: boards
title: Boards
sources:
  - id: nbome
    citation: NBOME, COMLEX-USA Bulletin of Information
cards:
"""


def write(tmp_path, body: str):
    path = tmp_path / "boards.yaml"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return path


def found(path) -> list[tuple[int, int, str, str]]:
    return [(d.line, d.column, d.severity.value, d.message)
            for d in load_deck_file(path).diagnostics]


def test_a_basic_cards_distractors_load_and_it_stays_a_flashcard(tmp_path):
    path = write(tmp_path, """\
        - id: comlex-who
          front: Which organization administers COMLEX-USA?
          back: NBOME
          distractors: [NBME, AACOM, AOA]
          source: nbome
        """)
    loaded = load_deck_file(path)
    assert list(loaded.diagnostics) == []
    card = loaded.deck.card("comlex-who")
    assert (card.type, card.distractors) == ("basic", ("NBME", "AACOM", "AOA"))
    shown = render_item(card, 0, choices=True)  # review asks it as written, no choices
    assert "NBME" not in shown.question + shown.answer and "NBOME" in shown.answer
    assert tuple(card.items()) == (Item("boards", "comlex-who", 0),)


def test_each_problem_is_an_error_at_its_place(tmp_path):
    path = write(tmp_path, """\
        - id: same-as-answer
          front: Which organization administers COMLEX-USA?
          back: NBOME
          distractors: [NBME, nbome]
          source: nbome
        - id: accepted
          front: Which organization administers COMLEX-USA, in full?
          back: NBOME
          accept: [National Board of Osteopathic Medical Examiners]
          distractors: [NBME, national board of osteopathic medical examiners]
          source: nbome
        - id: one-only
          front: Which organization administers the USMLE?
          back: NBME
          distractors: [NBOME]
          source: nbome
        - id: empty
          front: Which body accredits US residencies?
          back: ACGME
          distractors: [AOA, '']
          source: nbome
        """)
    errors = [(line, column, message) for line, column, severity, message in found(path)
              if severity == "error"]
    assert errors == [
        (10, 23, "cards[0].distractors: 'nbome' is the answer itself"),
        (16, 23, "cards[1].distractors: 'national board of osteopathic medical examiners' is "
                 "an accepted answer (accept:): a right answer is never a wrong choice"),
        (21, 16, "cards[2].distractors: a basic card's wrong choices are 2 or more different "
                 "texts (found 1); give more, or leave 'distractors' out"),
        (26, 22, "cards[3].distractors[1]: is empty; expected text"),
    ]
    assert load_deck_file(path).deck.cards == ()  # each card with an error is left out


def test_a_sources_version_of_the_answer_is_never_a_distractor(tmp_path):
    path = tmp_path / "versions.yaml"
    path.write_text(textwrap.dedent("""\
        deck: versions
        title: Versions
        sources: [{id: a, citation: A}, {id: b, citation: B}]
        cards:
          - id: level
            front: Which vertebral level is the reference point asked here?
            versions: [{source: a, answer: T12}, {source: b, answer: T10}]
            distractors: [T4, T10]
            source: a
        """), encoding="utf-8")
    assert [(line, severity, message) for line, _, severity, message in found(path)] == [
        (7, "error", "cards[0].versions: distractor 'T10' is one source's answer: a right "
                     "answer is never a wrong choice")]


def test_a_repeated_distractor_is_flagged_and_given_once(tmp_path):
    path = write(tmp_path, """\
        - id: twice
          front: Which organization administers COMLEX-USA?
          back: NBOME
          distractors: [NBME, AOA, NBME]
          source: nbome
        """)
    assert found(path) == [(10, 28, "warning", "cards[0].distractors: 'NBME' is given twice")]
    assert load_deck_file(path).deck.card("twice").distractors == ("NBME", "AOA")


def test_other_flashcards_do_not_take_distractors(tmp_path):
    path = write(tmp_path, """\
        - id: rev
          type: reverse
          front: NBOME
          back: National Board of Osteopathic Medical Examiners
          distractors: [NBME, AOA]
          source: nbome
        """)
    assert found(path) == [(11, 3, "warning", "cards[0].distractors: 'distractors' belongs to "
                                              "basic or mcq or point cards, not this type; it is "
                                              "ignored")]
    assert load_deck_file(path).deck.card("rev").distractors == ()
