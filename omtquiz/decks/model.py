"""The deck model: immutable values every other layer reads.

A *card* is what an author writes; an *item* is what a student is asked. A basic or mcq card is
one item, a reverse card two (ord 0 forwards, 1 backwards), a cloze card one per deletion
(ord n-1 for cN, as Anki numbers them), an occlusion card one per shape or group of shapes (in
the order they are first listed), a map (point) card two, and a drill (from a deck's `drills:`)
one per rule family it covers, so the scheduler schedules the skill and each review draws a
fresh case. Progress hangs on (deck id, card id, ord), never on text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from omtquiz.decks import cloze

# Not a regular expression any more (that one was cubic); the same finditer/search/sub.
CLOZE_RE = cloze.CLOZE

OCCLUSION_MODES = ("hide-all-guess-one", "hide-one-guess-one")
SHAPE_KINDS = ("rect", "ellipse", "polygon")


class TextEnum(str, Enum):
    """A `str` enum whose text is its value: what a deck file or the database holds."""

    def __str__(self) -> str:
        return self.value


class CardType(TextEnum):
    """The kinds of card; a value is what a deck file writes after `type:`.

    A `str` enum, so `card.type == CardType.CLOZE` holds for the plain text a `Card` keeps
    (plain, so the parse cache unpickles cards fast). What differs by type is in
    `CARD_TYPE_INFO`, one table, rather than in tests of the type spread over the code.
    """

    BASIC = "basic"
    REVERSE = "reverse"
    CLOZE = "cloze"
    MCQ = "mcq"
    OCCLUSION = "occlusion"
    POINT = "point"


@dataclass(frozen=True)
class CardTypeInfo:
    """What one card type needs and offers: its fields, prompt, answer and items per card."""

    required: tuple[str, ...]  # the fields a card of the type must have
    optional: tuple[str, ...]  # the other fields it may have
    prompt: str  # the field an author recognises the card by
    answer: str  # the field that answers it
    sides: int | None  # items per card; None: one per cloze deletion or occlusion region


CARD_TYPE_INFO: dict[str, CardTypeInfo] = {
    # A basic card's `distractors` are its wrong choices when a quiz asks it as multiple choice.
    CardType.BASIC: CardTypeInfo(("front", "back"), ("distractors",), "front", "back", 1),
    CardType.REVERSE: CardTypeInfo(("front", "back"), (), "front", "back", 2),
    CardType.CLOZE: CardTypeInfo(("text",), ("extra",), "text", "extra", None),
    CardType.MCQ: CardTypeInfo(("question", "answer"), ("distractors",), "question", "answer",
                               1),
    # image: and shapes: are required too, read by format/occlusion.py (shapes are not text)
    CardType.OCCLUSION: CardTypeInfo((), ("front", "extra", "mode", "shapes"), "front", "extra",
                                     None),
    # "Point to it" on a map: image:, spot: and label: required, read by format/points.py.
    # Item 0 shows a marker and asks its name; item 1 names it and asks for a click; item 2,
    # where the card has a follow-up, shows the marker and asks the follow-up (multiple choice).
    CardType.POINT: CardTypeInfo((), ("front", "question", "extra", "label", "spot", "sides",
                                      "ask", "follow_up", "follow_answer", "distractors", "cue",
                                      "axis"),
                                 "front", "answer", 2),
}
CARD_TYPES = tuple(kind.value for kind in CardType)
FOLLOW_UP = 2  # the item of a point card that asks its follow-up question


class Severity(TextEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a deck file, at file:line:col."""

    file: str
    line: int
    column: int
    severity: Severity
    message: str
    card_id: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "message": self.message,
            "card_id": self.card_id,
        }

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True, slots=True)
class Source:
    """A deck's `sources:` entry, cited by cards through its id."""

    id: str
    citation: str
    url: str | None = None
    line: int = 0
    name: str | None = None  # a short name shown beside its version of a fact ("StatPearls")

    @property
    def label(self) -> str:
        return self.name or self.id


class Version(NamedTuple):
    """One source's version of an answer where sources disagree (`versions:` in a deck).

    `ord` is the item it answers (0, or a cloze deletion's cN - 1); `label` is the source's
    short name, kept here so a card renders its versions without its deck.
    """

    ord: int
    source: str
    label: str
    answer: str


