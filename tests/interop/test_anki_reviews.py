"""Reviews brought home from Anki, tested with packages the real `anki` library wrote.

The round trip a learner makes: study a little here, export with progress, import into Anki
(the library's own importer), answer cards with Anki's own scheduler, export with scheduling
(an .apkg in the new zstd format, a legacy .apkg, a .colpkg), and import the reviews back.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from omtquiz.cli import main
from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, Item
from omtquiz.interop.anki_export import export_apkg, note_guid
from omtquiz.interop.anki_progress import progress_from_store
from omtquiz.interop.anki_reviews import import_reviews, read_reviews
from omtquiz.interop.imported import ImportFailed
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import Rating, review
from samples import study_in_anki

DECK_YAML = """\
deck: omt-rt
title: Round trip
parent: OMT
cards:
  - {id: hvla, type: basic, front: What is HVLA?, back: High velocity low amplitude}
  - {id: me, type: reverse, front: Muscle energy, back: Patient-activated direct technique}
  - {id: cs, type: cloze, text: "{{c1::Counterstrain}} holds {{c2::a position of comfort}}"}
  - id: barrier
    type: mcq
    question: Which barrier does HVLA engage?
    answer: The restrictive barrier
    distractors: [The anatomic barrier, The physiologic barrier]
"""


def _deck() -> Deck:
    cards = (
        Card("omt-rt", "hvla", "basic", front="What is HVLA?", back="High velocity"),
        Card("omt-rt", "me", "reverse", front="Muscle energy", back="Patient-activated"),
        Card("omt-rt", "cs", "cloze", text="{{c1::Counterstrain}} holds {{c2::comfort}}"),
        Card("omt-rt", "barrier", "mcq", question="Which barrier does HVLA engage?",
             answer="The restrictive barrier",
             distractors=("The anatomic barrier", "The physiologic barrier")),
    )
    return Deck(id="omt-rt", title="Round trip", parent="OMT", path="/nowhere/rt.yaml",
                cards=cards)


def _study_here(store: Store, item: Item, when: datetime, ratings: list[Rating]) -> None:
    record = store.get(item)
    for rating in ratings:
        card, _ = review(record.card, rating, when)
        after = ItemRecord(item, card, first_seen=record.first_seen or when)
        store.record_answer(record, after, rating=rating, reviewed_at=when, duration_ms=4000,
                            mode="review")
        record, when = after, when + timedelta(minutes=10)


def _anki_round_trip(tmp_path: Path, store: Store, deck: Deck) -> dict[str, Path]:
    """Export with progress, study in Anki, export back three ways; {name: package}."""
    items = deck.items()
    export_apkg([deck], tmp_path / "ours.apkg", progress=progress_from_store(store, items))
    return study_in_anki(tmp_path, tmp_path / "ours.apkg")


@pytest.fixture
def round_trip(tmp_path):
    deck = _deck()
    earlier = datetime.now(timezone.utc) - timedelta(days=3)
    store = Store.open(tmp_path / "progress.sqlite3", clock=FixedClock(earlier))
    _study_here(store, Item("omt-rt", "hvla"), earlier, [Rating.GOOD, Rating.GOOD])
    _study_here(store, Item("omt-rt", "cs", 1), earlier, [Rating.AGAIN])
    packages = _anki_round_trip(tmp_path, store, deck)
    yield deck, store, packages
    store.close()


def _anki_answers(packages, deck) -> set[tuple[Item, int]]:
    guids = {note_guid(deck.id, card.id): card.id for card in deck.cards}
    return {(Item(deck.id, guids[guid], ord_), revlog_id)
            for revlog_id, _, ord_, guid in json.loads(packages["revlog"].read_text())
            if guid in guids}


def _log_times(store: Store) -> list[tuple[Item, int]]:
    return [(e.item, int(e.reviewed_at.timestamp() * 1000)) for e in store.entries()]


def test_every_review_made_in_anki_comes_home_exactly_once(round_trip):
    deck, store, packages = round_trip
    ours_before = len(store.entries())
    assert zipfile.ZipFile(packages["anki21b"]).namelist().count("collection.anki21b") == 1

    report = import_reviews(packages["anki21b"], [deck], store)

    answers = _anki_answers(packages, deck)
    assert report.format == "anki21b"
    assert report.already_here == ours_before == 3  # our own answers came back through Anki
    assert report.added == len(answers) - ours_before > 5
    assert report.foreign_reviews >= 1 and report.foreign_notes == 1
    logged = _log_times(store)
    assert len(logged) == len(set(logged)) == len(answers)
    # Every Anki answer is in the log, at its own time (ours within the export's millisecond
    # bumps), and no two answers share a log row.
    for item, when in answers:
        assert any(i == item and abs(t - when) < 2000 for i, t in logged), (item, when)
    for item, _ in answers:
        assert sum(1 for i, _ in logged if i == item) == sum(1 for i, _ in answers if i == item)


def test_importing_the_same_reviews_again_adds_nothing(round_trip):
    deck, store, packages = round_trip
    first = import_reviews(packages["anki21b"], [deck], store)
    records = store.records()
    again = import_reviews(packages["anki21b"], [deck], store)
    colpkg = import_reviews(packages["colpkg"], [deck], store)
    legacy = import_reviews(packages["anki21"], [deck], store)
    assert first.added > 0
    for report in (again, colpkg, legacy):
        assert (report.added, report.already_here) == (0, first.added + first.already_here)
    assert store.records() == records
    assert len(store.entries()) == len(_anki_answers(packages, deck))


@pytest.mark.parametrize("name", ["colpkg", "anki21"])
def test_colpkg_and_legacy_packages_give_the_same_reviews(round_trip, name):
    deck, _, packages = round_trip
    newer = read_reviews(packages["anki21b"], [deck])
    other = read_reviews(packages[name], [deck])
    assert other.format == ("anki21b" if name == "colpkg" else "anki21")
    assert sorted(r.key for r in other.reviews) == sorted(r.key for r in newer.reviews)
    assert len(newer.reviews) == len(_anki_answers(packages, deck))


def test_each_items_schedule_is_rebuilt_from_the_merged_history(round_trip):
    deck, store, packages = round_trip
    import_reviews(packages["anki21b"], [deck], store)
    for item in deck.items():
        entries = sorted(store.entries(item), key=lambda e: e.reviewed_at)
        record = store.get(item)
        if not entries:
            assert record.card.is_new
            continue
        assert record.card.reps == len(entries)
        assert record.card.last_review == entries[-1].reviewed_at
        assert record.first_seen == entries[0].reviewed_at
        for earlier, later in zip(entries, entries[1:], strict=False):
            assert earlier.after.card == later.before.card  # one story, in time order
        assert entries[-1].after.card == record.card
    # Reviews brought home are not answers given here: undo does not take them back.
    assert store.undo_last() is None


def test_cards_are_mapped_by_guid_and_ord(round_trip):
    deck, _, packages = round_trip
    report = read_reviews(packages["anki21b"], [deck])
    assert {r.item for r in report.reviews} <= set(deck.items())
    assert {(r.item.card_id, r.item.ord) for r in report.reviews} >= {("me", 1), ("cs", 0)}
    # Without the deck, every review is someone else's: counted, nothing read.
    none = read_reviews(packages["anki21b"], [])
    assert none.reviews == [] and none.foreign_notes == len(deck.cards) + 1


def test_command_imports_and_reports(round_trip, tmp_path, capsys):
    _, _, packages = round_trip
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "rt.yaml").write_text(DECK_YAML, encoding="utf-8")
    argv = ["import-reviews", str(packages["anki21b"]), "--decks", str(decks), "--json"]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(argv) == 0
    second = json.loads(capsys.readouterr().out)
    assert first["format"] == "anki21b" and first["added"] == first["read"] > 0
    assert (second["added"], second["already_here"]) == (0, first["read"])
    assert first["foreign_notes"] == 1
    assert main(["import-reviews", str(tmp_path / "missing.apkg")]) == 1
    (tmp_path / "bad.apkg").write_bytes(b"not a zip")
    assert main(["import-reviews", str(tmp_path / "bad.apkg")]) == 1
    assert "cannot open bad.apkg" in capsys.readouterr().err


def test_a_damaged_or_foreign_zip_is_refused_clearly(tmp_path):
    with zipfile.ZipFile(tmp_path / "x.apkg", "w") as archive:
        archive.writestr("collection.anki21b", b"\x28\xb5\x2f\xfd garbage")
    with pytest.raises(ImportFailed, match="damaged"):
        read_reviews(tmp_path / "x.apkg", [_deck()])
    with zipfile.ZipFile(tmp_path / "y.apkg", "w") as archive:
        archive.writestr("notes.txt", b"hello")
    with pytest.raises(ImportFailed, match="not an Anki package"):
        read_reviews(tmp_path / "y.apkg", [_deck()])
