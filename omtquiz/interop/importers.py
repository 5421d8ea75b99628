"""Decks instructors already have, turned into omtquiz deck files: Anki packages and CSV/TSV.

An `.apkg` is a zip holding the Anki collection (SQLite) and its media; Basic, Basic-and-reversed
(also the optional-reverse kind) and Cloze notes convert, with their tags, their images and their
GUIDs kept as card ids. A CSV or TSV (Quizlet's export is term<TAB>definition per line) becomes
basic cards. Whatever cannot be carried over is collected as a problem for the author to read:
an import never fails silently and never stops at the first odd note.
"""

from __future__ import annotations

import csv
import html
import json
import re
import sqlite3
import tempfile
import unicodedata
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from omtquiz.decks.format.loader import CARD_ID_RE, SLUG_RE, TAG_RE
from omtquiz.decks.model import CLOZE_RE
from omtquiz.interop import import_limits as limits
from omtquiz.interop.html_scan import TagScanner
from omtquiz.interop.import_limits import ImportFailed

__all__ = ["ImportFailed", "Imported", "convert_field", "read_any", "slugify", "write_import"]

MAX_TABLE_BYTES = 64 * 1024**2
IMAGE_ONLY_FRONT = "What does this image show?"
SOURCE_ID = "imported"
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"}
_SPECIAL_FIELDS = {"FrontSide", "Tags", "Deck", "Subdeck", "Card", "CardFlag", "Type", "CardID"}
_FIELD_REF = re.compile(r"\{\{([#^/]?)([^{}]+)\}\}")
_SOUND = re.compile(r"\[sound:[^\]]*\]")
_HEADERS_FRONT = ("term", "front", "question", "word", "prompt")
_HEADERS_BACK = ("definition", "back", "answer", "meaning", "response")


@dataclass
class Imported:
    """A deck read from another format, before it is written: cards as deck-file mappings."""

    title: str
    origin: str
    cards: list[dict] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes, for image:
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    parent: str | None = None

    def problem(self, reason: str, where: str) -> None:
        self.problems[reason].append(where)

    def problem_lines(self) -> list[str]:
        """One line per kind of problem, with how many notes or rows it hit and which."""
        lines = []
        for reason, where in self.problems.items():
            shown = ", ".join(where[:5]) + (f" and {len(where) - 5} more" if len(where) > 5
                                            else "")
            lines.append(f"{reason} ({len(where)}: {shown})" if where[0] else reason)
        return lines


# -- HTML fields to Markdown -----------------------------------------------------------------
_IMG = "\ufffcimg\ufffc"  # where a picture stood, until it is known whether a deletion held it
_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*"}
_KEPT_INLINE = {"u", "sub", "sup", "s", "del", "mark", "small", "kbd"}
_BLOCKS = {"div", "p", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
           "table", "ul", "ol", "hr"}
_ESCAPE = re.compile(r"[\\`*\[\]]|(?<!\w)_|_(?!\w)|<|^[#>]", re.MULTILINE)


def _escape(text: str) -> str:
    def sub(match: re.Match) -> str:
        found = match.group(0)
        return "&lt;" if found == "<" else "\\" + found

    return _ESCAPE.sub(sub, text)


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
        self.out.append(_escape(re.sub(r"\s+", " ", data)))

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
    in_deletion = any(_IMG in m.group(0) for m in CLOZE_RE.finditer(text))
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
            where = f"note {str(guid)[:40]}"
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
                card_tags = _tags([*extra_tags, *(tags or "").split()], imported, where)
                if card_tags:
                    card["tags"] = card_tags
                imported.cards.append(card)
    finally:
        collection.close()


def _tags(tags: list[str], imported: Imported, where: str) -> list[str]:
    kept = []
    for tag in tags:
        if TAG_RE.match(tag):
            kept.append(tag)
        elif tag:
            imported.problem("tags longer than 100 characters were left out", where)
    return list(dict.fromkeys(kept))


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
    if "occlusion" in text_field.casefold() or "image-occlusion:" in values.get(text_field, ""):
        imported.problem("image occlusion notes cannot be converted", where)
        return None
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


# -- CSV and TSV -------------------------------------------------------------------------------
def _slug_id(text: str, taken: limits.UniqueNames) -> str:
    """A readable card id from a term: lowercase words joined by hyphens, unique in the deck."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text[:1000]).casefold())
    return taken.claim("-".join(words)[:60].strip("-") or "card")


def _rows(text: str, tab: bool, imported: Imported, name: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-empty row."""
    limits.check_table_text(text, name)
    rows: list[tuple[int, list[str]]] = []
    if not tab:
        try:
            dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;")
        except csv.Error:
            dialect = csv.excel
        for start, row in limits.csv_rows(text, dialect, name):
            if any(cell.strip() for cell in row):
                rows.append((start, row))
                limits.check_row_count(len(rows), name)
        return rows
    joined: dict[int, list[str]] = {}  # row index -> lines that continue its last cell
    for number, line in enumerate(text.splitlines(), 1):
        limits.check_cell(line, f"{name}:{number}")
        if not line.strip():
            continue
        if "\t" in line or not rows:
            rows.append((number, line.split("\t")))
            limits.check_row_count(len(rows), name)
        else:  # Quizlet writes a definition's line breaks as they are: this line continues it
            joined.setdefault(len(rows) - 1, [rows[-1][1][-1]]).append(line)
            imported.problem("lines without a tab were joined to the definition above them",
                             f"line {number}")
    for index, lines in joined.items():
        rows[index][1][-1] = "\n\n".join(lines)
        limits.check_cell(rows[index][1][-1], f"{name}:{rows[index][0]}")
    return rows


