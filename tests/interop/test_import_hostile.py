"""Imports from anywhere (issue 14, items 14-17): hostile packages and tables fail fast, with a
clear message, in bounded memory, and never write outside the output folder.

Every hostile file is made here. Whatever could hang or eat memory runs in a subprocess under
an address-space cap (RLIMIT_AS) and, where a file could be written, a file-size cap
(RLIMIT_FSIZE); the subprocess timeout only detects a hang (a generous multiple of what the
work takes now), it is never a timing assertion. Caps too large to reach in a test are lowered
with monkeypatch and checked in-process.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from conftest import PNG, ROOT, clean
from omtquiz.cli import main
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.interop import import_limits as limits
from omtquiz.interop.anki_import import convert_field, read_apkg
from omtquiz.interop.imported import ImportFailed
from omtquiz.interop.table_import import read_table

resource = pytest.importorskip("resource")

MEMORY_CAP = 1536 * 1024**2  # address space of the importing process
HANG = 60  # seconds: a hang detector only; the work below takes well under 5 s now

MODELS = {
    "1": {"name": "Basic", "type": 0,
          "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
          "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": "{{Front}}",
                     "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}]},
}
NOTES_TABLE = "CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, mid INTEGER, tags TEXT, " \
              "flds TEXT)"


def make_apkg(path: Path, notes: list[tuple[str, str]] = (), *, notes_sql: str = NOTES_TABLE,
              media: dict[str, str] | bytes | None = None, members: dict[str, bytes] | None = None,
              collection_member: tuple[str, int] | None = None,
              models: str | None = None, extra_sql: tuple[str, ...] = ()) -> Path:
    """A legacy Anki package built by hand: `col`, `notes` and `cards` as Anki lays them out,
    unless `notes_sql` says otherwise; `collection_member` (name, MiB of zeros) replaces the
    collection with a bomb."""
    database = path.with_suffix(".anki2")
    database.unlink(missing_ok=True)
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE col (id INTEGER PRIMARY KEY, models TEXT, decks TEXT)")
    connection.execute("INSERT INTO col VALUES (1, ?, ?)",
                       (models or json.dumps(MODELS), json.dumps({"1": {"name": "Hostile"}})))
    connection.execute(notes_sql)
    connection.execute("CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER, did INTEGER)")
    for number, (front, back) in enumerate(notes, 1):
        connection.execute("INSERT INTO notes VALUES (?, ?, 1, '', ?)",
                           (number, f"note-{number}", f"{front}\x1f{back}"))
        connection.execute("INSERT INTO cards VALUES (?, ?, 1)", (number, number))
    for statement in extra_sql:
        connection.execute(statement)
    connection.commit()
    connection.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        if collection_member:
            name, mib = collection_member
            with archive.open(name, "w", force_zip64=True) as member:
                block = bytes(1024**2)
                for _ in range(mib):
                    member.write(block)
        else:
            archive.write(database, "collection.anki2")
        archive.writestr("media", media if isinstance(media, bytes) else json.dumps(media or {}))
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return path


def run_capped(code: str, *, file_cap: int | None = None,
               timeout: float = HANG) -> subprocess.CompletedProcess:
    """`python -c code` under the memory cap (and a file-size cap); a hang fails the test."""

    def caps() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
        if file_cap is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_cap, file_cap))

    try:
        return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout,
                              preexec_fn=caps)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s: hung")


def import_capped(source: Path, output: Path, **caps) -> subprocess.CompletedProcess:
    return run_capped(f"import sys\nfrom omtquiz.cli import main\n"
                      f"sys.exit(main(['import', {str(source)!r}, '-o', {str(output)!r}]))",
                      **caps)


def assert_refused(result: subprocess.CompletedProcess, output: Path, *words: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    for word in words:
        assert word in result.stderr, result.stderr[-2000:]
    assert not output.exists()


# -- 14: collections that compute instead of store ---------------------------------------------
_RECURSIVE = ("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT {next} FROM r{stop}) "
              "SELECT i AS id, 'g' || i AS guid, 1 AS mid, '' AS tags, {flds} AS flds FROM r")


@pytest.mark.parametrize("notes_sql", [
    pytest.param("CREATE VIEW notes AS " + _RECURSIVE.format(
        next="i", stop="", flds="'a' || char(31) || 'b'"), id="endless-view"),
    pytest.param("CREATE VIEW notes AS " + _RECURSIVE.format(
        next="i + 1", stop=" WHERE i < 100000000", flds="'front' || i || char(31) || 'b'"),
        id="100M-rows-view"),
    pytest.param("CREATE VIEW notes AS SELECT 1 AS id, 'g' AS guid, 1 AS mid, '' AS tags, "
                 "printf('%.*c', 500000000, 'x') || char(31) || 'b' AS flds", id="500MB-view"),
    pytest.param("CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, mid INTEGER, tags TEXT, "
                 "flds TEXT GENERATED ALWAYS AS (printf('%.*c', 400000000, 'x')) VIRTUAL)",
                 id="generated-column"),
    pytest.param("CREATE VIRTUAL TABLE notes USING fts5(id, guid, mid, tags, flds)",
                 id="virtual-table"),
])
def test_a_collection_that_computes_its_notes_is_refused(tmp_path, notes_sql):
    rows = ("INSERT INTO cards VALUES (1, 1, 1)",)
    if "GENERATED" in notes_sql:
        rows += ("INSERT INTO notes (id, guid, mid, tags) VALUES (1, 'g', 1, '')",)
    elif "fts5" in notes_sql:
        rows += ("INSERT INTO notes VALUES (1, 'g', 1, '', 'front' || char(31) || 'back')",)
    package = make_apkg(tmp_path / "bomb.apkg", notes_sql=notes_sql, extra_sql=rows)
    output = tmp_path / "out.yaml"
    why = ("table computes its columns" if "GENERATED" in notes_sql
           else "is a virtual table" if "VIRTUAL" in notes_sql else "is a view")
    assert_refused(import_capped(package, output), output, f"the collection's 'notes' {why}")


def test_rows_past_the_cap_are_refused_while_streaming(tmp_path, monkeypatch):
    package = make_apkg(tmp_path / "many.apkg", [(f"front {i}", "back") for i in range(30)])
    assert len(read_apkg(package).cards) == 30
    monkeypatch.setattr(limits, "MAX_NOTES", 29)
    with pytest.raises(ImportFailed, match="more than 29 notes"):
        read_apkg(package)


def test_a_value_past_the_cap_is_refused_and_a_long_note_left_out(tmp_path, monkeypatch):
    package = make_apkg(tmp_path / "long.apkg", [("short", "back"), ("long", "x" * 6000)])
    monkeypatch.setattr(limits, "MAX_FIELD_CHARS", 5000)
    imported = read_apkg(package)
    assert [card["front"] for card in imported.cards] == ["short"]
    assert any("notes longer than 5,000 characters were left out (1: note note-2)" in line
               for line in imported.problem_lines())
    monkeypatch.setattr(limits, "MAX_VALUE_BYTES", 4000)  # SQLite itself refuses the value
    with pytest.raises(ImportFailed, match="holds a value larger than 4,000 bytes"):
        read_apkg(package)


def test_queries_past_the_time_limit_are_stopped(tmp_path, monkeypatch):
    package = make_apkg(tmp_path / "slow.apkg", [(f"front {i}", "back") for i in range(3000)])
    monkeypatch.setattr(limits, "COLLECTION_SECONDS", 0.0)
    with pytest.raises(ImportFailed, match=r"reading the collection \((it|its schema)\) took "
                       "longer than 0 s"):
        read_apkg(package)


def test_a_schema_too_large_to_read_is_stopped(tmp_path):
    """200,000 views written straight into sqlite_master (a 12 MB file): SQLite's schema load
    took minutes, before any query could run."""
    package = make_apkg(tmp_path / "schema.apkg", [("front", "back")], extra_sql=(
        "PRAGMA writable_schema = ON",
        "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 200000) "
        "INSERT INTO sqlite_master SELECT 'view', 'v' || i, 'v' || i, 0, "
        "'CREATE VIEW v' || i || ' AS SELECT 1' FROM r"))
    output = tmp_path / "out.yaml"
    assert_refused(import_capped(package, output), output,
                   "reading the collection (its schema) took longer than 5 s; refused")


def test_a_schema_with_too_many_entries_is_refused(tmp_path, monkeypatch):
    package = make_apkg(tmp_path / "schema.apkg", [("front", "back")], extra_sql=tuple(
        f"CREATE INDEX i{n} ON notes (guid)" for n in range(20)))
    monkeypatch.setattr(limits, "MAX_SCHEMA_ENTRIES", 20)
    with pytest.raises(ImportFailed, match="schema has 2[0-9] entries; more than 20 is refused"):
        read_apkg(package)


def test_the_collection_is_read_without_writing_to_it(tmp_path):
    """Read-only and immutable: a collection whose file cannot be written still imports, and
    nothing (no -journal, no -wal) appears beside it."""
    package = make_apkg(tmp_path / "ok.apkg", [("front", "back")])
    database = tmp_path / "ok.anki2"
    database.chmod(0o444)
    with limits.Collection(database) as collection:
        assert collection.one("SELECT count(*) FROM notes") == (1,)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            collection.connection.execute("DELETE FROM notes")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.anki2", "ok.apkg"]
    assert [c["front"] for c in read_apkg(package).cards] == ["front"]


# -- 15: media and collection bombs ------------------------------------------------------------
def test_a_media_bomb_is_refused_from_the_headers_before_anything_is_read(tmp_path):
    """12 images of 30 MiB of zeros (each under the per-image cap; 360 MiB together)."""
    notes = [(f'<img src="zero{i}.png">', f"back {i}") for i in range(12)]
    package = make_apkg(tmp_path / "media.apkg", notes,
                        media={str(i): f"zero{i}.png" for i in range(12)},
                        members={str(i): bytes(30 * 1024**2) for i in range(12)})
    output = tmp_path / "out.yaml"
    result = import_capped(package, output, file_cap=16 * 1024**2)
    assert_refused(result, output, "the images would unpack to 360 MiB; more than 256 MiB")
    assert not (tmp_path / "out-media").exists()


def test_a_collection_bomb_is_refused_before_a_byte_is_written(tmp_path):
    """600 MiB of zeros as the collection: refused from the header, with a 16 MiB file-size cap
    on the process proving that nothing went to the temporary folder first."""
    package = make_apkg(tmp_path / "col.apkg", collection_member=("collection.anki2", 600))
    output = tmp_path / "out.yaml"
    result = import_capped(package, output, file_cap=16 * 1024**2)
    assert_refused(result, output, "'collection.anki2' in the package is 600 MiB unpacked; "
                   "more than 512 MiB is refused")


@pytest.mark.parametrize("zip64", [False, True])
def test_too_many_members_are_refused_before_the_zip_is_opened(tmp_path, monkeypatch, zip64):
    with monkeypatch.context() as patch:
        if zip64:  # the plain end record then says 0xFFFF and the zip64 one has the count
            patch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 10)
        package = make_apkg(tmp_path / "members.apkg", [("front", "back")],
                            members={f"m{i}": b"" for i in range(60)})
    if zip64:
        assert b"PK\x06\x06" in package.read_bytes()[-200:]
    monkeypatch.setattr(limits, "MAX_PACKAGE_MEMBERS", 50)
    with pytest.raises(ImportFailed, match="holds 62 files; more than 50 is refused"):
        read_apkg(package)


@pytest.mark.parametrize("media_list", [b"[1, 2]", b"[" * 100_000 + b"]" * 100_000])
def test_a_media_list_of_the_wrong_shape_is_a_problem_not_a_crash(tmp_path, media_list):
    package = make_apkg(tmp_path / "odd.apkg", [("front", "back")], media=media_list)
    imported = read_apkg(package)
    assert [c["front"] for c in imported.cards] == ["front"]
    assert any("media list" in line for line in imported.problem_lines())


def _patch_first_member(path: Path, *, flags: int = 0, method: int | None = None) -> None:
    """Set bits in the first member's flags, or its compression method, in both headers."""
    data = bytearray(path.read_bytes())
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    for header, flag_at, method_at in ((local, 6, 8), (central, 8, 10)):
        data[header + flag_at] |= flags
        if method is not None:
            data[header + method_at:header + method_at + 2] = method.to_bytes(2, "little")
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("patch", [{"flags": 0x1}, {"method": 9}, {"method": 99}],
                         ids=["encrypted", "deflate64", "aes"])
