"""Lints: each fires on a deck written to trip it, at the card's line, and none on decks/."""

from __future__ import annotations

import textwrap

import pytest

from conftest import BUNDLED_DECKS, run_cli
from omtquiz.decks.format.library import load_library
from omtquiz.decks.format.lint import lint_library, plain_text, sentence_count
from omtquiz.decks.model import Severity

HEAD = """\
deck: {deck}
title: Lint test
sources:
  - id: s
    citation: A source
cards:
"""


def write(folder, name: str, body: str, deck: str = "lint-test"):
    path = folder / name
    path.write_text(HEAD.format(deck=deck) + textwrap.dedent(body), encoding="utf-8")
    return path


def lints(*paths):
    library = load_library(paths)
    assert not [d for d in library.diagnostics if d.is_error], library.diagnostics
    return lint_library(library)


def only(found, fragment: str):
    hits = [d for d in found if fragment in d.message]
    assert len(hits) == 1, [str(d) for d in found]
    assert hits[0].severity is Severity.WARNING
    return hits[0]


def test_bundled_decks_are_quiet():
    found = lint_library(load_library([BUNDLED_DECKS]))
    assert found == [], "\n".join(str(d) for d in found)


def test_identical_question_in_another_deck_points_at_the_first(tmp_path):
    first = write(tmp_path, "a.yaml", """\
        - id: tenets
          front: How many tenets of osteopathic medicine are there?
          back: Four
          source: s
        """, deck="first")
    write(tmp_path, "b.yaml", """\
        - id: filler
          front: What does OMT stand for?
          back: Osteopathic manipulative treatment
          source: s
        - id: tenets-again
          front: "How many *tenets* of osteopathic medicine are there ?"
          back: There are four.
          source: s
        """, deck="second")
    hit = only(lints(tmp_path), "the same question as")
    assert (hit.file, hit.line, hit.card_id) == (str(tmp_path / "b.yaml"), 11, "tenets-again")
    assert f"asks the same question as card 'tenets' at {first}:7;" in hit.message


def test_near_identical_question_with_a_typo(tmp_path):
    write(tmp_path, "a.yaml", """\
        - id: one
          front: Which technique uses pumping to clear lymphatic congestion?
          back: Lymphatic pump
          source: s
        - id: two
          front: Which tecnique uses pumping to clear lymphatic congestion?
          back: The lymphatic pump
          source: s
        """)
    hit = only(lints(tmp_path), "nearly the same question as card 'one'")
    assert (hit.line, hit.card_id) == (11, "two")


@pytest.mark.parametrize(("second", "back"), [
    ("What do the sources say about the risks of soft tissue technique?", "None stated"),
    ("What do the sources say about the risks of Still technique at T5?", "None stated"),
    ("What do the sources say about the risks of articulatory technique?", "Something else"),
])
def test_parallel_questions_are_not_duplicates(tmp_path, second, back):
    write(tmp_path, "a.yaml", f"""\
        - id: one
          front: What do the sources say about the risks of Still technique at T4?
          back: None stated
          source: s
        - id: two
          front: {second}
          back: {back}
          source: s
        """)
    assert lints(tmp_path) == []


def test_mcqs_with_one_stem_and_different_answers_are_not_duplicates(tmp_path):
    write(tmp_path, "a.yaml", """\
        - id: one
          type: mcq
          question: Which of these is a contraindication to HVLA?
          answer: Severe osteoporosis
          distractors: [Low back pain, Neck stiffness]
          source: s
        - id: two
          type: mcq
          question: Which of these is a contraindication to HVLA?
          answer: Vertebral fracture
          distractors: [Muscle spasm, Neck stiffness]
          source: s
        """)
    assert lints(tmp_path) == []


def test_overlong_back_by_length_and_by_sentences(tmp_path):
    long_back = "Word " * 70
    write(tmp_path, "a.yaml", f"""\
        - id: long
          front: What is long?
          back: {long_back}
          source: s
        - id: sentences
          front: What has many sentences?
          back: One thing. Two things. Three things. Four things.
          source: s
        - id: abbreviations
          front: What has abbreviations?
          back: Spinal manipulation, e.g. HVLA, per Still A. T. et al. in 1874 vs. now.
          source: s
        """)
    found = lints(tmp_path)
    assert {d.card_id for d in found} == {"long", "sentences"}
    assert only(found, "the back is 349 characters").line == 7
    assert only(found, "in 4 sentence(s)").line == 11


def test_overlong_reverse_front_is_recalled_too(tmp_path):
    write(tmp_path, "a.yaml", f"""\
        - id: rev
          type: reverse
          front: {"A long definition to recall. " * 12}
          back: Term
          source: s
        """)
    assert "the front (asked in reverse)" in only(lints(tmp_path), "reverse").message


