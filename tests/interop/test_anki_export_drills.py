"""A drill in an Anki export: up to N different generated cases, stable GUIDs, the rules on the
back, checked by importing into a real Anki collection (twice: the second updates in place)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from omtquiz.decks.format.loader import load_deck_file
from omtquiz.interop.anki_export import NOTE_TYPE_NAMES, export_apkg

DECK = """\
deck: drills
title: Drills
sources: [{id: s, citation: A real book}]
drills:
  - {id: sacrum, region: sacrum, kinds: [forward torsion, backward torsion], count: 5,
     source: s}
  - {id: ribs, region: rib, count: 3, source: s}
"""


@pytest.fixture
def collection(tmp_path):
    folder = tmp_path / "anki"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    yield col
    col.close()


def import_package(col, path: Path):
    request = ImportAnkiPackageRequest(package_path=str(path),
                                       options=ImportAnkiPackageOptions(with_scheduling=False))
    return col.import_anki_package(request).log


def test_drills_export_as_cases_that_update_in_place(tmp_path, write_deck, collection):
    deck = load_deck_file(write_deck(DECK)).deck
    report = export_apkg([deck], tmp_path / "a.apkg")
    # count is per drill: the four torsions (only two of each kind exist) and 3 rib cases
    assert report.notes == 4 + 3 and report.notes_by_type == {NOTE_TYPE_NAMES["basic"]: 7}
    log = import_package(collection, tmp_path / "a.apkg")
    assert len(log.new) == 7 and not log.conflicting and not log.duplicate
    notes = [collection.get_note(nid) for nid in collection.find_notes("")]
    guids = {n.guid for n in notes}
    fronts = {n.guid: n["Front"] for n in notes}
    assert len(set(fronts.values())) == 7  # no two notes ask the same case
    for note in notes:
        assert "Name the somatic dysfunction" in note["Front"]
        assert re.search(r"(on|dysfunction)", note["Back"])
        assert "-&gt;" in note["Explanation"] or "->" in note["Explanation"]
        assert "A real book" in note["Source"]
    export_apkg([deck], tmp_path / "b.apkg")
    again = import_package(collection, tmp_path / "b.apkg")
    assert not again.new and len(collection.find_notes("")) == 7
    assert {collection.get_note(nid).guid for nid in collection.find_notes("")} == guids
    assert {collection.get_note(n).guid: collection.get_note(n)["Front"]
            for n in collection.find_notes("")} == fronts


def test_the_counterstrain_drill_exports_its_tender_points_as_cases(tmp_path, collection):
    from omtquiz.resources import bundled_decks_dir

    deck = load_deck_file(bundled_decks_dir() / "22-counterstrain-tender-points.yaml").deck
    drill = deck.card("counterstrain-positions")
    report = export_apkg([deck], tmp_path / "cs.apkg")
    import_package(collection, tmp_path / "cs.apkg")
    notes = [collection.get_note(nid) for nid in collection.find_notes("")]
    cases = [n for n in notes if "Front" in n and "position of ease" in n["Front"]]
    # 20 by default, taken from the four regions in turn, no point twice
    assert len(cases) == drill.drill.count == 20
    assert len({n["Front"] for n in cases}) == 20 and report.notes >= 20
    for note in cases:
        assert "Position of ease:" in note["Back"]
        assert "by the rule" in note["Explanation"] and "source:" in note["Explanation"]
