""""Point to it" cards: grading a click by its distance, reading point cards (written and
generated from records) with problems at file:line:col, and the bundled body-map questions
placed where tools/body_map_spots.py puts them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.points import CLOSE, MISSED, RIGHT, grade, picture_aspect

ROOT = Path(__file__).resolve().parents[2]
BODY_FRONT = ROOT / "assets" / "diagrams" / "body-front.svg"


@pytest.mark.parametrize(("x", "y", "verdict", "rating"), [
    (0.5, 0.5, RIGHT, 3),
    (0.52, 0.5, RIGHT, 3),  # 0.02 of the width: inside a 0.025 radius
    (0.5, 0.51, RIGHT, 3),  # 0.01 of the height is 0.02 of the width on a 2:1 map
    (0.55, 0.5, CLOSE, 2),  # two radii away
    (0.5, 0.54, MISSED, 1),  # 0.04 of the height: 0.08 of the width, over three radii
    (0.1, 0.9, MISSED, 1),
])
def test_a_click_is_graded_by_its_distance_from_the_spot(x, y, verdict, rating):
    result = grade(((0.5, 0.5, 0.025),), x, y, aspect=2.0)
    assert (result.verdict, result.rating) == (verdict, rating)


def test_either_side_counts_when_the_point_is_on_both():
    spots = ((0.3, 0.5, 0.02), (0.7, 0.5, 0.02))
    assert grade(spots, 0.7, 0.5, 1.0).verdict == RIGHT
    assert grade(spots[:1], 0.7, 0.5, 1.0).verdict == MISSED


def test_the_map_aspect_is_read_from_the_svg():
    assert picture_aspect(str(BODY_FRONT)) == pytest.approx(900 / 400)


DECK = f"""\
deck: pts
title: Points
sources: [{{id: s, citation: C}}]
records:
  - id: at9
    name: AT9
    spot: [0.5, 0.469, 0.025]
    sides: one
    where: Just above the umbilicus
    source: s
  - id: al1
    name: AL1
    spot: [0.38, 0.558, 0.018]
    sides: both
    where: Medial to the ASIS
    source: s
generate:
  - id: map
    type: point
    image: {BODY_FRONT}
    spot: "{{spot}}"
    sides: "{{sides}}"
    label: "{{name}}"
    front: "Click the {{name}} tender point."
    extra: "{{where}}"
cards:
  - {{id: inion, type: point, image: {BODY_FRONT}, spot: [0.5, 0.1, 0.02], label: Inion,
     ask: click, source: s}}