@dataclass(frozen=True, slots=True)
class Shape:
    """One region of an occlusion card's image, in image-relative coordinates (0 to 1).

    `coords`: rect (left, top, width, height); ellipse (centre x, centre y, radius x, radius y);
    polygon (x1, y1, x2, y2, ...). Shapes with the same `group` are asked and revealed together.
    """

    kind: str
    coords: tuple[float, ...]
    label: str
    group: str | None = None

    def bounds(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom)."""
        c = self.coords
        if self.kind == "rect":
            return c[0], c[1], c[0] + c[2], c[1] + c[3]
        if self.kind == "ellipse":
            return c[0] - c[2], c[1] - c[3], c[0] + c[2], c[1] + c[3]
        xs, ys = c[0::2], c[1::2]
        return min(xs), min(ys), max(xs), max(ys)

    def points(self) -> tuple[tuple[float, float], ...]:
        return tuple(zip(self.coords[0::2], self.coords[1::2], strict=True))


class PackedPoints(Sequence):
    """A counterstrain drill's tender points as the parse cache keeps them: pickled, and
    unpickled on first use. Unpickling a `TenderPoint` imports the drill engine (its classes
    live there), which a start that shows no drill card should not pay for (~5 ms)."""

    __slots__ = ("_packed", "_points")

    def __init__(self, packed: bytes) -> None:
        self._packed = packed
        self._points: tuple | None = None

    def _unpacked(self) -> tuple:
        if self._points is None:
            import pickle

            self._points = tuple(pickle.loads(self._packed))
        return self._points

    def __getitem__(self, index):
        return self._unpacked()[index]

    def __len__(self) -> int:
        return len(self._unpacked())

    def __eq__(self, other) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, Sequence) else other)

    def __hash__(self) -> int:
        return hash(self._unpacked())

    def __reduce__(self):
        return PackedPoints, (self._packed,)


def _drill_spec(region: str, families: tuple[str, ...], levels: str | None, direction: str,
                count: int, packed: bytes | None) -> DrillSpec:
    """A DrillSpec from the parse cache (see `DrillSpec.__reduce__`)."""
    points = PackedPoints(packed) if packed is not None else ()
    return DrillSpec(region, families, levels, direction, count, points)


@dataclass(frozen=True, slots=True)
class DrillSpec:
    """A `drills:` entry: which region, which rule families (one item each), which direction."""

    region: str
    families: tuple[str, ...]
    levels: str | None = None
    direction: str = "findings_to_name"
    count: int = 20  # cases in an Anki export
    # counterstrain only: the deck's tender point records, read by omtquiz.drills.counterstrain
    # (a PackedPoints once read from the parse cache: a sequence all the same)
    points: Sequence = ()

    def __reduce__(self):
        """Pickled with its points packed, so the parse cache loads without the drill engine."""
        if isinstance(self.points, PackedPoints):
            packed = self.points._packed
        elif self.points:
            import pickle

            packed = pickle.dumps(tuple(self.points), protocol=pickle.HIGHEST_PROTOCOL)
        else:
            packed = None
        return _drill_spec, (self.region, self.families, self.levels, self.direction,
                             self.count, packed)


class Card(NamedTuple):
    """One card as its author wrote it.

    A named tuple rather than a dataclass: the parse cache unpickles ten thousand of these
    in about a quarter of the time.
    """

    deck_id: str
    id: str
    type: str  # a CardType's value
    front: str = ""
    back: str = ""
    text: str = ""
    extra: str = ""
    question: str = ""
    answer: str = ""
    distractors: tuple[str, ...] = ()
    explanation: str = ""
    tags: tuple[str, ...] = ()
    source: str | None = None
    image: str | None = None  # absolute path, checked to exist when loaded
    line: int = 0
    # Other answers a typed quiz takes as right, as (ord, text): ord 0 for a basic, reverse
    # (its back) or mcq card, the deletion's ord (cN - 1) for a cloze.
    accept: tuple[tuple[int, str], ...] = ()
    # Each source's answer where sources disagree; the card's own answer is one of them (the
    # deck's preferred source's, or else its own source's, or else the first given).
    versions: tuple[Version, ...] = ()
    record: str | None = None  # the record a generated card was made from
    shapes: tuple[Shape, ...] = ()  # occlusion: the regions asked
    mode: str = "hide-all-guess-one"  # occlusion: one of OCCLUSION_MODES
    # point: the right spot on the map (x, y as fractions of its width and height, and the
    # radius that counts as on the spot, as a fraction of its width); the label is `answer`
    spot: tuple[float, ...] = ()
    both_sides: bool = False  # point: the spot's mirror image (across `axis`) is as right
    axis: float = 0.5  # point: the x a both-sides spot mirrors across (0.25, 0.75: two views)
    cue: tuple[float, ...] = ()  # point: a given spot marked in every item ("its partner?")
    ask: str = "both"  # point: "both", "name" (only what is marked) or "click" (only where)
    # point: a question asked of the marked spot once its place is known (item 2), e.g. "what
    # position treats it?", answered by `follow_answer` among `distractors`
    follow_up: str = ""
    follow_answer: str = ""
    drill: DrillSpec | None = None  # type "drill" only

    def versions_of(self, ord_: int) -> tuple[Version, ...]:
        """The sourced versions of item `ord_`'s answer; a reverse card's front has none."""
        if self.type == "reverse" and ord_ == 1:
            return ()
        return tuple(v for v in self.versions if v.ord == ord_)

    @property
    def origin(self) -> str:
        """What a quiz counts as one fact: the record a generated card came from, else the card."""
        kind, name = ("record", self.record) if self.record else ("card", self.id)
        return f"{self.deck_id}/{kind}:{name}"

    def occlusion_groups(self) -> tuple[tuple[int, ...], ...]:
        """Indexes into `shapes`, one tuple per item: a group's shapes, or a lone shape."""
        order: dict[object, list[int]] = {}
        for index, shape in enumerate(self.shapes):
            order.setdefault(shape.group if shape.group else ("#", index), []).append(index)
        return tuple(tuple(indexes) for indexes in order.values())

    def spots(self) -> tuple[tuple[float, ...], ...]:
        """A point card's right spot, and its mirror image when either side is right."""
        if not self.spot:
            return ()
        if self.both_sides and abs(self.spot[0] - self.axis) > self.spot[2]:
            return (self.spot, (2 * self.axis - self.spot[0], *self.spot[1:]))
        return (self.spot,)

    def occlusion_label(self, ord_: int) -> str:
        """What item `ord_` of an occlusion card asks for: its shapes' labels, once each."""
        groups = self.occlusion_groups()
        if not 0 <= ord_ < len(groups):
            return ""
        return ", ".join(dict.fromkeys(self.shapes[i].label for i in groups[ord_]))

    def cloze_numbers(self) -> tuple[int, ...]:
        """Deletion numbers in Anki's range (1-500); the loader refuses cards with others."""
        return cloze.numbers(self.text)

    @property
    def info(self) -> CardTypeInfo:
        """What this card's type means (a type the table lacks reads as basic)."""
        return CARD_TYPE_INFO.get(self.type) or CARD_TYPE_INFO[CardType.BASIC]

    def ords(self) -> tuple[int, ...]:
        if self.drill is not None:  # one item per rule family
            return tuple(range(len(self.drill.families)))
        sides = self.info.sides
        if self.type == CardType.OCCLUSION:
            return tuple(range(len(self.occlusion_groups())))
        if self.type == CardType.POINT:
            asked = {"name": (0,), "click": (1,)}.get(self.ask, (0, 1))
            return asked + (FOLLOW_UP,) if self.follow_up and self.follow_answer else asked
        if sides is None:
            return tuple(n - 1 for n in self.cloze_numbers())
        return tuple(range(sides))

    def items(self) -> tuple[Item, ...]:
        return tuple(Item(self.deck_id, self.id, ord_) for ord_ in self.ords())

    @property
    def prompt_text(self) -> str:
        """The plain question an author would recognise this card by."""
        return getattr(self, self.info.prompt)

    @property
    def answer_text(self) -> str:
        if self.type == CardType.OCCLUSION:
            return "; ".join(self.occlusion_label(o) for o in self.ords())
        return getattr(self, self.info.answer)


