"""Facts that differ between sources: `versions:` on cards, per-source record fields, a deck's
preferred source; several accepted answers and wrong choices for a record's field."""

from __future__ import annotations

import textwrap

import pytest

from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.model import Item, Library, Severity
from omtquiz.decks.render import render_item, versions_text
from omtquiz.study.quiz import QuestionMaker, check_typed

HEAD = """\
deck: levels
title: Viscerosomatic levels
{preferred}sources:
  - id: savarese
    name: Savarese
    citation: Savarese RG, OMT Review, 3rd ed.
  - id: statpearls
    name: StatPearls
    citation: StatPearls, Osteopathic Manipulative Treatment, Viscerosomatic Reflex
  - id: other
    citation: Another table
"""

CARDS = """\
cards:
  - id: appendix
    front: What is the sympathetic viscerosomatic level of the appendix?
    source: savarese
    versions:
      - {source: savarese, answer: T12}
      - {source: statpearls, answer: "T9-T12"}
  - id: appendix-cloze
    type: cloze
    text: "The appendix's sympathetic viscerosomatic level is {{c1::T12}}."
    versions:
      c1:
        - {source: savarese, answer: T12}
        - {source: statpearls, answer: "T9-T12"}
  - id: appendix-mcq
    type: mcq
    question: Which level is viscerosomatic for the appendix?
    versions:
      - {source: savarese, answer: T12}
      - {source: statpearls, answer: "T9-T12"}
    distractors: [T1-T4, T5-T9, L1-L2]
    source: other
  - id: heart
    front: What is the sympathetic viscerosomatic level of the heart?
    back: T1-T5
    source: other
  - id: lungs
    front: What is the sympathetic viscerosomatic level of the lungs?
    back: T2-T7
    source: other
  - id: kidneys
    front: What is the sympathetic viscerosomatic level of the kidneys?
    back: T10-T11
    source: other
"""


def write(tmp_path, body: str, preferred: str = "", name: str = "levels.yaml"):
    path = tmp_path / name
    text = HEAD.format(preferred=f"preferred_source: {preferred}\n" if preferred else "")
    path.write_text(text + textwrap.dedent(body), encoding="utf-8")
    return load_deck_file(path)


def errors(result):
    return [(d.line, d.message) for d in result.diagnostics if d.severity is Severity.ERROR]


def library(result) -> Library:
    return Library((result,))


def test_a_card_gives_each_sources_version_and_its_own_source_is_shown_first(tmp_path):
    result = write(tmp_path, CARDS)
    assert errors(result) == []
    deck = result.deck
    card = deck.card("appendix")
    assert card.back == "T12"  # no preferred source: the card's own source's version
    assert [(v.label, v.answer) for v in card.versions] == [("Savarese", "T12"),
                                                            ("StatPearls", "T9-T12")]
    assert deck.card("appendix-cloze").text.count("{{c1::T12}}") == 1
    assert deck.card("appendix-mcq").answer == "T12"  # its own source has none: the first
    assert versions_text(card) == "Savarese: T12; StatPearls: T9-T12"


def test_the_decks_preferred_source_decides_the_answer(tmp_path):
    deck = write(tmp_path, CARDS, preferred="statpearls").deck
    card = deck.card("appendix")
    assert card.back == "T9-T12"
    assert "{{c1::T9-T12}}" in deck.card("appendix-cloze").text
    assert deck.card("appendix-mcq").answer == "T9-T12"
    assert versions_text(card) == "StatPearls: T9-T12; Savarese: T12"  # the answer first
    assert deck.card("heart").back == "T1-T5"  # cards without versions are as written


def test_the_review_screen_shows_the_answer_and_every_version(tmp_path):
    deck = write(tmp_path, CARDS).deck
    shown = render_item(deck.card("appendix"))
    assert "T12" in shown.answer and "Sources differ" in shown.answer
    assert "Savarese: T12; StatPearls: T9-T12" in shown.answer_side
    assert "Sources differ" not in shown.question
    cloze = render_item(deck.card("appendix-cloze"), 0)
    assert "StatPearls: T9-T12" in cloze.answer_side and "T9-T12" not in cloze.question


