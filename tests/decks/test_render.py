"""Card text to safe HTML: the sanitiser's allow-list, Markdown, cloze blanks, and the plain
and normalised forms lists and typed answers use."""

from __future__ import annotations

import pytest

from omtquiz.decks.model import Card
from omtquiz.decks.render import markdown, normalise, plain, render_item, sanitize


@pytest.mark.parametrize(("dirty", "clean"), [
    ("<b>bold</b><script>alert(1)</script>", "<b>bold</b>"),
    ('<img src="x.png" onerror="alert(1)">', '<img src="x.png">'),
    ('<img src="https://tracker.example/p.gif">', "<img>"),
    ('<img src="data:image/png;base64,AAAA">', "<img>"),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="https://e.org">x</a>', '<a href="https://e.org" rel="noopener noreferrer">x</a>'),
    ('<span style="color:red" class="cloze">c</span>', '<span class="cloze">c</span>'),
    ("<iframe src='x'></iframe>kept<!-- note -->", "kept"),
])
def test_only_the_allow_list_leaves_the_sanitiser(dirty, clean):
    assert sanitize(dirty) == clean


def test_markdown_is_sanitised_and_one_paragraph_sits_inline():
    assert markdown("Rib **raising**") == "Rib <strong>raising</strong>"
    assert markdown("plain & simple") == "plain &amp; simple"
    assert markdown("one\n\ntwo") == "<p>one</p>\n<p>two</p>"
    assert "<script" not in markdown("x <script>alert(1)</script>")


# Every kind of line the shortcuts must not misread: block markers at the start (list items,
# headings, quotes, rules, fences, HTML, reference definitions, indented code) beside
# look-alikes that stay one paragraph, and text with no markup at all.
_SHORTCUT_CASES = [
    "**bold** text", "*em* x", "* item", "- item", "+ item", "-x", "+x", "1. one", "1) one",
    "12.5 kg", "***", "* * *", "___", "_ _ _", "---", "- - -", "# h", "#tag", "## h", "> q",
    "<div>x</div>", "<b>x</b> y", "[a]: http://x", "[a](b) c", "[a]", "`code` x", "```",
    "~~~", "~x~", "    code", "\tcode", " lead", "a\\", "=== x", "= x", "|a|b|", "a | b",
    "x **y** z", "T1-T4 **sympathetic**", "&amp; x", "&copy;", "a <br> b", "5 * 3 = 15",
    "-1 is *neg*", "__a__ b", "a_b_c", "see https://e.org", "  1. indented item", "plain",
    "one\ntwo", "- a\n- b", "Rib raising, gently",
]


@pytest.mark.parametrize("text", _SHORTCUT_CASES)
def test_the_shortcuts_render_as_the_full_commonmark_render_does(text):
    from omtquiz.decks.render import _markdown

    rendered = _markdown().render(text).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    assert markdown(text) == sanitize(rendered)


def test_a_cloze_item_blanks_its_own_deletion_and_shows_the_others():
    card = Card("d", "c", "cloze", text="{{c1::Rib raising}} helps {{c2::breathing::what}}",
                extra="Lymph too")
    first = render_item(card, 0)
    assert first.question == '<span class="cloze">[...]</span> helps breathing'
    assert first.answer == ('<span class="cloze">Rib raising</span> helps breathing'
                            "<hr>Lymph too")
    assert render_item(card, 1).question == 'Rib raising helps <span class="cloze">[what]</span>'


def test_a_reverse_cards_second_item_asks_the_back():
    card = Card("d", "r", "reverse", front="HVLA", back="High velocity, low amplitude")
    assert render_item(card, 1).question == "High velocity, low amplitude"
    assert render_item(card, 1).answer == "HVLA"


def test_plain_text_is_one_line_without_markup_or_cloze_braces():
    assert plain("**Rib** {{c1::raising}}\n\n*helps*") == "Rib raising helps"


def test_normalise():
    assert normalise("  Café, the  RIB-raising. ") == "cafe rib raising"


def test_a_multiple_choice_card_is_studied_with_its_lettered_choices():
    """Review shows "which of these ...?" with the choices it names, in one order per card,
    and the answer side gives the right letter; a quiz (which shows its own) asks it bare."""
    card = Card("t", "indirect", "mcq", question="Which of these techniques is indirect?",
                answer="Counterstrain", distractors=("HVLA", "Muscle energy", "Articulatory"))
    shown = render_item(card)
    letters = [f"<b>{letter}.</b>" for letter in "ABCD"]
    assert all(letter in shown.question for letter in letters)
    positions = sorted((shown.question.index(text), text) for text in
                       ("Counterstrain", "HVLA", "Muscle energy", "Articulatory"))
    right = [text for _, text in positions].index("Counterstrain")
    assert shown.answer.startswith(f'<span class="cloze">{"ABCD"[right]}.</span>')
    assert shown.answer_side.startswith(shown.question) and "Counterstrain" in shown.answer
    assert render_item(card).question == shown.question  # the same order every time
    letters = {render_item(card, seed=reps).answer for reps in range(12)}
    assert len(letters) >= 3  # a review's seed moves the right choice (positions are no fact)
    assert render_item(card, seed=5).question == render_item(card, seed=5).question
    bare = render_item(card, choices=False)
    assert "HVLA" not in bare.question and "<b>A.</b>" not in bare.question
