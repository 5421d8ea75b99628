"""A small YAML composer over PyYAML's event stream that remembers where every node came from.

Why not `yaml.compose`: its node tree for a 100,000-card deck takes about 700 MB, and its
recursion and alias handling are not bounded. Here the caller takes one card at a time off the
stream, nesting depth and aliases are capped, and every node keeps its 1-based line and column.
Only PyYAML's safe event parser is used (the C one where present): no Python object tags.

Aliases are counted twice over: by number, and by the text each one brings (an alias to a
1 MB scalar brings 1 MB however short it looks), against a `Budget` the loader shares with the
cards that `records:` and `generate:` make, so no deck expands beyond what a file of the largest
size read could hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_DEPTH = 64
MAX_ALIASES = 10_000
MAX_PROBLEMS = 200  # as many as the loader reports of a file
MAX_EXPANDED_CHARS = 64 * 2**20  # the file's own text, plus what aliases and rules add to it
# A field longer than this is not a flash card; the cap also bounds the work every later step
# (Markdown, sanitising, cloze scanning, lint) does per field.
MAX_FIELD_CHARS = 100_000
# Tags per list (a deck's, a card's, a record's, a rule's): every card holds its deck's tags
# and its own, so 10,000 deck tags on 100,000 cards would be a billion references.
MAX_TAGS = 50
NULLS = frozenset({"", "~", "null", "Null", "NULL"})  # a plain scalar read as nothing
_STR_TAG = "tag:yaml.org,2002:str"
_COMPLEX = "\0complex"  # the name a key that is not text is kept under (reported, then dropped)
_tuple_new = tuple.__new__


class YamlProblem(Exception):
    """A problem that stops reading the file, with the 1-based place it was found."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


class Budget:
    """Characters a deck may hold once expanded; spending past the limit stops the file."""

    __slots__ = ("used", "limit")

    def __init__(self, used: int = 0, limit: int = MAX_EXPANDED_CHARS) -> None:
        self.used, self.limit = used, limit

    def spend(self, chars: int, line: int, column: int, what: str) -> None:
        self.used += chars
        if self.used > self.limit:
            raise YamlProblem(line, column, f"{what} expand this deck past "
                              f"{self.limit // 2**20} Mi characters of text: refusing to read "
                              "it (aliases count the text they bring, generated cards the "
                              "text they hold)")


def size_of(node: Node, memo: dict[int, int]) -> int:
    """Characters of text in a node, each shared (aliased) part counted every time it appears."""
    known = memo.get(id(node))
    if known is not None:
        return known
    memo[id(node)] = 0  # a node that holds itself adds nothing more
    if isinstance(node, Scalar):
        total = len(node.value) + 1
    elif isinstance(node, Seq):
        total = 1 + sum(size_of(item, memo) for item in node.items)
    else:
        total = 1 + sum(len(key) + size_of(value, memo) for key, value in node.values.items())
    memo[id(node)] = total
    return total


class Scalar(NamedTuple):
    """A text node. A named tuple so the composer makes the many of them in C
    (`_tuple_new(Scalar, (...))`), without a Python `__init__` call each."""

    value: str
    line: int
    column: int
    plain: bool

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in NULLS


class Seq:
    __slots__ = ("items", "line", "column")

    def __init__(self, line: int, column: int) -> None:
        self.items: list[Node] = []
        self.line, self.column = line, column


class Map:
    """A mapping with text keys; `keys` keeps each key's own node for its position."""

    __slots__ = ("values", "keys", "line", "column")

    def __init__(self, line: int, column: int) -> None:
        self.values: dict[str, Node] = {}
        self.keys: dict[str, Scalar] = {}
        self.line, self.column = line, column

    def get(self, key: str) -> Node | None:
        return self.values.get(key)


Node = Scalar | Seq | Map


def kind_of(node: Node) -> str:
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    return "nothing" if node.is_null else "text"


def _place(event) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def events(data: bytes | str) -> Iterator:
    """The event stream of a document; give it bytes (UTF-8): given text, libyaml's parser
    would first make a UTF-8 copy of the whole of it.

    The parser's own `get_event` called until it answers None, with no generator between
    (what `yaml.parse` adds costs a third of the stream's time)."""
    return iter(_Loader(data).get_event, None)


