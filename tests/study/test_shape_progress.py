"""An occlusion card's shapes edited with the progress following the shapes
(`study.shape_progress`): real deck files, a real progress database, the library reloaded as
the app does; undo; the store failing before and after the file is written."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from omtquiz.clock import FixedClock
from omtquiz.decks.format.editor import EditError
from omtquiz.decks.format.library import load_library
from omtquiz.decks.model import Item, Shape
from omtquiz.progress.store import Store
from omtquiz.scheduling import Rating, SchedulerSettings, review
from omtquiz.study.shape_progress import save_shapes
from omtquiz.study.stats import collect

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200"><rect width="400" '
       'height="200" fill="#fff"/></svg>')
RATINGS = (Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY, Rating.HARD)


def deck_text(shapes: str) -> str:
    return f"""\
deck: occ
title: Occlusion
sources: [{{id: s, citation: A real book}}]
cards:
  - id: pic
    type: occlusion
    image: pic.svg
    source: s
    shapes:
{shapes}"""


FIVE = "".join(f"      - {{rect: [{0.1 + 0.15 * n:.2f}, 0.1, 0.1, 0.1], label: S{n + 1}}}\n"
               for n in range(5))
GROUPED = """\
      - {rect: [0.1, 0.1, 0.1, 0.1], label: A1, group: a}
      - {rect: [0.3, 0.1, 0.1, 0.1], label: Lone}
      - {rect: [0.5, 0.1, 0.1, 0.1], label: A2, group: a}
      - {rect: [0.7, 0.1, 0.1, 0.1], label: B1, group: b}
      - {rect: [0.7, 0.5, 0.1, 0.1], label: Last}
"""


@pytest.fixture
def clock():
    return FixedClock(T0)


class Setup:
    def __init__(self, tmp_path, store: Store, shapes: str) -> None:
        self.folder = tmp_path / "decks"
        self.folder.mkdir()
        (self.folder / "pic.svg").write_text(SVG)
        self.path = self.folder / "occ.yaml"
        self.path.write_text(deck_text(shapes), encoding="utf-8")
        self.store = store
        self.reload()

    def reload(self):
        self.library = load_library([self.folder])
        self.card = self.library.deck("occ").card("pic")
        self.store.register_library(self.library)
        return self.card

    def answer_every_item(self) -> None:
        """Item n answered n + 1 times with its own rating, so every item's record differs."""
        for n in self.card.ords():
            item = Item("occ", "pic", n)
            for k in range(n + 1):
                when = T0 + timedelta(days=2 * k, minutes=n)
                before = self.store.get(item)
                card, _ = review(before.card, RATINGS[n], when, SchedulerSettings(fuzz=False))
                self.store.record_answer(before, replace(before, card=card, first_seen=when),
                                         rating=RATINGS[n], reviewed_at=when,
                                         duration_ms=1000 + n, mode="review")

    def by_label(self) -> dict[str, tuple]:
        """Each item's stored progress (record without its key, log rows) by what it asks."""
        out = {}
        for n in self.card.ords():
            item = Item("occ", "pic", n)
            log = [(e.id, e.reviewed_at, e.rating, e.before.card, e.after.card)
                   for e in self.store.entries(item)]
            out[self.card.occlusion_label(n)] = (
                replace(self.store.get(item), item=Item("", "", 0)), log)
        return out

    def save(self, keep: list[int], **changes):
        shapes = [self.card.shapes[i] for i in keep]
        return save_shapes(self.store, self.library, self.path, "pic", shapes,
                           origins=keep, **changes)


def test_deleting_shape_2_keeps_shapes_1_3_4_5_exactly_their_progress(tmp_path, store):
    deck = Setup(tmp_path, store, FIVE)
    deck.answer_every_item()
    before = deck.by_label()
    assert len({str(v) for v in before.values()}) == 5

    saved = deck.save([0, 2, 3, 4])
    deck.reload()

    after = deck.by_label()
    assert list(after) == ["S1", "S3", "S4", "S5"]
    assert after == {label: before[label] for label in after}
    assert saved.changes.items == {Item("occ", "pic", n) for n in range(1, 5)}
    assert saved.changes.answers
    # S2's reviews are kept, set aside under a number no item has, not on another shape
    aside = store.unregistered(["occ"])
    assert [i.ord for i in aside] == [-1]
    assert replace(store.get(aside[0]), item=Item("", "", 0)) == before["S2"][0]
    assert len(store.entries()) == 15