def test_a_member_zipfile_cannot_unpack_is_refused_cleanly(tmp_path, patch):
    package = make_apkg(tmp_path / "odd.apkg", [("front", "back")])
    _patch_first_member(package, **patch)
    with pytest.raises(ImportFailed, match="'collection.anki2' in the package cannot be unpacked"):
        read_apkg(package)


def test_note_types_nested_too_deep_are_refused_cleanly(tmp_path):
    package = make_apkg(tmp_path / "deep.apkg", [("front", "back")],
                        models="[" * 100_000 + "]" * 100_000)
    with pytest.raises(ImportFailed, match="not laid out as Anki lays it out"):
        read_apkg(package)


# -- 16: tables and field HTML -----------------------------------------------------------------
def test_a_csv_field_over_128_kb_imports_and_one_over_the_cap_is_a_clear_error(tmp_path):
    source = tmp_path / "long.csv"
    source.write_text("HVLA," + "x" * 200_000 + "\nMuscle energy,short\n", encoding="utf-8")
    assert [len(c["back"]) for c in read_table(source).cards] == [200_000, 5]
    output = tmp_path / "out.yaml"
    for suffix in (".csv", ".tsv"):
        source = tmp_path / f"huge{suffix}"
        separator = "," if suffix == ".csv" else "\t"
        source.write_text(f"HVLA{separator}" + "x" * (limits.MAX_FIELD_CHARS + 10) + "\n",
                          encoding="utf-8")
        assert_refused(import_capped(source, output), output,
                       f"huge{suffix}:1: a field is")


