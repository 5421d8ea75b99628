"""Drills in quizzes and exams: fresh seeded cases, near-miss choices, typed notation, by region."""

from __future__ import annotations

from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.model import Library
from omtquiz.drills import REGIONS, solve
from omtquiz.study.quiz import Exam, QuestionMaker, check_answer

DECK = """\
deck: d
title: Drills
sources: [{id: s, citation: C}]
drills:
  - {id: spine, region: spine, kinds: [type II], source: s}
  - {id: sacrum, region: sacrum, source: s}
  - {id: ribs, region: rib, kinds: [exhalation], direction: name_to_setup, source: s}
"""


def library(write_deck) -> Library:
    return Library((load_deck_file(write_deck(DECK)),))


def test_a_drill_is_asked_as_a_fresh_case_with_near_miss_choices(write_deck):
    lib = library(write_deck)
    items = lib.decks[0].items()
    questions = QuestionMaker(lib, seed=3).questions(items)
    assert len(questions) == len(items) == 6
    for question in questions:
        region, diagnosis = question.drill
        assert len(question.choices) == 4 and question.answer in question.choices
        assert len(set(question.choices)) == 4
        assert question.answer == diagnosis["name"]
        assert "Name the somatic dysfunction" in question.prompt_html  # quizzes ask findings
        assert "set-up" not in question.prompt_html  # not the title of another direction
        assert question.explanation_html
        for wrong in set(question.choices) - {question.answer}:
            assert REGIONS[region].render({"name": wrong}) != diagnosis
    again = QuestionMaker(lib, seed=3).questions(items)
    assert [q.prompt_html for q in again] == [q.prompt_html for q in questions]
    other = QuestionMaker(lib, seed=4).questions(items)
    assert [q.prompt_html for q in other] != [q.prompt_html for q in questions]


def test_the_asked_case_is_the_one_the_rules_solve(write_deck):
    lib = library(write_deck)
    spine = next(i for i in lib.decks[0].items() if i.card_id == "spine")
    for seed in range(10):
        question = QuestionMaker(lib, seed=seed).typed(spine)
        region, diagnosis = question.drill
        assert solve(region, REGIONS[region].findings(diagnosis).value).value == diagnosis
        assert question.choices == ()


def test_typed_drill_answers_are_graded_by_the_rules_in_any_notation(write_deck):
    lib = library(write_deck)
    spine = next(i for i in lib.decks[0].items() if i.card_id == "spine")
    question = QuestionMaker(lib, seed=1).typed(spine)
    diagnosis = question.drill[1]
    words = {"F": "flexed", "E": "extended", "L": "left", "R": "right"}
    spelled = (f"{diagnosis['levels']} {words[diagnosis['position']]} rotated "
               f"{words[diagnosis['rotation']]} sidebent {words[diagnosis['sidebending']]}")
    assert check_answer(question, spelled).correct
    assert check_answer(question, question.answer).correct
    flipped = question.answer.replace("F", "e") if "F" in question.answer else \
        question.answer.replace("E", "f")
    assert not check_answer(question, flipped).correct


def test_exam_report_breaks_drills_out_by_region(write_deck):
    lib = library(write_deck)
    questions = QuestionMaker(lib, seed=2).questions(lib.decks[0].items())
    exam = Exam(questions)
    for index, question in enumerate(questions):
        exam.answer(index, question.answer if question.drill[0] == "sacrum" else "nonsense")
    tags = exam.breakdown(lib)["tag"]
    assert tags["drill: sacrum"] == (4, 4)
    assert tags["drill: spine"] == (0, 1) and tags["drill: rib"] == (0, 1)


MIXED = """\
deck: m
title: Mixed
sources: [{id: s, citation: C}]
cards:
  - {id: a, front: What is OMT?, back: A hands-on treatment, source: s}
  - {id: b, front: What is HVLA?, back: High velocity low amplitude, source: s}
  - {id: c, front: What is ME?, back: Muscle energy, source: s}
drills:
  - {id: t1, region: spine, kinds: [type I], source: s}
  - {id: t2, region: spine, kinds: [type II], source: s}
"""


def test_cards_beside_drills_never_borrow_a_drill_as_a_wrong_choice(write_deck):
    from omtquiz.decks.format.lint import lint_library

    lib = Library((load_deck_file(write_deck(MIXED)),))
    assert lib.files[0].ok and not lib.diagnostics and not lint_library(lib)
    for seed in range(5):
        for question in QuestionMaker(lib, seed=seed).questions(lib.decks[0].items()):
            if question.drill is None:
                assert not any("fresh case" in choice for choice in question.choices)
                assert not any("Diagnosis drill" in choice for choice in question.choices)
