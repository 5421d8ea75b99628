"""Deck files to model objects, with every problem reported at its file, line and column.

One file never stops another: whatever a file holds (binary junk, a YAML bomb, a huge upload),
loading it ends in a `DeckFile` with diagnostics, never an exception. Cards with errors are left
out of the deck but the rest of the deck still loads, so a student can study while an author
fixes a typo.
"""

from __future__ import annotations

import bisect
import os
import re
import zlib
from pathlib import Path

import yaml

from omtquiz.decks import cloze, resolver
from omtquiz.decks.format import drills, facts
from omtquiz.decks.format import nodes as yn
from omtquiz.decks.format.files import MAX_BYTES, display_path
from omtquiz.decks.format.ids import CARD_ID_RE, SLUG_RE, TAG_RE, Suggester, did_you_mean, listing
from omtquiz.decks.format.occlusion import read_occlusion
from omtquiz.decks.format.points import read_point
from omtquiz.decks.model import (
    CARD_TYPE_INFO,
    CARD_TYPES,
    CLOZE_RE,
    Card,
    Deck,
    DeckFile,
    Diagnostic,
    Severity,
    Version,
)
from omtquiz.decks.model import Source as SourceModel
from omtquiz.decks.render import MAX_PARAGRAPH_CHARS, markdown, plain, too_much_markup
from omtquiz.gcpause import gc_paused

INTERNAL_ERROR = "internal error while reading this deck"
MAX_DIAGNOSTICS = 200
FORMAT_VERSION = 1
MAX_FIELD_CHARS = yn.MAX_FIELD_CHARS
MIN_BASIC_DISTRACTORS = 2  # with the answer, three choices at the least
# A file larger than this is let go of once parsed, when its bytes were handed over
# (`load_deck_bytes`): the cards are made without 47 MiB of YAML beside them (100,000 cards).
KEEP_BYTES = 8 * 2**20


DECK_KEYS = ("deck", "title", "parent", "description", "tags", "sources", "cards", "format",
             "records", "generate", "drills", "preferred_source")
SOURCE_KEYS = ("id", "citation", "url", "name")
COMMON_CARD_KEYS = ("id", "type", "tags", "source", "image", "explanation", "accept",
                    "versions")
VERSION_KEYS = ("source", "answer")
# With `versions:` the answer may be left out: the preferred version is the answer.
ANSWER_KEY = {kind.value: info.answer for kind, info in CARD_TYPE_INFO.items()
              if kind.value != "cloze"}
TYPE_KEYS = {kind.value: (info.required, info.optional) for kind, info in CARD_TYPE_INFO.items()}
TYPE_NAMES = {kind: kind for kind in TYPE_KEYS}
CARD_KEYS = {kind: COMMON_CARD_KEYS + required + optional
             for kind, (required, optional) in TYPE_KEYS.items()}
CARD_KEY_SETS = {kind: frozenset(keys) for kind, keys in CARD_KEYS.items()}
# The fields a card of each type may show: each is checked for links, pictures and blank sides.
SIDE_KEYS = {kind: (*required, "explanation", "extra") for kind, (required, _) in TYPE_KEYS.items()}
# The optional text fields every card of a type reads.
NOTE_KEYS = {kind: ("explanation", "extra") if kind == "cloze" else ("explanation",)
             for kind in TYPE_KEYS}
_ALNUM = re.compile(r"[^\W_]")  # str.isalnum as a pattern: re's \w is isalnum() or "_"
# Per card type, the keys that belong to another type and the type they belong to (a warning
# names it): made once here, not for every card.


def _other_types_keys(required: tuple, optional: tuple) -> dict[str, str]:
    others: dict[str, str] = {}
    for other_type, (r, o) in TYPE_KEYS.items():
        for key in (*r, *o):
            if key not in required and key not in optional:
                known = others.get(key)
                others[key] = f"{known} or {other_type}" if known else other_type
    return others


OTHER_TYPES_KEYS = {kind: _other_types_keys(required, optional)
                    for kind, (required, optional) in TYPE_KEYS.items()}


def _ordinary_text(node: yn.Node | None) -> str | None:
    """A field's text when it needs no diagnostic (text, not empty, not null, not too long),
    else None: the common case, before `_Reader.text`'s full checks."""
    if type(node) is yn.Scalar:
        value = node[0]
        if (value and not value.isspace() and len(value) <= MAX_FIELD_CHARS
                and not (node[3] and value in yn.NULLS)):
            return value
    return None


class _TooMany(Exception):
    """Raised when a file has so many problems that more would only bury the first ones."""


class _Reader:
    """Checks one deck file's nodes and builds its model, collecting diagnostics."""

    def __init__(self, path: Path, shown: str) -> None:
        self.path = path
        self.shown = shown
        self.folder = path.parent.resolve()
        self.diagnostics: list[Diagnostic] = []
        self.errors_reported = 0
        self.card_kwargs: list[dict] = []
        self.card_ids: dict[str, int] = {}
        self.cards_read = 0  # entries of the cards: list, good or bad
        # (source id, line, column, card id, where) of every citation, checked in finish; the
        # place only, not the node (100,000 cards: 7 MB less held while the file is read)
        self.source_refs: list[tuple[str, int, int, str, str]] = []
        self.fact_records: list = []  # the records: read by facts.expand, for drills.expand
        self.cited_by_versions: set[str] = set()  # sources cited by a card's or record's versions
        self.budget = yn.Budget()
        self.roots = resolver.roots_of(path)
        self.files: list[str] = []  # pictures the deck shows, re-checked on every cached load
        self.file_data: bytes | None = b""  # the file's bytes, which the YAML parser reads
        self.let_go: tuple[int, int] | None = None  # (size, CRC-32) of bytes let go of
        self.file_text: str | None = None  # decoded only to place problems inside a field
        self.starts: list[int] | None = None
        self.composer_problems: list[tuple[int, int, str]] = []
        # Equal values many cards hold (a source id, a tags tuple) kept once, not per card.
        self.shared: dict = {}

    # -- reporting -------------------------------------------------------------------------
    def report(self, line: int, column: int, message: str, *,
               severity: Severity = Severity.ERROR, card_id: str | None = None) -> None:
        # Only errors stop a file: warnings never keep a deck from loading (a deck of 500 cards
        # without `source:` still studies); `validate` caps how many it prints per file.
        if severity is Severity.ERROR and self.errors_reported >= MAX_DIAGNOSTICS:
            self.diagnostics.append(Diagnostic(
                self.shown, line, column, Severity.ERROR,
                f"more than {MAX_DIAGNOSTICS} errors; stopping here", card_id))
            raise _TooMany
        self.errors_reported += severity is Severity.ERROR
        self.diagnostics.append(Diagnostic(self.shown, line, column, severity, message, card_id))

    def error(self, node, message: str, card_id: str | None = None) -> None:
        self.report(node.line, node.column, message, card_id=card_id)

    def warn(self, node, message: str, card_id: str | None = None) -> None:
        self.report(node.line, node.column, message, severity=Severity.WARNING, card_id=card_id)

    def unknown_source(self, node, where: str, value: str, known, card_id: str | None = None
                       ) -> None:
        """`where: unknown source 'X' (did you mean 'Y'?) (known: ...)` at `node`."""
        listed = ", ".join(sorted(known)) or "none listed under sources:"
        self.error(node, f"{where}: unknown source '{value}'{did_you_mean(value, known)} "
                   f"(known: {listed})", card_id)

    def cite(self, source: str, node: yn.Node, card_id: str, where: str) -> None:
        """Note that a card cites `source` at `node`; whether the deck lists it is known only
        when the whole file has been read (see check_sources)."""
        self.source_refs.append((source, node.line, node.column, card_id, where))

    # -- field readers ---------------------------------------------------------------------
    def text(self, mapping: yn.Map, key: str, where: str, *, required: bool,
             card_id: str | None = None) -> str | None:
        node = mapping.values.get(key)
        value = _ordinary_text(node)
        if value is not None:
            return value
        if node is None:
            if required:
                self.error(mapping, f"{where}: missing '{key}'", card_id)
            return None
        if isinstance(node, yn.Scalar):
            if node.is_null or not node.value.strip():
                if required:
                    self.error(node, f"{where}.{key}: is empty", card_id)
                return None
            if len(node.value) > MAX_FIELD_CHARS:
                self.error(node, f"{where}.{key}: is {len(node.value):,} characters; a field "
                           f"holds at most {MAX_FIELD_CHARS:,}", card_id)
                return None
            return node.value
        self.error(node, f"{where}.{key}: expected text, found {yn.kind_of(node)}", card_id)
        return None

    def text_list(self, mapping: yn.Map, key: str, where: str,
                  card_id: str | None = None) -> list[tuple[str, yn.Scalar]]:
        node = mapping.get(key)
        if node is None or (isinstance(node, yn.Scalar) and node.is_null):
            return []
        if not isinstance(node, yn.Seq):
            self.error(node, f"{where}.{key}: expected a list, found {yn.kind_of(node)}", card_id)
            return []
        out = []
        for i, item in enumerate(node.items):
            if isinstance(item, yn.Scalar) and len(item.value) > MAX_FIELD_CHARS:
                self.error(item, f"{where}.{key}[{i}]: is {len(item.value):,} characters; a "
                           f"field holds at most {MAX_FIELD_CHARS:,}", card_id)
            elif isinstance(item, yn.Scalar) and not item.is_null and item.value.strip():
                out.append((item.value, item))
            elif isinstance(item, yn.Scalar) and not item.is_null:
                self.error(item, f"{where}.{key}[{i}]: is empty; expected text", card_id)
            else:
                self.error(item, f"{where}.{key}[{i}]: expected text, found {yn.kind_of(item)}",
                           card_id)
        return out

    def source(self, mapping: yn.Map, where: str, what: str,
               card_id: str | None = None) -> str | None:
        """The source id a card or record cites; warns when it has none, missing or empty."""
        node = mapping.get("source")
        value = self.text(mapping, "source", where, required=False, card_id=card_id)
        if node is None or (value is None and isinstance(node, yn.Scalar)):
            self.warn(mapping if node is None else node,
                      f"{where}: {what} has no source (every fact needs one)", card_id)
        return value

    def tags(self, mapping: yn.Map, where: str, card_id: str | None = None) -> tuple[str, ...]:
        tags = []
        for value, node in self.text_list(mapping, "tags", where, card_id):
            if TAG_RE.match(value):
                tags.append(value)
            else:
                self.error(node, f"{where}.tags: '{value}' is not a tag (no spaces allowed)",
                           card_id)
        unique = tuple(dict.fromkeys(tags))
        if len(unique) > yn.MAX_TAGS:  # every card carries the deck's tags as well as its own
            self.error(mapping.values["tags"], f"{where}.tags: {len(unique):,} tags; at most "
                       f"{yn.MAX_TAGS} are allowed here", card_id)
            return unique[:yn.MAX_TAGS]
        return unique

    def unknown_keys(self, mapping: yn.Map, allowed: tuple[str, ...], where: str,
                     card_id: str | None = None, *, other: dict[str, str] | None = None) -> None:
        for key, key_node in mapping.keys.items():
            if key in allowed:
                continue
            if other and key in other:
                self.warn(key_node, f"{where}.{key}: '{key}' belongs to {other[key]} cards, not "
                          "this type; it is ignored", card_id)
            else:
                self.warn(key_node, f"{where}: unknown key '{key}'{did_you_mean(key, allowed)}",
                          card_id)

    # -- cards -----------------------------------------------------------------------------
    def card(self, index: int, node: yn.Node) -> None:
        where = f"cards[{index}]"
        self.cards_read += 1
        if not isinstance(node, yn.Map):
            self.error(node, f"{where}: a card must be a mapping of fields, found "
                       f"{yn.kind_of(node)}")
            return
        errors_before = self._error_count()
        values = node.values
        card_id = _ordinary_text(values.get("id")) or self.text(node, "id", where, required=True)
        if card_id is not None:
            id_node = values["id"]
            if not CARD_ID_RE.match(card_id):
                self.error(id_node, f"{where}.id: '{card_id}' must be 1-128 characters "
                           "without spaces")
                card_id = None
            elif card_id in self.card_ids:
                self.error(id_node, f"{where}.id: duplicate card id '{card_id}' (first used at "
                           f"line {self.card_ids[card_id]})", card_id)
                card_id = None
            else:
                self.card_ids[card_id] = id_node.line
        card_type = (_ordinary_text(values.get("type"))
                     or self.text(node, "type", where, required=False, card_id=card_id)
                     or "basic")
        if card_type not in TYPE_KEYS:
            self.error(node.values["type"], f"{where}.type: '{card_type}' is not one of "
                       f"{', '.join(CARD_TYPES)}{did_you_mean(card_type, CARD_TYPES)}", card_id)
            return
        card_type = TYPE_NAMES[card_type]  # one string per type, not one per card
        required, optional = TYPE_KEYS[card_type]
        if not values.keys() <= CARD_KEY_SETS[card_type]:
            self.unknown_keys(node, CARD_KEYS[card_type], where, card_id,
                              other=OTHER_TYPES_KEYS[card_type])
        kwargs: dict = {"id": card_id, "type": card_type, "line": node.line, "_where": where}
        versioned = "versions" in values
        for key in required:
            value = _ordinary_text(values.get(key))
            if value is None:
                needed = not (versioned and ANSWER_KEY.get(card_type) == key)
                value = self.text(node, key, where, required=needed, card_id=card_id)
            kwargs[key] = value
        for key in NOTE_KEYS[card_type]:
            if key in values:  # an absent optional field has nothing to report
                value = (_ordinary_text(values[key])
                         or self.text(node, key, where, required=False, card_id=card_id))
                if value is not None:
                    kwargs[key] = value
        if "tags" in values:  # cards with the same tags share one tuple of them
            tags = self.tags(node, where, card_id)
            kwargs["tags"] = self.shared.setdefault(tags, tags)
        else:
            kwargs["tags"] = ()
        source = (_ordinary_text(values.get("source"))
                  or self.source(node, where, "card", card_id))
        if source is not None:
            source = self.shared.setdefault(source, source)  # one string per source id
            kwargs["source"] = source
            self.cite(source, values["source"], card_id or "", where)
        if "image" in values:
            image = self.text(node, "image", where, required=False, card_id=card_id)
            if image is not None:
                kwargs["image"] = self.image(image, values["image"], where, card_id)
        for key in SIDE_KEYS[card_type]:
            text = kwargs.get(key)
            if text and (len(text) > MAX_PARAGRAPH_CHARS or "<" in text or "[" in text
                         or "]" in text or "&" in text
                         or not (text[0].isalnum() or _ALNUM.search(text))):
                # Not ordinary text (short, a letter or digit, no markup): the full checks.
                self.html_refs(text, values[key], f"{where}.{key}", card_id)
                if key in required:
                    self.blank_side(text, values[key], f"{where}.{key}", card_id)
        if card_type == "cloze" and kwargs.get("text"):
            self.cloze_numbers(kwargs["text"], values["text"], where, card_id)
        if card_type == "mcq":
            self.mcq(node, kwargs, where, card_id)
        elif card_type == "basic" and "distractors" in values:
            self.basic_choices(node, kwargs, where, card_id)
        if card_type == "occlusion":
            read_occlusion(self, node, kwargs, where, card_id)
        if card_type == "point":
            read_point(self, node, kwargs, where, card_id)
        if "accept" in node.keys:
            kwargs["accept"] = self.accept(node, card_type, kwargs.get("text") or "", where,
                                           card_id)
            if card_type in ("mcq", "basic") and kwargs.get("distractors"):
                self.distractors_not_accepted(node, kwargs, where, card_id)
        if versioned:
            kwargs["_versions"] = self.versions(node, card_type, kwargs.get("text") or "",
                                                where, card_id)
        if self._error_count() == errors_before and card_id is not None:
            self.card_kwargs.append(kwargs)

    def cloze_numbers(self, text: str, node: yn.Node, where: str, card_id: str | None) -> None:
        """A cloze's deletions, read once: at least one, none numbered 0, all in range."""
        numbers = [(m.number, m) for m in CLOZE_RE.finditer(text)]
        if not numbers:
            self.error(node, f"{where}.text: a cloze needs at least one deletion such as "
                       "{{c1::answer}}", card_id)
        elif any(number == 0 for number, _ in numbers):
            self.error(node, f"{where}.text: {facts.C0_MESSAGE}", card_id)
        else:
            wrong = next((m.group(1) for number, m in numbers
                          if not cloze.MIN_NUMBER <= number <= cloze.MAX_NUMBER), None)
            if wrong is not None:
                self.error(node, f"{where}.text: {facts.range_message(wrong)}", card_id)

    def mcq(self, node: yn.Map, kwargs: dict, where: str, card_id: str | None) -> None:
        distractors = self.distractors(node, kwargs.get("answer"), where, card_id)
        kwargs["distractors"] = distractors
        if not distractors:  # check_mcq_choices may place an error here; else the node goes
            kwargs["_node"] = node

    def basic_choices(self, node: yn.Map, kwargs: dict, where: str,
                      card_id: str | None) -> None:
        """A basic card's own wrong choices, for quizzes that ask it as multiple choice: two
        or more, or none at all (then it is asked so only among answers of its kind)."""
        errors_before = self._error_count()
        distractors = self.distractors(node, kwargs.get("back"), where, card_id)
        if len(distractors) < MIN_BASIC_DISTRACTORS and self._error_count() == errors_before:
            self.error(node.values["distractors"], f"{where}.distractors: a basic card's wrong "
                       f"choices are {MIN_BASIC_DISTRACTORS} or more different texts (found "
                       f"{len(distractors)}); give more, or leave 'distractors' out", card_id)
        kwargs["distractors"] = distractors

    def distractors(self, node: yn.Map, answer: str | None, where: str,
                    card_id: str | None) -> tuple[str, ...]:
        """The card's `distractors:`, each once; one equal to the answer is an error."""
        answer = (answer or "").strip().casefold()
        seen: set[str] = set()
        distractors = []
        for value, item in self.text_list(node, "distractors", where, card_id):
            folded = value.strip().casefold()
            if folded == answer:
                self.error(item, f"{where}.distractors: '{value}' is the answer itself", card_id)
            elif folded in seen:
                self.warn(item, f"{where}.distractors: '{value}' is given twice", card_id)
            else:
                seen.add(folded)
                distractors.append(value)
                self.html_refs(value, item, f"{where}.distractors", card_id)
        return tuple(distractors)

    def distractors_not_accepted(self, node: yn.Map, kwargs: dict, where: str,
                                 card_id: str | None) -> None:
        """A wrong choice is never an answer the card accepts as right."""
        accepted = {text.strip().casefold() for ord_, text in kwargs["accept"] if ord_ == 0}
        for item in node.values["distractors"].items:  # a list: its texts were read already
            if isinstance(item, yn.Scalar) and item.value.strip().casefold() in accepted:
                self.error(item, f"{where}.distractors: '{item.value}' is an accepted answer "
                           "(accept:): a right answer is never a wrong choice", card_id)

    def per_deletion(self, node: yn.Map, key: str, card_type: str, text: str, where: str,
                     card_id: str | None, what: str, read) -> list:
        """`key:` as one list for the card's answer or, on a cloze, `cN: [...]` per deletion
        (a list will do for a cloze of one deletion). `read(mapping, name, ord, where)` reads
        the list under `name`; `what` names one entry in messages ("answer", "version")."""
        value = node.values[key]
        numbers = sorted({int(m.group(1)) for m in CLOZE_RE.finditer(text)})
        if isinstance(value, yn.Map):
            if card_type != "cloze":
                self.error(value, f"{where}.{key}: a list of {what}s (only a cloze takes "
                           "c1: [...], c2: [...])", card_id)
                return []
            out = []
            for name, inner in value.values.items():
                number = int(name[1:]) if re.fullmatch(r"c[1-9]\d{0,2}", name) else None
                if number not in numbers:
                    self.error(inner, f"{where}.{key}.{name}: not a deletion of this cloze "
                               f"(it has {', '.join(f'c{n}' for n in numbers) or 'none'})",
                               card_id)
                    continue
                out += read(value, name, number - 1, f"{where}.{key}")
            return out
        if card_type == "cloze" and len(numbers) != 1:
            if not (isinstance(value, yn.Scalar) and value.is_null) and not (
                    isinstance(value, yn.Seq) and not value.items):
                self.error(value, f"{where}.{key}: this cloze has {len(numbers)} deletions; say "
                           f"which each {what} is for, as c1: [...], c2: [...]", card_id)
            return []
        return read(node, key, numbers[0] - 1 if card_type == "cloze" else 0, where)

    def accept(self, node: yn.Map, card_type: str, text: str, where: str,
               card_id: str | None) -> tuple[tuple[int, str], ...]:
        """Other right answers for typed quizzes: a list, or `cN: [...]` per cloze deletion."""
        def read(mapping: yn.Map, key: str, ord_: int, here: str) -> list[tuple[int, str]]:
            return [(ord_, t) for t, _ in self.text_list(mapping, key, here, card_id)]

        return tuple(self.per_deletion(node, "accept", card_type, text, where, card_id,
                                       "answer", read))

    def versions(self, node: yn.Map, card_type: str, text: str, where: str,
                 card_id: str | None) -> list[tuple[int, str, str, yn.Map, str]]:
        """Each source's answer: a list of {source, answer}, or `cN: [...]` per cloze deletion.

        Returned as (ord, source id, answer, entry node, where); sources are checked in
        `finish`, when the deck's sources and preferred source are known.
        """
        def read(mapping: yn.Map, key: str, ord_: int, here: str) -> list:
            return self.version_list(mapping.values[key], ord_, f"{here}.{key}", card_id)

        return self.per_deletion(node, "versions", card_type, text, where, card_id,
                                 "version", read)

    def version_list(self, value: yn.Node, ord_: int, where: str,
                     card_id: str | None) -> list[tuple[int, str, str, yn.Map, str]]:
        if not isinstance(value, yn.Seq):
            self.error(value, f"{where}: expected a list of {{source, answer}}, found "
                       f"{yn.kind_of(value)}", card_id)
            return []
        out: list[tuple[int, str, str, yn.Map, str]] = []
        if len(value.items) > facts.MAX_VERSIONS:
            self.error(value, f"{where}: {len(value.items)} versions; at most "
                       f"{facts.MAX_VERSIONS} sources can be told apart on a card", card_id)
            return out
        seen: dict[str, tuple] = {}  # folded answer -> its version, so a long list stays linear
        for i, entry in enumerate(value.items):
            here = f"{where}[{i}]"
            if not isinstance(entry, yn.Map):
                self.error(entry, f"{here}: a version is a mapping {{source: ID, answer: TEXT}}, "
                           f"found {yn.kind_of(entry)}", card_id)
                continue
            self.unknown_keys(entry, VERSION_KEYS, here, card_id)
            source = self.text(entry, "source", here, required=True, card_id=card_id)
            answer = self.text(entry, "answer", here, required=True, card_id=card_id)
            if source is None or answer is None:
                continue
            same = seen.get(facts.folded(answer))
            if same is not None:
                self.error(entry.values["answer"], f"{here}.answer: '{answer}' is the same as "
                           f"the version of '{same[1]}' (line {same[3].line}): give one source's "
                           "version once, or cite the other source on the card", card_id)
            elif any(o[1] == source for o in out):
                self.error(entry.values["source"], f"{here}.source: '{source}' already gives a "
                           "version of this answer", card_id)
            else:
                out.append((ord_, source, answer, entry, f"{here}.source"))
                seen[facts.folded(answer)] = out[-1]
        if len(out) == 1:
            self.warn(value, f"{where}: only one version; versions are for sources that "
                      "disagree (cite a single source with 'source:')", card_id)
        return out

    def resolve_versions(self, sources: tuple[SourceModel, ...], preferred: str | None) -> None:
        """Check every card's versions against the sources and put the preferred one in place."""
        labels = {s.id: s.label for s in sources}
        keep = []
        for kwargs in self.card_kwargs:
            raw = kwargs.pop("_versions", None)
            if raw is None or self.resolve_card(kwargs, raw, labels, preferred):
                keep.append(kwargs)
        self.card_kwargs = keep

    def resolve_card(self, kwargs: dict, raw: list, labels: dict[str, str],
                     preferred: str | None) -> bool:
        card_id = kwargs["id"]
        ok = True
        for _, source, _, entry, here in raw:
            self.cited_by_versions.add(source)
            if source not in labels:
                self.unknown_source(entry.values["source"], here, source, labels, card_id)
                ok = False
        if not ok:
            return False
        versions = tuple(Version(o, s, labels[s], a) for o, s, a, _, _ in raw)
        kwargs["versions"] = versions
        for ord_ in sorted({v.ord for v in versions}):
            mine = [v for v in versions if v.ord == ord_]
            chosen = facts.preferred_version(mine, preferred, kwargs.get("source"))
            if not self.place_answer(kwargs, ord_, mine, chosen.answer, raw):
                return False
        return True

    def place_answer(self, kwargs: dict, ord_: int, mine: list[Version], answer: str,
                     raw: list) -> bool:
        """Put the preferred version where the card keeps its answer; a written answer must be
        one of the versions."""
        card_type, card_id, node = kwargs["type"], kwargs["id"], raw[0][3]
        where = kwargs.get("_where", "cards")
        if card_type == "cloze":
            bodies = [m.group(2) for m in CLOZE_RE.finditer(kwargs["text"])
                      if int(m.group(1)) == ord_ + 1]
            written = bodies[0] if bodies else None
        else:
            written = kwargs.get(ANSWER_KEY[card_type])
        if written is not None and facts.folded(written) not in {facts.folded(v.answer)
                                                                 for v in mine}:
            what = f"deletion c{ord_ + 1}" if card_type == "cloze" else ANSWER_KEY[card_type]
            self.error(node, f"{where}.versions: the {what} '{written}' is none of the "
                       "versions; leave it out or make it one of them", card_id)
            return False
        if card_type == "cloze":
            kwargs["text"] = facts.replace_deletion(kwargs["text"], ord_, answer)
        else:
            kwargs[ANSWER_KEY[card_type]] = answer
        if card_type in ("mcq", "basic"):
            sourced = {facts.folded(v.answer) for v in mine}
            for distractor in kwargs.get("distractors", ()):
                if facts.folded(distractor) in sourced:
                    self.error(node, f"{where}.versions: distractor '{distractor}' is one source's "
                               "answer: a right answer is never a wrong choice", card_id)
                    return False
        return True

    def image(self, value: str, node: yn.Scalar, where: str, card_id: str | None) -> str | None:
        try:
            target = resolver.beside_or_shipped(value, self.folder)
        except (OSError, ValueError, RuntimeError):
            self.error(node, f"{where}.image: '{value}' is not a usable file path", card_id)
            return None
        if not any(target.is_relative_to(root) for root in self.roots):
            self.error(node, f"{where}.image: '{value}' is outside the deck's folder and assets/",
                       card_id)
            return None
        try:
            resolver.check_file(target, self.roots)
        except resolver.Refused as exc:
            message = "not found" if str(exc) == "not found" else f"refused: {exc}"
            self.error(node, f"{where}.image: file '{value}' {message}", card_id)
            return None
        if ".." in value.split("/") and target.is_relative_to(self.roots[-1]):
            shipped = target.relative_to(self.roots[-1]).as_posix()
            self.warn(node, f"{where}.image: '{value}' reaches the app's assets through '..', "
                      f"which breaks once the deck is copied elsewhere; write "
                      f"'assets/{shipped}'", card_id)
        self.files.append(str(target))
        return str(target)

    def html_refs(self, text: str, node: yn.Node, where: str,
                  card_id: str | None = None) -> None:
        """Report every picture or link in `text` the app would refuse, at its own place (and
        text with so much markup that it is shown unformatted)."""
        if len(text) <= MAX_PARAGRAPH_CHARS and "<" not in text and "[" not in text \
                and "]" not in text:
            return  # no tag, no link or picture, and short: nothing to resolve or to warn of
        reason = too_much_markup(text)
        if reason is not None:
            self.warn(node, f"{where}: shown as plain text, not formatted as Markdown ({reason})",
                      card_id)
            return
        if "<" not in text and "]" not in text:
            return  # no HTML tag and no Markdown link or image: nothing to resolve
        for attribute, value in resolver.references(markdown(text)):
            problem = resolver.problem_with(attribute, value, self.folder, self.roots)
            if problem is not None:
                line, column = self.place_of(value, node, len(text))
                self.report(line, column, f"{where}: {problem}", card_id=card_id)
            elif attribute == "src":
                self.files.append(str(resolver.local_path(value, self.folder, self.roots)))

    def place_of(self, needle: str, node: yn.Node, extent: int) -> tuple[int, int]:
        """Line and column of `needle` within the node's text in the file, else the node's."""
        if self.file_text is None:
            data = self.file_data if self.file_data is not None else self.read_again()
            if data is None:  # the file changed since it was read: the node's own place
                return node.line, node.column
            self.file_text = data.decode("utf-8-sig")
        if self.starts is None:
            self.starts = [0, *(i + 1 for i, ch in enumerate(self.file_text) if ch == "\n")]
        if node.line > len(self.starts):
            return node.line, node.column
        begin = self.starts[node.line - 1] + node.column - 1
        found = self.file_text.find(needle, begin, begin + 2 * extent + 200) if needle else -1
        if found < 0:
            return node.line, node.column
        line = bisect.bisect_right(self.starts, found)
        return line, found - self.starts[line - 1] + 1

    def release_bytes(self) -> None:
        """Let go of a large file's bytes once parsed, keeping their size and CRC-32 so that
        placing a problem inside a field (rare) can read the same bytes again."""
        data = self.file_data
        if data is not None and len(data) > KEEP_BYTES:
            self.let_go = (len(data), zlib.crc32(data))
            self.file_data = None

    def read_again(self) -> bytes | None:
        """The bytes let go of, read again; None if the file is no longer the same."""
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        return data if (len(data), zlib.crc32(data)) == self.let_go else None

    def blank_side(self, text: str, node: yn.Node, where: str, card_id: str | None) -> None:
        """An error for a side that shows nothing once made safe (Anki would make no card)."""
        if not ("<" in text or "&" in text or "]:" in text or not (
                text[0].isalnum() or _ALNUM.search(text))):
            return
        if not plain(text) and "<img" not in markdown(text):
            self.error(node, f"{where}: shows nothing once its HTML is made safe (scripts, "
                       "styles, comments and unknown tags are removed); write text a student "
                       "can read", card_id)

    def _error_count(self) -> int:
        """Errors reported so far: counted as they come, not over every diagnostic per card
        (that made 20,000 cards without a source, 20,000 warnings, take 39 s to load)."""
        return self.errors_reported

    # -- the deck --------------------------------------------------------------------------
    def sources(self, top: yn.Map) -> tuple[SourceModel, ...]:
        node = top.get("sources")
        if node is None or (isinstance(node, yn.Scalar) and node.is_null):
            return ()
        if not isinstance(node, yn.Seq):
            self.error(node, f"sources: expected a list, found {yn.kind_of(node)}")
            return ()
        found: dict[str, SourceModel] = {}
        for i, item in enumerate(node.items):
            where = f"sources[{i}]"
            if not isinstance(item, yn.Map):
                self.error(item, f"{where}: a source must be a mapping with id and citation")
                continue
            self.unknown_keys(item, SOURCE_KEYS, where)
            source_id = self.text(item, "id", where, required=True)
            citation = self.text(item, "citation", where, required=True)
            url = self.text(item, "url", where, required=False)
            if url is not None and resolver.web_url(url) is None:
                self.error(item.values["url"], f"{where}.url: '{url[:200]}' is not an http(s) "
                           "or doi: address; it is shown as text and never opened")
            if citation is not None:
                self.html_refs(citation, item.values["citation"], f"{where}.citation")
            if source_id is None or citation is None:
                continue
            if source_id in found:
                self.error(item.values["id"], f"{where}.id: duplicate source id '{source_id}'")
                continue
            name = self.text(item, "name", where, required=False)
            found[source_id] = SourceModel(source_id, citation, url, item.line, name)
        return tuple(found.values())

    def finish(self, top: yn.Map, cards_node: yn.Node | None) -> Deck | None:
        where = "deck"
        self.unknown_keys(top, DECK_KEYS, "top level")
        fmt = top.get("format")
        if fmt is not None and not (isinstance(fmt, yn.Scalar) and fmt.value == "1"):
            self.error(fmt, f"format: this version of omtquiz reads format {FORMAT_VERSION}")
        deck_id = self.text(top, "deck", where, required=True)
        if deck_id is not None and not SLUG_RE.match(deck_id):
            self.error(top.values["deck"], f"deck: '{deck_id}' is not a slug (lowercase letters, "
                       "digits and single hyphens, e.g. omt-techniques)")
            deck_id = None
        title = self.text(top, "title", where, required=True)
        parent = self.text(top, "parent", where, required=False)
        description = self.text(top, "description", where, required=False) or ""
        if description:
            self.html_refs(description, top.values["description"], "description")
        deck_tags = self.tags(top, "top level")
        sources = self.sources(top)
        preferred = self.preferred_source(top, sources)
        self.resolve_versions(sources, preferred)
        facts.expand(self, top, sources, preferred)
        drills.expand(self, top, sources)
        if cards_node is None:
            if not {"generate", "drills"} & set(top.keys):  # generated cards need no cards:
                self.error(top, "deck: missing 'cards' (a list of cards)")
        elif not isinstance(cards_node, yn.Seq):
            self.error(cards_node, f"cards: expected a list, found {yn.kind_of(cards_node)}")
        self.check_sources(sources)
        self.check_mcq_choices()
        if deck_id is None or title is None:
            return None
        cards = []
        # Each card's fields and nodes are let go as its Card is made: the memory they free is
        # what the next Cards take, instead of all of both at once (100,000 cards: -10 MB).
        pending, self.card_kwargs = self.card_kwargs, []
        with_deck_tags: dict[tuple, tuple] = {}  # a card's own tags -> with the deck's
        for n, kwargs in enumerate(pending):
            pending[n] = None
            kwargs.pop("_node", None)
            kwargs.pop("_where", None)
            if deck_tags:
                own = kwargs["tags"]
                merged = with_deck_tags.get(own)
                if merged is None:
                    merged = with_deck_tags[own] = tuple(dict.fromkeys((*deck_tags, *own)))
                kwargs["tags"] = merged
            cards.append(Card(deck_id=deck_id, **kwargs))
        return Deck(id=deck_id, title=title, path=str(self.path), cards=tuple(cards),
                    sources=sources, parent=parent, description=description, tags=deck_tags,
                    line=top.line)

    def preferred_source(self, top: yn.Map, sources: tuple[SourceModel, ...]) -> str | None:
        value = self.text(top, "preferred_source", "deck", required=False)
        known = {s.id for s in sources}
        if value is not None and value not in known:
            self.unknown_source(top.values["preferred_source"], "preferred_source", value, known)
            return None
        return value

    def check_sources(self, sources: tuple[SourceModel, ...]) -> None:
        known = {s.id for s in sources}
        cited = set(self.cited_by_versions)
        listed, suggester = None, None
        for value, line, column, card_id, where in self.source_refs:
            cited.add(value)
            if value not in known:
                listed = listed or listing(known, "none listed under sources:")
                suggester = suggester or Suggester(known)
                hint = suggester.hint(value)
                self.report(line, column, f"{where}.source: unknown source '{value}'{hint} "
                            f"(known: {listed})", card_id=card_id or None)
                self.card_kwargs = [k for k in self.card_kwargs if k["id"] != card_id]
        for source in sources:
            if source.id not in cited:
                self.report(source.line, 1, f"sources: '{source.id}' is never cited by a card",
                            severity=Severity.WARNING)

    def check_mcq_choices(self) -> None:
        answers = [k["answer"] for k in self.card_kwargs if k["type"] == "mcq"]
        pool = {a.strip().casefold() for a in answers}
        keep = []
        for kwargs in self.card_kwargs:
            if kwargs["type"] == "mcq" and not kwargs["distractors"]:
                own = kwargs["answer"].strip().casefold()
                if len(pool) - (own in pool) == 0:  # no other answer (not a set copy per card)
                    node = kwargs["_node"]
                    self.error(node, f"cards: mcq '{kwargs['id']}' has fewer than 2 choices: "
                               "give it distractors, or add more mcq cards to the deck",
                               kwargs["id"])
                    continue
            keep.append(kwargs)
        self.card_kwargs = keep


