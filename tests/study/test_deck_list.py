"""The deck list the home screen shows, worked out without Qt: rows with their scopes and
counts, the sums under each parent, a deck file that did not load, and a scope's title."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Diagnostic, Item, Library, Severity
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState, Settings, State
from omtquiz.study.deck_list import deck_list
from omtquiz.study.queue import Counts
from omtquiz.study.scope import Scope

NOW = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)


def basic(deck_id: str, card_id: str, *tags: str) -> Card:
    return Card(deck_id, card_id, "basic", front=f"Q {card_id}", back="A", tags=tags)


@pytest.fixture
def library() -> Library:
    cranial = Deck("cranial", "Cranial", "c.yaml", (basic("cranial", "c1", "head"),
                                                    basic("cranial", "c2", "head", "omt")),
                   parent="OMT", description="The *skull*")
    lymph = Deck("lymph", "Lymphatics", "l.yaml", (basic("lymph", "l1", "omt"),), parent="OMT")
    alone = Deck("alone", "Alone", "a.yaml", (basic("alone", "a1", "omt"),))
    broken = DeckFile("decks/broken.yaml", None, (
        Diagnostic("decks/broken.yaml", 3, 5, Severity.ERROR, "cards[0]: unknown type"),))
    return Library((DeckFile("c.yaml", cranial), DeckFile("l.yaml", lymph),
                    DeckFile("a.yaml", alone), broken))


@pytest.fixture
def store(tmp_path):
    clock = FixedClock(NOW)
    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as opened:
        opened.save_settings(Settings().with_global(fuzz=False, timezone="UTC"))
        yield opened


def test_rows_carry_their_scope_counts_problems_and_description(store, library):
    store.put(ItemRecord(Item("lymph", "l1"), CardState(State.REVIEW, None, 5.0, 5.0, NOW, NOW,
                                                        3, 0)))
    listed = deck_list(store, library, FixedClock(NOW))
    by_key = {row.key: row for row in listed.rows}
    assert [row.key for row in listed.rows] == ["cranial", "lymph", "alone", "decks/broken.yaml"]
    assert by_key["cranial"].scope == Scope.deck("cranial")
    assert by_key["cranial"].counts == Counts(new=2)
    assert by_key["lymph"].counts == Counts(due=1)
    assert by_key["cranial"].description == "The *skull*"
    broken = by_key["decks/broken.yaml"]
    assert (broken.scope, broken.counts, broken.title) == (None, None, "broken.yaml")
    assert broken.problems == ("decks/broken.yaml:3:5: error: cards[0]: unknown type",)
    assert listed.parents == {"OMT": Counts(new=2, due=1)}
    assert listed.totals == Counts(new=3, due=1)
    assert listed.tags == ["head", "omt"]  # by name
    assert listed.tag_counts == {"head": 2, "omt": 3}


def test_a_tag_counts_the_items_of_its_cards(store):
    """A reverse card gives two items, a cloze one per deletion, a cloze without a deletion
    none (its tag is not listed for it); a tag is counted once per item whatever its place."""
    cards = (Card("d", "r", "reverse", front="F", back="B", tags=("omt", "head")),
             Card("d", "c", "cloze", text="{{c1::a}} {{c2::b}} {{c2::c}} {{c3::d}}",
                  tags=("head",)),
             Card("d", "empty", "cloze", text="no deletion", tags=("lonely",)),
             basic("d", "b", "omt"))
    library = Library((DeckFile("d.yaml", Deck("d", "D", "d.yaml", cards)),))
    listed = deck_list(store, library, FixedClock(NOW))
    assert listed.tag_counts == {"omt": 3, "head": 5}
    assert list(listed.tag_counts) == ["omt", "head"]  # in order of first use
    assert listed.tags == ["head", "omt"]


@pytest.mark.parametrize(("scope", "title"), [
    (Scope.all(), "All decks"),
    (Scope.deck("cranial"), "OMT::Cranial"),
    (Scope.deck("gone"), "gone"),
    (Scope.tree("OMT"), "OMT (all decks)"),
    (Scope.tag("head"), "Tag: head"),
    (Scope.of_items([Item("alone", "a1")]), "1 chosen items"),
])
def test_a_scope_names_itself(library, scope, title):
    assert scope.title(library) == title


def test_the_deck_list_and_omtquiz_stats_agree_on_learning_and_due(store, library):
    """One definition (today's queue, within the limits) for both: a suspended learning card,
    one due tomorrow, and a review the deck's limit holds back count in neither."""
    from datetime import timedelta

    from omtquiz.study.stats import collect

    def learning(due, **extra):
        return ItemRecord(Item(*due[0]), CardState(State.LEARNING, 0, 1.0, 5.0, due[1], NOW, 1,
                                                   0), **extra)

    store.put(learning((("cranial", "c1"), NOW + timedelta(hours=1))))  # due today
    store.put(learning((("cranial", "c2"), NOW + timedelta(minutes=5)), suspended=True))
    store.put(learning((("alone", "a1"), NOW + timedelta(days=1))))  # tomorrow
    store.put(ItemRecord(Item("lymph", "l1"), CardState(State.REVIEW, None, 5.0, 5.0, NOW, NOW,
                                                        3, 0)))
    store.save_settings(store.settings().with_deck("lymph", reviews_per_day=0))
    clock = FixedClock(NOW)
    listed = deck_list(store, library, clock)
    report = collect(store, library, clock)
    listed_counts = {row.key: (row.counts.learning, row.counts.due)
                     for row in listed.rows if row.counts is not None}
    stats_counts = {d.deck_id: (d.learning, d.due_today) for d in report.decks}
    assert stats_counts == listed_counts == {"cranial": (1, 0), "lymph": (0, 0),
                                             "alone": (0, 0)}
    assert (report.total.learning, report.total.due_today) == (listed.totals.learning,
                                                               listed.totals.due) == (1, 0)
