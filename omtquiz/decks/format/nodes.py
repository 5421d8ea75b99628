"""A small YAML composer over PyYAML's event stream that remembers where every node came from.

Why not `yaml.compose`: its node tree for a 100,000-card deck takes about 700 MB, and its
recursion and alias handling are not bounded. Here the caller takes one card at a time off the
stream, nesting depth and aliases are capped, and every node keeps its 1-based line and column.
Only PyYAML's safe event parser is used (the C one where present): no Python object tags.
"""

from __future__ import annotations

from collections.abc import Iterator

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
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_STR_TAG = "tag:yaml.org,2002:str"


class YamlProblem(Exception):
    """A problem that stops reading the file, with the 1-based place it was found."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


class Scalar:
    __slots__ = ("value", "line", "column", "plain")

    def __init__(self, value: str, line: int, column: int, plain: bool) -> None:
        self.value, self.line, self.column, self.plain = value, line, column, plain

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in _NULLS


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


def events(text: str) -> Iterator:
    return yaml.parse(text, Loader=_Loader)


class Composer:
    """Turns events into nodes; `problems` collects non-fatal ones such as duplicate keys."""

    def __init__(self, stream: Iterator) -> None:
        self._stream = stream
        self._anchors: dict[str, Node] = {}
        self._aliases = 0
        self.problems: list[tuple[int, int, str]] = []

    def next_event(self):
        return next(self._stream)

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
            return self._anchors[event.anchor]
        except KeyError:
            raise YamlProblem(line, column, f"alias *{event.anchor} has no anchor") from None

    def compose(self, first) -> Node:
        """The whole node that starts with `first`, consuming events up to its end."""
        if isinstance(first, AliasEvent):
            return self._alias(first)
        root = self._new(first)
        if isinstance(root, Scalar):
            return root
        stack: list[Node] = [root]
        pending: list[Scalar | None] = [None]
        while stack:
            event = self.next_event()
            if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                stack.pop()
                pending.pop()
                continue
            node = self._alias(event) if isinstance(event, AliasEvent) else self._new(event)
            parent = stack[-1]
            if isinstance(parent, Seq):
                parent.items.append(node)
            elif pending[-1] is None:
                pending[-1] = self._key(node, parent)
            else:
                self._put(parent, pending[-1], node)
                pending[-1] = None
            if not isinstance(node, Scalar) and not isinstance(event, AliasEvent):
                if len(stack) >= MAX_DEPTH:
                    line, column = _place(event)
                    raise YamlProblem(line, column, f"nesting deeper than {MAX_DEPTH} levels")
                stack.append(node)
                pending.append(None)
        return root

    def _key(self, node: Node, parent: Map) -> Scalar:
        if not isinstance(node, Scalar):
            self.problems.append((node.line, node.column, "a mapping key must be plain text"))
            return Scalar("\0complex", node.line, node.column, False)
        return node

    def _put(self, parent: Map, key: Scalar, value: Node) -> None:
        if key.value == "\0complex":
            return
        first = parent.keys.get(key.value)
        if first is not None:
            self.problems.append(
                (key.line, key.column,
                 f"duplicate key '{key.value}' (first given at line {first.line})")
            )
            return
        parent.keys[key.value] = key
        parent.values[key.value] = value


def expect(event, kind: type, what: str) -> None:
    if not isinstance(event, kind):
        line, column = _place(event)
        raise YamlProblem(line, column, what)


__all__ = [
    "Composer", "DocumentEndEvent", "DocumentStartEvent", "Map", "MappingEndEvent",
    "MappingStartEvent", "Node", "Scalar", "Seq", "SequenceEndEvent", "SequenceStartEvent",
    "StreamEndEvent", "YamlProblem", "events", "expect", "kind_of",
]