class Item(NamedTuple):
    """One thing a student is asked: a card, or one side or deletion of it.

    The one key for an item everywhere: a named tuple, so the study queue's plain
    `(deck_id, card_id, ord)` tuples (read from SQLite by the hundred thousand) are equal to,
    hash like and sort like the Items they stand for. `key` is its text form, for JSON.
    """

    deck_id: str
    card_id: str
    ord: int = 0

    @property
    def key(self) -> str:
        return f"{self.deck_id}/{self.card_id}/{self.ord}"


@dataclass(frozen=True, slots=True)
class Deck:
    """One deck: its cards in file order, its sources, and where it sits in the tree."""

    id: str
    title: str
    path: str
    cards: tuple[Card, ...] = ()
    sources: tuple[Source, ...] = ()
    parent: str | None = None
    description: str = ""
    tags: tuple[str, ...] = ()
    line: int = 1
    _by_id: dict[str, Card] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update((card.id, card) for card in self.cards)

    @property
    def full_name(self) -> str:
        """Anki-style hierarchical name: parents joined with '::'."""
        return f"{self.parent}::{self.title}" if self.parent else self.title

    def card(self, card_id: str) -> Card | None:
        return self._by_id.get(card_id)

    def source(self, source_id: str | None) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def items(self) -> list[Item]:
        return [item for card in self.cards for item in card.items()]


def notes_and_cards(cards: Iterable[Card]) -> str:
    """'490 notes, 595 cards': a deck file's entries are notes in Anki's terms, and each gives
    one card per item (a reverse card two, a cloze one per deletion)."""
    cards = list(cards)
    notes, items = len(cards), sum(len(card.ords()) for card in cards)
    return (f"{notes} note{'' if notes == 1 else 's'}, "
            f"{items} card{'' if items == 1 else 's'}")


@dataclass(frozen=True)
class DeckFile:
    """What loading one file gave: a deck (possibly missing its bad cards) and every problem."""

    path: str
    deck: Deck | None
    diagnostics: tuple[Diagnostic, ...] = ()
    files: tuple[str, ...] = ()  # resolved paths of the pictures it shows, checked when read

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Library:
    """Every deck file found, in a stable order, with its diagnostics."""

    files: tuple[DeckFile, ...]

    @property
    def decks(self) -> list[Deck]:
        return [f.deck for f in self.files if f.deck is not None]

    def deck(self, deck_id: str) -> Deck | None:
        return next((d for d in self.decks if d.id == deck_id), None)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for f in self.files for d in f.diagnostics]

    def card(self, item: Item) -> Card | None:
        deck = self.deck(item.deck_id)
        return deck.card(item.card_id) if deck else None
