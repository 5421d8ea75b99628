"""The card browser's rows and its query language, headless.

A query is terms separated by spaces, all of which must hold:

    tag:contraindication   the tag or a child of it (tag:anatomy takes anatomy::spine)
    deck:omt-techniques    a deck by id, title or full name, its sub-decks, and the decks whose
                           id continues it after a hyphen (omt-techniques-core, -more)
    is:due is:new is:learn is:review is:suspended is:buried is:leech is:flagged
    flag:1                 a flag colour, 0-7 (0: no flag)
    lymph                  free text, case-insensitive, in the question or the answer
    "lymphatic pump"       a phrase; quotes also work after a prefix: tag:"x"
    -term                  negation: -is:new, -tag:safety, -"rib raising"

Tag and deck values may use `*` as a wildcard. The index is built once from the library and the
store's records; a search over 100,000 items scans flat lists and takes milliseconds.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from fnmatch import fnmatchcase

from omtquiz.clock import day_bounds
from omtquiz.decks.model import CLOZE_RE, Card, CardType, Item, Library
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState, SchedulerSettings, Settings, State, retrievability

IS_VALUES = ("due", "new", "learn", "review", "suspended", "buried", "leech", "flagged")
_PREFIXES = ("tag", "deck", "is", "flag")
_NEW_CARD = CardState()
_TOKEN = re.compile(r'\s*(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S*))')
# Markdown and HTML worth stripping for a one-line view; text without them is used as it is.
_MARKUP = re.compile(r"[<>&*_`\[\]#!\\{]")
_TAG = re.compile(r"<[^>]*>")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(?<!\w)[*_]{1,3}|[*_]{1,3}(?!\w)|`+|^\s{0,3}#{1,6}\s|\\(?=\S)",
                       re.MULTILINE)


class QueryError(ValueError):
    """A query term the browser cannot understand, worded for the student who typed it."""


def quick_plain(text: str) -> str:
    """Card text as one line for a table cell: cloze answers shown, Markdown marks and HTML tags
    dropped. Cheaper than rendering, which matters at 100,000 rows; the preview renders."""
    if _MARKUP.search(text):
        if "{{" in text:
            text = CLOZE_RE.sub(lambda m: m.group(2), text)
        if "<" in text:
            text = _TAG.sub(" ", text)
        if "](" in text:
            text = _LINK.sub(r"\1", _IMAGE.sub("", text))
        text = _EMPHASIS.sub("", text)
        if "&" in text:
            text = html.unescape(text)
    return " ".join(text.split())


def item_question(card: Card, ord_: int) -> str:
    """The plain question of one item: the back of a reverse card's second item, the cloze
    text, the mcq question, otherwise the front."""
    if card.type == CardType.REVERSE and ord_ == 1:
        return quick_plain(card.back)
    return quick_plain(card.prompt_text)


def item_answer(card: Card, ord_: int) -> str:
    """The plain answer of one item; where sources differ, every source's version after it,
    so a search finds the card by any of them."""
    if card.type == CardType.REVERSE and ord_ == 1:
        return quick_plain(card.front)
    answer = quick_plain(card.answer_text)
    versions = "; ".join(f"{v.label}: {quick_plain(v.answer)}" for v in card.versions_of(ord_))
    return f"{answer} (sources differ: {versions})".lstrip() if versions else answer


def interval(card: CardState) -> timedelta | None:
    """The interval the scheduler gave at the last review; None for a card never reviewed."""
    if card.is_new or card.due is None or card.last_review is None:
        return None
    return card.due - card.last_review


_UNKNOWN = -1.0


@dataclass(slots=True)
class Row:
    """One item as the browser lists it; updated in place when an action changes the item.

    Retrievability is worked out when first read: a table shows a screenful of rows, and
    100,000 of them would cost a second for nothing.
    """

    item: Item
    deck: str  # the deck's full name
    type: str
    tags: tuple[str, ...]
    question: str
    answer: str
    path: str
    line: int
    card: CardState = _NEW_CARD
    suspended: bool = False
    buried: bool = False
    leech: bool = False
    flag: int = 0
    interval_days: float | None = None
    _at: datetime | None = None
    _settings: SchedulerSettings | None = None
    _chance: float = 0.0

    @property
    def state(self) -> State:
        return self.card.state

    @property
    def due(self) -> datetime | None:
        return None if self.card.is_new else self.card.due

    @property
    def lapses(self) -> int:
        return self.card.lapses

    @property
    def retrievability(self) -> float | None:
        """The chance of recall when the index was built; None for an item never reviewed."""
        if self.card.is_new:
            return None
        if self._chance == _UNKNOWN:
            self._chance = retrievability(self.card, self._at, self._settings)
        return self._chance

    def apply(self, record: ItemRecord, now: datetime, settings: SchedulerSettings) -> None:
        gap = interval(record.card)
        self.card = record.card
        self.interval_days = gap.total_seconds() / 86400 if gap is not None else None
        self.suspended = record.suspended
        self.buried = record.is_buried(now)
        self.leech = record.leech
        self.flag = record.flag
        self._at, self._settings, self._chance = now, settings, _UNKNOWN


@dataclass(frozen=True, slots=True)
class Term:
    kind: str  # "text", "tag", "deck", "is" or "flag"
    value: str
    negated: bool = False

    def __str__(self) -> str:
        value = f'"{self.value}"' if " " in self.value or not self.value else self.value
        prefix = "" if self.kind == "text" else f"{self.kind}:"
        return f"{'-' if self.negated else ''}{prefix}{value}"


def parse_query(query: str) -> list[Term]:
    """The query's terms; an unknown prefix (`http:`) is read as free text."""
    terms = []
    position = 0
    while position < len(query):
        match = _TOKEN.match(query, position)
        if match is None or match.end() == position:
            break
        position = match.end()
        negated, prefix, quoted, bare = match.groups()
        value = quoted if quoted is not None else (bare or "")
        if prefix and prefix.lower() not in _PREFIXES:
            value, prefix = f"{prefix}:{value}", None
        if not prefix and not value.strip():
            continue
        kind = prefix.lower() if prefix else "text"
        terms.append(Term(kind, value if kind == "text" else value.strip(), bool(negated)))
    for term in terms:
        _check(term)
    return terms


def _check(term: Term) -> None:
    if term.kind in ("tag", "deck") and not term.value:
        raise QueryError(f"'{term.kind}:' needs a name, as in {term.kind}:safety")
    if term.kind == "is" and term.value.lower() not in IS_VALUES:
        raise QueryError(f"'is:{term.value}' is not known; use one of "
                         + ", ".join(f"is:{v}" for v in IS_VALUES))
    if term.kind == "flag" and term.value not in tuple("01234567"):
        raise QueryError(f"'flag:{term.value}' is not a flag; use flag:0 to flag:7")


def tag_matches(tag: str, wanted: str) -> bool:
    """Case-insensitive; a tag also matches its children; `*` is a wildcard."""
    tag, wanted = tag.casefold(), wanted.casefold()
    if "*" in wanted:
        return fnmatchcase(tag, wanted) or fnmatchcase(tag, wanted + "::*")
    return tag == wanted or tag.startswith(wanted + "::")


def deck_matches(deck_id: str, names: Iterable[str], wanted: str) -> bool:
    wanted = wanted.casefold()
    candidates = [deck_id.casefold(), *(n.casefold() for n in names if n)]
    if "*" in wanted:
        return any(fnmatchcase(c, wanted) for c in candidates)
    return (any(c == wanted or c.startswith(wanted + "::") for c in candidates)
            or deck_id.casefold().startswith(wanted + "-"))


