"""Hostile deck files end in a clear diagnostic, never a hang, a crash or an exception."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omtquiz.decks.format import loader
from omtquiz.decks.format.loader import load_deck_file

BILLION_LAUGHS = """\
deck: lol
title: &t "lol"
l1: &l1 [*t, *t, *t, *t, *t, *t, *t, *t, *t, *t]
l2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]
l3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]
l4: &l4 [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]
l5: &l5 [*l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4]
l6: &l6 [*l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5]
l7: &l7 [*l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6]
l8: &l8 [*l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7]
l9: &l9 [*l8, *l8, *l8, *l8, *l8, *l8, *l8, *l8, *l8, *l8]
tags: *l9
cards: *l9
"""


def messages(path):
    return [d.message for d in load_deck_file(path).diagnostics]


def test_billion_laughs_is_not_expanded(write_deck):
    found = messages(write_deck(BILLION_LAUGHS))
    # Each alias counts the text it brings: *l9 would bring a billion characters.
    assert any("aliases expand this deck past 64 Mi characters" in m for m in found)
    assert len(found) < 50


def test_alias_flood_is_refused(write_deck):
    body = "deck: x\ntitle: &t T\ncards: [" + ", ".join(["*t"] * 20_000) + "]\n"
    found = messages(write_deck(body))
    assert any("more than 200 errors" in m or "aliases" in m for m in found)


def test_deep_nesting_is_refused(write_deck):
    found = messages(write_deck("deck: x\ntitle: T\ncards: " + "[" * 500 + "]" * 500))
    assert any("nesting deeper than 64 levels" in m for m in found)
    # Newer libyaml stops at 1000 levels itself; either way it is one clear error.
    found = messages(write_deck("deck: x\ntitle: T\ncards: " + "[" * 20_000 + "]" * 20_000))
    assert len(found) == 1
    assert "nesting deeper than 64 levels" in found[0] or "maximum nesting depth" in found[0]


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.truncate(loader.MAX_BYTES + 1)
    (message,) = messages(path)
    assert "decks larger than 64 MiB are refused" in message


def test_tens_of_megabytes_of_junk_stops_early(tmp_path):
    path = tmp_path / "junk.yaml"
    path.write_text("deck: x\ntitle: T\ncards:\n" + "- 1\n" * 5_000_000)
    found = messages(path)
    assert found[-1].startswith("more than 200 errors")


def test_binary_junk(tmp_path):
    path = tmp_path / "junk.yaml"
    path.write_bytes(bytes(range(256)) * 64)
    (message,) = messages(path)
    assert message.startswith("not UTF-8")


def test_image_path_with_a_nul_byte(write_deck):
    found = messages(write_deck("deck: x\ntitle: T\ncards:\n  - {id: a, front: q, back: a, "
                                "image: \"a\\0b\"}\n"))
    assert any("is not a usable file path" in m for m in found)


def test_control_characters(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"deck: x\ntitle: a\x00b\ncards: []\n")
    found = load_deck_file(path).diagnostics
    assert found[0].line == 2
    assert "not valid YAML" in found[0].message


FIXTURE_OK = [HealthCheck.function_scoped_fixture]  # each example overwrites one file


def _assert_clean_outcome(path):
    result = load_deck_file(path)
    assert not any(d.message.startswith(loader.INTERNAL_ERROR) for d in result.diagnostics)
    assert all(d.line >= 1 and d.column >= 1 for d in result.diagnostics)
    assert result.deck is not None or result.diagnostics


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_OK)
@given(st.binary(max_size=2000))
def test_fuzz_any_bytes(tmp_path, data):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    _assert_clean_outcome(path)


YAMLISH = st.text(alphabet=string.printable + "äΩ整{}[]:-&*!|>'\"#%@`", max_size=400)


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_OK)
@given(st.one_of(YAMLISH, YAMLISH.map(lambda s: "deck: a\ntitle: T\ncards:\n  - " + s)))
def test_fuzz_any_text(tmp_path, text):
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    _assert_clean_outcome(path)


CARD_VALUES = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none(),
                        st.lists(st.text(max_size=5), max_size=3))


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_OK)
@given(st.lists(st.dictionaries(
    st.sampled_from(["id", "type", "front", "back", "text", "question", "answer",
                     "distractors", "source", "tags", "image", "extra", "zzz"]),
    CARD_VALUES, max_size=8), max_size=6))
def test_fuzz_structured_cards(tmp_path, cards):
    import yaml

    path = tmp_path / "fuzz.yaml"
    doc = {"deck": "fz", "title": "T", "sources": [{"id": "s", "citation": "c"}], "cards": cards}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    _assert_clean_outcome(path)


def test_hundreds_of_warnings_never_stop_a_deck_loading(write_deck):
    """201 cards without `source:` used to be refused whole ("more than 200 problems")."""
    cards = "".join(f"  - {{id: c{i}, front: Question {i}?, back: Answer {i}}}\n"
                    for i in range(501))
    result = load_deck_file(write_deck("deck: many\ntitle: Many\ncards:\n" + cards))
    assert result.deck is not None and len(result.deck.cards) == 501
    assert len(result.diagnostics) == 501 and not result.errors
