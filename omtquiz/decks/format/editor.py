"""Editing a deck file from the app: add a card, change one, undo, keeping the author's file.

Decks are hand-written YAML with comments, blank lines and a chosen order; an edit made in the
app must leave all of that as it was and change only the card edited. `ruamel.yaml` (this
module is its one owner) reads and writes the file round-trip; the parse that decides what a
deck *means* stays with our loader, which checks the edited text before anything is written:
an edit that would add an error is refused and the file is untouched. Writes are atomic (a
temporary file renamed over the deck), and every edit returns an `Edit` that can be undone
while the file is still as the edit left it.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from omtquiz.decks.format.ids import slugify
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.format.schema import repoint_schema_line
from omtquiz.decks.model import OCCLUSION_MODES, SHAPE_KINDS, Shape
from omtquiz.decks.shape_edit import item_moves, tidy

# Keys in the order a card is written, whatever order the form gave them in.
FIELD_ORDER = ("id", "type", "front", "back", "text", "extra", "question", "answer",
               "distractors", "accept", "explanation", "image", "tags", "source")
LIST_FIELDS = ("distractors", "accept", "tags")


class EditError(Exception):
    """The edit was refused; nothing was written. `problems` lists the loader's reasons."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class Edit:
    """One change to one deck file, and what it takes to undo it.

    An edit of an occlusion card's shapes also says which of its study items became which
    (`moves`: (old ord, new ord or None when gone), only those renumbered or gone), so the
    progress stored under the old numbers can follow the shapes (`study.shape_progress`)."""

    path: Path
    card_id: str
    before: bytes
    after: bytes
    deck_id: str = ""
    moves: tuple[tuple[int, int | None], ...] = ()

    def apply(self) -> None:
        """Write the edit (atomically); refused once the file changed since it was read."""
        if self.path.read_bytes() != self.before:
            raise EditError(f"{self.path.name} changed while the edit was made; try again")
        _write_atomic(self.path, self.after)

    def undo(self) -> None:
        """Put the file back as it was; refused once the file changed since the edit."""
        if self.path.read_bytes() != self.after:
            raise EditError(f"{self.path.name} changed since this edit; undo it by hand")
        _write_atomic(self.path, self.before)


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap an author's long lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _load(path: Path):
    data = path.read_bytes()
    try:
        return data, _yaml().load(data)
    except Exception as exc:  # ruamel raises many kinds; all mean "fix the file by hand"
        raise EditError(f"{path.name} cannot be edited in the app until it parses: {exc}") from None


def _dump(document) -> bytes:
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue().encode("utf-8")


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _value(key: str, value):
    """A form value as YAML: lists stay lists, text with line breaks becomes a `|` block."""
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if key in LIST_FIELDS:
        seq = CommentedSeq([str(v) for v in value])
        seq.fa.set_flow_style()
        return seq
    text = str(value)
    return LiteralScalarString(text.rstrip("\n") + "\n") if "\n" in text else text


def _clean(fields: Mapping[str, object]) -> dict[str, object]:
    """Drop empty fields; `type: basic` is the default and is not written."""
    out: dict[str, object] = {}
    for key in FIELD_ORDER:
        value = fields.get(key)
        if key in LIST_FIELDS:
            value = [str(v).strip() for v in (value or ()) if str(v).strip()]
        elif isinstance(value, str):
            value = value.strip()
        if value and not (key == "type" and value == "basic"):
            out[key] = value
    unknown = sorted(set(fields) - set(FIELD_ORDER))
    if unknown:
        raise EditError(f"unknown card field(s): {', '.join(unknown)}")
    return out


def _cards(document, path: Path):
    cards = document.get("cards") if hasattr(document, "get") else None
    if cards is None:
        raise EditError(f"{path.name} has no cards: list to add to")
    return cards


def _errors(path: Path, data: bytes) -> set[str]:
    result = load_deck_file(path, data=data)
    return {re.sub(r"^cards\[\d+\]", "cards[…]", d.message) for d in result.errors}


def _checked(path: Path, before: bytes, after: bytes, card_id: str) -> None:
    new = _errors(path, after) - _errors(path, before)
    if new:
        raise EditError("the card was not saved: " + "; ".join(sorted(new)), tuple(sorted(new)))