class CardIndex:
    """Every loaded item as a `Row`, and a search over them."""

    def __init__(self, rows: list[Row], day_end: datetime,
                 deck_names: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.rows = rows
        self.day_end = day_end
        self._deck_names = dict(deck_names or {})
        self._haystacks: list[str] | None = None
        self._tags: set[str] | None = None
        self._position = {row.item: n for n, row in enumerate(rows)}

    @classmethod
    def build(cls, library: Library, records: Mapping[Item, ItemRecord], now: datetime,
              settings: Settings) -> CardIndex:
        glob = settings.global_settings
        _, day_end = day_bounds(now, glob.day_start_hour, glob.tzinfo)
        rows = []
        names = {}
        for deck in library.decks:
            names[deck.id] = (deck.title, deck.full_name, deck.parent or "")
            deck_settings = settings.for_deck(deck.id)
            for card in deck.cards:
                for item in card.items():
                    row = Row(item, deck.full_name, card.type, card.tags,
                              item_question(card, item.ord), item_answer(card, item.ord),
                              deck.path, card.line)
                    record = records.get(item)
                    if record is not None:
                        row.apply(record, now, deck_settings)
                    rows.append(row)
        return cls(rows, day_end, names)

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, item: Item) -> Row | None:
        position = self._position.get(item)
        return self.rows[position] if position is not None else None

    def update(self, records: Iterable[ItemRecord], now: datetime, settings: Settings,
               ) -> list[Row]:
        """Take in changed records (after suspend, flag, ...); the rows that changed."""
        changed = []
        for record in records:
            row = self.row(record.item)
            if row is not None:
                row.apply(record, now, settings.for_deck(row.item.deck_id))
                changed.append(row)
        return changed

    def search(self, query: str) -> list[Row]:
        """The rows matching every term, in library order. Raises QueryError."""
        candidates: Iterable[int] = range(len(self.rows))
        for term in parse_query(query):
            test = self._test(term)
            candidates = [n for n in candidates if test(n)]
        return [self.rows[n] for n in candidates]

    def _hay(self) -> list[str]:
        if self._haystacks is None:
            self._haystacks = [f"{r.question}\n{r.answer}".casefold() for r in self.rows]
        return self._haystacks

    def _all_tags(self) -> set[str]:
        if self._tags is None:
            self._tags = {tag for row in self.rows for tag in row.tags}
        return self._tags

    def _test(self, term: Term) -> Callable[[int], bool]:
        """A test of a row number; each kind does its set-up once, not once per row."""
        rows, negated = self.rows, term.negated
        if term.kind == "text":
            hay, needle = self._hay(), term.value.casefold()
            return lambda n: (needle in hay[n]) != negated
        if term.kind == "tag":
            wanted = frozenset(t for t in self._all_tags() if tag_matches(t, term.value))
            return lambda n: (not wanted.isdisjoint(rows[n].tags)) != negated
        if term.kind == "deck":
            decks = frozenset(d for d, names in self._deck_names.items()
                              if deck_matches(d, names, term.value))
            return lambda n: (rows[n].item.deck_id in decks) != negated
        if term.kind == "flag":
            flag = int(term.value)
            return lambda n: (rows[n].flag == flag) != negated
        check = self._state_test(term.value.lower())
        return lambda n: check(rows[n]) != negated

    def _state_test(self, value: str) -> Callable[[Row], bool]:
        day_end = self.day_end
        return {
            "due": lambda r: (r.state is not State.NEW and not r.suspended and not r.buried
                              and r.due is not None and r.due < day_end),
            "new": lambda r: r.state is State.NEW,
            "learn": lambda r: r.state in (State.LEARNING, State.RELEARNING),
            "review": lambda r: r.state is State.REVIEW,
            "suspended": lambda r: r.suspended,
            "buried": lambda r: r.buried,
            "leech": lambda r: r.leech,
            "flagged": lambda r: r.flag != 0,
        }[value]
