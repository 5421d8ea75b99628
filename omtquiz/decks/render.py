"""Card text to safe HTML, for the app's Qt rich text and for Anki fields alike.

Authors write CommonMark; whatever they write, only an allow-list of tags and attributes leaves
here (nh3), with no scripts, no event handlers and nothing loaded from the network. It also
owns `normalise`, the form a typed answer and a question are compared in (by the quiz and by
the lints that find a question asked twice).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from omtquiz.decks.model import CLOZE_RE, FOLLOW_UP, Card, CardType
from omtquiz.decks.simple_markdown import render_simple
from omtquiz.digest import blake2b

_TAGS = {
    "p", "br", "hr", "b", "strong", "i", "em", "u", "s", "del", "sub", "sup", "small", "mark",
    "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "span", "div", "img", "a",
}
_ATTRS = {
    "img": {"src", "alt", "width", "height"},
    "a": {"href", "title"},
    "span": {"class"},
    "div": {"class"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}


def _local_only(tag: str, attr: str, value: str) -> str | None:
    """Drop any image that would be fetched from elsewhere: cards work offline or not at all."""
    if tag == "img" and attr == "src":
        lowered = value.strip().lower()
        if lowered.startswith(("http:", "https:", "//", "data:", "javascript:", "ftp:")):
            return None
    return value


if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# nh3 and markdown-it are imported when first used: the loader asks `too_much_markup` of every
# field, and most fields never need either.


def sanitize(fragment: str) -> str:
    import nh3

    return nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRS,
        url_schemes={"http", "https", "mailto", "file"},
        attribute_filter=_local_only,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})


# Text with none of these can hold no Markdown or HTML: it is its own HTML (it has no & < >
# to escape). Split in three because an alternation is tried at every position of the text;
# a character class alone is scanned four times as fast (the export checks every field).
_MARKUP = re.compile(r"[\\`*_\[\]<>&#!|~\n\r\t]")
_MARKUP_START = re.compile(r"\s*(?:\d+[.)]|[-+>=])| {4}")


def _has_markup(text: str) -> bool:
    return _MARKUP.search(text) is not None or "://" in text

# Text with none of these is a single paragraph however CommonMark reads it: one line (no
# setext heading, fence body or hard break), starting with no block marker (heading, quote,
# list item, thematic break, fence, HTML block, link reference definition, indented code).
_BLOCK = re.compile(r"[\n\r]|^(?:\s|[>#<\[|~`=]|[-+*](?:\s|$)|\d+[.)]|([-*_])(?:\s*\1){2})")


# markdown-it scans ahead from every "[" for its "]" and "(...)": quadratic in a long paragraph
# full of brackets (100,000 "[" took over a minute). Text beyond these bounds, which no real card
# comes near, is shown as plain text instead of being formatted.
MAX_BRACKETS = 64
MAX_PARAGRAPH_CHARS = 5_000
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def too_much_markup(text: str) -> str | None:
    """Why `text`, which has Markdown in it, is shown unformatted; None when it is formatted."""
    if not _has_markup(text):
        return None
    if text.count("[") > MAX_BRACKETS:
        return f"more than {MAX_BRACKETS} '['"
    if len(text) > MAX_PARAGRAPH_CHARS and any(
            len(part) > MAX_PARAGRAPH_CHARS for part in _PARAGRAPH_BREAK.split(text)):
        return f"a paragraph longer than {MAX_PARAGRAPH_CHARS:,} characters"
    return None


def markdown(text: str) -> str:
    """CommonMark to sanitised HTML; a single paragraph loses its <p> so it sits inline."""
    if not _has_markup(text) and not _MARKUP_START.match(text):
        return text.strip()  # no & < > in it: html.escape would change nothing
    return _marked_up(text)  # the cache is kept for text that costs something to render


@lru_cache(maxsize=8192)
def _marked_up(text: str) -> str:
    if too_much_markup(text) is not None:
        return html.escape(text.strip(), quote=False).replace("\n", "<br>")
    simple = render_simple(text)
    return simple if simple is not None else markdown_it_html(text)


def markdown_it_html(text: str) -> str:
    """Text with Markdown in it, through markdown-it and nh3 (`markdown` tries
    `render_simple` first, which gives the same for the Markdown most cards use)."""
    if not _BLOCK.search(text):  # one paragraph: its inline rendering, without <p>, is it
        return sanitize(_markdown().renderInline(text.strip()))
    rendered = _markdown().render(text).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return sanitize(rendered)


def cloze_source(text: str, ord_: int, *, reveal: bool) -> str:
    """Replace deletion ord_+1 with a blank (or its answer, highlighted); show the others."""
    wanted = ord_ + 1

    def sub(match) -> str:
        number, body, hint = match.number, match.group(2), match.group(3)
        if number != wanted:
            return body
        if reveal:
            return f'<span class="cloze">{body}</span>'
        shown = f"[{hint}]" if hint else "[...]"
        return f'<span class="cloze">{html.escape(shown)}</span>'

    return CLOZE_RE.sub(sub, text)


@dataclass(frozen=True, slots=True)
class Rendered:
    question: str
    answer: str
    explanation: str = ""
    answer_side: str = ""  # what the answer side shows in full: for a cloze, the revealed text


def image_html(card: Card, image_src: str | None) -> str:
    if not card.image or image_src is None:
        return ""
    return sanitize(f'<div><img src="{html.escape(image_src, quote=True)}" alt=""></div>')


def versions_in_order(card: Card, ord_: int) -> list:
    """The item's sourced versions, the one shown as the answer first."""
    versions = card.versions_of(ord_)
    if not versions:  # most cards: nothing to order (and no nh3 to load for it)
        return []
    shown = normalise(plain(_answer_source(card, ord_)))
    return sorted(versions, key=lambda v: normalise(plain(v.answer)) != shown)


