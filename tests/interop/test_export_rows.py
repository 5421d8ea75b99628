"""The export writes its notes and cards itself (two `executemany` calls); this checks they are
row for row what genanki's own `Note.write_to_db` writes for the same notes: ids, guids,
fields, sort field, tags, card ords in genanki's order, decks and due positions, and the same
indexes (built after the rows)."""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import genanki
import pytest

from conftest import BUNDLED_DECKS
from omtquiz.decks.format.library import load_library
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.interop import anki_export
from omtquiz.interop.anki_export import _note_types, export_apkg, note_guid
from omtquiz.interop.anki_progress import AnkiCalendar, stamp_collection

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)

# Cloze notes with several deletions, out of order and repeated, and one whose ords genanki's
# set gives in descending order (32 and 0 share a slot of a small set); a reverse card; tags
# to clean and repeat.
MIXED = """\
deck: rows
title: Rows
cards:
  - id: many
    type: cloze
    text: "{{c9::nine}} {{c1::one}} {{c17::seventeen}} {{c8::eight}} {{c1::again}} {{c2::two}}"
  - id: pair
    type: cloze
    text: "{{c33::thirty-three}} then {{c1::one}}"
  - id: rev
    type: reverse
    front: "**Term**"
    back: A definition
    tags: [b, a]
  - id: q
    type: mcq
    question: Which?
    answer: This
    distractors: [That, Other]
  - id: plain
    front: Front
    back: Back
"""


def _package_rows(path: Path) -> tuple[sqlite3.Connection, dict[str, list]]:
    with zipfile.ZipFile(path) as package:
        db = path.with_suffix(".anki2")
        db.write_bytes(package.read("collection.anki2"))
    conn = sqlite3.connect(db)
    return conn, _rows(conn)


def _rows(conn: sqlite3.Connection) -> dict[str, list]:
    rows = {table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("notes", "cards")}
    rows["indexes"] = conn.execute("SELECT name, tbl_name, sql FROM sqlite_master "
                                   "WHERE type = 'index' ORDER BY name").fetchall()
    return rows


def _genanki_rows(conn: sqlite3.Connection, tmp: Path) -> dict[str, list]:
    """The same notes (read back from our package) written by genanki's own Note.write_to_db,
    deck by deck in our order, with our note types and timestamp."""
    (models_json, decks_json) = conn.execute("SELECT models, decks FROM col").fetchone()
    models = {model.model_id: model for model in _note_types().values()}
    decks: dict[int, genanki.Deck] = {}
    for _nid, guid, mid, _mod, _usn, tags, flds, *_ in conn.execute(
            "SELECT * FROM notes ORDER BY id"):
        did, due = conn.execute("SELECT did, due FROM cards WHERE nid = "
                                "(SELECT id FROM notes WHERE guid = ?) LIMIT 1",
                                (guid,)).fetchone()
        deck = decks.setdefault(did, genanki.Deck(did, str(did)))
        deck.add_note(genanki.Note(model=models[mid], fields=flds.split("\x1f"), guid=guid,
                                   tags=tags.split(), due=due))
    other = sqlite3.connect(tmp / "genanki.anki2")
    cursor = other.cursor()
    genanki.Package(list(decks.values())).write_to_db(
        cursor, NOW.timestamp(), itertools.count(int(NOW.timestamp() * 1000)))
    stamp_collection(cursor, AnkiCalendar(timezone.utc))
    rows = _rows(other)
    assert other.execute("SELECT models FROM col").fetchone()[0] == models_json
    assert sorted(decks) == sorted(int(d) for d in json.loads(decks_json)
                                   if d != "1")
    other.close()
    return rows


def _check(decks, tmp: Path) -> None:
    out = tmp / "ours.apkg"
    export_apkg(decks, out, now=NOW)
    conn, ours = _package_rows(out)
    theirs = _genanki_rows(conn, tmp)
    conn.close()
    assert ours["notes"] and ours["cards"] and len(ours["indexes"]) == 7
    assert ours == theirs


@pytest.mark.parametrize("chunk", [7, None])
def test_bundled_decks_rows_are_genankis(tmp_path, monkeypatch, chunk):
    """Also written 7 notes at a time, so that the bulk inserts' seams are crossed."""
    if chunk is not None:
        monkeypatch.setattr(anki_export, "_CHUNK", chunk)
    _check(load_library([BUNDLED_DECKS]).decks, tmp_path)


