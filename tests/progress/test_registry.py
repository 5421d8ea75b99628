"""The library's items registered in the store: the digest, the rewrite when the library
changes, the rows noted as unregistered as they are written, and an old file's upgrade.
Statistics rely on it to count only loaded items; here it is checked against plain Python
counts over random libraries that change between reads."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta, timezone

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.progress.db import migrate
from omtquiz.progress.migrations import MIGRATIONS
from omtquiz.progress.registry import library_digest
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState, Settings, State
from omtquiz.study.recording import record_quiz_answer
from omtquiz.study.stats import collect

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)


def library_of(decks: dict[str, list[Card]]) -> Library:
    return Library(tuple(DeckFile(f"{deck_id}.yaml", Deck(deck_id, deck_id.upper(),
                                                          f"{deck_id}.yaml", tuple(cards)))
                         for deck_id, cards in decks.items()))


def random_cards(rng: random.Random, deck_id: str, count: int, prefix: str = "") -> list[Card]:
    cards = []
    for n in range(count):
        kind = rng.choice(["basic", "reverse", "cloze", "mcq"])
        card_id = f"{deck_id}{prefix}{n}"
        if kind == "cloze":
            text = " ".join(f"{{{{c{k}::w}}}}" for k in rng.sample(range(1, 6), rng.randint(1, 3)))
            cards.append(Card(deck_id, card_id, kind, text=text))
        elif kind == "mcq":
            cards.append(Card(deck_id, card_id, kind, question="q", answer="a"))
        else:
            cards.append(Card(deck_id, card_id, kind, front="q", back="a"))
    return cards


def test_the_digest_follows_the_item_keys_and_nothing_else():
    base = library_of({"a": [Card("a", "x", "basic", front="q", back="a"),
                             Card("a", "y", "cloze", text="{{c1::one}} {{c3::two}}")]})
    same_keys = library_of({"a": [Card("a", "x", "basic", front="other", back="text"),
                                  Card("a", "y", "cloze", text="{{c3::b}} {{c1::a}}")]})
    more = library_of({"a": [Card("a", "x", "basic", front="q", back="a"),
                             Card("a", "y", "cloze", text="{{c1::one}} {{c2::two}}")]})
    split = library_of({"a": [Card("a", "x", "reverse", front="q", back="a"),
                              Card("a", "y", "cloze", text="{{c1::one}} {{c3::two}}")]})
    renamed = library_of({"a": [Card("a", "xy", "basic", front="q", back="a"),
                                Card("a", "", "cloze", text="{{c1::one}} {{c3::two}}")]})
    digests = [library_digest(lib) for lib in (base, same_keys, more, split, renamed)]
    assert digests[0] == digests[1]
    assert len(set(digests)) == 4


def test_registering_writes_only_when_the_library_changed(tmp_path):
    rng = random.Random(1)
    first = library_of({"a": random_cards(rng, "a", 20)})
    with Store.open(tmp_path / "p.sqlite3", clock=FixedClock(T0)) as store:
        token = store.state_token()
        assert store.register_library(first)
        assert store.state_token() != token  # a queue read through the old registry is stale
        token = store.state_token()
        assert not store.register_library(first)
        assert not store.register_library(library_of({"a": list(first.decks[0].cards)}))
        assert store.registered_counts() == {"a": len(first.decks[0].items())}
        assert store.state_token() == token  # nothing written, nothing stale
        second = library_of({"a": list(first.decks[0].cards[:-3])})
        assert store.register_library(second)
        assert store.registered_counts() == {"a": len(second.decks[0].items())}


def test_rows_of_items_not_registered_are_noted_as_they_are_written(tmp_path):
    cards = [Card("a", f"c{n}", "basic", front="q", back="a") for n in range(4)]
    library = library_of({"a": cards[:3]})
    with Store.open(tmp_path / "p.sqlite3", clock=FixedClock(T0)) as store:
        store.put(ItemRecord(Item("a", "c0")))
        store.put(ItemRecord(Item("a", "c3")))  # before any registry: both noted
        assert store.unregistered(["a"]) == [Item("a", "c0"), Item("a", "c3")]
        store.register_library(library)
        assert store.unregistered(["a"]) == [Item("a", "c3")]
        store.put(ItemRecord(Item("a", "c1")))
        store.put(ItemRecord(Item("a", "gone", 1)))
        store.put(ItemRecord(Item("b", "other")))
        assert store.unregistered(["a"]) == [Item("a", "c3"), Item("a", "gone", 1)]
        assert store.unregistered(["b"]) == [Item("b", "other")]
        store.register_library(library_of({"a": cards}))
        assert store.unregistered(["a", "b"]) == [Item("a", "gone", 1), Item("b", "other")]


def test_a_v4_file_is_upgraded_with_every_row_unregistered(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, MIGRATIONS[:4])
    conn.execute("INSERT INTO card_state (deck_id, card_id, ord) VALUES ('a', 'c0', 0)")
    conn.close()
    with Store.open(path, clock=FixedClock(T0)) as store:
        assert store.unregistered(["a"]) == [Item("a", "c0")]
        store.register_library(library_of({"a": [Card("a", "c0", "basic", front="q",
                                                      back="a")]}))
        assert store.unregistered(["a"]) == []


def plain_totals(store: Store, library: Library, since: datetime) -> dict[str, tuple[int, ...]]:
    """(items, new, suspended, answers since `since`) per deck, counted in Python."""
    records = store.records()
    answered = [entry.item for entry in store.entries(since=since)]
    totals = {}
    for deck in library.decks:
        items = deck.items()
        mine = [records.get(item) or ItemRecord(item) for item in items]
        totals[deck.id] = (len(items), sum(r.card.is_new for r in mine),
                           sum(r.suspended for r in mine),
                           sum(item in set(items) for item in answered))
    return totals


def test_statistics_count_only_loaded_items_as_the_library_changes(tmp_path):
    rng = random.Random(5)
    clock = FixedClock(T0)
    decks = {deck_id: random_cards(rng, deck_id, 25) for deck_id in ("a", "b", "c")}
    with Store.open(tmp_path / "p.sqlite3", clock=clock) as store:
        for _ in range(6):
            library = library_of({deck_id: rng.sample(cards, rng.randint(5, len(cards)))
                                  for deck_id, cards in decks.items() if rng.random() < 0.8})
            everything = [item for cards in decks.values() for card in cards
                          for item in card.items()]
            for item in rng.sample(everything, 20):
                state = rng.choice([State.NEW, State.LEARNING, State.REVIEW])
                card = CardState(state, None, 3.0, 5.0, T0, T0 - timedelta(days=2), 1, 0)
                store.put(ItemRecord(item, card, suspended=rng.random() < 0.2))
            for item in rng.sample(everything, 8):
                record_quiz_answer(store, item, rng.random() < 0.5, 2000, "mcq", clock,
                                   Settings())
            report = collect(store, library, clock)
            got = {d.deck_id: (d.total, d.new, d.suspended, d.reviewed_today)
                   for d in report.decks}
            assert got == plain_totals(store, library, T0 - timedelta(hours=10))
            assert report.total.total == sum(t[0] for t in got.values())


def registry_state(store: Store) -> tuple[list[tuple], list[tuple]]:
    items = store._tuples("SELECT deck_id, card_id, ord, seen, several FROM item ORDER BY pos")
    return items, store._tuples("SELECT * FROM unregistered ORDER BY 1, 2, 3")


def expected_state(store: Store, library: Library) -> tuple[list[tuple], list[tuple]]:
    """The registry worked out from scratch, in Python, from the library and every row."""
    records = store.records()
    items, keys = [], set()
    for deck in library.decks:
        for card in deck.cards:
            for item in card.items():
                record = records.get(item)
                seen = record is not None and (not record.card.is_new or record.suspended
                                               or record.buried_until is not None)
                items.append((*item, int(seen), int(len(card.ords()) > 1)))
                keys.add(item)
    return items, sorted(tuple(item) for item in records if item not in keys)


def test_only_changed_decks_are_written_again_and_the_registry_matches_a_rewrite(tmp_path):
    rng = random.Random(9)
    clock = FixedClock(T0)
    pool = {deck_id: random_cards(rng, deck_id, 15) for deck_id in "abcdef"}
    with Store.open(tmp_path / "p.sqlite3", clock=clock) as store:
        for step in range(25):
            chosen = rng.sample(sorted(pool), rng.randint(1, 5))  # decks come, go, reorder
            if rng.random() < 0.5:
                deck_id = rng.choice(sorted(pool))  # a deck edited: cards gone or added
                pool[deck_id] = (rng.sample(pool[deck_id], len(pool[deck_id]) - 2)
                                 + random_cards(rng, deck_id, 2, prefix=f"s{step}-"))
            library = library_of({deck_id: pool[deck_id] for deck_id in chosen})
            everything = [item for cards in pool.values() for card in cards
                          for item in card.items()]
            for item in rng.sample(everything, 6):
                store.put(ItemRecord(item, CardState(rng.choice(list(State))),
                                     suspended=rng.random() < 0.2))
            store.register_library(library)
            assert registry_state(store) == expected_state(store, library), step
            items = [row[:3] for row in registry_state(store)[0]]
            assert items == [tuple(i) for deck in library.decks for i in deck.items()]
