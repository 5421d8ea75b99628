"""Anki packages (.apkg) turned into omtquiz decks.

An `.apkg` is a zip holding the Anki collection (SQLite) and its media; Basic, Basic-and-reversed
(also the optional-reverse kind) and Cloze notes convert, with their tags, their images and their
GUIDs kept as card ids. Field HTML becomes Markdown (`convert_field`). It reads Anki's SQLite
itself, the one place outside `progress` that does, because the package is an SQLite file.
The package is hostile input: every member, row and value is read through the limits of
`import_limits`, and field HTML is scanned in linear time (`html_scan`).
"""

from __future__ import annotations

import html
import json
import math
import re
import sqlite3
import tempfile
import zipfile
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from omtquiz.decks.format.ids import CARD_ID_RE
from omtquiz.decks.model import CLOZE_RE
from omtquiz.interop import import_limits as limits
from omtquiz.interop.html_scan import TagScanner
from omtquiz.interop.imported import Imported, ImportFailed, clean_tags, escape_markdown

IMAGE_ONLY_FRONT = "What does this image show?"


_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"}


_SPECIAL_FIELDS = {"FrontSide", "Tags", "Deck", "Subdeck", "Card", "CardFlag", "Type", "CardID"}


_FIELD_REF = re.compile(r"\{\{([#^/]?)([^{}]+)\}\}")


_SOUND = re.compile(r"\[sound:[^\]]*\]")


# -- HTML fields to Markdown -----------------------------------------------------------------
_IMG = "\ufffcimg\ufffc"  # where a picture stood, until it is known whether a deletion held it


_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*"}


_KEPT_INLINE = {"u", "sub", "sup", "s", "del", "mark", "small", "kbd"}


_BLOCKS = {"div", "p", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
           "table", "ul", "ol", "hr"}


_LINE_PREFIX = re.compile(r"^(\s*(?:[-+] |\d+\. )?\s*)")


def _emphasise(text: str, marker: str) -> str:
    """`marker` around each line of `text`, outside its spaces and list bullets (or Markdown
    would not read it as emphasis); nothing at all around blank text."""
    out = []
    for piece in re.split(r"(\n+)", text):
        core = piece.strip()
        if not core or piece.startswith("\n"):
            out.append(piece)
            continue
        prefix = _LINE_PREFIX.match(piece).group(1)
        body = piece[len(prefix):]
        trail = body[len(body.rstrip()):]
        out.append(f"{prefix}{marker}{body.rstrip()}{marker}{trail}")
    return "".join(out)