def test_60000_identical_terms_get_ids_in_linear_time(tmp_path):
    """20,000 took 21 s to read, 40,000 minutes: each id counted up from 2 again."""
    source = tmp_path / "same.csv"
    source.write_text("".join(f"HVLA,definition {i}\n" for i in range(60_000))
                      + "hvla 2,a term that looks like a numbered id\n", encoding="utf-8")
    result = run_capped(f"""
        from pathlib import Path
        from omtquiz.interop.table_import import read_table
        ids = [card["id"] for card in read_table(Path({str(source)!r})).cards]
        assert len(set(ids)) == len(ids) == 60_001, len(set(ids))
        print(ids[0], ids[1], ids[-2], ids[-1])
    """)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["hvla", "hvla-2", "hvla-60000", "hvla-2-2"]


def test_tsv_continuation_lines_are_joined_in_linear_time(tmp_path):
    """Three definitions of 340,000 lines each (1 MB, under the field cap). Appending each line
    with += copied the definition every time: 7-20 s per definition here, memory-bound. A
    regression guard with a hang detector: the line cap keeps even the old way under a minute."""
    source = tmp_path / "quizlet.tsv"
    source.write_text("".join(f"term {i}\tfirst\n" + "x\n" * 340_000 for i in range(3)),
                      encoding="utf-8")
    result = run_capped(f"""
        from pathlib import Path
        from omtquiz.interop.table_import import read_table
        print(*(len(card["back"]) for card in read_table(Path({str(source)!r})).cards))
    """)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [str(len("first") + 340_000 * 3)] * 3


