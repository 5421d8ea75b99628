"""Decks to an Anki package (.apkg) that imports cleanly and re-imports as updates.

Anki matches an incoming note to one it already has by GUID, and takes the new text only when
the note's mtime is newer and its note type still has the same fields and templates. So the
note type ids and names below are fixed forever, GUIDs come from deck id + card id (never from
the text, which is genanki's default and duplicates every edited note), and every note carries
the export time as its mtime. genanki writes the collection, the decks and the note types; the
notes and their new cards are written here, row for row what genanki's `Note.write_to_db`
writes (a test compares the two), but in bulk: one `executemany` per table instead of an
`execute` per note and per card. With progress, the package's own SQLite is then rewritten
(`anki_progress`) so each studied card arrives with its schedule and review history. This is
the only module that imports genanki.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
import random
import re
import secrets
import sqlite3
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote

import genanki
from genanki.apkg_schema import APKG_SCHEMA

from omtquiz.decks import cloze, resolver
from omtquiz.decks.model import Card, CardType, Deck, DeckFile, Item, Library, Shape
from omtquiz.decks.render import (
    all_versions_html,
    drill_case,
    markdown,
    plain,
    render_drill,
    sanitize,
)
from omtquiz.gcpause import gc_paused
from omtquiz.interop.anki_progress import (
    AnkiCalendar,
    ProgressWriter,
    stamp_collection,
    to_utc,
)

if TYPE_CHECKING:  # the quiz and the drills are imported where a card needs them
    from omtquiz.study.quiz import QuestionMaker

# --- Identity: fixed forever ---------------------------------------------------------------
# Anki links imported notes to their note type by these ids and compares field and template
# names (in order) to decide whether an update fits the note type it already has. Never change
# an id, never rename, reorder or remove a field or template. Even appending one changes the
# schema, which Anki then only accepts when the user ticks "Merge note types" on import.
BASIC_MODEL_ID = 1113259367


REVERSE_MODEL_ID = 1923490589


CLOZE_MODEL_ID = 1448783202


MCQ_MODEL_ID = 2137949271
OCCLUSION_MODEL_ID = 1720448193


MODEL_IDS = {CardType.BASIC: BASIC_MODEL_ID, CardType.REVERSE: REVERSE_MODEL_ID,
             CardType.CLOZE: CLOZE_MODEL_ID, CardType.MCQ: MCQ_MODEL_ID,
             CardType.OCCLUSION: OCCLUSION_MODEL_ID}


NOTE_TYPE_NAMES = {
    CardType.BASIC: "omtquiz Basic",
    CardType.REVERSE: "omtquiz Basic (and reversed card)",
    CardType.CLOZE: "omtquiz Cloze",
    CardType.MCQ: "omtquiz Multiple choice",
    CardType.OCCLUSION: "omtquiz Image Occlusion",
}


FRONT_BACK_FIELDS = ("Front", "Back", "Explanation", "Image", "Source")


CLOZE_FIELDS = ("Text", "Extra", "Explanation", "Image", "Source")


MCQ_FIELDS = ("Question", "Choices", "Answer", "Explanation", "Image", "Source")


FORWARD_TEMPLATE = "Card 1"


REVERSE_TEMPLATE = "Card 2"


CLOZE_TEMPLATE = "Cloze"


MCQ_TEMPLATE = "Multiple choice"
# Anki's own Image Occlusion note type: its five fields in its order, each with the tag Anki's
# image occlusion editor finds it by, and the stock kind that makes Anki treat it as one.
OCCLUSION_FIELDS = ("Occlusion", "Image", "Header", "Back Extra", "Comments")
OCCLUSION_TEMPLATE = "Image Occlusion"
IMAGE_OCCLUSION_STOCK_KIND = 6
MEDIA_PREFIX = "omtquiz-"


_IMG_RE = re.compile(r"<img\b[^>]*>")


_SRC_RE = re.compile(r'\ssrc="([^"]*)"')


_TAG_BAD = re.compile(r'[\s"\x00-\x1f\x7f]+')


# Anki puts `card` (and in night mode `nightMode` and `night_mode`: desktop and AnkiMobile use
# the first, AnkiDroid the second) on the <body>, so `.card` is the page: it keeps Anki's own
# body margin, and the content sits in `.omt`, at most 40em wide. Long words and links wrap
# anywhere, so nothing scrolls sideways on a phone. Night colours keep text and links at 4.5:1
# or better on the night background (tested numerically from this sheet).
_CSS = """\
.card { font-family: -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 20px;
  line-height: 1.45; text-align: left; color: #111; background-color: white;
  overflow-wrap: anywhere; word-break: normal; }
