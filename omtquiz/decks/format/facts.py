"""Facts (the `records:` key) and generate rules: a fact written once, asked many ways.

A deck may hold `records:` (things of one kind with named fields, such as techniques with their
description, method and contraindications) and `generate:` rules whose templates name those
fields in braces (`"Which of these is a contraindication to {name}?"`). Every rule makes one
card per record that has every field the rule uses, with the id `<record id>--<rule id>`: stable
however the other records change, so students keep their progress. A multiple-choice rule draws
its wrong choices from the same field of the other records, never from anything true of this
record, and picks them by a hash of the card id, so adding a record seldom changes old cards.

The loader calls `expand` once per file after reading its sources; generated cards then go
through the same checks (duplicate ids, sources, choices) as cards written by hand.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from omtquiz.decks import cloze
from omtquiz.decks.format import nodes as yn
from omtquiz.decks.format.ids import SLUG_RE, Suggester, did_you_mean, listing
from omtquiz.decks.format.points import point_from_texts
from omtquiz.decks.model import CARD_TYPES, CLOZE_RE, CardType, Source, Version
from omtquiz.digest import blake2b

RULE_TEXT_KEYS = {
    "basic": (("front", "back"), ()),
    "reverse": (("front", "back"), ()),
    "cloze": (("text",), ("extra",)),
    "mcq": (("question",), ("answer",)),
    "point": (("image", "spot", "label"), ("front", "question", "extra", "sides", "ask",
                                           "follow_up", "follow_answer", "cue", "axis")),
}
# A point rule's follow-up (item 2) is made only for records that have what it names: a record
# without it still gets its map card, without the follow-up.
OPTIONAL_TEMPLATES = ("explanation", "follow_up", "follow_answer")
RULE_COMMON_KEYS = ("id", "type", "tags", "explanation")
MCQ_KEYS = ("answer_from", "distractors_from", "distractors")
POINT_KEYS = ("follow_from", "distractors")
RESERVED = ("id", "source", "tags", "accept", "wrong")
MAX_VERSIONS = 50  # sources that disagree on one answer; more is not a deck but an attack
GENERATED_DISTRACTORS = 3  # with the answer, the four choices a quiz and an Anki export show
NEIGHBOURS = 64  # values of other records a generated mcq chooses its distractors among
MAX_WALK = 1024  # ring steps a card may take looking for choices that are not give-aways
PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w-]*)\}")
CLOZE_IN_TEMPLATE = re.compile(r"\{\{c\d+::")
WHOLE_FIELD_DELETION = re.compile(r"\{\{c(\d+)::\s*\{([A-Za-z_][\w-]*)\}\s*(?:::.*?)?\}\}")
# A choice this much longer or shorter than the answer gives it away (the lint warns of it too).
GIVEAWAY_RATIO = 2.5
GIVEAWAY_CHARS = 20

C0_MESSAGE = "{{c0::...}}: cloze numbers start at 1, as in {{c1::answer}}"


def range_message(number: str) -> str:
    shown = number if len(number) <= 12 else number[:12] + "…"
    return (f"{{{{c{shown}::...}}}}: cloze numbers run from {cloze.MIN_NUMBER} to "
            f"{cloze.MAX_NUMBER} (Anki makes no more cards than that from one note)")


FieldValue = str | tuple[str, ...]


def folded(text: str) -> str:
    """An answer as compared with another an author wrote: case and spacing set aside."""
    return _fold(text)


def preferred_version(versions, preferred: str | None, own_source: str | None):
    """The version shown as the answer: the deck's preferred source's, else the one of the card's
    (or record's) own source, else the first written."""
    for wanted in (preferred, own_source):
        found = next((v for v in versions if wanted is not None and v.source == wanted), None)
        if found is not None:
            return found
    return versions[0]


def replace_deletion(text: str, ord_: int, answer: str) -> str:
    """The cloze text with every deletion c(ord_+1) saying `answer` (its hint kept)."""
    def sub(match: re.Match) -> str:
        if int(match.group(1)) != ord_ + 1:
            return match.group(0)
        hint = f"::{match.group(3)}" if match.group(3) is not None else ""
        return f"{{{{c{match.group(1)}::{answer}{hint}}}}}"

    return CLOZE_RE.sub(sub, text)


def has_c0(text: str) -> bool:
    """Whether a cloze text numbers a deletion 0 (it would be asked as the item of ord -1)."""
    return any(match.number == 0 for match in CLOZE_RE.finditer(text))


@dataclass
class _Record:
    id: str
    node: yn.Map
    where: str
    fields: dict[str, FieldValue]
    tags: tuple[str, ...] = ()
    source: str | None = None
    versions: dict[str, tuple[Version, ...]] = field(default_factory=dict)  # per source
    accept: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other right answers
    wrong: dict[str, tuple[str, ...]] = field(default_factory=dict)  # wrong choices only

    def values(self, name: str) -> tuple[str, ...]:
        """Everything true of the record's field: its values, every source's version and the
        answers it accepts."""
        others = tuple(v.answer for v in self.versions.get(name, ()))
        return tuple(dict.fromkeys((*self.own(name), *others, *self.accept.get(name, ()))))

    def own(self, name: str) -> tuple[str, ...]:
        """The field's value as asked (the preferred version), without the other right answers:
        what the record lends other records as a wrong choice."""
        value = self.fields.get(name)
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else value


@dataclass
class _Rule:
    id: str
    type: str
    node: yn.Map
    where: str
    templates: dict[str, str]
    tags: tuple[str, ...] = ()
    answer_from: str | None = None
    distractors_from: str | None = None
    distractors: tuple[str, ...] = ()
    uses: tuple[str, ...] = field(default_factory=tuple)
    ring: list[tuple[bytes, str, str]] | None = None  # see _ring
    follow_from: tuple[str, ...] = ()  # point: the fields a follow-up is answered from
    by_field: dict[str, _Rule] = field(default_factory=dict)  # point: one per follow_from field


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def expand(reader, top: yn.Map, sources: tuple[Source, ...], preferred: str | None = None) -> None:
    """Check `records:` and `generate:` and add the cards they make to the reader's cards."""
    records_node, rules_node = top.get("records"), top.get("generate")
    if records_node is None and rules_node is None:
        return
    labels = {s.id: s.label for s in sources}
    records = _records(reader, records_node, labels, preferred)
    reader.fact_records = records  # a drills: entry may read them (counterstrain set-ups)
    fields = {name for record in records for name in record.fields} | {"id"}
    rules = _rules(reader, rules_node, fields)
    if records and rules_node is None:
        reader.warn(top.keys["records"], "records: no `generate:` rules make cards from these "
                    "records")
    if rules and not records:
        reader.warn(top.keys["generate"], "generate: there are no `records:` to make cards from")
    for rule in rules:
        made = [card for record in records
                if (card := _card(reader, rule, record, records)) is not None]
        if not made and records:
            reader.warn(rule.node, f"{rule.where}: rule '{rule.id}' makes no cards: no record "
                        f"has all of {', '.join(rule.uses)}")


def _mappings(reader, node: yn.Node | None, key: str,
              must_be: str) -> Iterator[tuple[str, yn.Map]]:
    """Each mapping in the list under `key`, with where it stands (`key[3]`); a missing or null
    list is empty, and anything not a list or not a mapping is reported (`must_be` says what
    an entry must be) and skipped."""
    if node is None or (isinstance(node, yn.Scalar) and node.is_null):
        return
    if not isinstance(node, yn.Seq):
        reader.error(node, f"{key}: expected a list, found {yn.kind_of(node)}")
        return
    for index, item in enumerate(node.items):
        where = f"{key}[{index}]"
        if isinstance(item, yn.Map):
            yield where, item
        else:
            reader.error(item, f"{where}: {must_be}, found {yn.kind_of(item)}")


# -- records ---------------------------------------------------------------------------------
def _records(reader, node: yn.Node | None, labels: dict[str, str],
             preferred: str | None) -> list[_Record]:
    known_sources = set(labels)
    found: dict[str, _Record] = {}
    suggester: Suggester | None = None  # made at the first unknown source, for them all
    for where, item in _mappings(reader, node, "records", "a record must be a mapping of fields"):
        record_id = reader.text(item, "id", where, required=True)
        if record_id is None:
            continue
        if not SLUG_RE.match(record_id):
            reader.error(item.values["id"], f"{where}.id: '{record_id}' is not a slug "
                         "(lowercase letters, digits and single hyphens, e.g. muscle-energy)")
            continue
        if record_id in found:
            reader.error(item.values["id"], f"{where}.id: duplicate record id '{record_id}' "
                         f"(first used at line {found[record_id].node.line})")
            continue
        record = _Record(record_id, item, where, _fields(reader, item, where),
                         reader.tags(item, where))
        value = reader.source(item, where, "record")
        if value is not None and value not in known_sources:
            listed = listing(known_sources, "none listed under sources:")
            suggester = suggester or Suggester(known_sources)
            reader.error(item.values["source"], f"{where}.source: unknown source '{value}'"
                         f"{suggester.hint(value)} (known: {listed})")
            continue
        record.source = value
        _versioned_fields(reader, record, labels, preferred)
        record.accept = _field_lists(reader, record, "accept")
        record.wrong = _field_lists(reader, record, "wrong")
        found[record_id] = record
    return list(found.values())


def _fields(reader, item: yn.Map, where: str) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {"id": item.values["id"].value}
    for name, value in item.values.items():
        if name in RESERVED:
            continue
        if isinstance(value, yn.Scalar):
            if not value.is_null and value.value.strip():
                fields[name] = value.value
        elif isinstance(value, yn.Seq):
            items = tuple(v for v, _ in reader.text_list(item, name, where))
            if items:
                fields[name] = items
        elif isinstance(value, yn.Map):
            pass  # one version per source: read by `_versioned_fields`, once sources are known
        else:
            reader.error(value, f"{where}.{name}: a field holds text, a list of text or one "
                         f"version per source, found {yn.kind_of(value)}")
    return fields


def _versioned_fields(reader, record: _Record, labels: dict[str, str],
                      preferred: str | None) -> None:
    """Fields written `{source-id: value, ...}`: the preferred version is the field's value."""
    for name, value in record.node.values.items():
        if name in RESERVED or not isinstance(value, yn.Map):
            continue
        where = f"{record.where}.{name}"
        versions: list[Version] = []
        if len(value.values) > MAX_VERSIONS:
            reader.error(value, f"{where}: {len(value.values)} versions; at most "
                         f"{MAX_VERSIONS} sources can be told apart in a field")
            continue
        seen: dict[str, Version] = {}
        for source, node in value.values.items():
            if source not in labels:
                reader.unknown_source(value.keys[source], where, source, labels)
                continue
            reader.cited_by_versions.add(source)
            if not isinstance(node, yn.Scalar) or node.is_null or not node.value.strip():
                reader.error(node, f"{where}.{source}: expected text, found {yn.kind_of(node)}")
                continue
            same = seen.get(_fold(node.value))
            if same is not None:
                reader.error(node, f"{where}.{source}: '{node.value}' is the same as the version "
                             f"of '{same.source}': give one source's version once")
                continue
            versions.append(Version(0, source, labels[source], node.value))
            seen[_fold(node.value)] = versions[-1]
        if not versions:
            continue
        if len(versions) == 1:
            reader.warn(value, f"{where}: only one version; versions are for sources that "
                        "disagree (cite a single source with 'source:')")
        record.fields[name] = preferred_version(versions, preferred, record.source).answer
        record.versions[name] = tuple(versions)


def _field_lists(reader, record: _Record, key: str) -> dict[str, tuple[str, ...]]:
    """`accept:` or `wrong:`, a mapping from a field's name to a list of text."""
    node = record.node.get(key)
    if node is None or (isinstance(node, yn.Scalar) and node.is_null):
        return {}
    where = f"{record.where}.{key}"
    if not isinstance(node, yn.Map):
        reader.error(node, f"{where}: expected a mapping of field names to lists, such as "
                     f"{{level: [...]}}, found {yn.kind_of(node)}")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for name in node.values:
        if name not in record.fields:
            reader.error(node.keys[name], f"{where}.{name}: the record has no field '{name}'"
                         f"{did_you_mean(name, record.fields)}")
            continue
        values = tuple(v for v, _ in reader.text_list(node, name, where))
        if key == "wrong":
            true = {_fold(v) for v in record.values(name)}
            for text in values:
                if _fold(text) in true:
                    reader.error(node.values[name], f"{where}.{name}: '{text}' is true of this "
                                 "record; a wrong choice must be wrong")
            values = tuple(v for v in values if _fold(v) not in true)
        out[name] = values
    return out


# -- rules -----------------------------------------------------------------------------------
def _rules(reader, node: yn.Node | None, fields: set[str]) -> list[_Rule]:
    rules: dict[str, _Rule] = {}
    for where, item in _mappings(reader, node, "generate", "a rule must be a mapping"):
        errors_before = reader._error_count()
        rule_id = reader.text(item, "id", where, required=True)
        if rule_id is not None and not SLUG_RE.match(rule_id):
            reader.error(item.values["id"], f"{where}.id: '{rule_id}' is not a slug (lowercase "
                         "letters, digits and single hyphens, e.g. name-from-description)")
        elif rule_id is not None and rule_id in rules:
            reader.error(item.values["id"], f"{where}.id: duplicate rule id '{rule_id}' (first "
                         f"used at line {rules[rule_id].node.line})")
        card_type = reader.text(item, "type", where, required=False) or "basic"
        if card_type not in RULE_TEXT_KEYS:
            reader.error(item.values["type"], f"{where}.type: '{card_type}' is not one of "
                         f"{', '.join(CARD_TYPES)}{did_you_mean(card_type, CARD_TYPES)}")
            continue
        rule = _Rule(rule_id or "", card_type, item, where, {}, reader.tags(item, where))
        _rule_fields(reader, rule, fields)
        if reader._error_count() == errors_before and rule_id is not None:
            rules[rule_id] = rule
    return list(rules.values())


def _rule_fields(reader, rule: _Rule, fields: set[str]) -> None:
    item, where = rule.node, rule.where
    required, optional = RULE_TEXT_KEYS[rule.type]
    mcq_keys = {CardType.MCQ: MCQ_KEYS, CardType.POINT: POINT_KEYS}.get(rule.type, ())
    allowed = RULE_COMMON_KEYS + required + optional + mcq_keys
    reader.unknown_keys(item, allowed, where)
    if rule.type == CardType.POINT:
        _follow_up_keys(reader, rule, fields)
    if rule.type == CardType.MCQ:
        for key in ("answer_from", "distractors_from"):
            value = reader.text(item, key, where, required=False)
            if value is None:
                continue
            if value not in fields:
                reader.error(item.values[key], f"{where}.{key}: no record has a field "
                             f"'{value}'{did_you_mean(value, fields)}")
            setattr(rule, key, value)
        rule.distractors = tuple(v for v, _ in reader.text_list(item, "distractors", where))
    for key in (*required, *optional, "explanation"):
        needed = key in required or (rule.type == CardType.MCQ and key == "answer"
                                     and rule.answer_from is None)
        value = reader.text(item, key, where, required=needed)
        if value is not None:
            rule.templates[key] = value
    if rule.answer_from is not None and "answer" in rule.templates:
        reader.error(item.values["answer_from"], f"{where}: give either 'answer' or "
                     "'answer_from', not both")
    if rule.type == CardType.CLOZE and "text" in rule.templates and not CLOZE_IN_TEMPLATE.search(
            rule.templates["text"]):
        reader.error(item.values["text"], f"{where}.text: a cloze needs at least one deletion "
                     "such as {{c1::{name}}}")
    elif rule.type == CardType.CLOZE and has_c0(rule.templates.get("text", "")):
        reader.error(item.values["text"], f"{where}.text: {C0_MESSAGE}")
    elif rule.type == "cloze" and (wrong := cloze.out_of_range(rule.templates.get("text", ""))):
        reader.error(item.values["text"], f"{where}.text: {range_message(wrong)}")
    uses = []
    for key, template in rule.templates.items():
        for match in PLACEHOLDER.finditer(template):
            name = match.group(1)
            if name not in fields:
                reader.error(item.values[key], f"{where}.{key}: no record has a field "
                             f"'{name}'{did_you_mean(name, fields)} (fields are written "
                             "{like_this})")
            elif key not in OPTIONAL_TEMPLATES:
                uses.append(name)
    if rule.answer_from:
        uses.append(rule.answer_from)
    rule.uses = tuple(dict.fromkeys(uses))


def _follow_up_keys(reader, rule: _Rule, fields: set[str]) -> None:
    """A point rule's follow-up: `follow_up` (the question), its answer from `follow_answer`
    (a template) or `follow_from` (a field, or a list of fields of which each record has one:
    the answer is its value, the wrong choices other records' values of that same field), and
    fixed wrong choices in `distractors`."""
    item, where = rule.node, rule.where
    node = item.get("follow_from")
    if node is not None:
        names = [value for value, _ in reader.text_list(item, "follow_from", where)] \
            if isinstance(node, yn.Seq) \
            else [reader.text(item, "follow_from", where, required=False) or ""]
        for name in names:
            if name not in fields:
                reader.error(node, f"{where}.follow_from: no record has a field "
                             f"'{name}'{did_you_mean(name, fields)}")
        rule.follow_from = tuple(n for n in names if n)
    rule.distractors = tuple(v for v, _ in reader.text_list(item, "distractors", where))
    asks = "follow_up" in item.keys
    answered = "follow_answer" in item.keys or node is not None
    if asks != answered:
        reader.error(item, f"{where}: a follow-up needs both 'follow_up' (the question) and "
                     "'follow_answer' or 'follow_from' (its answer)")
    if "follow_answer" in item.keys and node is not None:
        reader.error(node, f"{where}: give either 'follow_answer' or 'follow_from', not both")
    if not asks and "distractors" in item.keys:
        reader.error(item.values["distractors"], f"{where}.distractors: a point rule's "
                     "distractors are its follow-up's wrong choices; give 'follow_up' too")


# -- cards -----------------------------------------------------------------------------------
class _Missing(Exception):
    """A record lacks a field a template names: the rule makes no card for it."""


class _TooLong(Exception):
    """A template filled from a record would make a field longer than any field may be."""

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length


def _fill(template: str, record: _Record) -> str:
    """The template with each {field} replaced; its length is known before anything is joined,
    so a template naming a long field many times fails fast instead of filling memory."""
    values, length = [], len(template)
    for match in PLACEHOLDER.finditer(template):
        value = record.fields.get(match.group(1))
        if value is None:
            raise _Missing
        if not isinstance(value, str):
            length += sum(len(v) for v in value) + 2 * max(len(value) - 1, 0)
            if length > yn.MAX_FIELD_CHARS:
                raise _TooLong(length)
            value = ", ".join(value)
        else:
            length += len(value)
        if length > yn.MAX_FIELD_CHARS:
            raise _TooLong(length)
        values.append(value)
    if not values:
        return template
    filled = iter(values)
    return PLACEHOLDER.sub(lambda _: next(filled), template)


def _fill_optional(template: str | None, record: _Record) -> str | None:
    """An explanation template filled, or None when the record lacks a field it names."""
    if template is None:
        return None
    try:
        return _fill(template, record)
    except _Missing:
        return None


def _card(reader, rule: _Rule, record: _Record, records: list[_Record]) -> dict | None:
    """The card kwargs `rule` makes from `record`, added to the reader; None if it makes none."""
    if any(name not in record.fields for name in rule.uses):
        return None
    card_id = f"{record.id}--{rule.id}"
    try:
        texts = {key: _fill(template, record) for key, template in rule.templates.items()
                 if key not in OPTIONAL_TEMPLATES}
        explanation = _fill_optional(rule.templates.get("explanation"), record)
        if rule.type == CardType.POINT:
            texts.update(_follow_up(rule, record))
    except _Missing:
        return None
    except _TooLong as exc:
        reader.error(record.node, f"{record.where}: rule '{rule.id}' makes card '{card_id}' "
                     f"with a field of {exc.length:,} characters; a field holds at most "
                     f"{yn.MAX_FIELD_CHARS:,}")
        return None
    reader.budget.spend(sum(map(len, texts.values())) + len(explanation or ""),
                        record.node.line, record.node.column, "generated cards")
    errors_before = reader._error_count()
    for key, text in texts.items():
        where = f"{record.where}: rule '{rule.id}' makes card '{card_id}' whose {key}"
        reader.html_refs(text, record.node, where, card_id)
        reader.blank_side(text, record.node, where, card_id)
    if reader._error_count() > errors_before:
        return None
    if rule.type == CardType.CLOZE and has_c0(texts["text"]):
        reader.error(record.node, f"{record.where}: rule '{rule.id}' makes card '{card_id}' "
                     f"with {C0_MESSAGE} (from this record's fields)")
        return None
    if rule.type == "cloze" and (wrong := cloze.out_of_range(texts["text"])):
        reader.error(record.node, f"{record.where}: rule '{rule.id}' makes card '{card_id}' "
                     f"with {range_message(wrong)} (from this record's fields)")
        return None
    kwargs: dict = {"id": card_id, "type": rule.type, "line": record.node.line, **texts,
                    "tags": tuple(dict.fromkeys((*rule.tags, *record.tags))), "_node": record.node}
    if explanation:
        kwargs["explanation"] = explanation
    asked = _answer_fields(rule)
    kwargs["record"] = record.id
    kwargs["versions"] = tuple(v._replace(ord=ord_) for ord_, name in asked.items()
                               for v in record.versions.get(name, ()))
    kwargs["accept"] = tuple((ord_, text) for ord_, name in asked.items()
                             for text in record.accept.get(name, ()))
    if rule.type == CardType.MCQ:
        if rule.answer_from:
            kwargs["answer"] = record.values(rule.answer_from)[0]
        distractors = _distractors(rule, record, records, card_id, kwargs["answer"],
                                   asked.get(0))
        if rule.distractors_from and not distractors:
            reader.warn(record.node, f"{record.where}: rule '{rule.id}' finds no wrong choice "
                        f"for '{record.id}' in the other records' '{rule.distractors_from}' "
                        "(each is true of this record); no card made")
            return None
        kwargs["distractors"] = distractors
    if rule.type == CardType.POINT and kwargs.get("follow_up"):
        asked = _follow_rule(rule, record)
        kwargs["distractors"] = _distractors(asked, record, records, card_id,
                                             kwargs["follow_answer"], asked.answer_from)
        if not kwargs["distractors"]:
            reader.warn(record.node, f"{record.where}: rule '{rule.id}' finds no wrong choice "
                        f"for the follow-up of '{record.id}'; its map card has no follow-up")
            del kwargs["follow_up"], kwargs["follow_answer"]
    if rule.type == CardType.POINT and not point_from_texts(reader, record.node, kwargs,
                                                             record.where):
        return None
    if card_id in reader.card_ids:
        reader.error(record.node.values["id"], f"{record.where}: rule '{rule.id}' makes card id "
                     f"'{card_id}', already used at line {reader.card_ids[card_id]}")
        return None
    reader.card_ids[card_id] = record.node.line
    if record.source is not None:
        reader.cite(record.source, record.node.values["source"], card_id, record.where)
        kwargs["source"] = record.source
    reader.card_kwargs.append(kwargs)
    return kwargs


def _follow_up(rule: _Rule, record: _Record) -> dict[str, str]:
    """A point card's follow-up question and answer from `record`, or nothing when the record
    lacks a field they name."""
    question = _fill_optional(rule.templates.get("follow_up"), record)
    if rule.follow_from:
        asked = _follow_rule(rule, record).answer_from
        answers = record.values(asked) if asked else ()
        answer = answers[0] if answers else None
    else:
        answer = _fill_optional(rule.templates.get("follow_answer"), record)
    if not question or not answer:
        return {}
    return {"follow_up": question, "follow_answer": answer}


def _follow_rule(rule: _Rule, record: _Record) -> _Rule:
    """The rule as it answers `record`'s follow-up: from the first `follow_from` field the
    record has, with wrong choices from that field (each field keeps its own ring)."""
    name = next((n for n in rule.follow_from if n in record.fields), None)
    if name is None:
        return rule
    if name not in rule.by_field:
        rule.by_field[name] = dataclasses.replace(rule, answer_from=name, distractors_from=name,
                                                  ring=None, by_field={})
    return rule.by_field[name]


def giveaway(answer: str, other: str) -> bool:
    """Whether `other` is so much longer or shorter than `answer` that length tells them apart."""
    longer, shorter = max(len(answer), len(other)), min(len(answer), len(other))
    return longer - shorter > GIVEAWAY_CHARS and longer > GIVEAWAY_RATIO * max(shorter, 1)


def _answer_fields(rule: _Rule) -> dict[int, str]:
    """The field each item of the rule's cards answers with, where the answer is one field
    alone (`answer_from`, or a template that is just `{field}`): its versions, accepted
    answers and wrong choices then belong to that item."""
    if rule.type == "mcq":
        if rule.answer_from:
            return {0: rule.answer_from}
        whole = PLACEHOLDER.fullmatch(rule.templates.get("answer", "").strip())
        return {0: whole.group(1)} if whole else {}
    if rule.type in ("basic", "reverse"):
        whole = PLACEHOLDER.fullmatch(rule.templates.get("back", "").strip())
        return {0: whole.group(1)} if whole else {}
    return {int(m.group(1)) - 1: m.group(2)
            for m in WHOLE_FIELD_DELETION.finditer(rule.templates.get("text", ""))}


def _ring(rule: _Rule, records: list[_Record]) -> list[tuple[bytes, str, str]]:
    """Every value of the rule's `distractors_from` field, once each, on a hash ring.

    Built once per rule, so choosing a card's distractors looks at a few neighbours on the ring
    instead of every other record (4,000 records: 50 s before, well under a second now).
    """
    if rule.ring is None:
        pool: dict[str, str] = {}
        for other in records:
            for value in other.own(rule.distractors_from or ""):  # not its synonyms
                pool.setdefault(_fold(value), value)
        rule.ring = sorted((_digest(folded), folded, value) for folded, value in pool.items())
    return rule.ring


def _digest(text: str) -> bytes:
    return blake2b(text.encode(), digest_size=8).digest()


def _distractors(rule: _Rule, record: _Record, records: list[_Record], card_id: str,
                 answer: str, answer_field: str | None = None) -> tuple[str, ...]:
    """Fixed distractors first, then wrong values of the same field from other records.

    Nothing true of this record is ever offered: not the answer, nor any of its own values of
    the field. The candidates are the `NEIGHBOURS` values nearest the card id on a hash ring
    (all of them in a deck of fewer records), ranked by a hash of card id and value: a new
    record only displaces a choice when it lands among a card's neighbours and ranks higher,
    and choices far longer or shorter than the answer (a give-away) are taken only when no
    other is found within `MAX_WALK` steps round the ring (all of it, in smaller decks).
    """
    true = {_fold(answer)}
    for name in (rule.distractors_from, rule.answer_from, answer_field):
        if name:
            true.update(_fold(v) for v in record.values(name))
    chosen: list[str] = []
    fixed = [(text, False) for text in record.wrong.get(answer_field or "", ())]
    fixed += [(text, True) for text in rule.distractors]
    for text, template in fixed:
        try:
            value = _fill(text, record) if template else text
        except (_Missing, _TooLong):
            continue
        if _fold(value) not in true:
            true.add(_fold(value))
            chosen.append(value)
    if not rule.distractors_from:
        return tuple(chosen)
    wanted = max(GENERATED_DISTRACTORS - len(chosen), 0)
    ring = _ring(rule, records)
    start = bisect.bisect_left(ring, (_digest(card_id),))
    candidates: list[tuple[bool, bytes, str]] = []
    fair = odd_ones = 0
    for step in range(min(len(ring), MAX_WALK)):
        _, folded, value = ring[(start + step) % len(ring)]
        if folded in true:
            continue
        odd = giveaway(answer, value)
        if odd and odd_ones >= NEIGHBOURS:
            continue
        fair, odd_ones = fair + (not odd), odd_ones + odd
        candidates.append((odd, _digest(f"{card_id}\0{folded}"), value))
        if fair >= NEIGHBOURS or (len(candidates) >= NEIGHBOURS and fair >= wanted):
            break
    candidates.sort()
    chosen += [value for _, _, value in candidates[:wanted]]
    return tuple(chosen)