def test_distractor_that_differs_from_the_answer_only_in_punctuation(tmp_path):
    write(tmp_path, "a.yaml", """\
        - id: m
          type: mcq
          question: Which technique pumps lymph?
          answer: Lymphatic pump
          distractors: [Lymphatic pump., Rib raising, Rib-raising, Muscle energy]
          source: s
        """)
    found = lints(tmp_path)
    assert only(found, "says the same as the answer").line == 7
    assert only(found, "'Rib raising' and 'Rib-raising' are the same choice").line == 7


def test_a_basic_cards_distractors_are_linted_like_an_mcqs(tmp_path):
    write(tmp_path, "a.yaml", """\
        - id: b
          front: Which technique pumps lymph from the thorax?
          back: Thoracic pump
          distractors: [Thoracic pump., Rib raising, Rib-raising]
          source: s
        - id: long
          front: What is counterstrain?
          back: Holding a tender point in a position of ease for ninety seconds
          distractors: [HVLA, Massage, Stretching]
          source: s
        """)
    found = lints(tmp_path)
    hit = only(found, "says the same as the answer")
    assert (hit.line, hit.card_id) == (7, "b") and "'Thoracic pump'" in hit.message
    assert only(found, "'Rib raising' and 'Rib-raising' are the same choice").line == 7
    assert only(found, "is far longer than every distractor").card_id == "long"


def test_duplicate_distractors_the_loader_reports_are_not_reported_again(tmp_path):
    path = write(tmp_path, "a.yaml", """\
        - id: m
          type: mcq
          question: Which technique pumps lymph?
          answer: Lymphatic pump
          distractors: [Rib raising, rib raising, Muscle energy]
          source: s
        """)
    library = load_library([path])
    assert [d.message for d in library.diagnostics] == [
        "cards[0].distractors: 'rib raising' is given twice"]
    assert lint_library(library) == []


def test_length_giveaway_both_ways(tmp_path):
    write(tmp_path, "a.yaml", """\
        - id: long-answer
          type: mcq
          question: What is counterstrain?
          answer: Holding a tender point in a position of ease for ninety seconds
          distractors: [HVLA, Massage, Stretching]
          source: s
        - id: short-distractor
          type: mcq
          question: Which technique adds an activating force to a position of ease?
          answer: Facilitated positional release
          distractors: [Strain-counterstrain, Muscle energy technique, HVLA]
          source: s
        - id: fine
          type: mcq
          question: Which technique lifts the ribs?
          answer: Rib raising
          distractors: [HVLA, Muscle energy, Myofascial release]
          source: s
        """)
    found = lints(tmp_path)
    assert "is far longer than every distractor" in only(found, "long-answer").message
    hit = only(found, "short-distractor")
    assert "distractor 'HVLA' (4) is far shorter than the answer (30 characters)" in hit.message
    assert hit.line == 13


def test_the_lint_and_generated_choices_share_one_giveaway_rule(tmp_path, monkeypatch):
    from omtquiz.decks.format import facts

    write(tmp_path, "a.yaml", """\
        - id: short-distractor
          type: mcq
          question: Which technique adds an activating force to a position of ease?
          answer: Facilitated positional release
          distractors: [Strain-counterstrain, Muscle energy technique, HVLA]
          source: s
        """)
    only(lints(tmp_path), "far shorter than the answer")
    monkeypatch.setattr(facts, "GIVEAWAY_CHARS", 1000)
    assert not [d for d in lints(tmp_path) if "alike in length" in d.message]


def test_cloze_deletion_that_hides_most_of_the_text(tmp_path):
    write(tmp_path, "a.yaml", """\
        - id: most
          type: cloze
          text: "{{c1::Muscle energy uses the patient's own isometric contraction}} here."
          source: s
        - id: spread
          type: cloze
          text: "{{c1::Muscle energy}} uses {{c2::the patient's own}} {{c3::contraction}}."
          source: s
        """)
    hit = only(lints(tmp_path), "deletion c1 hides")
    assert (hit.card_id, hit.line) == ("most", 7)


def test_validate_strict_turns_lints_into_errors(tmp_path):
    write(tmp_path, "a.yaml", """\
        - id: m
          type: mcq
          question: Which technique pumps lymph?
          answer: Lymphatic pump
          distractors: [Lymphatic pump!, Rib raising]
          source: s
        """)
    assert run_cli("validate", str(tmp_path)).returncode == 0
    strict = run_cli("validate", str(tmp_path), "--strict")
    assert strict.returncode == 1
    assert ":7:1: error: card 'm': distractor 'Lymphatic pump!' says the same" in strict.stdout