def _check_and_write(path: Path, before: bytes, after: bytes, card_id: str) -> Edit:
    _checked(path, before, after, card_id)
    _write_atomic(path, after)
    return Edit(path, card_id, before, after)


def new_card_id(path: Path, fields: Mapping[str, object]) -> str:
    """An id from the card's first words, unique in the deck (`id` given wins)."""
    _, document = _load(path)
    taken = {str(c.get("id")) for c in _cards(document, path) if hasattr(c, "get")}
    seed = next((str(fields[k]) for k in ("front", "question", "text") if fields.get(k)), "card")
    words = slugify(re.sub(r"\{\{c\d+::|\}\}", " ", seed)).split("-")[:5]
    base = "-".join(words) or "card"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def add_card(path: Path, fields: Mapping[str, object]) -> Edit:
    """Append a card to the deck's `cards:`; the rest of the file is left as it was."""
    from ruamel.yaml.comments import CommentedMap

    path = Path(path)
    before, document = _load(path)
    clean = _clean(fields)
    card_id = str(clean.get("id") or new_card_id(path, clean))
    clean["id"] = card_id
    cards = _cards(document, path)
    if any(hasattr(c, "get") and str(c.get("id")) == card_id for c in cards):
        raise EditError(f"the deck already has a card '{card_id}'")
    card = CommentedMap()
    for key in FIELD_ORDER:
        if key in clean:
            card[key] = _value(key, clean[key])
    cards.append(card)
    return _check_and_write(path, before, _dump(document), card_id)


def card_fields(path: Path, card_id: str) -> dict[str, object]:
    """A written card's fields as the file has them (lists as lists), for an edit form."""
    _, document = _load(Path(path))
    card = _find(document, Path(path), card_id)
    return {str(k): (list(v) if isinstance(v, list) else str(v)) for k, v in card.items()}


def _find(document, path: Path, card_id: str):
    for card in _cards(document, path):
        if hasattr(card, "get") and str(card.get("id")) == card_id:
            return card
    if "--" in card_id:
        raise EditError(f"'{card_id}' is generated from a record by a generate: rule; edit the "
                        "record in the deck file (Open for authoring)")
    raise EditError(f"{path.name} has no written card '{card_id}'")


def update_card(path: Path, card_id: str, fields: Mapping[str, object]) -> Edit:
    """Change a written card's fields in place (its id stays, so its progress stays); keys the
    form left empty are removed, keys it does not edit (`versions:`) are kept, and so are the
    comments and the order of the other cards."""
    path = Path(path)
    before, document = _load(path)
    card = _find(document, path, card_id)
    clean = _clean({**fields, "id": card_id})
    for key in list(card.keys()):
        if key not in clean and key in FIELD_ORDER:  # what the form does not edit is kept
            del card[key]
    for key in FIELD_ORDER:
        if key in clean:
            old = card.get(key)
            new = _value(key, clean[key])
            if old is None or (list(old) if isinstance(old, list) else str(old)) != (
                    list(new) if isinstance(new, list) else str(new)):
                if key in card:
                    card[key] = new
                else:
                    card.insert(_position(card, key), key, new)
    return _check_and_write(path, before, _dump(document), card_id)


def _position(card, key: str) -> int:
    """Where a new key goes among a card's keys, following FIELD_ORDER."""
    rank = FIELD_ORDER.index(key)
    keys = list(card.keys())
    for i, existing in enumerate(keys):
        if existing in FIELD_ORDER and FIELD_ORDER.index(existing) > rank:
            return i
    return len(keys)


# -- occlusion cards: their shapes and mode ---------------------------------------------------
def _flow_seq(values):
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(values)
    seq.fa.set_flow_style()
    return seq


def _coords_yaml(shape: Shape):
    if shape.kind == "polygon":
        return _flow_seq([_flow_seq(list(p)) for p in shape.points()])
    return _flow_seq(list(shape.coords))