.card.nightMode, .card.night_mode { color: #eee; background-color: #222; }
.omt { max-width: 40em; margin: 0 auto; padding: 0.25em 0.5em; }
.omt img { max-width: 100%; height: auto; }
.omt pre { white-space: pre-wrap; }
.omt table { display: block; max-width: 100%; overflow-x: auto; }
.omt a { color: #0645ad; }
.nightMode .omt a, .night_mode .omt a { color: #8cb4ff; }
.cloze { font-weight: bold; color: #1a5fb4; }
.nightMode .cloze, .night_mode .cloze { color: #8cb4ff; }
.choices ol { list-style-type: upper-alpha; padding-left: 1.6em; }
.choices li { margin: 0.2em 0; }
.back .choices li.key { font-weight: bold; color: #1b7a34; }
.back .choices li.key::after { content: " \\2713"; }
.nightMode .back .choices li.key, .night_mode .back .choices li.key { color: #7fd492; }
.answer .letter { font-weight: bold; }
.extra { margin-top: 0.75em; padding-top: 0.4em; border-top: 1px dashed #999;
  font-size: 0.9em; color: #444; }
.nightMode .extra, .night_mode .extra { color: #ccc; border-top-color: #777; }
.explanation { margin-top: 1em; padding: 0.4em 0.75em; border-left: 4px solid #8a9bb5;
  background-color: #f1f4f8; font-size: 0.9em; color: #222; }
.nightMode .explanation, .night_mode .explanation { color: #ddd; background-color: #2e333b;
  border-left-color: #6d7f99; }
.label { font-size: 0.8em; font-variant: small-caps; letter-spacing: 0.04em; color: #555; }
.nightMode .label, .night_mode .label { color: #b5b5b5; }
.source { margin-top: 1.5em; font-size: 0.75em; color: #595959; }
.nightMode .source, .night_mode .source { color: #b5b5b5; }
#image-occlusion-container { position: relative; display: inline-block; max-width: 100%; }
#image-occlusion-container img { max-width: 100%; height: auto; }
#image-occlusion-canvas { position: absolute; top: 0; left: 0; }
.io-labels .cloze-inactive { display: none; }
.io-labels .cloze { font-size: 1.2em; }
"""


# Shuffles the choices each time the front is shown, where the card can run scripts; the back
# shows the same order (kept in sessionStorage, or the page itself on Anki desktop) and moves
# the answer's letter to match. With scripts off the plain order and its letter stand. Fixed
# text: nothing from a deck is ever put into it, and it loads nothing.
_SHUFFLE = """<script>
(function () {
  function go() {
    var ol = document.querySelector('.choices ol');
    if (!ol) return;
    var items = Array.prototype.slice.call(ol.children);
    var sig = items.map(function (li) { return li.textContent; }).join('\\u001f');
    var saved = window.omtquizOrder || null, order, i, j, t;
    try { saved = JSON.parse(sessionStorage.getItem('omtquizOrder')) || saved; } catch (e) {}
    if (document.querySelector('.back')) {
      if (!saved || saved.sig !== sig || saved.order.length !== items.length) return;
      order = saved.order;
    } else {
      order = items.map(function (li, k) { return k; });
      for (i = order.length - 1; i > 0; i--) {
        j = Math.floor(Math.random() * (i + 1)); t = order[i]; order[i] = order[j]; order[j] = t;
      }
      window.omtquizOrder = {sig: sig, order: order};
      try { sessionStorage.setItem('omtquizOrder', JSON.stringify(window.omtquizOrder)); }
      catch (e) {}
    }
    order.forEach(function (k) { ol.appendChild(items[k]); });
    var key = ol.querySelector('li.key'), letter = document.querySelector('.answer .letter');
    if (key && letter) {
      letter.textContent = String.fromCharCode(65 + order.indexOf(items.indexOf(key))) + '.';
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', go);
  else go();
})();
</script>"""


_IMAGE = '{{#Image}}<div class="image">{{Image}}</div>{{/Image}}'


_BACK_NOTES = (
    '{{#Explanation}}<div class="explanation"><div class="label">Explanation</div>'
    '{{Explanation}}</div>{{/Explanation}}'
    '{{#Source}}<div class="source">Source: {{Source}}</div>{{/Source}}'
)


def _front_back(prompt: str, answer: str) -> dict[str, str]:
    return _sides(f'<div class="prompt">{{{{{prompt}}}}}</div>{_IMAGE}',
                  f'<div class="answer">{{{{{answer}}}}}</div>{_BACK_NOTES}')


def _sides(front: str, back: str) -> dict[str, str]:
    """A card's two templates: the back repeats the front (marked `.back`), then the answer."""
    return {"qfmt": f'<div class="omt">{front}</div>',
            "afmt": f'<div class="back">{{{{FrontSide}}}}</div>'
                    f'<div class="omt"><hr id="answer">{back}</div>'}


def _note_types() -> dict[str, genanki.Model]:
    """Fresh note types for one export (genanki fills in their templates as it writes)."""

    def fields(names: Sequence[str]) -> list[dict[str, str]]:
        return [{"name": name} for name in names]

    cloze_q = f'<div class="prompt">{{{{cloze:Text}}}}</div>{_IMAGE}'
    cloze = _sides(cloze_q, '{{#Extra}}<div class="extra">{{Extra}}</div>{{/Extra}}' + _BACK_NOTES)
    mcq = _sides(f'<div class="prompt">{{{{Question}}}}</div>{_IMAGE}'
                 f'<div class="choices">{{{{Choices}}}}</div>{_SHUFFLE}',
                 '<div class="answer">{{Answer}}</div>' + _BACK_NOTES)
    return {
        CardType.BASIC: genanki.Model(
            MODEL_IDS[CardType.BASIC], NOTE_TYPE_NAMES[CardType.BASIC],
            fields=fields(FRONT_BACK_FIELDS),
            templates=[{"name": FORWARD_TEMPLATE, **_front_back("Front", "Back")}], css=_CSS),
        CardType.REVERSE: genanki.Model(
            MODEL_IDS[CardType.REVERSE], NOTE_TYPE_NAMES[CardType.REVERSE],
            fields=fields(FRONT_BACK_FIELDS),
            templates=[{"name": FORWARD_TEMPLATE, **_front_back("Front", "Back")},
                       {"name": REVERSE_TEMPLATE, **_front_back("Back", "Front")}], css=_CSS),
        CardType.CLOZE: genanki.Model(
            MODEL_IDS[CardType.CLOZE], NOTE_TYPE_NAMES[CardType.CLOZE], fields=fields(CLOZE_FIELDS),
            templates=[{"name": CLOZE_TEMPLATE, **cloze}],
            css=_CSS, model_type=genanki.Model.CLOZE),
        CardType.MCQ: genanki.Model(
            MODEL_IDS[CardType.MCQ], NOTE_TYPE_NAMES[CardType.MCQ], fields=fields(MCQ_FIELDS),
            templates=[{"name": MCQ_TEMPLATE, **mcq}], css=_CSS),
        CardType.OCCLUSION: _occlusion_model(),
    }


# The template Anki's Image Occlusion uses, in our words: the masks are drawn by Anki's own
# reviewer script (anki.imageOcclusion.setup) from the cloze-rendered Occlusion field; the
# answer adds the asked region's label, kept as cloze deletions of the same numbers in Back
# Extra so that only the asked one shows.
_OCCLUSION_Q = """{{#Header}}<div class="prompt">{{Header}}</div>{{/Header}}
<div style="display: none">{{cloze:Occlusion}}</div>
<div id="err"></div>
<div id="image-occlusion-container">
    {{Image}}
    <canvas id="image-occlusion-canvas"></canvas>
</div>
<script>
try {
    anki.imageOcclusion.setup();
} catch (exc) {
    document.getElementById("err").innerHTML = `Error loading image occlusion.<br><br>${exc}`;
}
</script>
"""
_OCCLUSION_A = _OCCLUSION_Q + """<div><button id="toggle">Toggle masks</button></div>
{{#Back Extra}}<div class="answer">{{cloze:Back Extra}}</div>{{/Back Extra}}
"""


class _StockModel(genanki.Model):
    """A note type that tells Anki which of its stock kinds it is (genanki cannot say so)."""

    def __init__(self, *args: Any, stock_kind: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stock_kind = stock_kind

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        data = super().to_json(timestamp, deck_id)
        data["originalStockKind"] = self.stock_kind
        return data


def _occlusion_model() -> genanki.Model:
    fields = [{"name": name, "tag": tag, "preventDeletion": name != "Comments"}
              for tag, name in enumerate(OCCLUSION_FIELDS)]
    return _StockModel(
        MODEL_IDS[CardType.OCCLUSION], NOTE_TYPE_NAMES[CardType.OCCLUSION], fields=fields,
        templates=[{"name": OCCLUSION_TEMPLATE, "qfmt": _OCCLUSION_Q, "afmt": _OCCLUSION_A}],
        css=_CSS, model_type=genanki.Model.CLOZE, stock_kind=IMAGE_OCCLUSION_STOCK_KIND)


def _number(value: float) -> str:
    """As Anki writes a coordinate: at most four decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def occlusion_cloze(shape: Shape, number: int, *, hide_all: bool) -> str:
    """One shape in Anki's syntax, e.g. {{c1::image-occlusion:rect:left=.1:top=.2:...}}."""
    left, top, _, _ = shape.bounds()
    props = [("left", left), ("top", top)]
    c = shape.coords
    if shape.kind == "rect":
        props += [("width", c[2]), ("height", c[3])]
    elif shape.kind == "ellipse":
        props += [("rx", c[2]), ("ry", c[3])]
    text = "".join(f":{name}={_number(value)}" for name, value in props)
    if shape.kind == "polygon":
        text += ":points=" + " ".join(f"{_number(x)},{_number(y)}" for x, y in shape.points())
    if hide_all:
        text += ":oi=1"
    return f"{{{{c{number}::image-occlusion:{shape.kind}{text}}}}}<br>"


def occlusion_fields(card: Card) -> tuple[str, str]:
    """The Occlusion field and the labels (as deletions of the same numbers) of a card."""
    hide_all = card.mode == "hide-all-guess-one"
    masks, labels = [], []
    for number, indexes in enumerate(card.occlusion_groups(), start=1):
        masks += [occlusion_cloze(card.shapes[i], number, hide_all=hide_all) for i in indexes]
        label = html.escape(card.occlusion_label(number - 1)).replace("}", "&#125;")
        labels.append(f"{{{{c{number}::{label}}}}}")
    return "".join(masks), f'<div class="io-labels">{" ".join(labels)}</div>'


def anki_deck_id(deck_id: str) -> int:
    """The Anki deck id for one of our decks: the same on every export, in genanki's range."""
    digest = hashlib.sha256(f"omtquiz deck {deck_id}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def note_guid(deck_id: str, card_id: str) -> str:
    """A note's identity in Anki: from deck and card id only, so edits update in place.
    `guid_for(deck_id, card_id)`, the two joined without a generator (-6 ms a 10k export)."""
    digest = hashlib.sha256(f"{deck_id}__{card_id}".encode()).digest()
    return base91(int.from_bytes(digest[:8], "big"))


_BASE91 = "".join(genanki.util.BASE91_TABLE)
_PAIRS = tuple(high + low for high in _BASE91 for low in _BASE91)  # two digits at a time


def guid_for(*values: object) -> str:
    """`genanki.guid_for`, the same text for the same values, in a quarter of its time (the
    first 8 bytes of the SHA-256 of the values joined by "__", in Anki's base 91, no leading
    zero digit)."""
    digest = hashlib.sha256("__".join(str(v) for v in values).encode("utf-8")).digest()
    return base91(int.from_bytes(digest[:8], "big"))


def base91(number: int) -> str:
    """A non-negative number in Anki's base 91, most significant digit first, none for 0."""
    pairs = []
    while number >= 8281:  # 91 ** 2
        number, pair = divmod(number, 8281)
        pairs.append(_PAIRS[pair])
    head = _PAIRS[number] if number >= 91 else _BASE91[number] if number else ""
    return head + "".join(reversed(pairs))


def anki_tag(tag: str) -> str:
    """A tag Anki keeps as one tag: no whitespace, quotes or control characters."""
    return _TAG_BAD.sub("_", tag.strip()) or "_"


# --- Results -------------------------------------------------------------------------------
class ExportError(Exception):
    """An export that cannot be written as asked; the message is for the user."""


@dataclass
class ExportReport:
    """What went into the package, and what was left out and why."""

    path: Path
    decks: int = 0
    notes: int = 0
    cards: int = 0
    media: int = 0
    notes_by_type: dict[str, int] = field(default_factory=dict)
    cards_by_type: dict[str, int] = field(default_factory=dict)
    studied: int = 0
    reviews: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        line = (f"wrote {self.path}: {self.decks} deck(s), {self.notes} note(s), "
                f"{self.cards} card(s), {self.media} media file(s)")
        if self.studied or self.reviews:
            line += f", {self.studied} studied card(s) with {self.reviews} review(s)"
        if self.warnings:
            line += f", {len(self.warnings)} warning(s)"
        return line


# --- Building notes ------------------------------------------------------------------------
class _Media:
    """Files to pack, each once, named after their content so every export names them alike."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[Path, tuple[Path, ...]]] = {}  # name: (file, its roots)
        self._names: dict[Path, str] = {}

    def add(self, path: Path, roots: tuple[Path, ...]) -> str:
        """The packed name of a picture, read now through the resolver (Refused if it is not
        one any more: a file swapped for a symlink since the deck loaded is never packed)."""
        path = path.resolve()
        name = self._names.get(path)
        if name is None:
            digest = hashlib.sha256(resolver.read_file(path, roots)).hexdigest()[:24]
            suffix = path.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,8}", path.suffix.lower()) \
                else ""
            name = self._names[path] = f"{MEDIA_PREFIX}{digest}{suffix}"
            self.files.setdefault(name, (path, roots))
        return name


class _NoteBuilder:
    """Turns cards into genanki notes whose every field is sanitised HTML."""

    def __init__(self, decks: list[Deck], media: _Media, warnings: list[str]) -> None:
        self.models = _note_types()
        self.media = media
        self.warnings = warnings
        self._decks = decks
        self._maker: QuestionMaker | None = None
        self._sources: dict[tuple[str, str | None], str] = {}
        self._shuffler = random.Random()  # reseeded per card: Random() per card costs more

    def warn(self, deck: Deck, card: Card, message: str) -> None:
        self.warnings.append(f"{deck.id}/{card.id}: {message}")

    def html(self, deck: Deck, card: Card, text: str) -> str:
        """Markdown to sanitised HTML whose images are packed files or gone."""
        if not text:
            return ""
        fragment = markdown(text)
        return self._local_images(deck, card, fragment) if "<img" in fragment else fragment

    def _local_images(self, deck: Deck, card: Card, fragment: str) -> str:
        roots = resolver.roots_of(deck.path)

        def pack(match: re.Match[str]) -> str:
            src = _SRC_RE.search(match.group(0))
            if src is None:  # a remote image the sanitiser already disarmed
                self.warn(deck, card, "remote image left out: cards must work offline")
                return ""
            ref = unquote(html.unescape(src.group(1)))
            try:
                name = self.media.add(resolver.local_path(ref, roots[0], roots), roots)
            except resolver.Refused as exc:
                self.warn(deck, card, f"image '{ref}' left out: {exc} (only files beside the "
                          "deck or in assets/)")
                return ""
            return match.group(0).replace(src.group(0), f' src="{html.escape(name, quote=True)}"')

        return _IMG_RE.sub(pack, fragment)

    def image(self, deck: Deck, card: Card) -> str:
        if not card.image:
            return ""
        try:
            name = self.media.add(Path(card.image), resolver.roots_of(deck.path))
        except resolver.Refused as exc:
            self.warn(deck, card, f"image '{card.image}' {exc}; exported without it")
            return ""
        return sanitize(f'<img src="{html.escape(name, quote=True)}" alt="">')

    def source(self, deck: Deck, card: Card) -> str:
        key = (deck.id, card.source)
        if key not in self._sources:
            source = deck.source(card.source)
            text = ""
            if source is not None:
                text = markdown(source.citation)
                target = resolver.web_url(source.url)
                if target is not None:  # any other url is no link: Anki would open it too
                    url = html.escape(target, quote=True)
                    text = sanitize(text + f' <a href="{url}">{html.escape(source.url)}</a>')
            self._sources[key] = text
        return self._sources[key]

    def choices(self, deck: Deck, card: Card) -> tuple[str, str] | None:
        """The choices list and the answer line; the same plain order on every export."""
        options = [(self.html(deck, card, card.answer), True)]
        options += [(self.html(deck, card, d), False) for d in card.distractors]
        if len(options) < 2:
            from omtquiz.study.quiz import CHOICES, QuestionMaker  # rarely needed: 10 ms

            if self._maker is None:
                self._maker = QuestionMaker(_mcq_library(self._decks))
            self._maker.rng = random.Random(_seed(deck.id, card.id, "fallback"))
            found = self._maker.distractors(card, 0, plain(card.answer), CHOICES - 1)
            options += [(html.escape(text), False) for text in found]
        if len(options) < 2:
            return None
        self._shuffler.seed(_seed(deck.id, card.id))
        self._shuffler.shuffle(options)
        # The right choice carries class "key": nothing shows it on the front; the back's style
        # sheet marks it, and the shuffle script finds it to move the answer's letter.
        items = "".join(f'<li class="key">{text}</li>' if right else f"<li>{text}</li>"
                        for text, right in options)
        index = next(i for i, (_, right) in enumerate(options) if right)
        letter = chr(ord("A") + index) if index < 26 else str(index + 1)
        answer = f'<span class="letter">{letter}.</span> {options[index][0]}'
        # Every piece is already sanitised and the markup around them is our own.
        return f"<ol>{items}</ol>", answer

    def occlusion(self, deck: Deck, card: Card) -> list[str] | None:
        """Occlusion, Image, Header, Back Extra, Comments: Anki's Image Occlusion fields."""
        image = self.image(deck, card)
        if not image or not card.shapes:
            self.warn(deck, card, "image occlusion without its image or shapes; left out")
            return None
        masks, labels = occlusion_fields(card)
        extra = labels
        extra += self.notes_and_source(deck, card)
        return [masks, image, self.html(deck, card, card.front), extra, ""]

    def notes_and_source(self, deck: Deck, card: Card) -> str:
        """A picture note's back extra after its labels: the card's extra and explanation, then
        its source."""
        extra = "".join(f'<div class="extra">{self.html(deck, card, text)}</div>'
                        for text in (card.extra, card.explanation) if text)
        if source := self.source(deck, card):
            extra += f'<div class="source">Source: {source}</div>'
        return extra

    def point(self, deck: Deck, card: Card) -> list[str] | None:
        """A "what is marked?" map question as an Image Occlusion note: the spot (and its
        mirror) covered, the name on the back. Anki cannot take a click, so a card that only
        asks for one is left out."""
        if card.ask == "click":
            self.warn(deck, card, "asks only for a click on the map, which Anki cannot take; "
                      "left out")
            return None
        image = self.image(deck, card)
        if not image:
            self.warn(deck, card, "map question without its map; left out")
            return None
        from omtquiz.decks.points import picture_aspect

        aspect = picture_aspect(card.image)
        masks = "".join(occlusion_cloze(Shape("ellipse", (x, y, r, r / aspect), card.answer),
                                        1, hide_all=False) for x, y, r in card.spots())
        extra = f'<div class="io-labels">{{{{c1::{html.escape(card.answer)}}}}}</div>'
        if card.follow_up:  # item 2 asks it on our screen; here it comes with the answer
            extra += (f'<div class="extra"><b>{self.html(deck, card, card.follow_up)}</b> '
                      f'{self.html(deck, card, card.follow_answer)}</div>')
        extra += self.notes_and_source(deck, card)
        return [masks, image, self.html(deck, card, card.question), extra, ""]

    def drill_notes(self, deck: Deck, card: Card) -> list[tuple[str, list[str]]]:
        """A drill as up to `count` different cases, taken from its kinds in turn, each a basic
        note with the rules on the back. Cases come from fixed seeds and each note's GUID from
        its kind and dysfunction, so every export makes the same notes and a re-import updates
        them in place."""
        from omtquiz.drills.present import case_seed  # the drills: 12 ms to import

        notes = []
        seen: set[tuple[int, str]] = set()
        ords = card.ords()
        for n in range(card.drill.count * 10):
            if len(seen) >= card.drill.count:
                break
            ord_ = ords[n % len(ords)]
            seed = case_seed(f"{deck.id}/{card.id}/{ord_}", n // len(ords))
            case = drill_case(card, ord_, seed)
            name = case.diagnosis["name"]
            if (ord_, name) in seen:  # small kinds (two forward torsions) run out of new cases
                continue
            seen.add((ord_, name))
            rendered = render_drill(card, ord_, seed, case=case)  # the case made once
            guid = guid_for(deck.id, card.id, ord_, name)
            notes.append((guid, [rendered.question, rendered.answer, rendered.explanation, "",
                                 self.source(deck, card)]))
        return notes

    def fields(self, deck: Deck, card: Card) -> list[str] | None:
        """The note's fields, or None (with a warning) when Anki would make no card of it:
        a side a student is asked from that shows nothing once sanitised."""
        made = self._fields(deck, card)
        if made is None:
            return None
        asked = (0, 1) if card.type == "reverse" else (0,)
        if not all(_shows_something(made[i]) for i in asked):
            self.warn(deck, card, "its question shows nothing once its HTML is made safe; "
                      "left out (Anki would make no card of it)")
            return None
        return made

    def _fields(self, deck: Deck, card: Card) -> list[str] | None:
        extras = [self.html(deck, card, card.explanation) + all_versions_html(card),
                  self.image(deck, card), self.source(deck, card)]
        if card.type in (CardType.BASIC, CardType.REVERSE):
            return [self.html(deck, card, card.front), self.html(deck, card, card.back), *extras]
        if card.type == CardType.CLOZE:
            if not _has_deletion(card.text):
                self.warn(deck, card, "cloze without a {{c1::...}} deletion; left out")
                return None
            return [self.html(deck, card, card.text), self.html(deck, card, card.extra), *extras]
        if card.type == CardType.OCCLUSION:
            return self.occlusion(deck, card)
        if card.type == CardType.POINT:
            return self.point(deck, card)
        if card.type == CardType.MCQ:
            made = self.choices(deck, card)
            if made is None:
                self.warn(deck, card, "multiple choice with no other choice to offer; left out")
                return None
            return [self.html(deck, card, card.question), *made, *extras]
        self.warn(deck, card, f"unknown card type '{card.type}'; left out")
        return None


def _has_deletion(text: str) -> bool:
    """Whether `card.cloze_numbers()` has any, stopping at the first (-6 ms a 10k export)."""
    return any(cloze.MIN_NUMBER <= m.number <= cloze.MAX_NUMBER
               for m in cloze.CLOZE.finditer(text))


def _note_kind(card: Card) -> str:
    """The note type a card becomes: a map question is an Image Occlusion note too."""
    return CardType.OCCLUSION if card.type == CardType.POINT else card.type


_ANY_TAG = re.compile(r"<[^>]*>")


def _shows_something(fragment: str) -> bool:
    if "<" not in fragment and "&" not in fragment:  # plain text: no tag, no entity
        return bool(fragment.strip())
    return "<img" in fragment or bool(html.unescape(_ANY_TAG.sub("", fragment)).strip())


def _seed(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")


def _wanted(card: Card, tags: set[str] | None) -> bool:
    """With tags given, a card goes in when it has one of them or a child (tag::child) of one."""
    if tags is None:
        return True
    for tag in card.tags:
        folded = tag.casefold()
        if folded in tags or any(folded.startswith(t + "::") for t in tags):
            return True
    return False


def _deck_name(deck: Deck) -> str:
    parts = [part.strip() for part in deck.full_name.split("::")]
    return "::".join(part for part in parts if part) or deck.id




# --- The export ----------------------------------------------------------------------------
def export_apkg(
    decks: Iterable[Deck],
    out_path: str | os.PathLike[str],
    *,
    tags: Iterable[str] | None = None,
    deck_ids: Iterable[str] | None = None,
    progress: Mapping[Item, object] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> ExportReport:
    """Write `decks` (or those in `deck_ids`; only cards with one of `tags`) to an .apkg.

    `progress` maps items to records shaped like `ItemProgress`; studied items arrive in Anki
    as learning or review cards with their review log. `on_progress(done, total)` is called as
    notes are built, for a progress bar. `now` (UTC) is the notes' modification time and the
    day the schedule is counted from; it defaults to the current time. The file appears only
    when complete.
    """
    with gc_paused():
        return _export(decks, Path(out_path), tags, deck_ids, progress, on_progress,
                       to_utc(now or datetime.now(timezone.utc)))


def _export(decks: Iterable[Deck], out: Path, tags: Iterable[str] | None,
            deck_ids: Iterable[str] | None, progress: Mapping[Item, object] | None,
            on_progress: Callable[[int, int], None] | None, now: datetime) -> ExportReport:
    all_decks = list(decks)
    chosen = _choose_decks(all_decks, deck_ids)
    wanted_tags = None if tags is None else {t.casefold() for t in tags}
    report = ExportReport(path=out)
    media = _Media()
    builder = _NoteBuilder(all_decks, media, report.warnings)

    work = [(deck, card) for deck in chosen for card in deck.cards if _wanted(card, wanted_tags)]
    if not work:
        raise ExportError("nothing to export: no cards match" if chosen else "no decks to export")
    total = len(work) + 1
    anki_decks: dict[str, genanki.Deck] = {}
    notes: dict[int, list[_Note]] = {}  # Anki deck id: its notes, in order
    used_anki_ids: dict[int, str] = {}
    keys: dict[str, tuple[Deck, Card]] = {}
    notes_by_type: Counter[str] = Counter()
    tag_text: dict[tuple[str, ...], str] = {}  # the same tags, formatted once

    def add(anki_deck: genanki.Deck, kind: str, guid: str, fields: list[str], deck: Deck,
            card: Card) -> None:
        model = builder.models[kind]
        anki_deck.add_model(model)  # as genanki records a deck's note types: in order of use
        if (tags := tag_text.get(card.tags)) is None:
            tags = tag_text[card.tags] = _tag_field(card.tags)
        keys[guid] = (deck, card)
        notes[anki_deck.deck_id].append(_Note(model, guid, fields, tags, len(keys)))
        notes_by_type[kind] += 1

    for done, (deck, card) in enumerate(work, start=1):
        anki_deck = anki_decks.get(deck.id)
        if anki_deck is None:
            anki_id = anki_deck_id(deck.id)
            if anki_id in used_anki_ids:
                raise ExportError(f"decks '{used_anki_ids[anki_id]}' and '{deck.id}' map to the "
                                  "same Anki deck id; rename one of them")
            used_anki_ids[anki_id] = deck.id
            description = sanitize(markdown(deck.description)) if deck.description else ""
            anki_deck = anki_decks[deck.id] = genanki.Deck(anki_id, _deck_name(deck), description)
            notes[anki_id] = []
        if card.type == "drill":
            for guid, fields in builder.drill_notes(deck, card):
                add(anki_deck, CardType.BASIC, guid, fields, deck, card)
        else:
            guid = note_guid(deck.id, card.id)
            if guid in keys:
                builder.warn(deck, card, "card id used twice in this deck; the second is left out")
            elif (fields := builder.fields(deck, card)) is not None:
                add(anki_deck, _note_kind(card), guid, fields, deck, card)
        if on_progress is not None:
            on_progress(done, total)
    if not keys:
        raise ExportError("nothing to export: every matching card was left out")

    decks_used = [d for d in anki_decks.values() if notes[d.deck_id]]
    _write_package(out, decks_used, notes, media, keys, progress, now, report)
    report.decks = len(decks_used)
    report.notes = sum(notes_by_type.values())
    report.notes_by_type = {NOTE_TYPE_NAMES[k]: v for k, v in sorted(notes_by_type.items())}
    report.media = len(media.files)
    if on_progress is not None:
        on_progress(total, total)
    return report


def _mcq_library(decks: list[Deck]) -> Library:
    """Just the multiple-choice cards: the answers an mcq without distractors borrows from."""
    return Library(tuple(
        DeckFile(d.path, replace(d, cards=tuple(c for c in d.cards if c.type == CardType.MCQ),
                                 _by_id={}))
        for d in decks))


def _choose_decks(decks: list[Deck], deck_ids: Iterable[str] | None) -> list[Deck]:
    by_id: dict[str, Deck] = {}
    for deck in decks:
        by_id.setdefault(deck.id, deck)
    if deck_ids is None:
        return list(by_id.values())
    wanted = list(dict.fromkeys(deck_ids))
    missing = [d for d in wanted if d not in by_id]
    if missing:
        known = ", ".join(sorted(by_id)) or "none"
        raise ExportError(f"no deck with id {', '.join(map(repr, missing))} (known: {known})")
    return [by_id[d] for d in wanted]


def _write_package(out: Path, decks: list[genanki.Deck], notes: Mapping[int, list[_Note]],
                   media: _Media, keys: Mapping[str, tuple[Deck, Card]],
                   progress: Mapping[Item, object] | None, now: datetime,
                   report: ExportReport) -> None:
    """The collection, then the zip beside the target, renamed into place when complete."""
    calendar = AnkiCalendar(timezone(now.astimezone().utcoffset() or timedelta(0)))
    timestamp = now.timestamp()
    with tempfile.TemporaryDirectory(prefix="omtquiz-export-") as tmp:
        db_path = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        try:
            # A scratch file, zipped when complete and thrown away on any failure: no rollback
            # journal, no waiting for the disk (-20 ms of 10,000 notes).
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            cursor = conn.cursor()
            # genanki writes the schema, the collection and each deck with its note types (the
            # decks hold no genanki notes); the notes and cards follow, as genanki writes them,
            # and then the same indexes are built over them (once, not a row at a time).
            genanki.Package(decks).write_to_db(cursor, timestamp, iter(()))
            for name, _ in _INDEXES:
                cursor.execute(f"DROP INDEX {name}")
            rows: list[tuple[int, str, int]] | None = [] if progress else None
            per_type = _write_notes(cursor, [(d.deck_id, notes[d.deck_id]) for d in decks],
                                    timestamp, itertools.count(int(timestamp * 1000)), rows)
            for _, create in _INDEXES:
                cursor.execute(create)
            stamp_collection(cursor, calendar)
            by_model = {MODEL_IDS[kind]: name for kind, name in NOTE_TYPE_NAMES.items()}
            report.cards = sum(per_type.values())
            report.cards_by_type = dict(sorted((by_model[mid], n) for mid, n in per_type.items()))
            if rows is not None:
                writer = ProgressWriter(cursor, calendar, now, report)
                for card_id, guid, ord_ in rows:
                    deck, card = keys[guid]
                    if card.type == "drill":  # a skill's progress is no one generated case's
                        continue
                    item = Item(deck.id, card.id, ord_)
                    if (record := progress.get(item)) is not None:
                        writer.write(card_id, item, record)
                if writer.skipped_reviews:
                    report.warnings.append(f"{writer.skipped_reviews} review(s) left out of the "
                                           "review log (in the future, or not rated 1-4)")
            conn.commit()
        finally:
            conn.close()
        _zip(out, db_path, media)


# The indexes of genanki's schema, (name, statement): Anki's own, for its older package format.
_INDEXES = tuple((line.split()[2], line.strip().rstrip(";"))
                 for line in APKG_SCHEMA.splitlines() if line.startswith("CREATE INDEX"))


class _Note(NamedTuple):
    """A note as `_write_notes` writes it (what genanki.Note holds, without its checks)."""

    model: genanki.Model
    guid: str
    fields: list[str]
    tags: str  # Anki's form: " a b " (tags made by anki_tag, no whitespace in any)
    due: int


def _tag_field(tags: Iterable[str]) -> str:
    """Anki's tags field for a card's tags: each made safe, each once, in order."""
    return " " + " ".join(dict.fromkeys(anki_tag(t) for t in tags)) + " "


_CLOZE_NUMBER = re.compile(r"{{c(\d+)::.+?}}", re.DOTALL)  # genanki's


_CHUNK = 2_000  # notes a bulk insert: rows for every note at once cost 45 MiB at 100k notes


def _write_notes(cursor: sqlite3.Cursor, decks: list[tuple[int, list[_Note]]], timestamp: float,
                 ids: Iterator[int], cards: list[tuple[int, str, int]] | None = None
                 ) -> Counter[int]:
    """Every note and its new cards, row for row what genanki's `Note.write_to_db` writes
    (the same ids from `ids`, the same card ords in the same order), with `executemany`
    over a few thousand notes at a time instead of one `execute` per note and per card.
    Returns the cards made per note type id; appends (card id, note guid, ord) of each card,
    in id order, to `cards` when given."""
    mod = int(timestamp)
    note_rows: list[tuple] = []
    card_rows: list[tuple] = []
    made: Counter[int] = Counter()
    ords_of = {}  # per note type: fields -> the card ords genanki makes

    def flush() -> None:
        # genanki's constant columns as literals: usn -1, csum, flags, data; a new card's
        # type, queue, interval, factor, reps, lapses, left, odue, odid, flags and data.
        cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,-1,?,?,?,0,0,'')", note_rows)
        cursor.executemany("INSERT INTO cards VALUES(?,?,?,?,?,-1,0,0,?,0,0,0,0,0,0,0,0,'')",
                           card_rows)
        note_rows.clear()
        card_rows.clear()

    for deck_id, deck_notes in decks:
        for model, guid, fields, tags, due in deck_notes:
            mid = model.model_id
            if (ords := ords_of.get(mid)) is None:
                ords = ords_of[mid] = _card_ords(model)
            if len(fields) != len(model.fields):
                raise ValueError(f"{len(fields)} fields for note type {model.name}")
            note_id = next(ids)
            note_rows.append((note_id, guid, mid, mod, tags, "\x1f".join(fields),
                              fields[model.sort_field_index]))
            for ord_ in ords(fields):
                card_id = next(ids)
                card_rows.append((card_id, note_id, deck_id, ord_, mod, due))
                made[mid] += 1
                if cards is not None:
                    cards.append((card_id, guid, ord_))
            if len(note_rows) >= _CHUNK:
                flush()
    flush()
    return made


def _card_ords(model: genanki.Model) -> Callable[[list[str]], Iterable[int]]:
    """How genanki finds a note's cards (`Note.cards`): for a cloze note type, one per cloze
    number in its cloze fields (in the order of genanki's set); otherwise one per template
    whose required fields are filled."""
    if model.model_type == genanki.Model.CLOZE:
        qfmt = model.templates[0]["qfmt"]
        names = set(re.findall(r"{{[^}]*?cloze:(?:[^}]?:)*(.+?)}}", qfmt)
                    + re.findall("<%cloze:(.+?)%>", qfmt))
        indexes = [next((i for i, f in enumerate(model.fields) if f["name"] == name), -1)
                   for name in names]

        def cloze(fields: list[str]) -> Iterable[int]:
            ords: set[int] = set()
            for index in indexes:
                value = fields[index] if index >= 0 else ""
                ords.update(int(m) - 1 for m in _CLOZE_NUMBER.findall(value) if int(m) > 0)
            return ords
        return cloze
    req = [(ord_, kind == "any", needed) for ord_, kind, needed in model._req]

    def front_back(fields: list[str]) -> list[int]:
        return [ord_ for ord_, anyone, needed in req
                if (any if anyone else all)(fields[i] for i in needed)]
    return front_back


def _zip(out: Path, db_path: Path, media: _Media) -> None:
    names = sorted(media.files)
    # Created with 0o666 so the umask gives the user's normal mode (mkstemp's is 0600).
    part = out.parent / f".{out.name}.{secrets.token_hex(8)}.part"
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        # Deflated, as Anki's own exporter writes packages (genanki's write_to_file stores):
        # a 10,000-note package is 1.7 MB instead of 8.5 MB, for ~20 ms more (37-63 ms against
        # 17-35 ms stored, which still writes and checksums five times the bytes); a package
        # is mailed, synced or carried to a phone. Level 1: 18 ms instead of 56 ms at the
        # default level, for a file 8% larger; the package is read once, by an import.
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED,
                             compresslevel=1) as archive:
            archive.write(db_path, "collection.anki2")
            archive.writestr("media", json.dumps({str(i): n for i, n in enumerate(names)}))
            for index, name in enumerate(names):
                path, roots = media.files[name]
                try:  # read once more through the resolver: never what a swap put there since
                    data = resolver.read_file(path, roots)
                except resolver.Refused:
                    data = b""
                archive.writestr(str(index), data, compress_type=zipfile.ZIP_STORED)
        os.replace(part, out)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise
