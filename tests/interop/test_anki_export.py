"""Anki export, checked the way a learner meets it: imported into a real Anki collection.

Every test imports the package with the `anki` library's own importer (the Rust backend
Anki desktop uses), so "imports cleanly" and "updates in place" are Anki's verdicts, not ours.
"""

from __future__ import annotations

import gc
import json
import re
import sqlite3
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from omtquiz.cli import main
from omtquiz.decks.model import Card, Deck, Item, Source
from omtquiz.interop.anki_export import (
    NOTE_TYPE_NAMES,
    ExportError,
    anki_deck_id,
    export_apkg,
    note_guid,
)
from omtquiz.interop.anki_progress import ItemProgress, Review, progress_from_store

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def _decks(folder: Path) -> list[Deck]:
    """Two decks under one parent, with every card type, tags, a source and an image."""
    image = folder / "spine.png"
    image.write_bytes(PNG)
    techniques = Deck(
        id="omt-techniques", title="OMT Techniques", parent="OMT", path=str(folder / "t.yaml"),
        tags=("omt",),
        sources=(Source("aoa", "AOA *Glossary*", "https://example.org/glossary"),),
        cards=(
            Card("omt-techniques", "hvla", "basic", front="What is **HVLA**?",
                 back="High velocity, low amplitude", tags=("omt", "techniques::direct"),
                 source="aoa", image=str(image)),
            Card("omt-techniques", "me", "reverse", front="Muscle energy",
                 back="The patient pushes against the physician's counterforce",
                 tags=("omt", "two words")),
            Card("omt-techniques", "cs", "cloze",
                 text="{{c1::Counterstrain}} holds a position of {{c2::comfort::feeling}} for "
                 "90 seconds.", extra="Jones's technique", tags=("omt",), image=str(image)),
            Card("omt-techniques", "barrier", "mcq", question="Which barrier does HVLA engage?",
                 answer="The restrictive barrier",
                 distractors=("The anatomic barrier", "The physiologic barrier"),
                 explanation="HVLA is a direct technique.", tags=("omt",)),
        ))
    principles = Deck(
        id="principles", title="Principles", parent="OMT", path=str(folder / "p.yaml"),
        cards=(Card("principles", "tenets", "basic", front="How many tenets?", back="Four",
                    tags=("principles",)),))
    return [techniques, principles]


@pytest.fixture
def collection(tmp_path):
    """A fresh, empty Anki collection in tmp_path; more can be opened with `collection.new()`."""
    opened = []

    def new() -> Collection:
        folder = tmp_path / f"anki{len(opened)}"
        folder.mkdir()
        col = Collection(str(folder / "collection.anki2"))
        opened.append(col)
        return col

    col = new()
    col.new = new
    yield col
    for col in opened:
        col.close()


def import_package(col, path: Path, *, with_scheduling: bool = False):
    request = ImportAnkiPackageRequest(
        package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=with_scheduling))
    return col.import_anki_package(request).log


def by_note_type(col) -> dict[str, tuple[int, int]]:
    """Note type name -> (notes, cards) in the collection."""
    rows = col.db.all("SELECT n.mid, COUNT(DISTINCT n.id), COUNT(c.id) FROM notes n "
                      "JOIN cards c ON c.nid = n.id GROUP BY n.mid")
    return {col.models.get(mid)["name"]: (notes, cards) for mid, notes, cards in rows}


def visible(card_html: str) -> str:
    """The text a learner sees: no style sheet, no tags (Anki keeps answers in attributes)."""
    return re.sub(r"<[^>]+>", "", re.sub(r"<style>.*?</style>", "", card_html, flags=re.S))


def note_for(col, deck_id: str, card_id: str):
    (nid,) = col.db.list("SELECT id FROM notes WHERE guid = ?", note_guid(deck_id, card_id))
    return col.get_note(nid)