def _written_coords(node, kind: str) -> tuple[float, ...] | None:
    """The coordinates a shape mapping already has, as numbers (None if unreadable)."""
    try:
        value = node.get(kind)
        if kind == "polygon":
            return tuple(float(v) for point in value for v in point)
        return tuple(float(v) for v in value)
    except (TypeError, ValueError):
        return None


_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _label_yaml(text: str):
    """A label or group as YAML: quoted when a YAML 1.1 reader (PyYAML, editors' schema
    checks) would take it for a boolean or null, as `label: Yes` would be."""
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    return SingleQuotedScalarString(text) if text.lower() in _YAML11_WORDS else text


def _shape_yaml(shape: Shape):
    """A new shape as one flow mapping, as authors write them: {rect: [...], label: ASIS}."""
    from ruamel.yaml.comments import CommentedMap

    node = CommentedMap()
    node[shape.kind] = _coords_yaml(shape)
    node["label"] = _label_yaml(shape.label)
    if shape.group:
        node["group"] = _label_yaml(shape.group)
    node.fa.set_flow_style()
    return node


def _update_shape(node, shape: Shape) -> None:
    """Change a written shape mapping in place, touching only what differs (its style, its
    comments and an unchanged coordinate list as the author wrote it are kept)."""
    for kind in SHAPE_KINDS:
        if kind != shape.kind and kind in node:
            del node[kind]
    if _written_coords(node, shape.kind) != shape.coords:
        if shape.kind in node:
            node[shape.kind] = _coords_yaml(shape)
        else:
            node.insert(0, shape.kind, _coords_yaml(shape))
    if str(node.get("label", "")) != shape.label:
        node["label"] = _label_yaml(shape.label)
    if shape.group is None:
        node.pop("group", None)
    elif str(node.get("group", "")) != shape.group:
        node["group"] = _label_yaml(shape.group)


def _set_occlusion(card, shapes: Sequence[Shape], mode: str | None, front: str | None,
                   origins: Sequence[int | None] | None = None) -> list[int | None]:
    """Write the shapes, mode and front into `card`; which written shape each came from."""
    from ruamel.yaml.comments import CommentedSeq

    if mode is not None:
        if mode not in OCCLUSION_MODES:
            raise EditError(f"'{mode}' is not one of {', '.join(OCCLUSION_MODES)}")
        if mode != str(card.get("mode", OCCLUSION_MODES[0])):
            if "mode" in card:
                card["mode"] = mode
            else:
                keys = list(card.keys())
                card.insert(keys.index("shapes") if "shapes" in keys else len(keys), "mode", mode)
    if front is not None:
        front = front.strip()
        if not front:
            card.pop("front", None)
        elif str(card.get("front", "")) != front:
            if "front" in card:
                card["front"] = _value("front", front)
            else:
                card.insert(list(card.keys()).index("image") + 1 if "image" in card
                            else len(card), "front", _value("front", front))
    written = card.get("shapes")
    if not isinstance(written, CommentedSeq):
        written = card["shapes"] = CommentedSeq()
    origins = _origins(origins, len(shapes), len(written))
    for index in reversed(range(len(written))):  # shapes deleted, with their comments
        if index not in origins:
            del written[index]
    for index, (shape, origin) in enumerate(zip(shapes, origins, strict=True)):
        shape = tidy(shape)
        if origin is None:
            written.insert(index, _shape_yaml(shape))
        elif hasattr(written[index], "get"):
            _update_shape(written[index], shape)
        else:
            written[index] = _shape_yaml(shape)
    return origins


def _origins(origins: Sequence[int | None] | None, count: int,
             written: int) -> list[int | None]:
    """Which written shape each new one was edited from (None: drawn anew). Without them, or
    when they do not keep the written order, shapes pair up by position."""
    if origins is not None and len(origins) == count:
        known = [o for o in origins if o is not None]
        if all(0 <= o < written for o in known) and known == sorted(set(known)):
            return list(origins)
    return [i if i < written else None for i in range(count)]


def _check_labels(shapes: Sequence[Shape]) -> None:
    if not shapes:
        raise EditError("an occlusion card needs at least one shape")
    unnamed = [str(i + 1) for i, s in enumerate(shapes) if not s.label.strip()]
    if unnamed:
        raise EditError(f"give every shape a label (shape {', '.join(unnamed)} has none): "
                        "the label is the answer when the shape is asked")


