"""Cloze deletions (`{{c1::answer}}`, `{{c2::answer::hint}}`) found in linear time.

The pattern that did this before, `\\{\\{c(\\d+)::(.*?)(?:::(.*?))?\\}\\}`, backtracks: each
`{{c1::` with no `}}` after it scans to the end of the text once per `::` it passes, so a field
of `{{c1::` repeated took cubic time (4.8 KB: 6 s, 9.6 KB: a minute). This scanner finds the
same deletions, `}}` and `::` each located once with `str.find`, and never looks at a character
more than a constant number of times.

`CLOZE` offers the three things callers used the regular expression for (`finditer`, `search`,
`sub`) with match objects that answer `group(0..3)`, `start()` and `end()` the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

# Anki makes at most 500 cards of a cloze note (c501 and above all land on card 500, and
# c65536 wraps round to card 1), so a deck may number its deletions 1 to 500.
MIN_NUMBER = 1
MAX_NUMBER = 500
_MAX_DIGITS = 9  # more digits than this is never a sane number; read it as too large


class ClozeMatch:
    """One deletion: group(1) its number as written, group(2) the answer, group(3) the hint."""

    __slots__ = ("string", "_start", "_end", "_groups")

    def __init__(self, string: str, start: int, end: int, number: str, body: str,
                 hint: str | None) -> None:
        self.string, self._start, self._end = string, start, end
        self._groups = (string[start:end], number, body, hint)

    def group(self, index: int = 0) -> str | None:
        return self._groups[index]

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    @property
    def number(self) -> int:
        """The deletion's number; too many digits reads as one past the largest allowed."""
        digits = self._groups[1]
        return int(digits) if len(digits) <= _MAX_DIGITS else 10 ** _MAX_DIGITS

    def __repr__(self) -> str:
        return f"<ClozeMatch {self._groups[0]!r}>"


def _digits_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return end


def _iter(text: str) -> Iterator[ClozeMatch]:
    position = 0
    close = -1  # the first "}}" at or after the current body start, found once and reused
    while True:
        start = text.find("{{c", position)
        if start < 0:
            return
        digits_end = _digits_end(text, start + 3)
        if digits_end == start + 3 or not text.startswith("::", digits_end):
            position = start + 1
            continue
        body_start = digits_end + 2
        if close < body_start:
            close = text.find("}}", body_start)
        if close < 0:
            return  # no "}}" anywhere after this: no later opening can close either
        separator = text.find("::", body_start, close)
        if separator < 0:
            body, hint = text[body_start:close], None
        else:
            body, hint = text[body_start:separator], text[separator + 2:close]
        yield ClozeMatch(text, start, close + 2, text[start + 3:digits_end], body, hint)
        position = close + 2


class ClozePattern:
    """The subset of `re.Pattern` the app uses, over cloze deletions."""

    def finditer(self, text: str) -> Iterator[ClozeMatch]:
        return _iter(text)

    def search(self, text: str) -> ClozeMatch | None:
        return next(_iter(text), None)

    def sub(self, replace: Callable[[ClozeMatch], str], text: str) -> str:
        parts, last = [], 0
        for match in _iter(text):
            parts.append(text[last:match.start()])
            parts.append(replace(match))
            last = match.end()
        if not parts:
            return text
        parts.append(text[last:])
        return "".join(parts)


CLOZE = ClozePattern()


def numbers(text: str) -> tuple[int, ...]:
    """The deletion numbers in a text, each once, in order; out-of-range ones left out."""
    found = {m.number for m in _iter(text)}
    return tuple(sorted(n for n in found if MIN_NUMBER <= n <= MAX_NUMBER))


def out_of_range(text: str) -> str | None:
    """The first deletion number outside 1..500, as written, or None."""
    for match in _iter(text):
        if not MIN_NUMBER <= match.number <= MAX_NUMBER:
            return match.group(1)
    return None
