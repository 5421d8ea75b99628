"""The table decks (decks/20-22): wrong choices stay wrong when someone edits a record by hand.

Decks 20-22 hold viscerosomatic levels, Chapman points and counterstrain tender points as records.
Sources disagree on levels by a segment or two, so a record lists every source's version in its
`versions` text and, in its guard fields (`levels`, `organs`, `anteriors`), every value that must
never be offered as a wrong choice. These tests read the loaded cards, not the YAML alone: a
level question must never offer a level that overlaps any source's span for that organ, a
level-to-organ question never an organ whose span overlaps, and every tender point and Chapman
point must keep the fields the body-map list and the questions are built from.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from omtquiz.decks.format.library import load_library

DECKS = Path(__file__).resolve().parents[2] / "decks"
VISCEROSOMATIC = DECKS / "20-viscerosomatic.yaml"
CHAPMAN = DECKS / "21-chapman-points.yaml"
COUNTERSTRAIN = DECKS / "22-counterstrain-tender-points.yaml"

SEGMENTS = ([f"C{i}" for i in range(1, 8)] + [f"T{i}" for i in range(1, 13)]
            + [f"L{i}" for i in range(1, 6)] + [f"S{i}" for i in range(1, 6)])
LEVEL = re.compile(r"\b[TLS]\d{1,2}(?:-[TLS]\d{1,2})?\b")


def _span(level: str) -> tuple[int, int]:
    ends = [SEGMENTS.index(part) for part in level.split("-")]
    return min(ends), max(ends)


def _overlap(a: str, b: str) -> bool:
    (a0, a1), (b0, b1) = _span(a), _span(b)
    return a0 <= b1 and b0 <= a1


def _records(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["records"]


def _cards(path: Path) -> dict[str, object]:
    library = load_library([path])
    assert not library.diagnostics, [str(d) for d in library.diagnostics]
    return {card.id: card for card in library.decks[0].cards}


@pytest.fixture(scope="module")
def organs() -> list[dict]:
    return [r for r in _records(VISCEROSOMATIC) if "level" in r]


def test_level_questions_never_offer_a_level_any_source_gives(organs):
    cards = _cards(VISCEROSOMATIC)
    checked = 0
    for record in organs:
        spans = [record["level"], *LEVEL.findall(record["versions"])]
        for rule in ("level", "vignette"):
            card = cards.get(f"{record['id']}--{rule}")
            if card is None:
                continue
            bad = [d for d in card.distractors if any(_overlap(d, s) for s in spans)]
            assert not bad, (f"{card.id}: wrong choice(s) {bad} overlap a sourced span of "
                             f"{record['name']} ({', '.join(spans)})")
            checked += 1
    assert checked >= len(organs), f"only {checked} level questions found"


def test_level_to_organ_questions_never_offer_an_organ_with_an_overlapping_span(organs):
    cards = _cards(VISCEROSOMATIC)
    spans = {r["name"][0].upper() + r["name"][1:]: [r["level"], *LEVEL.findall(r["versions"])]
             for r in organs}
    asked = [r for r in organs if f"{r['id']}--organ-from-level" in cards]
    assert asked, "no level-to-organ questions in deck 20"
    for record in asked:
        card = cards[f"{record['id']}--organ-from-level"]
        for choice in card.distractors:
            clash = [s for s in spans[choice] if _overlap(s, record["level"])]
            assert not clash, (f"{card.id}: '{choice}' is offered as wrong but one source puts it "
                               f"at {clash}, overlapping {record['level']}")


def test_every_organ_states_each_sources_version_and_cites_one(organs):
    for record in organs:
        assert record.get("source"), f"{record['id']} cites no source"
        assert record["level"] in record["versions"], (
            f"{record['id']}: the answer {record['level']} is not among its sourced versions")
        assert record["levels"][0] == record["level"], (
            f"{record['id']}: 'levels' must start with the answer {record['level']}")


def test_chapman_points_shared_by_two_organs_are_never_wrong_choices_for_each_other():
    records = _records(CHAPMAN)
    cards = _cards(CHAPMAN)
    by_spot: dict[str, set[str]] = {}
    for record in records:
        spot = re.sub(r"\s*\(.*\)$", "", record["anterior"])
        by_spot.setdefault(spot, set()).add(record["anterior"])
    for record in records:
        card = cards[f"{record['id']}--anterior"]
        spot = re.sub(r"\s*\(.*\)$", "", record["anterior"])
        same = by_spot[spot] - {record["anterior"]}
        assert not same & set(card.distractors), (
            f"{card.id}: offers {same & set(card.distractors)}, the same spot, as wrong")


# Points asked by location only: the psoas position is close to AL1's, so a position question
# could not avoid a defensible wrong choice (see the record's note).
LOCATION_ONLY = {"psoas"}


def test_every_point_has_words_for_its_location_and_a_treatment():
    for record in _records(COUNTERSTRAIN):
        assert record.get("location"), f"{record['id']} has no location words"
        assert record.get("view") in ("anterior", "posterior"), f"{record['id']}: view?"
        treatment = [k for k in record if k.endswith("_treatment")]
        wanted = 0 if record["id"] in LOCATION_ONLY else 1
        assert len(treatment) == wanted, (
            f"{record['id']}: needs {wanted} region treatment field(s), has {treatment}")
        assert record.get("source"), f"{record['id']} cites no source"
    for record in _records(CHAPMAN):
        assert record.get("anterior") and record.get("note"), record["id"]