def test_every_card_arrives_with_its_note_type_deck_and_tags(tmp_path, collection):
    report = export_apkg(_decks(tmp_path), tmp_path / "omt.apkg")
    log = import_package(collection, tmp_path / "omt.apkg")

    assert len(log.new) == 5 and not log.conflicting
    assert by_note_type(collection) == {
        NOTE_TYPE_NAMES["basic"]: (2, 2),
        NOTE_TYPE_NAMES["reverse"]: (1, 2),
        NOTE_TYPE_NAMES["cloze"]: (1, 2),
        NOTE_TYPE_NAMES["mcq"]: (1, 1),
    }
    assert (report.notes, report.cards, report.decks) == (5, 7, 2)
    names = {d.name for d in collection.decks.all_names_and_ids()}
    assert {"OMT", "OMT::OMT Techniques", "OMT::Principles"} <= names
    hvla = note_for(collection, "omt-techniques", "hvla")
    assert hvla.cards()[0].did == collection.decks.id_for_name("OMT::OMT Techniques")
    assert sorted(hvla.tags) == ["omt", "techniques::direct"]
    assert note_for(collection, "omt-techniques", "me").tags == ["omt", "two_words"]
    assert "AOA <em>Glossary</em>" in hvla["Source"]
    assert 'href="https://example.org/glossary"' in hvla["Source"]
    assert "AOA" in hvla.cards()[0].answer()


def test_cloze_with_c1_and_c2_gives_two_cards(tmp_path, collection):
    export_apkg(_decks(tmp_path), tmp_path / "omt.apkg")
    import_package(collection, tmp_path / "omt.apkg")

    note = note_for(collection, "omt-techniques", "cs")
    assert "{{c1::Counterstrain}}" in note["Text"] and "{{c2::comfort::feeling}}" in note["Text"]
    first, second = sorted(note.cards(), key=lambda c: c.ord)
    assert (first.ord, second.ord) == (0, 1)
    assert "Counterstrain" not in visible(first.question()) and "comfort" in first.question()
    assert "[feeling]" in second.question() and "Counterstrain" in second.question()


def test_images_land_in_the_media_folder(tmp_path, collection):
    report = export_apkg(_decks(tmp_path), tmp_path / "omt.apkg")
    import_package(collection, tmp_path / "omt.apkg")

    assert report.media == 1  # two cards share one picture: packed once
    note = note_for(collection, "omt-techniques", "hvla")
    (name,) = collection.media.files_in_str(note.mid, note["Image"])
    assert name.startswith("omtquiz-") and name.endswith(".png")
    assert (Path(collection.media.dir()) / name).read_bytes() == PNG
    assert f'<img src="{name}"' in note["Image"]


def test_mcq_shows_the_choices_and_reveals_answer_and_explanation(tmp_path, collection):
    export_apkg(_decks(tmp_path), tmp_path / "omt.apkg")
    import_package(collection, tmp_path / "omt.apkg")

    card = note_for(collection, "omt-techniques", "barrier").cards()[0]
    question, answer = card.question(), card.answer()
    for choice in ("The restrictive barrier", "The anatomic barrier", "The physiologic barrier"):
        assert choice in question
    assert "HVLA is a direct technique." not in question
    assert "HVLA is a direct technique." in answer
    assert '<span class="letter">' in answer


def test_re_export_after_an_edit_updates_that_note_in_place(tmp_path, collection):
    decks = _decks(tmp_path)
    first = datetime.now(timezone.utc) - timedelta(minutes=5)
    export_apkg(decks, tmp_path / "v1.apkg", now=first)
    import_package(collection, tmp_path / "v1.apkg")
    before = note_for(collection, "omt-techniques", "hvla")
    others = {n: collection.get_note(n).fields for n in collection.find_notes("")
              if n != before.id}

    edited = decks[0].cards[0]._replace(back="High velocity, low amplitude thrust")
    decks[0] = replace(decks[0], cards=(edited, *decks[0].cards[1:]), _by_id={})
    export_apkg(decks, tmp_path / "v2.apkg", now=first + timedelta(minutes=1))
    log = import_package(collection, tmp_path / "v2.apkg")

    assert not log.new and not log.conflicting
    after = note_for(collection, "omt-techniques", "hvla")
    assert after.id == before.id
    assert after["Back"] == "High velocity, low amplitude thrust"
    assert collection.note_count() == 5 and collection.card_count() == 7
    assert {n: collection.get_note(n).fields for n in others} == others
    assert len([m for m in collection.models.all_names_and_ids()
                if m.name.startswith("omtquiz")]) == 4  # no "omtquiz Basic-1a2b3" copies