def test_mixed_deck_rows_are_genankis(tmp_path):
    (tmp_path / "rows.yaml").write_text(MIXED)
    deck = load_deck_file(tmp_path / "rows.yaml").deck
    # tags the loader refuses but a deck made in code can carry: cleaned, each once, in order
    cards = tuple(c._replace(tags=("a b", "a_b", 'x"y', "a b")) if c.id == "rev" else c
                  for c in deck.cards)
    deck = replace(deck, cards=cards, _by_id={})
    assert len(deck.cards) == 5
    _check([deck], tmp_path)
    conn, ours = _package_rows(tmp_path / "ours.apkg")
    ords = conn.execute("SELECT cards.ord FROM cards JOIN notes ON notes.id = cards.nid "
                        "WHERE notes.sfld LIKE '%nine%' ORDER BY cards.id").fetchall()
    tags = conn.execute("SELECT tags FROM notes WHERE sfld LIKE '%Term%'").fetchone()[0]
    descending = conn.execute("SELECT cards.ord FROM cards JOIN notes ON notes.id = cards.nid "
                              "WHERE notes.sfld LIKE '%thirty%' ORDER BY cards.id").fetchall()
    conn.close()
    assert sorted(o for (o,) in ords) == [0, 1, 7, 8, 16]
    assert descending == [(32,), (0,)]  # genanki's set order, kept
    assert tags == " a_b x_y "


def test_cloze_without_a_deletion_in_ankis_range_is_left_out_with_a_warning(tmp_path):
    (tmp_path / "rows.yaml").write_text(MIXED)
    deck = load_deck_file(tmp_path / "rows.yaml").deck
    texts = {"many": "no deletion at all", "pair": "{{c0::zero}} and {{c501::too far}}"}
    cards = tuple(c._replace(text=texts[c.id]) if c.id in texts else c for c in deck.cards)
    report = export_apkg([replace(deck, cards=cards, _by_id={})], tmp_path / "o.apkg", now=NOW)
    assert report.notes == 3
    assert [w for w in report.warnings if "cloze without" in w] == [
        "rows/many: cloze without a {{c1::...}} deletion; left out",
        "rows/pair: cloze without a {{c1::...}} deletion; left out"]
    kept = {"{{c0::zero}} {{c2::two}}": 1, "{{c500::last}}": 1}
    for text, notes in kept.items():
        cards = tuple(c._replace(text=text) if c.id == "many" else c for c in deck.cards)
        report = export_apkg([replace(deck, cards=cards, _by_id={})], tmp_path / "k.apkg",
                             now=NOW)
        assert report.notes_by_type["omtquiz Cloze"] == 1 + notes, text


FALLBACK = """\
deck: fb
title: Fallback
cards:
  - {id: q1, type: mcq, question: Which technique pumps lymph?, answer: Lymphatic pump}
  - {id: q2, type: mcq, question: Which technique raises ribs?, answer: Rib raising}
  - {id: q3, type: mcq, question: Which technique is a thrust?, answer: HVLA}
  - {id: q4, type: mcq, question: Which positions for comfort?, answer: Counterstrain,
     distractors: [Facilitated positional release]}
"""


def test_multiple_choice_without_distractors_borrows_its_decks_answers(tmp_path):
    """The quiz's distractor finder is imported only when a card needs it; it still gives
    each such card the deck's other answers, in the same order on every export."""
    (tmp_path / "fb.yaml").write_text(FALLBACK)
    deck = load_deck_file(tmp_path / "fb.yaml").deck
    choices = []
    for name in ("one.apkg", "two.apkg"):
        export_apkg([deck], tmp_path / name, now=NOW)
        conn, ours = _package_rows(tmp_path / name)
        conn.close()
        choices.append({row[1]: row[6].split("\x1f")[1] for row in ours["notes"]})
    assert choices[0] == choices[1]
    answers = {"Lymphatic pump", "Rib raising", "HVLA", "Counterstrain"}
    for field in choices[0].values():
        shown = set(re.findall(r"<li(?: class=\"key\")?>([^<]*)</li>", field))
        assert len(shown) >= 2 and (shown <= answers or "Facilitated positional release" in shown)
    q1 = choices[0][note_guid("fb", "q1")]
    assert '<li class="key">Lymphatic pump</li>' in q1 and q1.count("<li") == 4
