"""Decks with `drills:`: loaded and checked at file:line:col, one item per kind, fresh cases."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import BUNDLED_DECKS
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.render import drill_case, render_item
from omtquiz.drills import REGIONS, solve
from omtquiz.drills.present import case_seed

SCHEMA = Path(__file__).resolve().parents[2] / "omtquiz/decks/format/deck.schema.json"
HEAD = "deck: d\ntitle: Drills\nsources: [{id: s, citation: C}]\ndrills:\n"


def load(write_deck, body: str):
    return load_deck_file(write_deck(HEAD + body))


def messages(deck_file):
    return [f"{d.line}:{d.column}: {d.message}" for d in deck_file.diagnostics]


def test_a_drill_is_one_item_per_kind_and_needs_no_cards(write_deck):
    loaded = load(write_deck, "  - {id: t2, region: spine, kinds: [type II], source: s}\n"
                              "  - {id: sac, region: sacrum, source: s}\n")
    assert loaded.ok and not loaded.diagnostics, messages(loaded)
    t2, sac = loaded.deck.cards
    assert (t2.type, t2.drill.region, t2.drill.families, t2.ords()) == (
        "drill", "spine", ("type II",), (0,))
    assert sac.drill.families == REGIONS["sacrum"].families and sac.ords() == (0, 1, 2, 3)
    assert [i.key for i in loaded.deck.items()][:2] == ["d/t2/0", "d/sac/0"]


@pytest.mark.parametrize(("body", "expected"), [
    ("  - {id: a, region: spleen, source: s}\n", "5:21: drills[0].region: 'spleen' is not one"),
    ("  - {id: a, region: spine, kinds: [type 3], source: s}\n",
     "5:36: drills[0].kinds: 'type 3' is not a spine kind"),
    ("  - {id: a, region: cervical, levels: T5, source: s}\n",
     "5:39: drills[0].levels T5: cervical levels are"),
    ("  - {id: a, region: cervical, kinds: [AA], levels: OA, source: s}\n",
     "drills[0]: no cervical dysfunction of kind 'AA' at levels 'OA'"),
    ("  - {id: a, region: spine, levels: T13, source: s}\n",
     "5:36: drills[0].levels 'T13': expected one of T1..T12"),
    ("  - {id: a, region: cervical, levels: 'OA, C9', source: s}\n",
     "drills[0].levels C9: cervical levels are OA, AA"),
    ("  - {id: a, region: spine, direction: sideways, source: s}\n",
     "5:39: drills[0].direction: 'sideways' is not one of"),
    ("  - {id: a, region: rib, count: 0, source: s}\n", "5:33: drills[0].count: '0' is not"),
    ("  - {id: a, region: rib, source: s}\n  - {id: a, region: pubic, source: s}\n",
     "6:10: drills[1].id: duplicate card id 'a'"),
    ("  - {id: a, region: rib, source: nope}\n", "drills[0].source: unknown source 'nope'"),
    ("  - just text\n", "5:5: drills[0]: a drill must be a mapping"),
])
def test_bad_drill_entries_are_errors_at_their_place(write_deck, body, expected):
    loaded = load(write_deck, body)
    assert any(expected in m for m in messages(loaded)), messages(loaded)
    assert not loaded.ok
    if "source: s}" in body:  # a drill with an error still counts as citing its source
        assert not any("never cited" in m for m in messages(loaded)), messages(loaded)


def test_schema_and_loader_agree_on_drills(write_deck):
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    good = HEAD + "  - {id: a, region: cervical, kinds: [OA, AA], direction: name_to_setup}\n"
    bad = HEAD + "  - {id: a, region: spleen}\n"
    for text, ok in ((good, True), (bad, False)):
        assert (not list(validator.iter_errors(yaml.safe_load(text)))) is ok
        assert load_deck_file(write_deck(text)).ok is ok


def test_each_review_draws_a_fresh_case_that_a_seed_replays(write_deck):
    card = load(write_deck, "  - {id: t, region: spine, source: s}\n").deck.cards[0]
    first = render_item(card, 1, seed=case_seed("d/t/1", 0))
    assert first == render_item(card, 1, seed=case_seed("d/t/1", 0))
    later = {render_item(card, 1, seed=case_seed("d/t/1", reps)).question for reps in range(8)}
    assert len(later) > 4
    case = drill_case(card, 1, case_seed("d/t/1", 3))
    assert case.family == "type II"
    assert solve("spine", case.findings).value == case.diagnosis
    assert case.diagnosis["name"] in render_item(card, 1, seed=case_seed("d/t/1", 3)).answer
    assert "rotated" in first.explanation and "case seed" in first.explanation


def test_the_bundled_drills_deck_covers_every_region_and_direction():
    loaded = load_deck_file(BUNDLED_DECKS / "30-diagnosis-drills.yaml")
    assert loaded.ok and not loaded.diagnostics
    drills = [c.drill for c in loaded.deck.cards if c.type == "drill"]
    assert {d.region for d in drills} == set(REGIONS)
    assert {d.direction for d in drills} == {"findings_to_name", "name_to_findings",
                                             "name_to_setup"}
    covered = {(d.region, f) for d in drills for f in d.families}
    assert covered == {(r, f) for r, region in REGIONS.items() for f in region.families}
    for card in loaded.deck.cards:
        for ord_ in card.ords():
            for reps in range(3):
                rendered = render_item(card, ord_, seed=case_seed(f"x/{card.id}/{ord_}", reps))
                assert rendered.question and rendered.answer and rendered.explanation


def test_the_printed_seed_replays_the_review_case_on_the_command_line(write_deck, capsys):
    import shlex

    from omtquiz.drills.command import main

    card = load(write_deck, "  - {id: c, region: cervical, levels: 'OA, C3', source: s}\n"
                ).deck.cards[0]
    for ord_ in card.ords():
        seed = case_seed(f"d/c/{ord_}", 4)
        case = drill_case(card, ord_, seed)
        explanation = render_item(card, ord_, seed=seed).explanation
        hint = explanation.split("<small>")[1].split("</small>")[0].replace("&#x27;", "'")
        argv = shlex.split(hint.split(": ", 1)[1])[2:]  # drop "omtquiz drill"
        assert main([*argv, "--json"]) == 0
        replayed = json.loads(capsys.readouterr().out)
        assert replayed["diagnosis"] == case.diagnosis and replayed["seed"] == seed