def versions_text(card: Card, ord_: int = 0) -> str:
    """"Savarese: T12; StatPearls: T9-T12", or "" when the sources agree."""
    return "; ".join(f"{v.label}: {plain(v.answer)}" for v in versions_in_order(card, ord_))


def versions_html(card: Card, ord_: int = 0) -> str:
    versions = versions_in_order(card, ord_)
    if not versions:
        return ""
    parts = "; ".join(f"{html.escape(v.label)}: {markdown(v.answer)}" for v in versions)
    return f'<p class="versions"><b>Sources differ.</b> {parts}</p>'


def all_versions_html(card: Card) -> str:
    """Every item's versions, for a place that shows a whole card at once (an Anki note's
    back): one line per item, a cloze's named by its deletion when it has several."""
    if not card.versions:  # most cards
        return ""
    ords = sorted({v.ord for v in card.versions})
    lines = []
    for ord_ in ords:
        line = versions_html(card, ord_)
        if card.type == "cloze" and len(card.cloze_numbers()) > 1:
            line = line.replace('<p class="versions">', f'<p class="versions">c{ord_ + 1}: ', 1)
        lines.append(line)
    return "".join(lines)


def _answer_source(card: Card, ord_: int) -> str:
    if card.type == "cloze":
        return next((m.group(2) for m in CLOZE_RE.finditer(card.text)
                     if int(m.group(1)) == ord_ + 1), "")
    return card.answer if card.type == "mcq" else card.back


def drill_case(card: Card, ord_: int = 0, seed: int | None = None,
               direction: str | None = None):
    """The case a drill item asks: seeded by the caller (fresh per review), else by its key;
    `direction` overrides the drill's own (quizzes always ask findings -> name)."""
    from omtquiz.drills.cases import generate
    from omtquiz.drills.present import case_seed

    spec = card.drill
    if seed is None:
        seed = case_seed(f"{card.deck_id}/{card.id}/{ord_}", 0)
    family = spec.families[min(max(ord_, 0), len(spec.families) - 1)]
    return generate(spec.region, seed, [family], spec.levels, direction or spec.direction,
                    points=spec.points)