def test_the_same_export_imported_twice_adds_nothing(tmp_path, collection):
    export_apkg(_decks(tmp_path), tmp_path / "omt.apkg")
    import_package(collection, tmp_path / "omt.apkg")
    log = import_package(collection, tmp_path / "omt.apkg")
    assert not log.new and not log.conflicting
    assert (collection.note_count(), collection.card_count()) == (5, 7)


def test_hostile_text_arrives_clean(tmp_path, collection):
    hostile = Deck(id="evil", title="Evil", path=str(tmp_path / "evil.yaml"), cards=(
        Card("evil", "a", "basic", front="<script>alert(1)</script>Question?",
             back='<img src=x onerror="alert(1)"> answer <a href="javascript:alert(2)">x</a>',
             explanation='<iframe src="https://evil.example"></iframe><b onclick="f()">bold</b>'),
        Card("evil", "b", "cloze", text="{{c1::<svg onload=alert(1)>}} and "
             '<img src="https://evil.example/track.png">'),
    ))
    report = export_apkg([hostile], tmp_path / "evil.apkg")
    import_package(collection, tmp_path / "evil.apkg")

    fields = "".join(collection.db.list("SELECT flds FROM notes")).lower()
    for bad in ("<script", "onerror", "onload", "onclick", "javascript:", "<iframe", "<svg",
                "evil.example"):
        assert bad not in fields
    assert "question?" in fields and "<b>bold</b>" in fields
    assert any("left out" in w for w in report.warnings)


def test_with_progress_studied_cards_arrive_scheduled_with_their_history(tmp_path, collection):
    now = datetime.now(timezone.utc)
    reviews = (Review(now - timedelta(days=20), 3, 6000, 10 / 1440),
               Review(now - timedelta(days=20, minutes=-10), 3, 4000, 3),
               Review(now - timedelta(days=4), 3, 3000, 9))
    progress = {
        Item("omt-techniques", "hvla"): ItemProgress(
            "review", due=now + timedelta(days=5), stability=12.5, difficulty=4.25,
            interval_days=9, reps=3, lapses=0, reviews=reviews),
        Item("omt-techniques", "cs", 1): ItemProgress(
            "learning", due=now + timedelta(minutes=10), stability=0.4, difficulty=7.0,
            reps=1, reviews=(Review(now - timedelta(minutes=1), 1, 2500, 10 / 1440),)),
        Item("omt-techniques", "me", 0): ItemProgress(
            "relearning", due=now + timedelta(days=2), stability=2.0, difficulty=8.0,
            interval_days=1, reps=6, lapses=1),
        Item("omt-techniques", "me", 1): ItemProgress(
            "relearning", due=now + timedelta(days=1), stability=2.0, difficulty=8.0,
            interval_days=1, reps=6, lapses=1, suspended=True),
    }
    report = export_apkg(_decks(tmp_path), tmp_path / "p.apkg", progress=progress, now=now)
    import_package(collection, tmp_path / "p.apkg", with_scheduling=True)

    assert (report.studied, report.reviews) == (4, 4)
    today = collection.sched.today
    review = note_for(collection, "omt-techniques", "hvla").cards()[0]
    assert (review.type, review.queue, review.due, review.ivl) == (2, 2, today + 5, 9)
    assert (review.reps, review.lapses) == (3, 0)
    assert review.memory_state.stability == pytest.approx(12.5)
    assert review.memory_state.difficulty == pytest.approx(4.25)
    log = collection.db.all("SELECT id, ease, ivl, type, time FROM revlog WHERE cid = ? "
                            "ORDER BY id", review.id)
    assert [(ease, ivl, kind, ms) for _, ease, ivl, kind, ms in log] == [
        (3, -600, 0, 6000), (3, 3, 0, 4000), (3, 9, 1, 3000)]
    assert log[-1][0] // 1000 == int(reviews[-1].time.timestamp())

    cloze = {c.ord: c for c in note_for(collection, "omt-techniques", "cs").cards()}
    assert (cloze[0].type, cloze[0].queue) == (0, 0)  # c1 was never studied: new
    assert (cloze[1].type, cloze[1].queue) == (1, 1)
    assert cloze[1].due == int((now + timedelta(minutes=10)).timestamp())  # epoch seconds
    relearn = {c.ord: c for c in note_for(collection, "omt-techniques", "me").cards()}
    assert (relearn[1].type, relearn[1].queue, relearn[1].ivl) == (3, -1, 1)
    assert relearn[1].due == int((now + timedelta(days=1)).timestamp())
    assert (relearn[0].type, relearn[0].queue, relearn[0].due) == (3, 3, today + 2)
    assert (relearn[0].ivl, relearn[0].lapses) == (1, 1)
    untouched = note_for(collection, "principles", "tenets").cards()[0]
    assert (untouched.type, untouched.queue, untouched.reps) == (0, 0, 0)
    assert collection.db.scalar("SELECT COUNT(*) FROM revlog") == 4


def test_without_importing_progress_anki_starts_every_card_new(tmp_path, collection):
    now = datetime.now(timezone.utc)
    progress = {Item("principles", "tenets"): ItemProgress(
        "review", due=now + timedelta(days=3), stability=5, difficulty=5, interval_days=4,
        reps=2, reviews=(Review(now - timedelta(days=1), 3, 1000, 4),))}
    export_apkg(_decks(tmp_path), tmp_path / "p.apkg", progress=progress, now=now)
    import_package(collection, tmp_path / "p.apkg", with_scheduling=False)
    assert collection.db.scalar("SELECT COUNT(*) FROM cards WHERE type != 0") == 0
    assert collection.db.scalar("SELECT COUNT(*) FROM revlog") == 0


def _package(path: Path, tmp_path: Path) -> tuple[list[tuple], list[int], dict]:
    """The notes (guid, note type, fields, tags), deck ids and media map of a package."""
    target = tmp_path / f"{path.stem}-collection.anki2"
    with zipfile.ZipFile(path) as archive:
        target.write_bytes(archive.read("collection.anki2"))
        media = json.loads(archive.read("media"))
    conn = sqlite3.connect(target)
    try:
        notes = conn.execute("SELECT guid, mid, flds, tags FROM notes ORDER BY guid").fetchall()
        deck_ids = sorted(int(k) for k in json.loads(
            conn.execute("SELECT decks FROM col").fetchone()[0]))
    finally:
        conn.close()
    return notes, deck_ids, media