"""


def test_point_cards_from_records_and_by_hand(tmp_path):
    path = tmp_path / "pts.yaml"
    path.write_text(DECK)
    loaded = load_deck_file(path)
    assert loaded.ok, loaded.diagnostics
    cards = {c.id: c for c in loaded.deck.cards}
    at9, al1, inion = cards["at9--map"], cards["al1--map"], cards["inion"]
    assert (at9.type, at9.answer, at9.spot, at9.extra) == (
        "point", "AT9", (0.5, 0.469, 0.025), "Just above the umbilicus")
    assert at9.front == "Click the AT9 tender point." and at9.ords() == (0, 1)
    assert at9.spots() == ((0.5, 0.469, 0.025),)
    assert al1.spots() == ((0.38, 0.558, 0.018), (0.62, 0.558, 0.018))
    assert inion.ords() == (1,) and inion.question == "What is marked on the map?"


@pytest.mark.parametrize(("card", "at", "words"), [
    ("{id: p, type: point, image: MAP, spot: [0.5, 0.1, 0.5], label: X}", "[0.5, 0.1, 0.5]",
     "the radius 0.5 must be more than 0"),
    ("{id: p, type: point, image: MAP, spot: [0.5, 1.1, 0.02], label: X}", "1.1",
     "'1.1' is not a number from 0 to 1"),
    ("{id: p, type: point, image: MAP, spot: [0.5, 0.1, 0.02]}", "{", "missing 'label'"),
    ("{id: p, type: point, image: MAP, spot: [0.5, 0.1, 0.02], label: X, sides: all}", "all",
     "sides: 'all' is not one of one, both"),
    ("{id: p, type: point, spot: [0.5, 0.1, 0.02], label: X}", "{", "needs 'image:'"),
])
def test_bad_point_cards_are_reported_at_their_place(tmp_path, card, at, words):
    line = "  - " + card.replace("MAP", str(BODY_FRONT))
    path = tmp_path / "bad.yaml"
    path.write_text("deck: b\ntitle: B\nsources: [{id: s, citation: C}]\ncards:\n" + line + "\n")
    errors = [(d.line, d.column, d.message) for d in load_deck_file(path).errors]
    place = (5, line.index(at) + 1)
    assert any(words in m and (l_, c) == place for l_, c, m in errors), errors


def test_a_bad_spot_in_a_record_is_reported_at_the_record(tmp_path):
    path = tmp_path / "pts.yaml"
    path.write_text(DECK.replace("[0.38, 0.558, 0.018]", "[0.38, 0.558]"))
    errors = [str(d) for d in load_deck_file(path).errors]
    assert any("pts.yaml:11:5: error" in e and "spot '0.38, 0.558' is not three numbers" in e
               for e in errors), errors


def _spots_script():
    spec = importlib.util.spec_from_file_location("spots", ROOT / "tools" / "body_map_spots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.spots()


def test_the_bundled_decks_ask_at_least_60_body_map_questions_placed_by_the_script():
    expected = _spots_script()
    asked = 0
    for name, deck_id in (("21-chapman-points.yaml", "chapman-points"),
                          ("22-counterstrain-tender-points.yaml", "counterstrain-tender-points")):
        loaded = load_deck_file(ROOT / "decks" / name)
        assert loaded.ok, loaded.errors
        points = [c for c in loaded.deck.cards if c.type == "point"]
        asked += sum(len(c.ords()) for c in points)
        for card in points:
            record, rule = card.id.split("--")
            fields = expected[deck_id][record]
            if rule.startswith("pair-"):  # both views side by side: the partner and the cue
                want, shown = ("front", "back") if rule == "pair-anterior" else ("back", "front")
                assert list(card.spot) == fields[f"pair_{want}_spot"], card.id
                assert list(card.cue) == fields[f"pair_{shown}_spot"], card.id
                assert card.both_sides == (fields[f"{want}_sides"] == "both"), card.id
                assert card.axis == (0.25 if want == "front" else 0.75) and card.ask == "click"
                continue
            prefix = "" if deck_id.startswith("counter") else (
                "front_" if rule.endswith("anterior") else "back_")
            assert list(card.spot) == fields[f"{prefix}spot"], card.id
            assert card.both_sides == (fields[f"{prefix}sides"] == "both"), card.id
            assert card.ask == fields[f"{prefix}ask"], card.id
        assert {c.id.split("--")[0] for c in points} >= set(expected[deck_id]) - {"x"}
    assert asked >= 60


def _map_deck(folder: Path, image: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "maps.yaml"
    path.write_text(
        "deck: maps\ntitle: Maps\nsources: [{id: s, citation: A real atlas}]\ncards:\n"
        f"  - {{id: p, type: point, image: '{image}', spot: [0.5, 0.5, 0.02], label: X, "
        "source: s}\n")
    return path


def test_assets_paths_name_the_apps_own_maps_from_any_folder(tmp_path):
    from omtquiz.resources import assets_dir

    loaded = load_deck_file(_map_deck(tmp_path / "anywhere", "assets/diagrams/body-front.svg"))
    assert loaded.ok and not loaded.diagnostics
    assert Path(loaded.deck.cards[0].image) == (assets_dir() / "diagrams/body-front.svg").resolve()


def test_a_decks_own_assets_folder_comes_first(tmp_path):
    own = tmp_path / "mine" / "assets" / "diagrams" / "body-front.svg"
    own.parent.mkdir(parents=True)
    own.write_bytes(BODY_FRONT.read_bytes())
    loaded = load_deck_file(_map_deck(tmp_path / "mine", "assets/diagrams/body-front.svg"))
    assert loaded.ok and Path(loaded.deck.cards[0].image) == own.resolve()


@pytest.mark.parametrize("image", ["assets/../../etc/passwd", "assets/diagrams/nothing.svg",
                                   "assets//etc/passwd"])
def test_assets_paths_never_leave_the_assets_folder(tmp_path, image):
    loaded = load_deck_file(_map_deck(tmp_path / "anywhere", image))
    assert not loaded.ok
    assert any(".image:" in d.message for d in loaded.diagnostics)


def test_reaching_the_assets_through_dotdot_is_warned_of(tmp_path, monkeypatch):
    assets = tmp_path / "app" / "assets"  # a checkout: decks/ beside assets/
    (assets / "diagrams").mkdir(parents=True)
    (assets / "diagrams" / "body-front.svg").write_bytes(BODY_FRONT.read_bytes())
    monkeypatch.setattr("omtquiz.resources.assets_dir", lambda: assets)
    loaded = load_deck_file(_map_deck(tmp_path / "app" / "decks",
                                      "../assets/diagrams/body-front.svg"))
    assert loaded.ok
    assert [d.message for d in loaded.diagnostics] == [
        "cards[0].image: '../assets/diagrams/body-front.svg' reaches the app's assets through "
        "'..', which breaks once the deck is copied elsewhere; write "
        "'assets/diagrams/body-front.svg'"]


FOLLOW = f"""\
deck: pts
title: Points
sources: [{{id: s, citation: C}}]
records:
  - {{id: at9, name: AT9, spot: [0.5, 0.469, 0.025], tho_treatment: Flexion, source: s}}
  - {{id: at10, name: AT10, spot: [0.55, 0.49, 0.025], tho_treatment: Flexion and side-bending,
     source: s}}
  - {{id: al1, name: AL1, spot: [0.38, 0.558, 0.018], lum_treatment: Hips flexed, source: s}}
  - {{id: al2, name: AL2, spot: [0.4, 0.57, 0.018], lum_treatment: Hips flexed and rotated,
     source: s}}
  - {{id: psoas, name: Psoas, spot: [0.45, 0.6, 0.02], source: s}}
