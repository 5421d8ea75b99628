"""Counterstrain set-up drills: the deck's tender point records, the rule, grading, CLI, quiz.

The records are the bundled deck's (decks/22-counterstrain-tender-points.yaml), read through
the real loader; the rule (anterior points in flexion, posterior in extension, exceptions
explained by the record) is checked against every one of them.
"""

from __future__ import annotations

import json
import random

import pytest

from conftest import run_cli
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.model import Library
from omtquiz.drills import counterstrain
from omtquiz.drills.cases import counterstrain_case, generate, grade
from omtquiz.drills.common import Refusal
from omtquiz.drills.present import answer_lines, question_lines
from omtquiz.resources import bundled_decks_dir
from omtquiz.study.quiz import QuestionMaker, check_answer

BUNDLED = bundled_decks_dir() / "22-counterstrain-tender-points.yaml"


@pytest.fixture(scope="module")
def bundled():
    loaded = load_deck_file(BUNDLED)
    assert loaded.ok, loaded.diagnostics
    card = loaded.deck.card("counterstrain-positions")
    return loaded.deck, card


def test_every_tender_point_record_with_a_position_is_drilled(bundled):
    deck, card = bundled
    assert card.drill.families == counterstrain.FAMILIES
    assert len(card.items()) == 4  # one scheduled item per region of points
    names = {p.name for p in card.drill.points}
    # every record but psoas (no treatment field) is a drilled point
    assert len(names) == 29 and "Psoas" not in names
    assert {"AC7", "PC1 inion", "AT1", "PT midline", "AR1", "PR2-PR6", "AL5",
            "LPL5", "Piriformis"} <= names


def test_the_rule_and_the_records_agree_and_the_exceptions_are_the_deck_s_own(bundled):
    deck, card = bundled
    departures = {p.name for p in card.drill.points
                  if p.position.flexion not in (None, counterstrain.RULE[p.view])}
    assert departures == {"PC1 inion", "PR2-PR6", "LPL5", "Piriformis"}
    # the deck's own rule card names the same exceptions (and AC1, mainly rotation)
    rule_card = deck.card("anterior-flexion-rule")
    for name in (*departures, "AC1"):
        assert name.lower() in rule_card.explanation.lower()
    ac1 = next(p for p in card.drill.points if p.name == "AC1")
    assert ac1.position.flexion is None and ac1.position.rotation == "away"
    for point in card.drill.points:
        if point.name in departures:
            assert point.exception  # a departure always says why
        else:
            assert point.position.flexion in (None, counterstrain.RULE[point.view])


@pytest.mark.parametrize(("text", "parts"), [
    ("Flexion, sidebending away, rotation away (F SA RA)",
     {"flexion": "F", "sidebending": "away", "rotation": "away"}),
    ("Extension, sidebending away, rotation toward (E SA RT)",
     {"flexion": "E", "sidebending": "away", "rotation": "toward"}),
    ("Marked rotation away from the point, with little flexion (RA)", {"rotation": "away"}),
    ("Flexion to the level of the point (f-F), fine-tuned with a little sidebending or rotation",
     {"flexion": "F"}),
    ("Extension to the level of the point (e-E)", {"flexion": "E"}),
    ("Prone; hip extended, slightly adducted and externally rotated", {"flexion": "E"}),
    ("Prone with the leg off the table; hip and knee flexed about 90 degrees", {"flexion": "F"}),
])
def test_a_records_treatment_text_reads_as_components(text, parts):
    assert counterstrain.read_position(text).parts() == parts


def test_a_record_that_departs_from_the_rule_unexplained_is_an_error_at_its_line(write_deck):
    path = write_deck("""\
deck: cs
title: CS
sources: [{id: s, citation: A real book}]
records:
  - id: pt
    name: PT9
    view: posterior
    location: Beside the spinous process of T9
    tho_treatment: Flexion, sidebending away, rotation away (F SA RA)
    source: s
generate:
  - {id: where, type: basic, front: "Where is {name}?", back: "{location}"}
drills:
  - {id: cs, region: counterstrain, source: s}
""")
    loaded = load_deck_file(path)
    errors = [d for d in loaded.diagnostics if d.is_error]
    assert errors and errors[0].line == 5  # the record's line
    assert "posterior" in errors[0].message and "exception" in errors[0].message
    fixed = path.read_text().replace("    source: s\n", "    exception: Treated flexed.\n"
                                     "    source: s\n", 1)
    path.write_text(fixed)
    assert load_deck_file(path).ok


@pytest.mark.parametrize(("entry", "says"), [
    ("{id: cs, region: counterstrain, levels: T1-T4, source: s}", "no levels"),
    ("{id: cs, region: counterstrain, direction: findings_to_name, source: s}",
     "name_to_setup"),
    ("{id: cs, region: counterstrain, kinds: [lumbar], source: s}", "not a counterstrain kind"),
    ("{id: cs, region: counterstrain, kinds: [rib], source: s}", "no record"),
])
def test_bad_counterstrain_drill_entries_are_errors(write_deck, entry, says):
    path = write_deck(f"""\
deck: cs
title: CS
sources: [{{id: s, citation: A real book}}]
records:
  - {{id: ac8, name: AC8, view: anterior, location: Medial clavicle,
     cer_treatment: "F SA RA (F SA RA)", source: s}}
generate:
  - {{id: where, type: basic, front: "Where is {{name}}?", back: "{{location}}"}}
drills:
  - {entry}
""")
    loaded = load_deck_file(path)
    assert any(says in d.message for d in loaded.errors), loaded.diagnostics
    assert loaded.deck.card("cs") is None