def test_exports_are_stable_ids_guids_media_names_and_choice_order(tmp_path):
    decks = _decks(tmp_path)
    export_apkg(decks, tmp_path / "a.apkg", now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    export_apkg(decks, tmp_path / "b.apkg", now=datetime(2026, 2, 1, tzinfo=timezone.utc))
    first = _package(tmp_path / "a.apkg", tmp_path)
    assert first == _package(tmp_path / "b.apkg", tmp_path)
    notes, deck_ids, media = first
    assert anki_deck_id("omt-techniques") in deck_ids and anki_deck_id("principles") in deck_ids
    assert all(1 << 30 <= anki_deck_id(d) < 1 << 31 for d in ("omt-techniques", "principles"))
    assert note_guid("omt-techniques", "hvla") in {guid for guid, *_ in notes}
    assert list(media.values()) == [n for n in media.values() if n.startswith("omtquiz-")]


def test_filters_by_deck_and_tag_and_reports_progress(tmp_path):
    calls = []
    report = export_apkg(_decks(tmp_path), tmp_path / "t.apkg", tags=["Techniques"],
                         on_progress=lambda done, total: calls.append((done, total)))
    assert report.notes == 1  # only the card tagged techniques::direct
    assert calls[-1][0] == calls[-1][1] and [d for d, _ in calls] == sorted(d for d, _ in calls)
    report = export_apkg(_decks(tmp_path), tmp_path / "d.apkg", deck_ids=["principles"])
    assert (report.decks, report.notes) == (1, 1)
    with pytest.raises(ExportError, match="no deck with id 'nope'"):
        export_apkg(_decks(tmp_path), tmp_path / "x.apkg", deck_ids=["nope"])
    with pytest.raises(ExportError, match="nothing to export"):
        export_apkg(_decks(tmp_path), tmp_path / "x.apkg", tags=["absent"])
    assert not (tmp_path / "x.apkg").exists()


def test_the_cycle_collector_is_paused_during_an_export_and_restored_after(tmp_path):
    seen = []
    export_apkg(_decks(tmp_path), tmp_path / "a.apkg",
                on_progress=lambda done, total: seen.append(gc.isenabled()))
    assert seen and not any(seen) and gc.isenabled()
    with pytest.raises(ExportError):
        export_apkg(_decks(tmp_path), tmp_path / "x.apkg", tags=["absent"])
    assert gc.isenabled()
    gc.disable()
    try:
        export_apkg(_decks(tmp_path), tmp_path / "b.apkg")
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_progress_from_store_reads_the_learners_history(tmp_path, collection):
    from omtquiz.progress.store import Store
    from omtquiz.progress.types import ItemRecord
    from omtquiz.scheduling import Rating, review

    decks = _decks(tmp_path)
    item = Item("principles", "tenets")
    start = datetime.now(timezone.utc) - timedelta(days=10)
    with Store.open(tmp_path / "progress.sqlite3") as store:
        record = ItemRecord(item)
        for when in (start, start + timedelta(minutes=1), start + timedelta(minutes=12)):
            card, _ = review(record.card, Rating.GOOD, when, fuzz=False)
            after = replace(record, card=card)
            store.record_answer(record, after, rating=Rating.GOOD, reviewed_at=when,
                                duration_ms=3000, mode="review")
            record = after
        progress = progress_from_store(store, [i for d in decks for i in d.items()])

    assert set(progress) == {item}
    carried = progress[item]
    assert carried.state == "review" and len(carried.reviews) == 3
    assert carried.due == record.card.due and carried.reps == 3
    export_apkg(decks, tmp_path / "p.apkg", progress=progress)
    import_package(collection, tmp_path / "p.apkg", with_scheduling=True)
    card = note_for(collection, "principles", "tenets").cards()[0]
    assert card.type == 2
    assert collection.db.scalar("SELECT COUNT(*) FROM revlog WHERE cid = ?", card.id) == 3


# --- the command ---------------------------------------------------------------------------
DECK = """\
deck: omt-techniques
title: OMT Techniques
parent: OMT
tags: [omt]
sources: [{id: s, citation: Source}]
cards:
  - {id: a, front: What is HVLA?, back: A thrust, source: s, tags: [hvla]}
  - {id: b, type: cloze, text: "{{c1::Counterstrain}} uses {{c2::comfort}}", source: s}
"""


def test_command_writes_a_package_that_imports(tmp_path, write_deck, collection, capsys):
    write_deck(DECK, "t.yaml")
    out = tmp_path / "omt.apkg"
    assert main(["export", str(tmp_path / "t.yaml"), "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == (
        f"wrote {out}: 1 deck(s), 2 note(s), 3 card(s), 0 media file(s)")
    import_package(collection, out)
    assert collection.card_count() == 3
    assert main(["export", str(tmp_path), "-o", str(out), "--tag", "hvla"]) == 0
    assert "1 note(s)" in capsys.readouterr().out


def test_command_exit_codes(tmp_path, write_deck, capsys):
    write_deck(DECK, "t.yaml")
    deck = str(tmp_path / "t.yaml")
    assert main(["export", deck, "-o", str(tmp_path / "omt.zip")]) == 2
    assert main(["export", deck, "-o", str(tmp_path / "o.apkg"), "--deck", "nope"]) == 2
    assert main(["export", deck, "-o", str(tmp_path / "o.apkg"), "--tag", "absent"]) == 1
    assert main(["export", deck, "-o", str(tmp_path / "missing" / "o.apkg")]) == 1
    assert main(["export", str(tmp_path / "none.yaml"), "-o", str(tmp_path / "o.apkg")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "no deck with id 'nope' (known: omt-techniques)" in err
    assert "nothing to export" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["export", deck])
    assert exit_info.value.code == 2


def test_command_with_progress_and_no_history_exports_new_cards(tmp_path, write_deck, capsys):
    write_deck(DECK, "t.yaml")
    assert main(["export", str(tmp_path / "t.yaml"), "-o", str(tmp_path / "o.apkg"),
                 "--with-progress"]) == 0
    assert "no progress yet" in capsys.readouterr().err


def test_command_with_progress_carries_the_learners_schedule(tmp_path, write_deck, data_dir,
                                                             capsys):
    from omtquiz.progress.store import Store
    from omtquiz.progress.types import ItemRecord
    from omtquiz.scheduling import Rating, review

    write_deck(DECK, "t.yaml")
    when = datetime.now(timezone.utc) - timedelta(hours=1)
    with Store.open(data_dir / "progress.sqlite3") as store:
        before = ItemRecord(Item("omt-techniques", "a"))
        card, _ = review(before.card, Rating.EASY, when, fuzz=False)
        store.record_answer(before, replace(before, card=card), rating=Rating.EASY,
                            reviewed_at=when, duration_ms=2000, mode="review")
    assert main(["export", str(tmp_path / "t.yaml"), "-o", str(tmp_path / "o.apkg"),
                 "--with-progress"]) == 0
    assert "1 studied card(s) with 1 review(s)" in capsys.readouterr().out


def test_every_sources_version_is_on_the_back_in_anki(tmp_path, collection):
    from omtquiz.decks.format.loader import load_deck_file

    path = tmp_path / "levels.yaml"
    path.write_text("""\
deck: levels
title: Levels
sources:
  - {id: savarese, name: Savarese, citation: OMT Review}
  - {id: statpearls, name: StatPearls, citation: StatPearls}
cards:
  - id: appendix
    front: What is the viscerosomatic level of the appendix?
    source: savarese
    versions: [{source: savarese, answer: T12}, {source: statpearls, answer: T9-T12}]
  - id: appendix-cloze
    type: cloze
    text: "Appendix: {{c1::T12}}; heart: {{c2::T1-T5}}."
    source: savarese
    versions: {c1: [{source: savarese, answer: T12}, {source: statpearls, answer: T9-T12}]}
""", encoding="utf-8")
    deck = load_deck_file(path).deck
    export_apkg([deck], tmp_path / "levels.apkg")
    import_package(collection, tmp_path / "levels.apkg")
    basic = note_for(collection, "levels", "appendix").cards()[0]
    assert "T9-T12" not in visible(basic.question())
    assert "Sources differ. Savarese: T12; StatPearls: T9-T12" in visible(basic.answer())
    first, second = note_for(collection, "levels", "appendix-cloze").cards()
    assert "c1: Sources differ. Savarese: T12; StatPearls: T9-T12" in visible(first.answer())
    assert "T9-T12" not in visible(first.question())