def test_deleting_a_grouped_shape_that_leaves_its_group_moves_nothing(tmp_path, store):
    deck = Setup(tmp_path, store, GROUPED)
    deck.answer_every_item()
    rows = store._tuples("SELECT * FROM card_state ORDER BY ord")
    log = store._tuples("SELECT * FROM review_log ORDER BY id")

    saved = deck.save([0, 1, 3, 4])  # A2 goes, group a keeps A1

    assert deck.reload().occlusion_label(0) == "A1"
    assert saved.moved == () and not saved.changes
    assert store._tuples("SELECT * FROM card_state ORDER BY ord") == rows
    assert store._tuples("SELECT * FROM review_log ORDER BY id") == log


def test_deleting_a_groups_first_shape_reorders_the_items_and_progress_follows(tmp_path,
                                                                               store):
    deck = Setup(tmp_path, store, GROUPED)
    deck.answer_every_item()
    before = deck.by_label()

    saved = deck.save([1, 2, 3, 4])  # A1 goes: group a is now asked after Lone
    deck.reload()

    after = deck.by_label()
    assert list(after) == ["Lone", "A2", "B1", "Last"]
    assert after["A2"] == before["A1, A2"]
    assert {k: v for k, v in after.items() if k != "A2"} == {
        k: before[k] for k in ("Lone", "B1", "Last")}
    assert dict(saved.moved) == {0: 1, 1: 0}
    assert store.unregistered(["occ"]) == []


def test_deleting_a_whole_group_drops_its_item_and_moves_the_rest(tmp_path, store):
    deck = Setup(tmp_path, store, GROUPED)
    deck.answer_every_item()
    before = deck.by_label()
    assert list(before) == ["A1, A2", "Lone", "B1", "Last"]

    deck.save([1, 3, 4])
    deck.reload()

    after = deck.by_label()
    assert list(after) == ["Lone", "B1", "Last"]
    assert after == {label: before[label] for label in after}
    assert [i.ord for i in store.unregistered(["occ"])] == [-1]


def test_undo_puts_the_file_and_the_progress_back(tmp_path, store):
    deck = Setup(tmp_path, store, FIVE)
    deck.answer_every_item()
    before = deck.by_label()
    text = deck.path.read_bytes()
    rows = store._tuples("SELECT * FROM card_state ORDER BY ord")

    saved = deck.save([0, 2, 3, 4])
    changes = saved.undo()

    assert deck.path.read_bytes() == text
    deck.reload()
    assert deck.by_label() == before
    assert store._tuples("SELECT * FROM card_state ORDER BY ord") == rows
    assert store.unregistered(["occ"]) == []
    assert changes.items == {Item("occ", "pic", n) for n in range(1, 5)}


def test_undo_is_refused_when_the_file_changed_since_and_nothing_moves(tmp_path, store):
    deck = Setup(tmp_path, store, FIVE)
    deck.answer_every_item()
    saved = deck.save([0, 2, 3, 4])
    deck.path.write_text(deck.path.read_text() + "# touched\n")
    rows = store._tuples("SELECT * FROM card_state ORDER BY ord")
    with pytest.raises(EditError, match="changed since"):
        saved.undo()
    assert store._tuples("SELECT * FROM card_state ORDER BY ord") == rows


def test_the_store_failing_half_way_leaves_file_and_progress_as_they_were(tmp_path, store):
    deck = Setup(tmp_path, store, FIVE)
    deck.answer_every_item()
    before, text = deck.by_label(), deck.path.read_bytes()
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("CREATE TRIGGER no_log_moves BEFORE UPDATE OF ord ON review_log "
                  "BEGIN SELECT RAISE(ABORT, 'the disk said no'); END")
    other.close()

    with pytest.raises(EditError, match="the disk said no"):
        deck.save([0, 2, 3, 4])

    assert deck.path.read_bytes() == text
    assert deck.reload() and deck.by_label() == before


