"""A linear-time HTML tag scanner for fields from untrusted files, in place of `html.parser`.

Python's `HTMLParser` (3.11, and before the fixes of CVE-2025-6069) takes quadratic time on
unclosed tags (40,000 `<x ` in a 120 KB Anki field: 109 s) and raises `AssertionError` on
`<![`. Imported fields come from strangers, so importers subclass `TagScanner` instead: it
calls the same `handle_starttag`, `handle_startendtag`, `handle_endtag` and `handle_data`
methods (tag and attribute names lowercased, character references decoded), looks at every
character a bounded number of times, and raises on no input. Comments, declarations and
processing instructions are skipped; `<script>` and `<style>` content never reaches
`handle_data`. Unlike `HTMLParser`, a `>` inside a quoted attribute value ends the tag.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>\x00<]*)([^<>]*)>")
_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_RAW_END = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}


class TagScanner:
    """Feed it text once; it reports tags and text as `html.parser.HTMLParser` would."""

    def __init__(self) -> None:
        self._found: dict[str, tuple[int, int]] = {}

    # Subclasses override these.
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        pass

    def handle_data(self, data: str) -> None:
        pass

    def close(self) -> None:
        pass

    def _find(self, text: str, needle: str, start: int) -> int:
        """`text.find(needle, start)`, remembered, so repeated misses cost nothing."""
        since, at = self._found.get(needle, (len(text) + 1, -1))
        if since <= start and (at == -1 or at >= start):
            return at
        at = text.find(needle, start)
        self._found[needle] = (start, at)
        return at

    def _data(self, text: str) -> None:
        if text:
            self.handle_data(html.unescape(text))

    def feed(self, text: str) -> None:
        self._found = {}
        end, pos = len(text), 0
        while pos < end:
            lt = self._find(text, "<", pos)
            if lt < 0:
                self._data(text[pos:])
                return
            self._data(text[pos:lt])
            pos = self._markup(text, lt)

    def _markup(self, text: str, lt: int) -> int:
        """Handle what starts at `lt` (a '<'); return where scanning continues."""
        if text.startswith("<!--", lt):
            close = self._find(text, "-->", lt + 4)
            return len(text) if close < 0 else close + 3
        if text.startswith(("<!", "<?"), lt):
            close = self._find(text, ">", lt + 2)
            return len(text) if close < 0 else close + 1
        match = _TAG.match(text, lt)
        if match is None:
            self._data("<")
            return lt + 1
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            self.handle_endtag(name)
            return match.end()
        attrs = [(m.group(1).lower(), _value(m)) for m in _ATTR.finditer(rest)]
        if rest.rstrip().endswith("/"):
            self.handle_startendtag(name, attrs)
            return match.end()
        self.handle_starttag(name, attrs)
        raw_end = _RAW_END.get(name)
        if raw_end is None:
            return match.end()
        found = raw_end.search(text, match.end())
        if found is None:
            return len(text)
        self.handle_endtag(name)
        return found.end()


def _value(match: re.Match[str]) -> str | None:
    for group in (2, 3, 4):
        if match.group(group) is not None:
            return html.unescape(match.group(group))
    return None