HOSTILE_HTML = {
    "nested-b": ("<b>" * 8000 + "x" + "</b>" * 8000, "**x**"),
    "nested-b-i": ("<b><i>" * 4000 + "x" + "</i></b>" * 4000, "***x***"),
    "opened-then-closed": ("<b>x" * 8000 + "</b>" * 8000, "**" + "x" * 8000 + "**"),
    "unclosed-tags": ("<x " * 40_000, "&lt;x " * 39_999 + "&lt;x"),
    "unclosed-attributes": ("<a x=" * 40_000, None),
    "marked-sections": ("<![" * 10_000, None),
}


def test_field_html_converts_in_linear_time_and_never_raises(tmp_path):
    """html.parser took 6 s on <b> nested 8,000 deep, 109 s on 40,000 `<x `, 214 s on
    40,000 `<a x=`, and raised AssertionError on `<![`."""
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps({k: v for k, (v, _) in HOSTILE_HTML.items()}), encoding="utf-8")
    result = run_capped(f"""
        import json
        from omtquiz.interop.anki_import import convert_field
        cases = json.loads(open({str(cases)!r}, encoding="utf-8").read())
        print(json.dumps({{k: convert_field(v).text for k, v in cases.items()}}))
    """)
    assert result.returncode == 0, result.stderr[-2000:]
    texts = json.loads(result.stdout)
    for name, (_, expected) in HOSTILE_HTML.items():
        if expected is not None:
            assert texts[name] == expected, name


