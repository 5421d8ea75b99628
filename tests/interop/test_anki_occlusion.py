"""Occlusion cards through real Anki: exported as Anki's own Image Occlusion note type, read
by Anki's own image-occlusion parser and card renderer, exported again from Anki and imported
back into occlusion cards with the same shapes, groups, labels and mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from anki.collection import Collection, ExportAnkiPackageOptions
from test_anki_export import PNG, import_package, visible

from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.model import CardType
from omtquiz.interop.anki_export import (
    IMAGE_OCCLUSION_STOCK_KIND,
    NOTE_TYPE_NAMES,
    OCCLUSION_FIELDS,
    export_apkg,
    note_guid,
)
from omtquiz.interop.anki_import import read_apkg
from omtquiz.interop.importers import write_import

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" ' \
      'height="200"><rect width="400" height="200" fill="#fff"/></svg>'
DECK = """\
deck: pelvis
title: Pelvis
sources: [{id: s, citation: A real book}]
cards:
  - id: landmarks
    type: occlusion
    image: pelvis.svg
    front: Name the landmark
    extra: Seen from the front
    source: s
    shapes:
      - {rect: [0.1, 0.2, 0.15, 0.1], label: ASIS}
      - {ellipse: [0.5, 0.5, 0.1, 0.2], label: Sacrum, group: middle}
      - {polygon: [[0.6, 0.6], [0.7, 0.6], [0.65, 0.7]], label: Sacrum, group: middle}
      - {rect: [0.75, 0.8, 0.2, 0.15], label: Pubic tubercle}
"""


@pytest.fixture
def collection(tmp_path):
    """A fresh, empty Anki collection."""
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield col
    col.close()


@pytest.fixture
def deck(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "pelvis.svg").write_text(SVG)
    (folder / "pelvis.yaml").write_text(DECK)
    loaded = load_deck_file(folder / "pelvis.yaml")
    assert loaded.ok, loaded.diagnostics
    return loaded.deck


def anki_note(col, deck):
    (nid,) = col.db.list("SELECT id FROM notes WHERE guid = ?", note_guid(deck.id, "landmarks"))
    return col.get_note(nid)


def test_anki_takes_it_as_its_own_image_occlusion_note(tmp_path, collection, deck):
    report = export_apkg([deck], tmp_path / "o.apkg")
    import_package(collection, tmp_path / "o.apkg")

    assert (report.notes, report.cards) == (1, 3)
    note = anki_note(collection, deck)
    model = note.note_type()
    assert model["name"] == NOTE_TYPE_NAMES["occlusion"]
    assert model["originalStockKind"] == IMAGE_OCCLUSION_STOCK_KIND
    assert [f["name"] for f in model["flds"]] == list(OCCLUSION_FIELDS)
    assert [f["tag"] for f in model["flds"]] == [0, 1, 2, 3, 4]
    assert "{{c1::image-occlusion:rect:left=0.1:top=0.2:width=0.15:height=0.1:oi=1}}" \
        in note["Occlusion"]

    # Anki's own parser (the one its occlusion editor uses) reads our shapes back.
    found = collection.get_image_occlusion_note(note.id)
    assert found.WhichOneof("value") == "note", found
    shapes = {o.ordinal: [(s.shape, {p.name: p.value for p in s.properties})
                          for s in o.shapes] for o in found.note.occlusions}
    assert sorted(shapes) == [1, 2, 3]
    assert [kind for kind, _ in shapes[2]] == ["ellipse", "polygon"]
    ellipse = shapes[2][0][1]
    assert (ellipse["left"], ellipse["top"], ellipse["rx"], ellipse["ry"]) == \
        ("0.4", "0.3", "0.1", "0.2")
    assert shapes[2][1][1]["points"] == "0.6,0.6 0.7,0.6 0.65,0.7"
    assert found.note.header == "Name the landmark"


def test_anki_renders_each_card_asking_its_own_region(tmp_path, collection, deck):
    export_apkg([deck], tmp_path / "o.apkg")
    import_package(collection, tmp_path / "o.apkg")

    cards = sorted(anki_note(collection, deck).cards(), key=lambda c: c.ord)
    assert [c.ord for c in cards] == [0, 1, 2]
    middle = cards[1]
    question, answer = middle.question(), middle.answer()
    asked = re.findall(r'<div class="cloze" data-ordinal="2" data-shape="(\w+)"', question)
    assert asked == ["ellipse", "polygon"]
    assert len(re.findall(r'class="cloze-inactive"[^>]*data-occludeInactive="1"', question)) == 2
    assert "anki.imageOcclusion.setup()" in question and "Name the landmark" in question
    assert "Sacrum" not in visible(question)
    assert re.search(r'<span class="cloze" data-ordinal="2">Sacrum</span>', answer)
    assert re.search(r'<span class="cloze-inactive" data-ordinal="1">ASIS</span>', answer), \
        "other labels stay hidden (display: none in the note type's style)"
    assert ".io-labels .cloze-inactive { display: none; }" in middle.note_type()["css"]
    assert "Seen from the front" in answer and "A real book" in answer


def test_round_trip_through_anki_gives_back_the_same_occlusion_card(tmp_path, collection,
                                                                    deck):
    export_apkg([deck], tmp_path / "o.apkg")
    import_package(collection, tmp_path / "o.apkg")
    again = tmp_path / "from-anki.apkg"
    collection.export_anki_package(
        out_path=str(again), limit=None,
        options=ExportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False,
                                         with_media=True, legacy=True))

    imported = read_apkg(again)
    (card,) = imported.cards
    assert card["type"] == "occlusion" and card["mode"] == "hide-all-guess-one"
    assert card["front"] == "Name the landmark" and "Seen from the front" in card["extra"]
    written = write_import(imported, tmp_path / "back" / "pelvis-again.yaml")
    loaded = load_deck_file(written.output)
    assert loaded.ok, loaded.diagnostics
    (back,) = loaded.deck.cards
    (original,) = deck.cards
    assert back.shapes == tuple(
        s.__class__(s.kind, s.coords, s.label, "c2" if s.group else None)
        for s in original.shapes)
    assert back.occlusion_groups() == original.occlusion_groups()
    assert Path(back.image).read_text() == SVG


def test_a_plain_anki_occlusion_note_imports_with_numbered_regions(tmp_path):
    col = Collection(str(tmp_path / "plain.anki2"))
    try:
        image = tmp_path / "bones.png"
        image.write_bytes(PNG)
        col.add_image_occlusion_notetype()
        name = col.media.add_file(str(image))
        model = next(m for m in col.models.all() if m.get("originalStockKind") == 6)
        note = col.new_note(model)
        note["Occlusion"] = ("{{c1::image-occlusion:rect:left=.2:top=.3:width=.1:height=.1}}"
                             "{{c2::image-occlusion:ellipse:left=.5:top=.5:rx=.1:ry=.05}}")
        note["Image"] = f'<img src="{name}">'
        col.add_note(note, col.decks.id("Bones"))
        out = tmp_path / "plain.apkg"
        col.export_anki_package(
            out_path=str(out), limit=None,
            options=ExportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False,
                                             with_media=True, legacy=True))
    finally:
        col.close()
    imported = read_apkg(out)
    (card,) = imported.cards
    assert card["mode"] == "hide-one-guess-one"
    assert card["shapes"] == [{"rect": [0.2, 0.3, 0.1, 0.1], "label": "Region 1"},
                              {"ellipse": [0.6, 0.55, 0.1, 0.05], "label": "Region 2"}]
    assert any("named 'Region N'" in line for line in imported.problem_lines())


MAP = Path(__file__).resolve().parents[2] / "assets" / "diagrams" / "body-front.svg"
POINTS = f"""\
deck: pts
title: Points
sources: [{{id: s, citation: A real book}}]
cards:
  - {{id: al1, type: point, image: {MAP}, spot: [0.38, 0.558, 0.018], label: AL1,
     question: Which tender point is marked?, sides: both, extra: Medial to the ASIS,
     follow_up: What position treats it?, follow_answer: Marked flexion of the hips,
     distractors: [Extension], source: s}}
  - {{id: heart, type: point, image: {MAP}, spot: [0.54, 0.275, 0.02], label: Heart,
     ask: click, source: s}}