def read_table(path: Path) -> Imported:
    """Term and definition rows (Quizlet's TSV, or a CSV with or without a header row)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_TABLE_BYTES:
        raise ImportFailed(f"{path.name} is larger than {MAX_TABLE_BYTES // 2**20} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path.name} is not UTF-8 (byte {exc.start}); save it as UTF-8 "
                           "and import again") from None
    first = text.split("\n", 1)[0]
    tab = path.suffix.lower() == ".tsv" or (path.suffix.lower() != ".csv" and "\t" in first)
    imported = Imported(title=path.stem, origin=f"{'TSV' if tab else 'CSV'} file {path.name}")
    rows = _rows(text, tab, imported, path.name)
    if not rows:
        raise ImportFailed(f"{path.name} holds no rows")
    header = [cell.strip().casefold() for cell in rows[0][1]]
    front_col, back_col, tags_col = 0, 1, None
    has_header = any(name in _HEADERS_FRONT + _HEADERS_BACK for name in header)
    if has_header:
        front_col = next((i for i, n in enumerate(header) if n in _HEADERS_FRONT), 0)
        back_col = next((i for i, n in enumerate(header) if n in _HEADERS_BACK), 1)
        tags_col = next((i for i, n in enumerate(header) if n == "tags"), None)
        for i, name in enumerate(header):
            if i not in (front_col, back_col, tags_col) and name:
                imported.problem(f"column '{rows[0][1][i].strip()}' was not converted", "")
        rows = rows[1:]
    taken = limits.UniqueNames()
    for number, row in rows:
        cells = [cell.strip() for cell in row]
        where = f"line {number}"
        front = cells[front_col] if front_col < len(cells) else ""
        back = cells[back_col] if back_col < len(cells) else ""
        if not front or not back:
            imported.problem("rows without both a term and a definition were left out", where)
            continue
        if not has_header and any(cells[2:]):
            imported.problem("cells beyond the term and the definition were not converted",
                             where)
        card: dict = {"id": _slug_id(front, taken), "front": _escape(front),
                      "back": _escape(back)}
        if tags_col is not None and tags_col < len(cells):
            tags = _tags(cells[tags_col].split(), imported, where)
            if tags:
                card["tags"] = tags
        imported.cards.append(card)
    return imported


# -- writing -----------------------------------------------------------------------------------
def slugify(text: str) -> str:
    """A deck id from a title: ASCII lowercase words joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))
    return slug[:60].strip("-") or "imported"


def read_any(path: Path) -> Imported:
    suffix = path.suffix.lower()
    if suffix in (".apkg", ".colpkg", ".zip"):
        if suffix == ".colpkg":
            raise ImportFailed("a .colpkg is a whole Anki profile; export the deck as an "
                               "'Anki Deck Package' (.apkg) instead")
        return read_apkg(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return read_table(path)
    raise ImportFailed(f"cannot import '{suffix or path.name}' files: give an Anki .apkg, "
                       "or a .csv, .tsv or .txt of term and definition rows")


@dataclass
class ImportResult:
    output: Path
    cards: int
    by_type: dict[str, int]
    media_folder: Path | None
    problems: list[str]


def write_import(imported: Imported, output: Path, *, deck_id: str | None = None,
                 title: str | None = None, overwrite: bool = False) -> ImportResult:
    """Write the deck (and its pictures, in a folder beside it) as omtquiz deck files."""
    from omtquiz.decks.format.writer import deck_yaml, schema_line

    if not imported.cards:
        raise ImportFailed("nothing could be converted:\n  " + "\n  ".join(
            imported.problem_lines() or ["the file holds no notes or rows"]))
    if output.exists() and not overwrite:
        raise ImportFailed(f"{output} exists; choose another name, or pass --force to replace it")
    title = title or imported.title or output.stem
    deck_id = deck_id or slugify(title)
    if not SLUG_RE.match(deck_id):
        raise ImportFailed(f"deck id '{deck_id}' is not a slug (lowercase letters, digits and "
                           "single hyphens, e.g. omt-techniques)")
    output.parent.mkdir(parents=True, exist_ok=True)
    media_folder = None
    safe = limits.safe_names(list(imported.media))
    if imported.media:
        media_folder = output.parent / f"{output.stem}-media"
        media_folder.mkdir(exist_ok=True)
        for name, data in imported.media.items():
            limits.write_new_file(limits.file_inside(media_folder, safe[name]), data)
    cards = []
    for card in imported.cards:
        card = {**card, "source": SOURCE_ID}
        if "image" in card:
            card["image"] = f"{media_folder.name}/{safe[card['image']]}"
        cards.append(card)
    deck: dict = {"deck": deck_id, "title": title}
    if imported.parent:
        deck["parent"] = imported.parent
    deck["description"] = f"Imported from {imported.origin}."
    deck["sources"] = [{"id": SOURCE_ID, "citation": f"{imported.origin}: replace this with the "
                        "references its cards rest on"}]
    deck["cards"] = cards
    text = deck_yaml(deck, comments=[
        schema_line(output)[2:],
        f"Imported from {imported.origin} by `omtquiz import`. Edit the text freely, but keep",
        "each card's id: students' progress hangs on it. Check with: omtquiz validate --strict",
    ])
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)
    by_type: dict[str, int] = defaultdict(int)
    for card in cards:
        by_type[card.get("type", "basic")] += 1
    return ImportResult(output, len(cards), dict(by_type), media_folder, imported.problem_lines())
