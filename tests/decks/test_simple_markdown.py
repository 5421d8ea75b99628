"""The Markdown rendered without markdown-it gives, byte for byte, what markdown-it and nh3
give: on every field of the bundled decks, on a realistic generated deck, and on generated text
built to sit on the edges of CommonMark's emphasis, code span and list rules."""

from __future__ import annotations

import html
import random
from pathlib import Path

import pytest

from bench.run import make_deck
from omtquiz.decks.format.library import load_library
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.render import (
    _MARKUP_START,
    _has_markup,
    markdown,
    markdown_it_html,
    too_much_markup,
)
from omtquiz.decks.simple_markdown import render_simple
from omtquiz.resources import bundled_decks_dir


def _before(text: str) -> str:
    """`render.markdown` as it was before the subset was rendered without markdown-it."""
    if not _has_markup(text) and not _MARKUP_START.match(text):
        return html.escape(text.strip(), quote=False)
    if too_much_markup(text) is not None:
        return html.escape(text.strip(), quote=False).replace("\n", "<br>")
    return markdown_it_html(text)


def _texts(decks) -> list[str]:
    texts = []
    for deck in decks:
        texts += [deck.description or ""] + [s.citation for s in deck.sources]
        for card in deck.cards:
            texts += [card.front, card.back, card.text, card.extra, card.question, card.answer,
                      card.explanation, *card.distractors, *(v.answer for v in card.versions)]
    return [t for t in texts if t]


def _same_as_before(texts: list[str]) -> int:
    simple = 0
    for text in texts:
        assert markdown(text) == _before(text), text
        if render_simple(text) is not None:
            simple += 1
            assert render_simple(text) == markdown_it_html(text), text
    return simple


def test_every_field_of_the_bundled_decks_renders_as_before():
    library = load_library([bundled_decks_dir()])
    texts = _texts(library.decks)
    assert len(texts) > 1000
    assert _same_as_before(texts) > 0


def test_every_field_of_a_realistic_deck_renders_as_before(tmp_path: Path):
    deck = load_deck_file(make_deck(tmp_path / "deck.yaml", 800, realistic=True)).deck
    texts = _texts([deck])
    simple = _same_as_before(texts)
    assert simple >= 100  # the deck's Markdown fields (emphasis, code, lists) take the subset
    assert all(render_simple(t) is not None for t in texts if t.startswith("- "))


_TOKENS = ["rib", "Lumbar", "T12", "é", "日本", "²", " ", " ", "  ", ".", ",", ";", ":", "!",
           "?", "(", ")", '"', "'", "-", "+", "=", "#", "|", "~", "/", "%", "*", "**", "***",
           "`", "``", "1.", "2)"]
_RARE = ["_", "\u2003", "\t", "&", "<b>", "\\*", "[a](b)", "\xa0", "://"]
_WORDS = ["rib", "T12", "é", "日本", "(x)", '"q"', "a.", "b,", "*em*", "**st**", "`c`"]
_ODD_WORDS = ["1.", "-", "#", "!", "*", "|", "---", "***", "+", ">", "=", "~~~", "```", "*a*b",
              "` c`"]


def _inline(rng: random.Random) -> str:
    return "".join(rng.choice(_RARE if rng.random() < 0.03 else _TOKENS)
                   for _ in range(rng.randint(0, 6)))


def _generated(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return rng.choice(["", " ", "    "]) + _inline(rng) + rng.choice(["", "\n", " "])
    if kind < 0.6:  # a word between delimiters, with something either side
        word = rng.choice(["rib", "T12", "é x", "a.b", "日本", " a", "a ", "a*b"])
        mark = rng.choice(["*", "**", "`", "***"])
        return (_inline(rng) + rng.choice(["", " ", "("]) + mark + word + mark
                + rng.choice(["", " ", ".", ")", "x", "*", '"']) + _inline(rng))
    lines = []
    for _ in range(rng.randint(1, 4)):
        words = " ".join(rng.choice(_ODD_WORDS if rng.random() < 0.1 else _WORDS)
                         for _ in range(rng.randint(1, 5)))
        marker = rng.choice(["- "] * 12 + ["-  ", "* ", " - ", "", "    - ", "-\t"])
        lines.append(marker + words + rng.choice([""] * 9 + [" "]))
    gap = rng.choice(["\n"] * 8 + ["\n\n"])
    return rng.choice(["", "\n"]) + gap.join(lines) + rng.choice(["", "\n", "\n\n"])


@pytest.mark.parametrize("seed", range(4))
def test_generated_text_renders_as_markdown_it_renders_it(seed):
    rng = random.Random(seed)
    made = {"em": 0, "strong": 0, "code": 0, "ul": 0}
    for _ in range(6000):
        text = _generated(rng)
        simple = render_simple(text)
        if simple is None:
            continue
        assert simple == markdown_it_html(text), text
        for tag in made:
            made[tag] += f"<{tag}>" in simple
    assert min(made.values()) >= 10, made  # every construct of the subset was exercised


@pytest.mark.parametrize("text", [
    "    indented code", "a**b**c", "**a** b**", "*a *", "* a*", "- a\n\n- b", "- a\n  b",
    "&amp; *x*", "a\xa0*b*", "_a_", "*a*_", "`` a ``", "` a `", "***a***", "**a*", "# *h*",
    "1. *a*", "- *a*\n* b", "*a*\tb", "x *a*b", "- a \n- b", "<b>*a*</b>", "\\*a*",
])
def test_what_the_subset_leaves_to_markdown_it(text):
    assert render_simple(text) is None
    assert markdown(text) == _before(text)
