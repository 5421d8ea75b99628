"""`Store.move_items`: an occlusion card's items renumbered with their state and review log,
in one transaction, the rows of a gone item set aside (kept), the registry kept right."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, CardType, Deck, DeckFile, Item, Library, Shape
from omtquiz.progress.db import StoreError
from omtquiz.progress.store import Store
from omtquiz.scheduling import Rating, SchedulerSettings, review

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)
RATINGS = (Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY, Rating.GOOD)


@pytest.fixture
def clock():
    return FixedClock(T0)


def occlusion_library(count: int) -> Library:
    shapes = tuple(Shape("rect", (0.1 * n, 0.1, 0.05, 0.05), f"s{n}") for n in range(count))
    card = Card("occ", "pic", CardType.OCCLUSION, image="/x.svg", shapes=shapes)
    other = Card("occ", "other", CardType.BASIC, front="Q", back="A")
    return Library((DeckFile("occ.yaml", Deck("occ", "Occ", "occ.yaml", (card, other))),))


def answer_all(store: Store, count: int = 5) -> None:
    """Item n of the card answered n + 1 times, with RATINGS[n], on different days."""
    for n in range(count):
        item = Item("occ", "pic", n)
        for k in range(n + 1):
            when = T0 + timedelta(days=k, minutes=n)
            before = store.get(item)
            card, _ = review(before.card, RATINGS[n], when, SchedulerSettings(fuzz=False))
            store.record_answer(before, replace(before, card=card, first_seen=when),
                                rating=RATINGS[n], reviewed_at=when, duration_ms=1000 + n,
                                mode="review")
    store.update(Item("occ", "pic", 3), flag=2)


def snapshot(store: Store, ord_: int):
    item = Item("occ", "pic", ord_)
    record = store.get(item)
    log = [(e.id, e.reviewed_at, e.rating, e.before.card, e.after.card)
           for e in store.entries(item)]
    return replace(record, item=Item("x", "x", 0)), log


def registry(store: Store):
    return (store._tuples("SELECT deck_id, card_id, ord, seen FROM item ORDER BY pos"),
            store._tuples("SELECT * FROM unregistered ORDER BY 1, 2, 3"))


def test_a_deleted_item_is_set_aside_and_the_others_keep_exactly_their_progress(store):
    store.register_library(occlusion_library(5))
    answer_all(store)
    before = {n: snapshot(store, n) for n in range(5)}

    done = store.move_items("occ", "pic", {0: 0, 1: None, 2: 1, 3: 2, 4: 3})

    assert done == {1: -1, 2: 1, 3: 2, 4: 3}
    for old, new in ((0, 0), (2, 1), (3, 2), (4, 3), (1, -1)):
        assert snapshot(store, new) == before[old]
    assert store.get(Item("occ", "pic", 4)).card.is_new  # nothing left at the old last
    assert store.entries(Item("occ", "pic", 4)) == []
    assert len(store.entries()) == 15  # no review deleted
    assert Item("occ", "pic", -1) in store.unregistered(["occ"])
    # the registry (still of the library before the edit) as if written afresh, and again
    # once the edited library (4 shapes) is registered
    items, unregistered = registry(store)
    assert [row[3] for row in items if row[1] == "pic"] == [1, 1, 1, 1, 0]
    assert unregistered == [("occ", "pic", -1)]
    store.register_library(occlusion_library(4))
    items, unregistered = registry(store)
    assert [row[3] for row in items if row[1] == "pic"] == [1, 1, 1, 1]
    assert unregistered == [("occ", "pic", -1)]


def test_the_inverse_puts_every_row_back(store):
    answer_all(store)
    before = {n: snapshot(store, n) for n in range(5)}
    done = store.move_items("occ", "pic", {0: None, 1: 0, 2: 1, 3: 2, 4: 3})
    back = store.move_items("occ", "pic", {new: old for old, new in done.items()})
    assert back == {new: old for old, new in done.items()}
    assert {n: snapshot(store, n) for n in range(5)} == before
    assert store._tuples("SELECT count(*) FROM card_state WHERE ord < 0") == [(0,)]


def test_a_row_already_at_a_target_that_no_item_brings_is_set_aside(store):
    answer_all(store, 3)
    stale = snapshot(store, 2)
    done = store.move_items("occ", "pic", {0: 2, 1: None})
    assert done == {0: 2, 1: -1, 2: -2}
    assert snapshot(store, -2) == stale


def test_a_mapping_that_is_not_a_renumbering_is_refused(store):
    answer_all(store, 2)
    with pytest.raises(ValueError):
        store.move_items("occ", "pic", {0: 1, 1: 1})
    with pytest.raises(ValueError):
        store.move_items("occ", "pic", {0: -3})


def test_a_failure_half_way_moves_nothing(store, tmp_path):
    answer_all(store)
    before = {n: snapshot(store, n) for n in range(5)}
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("CREATE TRIGGER no_log_moves BEFORE UPDATE OF ord ON review_log "
                  "BEGIN SELECT RAISE(ABORT, 'the disk said no'); END")
    other.close()
    with pytest.raises(StoreError, match="the disk said no"):
        store.move_items("occ", "pic", {0: 0, 1: None, 2: 1, 3: 2, 4: 3})
    assert {n: snapshot(store, n) for n in range(5)} == before
    assert store._tuples("SELECT count(*) FROM card_state WHERE ord < 0") == [(0,)]