def test_the_commit_failing_after_the_file_was_written_puts_the_file_back(tmp_path, store):
    deck = Setup(tmp_path, store, FIVE)
    deck.answer_every_item()
    before, text = deck.by_label(), deck.path.read_bytes()
    other = sqlite3.connect(store.path, isolation_level=None)
    # a log row of no item: with the log's key checks deferred, COMMIT is what refuses it
    other.execute(
        "CREATE TRIGGER orphan AFTER UPDATE OF ord ON card_state BEGIN INSERT INTO review_log "
        "(deck_id, card_id, ord, reviewed_at, rating, mode, rescheduled, state_before, "
        "state_after, before, after) VALUES ('no', 'such', 0, '2025-01-01', 3, 'review', 1, "
        "0, 1, '{}', '{}'); END")
    other.close()

    with pytest.raises(EditError, match="FOREIGN KEY"):
        deck.save([0, 2, 3, 4])

    assert deck.path.read_bytes() == text
    assert deck.reload() and deck.by_label() == before


def test_an_authors_copy_outside_the_library_moves_no_progress(tmp_path, store):
    deck = Setup(tmp_path, store, FIVE)
    deck.answer_every_item()
    rows = store._tuples("SELECT * FROM card_state ORDER BY ord")
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "pic.svg").write_text(SVG)
    (copy / "occ.yaml").write_bytes(deck.path.read_bytes())
    shapes = deck.card.shapes
    saved = save_shapes(store, deck.library, copy / "occ.yaml", "pic",
                        [shapes[0], *shapes[2:]], origins=[0, 2, 3, 4])
    assert saved.moved == ()
    assert store._tuples("SELECT * FROM card_state ORDER BY ord") == rows


def test_a_shape_drawn_in_the_same_save_is_a_new_item(tmp_path, store):
    """Shape 2 deleted and one drawn at the end: the drawn one is new (today's code gave it
    the last shape's progress), and the registered items say so as soon as it is loaded."""
    deck = Setup(tmp_path, store, FIVE)
    deck.answer_every_item()
    shapes = [deck.card.shapes[i] for i in (0, 2, 3, 4)]
    shapes.append(Shape("rect", (0.5, 0.6, 0.1, 0.1), "Drawn"))
    save_shapes(store, deck.library, deck.path, "pic", shapes, origins=[0, 2, 3, 4, None])
    deck.reload()
    assert store.get(Item("occ", "pic", 4)).card.is_new
    assert store.entries(Item("occ", "pic", 4)) == []
    assert store._tuples("SELECT ord, seen FROM item WHERE card_id = 'pic' ORDER BY ord") == [
        (0, 1), (1, 1), (2, 1), (3, 1), (4, 0)]
    total = collect(store, deck.library, FixedClock(T0 + timedelta(days=30))).total
    assert (total.total, total.new) == (5, 1)  # the statistics count the drawn shape new


def test_undo_after_studying_a_drawn_shape_sets_its_answer_aside(tmp_path, store):
    """Undone after the student answered the shape drawn in the edit: every old shape gets its
    progress back, and the drawn shape's answer is kept aside, on no other shape."""
    deck = Setup(tmp_path, store, FIVE)
    deck.answer_every_item()
    before = deck.by_label()
    shapes = [deck.card.shapes[i] for i in (0, 2, 3, 4)]
    shapes.append(Shape("rect", (0.5, 0.6, 0.1, 0.1), "Drawn"))
    saved = save_shapes(store, deck.library, deck.path, "pic", shapes,
                        origins=[0, 2, 3, 4, None])
    deck.reload()
    drawn = Item("occ", "pic", 4)
    record = store.get(drawn)
    card, _ = review(record.card, Rating.GOOD, T0 + timedelta(days=40),
                     SchedulerSettings(fuzz=False))
    store.record_answer(record, replace(record, card=card), rating=Rating.GOOD,
                        reviewed_at=T0 + timedelta(days=40), duration_ms=1, mode="review")

    saved.undo()
    deck.reload()

    assert deck.by_label() == before
    aside = store.unregistered(["occ"])
    assert len(aside) == 1 and aside[0].ord < 0
    assert [e.rating for e in store.entries(aside[0])] == [Rating.GOOD]