def test_typed_and_multiple_choice_quizzes_take_every_version(tmp_path):
    lib = library(write(tmp_path, CARDS))
    maker = QuestionMaker(lib, seed=3)
    for card_id in ("appendix", "appendix-cloze", "appendix-mcq"):
        typed = maker.typed(Item("levels", card_id))
        assert check_typed("T9-T12", typed.answer, typed.accepted).correct
        assert check_typed("t12", typed.answer, typed.accepted).correct
        assert not check_typed("T10", typed.answer, typed.accepted).correct
        assert typed.versions == (("Savarese", "T12"), ("StatPearls", "T9-T12"))
        assert "Sources differ" in typed.explanation_html
    for seed in range(20):
        for card_id in ("appendix", "appendix-cloze"):
            mcq = QuestionMaker(lib, seed=seed).multiple_choice(Item("levels", card_id))
            assert mcq.answer == "T12" and "T9-T12" not in mcq.choices  # never a "wrong" choice


@pytest.mark.parametrize(("body", "line", "fragment"), [
    ("""\
cards:
  - id: a
    front: Level of the appendix?
    versions:
      - {source: savarese, answer: T12}
      - {source: stapearls, answer: T10}
""", 17, "cards[0].versions[1].source: unknown source 'stapearls' (did you mean 'statpearls'?)"),
    ("""\
cards:
  - id: a
    front: Level of the appendix?
    versions:
      - {source: savarese, answer: T12}
      - {source: statpearls, answer: " t12"}
""", 17, "cards[0].versions[1].answer: ' t12' is the same as the version of 'savarese'"),
    ("""\
cards:
  - id: a
    front: Level of the appendix?
    back: T11
    versions:
      - {source: savarese, answer: T12}
      - {source: statpearls, answer: T10}
""", 17, "cards[0].versions: the back 'T11' is none of the versions"),
    ("""\
cards:
  - id: a
    type: mcq
    question: Level of the appendix?
    distractors: [T10, T1]
    versions:
      - {source: savarese, answer: T12}
      - {source: statpearls, answer: T10}
""", 18, "distractor 'T10' is one source's answer"),
    ("""\
cards:
  - id: a
    type: cloze
    text: "{{c1::T12}} and {{c2::T10}}"
    versions:
      - {source: savarese, answer: T12}
      - {source: statpearls, answer: T10}
""", 17, "this cloze has 2 deletions; say which each version is for"),
    ("""\
cards:
  - id: a
    front: Level of the appendix?
    versions:
      - {source: savarese, answer: T12}
      - {source: savarese, answer: T10}
""", 17, "'savarese' already gives a version of this answer"),
])
def test_version_mistakes_are_reported_at_their_place(tmp_path, body, line, fragment):
    result = write(tmp_path, body)
    found = errors(result)
    assert any(at == line and fragment in message for at, message in found), found
    assert result.deck.card("a") is None  # the card is left out; the deck still loads


def test_an_unknown_preferred_source_is_an_error_at_its_line(tmp_path):
    result = write(tmp_path, CARDS, preferred="statperls")
    assert (3, "preferred_source: unknown source 'statperls' (did you mean 'statpearls'?) "
            "(known: other, savarese, statpearls)") in errors(result)


def test_a_source_cited_only_by_versions_is_cited(tmp_path):
    result = write(tmp_path, CARDS)
    assert not [d for d in result.diagnostics if "never cited" in d.message]


RECORDS = """\
records:
  - id: appendix
    organ: appendix
    level: {savarese: T12, statpearls: "T9-T12"}
    accept: {organ: [vermiform appendix]}
    wrong: {level: ["T10-T11"]}
    source: savarese
  - id: heart
    organ: heart
    level: T1-T5
    source: other
  - id: lungs
    organ: lungs
    level: T2-T7
    source: other
  - id: kidneys
    organ: kidneys
    level: T10-L1
    source: other
  - id: stomach
    organ: stomach
    level: T5-T9
    source: other
generate:
  - id: level-of
    type: mcq
    question: "Which level is viscerosomatic for the {organ}?"
    answer: "{level}"
    distractors_from: level
  - id: organ-at
    front: "Which organ has the viscerosomatic level {level}?"
    back: "{organ}"
  - id: level-cloze
    type: cloze
    text: "The {organ} is viscerosomatic at {{c1::{level}}}."
"""