generate:
  - id: map
    type: point
    image: {BODY_FRONT}
    spot: "{{spot}}"
    label: "{{name}}"
    follow_up: "What position treats the tender point marked on the map?"
    follow_from: [tho_treatment, lum_treatment]
"""


def test_a_follow_up_is_asked_of_the_marked_spot_with_wrong_choices_of_its_own_kind(tmp_path):
    from omtquiz.decks.model import FOLLOW_UP
    from omtquiz.decks.render import follow_up_choices, render_item

    path = tmp_path / "pts.yaml"
    path.write_text(FOLLOW)
    loaded = load_deck_file(path)
    assert loaded.ok and not loaded.diagnostics, loaded.diagnostics
    cards = {c.id: c for c in loaded.deck.cards}
    at9, al1, psoas = cards["at9--map"], cards["al1--map"], cards["psoas--map"]
    assert at9.ords() == (0, 1, FOLLOW_UP) and psoas.ords() == (0, 1)  # psoas: no field
    assert (at9.follow_answer, at9.distractors) == ("Flexion", ("Flexion and side-bending",))
    assert (al1.follow_answer, al1.distractors) == ("Hips flexed", ("Hips flexed and rotated",))
    choices, right = follow_up_choices(at9)
    assert sorted(choices) == ["Flexion", "Flexion and side-bending"]
    assert choices[right] == "Flexion" and follow_up_choices(at9) == (choices, right)
    shown = render_item(at9, FOLLOW_UP)
    assert shown.question.startswith("<p>What position treats the tender point marked")
    assert "AT9" not in shown.question  # the marker asks; the name is the answer's
    letter = "AB"[right]
    assert f"{letter}. Flexion" in shown.answer and "AT9" in shown.answer


@pytest.mark.parametrize(("change", "words"), [
    (("    follow_from: [tho_treatment, lum_treatment]\n", ""),
     "a follow-up needs both 'follow_up' (the question) and 'follow_answer' or 'follow_from'"),
    (("lum_treatment]", "lum_treatmnt]"), "no record has a field 'lum_treatmnt'"),
    (("    follow_up: \"What position treats the tender point marked on the map?\"\n", ""),
     "a follow-up needs both"),
])
def test_a_half_written_follow_up_rule_is_an_error(tmp_path, change, words):
    path = tmp_path / "pts.yaml"
    path.write_text(FOLLOW.replace(*change))
    errors = [d.message for d in load_deck_file(path).errors]
    assert any(words in m for m in errors), errors


def test_a_follow_up_by_hand_needs_its_answer_and_wrong_choices(tmp_path):
    from omtquiz.decks.model import FOLLOW_UP

    head = "deck: b\ntitle: B\nsources: [{id: s, citation: C}]\ncards:\n"
    card = (f"  - {{id: p, type: point, image: {BODY_FRONT}, spot: [0.5, 0.1, 0.02], label: X,"
            " source: s, ask: name, follow_up: What treats it?")
    good = tmp_path / "good.yaml"
    good.write_text(head + card + ", follow_answer: Flexion, distractors: [Extension]}\n")
    loaded = load_deck_file(good)
    assert loaded.ok and loaded.deck.cards[0].ords() == (0, FOLLOW_UP)
    for tail, words in (("}", "a follow-up needs 'follow_answer' too"),
                        (", follow_answer: Flexion}", "a follow-up needs 'distractors'"),
                        (", follow_answer: Flexion, distractors: [flexion]}",
                         "'flexion' is the answer itself")):
        bad = tmp_path / "bad.yaml"
        bad.write_text(head + card + tail + "\n")
        errors = [d.message for d in load_deck_file(bad).errors]
        assert any(words in m for m in errors), (tail, errors)


def test_the_bundled_map_decks_ask_treatments_and_chapman_partners_as_follow_ups():
    from omtquiz.decks.model import FOLLOW_UP

    tender = load_deck_file(ROOT / "decks" / "22-counterstrain-tender-points.yaml").deck
    chapman = load_deck_file(ROOT / "decks" / "21-chapman-points.yaml").deck
    records = {r: c for c in tender.cards if c.type == "mcq" and "--treatment-" in c.id
               for r in [c.id.split("--")[0]]}
    follow = [c for c in tender.cards if c.type == "point" and FOLLOW_UP in c.ords()]
    assert len(follow) >= 25
    for card in follow:  # the same answer as the record's own treatment question
        record = card.id.split("--")[0]
        assert card.follow_answer == records[record].answer, card.id
        assert card.follow_answer not in card.distractors and card.distractors
    pairs = {c.id: c for c in chapman.cards if c.type == "point" and FOLLOW_UP in c.ords()}
    posterior = {c.id.split("--")[0]: c.answer for c in chapman.cards
                 if c.id.endswith("--posterior")}
    assert {i.split("--")[0] for i in pairs if i.endswith("anterior")} == set(posterior)
    for card_id, card in pairs.items():
        record = card_id.split("--")[0]
        if card_id.endswith("--map-anterior"):
            assert card.follow_answer == posterior[record]
            assert "posterior partner" in card.follow_up
        else:
            assert "anterior partner" in card.follow_up


def test_a_pair_card_marks_one_point_and_asks_its_partner_on_two_views(tmp_path):
    path = tmp_path / "pair.yaml"
    path.write_text(
        "deck: b\ntitle: B\nsources: [{id: s, citation: C}]\ncards:\n"
        f"  - {{id: p, type: point, image: {BODY_FRONT}, spot: [0.78, 0.27, 0.01], "
        "cue: [0.23, 0.3, 0.01], sides: both, axis: 0.75, ask: click, label: Upper lung, "
        "source: s}\n")
    loaded = load_deck_file(path)
    assert loaded.ok and not loaded.diagnostics, loaded.diagnostics
    (card,) = loaded.deck.cards
    assert card.cue == (0.23, 0.3, 0.01) and card.ords() == (1,)
    assert card.spots() == ((0.78, 0.27, 0.01), (0.72, 0.27, 0.01))  # mirrored in its view


@pytest.mark.parametrize(("change", "message"), [
    ("cue: [0.23, 1.3, 0.01]", "'1.3' is not a number from 0 to 1"),
    ("cue: [0.23, 0.3, 0.5]", "cue: the radius 0.5 must be more than 0 and at most 0.25"),
    ("axis: middle", "axis: 'middle' is not a number from 0 to 1"),
])
def test_bad_cues_and_axes_are_reported(tmp_path, change, message):
    key = change.split(":")[0]
    good = {"cue": "cue: [0.23, 0.3, 0.01]", "axis": "axis: 0.75"}[key]
    text = ("deck: b\ntitle: B\nsources: [{id: s, citation: C}]\ncards:\n"
            f"  - {{id: p, type: point, image: {BODY_FRONT}, spot: [0.78, 0.27, 0.01], "
            "cue: [0.23, 0.3, 0.01], axis: 0.75, label: X, source: s}\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(good, change))
    errors = [d.message for d in load_deck_file(path).errors]
    assert any(message in m for m in errors), errors


def test_a_pair_rule_fills_in_its_cue_and_axis_and_refuses_a_bad_one(tmp_path):
    rule = ("generate:\n  - id: pair\n    type: point\n"
            f"    image: {BODY_FRONT}\n    spot: \"{{back}}\"\n    cue: \"{{front}}\"\n"
            "    axis: \"0.75\"\n    ask: click\n    label: \"{name}\"\n")
    head = "deck: b\ntitle: B\nsources: [{id: s, citation: C}]\nrecords:\n"
    good = tmp_path / "good.yaml"
    good.write_text(head + "  - {id: a, name: A, back: [0.78, 0.27, 0.01], "
                    "front: [0.23, 0.3, 0.01], source: s}\n" + rule)
    loaded = load_deck_file(good)
    assert loaded.ok, loaded.diagnostics
    (card,) = loaded.deck.cards
    assert (card.cue, card.axis) == ((0.23, 0.3, 0.01), 0.75)
    bad = tmp_path / "bad.yaml"
    bad.write_text(head + "  - {id: a, name: A, back: [0.78, 0.27, 0.01], "
                   "front: [0.23, 0.3], source: s}\n" + rule)
    errors = [d.message for d in load_deck_file(bad).errors]
    assert any("cue '0.23, 0.3' is not three numbers from 0 to 1" in m for m in errors), errors


def test_pair_cards_with_one_prompt_are_told_apart_by_their_marks(tmp_path):
    from omtquiz.decks.format.library import load_library
    from omtquiz.decks.format.lint import lint_library

    card = (f"  - {{id: ID, type: point, image: {BODY_FRONT}, spot: SPOT, cue: [0.2, 0.3, 0.01],"
            " ask: click, label: X, front: Click the partner of the blue point., source: s}\n")
    (tmp_path / "pairs.yaml").write_text(
        "deck: b\ntitle: B\nsources: [{id: s, citation: C}]\ncards:\n"
        + card.replace("ID", "a").replace("SPOT", "[0.7, 0.3, 0.01]")
        + card.replace("ID", "b").replace("SPOT", "[0.7, 0.4, 0.01]")
        + card.replace("ID", "c").replace("SPOT", "[0.7, 0.3, 0.01]"))
    found = [(d.card_id, d.message) for d in lint_library(load_library([tmp_path]))]
    assert [card_id for card_id, _ in found] == ["c"], found  # the same marks: a repeat of a
    assert "asks the same question as card 'a'" in found[0][1]