def _line_col_of_offset(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _too_big(size: int, reader: _Reader, max_bytes: int) -> bool:
    if size > max_bytes:
        reader.report(1, 1, f"file is {size / 2**20:.1f} MiB; decks larger than "
                      f"{max_bytes // 2**20} MiB are refused")
    return size > max_bytes


def _read_data(path: Path, reader: _Reader, max_bytes: int, held: list[bytes]) -> int | None:
    """The file's length in characters, its bytes checked to be UTF-8 text that is not empty
    and kept in `reader.file_data`; taken out of `held` when the caller has read them already.

    The text is decoded only to check it and dropped: the parser reads the bytes (given text,
    it would make a UTF-8 copy of its own), so a large deck is not held two or three times."""
    data = held.pop() if held else None
    if data is None:
        try:
            if _too_big(path.stat().st_size, reader, max_bytes):
                return None
            data = path.read_bytes()
        except OSError as exc:
            reader.report(1, 1, f"cannot read file: {exc.strerror or exc}")
            return None
    elif _too_big(len(data), reader, max_bytes):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _line_col_of_offset(data, exc.start)
        reader.report(line, column, f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded "
                      "(save the file as UTF-8)")
        return None
    if not text or text.isspace():  # not text.strip(): no copy of the whole file
        reader.report(1, 1, "file is empty: a deck needs deck, title and cards")
        return None
    reader.file_data = data
    return len(text)


def _yaml_error_place(exc: yaml.YAMLError, data: bytes) -> tuple[int, int, str]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    # A reader error's text ends with the stream's name and offset: the place says it better.
    problem = getattr(exc, "problem", None) or str(exc).split("\n", 1)[0]
    context = getattr(exc, "context", None)
    message = f"not valid YAML: {problem}" + (f" ({context})" if context else "")
    if mark is not None:
        return mark.line + 1, mark.column + 1, message
    position = getattr(exc, "position", None)
    if isinstance(position, int):  # a byte offset into what the parser read
        return (*_line_col_of_offset(data, min(position, len(data))), message)
    return 1, 1, message


def _compose(chars: int, reader: _Reader) -> Deck | None:
    reader.budget.spend(chars, 1, 1, "the file's own text")
    composer = yn.Composer(yn.events(reader.file_data), reader.budget)
    reader.composer_problems = composer.problems
    composer.next_event()  # StreamStart
    start = composer.next_event()
    if isinstance(start, yn.StreamEndEvent):
        reader.report(1, 1, "file is empty: a deck needs deck, title and cards")
        return None
    first = composer.next_event()
    if not isinstance(first, yn.MappingStartEvent):
        node = composer.compose(first)
        reader.error(node, f"the top level must be a mapping (deck:, title:, cards:), found "
                     f"{yn.kind_of(node)}")
        return None
    top = yn.Map(first.start_mark.line + 1, first.start_mark.column + 1)
    cards_node = None
    while True:
        event = composer.next_event()
        if isinstance(event, yn.MappingEndEvent):
            break
        key = composer.compose(event)
        value_event = composer.next_event()
        if (isinstance(key, yn.Scalar) and key.value == "cards" and "cards" not in top.keys
                and isinstance(value_event, yn.SequenceStartEvent)):
            cards_node = yn.Seq(value_event.start_mark.line + 1, value_event.start_mark.column + 1)
            top.keys["cards"] = key
            top.values["cards"] = cards_node
            index = 0
            while not isinstance(event := composer.next_event(), yn.SequenceEndEvent):
                reader.card(index, composer.compose(event))
                index += 1
            continue
        value = composer.compose(value_event)
        if not isinstance(key, yn.Scalar):
            reader.error(key, "a mapping key must be plain text")
            continue
        if key.value in top.keys:
            reader.error(key, f"duplicate key '{key.value}' (first given at line "
                         f"{top.keys[key.value].line})")
            continue
        top.keys[key.value], top.values[key.value] = key, value
        if key.value == "cards":
            cards_node = value
            if isinstance(value, yn.Seq):  # an alias to a list: the cards were not streamed
                for index, item in enumerate(value.items):
                    reader.card(index, item)
    end = composer.next_event()
    yn.expect(end, yn.DocumentEndEvent, "expected the end of the document")
    after = composer.next_event()
    if not isinstance(after, yn.StreamEndEvent):
        line, column = after.start_mark.line + 1, after.start_mark.column + 1
        reader.report(line, column, "a deck file holds one YAML document; remove this '---' "
                      "and what follows, or move it to its own file")
    del composer  # and with it the parser, which holds the file's bytes
    reader.release_bytes()
    for line, column, message in reader.composer_problems:
        reader.report(line, column, message)
    deck = reader.finish(top, cards_node)
    if isinstance(cards_node, yn.Seq) and not reader.card_ids and not reader.cards_read:
        reader.report(cards_node.line, cards_node.column, "cards: the list is empty",
                      severity=Severity.WARNING)
    return deck


def load_deck_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES,
                   data: bytes | None = None) -> DeckFile:
    """Read one deck file; every outcome is a DeckFile, whatever the bytes.

    `data`, when given, is the file's content already read (the parse cache hashes it): it is
    parsed instead of reading the file again, so the result is that of exactly these bytes.
    """
    return load_deck_bytes(path, [] if data is None else [data], max_bytes=max_bytes)


