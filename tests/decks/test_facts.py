"""Records and generate rules: cards made from facts written once, with ids that keep progress."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omtquiz.decks.format.lint import lint_library
from omtquiz.decks.format.loader import INTERNAL_ERROR, load_deck_file
from omtquiz.decks.format.writer import SCHEMA_PATH
from omtquiz.decks.model import Item, Library, Severity
from omtquiz.study.quiz import QuestionMaker

DECK = """\
deck: techniques
title: Techniques
sources:
  - id: cc
    citation: Cleveland Clinic
records:
  - id: muscle-energy
    name: Muscle energy
    description: The patient contracts a muscle against the physician's counterforce.
    method: direct
    contraindications: [Recent fracture of the area, Severe osteoporosis]
    source: cc
    tags: [muscle-energy]
  - id: counterstrain
    name: Counterstrain
    description: The physician holds a tender point in a position of ease for 90 seconds.
    method: indirect
    contraindications: [Severe osteoporosis, Unstable joint]
    source: cc
  - id: rib-raising
    name: Rib raising
    description: The physician gently lifts the ribs to open the ribcage.
    method: direct
    source: cc
  - id: lymphatic-pump
    name: Lymphatic pump
    description: Pumping on the feet, chest or abdomen to clear lymph.
    contraindications: [Untreated infection, Unstable joint]
    source: cc
generate:
  - id: name-from-description
    type: mcq
    question: "Which technique is this? {description}"
    answer: "{name}"
    distractors_from: name
  - id: contraindication-of
    type: mcq
    question: "Which of these is a contraindication to {name}?"
    answer_from: contraindications
    distractors_from: contraindications
  - id: method
    type: cloze
    text: "{name} is a {{c1::{method}}} technique."
  - id: what-is
    type: reverse
    front: "{name}"
    back: "{description}"
    tags: [definition]
cards:
  - id: written-by-hand
    front: What does OMT stand for?
    back: Osteopathic manipulative treatment
    source: cc
