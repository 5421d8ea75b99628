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

import nh3
from markdown_it import MarkdownIt

from omtquiz.decks.model import CLOZE_RE, Card, CardType

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


def sanitize(fragment: str) -> str:
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
    return MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})


# Text with none of these can hold no Markdown or HTML: escaping it is the whole rendering.
# Split in two because an alternation with `^` is tried at every position of the text; the
# character scan alone is twice as fast (the export checks every field of every card).
_MARKUP = re.compile(r"[\\`*_\[\]<>&#!|~\n\r\t]|://")
_MARKUP_START = re.compile(r"\s*(?:\d+[.)]|[-+>=])| {4}")

# Text with none of these is a single paragraph however CommonMark reads it: one line (no
# setext heading, fence body or hard break), starting with no block marker (heading, quote,
# list item, thematic break, fence, HTML block, link reference definition, indented code).
_BLOCK = re.compile(r"[\n\r]|^(?:\s|[>#<\[|~`=]|[-+*](?:\s|$)|\d+[.)]|([-*_])(?:\s*\1){2})")


@lru_cache(maxsize=8192)
def markdown(text: str) -> str:
    """CommonMark to sanitised HTML; a single paragraph loses its <p> so it sits inline."""
    if not _MARKUP.search(text) and not _MARKUP_START.match(text):
        return html.escape(text.strip(), quote=False)
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
        number, body, hint = int(match.group(1)), match.group(2), match.group(3)
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


def image_html(card: Card, image_src: str | None) -> str:
    if not card.image or image_src is None:
        return ""
    return sanitize(f'<div><img src="{html.escape(image_src, quote=True)}" alt=""></div>')


def render_item(card: Card, ord_: int = 0, *, image_src: str | None = None) -> Rendered:
    """Question and answer HTML for one item of a card, as a student will see them."""
    picture = image_html(card, image_src)
    if card.type == CardType.CLOZE:
        question = markdown(cloze_source(card.text, ord_, reveal=False))
        answer = markdown(cloze_source(card.text, ord_, reveal=True))
        if card.extra:
            answer += "<hr>" + markdown(card.extra)
    elif card.type == CardType.MCQ:
        question, answer = markdown(card.question), markdown(card.answer)
    elif card.type == CardType.REVERSE and ord_ == 1:
        question, answer = markdown(card.back), markdown(card.front)
    else:
        question, answer = markdown(card.front), markdown(card.back)
    explanation = markdown(card.explanation) if card.explanation else ""
    return Rendered(question=question + picture, answer=answer, explanation=explanation)


def plain(text: str) -> str:
    """Card text as one line of plain text, for lists, tables and typed-answer matching."""
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