def test_a_case_asks_the_point_and_answers_with_its_position_rule_and_source(bundled):
    _, card = bundled
    points = card.drill.points
    seen = set()
    for seed in range(60):
        case = generate("counterstrain", seed, ["cervical"], direction="name_to_setup",
                        points=points)
        assert case.family == "cervical" and case.direction == "name_to_setup"
        point = counterstrain.find(points, case.diagnosis["point"])
        asked = "\n".join(question_lines(case))
        assert point.location in asked and point.position.text not in asked
        assert answer_lines(case)[0] == f"Position of ease: {point.position.text}"
        assert case.explanation[-1].startswith("source: ") and point.source in \
            case.explanation[-1]
        seen.add(point.name)
    assert seen == {"AC1", "AC2-AC6", "AC7", "AC8", "PC1 inion"}
    assert generate("counterstrain", 1, direction="name_to_setup", points=points) == \
        generate("counterstrain", 1, direction="name_to_setup", points=points)
    refused = counterstrain_case(points, 1, None, "findings_to_name")
    assert isinstance(refused, Refusal) and refused.usage


def test_grading_marks_each_component_against_the_closest_sourced_version(bundled):
    _, card = bundled
    points = card.drill.points

    def marks(name: str, answer: str) -> dict:
        point = counterstrain.find(points, name)
        result = grade("counterstrain", counterstrain.diagnosis(point), answer)
        return {m.component: m.correct for m in result.marks}

    assert marks("AC7", "F ST RA") == {"flexion": True, "sidebending": True, "rotation": True}
    assert marks("AC7", "F SA RA") == {"flexion": True, "sidebending": False, "rotation": True}
    assert marks("PR2-PR6", "e sa ra") == {"flexion": False, "sidebending": True,
                                           "rotation": True}
    assert marks("AR1", "flexion, sidebend toward, rotate toward") == \
        dict.fromkeys(("flexion", "sidebending", "rotation"), True)
    # sources differ for AC2-AC6: F SA RA and F ST RA are both right
    assert all(marks("AC2-AC6", "FSARA").values()) and all(marks("AC2-AC6", "FSTRA").values())
    assert all(marks("PT midline", "E").values())  # e-E: only the plane the record states
    point = counterstrain.find(points, "AC8")
    unread = grade("counterstrain", counterstrain.diagnosis(point), "upside down")
    assert unread.unread and not unread.correct


def test_mirror_free_components_toward_and_away_swap_the_verdict(bundled):
    """Property: for every point and every answer, flipping one component of a fully right
    answer makes exactly that component wrong."""
    _, card = bundled
    flip = {"F": "E", "E": "F", "toward": "away", "away": "toward"}
    for point in card.drill.points:
        diagnosis = counterstrain.diagnosis(point)
        right = point.position.parts()
        assert grade("counterstrain", diagnosis, right).correct
        for component in right:
            wrong = {**right, component: flip[right[component]]}
            result = grade("counterstrain", diagnosis, wrong)
            if any(wrong == v or all(wrong.get(c) == x for c, x in v.items())
                   for v in diagnosis["versions"]):
                continue  # another source's version says exactly this
            assert {m.component for m in result.marks if not m.correct} == {component}


def test_the_cli_states_set_ups_and_grades_with_exit_codes(tmp_path):
    env_args = ("--data-dir", str(tmp_path / "data"))
    done = run_cli("drill", *env_args, "setup", "counterstrain", "--diagnosis",
                   '{"point": "AC7"}', "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["point"], out["flexion"], out["sidebending"], out["rotation"]) == \
        ("AC7", "F", "toward", "away")
    assert any("exception" in step for step in out["explanation"])
    assert "90 seconds" in out["effort"]
    graded = run_cli("drill", *env_args, "grade", "counterstrain", "--diagnosis",
                     '{"point": "PR2-PR6"}', "--answer", "E SA RA")
    assert graded.returncode == 1 and "flexion: WRONG" in graded.stdout
    case = run_cli("drill", *env_args, "case", "counterstrain", "--seed", "4", "--json")
    assert case.returncode == 0 and json.loads(case.stdout)["region"] == "counterstrain"
    for bad in (("setup", "counterstrain", "--diagnosis", '{"pt": "AC7"}'),
                ("setup", "counterstrain", "--diagnosis", '{"point": "AC99"}'),
                ("setup", "counterstrain", "--diagnosis", "{"),
                ("solve", "counterstrain", "--findings", "{}")):
        refused = run_cli("drill", *env_args, *bad)
        assert refused.returncode == 2, (bad, refused.stdout, refused.stderr)
        assert "Traceback" not in refused.stderr


def test_a_quiz_asks_the_position_with_other_points_positions_as_wrong_choices(bundled):
    deck, card = bundled
    lib = Library((load_deck_file(BUNDLED),))
    items = card.items()
    for seed in range(8):
        maker = QuestionMaker(lib, seed=seed)
        for item in items:
            question = maker.multiple_choice(item)
            region, diagnosis = question.drill
            assert region == "counterstrain"
            assert question.answer in question.choices
            assert len(set(question.choices)) == len(question.choices) >= 3
            for wrong in set(question.choices) - {question.answer}:
                parts = counterstrain.read_position(wrong).parts()
                assert not grade("counterstrain", diagnosis, parts).correct, (diagnosis, wrong)
            typed = maker.typed(item)
            point = counterstrain.find(card.drill.points, typed.drill[1]["point"])
            assert check_answer(typed, point.position.code or "F").correct
    assert len(counterstrain.wrong_choices(counterstrain.diagnosis(card.drill.points[0]),
                                           card.drill.points, 3, random.Random(0))) == 3
