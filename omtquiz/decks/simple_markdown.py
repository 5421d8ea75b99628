"""The Markdown most card text uses, rendered without markdown-it: exactly what it gives.

Card text is mostly plain, and where it is not, it is mostly a `**strong**` or `*emphasised*`
word, a `` `code` `` word or a short list of `- ` lines. Parsing those with markdown-it (its
import alone is 30-60 ms) and cleaning the result with nh3 is most of an export's rendering.
`render_simple` renders that narrow subset itself and answers None for anything else, which
`render.markdown` then gives to markdown-it as before: a construct is accepted only where
CommonMark's rules leave no choice (an emphasis opener after a space or the start and before a
letter or digit, its closer after one and before a space, punctuation or the end, nothing
between them that is markup), so the output is byte for byte markdown-it's, after nh3. The
tests hold it to that on the bundled decks and on generated text.
"""

from __future__ import annotations

import html
import re

# Anything that could start another construct (links, images, HTML, entities, escapes,
# underscores, autolinks) or that nh3 would rewrite (control characters, no-break spaces)
# sends the text to markdown-it.
_OTHER = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\xa0\\_\[\]<>&\u2028\u2029\ufeff]|://")
# A delimiter pair with nothing but plain text between, or a code span.
_SPAN = re.compile(r"(\*\*?)([^*`]+)\1|`([^`]+)`")
# A line that would open a block of its own (mirrors render._BLOCK, less the newline).
_BLOCK_START = re.compile(r"\s|[>#<\[|~`=]|[-+*](?:\s|$)|\d+[.)]|([-*_])(?:\s*\1){2}")
_CLOSER_NEXT = frozenset(" .,;:!?)")


def render_simple(text: str) -> str | None:
    """`text` as markdown-it (then nh3) renders it, or None when it is not of the subset."""
    if _OTHER.search(text) or "``" in text:  # a longer backtick run closes only its like
        return None
    stripped = text.strip()
    if "\n" not in stripped:
        # Leading spaces may make a code block; the end is stripped as markdown-it does.
        if not stripped or text[0].isspace() or _BLOCK_START.match(stripped):
            return None
        return _inline(stripped)
    return _bullet_list(text)


def _bullet_list(text: str) -> str | None:
    """A tight list of `- ` lines, each one an inline of the subset."""
    lines = text.strip("\n").split("\n")
    items = []
    for line in lines:
        if not line.startswith("- ") or line != line.rstrip():
            return None
        content = line[2:]
        if not content or _BLOCK_START.match(content):
            return None
        rendered = _inline(content)
        if rendered is None:
            return None
        items.append(f"<li>{rendered}</li>\n")
    return "<ul>\n" + "".join(items) + "</ul>"


def _inline(text: str) -> str | None:
    out = []
    at = 0
    for match in _SPAN.finditer(text):
        start, end = match.span()
        before = text[at:start]
        if "*" in before or "`" in before:
            return None
        out.append(html.escape(before, quote=False))
        code = match.group(3)
        if code is not None:
            if code[0] == " " or code[-1] == " ":
                return None
            out.append(f"<code>{html.escape(code, quote=False)}</code>")
        else:
            body = match.group(2)
            if not _flanked(text, start, end, body):
                return None
            tag = "strong" if len(match.group(1)) == 2 else "em"
            out.append(f"<{tag}>{html.escape(body, quote=False)}</{tag}>")
        at = end
    rest = text[at:]
    if "*" in rest or "`" in rest:
        return None
    out.append(html.escape(rest, quote=False))
    return "".join(out)


def _flanked(text: str, start: int, end: int, body: str) -> bool:
    """The opener can only open and the closer only close: CommonMark pairs them."""
    opens = start == 0 or text[start - 1] == " "
    closes = end == len(text) or text[end] in _CLOSER_NEXT
    return opens and closes and body[0].isalnum() and body[-1].isalnum()