def load_deck_bytes(path: str | os.PathLike[str], held: list[bytes], *,
                    max_bytes: int = MAX_BYTES) -> DeckFile:
    """`load_deck_file` of the bytes in `held` (the file is read when it is empty), which
    this takes out: when the list held the only reference, a large file's bytes are let go
    of once parsed, before the cards are made."""
    path = Path(path)
    reader = _Reader(path, display_path(path))
    deck = None
    with gc_paused():
        try:
            chars = _read_data(path, reader, max_bytes, held)
            if chars is not None:
                deck = _compose(chars, reader)
        except _TooMany:
            deck = None
        except yn.YamlProblem as exc:
            reader.diagnostics.extend(  # what the composer noted before it had to stop
                Diagnostic(reader.shown, line, column, Severity.ERROR, message)
                for line, column, message in reader.composer_problems[:MAX_DIAGNOSTICS])
            reader.diagnostics.append(Diagnostic(reader.shown, exc.line, exc.column,
                                                 Severity.ERROR, exc.message))
        except yaml.YAMLError as exc:
            line, column, message = _yaml_error_place(exc, reader.file_data or b"")
            reader.diagnostics.append(Diagnostic(reader.shown, line, column, Severity.ERROR,
                                                 message))
        except (MemoryError, RecursionError) as exc:
            reader.diagnostics.append(Diagnostic(reader.shown, 1, 1, Severity.ERROR,
                                                 f"file is too large or deep to read ({exc!r})"))
        except Exception as exc:  # a bug of ours must not take the other decks down with it
            deck = None
            reader.diagnostics.append(Diagnostic(
                reader.shown, 1, 1, Severity.ERROR,
                f"{INTERNAL_ERROR}: {type(exc).__name__}: {exc} (please report this file)"))
    ordered = tuple(sorted(reader.diagnostics, key=lambda d: (d.line, d.column)))
    return DeckFile(str(path), deck, ordered, tuple(dict.fromkeys(reader.files)))

