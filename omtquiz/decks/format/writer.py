"""Writing deck files: clean block-style YAML an author can go on editing by hand.

Importers and `new-deck` produce decks through here, because only this package may speak YAML.
Long text stays on one line (no folding an editor would have to undo), text with line breaks
becomes a `|` block, short lists of short words are written inline like `[a, b]`, every card
starts after a blank line, and PyYAML quotes whatever would otherwise read as something else
(`yes`, `1.0`, `{{c1::...}}`, a leading `-`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from omtquiz.decks.format.schema import SCHEMA_PATH as SCHEMA_PATH  # re-exported
from omtquiz.decks.format.schema import schema_line

FLOW_LIST_WIDTH = 72  # an inline list longer than this is written one item per line


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key (`cards:\\n  - id: ...`), as the bundled decks do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value.rstrip("\n") if style else value,
                                   style=style)


def _short(item: object) -> bool:
    """Text without line breaks, a number, or a list of numbers (an occlusion shape's)."""
    if isinstance(item, (list, tuple)):
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in item)
    if isinstance(item, (int, float)) and not isinstance(item, bool):
        return True
    return isinstance(item, str) and "\n" not in item


def _list(dumper: yaml.SafeDumper, value: list):
    short = all(_short(item) for item in value)
    inline = short and value and sum(len(str(item)) + 2 for item in value) <= FLOW_LIST_WIDTH
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=bool(inline))


_Dumper.add_representer(str, _text)
_Dumper.add_representer(list, _list)
_Dumper.add_representer(tuple, _list)


def _dump(value: object) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1_000_000)


def deck_yaml(deck: Mapping[str, object], *, comments: Sequence[str] = ()) -> str:
    """The text of a deck file: `comments` (each line without its '#') above the deck's keys.

    `deck` is a mapping in the order the keys should appear; its `cards` are each written after
    a blank line so that a long deck stays easy to scan.
    """
    head = "".join(f"# {line}".rstrip() + "\n" for line in comments) + ("\n" if comments else "")
    top = {key: value for key, value in deck.items() if key != "cards"}
    body = _dump(top) if top else ""
    cards = deck.get("cards")
    if cards is None:
        return head + body
    if not cards:
        return head + body + "cards: []\n"
    blocks = ["".join(f"  {line}\n" if line else "\n" for line in _dump([card]).splitlines())
              for card in cards]  # type: ignore[union-attr]
    return head + body + "cards:\n" + "\n".join(blocks)


_STARTER = """\
<<schema>>
# An omtquiz deck: one deck per file. Check it as you write with
#   omtquiz validate <<name>> --strict
# or open it in the app (File > Open deck for authoring...) to see every card as students will.
# Every field, every message and how to fix it: docs/writing-decks.md
#
# Ids are how omtquiz remembers each student's progress: edit any text freely, but once students
# use the deck never change the deck's id or a card's id (a new id starts that card over).

deck: <<deck_id>>  # lowercase letters, digits and single hyphens; unique among all your decks
title: <<title>>
# parent: OMT  # optional: shows the deck under "OMT" (in Anki: OMT::<<title_plain>>)
description: What this deck covers, in a sentence or two (Markdown).
tags: [omt]  # optional: given to every card

# The references your cards rest on. Every card names one of them in `source:`.
sources:
  - id: cc-omt
    citation: 'Cleveland Clinic, "Osteopathic Manipulation Treatment (OMT)", reviewed 2025-01-22'
    url: https://my.clevelandclinic.org/health/treatments/9081-osteopathic-manipulation

cards:
  # basic (the default type): a question and its answer. Text is Markdown.
  - id: omt-stands-for
    front: What does OMT stand for?
    back: Osteopathic manipulative treatment.
    tags: [principles]
    source: cc-omt

  # reverse: asked both ways, front to back and back to front.
  - id: mfr-definition
    type: reverse
    front: Myofascial release
    back: Relaxing tight myofascial tissue (muscle and fascia) to promote blood flow and ease pain.
    tags: [technique]
    source: cc-omt

  # cloze: each deletion ({{c1::...}}, {{c2::...}}) is asked on a card of its own;
  # {{c1::answer::hint}} shows the hint in the blank.
  - id: rib-raising-cloze
    type: cloze
    text: "{{c1::Rib raising}} lifts the ribs to open the ribcage, improving {{c2::breathing}}."
    extra: Shown on the back, under the sentence.
    tags: [technique]
    source: cc-omt

  # mcq: multiple choice. Distractors are wrong answers of the same kind and length as the
  # answer; leave them out and other mcq answers of the deck are drawn instead.
  - id: lymphatic-pump-mcq
    type: mcq
    question: Which technique uses pumping on the feet, chest or abdomen to clear lymph?
    answer: Lymphatic pump
    distractors: [Rib raising, Muscle energy, Myofascial release]
    explanation: Shown after answering, right or wrong.
    tags: [technique]
    source: cc-omt

# Facts about many things of one kind (techniques and their indications, say) can be written
# once as `records:` and turned into questions by `generate:` rules: see docs/writing-decks.md.
"""


def starter_deck(path: Path, *, title: str, deck_id: str, schema: Path | None = None) -> str:
    """A commented deck with one card of each type, valid and lint-free as it stands.

    Its first line names `schema` (the profile's copy; the shipped file if None).
    """
    title = " ".join(title.split())
    title_text = _dump(title).split("\n", 1)[0]  # quoted if YAML would misread it
    text = _STARTER
    for key, value in (("schema", schema_line(path, schema)), ("name", path.name),
                       ("deck_id", deck_id), ("title_plain", title), ("title", title_text)):
        text = text.replace(f"<<{key}>>", value)
    return text


class NewDeckError(ValueError):
    """Why a new deck cannot be written; `usage` when the request itself is wrong."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


def write_new_deck(path: Path, *, title: str, deck_id: str | None = None,
                   schema: Path | None = None) -> tuple[Path, str]:
    """Write a commented starter deck at `path` (".yaml" added if missing); never overwrites.

    Returns the file written and its deck id. The CLI's `new-deck` and File > New deck both
    come here.
    """
    from omtquiz.decks.format.ids import SLUG_RE, slugify

    if path.suffix.lower() not in (".yaml", ".yml"):
        path = path.with_name(path.name + ".yaml")
    title = " ".join(title.split())
    if not title:
        raise NewDeckError("give the deck a title", usage=True)
    deck_id = deck_id or slugify(title)
    if not SLUG_RE.match(deck_id):
        raise NewDeckError(f"'{deck_id}' is not a slug (lowercase letters, digits and single "
                           "hyphens, e.g. omt-techniques)", usage=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as fh:
            fh.write(starter_deck(path, title=title, deck_id=deck_id, schema=schema))
    except FileExistsError:
        raise NewDeckError(f"{path} exists; a new deck never overwrites a file: choose another "
                           "name") from None
    return path, deck_id
