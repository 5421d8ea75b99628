"""The bundled decks: big enough, clean, every card sourced, and every technique covered.

These tests guard the content of `decks/`, not the loader: a wrong fact learned by spaced
repetition is worse than none, so coverage must not shrink silently and no card may lose its
source. Each failure names the deck, card or technique at fault.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from omtquiz.decks.format.library import load_library
from omtquiz.decks.model import CARD_TYPES, Card, Deck

BUNDLED = Path(__file__).resolve().parents[2] / "decks"

MIN_DECKS = 8
MIN_CARDS = 300

TOPIC_TAGS = frozenset({
    "principles", "technique", "indication", "contraindication", "safety", "do-vs-md",
    "patient-experience",
})
TECHNIQUE_TAGS = (
    "balanced-ligamentous-tension", "cranial", "diaphragm", "lymphatic-pump", "muscle-energy",
    "myofascial-release", "rib-raising", "hvla", "counterstrain", "facilitated-positional-release",
    "still-technique", "soft-tissue", "articulatory", "chapman-reflexes",
)
# Every technique needs a card on what it is, one on what it is for, and one on when not to use
# it (or one saying the sources list none).
COVERAGE_TOPICS = ("technique", "indication", "contraindication")


@pytest.fixture(scope="module")
def library():
    return load_library([BUNDLED])


@pytest.fixture(scope="module")
def decks(library) -> list[Deck]:
    return library.decks


@pytest.fixture(scope="module")
def cards(decks) -> list[tuple[Deck, Card]]:
    return [(deck, card) for deck in decks for card in deck.cards]


def _where(deck: Deck, card: Card) -> str:
    return f"{Path(deck.path).name}: {card.id}"


def test_bundled_folder_holds_enough_decks_and_cards(decks, cards):
    names = sorted(Path(deck.path).name for deck in decks)
    assert len(decks) >= MIN_DECKS, f"only {len(decks)} bundled deck(s) loaded: {names}"
    per_deck = {deck.id: len(deck.cards) for deck in decks}
    assert len(cards) >= MIN_CARDS, (
        f"only {len(cards)} bundled cards (need {MIN_CARDS}); per deck: {per_deck}")


def test_every_deck_file_loads(library):
    failed = [f.path for f in library.files if f.deck is None]
    assert not failed, f"deck files that did not load: {failed}"


def test_no_loader_diagnostics_at_all(library):
    problems = [str(d) for d in library.diagnostics]
    assert not problems, "bundled decks have diagnostics:\n" + "\n".join(problems)


def test_no_lint_diagnostics(library):
    """What `omtquiz validate --strict` would report beyond the loader: it must stay clean."""
    from omtquiz.decks.format.lint import lint_library

    problems = [str(d) for d in lint_library(library)]
    assert not problems, "bundled decks have lint findings:\n" + "\n".join(problems)


def test_every_card_cites_a_source_its_deck_lists(cards):
    unsourced = [_where(deck, card) for deck, card in cards if not card.source]
    assert not unsourced, f"cards without a source: {unsourced}"
    unknown = [f"{_where(deck, card)} cites '{card.source}'" for deck, card in cards
               if card.source and deck.source(card.source) is None]
    assert not unknown, f"cards citing a source their deck does not list: {unknown}"


def test_every_listed_source_has_a_citation_and_is_cited(decks):
    empty = [f"{deck.id}: {source.id}" for deck in decks for source in deck.sources
             if not source.citation.strip()]
    assert not empty, f"sources without a citation: {empty}"
    for deck in decks:
        cited = {card.source for card in deck.cards}
        unused = [source.id for source in deck.sources if source.id not in cited]
        assert not unused, f"{deck.id} lists sources no card cites: {unused}"


def test_all_four_card_types_are_used(cards):
    used = Counter(card.type for _, card in cards)
    missing = [kind for kind in CARD_TYPES if not used[kind]]
    assert not missing, f"card types never used: {missing} (counts: {dict(used)})"


def test_every_mcq_has_at_least_two_distractors(cards):
    short = [f"{_where(deck, card)} ({len(card.distractors)})" for deck, card in cards
             if card.type == "mcq" and len(card.distractors) < 2]
    assert not short, f"mcq cards with fewer than 2 distractors: {short}"


def test_every_card_carries_a_topic_tag(cards):
    untagged = [f"{_where(deck, card)} {list(card.tags)}" for deck, card in cards
                if not TOPIC_TAGS & set(card.tags)]
    assert not untagged, (f"cards without a topic tag ({', '.join(sorted(TOPIC_TAGS))}): "
                          f"{untagged}")


def test_every_technique_has_description_indication_and_contraindication_cards(cards):
    counts = {technique: Counter() for technique in TECHNIQUE_TAGS}
    for _, card in cards:
        tags = set(card.tags)
        for technique in tags.intersection(TECHNIQUE_TAGS):
            for topic in COVERAGE_TOPICS:
                if topic in tags:
                    counts[technique][topic] += 1
    gaps = [f"{technique}: no card tagged both '{technique}' and '{topic}'"
            for technique in TECHNIQUE_TAGS for topic in COVERAGE_TOPICS
            if not counts[technique][topic]]
    table = "\n".join(f"  {technique:32} " + ", ".join(
        f"{topic}={counts[technique][topic]}" for topic in COVERAGE_TOPICS)
        for technique in TECHNIQUE_TAGS)
    assert not gaps, "technique coverage has gaps:\n" + "\n".join(gaps) + "\ncoverage:\n" + table


def test_technique_tags_are_spelled_as_the_vocabulary(cards):
    """A misspelt technique tag ('hvla-thrust', 'counter-strain') would hide a card from study."""
    near = {tag.replace("-", ""): tag for tag in TECHNIQUE_TAGS}
    odd = sorted({f"{tag} (did you mean {near[tag.replace('-', '')]}?)"
                  for _, card in cards for tag in card.tags
                  if tag not in TECHNIQUE_TAGS and tag.replace("-", "") in near})
    assert not odd, f"technique tags spelt differently from the vocabulary: {odd}"


def test_card_ids_are_unique_within_each_deck(decks):
    for deck in decks:
        repeated = [cid for cid, n in Counter(card.id for card in deck.cards).items() if n > 1]
        assert not repeated, f"{deck.id} repeats card ids: {repeated}"