"""


def load(tmp_path, text: str, name: str = "deck.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_deck_file(path)


def errors(result) -> list[tuple[int, str]]:
    return [(d.line, d.message) for d in result.diagnostics if d.severity is Severity.ERROR]


def test_each_rule_makes_a_card_per_record_that_has_its_fields(tmp_path):
    result = load(tmp_path, DECK)
    assert result.diagnostics == ()
    deck = result.deck
    ids = [c.id for c in deck.cards]
    assert ids[0] == "written-by-hand"
    assert ids[1:] == [
        "muscle-energy--name-from-description", "counterstrain--name-from-description",
        "rib-raising--name-from-description", "lymphatic-pump--name-from-description",
        "muscle-energy--contraindication-of", "counterstrain--contraindication-of",
        "lymphatic-pump--contraindication-of",  # rib raising lists no contraindications
        "muscle-energy--method", "counterstrain--method", "rib-raising--method",
        "muscle-energy--what-is", "counterstrain--what-is", "rib-raising--what-is",
        "lymphatic-pump--what-is",
    ]
    me = deck.card("muscle-energy--name-from-description")
    assert (me.type, me.answer, me.line, me.source) == ("mcq", "Muscle energy", 7, "cc")
    assert me.question == ("Which technique is this? The patient contracts a muscle against the "
                           "physician's counterforce.")
    assert sorted(me.distractors) == ["Counterstrain", "Lymphatic pump", "Rib raising"]
    assert me.tags == ("muscle-energy",)
    assert deck.card("counterstrain--method").text == (
        "Counterstrain is a {{c1::indirect}} technique.")
    what = deck.card("rib-raising--what-is")
    assert (what.type, what.front, what.tags, what.line) == (
        "reverse", "Rib raising", ("definition",), 20)


def test_distractors_are_never_true_of_the_record(tmp_path):
    deck = load(tmp_path, DECK).deck
    counterstrain = deck.card("counterstrain--contraindication-of")
    assert counterstrain.answer == "Severe osteoporosis"  # the first of its list
    assert "Unstable joint" not in counterstrain.distractors
    assert set(counterstrain.distractors) == {"Recent fracture of the area", "Untreated infection"}
    pump = deck.card("lymphatic-pump--contraindication-of")
    assert set(pump.distractors) == {"Recent fracture of the area", "Severe osteoporosis"}


def test_ids_and_cards_survive_an_edit_of_an_unrelated_record(tmp_path):
    before = load(tmp_path, DECK, "before.yaml").deck
    edited = DECK.replace("Pumping on the feet, chest or abdomen to clear lymph.",
                          "Rhythmic pressure on the chest or feet that moves lymph.")
    edited = edited.replace("generate:\n", "  - id: hvla\n    name: HVLA\n    description: A "
                            "quick thrust through the barrier.\n    source: cc\ngenerate:\n")
    after = load(tmp_path, edited, "after.yaml").deck
    for card in before.cards:
        kept = after.card(card.id)
        assert kept is not None, card.id
        if not card.id.startswith("lymphatic-pump"):
            assert (kept.prompt_text, kept.answer_text) == (
                card.prompt_text, card.answer_text), card.id
    assert after.card("hvla--name-from-description") is not None
    moved = [c.id for c in before.cards if c.distractors != after.card(c.id).distractors]
    assert len(moved) <= 2, moved  # a new record displaces a choice only where it ranks first


def test_generated_cards_study_and_quiz_like_any_card(tmp_path):
    result = load(tmp_path, DECK)
    library = Library((result,))
    item = Item("techniques", "counterstrain--contraindication-of")
    question = QuestionMaker(library, seed=3).multiple_choice(item)
    assert question.answer == "Severe osteoporosis"
    assert {"Recent fracture of the area", "Untreated infection"} <= set(question.choices)
    assert "Unstable joint" not in question.choices
    assert Item("techniques", "muscle-energy--what-is", 1) in result.deck.items()


def test_generated_cards_export_to_anki(tmp_path):
    from anki.collection import (
        Collection,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )

    from omtquiz.interop.anki_export import export_apkg

    deck = load(tmp_path, DECK).deck
    export_apkg([deck], tmp_path / "t.apkg")
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(tmp_path / "t.apkg"), options=ImportAnkiPackageOptions()))
        assert col.note_count() == len(deck.cards)
        fronts = " ".join(" ".join(col.get_note(nid).fields) for nid in col.find_notes(""))
        assert "Which of these is a contraindication to Counterstrain?" in fronts
    finally:
        col.close()


def test_generated_cards_are_lint_clean_and_choices_alike_in_length(tmp_path):
    result = load(tmp_path, DECK)
    assert lint_library(Library((result,))) == []


def test_a_deck_of_only_generated_cards_needs_no_cards_list(tmp_path):
    text = DECK[:DECK.index("cards:\n")]
    result = load(tmp_path, text)
    assert result.ok, result.diagnostics
    assert len(result.deck.cards) == 14


@pytest.mark.parametrize(("edit", "line", "message"), [
    (("question: \"Which technique is this? {description}\"",
      "question: \"Which technique is this? {descripton}\""), 33,
     "generate[0].question: no record has a field 'descripton' (did you mean 'description'?)"),
    (("  - id: counterstrain\n", "  - id: muscle-energy\n"), 14,
     "records[1].id: duplicate record id 'muscle-energy' (first used at line 7)"),
    (("  - id: counterstrain\n", "  - id: Counter_strain\n"), 14,
     "records[1].id: 'Counter_strain' is not a slug"),
    (("    source: cc\n    tags: [muscle-energy]", "    source: ccc\n    tags: [muscle-energy]"),
     12, "records[0].source: unknown source 'ccc' (did you mean 'cc'?) (known: cc)"),
    (("answer_from: contraindications\n", "answer_from: contraindication\n"), 39,
     "generate[1].answer_from: no record has a field 'contraindication'"),
    (("    answer: \"{name}\"\n", ""), 31, "generate[0]: missing 'answer'"),
    (("    type: cloze\n", "    type: clozed\n"), 42, "generate[2].type: 'clozed' is not one of"),
    (("{name} is a {{c1::{method}}} technique.", "{name} is a {method} technique."), 43,
     "generate[2].text: a cloze needs at least one deletion"),
    (("  - id: written-by-hand\n", "  - id: rib-raising--method\n"), 20,
     "records[2]: rule 'method' makes card id 'rib-raising--method', already used at line 50"),
    (("    contraindications: [Recent fracture of the area, Severe osteoporosis]\n",
      "    contraindications: {a: b}\n"), 11,
     "records[0].contraindications: unknown source 'a'"),
])
def test_mistakes_are_reported_at_their_line(tmp_path, edit, line, message):
    old, new = edit
    assert old in DECK
    result = load(tmp_path, DECK.replace(old, new, 1))
    found = errors(result)
    assert any(n == line and message in m for n, m in found), found


def test_warnings_for_rules_and_records_that_make_nothing(tmp_path):
    text = DECK.replace("  - id: what-is\n", "  - id: nothing\n    type: basic\n    front: "
                        "\"{name}\"\n    back: \"{year}\"\n  - id: what-is\n")
    text = text.replace("    name: Rib raising\n", "    name: Rib raising\n    year: 1900\n")
    text = text.replace("    method: direct\n    source: cc\n", "    method: direct\n", 1)
    result = load(tmp_path, text)
    warnings = [(d.line, d.message) for d in result.diagnostics if not d.is_error]
    assert (20, "records[2]: record has no source (every fact needs one)") in warnings
    assert result.deck.card("rib-raising--nothing").back == "1900"
    only_records = load(tmp_path, DECK[:DECK.index("generate:\n")] + "cards: []\n", "r.yaml")
    assert [(d.line, d.message) for d in only_records.diagnostics] == [
        (4, "sources: 'cc' is never cited by a card"),
        (6, "records: no `generate:` rules make cards from these records"),
        (30, "cards: the list is empty")]


@pytest.mark.parametrize(("empty", "column"), [("    source:\n", 12), ("    source: \"\"\n", 13)])
def test_a_record_with_an_empty_source_is_warned_like_one_without(tmp_path, empty, column):
    text = DECK.replace("    method: direct\n    source: cc\n", f"    method: direct\n{empty}", 1)
    result = load(tmp_path, text)
    found = [(d.line, d.column, d.severity, d.message) for d in result.diagnostics
             if "no source" in d.message]
    assert found == [(24, column, Severity.WARNING,
                      "records[2]: record has no source (every fact needs one)")]
    assert result.deck.card("rib-raising--method").source is None


def test_a_cloze_rule_or_record_numbered_c0_makes_no_card(tmp_path):
    rule = load(tmp_path, DECK.replace("{{c1::{method}}}", "{{c0::{method}}}"))
    assert errors(rule) == [(43, "generate[2].text: {{c0::...}}: cloze numbers start at 1, as "
                                 "in {{c1::answer}}")]
    assert not [c for c in rule.deck.cards if c.type == "cloze"]
    field = load(tmp_path, DECK.replace("    name: Counterstrain\n",
                                        "    name: \"{{c0::Counter}}strain\"\n"), "f.yaml")
    assert errors(field) == [(14, "records[1]: rule 'method' makes card 'counterstrain--method' "
                                  "with {{c0::...}}: cloze numbers start at 1, as in "
                                  "{{c1::answer}} (from this record's fields)")]
    assert field.deck.card("counterstrain--method") is None
    assert field.deck.card("muscle-energy--method") is not None
    for result in (rule, field):
        assert all(i.ord >= 0 for c in result.deck.cards for i in c.items())


def test_no_wrong_choice_left_means_no_card_and_a_warning(tmp_path):
    text = DECK.replace("Unstable joint]", "Recent fracture of the area, Untreated infection]")
    result = load(tmp_path, text)
    assert result.deck.card("counterstrain--contraindication-of") is None
    assert any("rule 'contraindication-of' finds no wrong choice for 'counterstrain'"
               in d.message for d in result.diagnostics)


@pytest.mark.parametrize(("name", "text"), [
    ("good-records", DECK),
    ("good-only-generated", DECK[:DECK.index("cards:\n")]),
    ("bad-record-without-id", DECK.replace("  - id: rib-raising\n", "  - ident: rib-raising\n")),
    ("bad-rule-mcq-without-answer", DECK.replace("    answer: \"{name}\"\n", "")),
    ("bad-rule-cloze-without-deletion",
     DECK.replace("{name} is a {{c1::{method}}} technique.", "{name} is {method}.")),
    ("bad-records-not-a-list", DECK.replace("records:\n  - id: muscle-energy",
                                            "records: {x: 1}\nunused:\n  - id: muscle-energy")),
])
def test_schema_and_loader_agree_on_records(tmp_path, name, text):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    schema = jsonschema.Draft7Validator(json.loads(Path(SCHEMA_PATH).read_text()))
    schema_ok = not list(schema.iter_errors(yaml.safe_load(text)))
    assert load_deck_file(path).ok == name.startswith("good-")
    assert schema_ok == load_deck_file(path).ok


_scalars = st.one_of(st.none(), st.text(max_size=12), st.integers(), st.sampled_from(
    ["{name}", "{{c1::{name}}}", "name", "mcq", "cloze", "reverse", "cc", "x--y"]))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from(["id", "name", "type", "source", "tags", "question",
                                     "answer", "answer_from", "distractors_from", "text",
                                     "front", "back", "distractors"]), inner, max_size=5)),
    max_leaves=12)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=_values, rules=_values)
def test_any_records_and_rules_give_diagnostics_never_an_exception(tmp_path, records, rules):
    text = yaml.safe_dump({"deck": "d", "title": "T", "sources": [{"id": "cc", "citation": "C"}],
                           "records": records, "generate": rules}, allow_unicode=True)
    result = load(tmp_path, text)
    assert not [d for d in result.diagnostics if INTERNAL_ERROR in d.message]