def _lines(lines) -> str:
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def render_drill(card: Card, ord_: int = 0, seed: int | None = None,
                 direction: str | None = None, *, case=None) -> Rendered:
    """A drill item: the case's findings (or name) as the question, the rules as explanation.
    `case`, when the caller has it already, is `drill_case(card, ord_, seed, direction)`."""
    from omtquiz.drills.present import REGION_TITLES, answer_lines, question_lines, replay_hint

    if case is None:
        case = drill_case(card, ord_, seed, direction)
    title = card.front if direction in (None, card.drill.direction) else \
        f"Diagnosis drill: {REGION_TITLES[case.region]}"
    heading = f"<b>{html.escape(title, quote=False)}</b>"  # not the kind: it would tell
    explanation = f"<i>{html.escape(case.family)}</i>: " + _lines(case.explanation) + \
        "<br><small>" + html.escape(
        replay_hint(case, card.drill.levels)) + "</small>"
    question = heading + "<br>" + _lines(question_lines(case))
    answer = _lines(answer_lines(case))
    return Rendered(question, answer, explanation, answer_side=question + "<hr>" + answer)


def render_item(card: Card, ord_: int = 0, *, image_src: str | None = None,
                seed: int | None = None, choices: bool = True) -> Rendered:
    """Question and answer HTML for one item of a card, as a student will see them; where
    sources disagree, every source's version follows the answer.

    A drill item draws its case from `seed` (the review screen passes a fresh one per review),
    and a multiple-choice card the order of its choices. A multiple-choice card lists its
    lettered choices under the question ("which of these ...?" means nothing without them);
    `choices=False` leaves them to a quiz that shows its own.
    """
    if card.type == "drill":
        return render_drill(card, ord_, seed)
    picture = image_html(card, image_src)
    sourced = versions_html(card, ord_)
    if card.type == CardType.CLOZE:
        question = markdown(cloze_source(card.text, ord_, reveal=False))
        answer = markdown(cloze_source(card.text, ord_, reveal=True)) + sourced + picture
        if card.extra:
            answer += "<hr>" + markdown(card.extra)
        explanation = markdown(card.explanation) if card.explanation else ""
        # The revealed sentence replaces the question, picture and all (as Anki's cloze does).
        return Rendered(question + picture, answer, explanation, answer_side=answer)
    elif card.type == CardType.OCCLUSION:
        return _occlusion(card, ord_)
    elif card.type == CardType.POINT:
        return _point(card, ord_)
    elif card.type == CardType.MCQ:
        question, answer = markdown(card.question), markdown(card.answer)
        if choices and card.distractors:
            return _mcq(card, question + picture, answer + sourced, seed)
    elif card.type == CardType.REVERSE and ord_ == 1:
        question, answer = markdown(card.back), markdown(card.front)
    else:
        question, answer = markdown(card.front), markdown(card.back)
    explanation = markdown(card.explanation) if card.explanation else ""
    question += picture
    answer += sourced
    return Rendered(question, answer, explanation, answer_side=question + "<hr>" + answer)


_ANY_TAG = re.compile(r"<[^>]*>")


def text_of_html(fragment: str) -> str:
    """Rendered HTML (a question as shown) as one line of plain text; a tag parts words, as a
    line break or a new paragraph does on screen."""
    return " ".join(html.unescape(_ANY_TAG.sub(" ", fragment)).split())


def _occlusion(card: Card, ord_: int) -> Rendered:
    """The text around an occlusion item; the picture and its masks are the screen's to draw."""
    question = markdown(card.front) if card.front else ""
    answer = f'<span class="cloze">{html.escape(card.occlusion_label(ord_))}</span>'
    if card.extra:
        answer += "<hr>" + markdown(card.extra)
    explanation = markdown(card.explanation) if card.explanation else ""
    side = f"{question}<hr>{answer}" if question else answer
    return Rendered(question, answer, explanation, answer_side=side)