@pytest.mark.parametrize(("html", "markdown"), [
    ("<b>bold <b>inside</b> still</b> after", "**bold inside still** after"),
    ("<b>never closed", "never closed"),
    ("a<!-- hidden -->b<?pi x?>c<!DOCTYPE html>d", "abcd"),
    ("<script>if (a<b) alert(1)</script>kept", "kept"),
    ("<img src='pic.png'/>Caption &amp; more", "Caption & more"),
    ('<a href="https://e.org/?a=1&amp;b=2">link</a>', "[link](https://e.org/?a=1&b=2)"),
    ("1 < 2 and 3 > 2", "1 &lt; 2 and 3 > 2"),
])
def test_the_linear_scanner_reads_fields_as_before(html, markdown):
    assert convert_field(html).text == markdown


def test_an_apkg_with_a_deeply_nested_field_imports(tmp_path):
    package = make_apkg(tmp_path / "deep.apkg",
                        [("<b>" * 8000 + "Rib raising" + "</b>" * 8000, "<i>" * 8000 + "ribs")])
    output = tmp_path / "deep.yaml"
    result = import_capped(package, output)
    assert result.returncode == 0, result.stderr[-2000:]
    clean(output)
    (card,) = load_deck_file(output).deck.cards
    assert (card.front, card.back) == ("**Rib raising**", "ribs")


def test_names_from_the_file_reach_the_terminal_without_escape_sequences(tmp_path, capsys):
    """A GUID or a column name holding ESC [2J would clear the screen when the problems print."""
    package = make_apkg(tmp_path / "esc.apkg", [("front", "back")],
                        extra_sql=("UPDATE notes SET guid = 'x' || char(27) || '[2J' || "
                                   "printf('%.*c', 5000, 'y')",))
    assert main(["import", str(package), "-o", str(tmp_path / "a.yaml")]) == 1
    printed = capsys.readouterr()
    assert "\x1b" not in printed.out + printed.err
    assert "(1: note x\\x1b[2J" + "y" * 35 + "...)" in printed.err
    table = tmp_path / "esc.csv"
    table.write_text("term,definition,\x1b]0;title\x07\nHVLA,thrust\n", encoding="utf-8")
    assert main(["import", str(table), "-o", str(tmp_path / "b.yaml")]) == 0
    printed = capsys.readouterr()
    assert "\x1b" not in printed.out + printed.err and "\x07" not in printed.out + printed.err
    assert "column '\\x1b]0;title\\x07' was not converted" in printed.out