"""


def test_a_map_question_becomes_an_image_occlusion_note_on_the_same_map(tmp_path, collection):
    (tmp_path / "pts.yaml").write_text(POINTS)
    loaded = load_deck_file(tmp_path / "pts.yaml")
    assert loaded.ok, loaded.diagnostics
    report = export_apkg([loaded.deck], tmp_path / "p.apkg")
    import_package(collection, tmp_path / "p.apkg")

    assert (report.notes, report.cards) == (1, 1)
    assert report.warnings == ["pts/heart: asks only for a click on the map, which Anki cannot "
                               "take; left out"]
    (nid,) = collection.db.list("SELECT id FROM notes WHERE guid = ?", note_guid("pts", "al1"))
    note = collection.get_note(nid)
    found = collection.get_image_occlusion_note(nid).note
    (occlusion,) = found.occlusions
    shapes = [{p.name: p.value for p in s.properties} for s in occlusion.shapes]
    # both sides, each an ellipse of radius 0.018 of the width (0.008 of the 900-high map)
    assert [(s["left"], s["top"], s["rx"], s["ry"]) for s in shapes] == [
        ("0.362", "0.55", "0.018", "0.008"), ("0.602", "0.55", "0.018", "0.008")]
    (card,) = note.cards()
    assert "Which tender point is marked?" in card.question()
    assert re.search(r'<span class="cloze" data-ordinal="1">AL1</span>', card.answer())
    assert "Medial to the ASIS" in card.answer()
    assert "What position treats it?</b> Marked flexion of the hips" in card.answer()
    assert "Marked flexion" not in card.question()
    (name,) = collection.media.files_in_str(note.mid, note["Image"])
    assert (Path(collection.media.dir()) / name).read_bytes() == MAP.read_bytes()


def test_the_bundled_map_questions_export_as_image_occlusion_notes_anki_renders(
        tmp_path, collection):
    """Every map question Anki can ask (all but click-only ones) of the bundled tender point and
    Chapman decks becomes an Image Occlusion note on its map, with the answer behind its mask."""
    root = Path(__file__).resolve().parents[2] / "decks"
    decks = [load_deck_file(root / name).deck for name in
             ("21-chapman-points.yaml", "22-counterstrain-tender-points.yaml")]
    points = [(d, c) for d in decks for c in d.cards if c.type == "point"]
    askable = [(d, c) for d, c in points if c.ask != "click"]
    assert len(askable) >= 45
    export_apkg(decks, tmp_path / "maps.apkg")
    import_package(collection, tmp_path / "maps.apkg")
    io_type = collection.models.by_name(NOTE_TYPE_NAMES[CardType.OCCLUSION])
    assert len(collection.find_notes(f"mid:{io_type['id']}")) == len(askable)
    for deck, card in askable[::7]:
        (nid,) = collection.db.list("SELECT id FROM notes WHERE guid = ?",
                                    note_guid(deck.id, card.id))
        found = collection.get_image_occlusion_note(nid).note
        assert len(found.occlusions[0].shapes) == len(card.spots())
        (anki_card,) = collection.get_note(nid).cards()
        assert card.answer not in anki_card.question() and card.answer in anki_card.answer()