def _point(card: Card, ord_: int) -> Rendered:
    """Item 0 asks the name of the marked spot, item 1 asks for a click on the named one, item 2
    its follow-up; the map, the marker and the grading are the screen's."""
    if ord_ == FOLLOW_UP:
        return _follow_up(card)
    question = markdown(card.question if ord_ == 0 else card.front)
    answer = f'<span class="cloze">{html.escape(card.answer)}</span>'
    if card.extra:
        answer += "<br>" + markdown(card.extra)
    explanation = markdown(card.explanation) if card.explanation else ""
    return Rendered(question, answer, explanation, answer_side=f"{question}<hr>{answer}")


def _card_order(card: Card, right: str, others,
                seed: int | None = None) -> tuple[tuple[str, ...], int]:
    """Choices in their shown order, and the right one's index: one order per card and `seed`
    (a hash of both), the same on every screen and every run."""
    choices = [right, *others]
    key = card.deck_id + "/" + card.id + ("" if seed is None else f"/{seed}")
    choices.sort(key=lambda text: blake2b(f"{key}\0{text}".encode(),
                                                  digest_size=8).digest())
    return tuple(choices), choices.index(right)


def follow_up_choices(card: Card) -> tuple[tuple[str, ...], int]:
    """A point card's follow-up choices in their shown order, and the right one's index."""
    return _card_order(card, card.follow_answer, card.distractors)


def mcq_choices(card: Card, seed: int | None = None) -> tuple[tuple[str, ...], int]:
    """A multiple-choice card's choices as review shows them, and the right one's index; the
    review screen passes a seed per review, so positions cannot be learnt instead of facts."""
    return _card_order(card, card.answer, card.distractors, seed)


def _lettered(choices) -> str:
    return "".join(f"<p><b>{chr(ord('A') + n)}.</b> {markdown(text)}</p>"
                   for n, text in enumerate(choices))


def _mcq(card: Card, question: str, answer: str, seed: int | None) -> Rendered:
    """A multiple-choice card studied as a flashcard: the lettered choices under the question,
    the right letter with the answer."""
    choices, right = mcq_choices(card, seed)
    question += _lettered(choices)
    answer = f'<span class="cloze">{chr(ord("A") + right)}.</span> {answer}'
    explanation = markdown(card.explanation) if card.explanation else ""
    return Rendered(question, answer, explanation, answer_side=f"{question}<hr>{answer}")


def _follow_up(card: Card) -> Rendered:
    """The follow-up of a marked spot as a lettered multiple choice; the answer names the spot
    and the right letter."""
    choices, right = follow_up_choices(card)
    items = _lettered(choices)
    question = f"<p>{markdown(card.follow_up)}</p>{items}"
    letter = chr(ord("A") + right)
    answer = (f'<span class="cloze">{letter}. {markdown(card.follow_answer)}</span>'
              f'<br>{html.escape(card.answer)}')
    if card.extra:
        answer += ": " + markdown(card.extra)
    explanation = markdown(card.explanation) if card.explanation else ""
    return Rendered(question, answer, explanation, answer_side=f"{question}<hr>{answer}")


def plain(text: str) -> str:
    """Card text as one line of plain text, for lists, tables and typed-answer matching."""
    import nh3

    stripped = nh3.clean(markdown(CLOZE_RE.sub(lambda m: m.group(2), text)), tags=set())
    return " ".join(html.unescape(stripped).split())


_PUNCT = re.compile(r"[^\w\s]")
_ARTICLES = re.compile(r"\b(the|a|an)\b")


def normalise(text: str) -> str:
    """Case, accents, punctuation, articles and spacing never decide whether an answer is right."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _ARTICLES.sub(" ", _PUNCT.sub(" ", text))
    return " ".join(text.split())