class Composer:
    """Turns events into nodes; `problems` collects non-fatal ones such as duplicate keys."""

    def __init__(self, stream: Iterator, budget: Budget | None = None) -> None:
        self._stream = stream
        self._anchors: dict[str, Node] = {}
        self._aliases = 0
        self._sizes: dict[int, int] = {}
        self.budget = budget or Budget()
        self.problems: list[tuple[int, int, str]] = []  # at most MAX_PROBLEMS, then it stops

    def next_event(self):
        return next(self._stream)  # StopIteration past the end, as with any event stream

    def _check_tag(self, event) -> None:
        tag = getattr(event, "tag", None)
        if tag is None or tag in ("!", _STR_TAG):
            return
        if isinstance(event, ScalarEvent) and event.implicit[0]:
            return
        if isinstance(event, CollectionStartEvent) and event.implicit:
            return
        line, column = _place(event)
        raise YamlProblem(line, column, f"YAML tags such as {tag!r} are not allowed in a deck")

    def _new(self, event) -> Node:
        self._check_tag(event)
        line, column = _place(event)
        if isinstance(event, ScalarEvent):
            # A plain scalar's style is None from the pure-Python parser and "" from libyaml.
            node: Node = Scalar(event.value, line, column, not event.style)
        elif isinstance(event, MappingStartEvent):
            node = Map(line, column)
        elif isinstance(event, SequenceStartEvent):
            node = Seq(line, column)
        else:
            raise YamlProblem(line, column, f"unexpected {type(event).__name__}")
        if event.anchor is not None:
            self._anchors[event.anchor] = node
        return node

    def _alias(self, event) -> Node:
        self._aliases += 1
        line, column = _place(event)
        if self._aliases > MAX_ALIASES:
            raise YamlProblem(line, column, f"more than {MAX_ALIASES} aliases: refusing to expand")
        try:
            node = self._anchors[event.anchor]
        except KeyError:
            raise YamlProblem(line, column, f"alias *{event.anchor} has no anchor") from None
        self.budget.spend(size_of(node, self._sizes), line, column, "aliases")
        return node

    def compose(self, first) -> Node:
        """The whole node that starts with `first`, consuming events up to its end.

        The loop keeps the open collection's parts in locals (its items, or its keys and
        values and the key waiting for its value) and makes the common event, a scalar with
        no tag and no anchor, in place: most of a deck's events."""
        if type(first) is MappingStartEvent and first.anchor is None and first.tag is None:
            mark = first.start_mark  # a card: a mapping with no tag and no anchor
            root: Node = Map(mark.line + 1, mark.column + 1)
        elif isinstance(first, AliasEvent):
            return self._alias(first)
        else:
            root = self._new(first)
            if type(root) is Scalar:
                return root
        saved: list[tuple] = []  # the enclosing collections' (node, pending key)
        parent: Node = root
        items = root.items if type(root) is Seq else None
        values = keys = None if items is not None else (root.values, root.keys)
        if values is not None:
            values, keys = values
        key: Scalar | None = None
        for event in self._stream:
            kind = type(event)
            if kind is ScalarEvent and event.anchor is None and (
                    event.tag is None or event.implicit[0]):
                mark = event.start_mark
                node = _tuple_new(Scalar, (event.value, mark.line + 1, mark.column + 1,
                                           not event.style))
                if items is not None:
                    items.append(node)
                elif key is None:
                    key = node
                else:
                    name = key[0]
                    if name in keys:
                        self._duplicate(key, keys)
                    elif name != _COMPLEX:
                        keys[name] = key
                        values[name] = node
                    key = None
                continue
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                if not saved:
                    return root
                parent, key = saved.pop()
                if type(parent) is Seq:
                    items, values, keys = parent.items, None, None
                else:
                    items, values, keys = None, parent.values, parent.keys
                continue
            node = self._alias(event) if kind is AliasEvent else self._new(event)
            if items is not None:
                items.append(node)
            elif key is None:
                key = self._key(node, parent)
            else:
                self._put(parent, key, node)
                key = None
            if type(node) is not Scalar and kind is not AliasEvent:
                if len(saved) + 1 >= MAX_DEPTH:
                    line, column = _place(event)
                    raise YamlProblem(line, column, f"nesting deeper than {MAX_DEPTH} levels")
                saved.append((parent, key))
                parent, key = node, None
                if type(node) is Seq:
                    items, values, keys = node.items, None, None
                else:
                    items, values, keys = None, node.values, node.keys
        raise YamlProblem(1, 1, "the YAML stream ended inside a collection")

    def _problem(self, line: int, column: int, message: str) -> None:
        """Note a problem; past MAX_PROBLEMS stop reading (a file of a million duplicate keys
        took 20 s and 460 MB per 14 MB before it was ever reported)."""
        if len(self.problems) >= MAX_PROBLEMS:
            raise YamlProblem(line, column, f"more than {MAX_PROBLEMS} problems; stopping here")
        self.problems.append((line, column, message))

    def _key(self, node: Node, parent: Map) -> Scalar:
        if not isinstance(node, Scalar):
            self._problem(node.line, node.column, "a mapping key must be plain text")
            return Scalar(_COMPLEX, node.line, node.column, False)
        return node

    def _put(self, parent: Map, key: Scalar, value: Node) -> None:
        name = key.value
        keys = parent.keys
        if name in keys:
            self._duplicate(key, keys)
        elif name != _COMPLEX:
            keys[name] = key
            parent.values[name] = value

    def _duplicate(self, key: Scalar, keys: dict[str, Scalar]) -> None:
        self._problem(key.line, key.column,
                      f"duplicate key '{key.value}' (first given at line {keys[key.value].line})")


def expect(event, kind: type, what: str) -> None:
    if not isinstance(event, kind):
        line, column = _place(event)
        raise YamlProblem(line, column, what)


__all__ = [
    "Budget", "Composer", "DocumentEndEvent", "DocumentStartEvent", "Map", "MappingEndEvent",
    "MappingStartEvent", "Node", "Scalar", "Seq", "SequenceEndEvent", "SequenceStartEvent",
    "StreamEndEvent", "YamlProblem", "events", "expect", "kind_of",
]
