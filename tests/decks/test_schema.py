"""The shipped JSON Schema and the loader give every deck the same verdict."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from omtquiz.decks.format.files import find_deck_files
from omtquiz.decks.format.loader import load_deck_file

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "omtquiz/decks/format/deck.schema.json"
BUNDLED = Path(__file__).resolve().parents[2] / "decks"

OK_HEAD = "deck: s\ntitle: T\nsources: [{id: s, citation: C}]\ncards:\n"

# Decks whose verdict a schema can decide alone (the cross-field checks — duplicate ids, unknown
# source ids, images on disk, mcq choices — need the whole deck and are the loader's own).
CASES = {
    "good-basic": OK_HEAD + "  - {id: a, front: q, back: a, source: s}\n",
    "good-every-type": OK_HEAD
    + "  - {id: a, type: reverse, front: q, back: a, source: s}\n"
    + "  - {id: b, type: cloze, text: '{{c1::x}} y', extra: e, source: s}\n"
    + "  - {id: c, type: mcq, question: q, answer: a, distractors: [b, c], source: s}\n"
    + "  - {id: d, type: mcq, question: q, answer: b, source: s}\n",
    "good-unknown-key-is-a-warning": OK_HEAD + "  - {id: a, front: q, back: a, bakc: x}\n",
    "good-numbers-as-text": OK_HEAD + "  - {id: 1, front: 42, back: yes, source: s}\n",
    "good-versions": "deck: s\ntitle: T\npreferred_source: p\nsources: [{id: s, citation: C}, "
    "{id: p, name: P, citation: D}]\ncards:\n"
    + "  - {id: a, front: q, source: s, versions: [{source: s, answer: T12}, "
    "{source: p, answer: T9-T12}]}\n"
    + "  - {id: b, type: cloze, text: '{{c1::T12}} y', source: s, versions: {c1: "
    "[{source: s, answer: T12}, {source: p, answer: T10}]}}\n"
    + "  - {id: c, type: mcq, question: q, distractors: [T1], source: s, versions: "
    "[{source: s, answer: T12}, {source: p, answer: T10}]}\n",
    "bad-version-without-source": OK_HEAD
    + "  - {id: a, front: q, source: s, versions: [{answer: T12}, {source: s, answer: T1}]}\n",
    "good-basic-distractors": OK_HEAD
    + "  - {id: a, front: Which board, back: NBOME, distractors: [NBME, AOA], source: s}\n"
    + "  - {id: b, type: basic, front: q, back: a, distractors: [b, c, d], source: s}\n",
    "bad-basic-one-distractor": OK_HEAD
    + "  - {id: a, front: Which board, back: NBOME, distractors: [NBME], source: s}\n",
    "bad-basic-distractors-empty": OK_HEAD
    + "  - {id: a, front: Which board, back: NBOME, distractors: [], source: s}\n",
    "bad-basic-distractor-blank": OK_HEAD
    + "  - {id: a, front: Which board, back: NBOME, distractors: [NBME, ''], source: s}\n",
    "bad-missing-deck": "title: T\ncards: []\n",
    "bad-missing-title": "deck: a\ncards: []\n",
    "bad-missing-cards": "deck: a\ntitle: T\n",
    "bad-slug": "deck: Bad_Slug\ntitle: T\ncards: []\n",
    "bad-type": OK_HEAD + "  - {id: a, type: mcqq, front: q, back: a}\n",
    "bad-missing-back": OK_HEAD + "  - {id: a, front: q}\n",
    "bad-missing-id": OK_HEAD + "  - {front: q, back: a}\n",
    "bad-cloze-without-deletion": OK_HEAD + "  - {id: a, type: cloze, text: none}\n",
    "bad-cloze-numbered-zero": OK_HEAD + "  - {id: a, type: cloze, text: '{{c0::x}} y'}\n",
    "good-cloze-numbered-500": OK_HEAD + "  - {id: a, type: cloze, text: '{{c500::x}} y'}\n",
    "bad-cloze-numbered-501": OK_HEAD + "  - {id: a, type: cloze, text: '{{c501::x}} y'}\n",
    "bad-cloze-numbered-huge": OK_HEAD
    + "  - {id: a, type: cloze, text: '{{c0099999999999999999999::x}}'}\n",
    "bad-field-too-long": OK_HEAD + "  - {id: a, front: q, back: " + "x" * 100_001 + "}\n",
    "bad-mcq-missing-answer": OK_HEAD + "  - {id: a, type: mcq, question: q}\n",
    "bad-card-not-mapping": OK_HEAD + "  - just text\n",
    "bad-back-is-list": OK_HEAD + "  - {id: a, front: q, back: [x]}\n",
    "bad-empty-front": OK_HEAD + "  - {id: a, front: '', back: a}\n",
    "bad-tag-with-space": OK_HEAD + "  - {id: a, front: q, back: a, tags: [two words]}\n",
    "bad-top-level-list": "- a\n",
    "bad-source-without-citation": "deck: a\ntitle: T\nsources: [{id: s}]\ncards: []\n",
    "bad-cards-not-list": "deck: a\ntitle: T\ncards: {a: 1}\n",
}


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def schema_ok(validator, path: Path) -> bool:
    return not list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("name", sorted(CASES))
def test_schema_and_loader_agree_on_test_decks(validator, tmp_path, name):
    path = tmp_path / f"{name}.yaml"
    path.write_text(CASES[name])
    loader_ok = load_deck_file(path).ok
    assert loader_ok == name.startswith("good-")
    assert schema_ok(validator, path) == loader_ok


@pytest.mark.parametrize("path", find_deck_files([BUNDLED]), ids=lambda p: p.name)
def test_schema_and_loader_agree_on_bundled_decks(validator, path):
    assert schema_ok(validator, path) == load_deck_file(path).ok


def test_bundled_decks_point_editors_at_the_schema_beside_them():
    # The same line resolves in a checkout (decks/), in a wheel (omtquiz/_bundled/decks/) and in
    # a copy put into the profile's decks folder, which keeps its own deck.schema.json.
    for path in find_deck_files([BUNDLED]):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=deck.schema.json", path.name
    assert (BUNDLED / "deck.schema.json").read_bytes() == SCHEMA_PATH.read_bytes(), (
        "decks/deck.schema.json is the shipped schema's copy for the bundled decks: "
        "cp omtquiz/decks/format/deck.schema.json decks/")