def test_a_record_field_per_source_makes_cards_with_versions(tmp_path):
    result = write(tmp_path, RECORDS)
    assert errors(result) == []
    deck = result.deck
    mcq = deck.card("appendix--level-of")
    assert mcq.answer == "T12" and mcq.record == "appendix"
    assert [v.answer for v in mcq.versions] == ["T12", "T9-T12"]
    assert "T9-T12" not in mcq.distractors and mcq.distractors[0] == "T10-T11"
    cloze = deck.card("appendix--level-cloze")
    assert [(v.ord, v.label) for v in cloze.versions] == [(0, "Savarese"), (0, "StatPearls")]
    assert deck.card("heart--level-of").versions == ()
    # A rule whose answer is another field carries that field's accepted answers instead.
    organ = deck.card("appendix--organ-at")
    assert organ.versions == () and organ.accept == ((0, "vermiform appendix"),)
    typed = QuestionMaker(Library((result,)), seed=1).typed(Item("levels", organ.id))
    assert check_typed("vermiform appendix", typed.answer, typed.accepted).correct


def test_wrong_choices_are_never_drawn_for_other_records_and_never_asked(tmp_path):
    deck = write(tmp_path, RECORDS).deck
    for card in deck.cards:
        assert "T10-T11" not in card.prompt_text + card.back + card.answer
        if card.record != "appendix" and card.type == "mcq":
            assert "T10-T11" not in card.distractors
            # Another record lends its asked value only, not its other sources' versions.
            assert "T9-T12" not in card.distractors


def test_the_preferred_source_decides_a_records_field(tmp_path):
    deck = write(tmp_path, RECORDS, preferred="statpearls").deck
    assert deck.card("appendix--level-of").answer == "T9-T12"
    assert "{{c1::T9-T12}}" in deck.card("appendix--level-cloze").text


@pytest.mark.parametrize(("old", "new", "fragment"), [
    ('level: {savarese: T12, statpearls: "T9-T12"}', "level: {savarese: T12, sp: T9}",
     "records[0].level: unknown source 'sp'"),
    ('level: {savarese: T12, statpearls: "T9-T12"}', "level: {savarese: T12, statpearls: t12}",
     "records[0].level.statpearls: 't12' is the same as the version of 'savarese'"),
    ("wrong: {level: [\"T10-T11\"]}", "wrong: {level: [T12]}",
     "records[0].wrong.level: 'T12' is true of this record"),
    ("accept: {organ: [vermiform appendix]}", "accept: {organs: [vermiform appendix]}",
     "records[0].accept.organs: the record has no field 'organs' (did you mean 'organ'?)"),
])
def test_record_version_mistakes_are_reported(tmp_path, old, new, fragment):
    assert old in RECORDS
    result = write(tmp_path, RECORDS.replace(old, new))
    found = errors(result)
    assert any(fragment in message and line in (15, 16, 17) for line, message in found), found


@pytest.mark.parametrize("body", [CARDS, RECORDS])
def test_the_json_schema_accepts_versions_accept_and_wrong(tmp_path, body):
    import json

    import jsonschema
    import yaml

    from omtquiz.decks.format.writer import SCHEMA_PATH

    path = tmp_path / "levels.yaml"
    path.write_text(HEAD.format(preferred="preferred_source: statpearls\n")
                    + textwrap.dedent(body), encoding="utf-8")
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA_PATH.read_text()))
    assert not [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
    bad = yaml.safe_load(path.read_text())
    (bad.get("cards") or bad["records"])[0]["accept" if "records" in bad else "versions"] = "T1"
    assert list(validator.iter_errors(bad))


def test_editing_a_versioned_card_in_the_app_keeps_its_versions(tmp_path):
    from omtquiz.decks.format.editor import card_fields, update_card

    path = write(tmp_path, CARDS).deck.path
    fields = {k: v for k, v in card_fields(path, "appendix").items() if k != "versions"}
    fields["front"] = "Which spinal level is viscerosomatic for the appendix?"
    update_card(path, "appendix", fields)  # what the form sends: it has no versions field
    card = load_deck_file(path).deck.card("appendix")
    assert card.front.startswith("Which spinal level")
    assert [v.answer for v in card.versions] == ["T12", "T9-T12"]


def test_a_hostile_number_of_versions_is_refused_at_once(tmp_path):
    many = "\n".join(f"      - {{source: savarese, answer: T{i}}}" for i in range(5000))
    result = write(tmp_path, f"""\
cards:
  - id: a
    front: Level of the appendix?
    versions:
{many}
""")
    assert any("5000 versions; at most 50 sources" in message for _, message in errors(result))
    assert result.deck.card("a") is None
    fields = ", ".join(f"s{i}: T{i}" for i in range(60))
    result = write(tmp_path, RECORDS.replace('level: {savarese: T12, statpearls: "T9-T12"}',
                                             f"level: {{{fields}}}"))
    assert any("60 versions; at most 50" in message for _, message in errors(result))