class _FieldConverter(TagScanner):
    """One Anki field's HTML as Markdown: emphasis, lists and line breaks kept, images taken out.

    Line breaks (<br>, <div>) become paragraph breaks, because a single newline in Markdown
    joins lines; tags the card sanitiser allows (<u>, <sub>, <sup>, ...) stay as they are;
    styling (<span style>, <font>) goes, as it never survives a theme change.
    """

    def __init__(self) -> None:
        super().__init__()
        self.out: list[str] = []
        self.images: list[str] = []
        self.lists: list[list] = []  # per open list: [ordered, next number]
        self.dropped: set[str] = set()
        self.link: str | None = None
        self.hidden = 0  # inside <script> or <style>
        self.opened: list[tuple[str, int]] = []  # open <b>/<i>: tag and where its marker is
        self.repeated: dict[str, int] = defaultdict(int)  # <b> inside <b>: ignored, counted

    def _break(self, blank: bool = True) -> None:
        self.out.append("\n\n" if blank else "\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in _EMPHASIS and any(self.out[i] == _EMPHASIS[tag] for _, i in self.opened):
            self.repeated[_EMPHASIS[tag]] += 1  # bold inside bold says nothing more
        elif tag in _EMPHASIS:
            self.opened.append((tag, len(self.out)))
            self.out.append(_EMPHASIS[tag])
        elif tag in _KEPT_INLINE:
            self.out.append(f"<{tag}>")
        elif tag == "code":
            self.out.append("`")
        elif tag in ("ul", "ol"):
            self.lists.append([tag == "ol", 1])
            self._break()
        elif tag == "li":
            self._break(blank=False)
            if self.lists and self.lists[-1][0]:
                self.out.append(f"{self.lists[-1][1]}. ")
                self.lists[-1][1] += 1
            else:
                self.out.append("- ")
        elif tag == "img":
            self.images.append(attributes.get("src") or "")
            self.out.append(_IMG)
        elif tag == "a":
            href = attributes.get("href") or ""
            self.link = href if href.startswith(("http://", "https://")) else None
            if self.link:
                self.out.append("[")
        elif tag in ("td", "th"):
            before = next((piece for piece in reversed(self.out) if piece), "\n")
            self.out.append("" if before.endswith("\n") else " | ")
            self.dropped.add("a table (flattened to lines of cells)")
        elif tag in ("script", "style"):
            self.hidden += 1
        elif tag in ("audio", "video", "object", "iframe"):
            self.dropped.add(f"<{tag}> content")
        elif tag in _BLOCKS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("script", "style"):
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _EMPHASIS and self.repeated[_EMPHASIS[tag]]:
            self.repeated[_EMPHASIS[tag]] -= 1
        elif tag in _EMPHASIS:
            self._close_emphasis(tag)
        elif tag in _KEPT_INLINE:
            self.out.append(f"</{tag}>")
        elif tag == "code":
            self.out.append("`")
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._break()
        elif tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag == "a" and self.link:
            self.out.append(f"]({self.link})")
            self.link = None
        elif tag in _BLOCKS:
            self._break()

    def _close_emphasis(self, tag: str) -> None:
        """Close `**`/`*`, keeping spaces outside the markers (`** x **` is not bold).

        Emphasis opened inside and never closed (`<b><i>x</b>`) is dropped, not left dangling.
        """
        start = next((i for t, i in reversed(self.opened) if t == tag), None)
        if start is None:
            return
        for _, inner in self.opened:
            if inner > start:
                self.out[inner] = ""
        self.opened = [(t, i) for t, i in self.opened if i < start]
        inner_text = "".join(self.out[start + 1:])
        marker = self.out[start]
        del self.out[start:]
        self.out.append(_emphasise(inner_text, marker))

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        self.out.append(escape_markdown(re.sub(r"\s+", " ", data)))

    def text(self) -> str:
        for _, marker in self.opened:  # never closed: no stray ** left behind
            self.out[marker] = ""
        return "".join(self.out)


@dataclass
class Field:
    text: str
    images: list[str]
    dropped: set[str]
    image_in_deletion: bool = False


def convert_field(value: str) -> Field:
    """Anki field HTML to Markdown; images are taken out and listed by src, sounds dropped."""
    dropped = set()
    if _SOUND.search(value):
        dropped.add("audio ([sound:...]), which omtquiz cannot play")
        value = _SOUND.sub("", value)
    parser = _FieldConverter()
    parser.feed(value)
    parser.close()
    text = parser.text()
    in_deletion = _IMG in text and any(_IMG in m.group(0) for m in CLOZE_RE.finditer(text))
    return Field(_tidy(text.replace(_IMG, "")), parser.images, dropped | parser.dropped,
                 in_deletion)


def _tidy(text: str) -> str:
    """Single spaces within lines, at most one blank line between paragraphs."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# -- Anki packages -----------------------------------------------------------------------------
def _template_fields(template: str, *, answer: bool = False) -> tuple[list[str], list[str]]:
    """Field names a template shows, and those it only tests ({{#F}} ... {{/F}}).

    `{{type:F}}` is an input box on the question side, but shows F on the answer side.
    """
    shown, tested = [], []
    for prefix, body in _FIELD_REF.findall(template):
        name = body.strip().rsplit(":", 1)[-1].strip()
        if name in _SPECIAL_FIELDS:
            continue
        if prefix in ("#", "^"):
            tested.append(name)
        elif not prefix and (answer or not body.strip().startswith("type:")):
            shown.append(name)
    return list(dict.fromkeys(shown)), tested


@dataclass
class _NoteType:
    name: str
    cloze: bool
    fields: list[str]
    front: list[str]
    back: list[str]
    reverse_front: list[str] | None = None  # fields of a second, reversed template
    reverse_if: list[str] = field(default_factory=list)  # ... made only when these are filled
    unused_templates: int = 0

    @classmethod
    def from_anki(cls, model: dict) -> _NoteType:
        fields = [f["name"] for f in sorted(model.get("flds", []), key=lambda f: f.get("ord", 0))]
        templates = sorted(model.get("tmpls", []), key=lambda t: t.get("ord", 0))
        first = templates[0] if templates else {"qfmt": "", "afmt": ""}
        front, _ = _template_fields(first.get("qfmt", ""))
        answer, _ = _template_fields(first.get("afmt", ""), answer=True)
        back = [name for name in answer if name not in front]
        note_type = cls(model.get("name", "?"), model.get("type") == 1, fields, front, back)
        if not note_type.cloze and len(templates) >= 2:
            second_front, tested = _template_fields(templates[1].get("qfmt", ""))
            second_answer, _ = _template_fields(templates[1].get("afmt", ""), answer=True)
            if set(second_front) <= set(back) and set(front) <= set(second_answer):
                note_type.reverse_front, note_type.reverse_if = second_front, tested
                note_type.unused_templates = len(templates) - 2
            else:
                note_type.unused_templates = len(templates) - 1
        return note_type


def _media_map(archive: zipfile.ZipFile, imported: Imported,
               budget: limits.UnpackBudget) -> dict[str, str]:
    """Anki's `media` file maps numbered zip members to file names; None if it cannot be read."""
    if "media" not in archive.namelist():
        return {}
    try:
        data = budget.read(archive, "media", limits.MAX_MEDIA_MAP_BYTES)
        mapping = json.loads(data.decode("utf-8"))
        if not isinstance(mapping, dict):
            raise ValueError("not a mapping")
    except (UnicodeDecodeError, ValueError, RecursionError):
        imported.problem("the package's media list is in a newer Anki format; images were "
                         "left out (export from Anki with 'Support older Anki versions')", "")
        return {}
    return {str(name): str(member) for member, name in mapping.items()}


def _collection_name(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "collection.anki21" in names:
        return "collection.anki21"
    if "collection.anki21b" in names:
        raise ImportFailed("this package uses the newer Anki format (collection.anki21b); in "
                           "Anki choose File > Export, 'Anki Deck Package', tick 'Support older "
                           "Anki versions', and import that file")
    if "collection.anki2" in names:
        return "collection.anki2"
    raise ImportFailed("not an Anki package: no collection.anki2 or collection.anki21 inside")


def read_apkg(path: Path) -> Imported:
    """Notes of an Anki package as deck-file cards, with the media they show."""
    try:
        limits.check_zip_directory(path)
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFailed(f"cannot open {path.name} as an Anki package: {exc}") from None
    try:
        with archive, tempfile.TemporaryDirectory(prefix="omtquiz-import-") as tmp:
            return _read_package(path, archive, Path(tmp))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ImportFailed(f"{path.name} is damaged: {exc}") from None


def _read_package(path: Path, archive: zipfile.ZipFile, tmp: Path) -> Imported:
    name = _collection_name(archive)
    database = tmp / "collection.sqlite"
    budget = limits.UnpackBudget()
    budget.extract(archive, name, database, limits.MAX_COLLECTION_BYTES)
    imported = Imported(title=path.stem, origin=f"Anki package {path.name}")
    media = _media_map(archive, imported, budget)
    try:
        _read_collection(database, imported)
    except sqlite3.DatabaseError as exc:
        raise ImportFailed(f"the collection inside {path.name} cannot be read: {exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ImportFailed(f"the collection inside {path.name} is not laid out as Anki lays "
                           f"it out ({type(exc).__name__}: {exc})") from None
    _take_media(archive, media, imported, budget)
    return imported


def _read_collection(database: Path, imported: Imported) -> None:
    collection = limits.Collection(database)
    try:
        row = collection.one("SELECT models, decks FROM col")
        if row is None or not row[0]:
            raise ImportFailed("the collection holds no note types in the layout older Anki "
                               "versions use; export with 'Support older Anki versions' ticked")
        models = {str(k): _NoteType.from_anki(v) for k, v in json.loads(row[0]).items()}
        decks = {str(k): v.get("name", "") for k, v in json.loads(row[1] or "{}").items()}
        used = [decks.get(str(did), "") for (did,) in collection.rows(
                "SELECT DISTINCT did FROM cards ORDER BY did", limits.MAX_CARDS, "decks")]
        used = [name for name in dict.fromkeys(used) if name]
        if len(used) == 1:
            *parents, imported.title = used[0].split("::")
            imported.parent = "::".join(parents) or None
        note_decks = dict(collection.rows("SELECT nid, MIN(did) FROM cards GROUP BY nid",
                                          limits.MAX_CARDS, "cards"))
        notes = collection.rows("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id",
                                limits.MAX_NOTES, "notes")
        for note_id, guid, mid, tags, fields in notes:
            note_type = models.get(str(mid))
            where = f"note {limits.shown(guid, 40)}"
            if len(str(fields or "")) + len(str(tags or "")) > limits.MAX_FIELD_CHARS:
                imported.problem(f"notes longer than {limits.MAX_FIELD_CHARS:,} characters "
                                 "were left out", where)
                continue
            if note_type is None:
                imported.problem("notes whose note type is missing from the package", where)
                continue
            extra_tags = []
            if len(used) > 1:
                deck_name = decks.get(str(note_decks.get(note_id)), "")
                extra_tags.append(re.sub(r"\s+", "_", deck_name))
            values = dict(zip(note_type.fields, (fields or "").split("\x1f"), strict=False))
            card = _note_card(guid, note_type, values, imported, where)
            if card is not None:
                card_tags = clean_tags([*extra_tags, *(tags or "").split()], imported, where)
                if card_tags:
                    card["tags"] = card_tags
                imported.cards.append(card)
    finally:
        collection.close()


def _converted(names: list[str], values: dict[str, str]) -> list[Field]:
    return [convert_field(values.get(name, "")) for name in names]


def _report_dropped(fields: list[Field], imported: Imported, where: str) -> None:
    for reason in sorted(set().union(*(f.dropped for f in fields))):
        imported.problem(f"left out: {reason}", where)


def _note_card(guid: str, note_type: _NoteType, values: dict[str, str], imported: Imported,
               where: str) -> dict | None:
    if not CARD_ID_RE.match(guid or ""):
        imported.problem("notes without a usable GUID were left out", where)
        return None
    if note_type.cloze:
        return _cloze_card(guid, note_type, values, imported, where)
    front_parts = _converted(note_type.front, values)
    back_parts = _converted(note_type.back, values)
    _report_dropped([*front_parts, *back_parts], imported, where)
    if note_type.unused_templates:
        imported.problem(f"note type '{note_type.name}' has card templates beyond front/back "
                         "and its reverse; only those two were converted", where)
    front = "\n\n".join(p.text for p in front_parts if p.text)
    back = "\n\n".join(p.text for p in back_parts if p.text)
    reverse = note_type.reverse_front is not None and all(
        convert_field(values.get(name, "")).text for name in note_type.reverse_if)
    image = _first_image([img for p in front_parts for img in p.images], imported, where)
    if any(p.images for p in back_parts):
        imported.problem("images on the answer side were left out (omtquiz shows a card's "
                         "image with its question)", where)
    if image and reverse:
        imported.problem("reversed notes with an image on the front are asked one way only "
                         "(the image would give the reversed answer away)", where)
        reverse = False
    if image and not front:
        front = IMAGE_ONLY_FRONT
        imported.problem(f"fronts that were only an image were given the question "
                         f"'{IMAGE_ONLY_FRONT}': check it", where)
    if not front or not back:
        imported.problem("notes with an empty front or back were left out", where)
        return None
    card = {"id": guid, "type": "reverse" if reverse else "basic", "front": front, "back": back}
    if image:
        card["image"] = image
    return card


def _cloze_card(guid: str, note_type: _NoteType, values: dict[str, str], imported: Imported,
                where: str) -> dict | None:
    text_field = note_type.front[0] if note_type.front else note_type.fields[0]
    if "image-occlusion:" in values.get(note_type.fields[0], ""):
        return _occlusion_card(guid, note_type, values, imported, where)
    text = convert_field(values.get(text_field, ""))
    extras = _converted([name for name in note_type.back if name != text_field], values)
    _report_dropped([text, *extras], imported, where)
    image = None
    if text.image_in_deletion:
        imported.problem("images inside a cloze deletion were left out", where)
    else:
        image = _first_image(text.images, imported, where)
    if any(e.images for e in extras):
        imported.problem("images in a cloze note's extra field were left out", where)
    if not CLOZE_RE.search(text.text):
        imported.problem("cloze notes without a {{c1::...}} deletion were left out", where)
        return None
    card: dict = {"id": guid, "type": "cloze", "text": text.text}
    extra = "\n\n".join(e.text for e in extras if e.text)
    if extra:
        card["extra"] = extra
    if image:
        card["image"] = image
    return card


_IO_CLOZE = re.compile(
    r"\{\{c(\d+)::image-occlusion:(rect|ellipse|polygon|text)((?:\\.|[^}])*)\}\}")
_IO_PROP = re.compile(r":([^=:]+)=((?:\\.|[^:\\])*)")
_LABELS = re.compile(r'<div class="io-labels">(.*?)</div>', re.S)


def _io_shape(kind: str, props: dict[str, float], imported: Imported, where: str) -> dict | None:
    """One Anki image-occlusion shape as a deck-file shape, or None (reported) if it cannot be."""
    try:
        left, top = props["left"], props["top"]
        if kind == "rect":
            coords = [left, top, props["width"], props["height"]]
        elif kind == "ellipse":
            coords = [left + props["rx"], top + props["ry"], props["rx"], props["ry"]]
        else:
            coords = [[float(v) for v in pair.split(",")] for pair in props["points"].split()]
        flat = [v for c in coords for v in (c if isinstance(c, list) else [c])]
        if not all(math.isfinite(v) for v in flat):
            raise ValueError(flat)
    except (KeyError, ValueError):
        imported.problem("image occlusion shapes with missing or unreadable coordinates were "
                         "left out", where)
        return None
    if props.get("angle"):
        imported.problem("rotated image occlusion shapes were imported without their rotation",
                         where)
    return {kind: [round(v, 4) if isinstance(v, float) else [round(x, 4) for x in v]
                   for v in coords]}


def _io_labels(back_extra: str) -> tuple[dict[int, str], str]:
    """The labels an omtquiz export keeps in Back Extra, and the rest of the field."""
    found = _LABELS.search(back_extra)
    if not found:
        return {}, back_extra
    labels = {int(m.group(1)): convert_field(m.group(2)).text
              for m in CLOZE_RE.finditer(found.group(1))}
    return labels, back_extra.replace(found.group(0), "")


def _occlusion_card(guid: str, note_type: _NoteType, values: dict[str, str], imported: Imported,
                    where: str) -> dict | None:
    """An Anki Image Occlusion note (fields Occlusion, Image, Header, Back Extra, ...)."""
    names = note_type.fields
    occlusions, picture = values.get(names[0], ""), convert_field(values.get(names[1], ""))
    header = convert_field(values.get(names[2], "")) if len(names) > 2 else convert_field("")
    labels, rest = _io_labels(values.get(names[3], "") if len(names) > 3 else "")
    extra = convert_field(rest)
    image = _first_image(picture.images, imported, where)
    shapes, hide_all, numbers = [], False, Counter()
    for match in _IO_CLOZE.finditer(occlusions):
        number, kind = int(match.group(1)), match.group(2)
        raw = {name: re.sub(r"\\(.)", r"\1", value)
               for name, value in _IO_PROP.findall(match.group(3))}
        hide_all |= raw.get("oi") == "1"
        if kind == "text" or number == 0:
            imported.problem("text labels drawn on image occlusions were left out", where)
            continue
        props: dict = {k: (v if k == "points" else _float(v)) for k, v in raw.items()}
        shape = _io_shape(kind, props, imported, where)
        if shape is not None:
            shape["label"] = labels.get(number) or f"Region {number}"
            shapes.append((number, shape))
            numbers[number] += 1
    if not image or not shapes:
        imported.problem("image occlusion notes without their image or any shape were left out",
                         where)
        return None
    if any(number not in labels for number, _ in shapes):
        imported.problem("image occlusion regions have no names in Anki; they were named "
                         "'Region N': rename them", where)
    for number, shape in shapes:
        if numbers[number] > 1:
            shape["group"] = f"c{number}"
    card: dict = {"id": guid, "type": "occlusion", "image": image}
    if header.text:
        card["front"] = header.text
    card["mode"] = "hide-all-guess-one" if hide_all else "hide-one-guess-one"
    if extra.text:
        card["extra"] = extra.text
    card["shapes"] = [shape for _, shape in sorted(shapes, key=lambda s: s[0])]
    return card


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("nan")


def _first_image(sources: list[str], imported: Imported, where: str) -> str | None:
    """The first picture becomes the card's image; its file is fetched from the media later."""
    names = [unquote(html.unescape(src)) for src in sources if src]
    if not names:
        return None
    if len(names) > 1:
        imported.problem("only the first image of a field is kept", where)
    name = names[0]
    if (Path(name).suffix.lower() not in _IMAGE_SUFFIXES or "/" in name or "\\" in name
            or name.startswith(".")):
        imported.problem("images that are not local picture files were left out", where)
        return None
    imported.media.setdefault(name, b"")
    return name


def _take_media(archive: zipfile.ZipFile, media: dict[str, str], imported: Imported,
                budget: limits.UnpackBudget) -> None:
    """Read the bytes of every image a card uses; a card whose image is missing loses it."""
    members = set(archive.namelist())
    missing = {name for name in imported.media if media.get(name) not in members}
    for name in missing:
        del imported.media[name]
    images = limits.UnpackBudget(limits.MAX_IMAGES_BYTES, "the images", parent=budget)
    images.claim_all(archive, [media[name] for name in imported.media], limits.MAX_IMAGE_BYTES)
    for name in imported.media:
        imported.media[name] = images.read(archive, media[name], limits.MAX_IMAGE_BYTES)
    kept = []
    for card in imported.cards:
        if card.get("image") in missing:
            imported.problem("images missing from the package were left out",
                             f"note {card['id']}")
            del card["image"]
            if card.get("front") == IMAGE_ONLY_FRONT:
                continue
        kept.append(card)
    imported.cards = kept