# -- 17: media names ---------------------------------------------------------------------------
HOSTILE_NAMES = ["D:evil.png", "C:\\x.png", "..\\x.png", "CON.png", "nul .png", "com1.tar.png",
                 "lpt¹.png", "a\x01b.png", "x\x00y.png", "Evil.png", "evil.png", "\u202egnp.png",
                 "tab\tname.png", " .png", "a" * 300 + ".png", "ok.png"]


def _assert_plain_everywhere(name: str) -> None:
    for flavour in (PurePosixPath, PureWindowsPath):
        pure = flavour(name)
        assert pure.name == name and not pure.anchor and not pure.drive, name
    assert not any(ch in name for ch in '<>:"/\\|?*') and name.isprintable(), repr(name)
    assert name.split(".")[0].rstrip(" ").casefold() not in limits._RESERVED, name
    assert not name.startswith((".", " ")) and not name.endswith((".", " ")), name
    assert len(name) <= limits.MAX_NAME_CHARS, name


@pytest.mark.parametrize("name", HOSTILE_NAMES + ["", ".", "..", "\\\\host\\share\\x.png",
                                                  "CONIN$", "con", "file:", "x:stream.png"])
def test_every_media_name_is_made_plain_on_windows_and_posix(tmp_path, name):
    safe = limits.safe_file_name(name)
    _assert_plain_everywhere(safe)
    assert limits.file_inside(tmp_path, safe).parent == tmp_path


@pytest.mark.parametrize("name", ["D:evil.png", "C:\\x.png", "../x.png", "..", "a/b.png", "/x"])
def test_file_inside_refuses_anything_but_a_plain_name(tmp_path, name):
    with pytest.raises(ImportFailed, match="not a plain file name"):
        limits.file_inside(tmp_path, name)


def test_hostile_media_names_are_written_inside_the_media_folder_under_safe_names(tmp_path):
    images = {name: PNG + name.encode("utf-8", "surrogatepass") for name in HOSTILE_NAMES}
    notes = [(f'Which structure is in picture {i}? <img src="{name}">', f"back {i}")
             for i, name in enumerate(HOSTILE_NAMES)]
    package = make_apkg(tmp_path / "names.apkg", notes,
                        media={str(i): name for i, name in enumerate(HOSTILE_NAMES)},
                        members={str(i): images[name] for i, name in enumerate(HOSTILE_NAMES)})
    output = tmp_path / "out" / "names.yaml"
    result = import_capped(package, output)
    assert result.returncode == 0, result.stderr[-2000:]
    clean(output)
    folder = tmp_path / "out" / "names-media"
    written = sorted(folder.iterdir())
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["names-media", "names.yaml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["names.anki2", "names.apkg", "out"]
    for path in written:
        _assert_plain_everywhere(path.name)
    assert len({p.name.casefold() for p in written}) == len(written)
    deck = load_deck_file(output).deck
    shown = {Path(card.image).read_bytes() for card in deck.cards if card.image}
    assert len(shown) == len(written) >= 12  # each card shows its own picture, none overwritten
    assert shown <= set(images.values())


# -- the export side ---------------------------------------------------------------------------
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_an_exported_apkg_gets_the_users_file_mode(tmp_path, umask, mode):
    source = tmp_path / "cards.csv"
    source.write_text("HVLA,High velocity low amplitude\n", encoding="utf-8")
    assert main(["import", str(source), "-o", str(tmp_path / "cards.yaml")]) == 0
    old = os.umask(umask)
    try:
        assert main(["export", str(tmp_path / "cards.yaml"), "-o", str(tmp_path / "c.apkg")]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "c.apkg").stat().st_mode & 0o777 == mode
    assert not list(tmp_path.glob(".c.apkg.*"))
