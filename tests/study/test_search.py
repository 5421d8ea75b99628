"""The browser's query language, term by term, over rows built from a real store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState, Settings, State
from omtquiz.study.search import (
    CardIndex,
    QueryError,
    Term,
    item_question,
    parse_query,
    quick_plain,
)

NOW = datetime(2025, 3, 10, 15, 0, tzinfo=timezone.utc)  # the study day ends 04:00 tomorrow
SETTINGS = Settings().with_global(timezone="UTC", day_start_hour=4)


def search_library() -> Library:
    core = Deck("omt-techniques-core", "Core techniques", "core.yaml", (
        Card("omt-techniques-core", "me", "basic", front="What is **muscle energy**?",
             back="The patient contracts against a counterforce", tags=("technique",
                                                                        "muscle-energy"),
             line=12),
        Card("omt-techniques-core", "lp", "cloze",
             text="The {{c1::lymphatic pump}} moves {{c2::lymph}}", tags=("technique",),
             line=20),
        Card("omt-techniques-core", "ci", "basic", front="HVLA in severe osteoporosis?",
             back="A contraindication", tags=("contraindication", "hvla"), line=30),
    ), parent="OMT")
    more = Deck("omt-techniques-more", "More techniques", "more.yaml", (
        Card("omt-techniques-more", "cs", "reverse", front="Counterstrain",
             back="Position of ease held 90 seconds", tags=("technique::indirect",), line=5),
        Card("omt-techniques-more", "rr", "mcq", question="Which technique aids breathing?",
             answer="Rib raising", distractors=("HVLA", "Still", "Cranial"),
             tags=("Technique",), line=9),
    ), parent="OMT")
    safety = Deck("safety", "Safety", "safety.yaml", (
        Card("safety", "so", "basic", front="Most common side effect?", back="Mild soreness",
             tags=("safety",), line=3),
    ))
    return Library(tuple(DeckFile(d.path, d) for d in (core, more, safety)))


def review(due: datetime, lapses: int = 0) -> CardState:
    return CardState(State.REVIEW, None, 8.0, 5.0, due, due - timedelta(days=8), 3, lapses)


@pytest.fixture
def index(tmp_path) -> CardIndex:
    clock = FixedClock(NOW)
    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as store:
        puts = {
            Item("omt-techniques-core", "me"): dict(card=review(NOW - timedelta(days=1))),
            Item("omt-techniques-core", "lp", 1): dict(
                card=review(NOW + timedelta(hours=10), lapses=8), leech=True, suspended=True),
            Item("omt-techniques-core", "ci"): dict(card=review(NOW + timedelta(days=3)),
                                                    flag=1),
            Item("omt-techniques-more", "cs", 0): dict(
                card=CardState(State.LEARNING, 1, 1.0, 5.0, NOW + timedelta(minutes=5), NOW,
                               1, 0), flag=4),
            Item("omt-techniques-more", "rr"): dict(card=review(NOW + timedelta(hours=2)),
                                                    buried_until=NOW + timedelta(hours=13)),
        }
        for item, changes in puts.items():
            store.put(ItemRecord(item, **changes))
        return CardIndex.build(search_library(), store.records(), clock.now(), SETTINGS)


def keys(index: CardIndex, query: str) -> list[str]:
    return [row.item.key for row in index.search(query)]


ME, LP0, LP1 = "omt-techniques-core/me/0", "omt-techniques-core/lp/0", "omt-techniques-core/lp/1"
CI, CS0, CS1 = "omt-techniques-core/ci/0", "omt-techniques-more/cs/0", "omt-techniques-more/cs/1"
RR, SO = "omt-techniques-more/rr/0", "safety/so/0"
ALL = [ME, LP0, LP1, CI, CS0, CS1, RR, SO]


def test_an_empty_query_lists_every_item_in_library_order(index):
    assert keys(index, "") == keys(index, "   ") == ALL


def test_tag_matches_case_insensitively_with_children_and_wildcards(index):
    assert keys(index, "tag:contraindication") == [CI]
    assert keys(index, "tag:TECHNIQUE") == [ME, LP0, LP1, CS0, CS1, RR]  # ::indirect too
    assert keys(index, "tag:technique::indirect") == [CS0, CS1]
    assert keys(index, "tag:muscle*") == [ME]
    assert keys(index, "tag:tech") == []


def test_deck_matches_id_title_full_name_tree_and_hyphenated_family(index):
    assert keys(index, "deck:omt-techniques-core") == [ME, LP0, LP1, CI]
    assert keys(index, "deck:omt-techniques") == [ME, LP0, LP1, CI, CS0, CS1, RR]
    assert keys(index, "deck:OMT") == keys(index, "deck:omt-techniques")  # the parent
    assert keys(index, 'deck:"More techniques"') == [CS0, CS1, RR]
    assert keys(index, "deck:omt::more*") == [CS0, CS1, RR]
    assert keys(index, "deck:saf") == []


def test_is_due_takes_learning_and_reviews_due_today_but_not_suspended_or_buried(index):
    # me overdue, cs learning due in 5 minutes; lp/1 is suspended, rr buried, ci due in 3 days.
    assert keys(index, "is:due") == [ME, CS0]


def test_each_state_term(index):
    assert keys(index, "is:new") == [LP0, CS1, SO]
    assert keys(index, "is:learn") == [CS0]
    assert keys(index, "is:review") == [ME, LP1, CI, RR]
    assert keys(index, "is:suspended") == [LP1]
    assert keys(index, "is:buried") == [RR]
    assert keys(index, "is:leech") == [LP1]
    assert keys(index, "is:flagged") == [CI, CS0]
    assert keys(index, "flag:4") == [CS0]
    assert keys(index, "flag:0") == [ME, LP0, LP1, CS1, RR, SO]


def test_free_text_reads_question_and_answer_as_plain_text(index):
    assert keys(index, "MUSCLE") == [ME]  # the question's **bold** is not in the way
    assert keys(index, "counterforce") == [ME]  # the answer
    assert keys(index, "lymph") == [LP0, LP1]  # cloze text, answers shown
    assert keys(index, "ease") == [CS0, CS1]  # both sides of a reverse card
    assert keys(index, "rib") == [RR]


def test_terms_are_anded_and_a_minus_negates_any_term(index):
    assert keys(index, "tag:technique deck:omt-techniques-more") == [CS0, CS1, RR]
    assert keys(index, "tag:technique -is:new") == [ME, LP1, CS0, RR]
    assert keys(index, "-tag:technique -deck:safety") == [CI]
    assert keys(index, "-lymph deck:omt-techniques-core") == [ME, CI]
    assert keys(index, "-is:due -is:new -is:suspended") == [CI, RR]


def test_quoted_phrases_stay_together(index):
    assert keys(index, '"lymphatic pump"') == [LP0, LP1]
    assert keys(index, '"pump lymphatic"') == []
    assert keys(index, 'lymphatic pump') == [LP0, LP1]
    assert keys(index, '-"muscle energy" tag:technique is:review') == [LP1, RR]
    assert keys(index, '"position of ease') == [CS0, CS1]  # an unclosed quote runs to the end


def test_parse_keeps_unknown_prefixes_as_text_and_refuses_bad_values():
    assert parse_query('-tag:a "x y" is:new http://e.org') == [
        Term("tag", "a", True), Term("text", "x y"), Term("is", "new"),
        Term("text", "http://e.org")]
    assert str(Term("text", "x y", True)) == '-"x y"'
    with pytest.raises(QueryError, match="is:due"):
        parse_query("is:soon")
    with pytest.raises(QueryError, match="flag:0 to flag:7"):
        parse_query("flag:9")
    with pytest.raises(QueryError, match="needs a name"):
        parse_query("tag:")


def test_rows_carry_what_the_table_shows(index):
    row = index.row(Item("omt-techniques-core", "me"))
    assert (row.deck, row.type, row.question, row.tags) == (
        "OMT::Core techniques", "basic", "What is muscle energy?", ("technique",
                                                                      "muscle-energy"))
    assert row.due == NOW - timedelta(days=1) and row.interval_days == 8.0
    assert row.lapses == 0 and 0 < row.retrievability < 1
    assert (row.path, row.line) == ("core.yaml", 12)
    new = index.row(Item("safety", "so"))
    assert new.due is None and new.interval_days is None and new.retrievability is None
    reverse = index.row(Item("omt-techniques-more", "cs", 1))
    assert reverse.question == "Position of ease held 90 seconds"


def test_update_takes_in_a_changed_record(index):
    item = Item("safety", "so")
    changed = index.update([ItemRecord(item, suspended=True, flag=2)], NOW, SETTINGS)
    assert [r.item for r in changed] == [item]
    assert keys(index, "is:suspended flag:2") == [SO]


def test_plain_text_for_cells():
    assert quick_plain("A **bold** _word_ and `code` <b>tag</b> &amp; [link](x.html)") == (
        "A bold word and code tag & link")
    assert quick_plain("snake_case stays\n\nand lines join") == "snake_case stays and lines join"
    cloze = Card("d", "c", "cloze", text="{{c1::Still}} technique is {{c2::indirect::kind}}")
    assert item_question(cloze, 1) == "Still technique is indirect"


def test_a_hundred_thousand_items_are_searched(tmp_path):
    """Size, not speed, is checked here: the browser test and the benchmark watch the time."""
    cards = tuple(Card("big", f"c{n}", "basic", front=f"Question {n} about *fascia*",
                       back=f"Answer {n}", tags=(f"t{n % 100}",)) for n in range(100_000))
    library = Library((DeckFile("big.yaml", Deck("big", "Big", "big.yaml", cards)),))
    index = CardIndex.build(library, {}, NOW, SETTINGS)
    assert len(index) == 100_000
    assert len(index.search("tag:t7 fascia -is:due")) == 1000
    assert len(index.search('"question 9999 about"')) == 1


def test_a_search_finds_a_card_by_any_sources_version(tmp_path):
    from omtquiz.decks.model import Version

    card = Card("levels", "appendix", "basic", front="Viscerosomatic level of the appendix?",
                back="T12", versions=(Version(0, "sav", "Savarese", "T12"),
                                      Version(0, "sp", "StatPearls", "T9-T12")))
    library = Library((DeckFile("l.yaml", Deck("levels", "Levels", "l.yaml", (card,))),))
    with Store.open(tmp_path / "progress.sqlite3", clock=FixedClock(NOW)) as store:
        index = CardIndex.build(library, store.records(), NOW, SETTINGS)
    assert keys(index, "t9-t12") == ["levels/appendix/0"]
    assert index.rows[0].answer == "T12 (sources differ: Savarese: T12; StatPearls: T9-T12)"