def set_shapes(path: Path, card_id: str, shapes: Sequence[Shape], mode: str | None = None,
               front: str | None = None, origins: Sequence[int | None] | None = None) -> Edit:
    """Write an occlusion card's shapes (and its mode and front text, when given) in place.

    `origins` says, for each shape, the index of the written shape it was edited from (None
    for one drawn anew; without it shapes pair up by position). An edited shape is updated key
    by key (its style and comments kept, an unchanged coordinate list left as written), a
    deleted one goes with its comment, a new one is written as a flow mapping; coordinates are
    rounded to a ten-thousandth. Everything else in the file stays as it was."""
    edit = plan_shapes(path, card_id, shapes, mode, front, origins)
    edit.apply()
    return edit


def plan_shapes(path: Path, card_id: str, shapes: Sequence[Shape], mode: str | None = None,
                front: str | None = None, origins: Sequence[int | None] | None = None) -> Edit:
    """`set_shapes`'s edit, checked but not yet written (`Edit.apply` writes it), with the
    study items it renumbers (`Edit.moves`), so a caller can move their progress with it."""
    path = Path(path)
    _check_labels(shapes)
    before, document = _load(path)
    card = _find(document, path, card_id)
    if str(card.get("type", "")) != "occlusion":
        raise EditError(f"'{card_id}' is not an occlusion card")
    origins = _set_occlusion(card, shapes, mode, front, origins)
    after = _dump(document)
    _checked(path, before, after, card_id)
    deck_id, moves = _item_moves(path, before, card_id, shapes, origins)
    return Edit(path, card_id, before, after, deck_id, moves)


def _item_moves(path: Path, before: bytes, card_id: str, shapes: Sequence[Shape],
                origins: Sequence[int | None]) -> tuple[str, tuple[tuple[int, int | None], ...]]:
    """The card's deck id and its items renumbered or gone, from the shapes as loaded before
    the edit (none when the loader did not take the card whole: nothing to follow then)."""
    deck = load_deck_file(path, data=before).deck
    old = next((c for c in deck.cards if c.id == card_id), None) if deck else None
    if old is None or any(o is not None and o >= len(old.shapes) for o in origins):
        return (deck.id if deck else ""), ()
    moves = item_moves(old.shapes, shapes, origins)
    return old.deck_id, tuple((o, n) for o, n in sorted(moves.items()) if o != n)


def add_occlusion_card(path: Path, image: str, shapes: Sequence[Shape],
                       mode: str = OCCLUSION_MODES[0], front: str = "", source: str = "",
                       card_id: str | None = None) -> Edit:
    """Append an occlusion card on `image` (a path as the deck writes it, relative to the
    deck's folder) with its shapes."""
    from ruamel.yaml.comments import CommentedMap

    path = Path(path)
    _check_labels(shapes)
    before, document = _load(path)
    cards = _cards(document, path)
    card_id = card_id or new_card_id(path, {"front": front or Path(image).stem})
    if any(hasattr(c, "get") and str(c.get("id")) == card_id for c in cards):
        raise EditError(f"the deck already has a card '{card_id}'")
    card = CommentedMap()
    card["id"] = card_id
    card["type"] = "occlusion"
    card["image"] = image
    if source:
        card["source"] = source
    card["shapes"] = None
    cards.append(card)
    _set_occlusion(card, shapes, mode, front)
    return _check_and_write(path, before, _dump(document), card_id)


def copy_deck(source: Path, folder: Path, schema: Path | None = None) -> Path:
    """Copy a deck file into `folder` as it is (deck id and card ids kept, so progress follows);
    never over an existing file. Only its `$schema` line changes, to name `schema` (the
    profile's copy; the shipped file if None) from where the copy is."""
    folder.mkdir(parents=True, exist_ok=True)
    target, n = folder / source.name, 2
    while target.exists():
        target, n = folder / f"{source.stem}-{n}{source.suffix}", n + 1
    shutil.copyfile(source, target)
    repoint_schema_line(target, schema)
    return target