def test_plain_text_and_sentences():
    assert plain_text("**Bold** [link](http://x) <b>x</b> {{c1::gone::hint}} &amp;") == (
        "Bold link x gone &")
    assert sentence_count("Dr. Still founded it. It grew. e.g. here") == 2
    assert sentence_count("No stop at all") == 1


# -- across decks, and facts that differ between sources -------------------------------------
def test_a_near_duplicate_in_another_deck_is_found_by_validate_strict(tmp_path):
    write(tmp_path, "a.yaml", """\
        - id: cri
          front: What is the rate of the cranial rhythmic impulse?
          back: 10-14 cycles per minute
          source: s
        """, deck="cranial")
    write(tmp_path, "b.yaml", """\
        - id: cri-again
          front: What is the rate of the cranial rythmic impulse?
          back: 10-14 cycles a minute
          source: s
        """, deck="review")
    hit = only(lints(tmp_path), "nearly the same question as card 'cri'")
    assert (hit.file, hit.line) == (str(tmp_path / "b.yaml"), 7)
    strict = run_cli("validate", str(tmp_path), "--strict")
    assert strict.returncode == 1
    assert f"{tmp_path / 'b.yaml'}:7:1: error: card 'cri-again': asks nearly" in strict.stdout


APPENDIX = """\
    - id: {id}
      front: What is the viscerosomatic level of the appendix?
      {answer}
      source: s
    """


@pytest.mark.parametrize("front", [
    "What is the viscerosomatic level of the appendix?",
    "What is the viscerosomatic level for the appendix?",  # a filler word apart
])
def test_two_cards_that_answer_one_question_differently_are_a_conflict(tmp_path, front):
    write(tmp_path, "a.yaml", APPENDIX.format(id="one", answer="back: T12"), deck="first")
    write(tmp_path, "b.yaml", APPENDIX.format(id="two", answer="back: T10").replace(
        "What is the viscerosomatic level of the appendix?", front), deck="second")
    hit = only(lints(tmp_path), "asks what card 'one'")
    assert (hit.file, hit.line, hit.card_id) == (str(tmp_path / "b.yaml"), 7, "two")
    assert "answers 't10' where it answers 't12'" in hit.message
    assert "give each source's answer with 'versions:'" in hit.message


def test_a_conflict_explained_by_versions_is_only_a_duplicate(tmp_path):
    two_sources = (HEAD.replace("cards:\n", "  - id: t\n    citation: Another table\ncards:\n"))
    (tmp_path / "a.yaml").write_text(two_sources.format(deck="first") + textwrap.dedent("""\
        - id: one
          front: What is the viscerosomatic level of the appendix?
          source: s
          versions:
            - {source: s, answer: T12}
            - {source: t, answer: T10}
        """), encoding="utf-8")
    write(tmp_path, "b.yaml", APPENDIX.format(id="two", answer="back: T10"), deck="second")
    found = lints(tmp_path)
    assert not [d for d in found if "asks what card" in d.message]
    only(found, "asks the same question as card 'one'")  # still asked twice


def test_clozes_that_fill_one_blank_differently_are_a_conflict(tmp_path):
    write(tmp_path, "a.yaml", """\
        - id: one
          type: cloze
          text: "The appendix's viscerosomatic level is {{c1::T12}}."
          source: s
        """, deck="first")
    write(tmp_path, "b.yaml", """\
        - id: two
          type: cloze
          text: "The appendix's viscerosomatic level is {{c1::T10}}."
          source: s
        """, deck="second")
    hit = only(lints(tmp_path), "fills deletion c1 with 't10' where card 'one'")
    assert (hit.line, hit.card_id) == (7, "two")


def test_mcqs_that_call_each_others_answer_wrong_are_a_conflict(tmp_path):
    write(tmp_path, "a.yaml", """\
        - id: one
          type: mcq
          question: Which level is viscerosomatic for the appendix?
          answer: T12
          distractors: [T10, T1-T4]
          source: s
        - id: two
          type: mcq
          question: Which level is viscerosomatic for the appendix?
          answer: T10
          distractors: [T12, T1-T4]
          source: s
        """)
    assert only(lints(tmp_path), "asks what card 'one'").card_id == "two"


def test_the_same_words_in_another_order_ask_another_question(tmp_path):
    write(tmp_path, "a.yaml", """\
        - id: one
          front: L5 is neutral, rotated right, sidebent left. Which sacral torsion?
          back: Left on left
          source: s
        - id: two
          front: L5 is neutral, rotated left, sidebent right. Which sacral torsion?
          back: Right on right
          source: s
        """)
    assert lints(tmp_path) == []
