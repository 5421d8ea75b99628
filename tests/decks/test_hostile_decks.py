"""Decks built to hurt (issue 14): each one ends in diagnostics, fast and in bounded memory.

Every hostile file is generated here and read in a subprocess under an address-space cap and a
time limit (conftest.run_capped): a regression shows as a killed or out-of-memory run, never as
a hung suite. The limits are hang detectors, far above what the fixed code needs; on the code
before issue 14 each of these ran for minutes or died with MemoryError.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import run_capped
from omtquiz.decks.format.loader import load_deck_file

HEAD = "deck: hostile\ntitle: Hostile\nsources: [{id: s, citation: C}]\n"

# Loads the deck the ways the app does (parse cache cold and warm, as at every start), then
# lints it, renders every item and exports it: every place that reads card text.
EVERYWHERE = textwrap.dedent("""
    import sys, tempfile
    from pathlib import Path
    from omtquiz.decks.format.library import load_library
    from omtquiz.decks.format.lint import lint_library
    from omtquiz.decks.render import plain, render_item
    from omtquiz.interop.anki_export import export_apkg

    cache = tempfile.mkdtemp()
    for _ in range(2):
        library = load_library([sys.argv[1]], cache_dir=cache)
    lint = lint_library(library)
    for deck in library.decks:
        for card in deck.cards:
            plain(card.prompt_text)
            for ord_ in card.ords():
                render_item(card, ord_)
    if any(deck.cards for deck in library.decks):
        export_apkg(library.decks, Path(cache) / "out.apkg")
    for diagnostic in [*library.diagnostics, *lint]:
        print(diagnostic)
    print("cards", sum(len(d.cards) for d in library.decks))
""")


def everywhere(path: Path, **limits) -> list[str]:
    done = run_capped("-c", EVERYWHERE, str(path), **limits)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


def validate(path: Path, **limits):
    return run_capped("-m", "omtquiz", "validate", "--format", "json", str(path), **limits)


def cloze_deck(text: str) -> str:
    return (HEAD + "cards:\n  - id: c\n    type: cloze\n    source: s\n"
            f"    text: {json.dumps(text)}\n")


# -- 2. cloze parsing is linear --------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "{{c1::" * 3000,  # 18 KB: over two minutes of backtracking before
    "{{c1::" * 3000 + "}}",
    "{{c1::a::" * 2000 + "x",
    "{{c1::" + "::" * 9000,
], ids=["open", "closed-once", "hints", "colons"])
def test_cloze_scanning_is_linear(tmp_path, text):
    path = tmp_path / "cloze.yaml"
    path.write_text(cloze_deck(text))
    lines = everywhere(path, seconds=90)
    assert lines[-1] in ("cards 0", "cards 1")


def test_scanner_finds_what_the_old_pattern_found():
    from omtquiz.decks import cloze

    text = "A {{c1::b}} c {{c2::d::hint}} {{c10::e::f::g}} {{c3::unclosed and {{c1::x}}"
    found = [(m.group(1), m.group(2), m.group(3), m.start(), m.end())
             for m in cloze.CLOZE.finditer(text)]
    assert found == [("1", "b", None, 2, 11), ("2", "d", "hint", 14, 29),
                     ("10", "e", "f::g", 30, 46), ("3", "unclosed and {{c1", "x", 47, 75)]
    assert cloze.CLOZE.sub(lambda m: m.group(2), "x {{c1::y}} z") == "x y z"
    assert cloze.CLOZE.search("no deletion {{c::x}} {{cx::y}}") is None


def test_a_field_longer_than_the_cap_is_an_error(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text(cloze_deck("{{c1::x}} " + "y" * 200_000))
    result = load_deck_file(path)
    assert [(d.line, d.column) for d in result.errors] == [(8, 11)]
    assert "is 200,010 characters; a field holds at most 100,000" in result.errors[0].message


# -- 3. expansion is capped by the text it brings ---------------------------------------------
@pytest.mark.slow
def test_record_field_of_aliases_to_a_megabyte_is_refused(tmp_path):
    """9,000 aliases to 1 MB joined by a template: MemoryError at start-up (8.8 GB) before."""
    path = tmp_path / "amplify.yaml"
    aliases = ", ".join(["*big"] * 9000)
    path.write_text(HEAD + f"big: &big \"{'x' * 2**20}\"\nrecords:\n"
                    f"  - {{id: r, source: s, name: [{aliases}]}}\n"
                    "generate:\n  - {id: q, front: 'What is {name}?', back: it}\n")
    lines = everywhere(path, seconds=90, memory_mb=1024)
    assert any("aliases expand this deck past 64 Mi characters" in line for line in lines)
    done = validate(path, memory_mb=1024)
    assert done.returncode == 1 and "Traceback" not in done.stderr


@pytest.mark.slow
def test_cards_aliasing_a_megabyte_are_refused(tmp_path):
    """1,000 cards sharing one 1 MB text made a ~1 GB Anki collection from a 14 MB package."""
    path = tmp_path / "shared.yaml"
    cards = "".join(f"  - {{id: c{i}, front: q{i}, back: *big, source: s}}\n"
                    for i in range(1000))
    path.write_text(HEAD + f"big: &big \"{'x' * 2**20}\"\ncards:\n{cards}")
    lines = everywhere(path, seconds=90, memory_mb=1024)
    assert lines[-1] == "cards 0"
    assert any("aliases expand this deck past" in line for line in lines)


def test_a_template_cannot_multiply_a_field_past_the_cap(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(HEAD + f"records:\n  - {{id: r, source: s, name: {'x' * 90_000}}}\n"
                    "generate:\n  - {id: q, front: '" + "{name}" * 5000 + "', back: it}\n")
    result = load_deck_file(path)
    (error,) = result.errors
    assert error.line == 5
    assert "makes card 'r--q' with a field of 450,005,000 characters" not in error.message
    assert "a field holds at most 100,000" in error.message


# -- 4. cloze numbers in Anki's range ---------------------------------------------------------
@pytest.mark.parametrize("number", ["0", "501", "65537", "99999999999999999999", "9" * 5000])
def test_cloze_numbers_outside_anki_range_are_errors(tmp_path, number):
    path = tmp_path / "ords.yaml"
    path.write_text(cloze_deck(f"{{{{c{number}::x}}}} and {{{{c1::y}}}}"))
    done = validate(path)
    assert done.returncode == 1, done.stdout
    report = json.loads(done.stdout)
    (diagnostic,) = [d for d in report["diagnostics"] if d["severity"] == "error"]
    assert (diagnostic["line"], diagnostic["column"]) == (8, 11)
    assert "cloze numbers" in diagnostic["message"]
    lines = everywhere(path)
    assert lines[-1] == "cards 0"


def test_cloze_500_exports_and_anki_reads_it(tmp_path):
    from anki.collection import Collection, ImportAnkiPackageRequest

    from omtquiz.interop.anki_export import export_apkg

    path = tmp_path / "ok.yaml"
    path.write_text(cloze_deck("{{c500::x}} and {{c1::y}}"))
    deck = load_deck_file(path).deck
    assert [c.ords() for c in deck.cards] == [(0, 499)]
    export_apkg([deck], tmp_path / "out.apkg")
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "c.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(tmp_path / "out.apkg")))
        ords = sorted(col.get_card(cid).ord for cid in col.find_cards(""))
    finally:
        col.close()
    assert ords == [0, 499]


# -- 5. near-linear where it was quadratic -----------------------------------------------------
@pytest.mark.slow
def test_many_records_with_distractors_from_load_in_bounded_time(tmp_path):
    """4,000 records took 50 s (every card ranked every other record); 12,000 here."""
    records = "".join(f"  - {{id: r{i}, name: Name number {i}, what: Thing {i}, source: s}}\n"
                      for i in range(12_000))
    path = tmp_path / "records.yaml"
    path.write_text(HEAD + "records:\n" + records + "generate:\n  - {id: q, type: mcq, "
                    "question: 'Which is {what}?', answer_from: name, distractors_from: name}\n")
    done = validate(path, seconds=90)
    report = json.loads(done.stdout)
    assert (report["cards"], report["errors"]) == (12_000, 0)


def test_generated_choices_come_from_near_neighbours_yet_never_tell(tmp_path):
    records = "".join(f"  - {{id: r{i}, name: Name {i:04}, source: s}}\n" for i in range(300))
    path = tmp_path / "records.yaml"
    path.write_text(HEAD + "records:\n" + records + "generate:\n  - {id: q, type: mcq, "
                    "question: 'Which is {id}?', answer_from: name, distractors_from: name}\n")
    deck = load_deck_file(path).deck
    for card in deck.cards:
        assert len(card.distractors) == 3 and card.answer not in card.distractors
    assert len({card.distractors for card in deck.cards}) > 250  # not one set shared by all


@pytest.mark.slow
def test_lint_of_many_mcqs_asking_one_question_is_near_linear(tmp_path):
    """8,000 mcqs with one question and different answers linted in 25 s; 20,000 here."""
    import hashlib

    cards = "".join(
        f"  - {{id: c{i}, type: mcq, question: Which one is it here?, answer: "
        f"{hashlib.sha1(str(i).encode()).hexdigest()[:12]}, distractors: [x{i}, y{i}], "
        "source: s}\n" for i in range(20_000))
    path = tmp_path / "same.yaml"
    path.write_text(HEAD + "cards:\n" + cards)
    done = validate(path, seconds=90)
    report = json.loads(done.stdout)
    assert (report["cards"], report["errors"]) == (20_000, 0)


# -- 1. pictures and links in card HTML: validate names each refused one at its place ---------
def test_validate_reports_refused_pictures_and_links_at_their_place(tmp_path):
    (tmp_path / "ok.png").write_bytes(b"png")
    path = tmp_path / "refs.yaml"
    path.write_text(HEAD + "cards:\n"
                    "  - id: a\n    source: s\n"
                    '    front: "See <img src=\\"/dev/zero\\"> and ![x](../../etc/passwd)"\n'
                    "    back: |\n      Fine ![ok](ok.png), [web](https://example.org/a),\n"
                    "      not [share](//host/share/x) or [here](notes.html)\n"
                    "  - {id: b, front: '<img src=\"\\\\\\\\host\\\\share\\\\x.png\">', back: b, "
                    "source: s}\n")
    done = validate(path)
    report = json.loads(done.stdout)
    found = [(d["line"], d["column"], d["message"]) for d in report["diagnostics"]]
    assert [(line, column) for line, column, _ in found] == [
        (7, 28), (7, 50), (10, 19), (10, 45), (11, 31)], found
    messages = [m for _, _, m in found]
    assert "cards[0].front: image '/dev/zero' is refused: an absolute" in messages[0]
    assert "image '../../etc/passwd' is refused: outside the deck's folder" in messages[1]
    assert "link '//host/share/x' is not an http(s) or doi: address" in messages[2]
    assert "link 'notes.html' is not an http(s)" in messages[3]
    assert "share\\\\x.png' is refused: an absolute or Windows path" in messages[4]
    assert done.returncode == 1 and report["cards"] == 0


def test_pictures_are_regular_files_under_the_cap(tmp_path):
    from omtquiz.decks import resolver

    (tmp_path / "zero.png").symlink_to("/dev/zero")
    (tmp_path / "big.png").write_bytes(b"\0" * (resolver.MAX_IMAGE_BYTES + 1))
    (tmp_path / "pictures").mkdir()
    path = tmp_path / "pics.yaml"
    path.write_text(HEAD + "cards:\n"
                    "  - {id: a, front: q, back: a, source: s, image: zero.png}\n"
                    "  - {id: b, front: q, back: a, source: s, image: big.png}\n"
                    "  - {id: c, front: q, back: a, source: s, image: pictures}\n"
                    "  - {id: d, front: '![x](zero.png)', back: a, source: s}\n")
    messages = [d.message for d in load_deck_file(path).errors]
    assert messages == [
        "cards[0].image: 'zero.png' is outside the deck's folder and assets/",
        "cards[1].image: file 'big.png' refused: larger than 8 MiB",
        "cards[2].image: file 'pictures' refused: not a regular file",
        "cards[3].front: image 'zero.png' is refused: outside the deck's folder and assets/",
    ]


# -- 6. source links: only the web -------------------------------------------------------------
@pytest.mark.parametrize("url", ["ms-msdt:/id PCWDiagnostic /skip force", "file:///etc/passwd",
                                 "javascript:alert(1)", "\\\\host\\share", "https://", "ftp://x/y",
                                 "https://exa mple.org"])
def test_a_source_url_that_is_not_the_web_is_an_error(tmp_path, url):
    from omtquiz.decks.resolver import web_url

    path = tmp_path / "src.yaml"
    path.write_text("deck: d\ntitle: T\nsources:\n  - id: s\n    citation: C\n"
                    f"    url: {json.dumps(url)}\ncards:\n  - {{id: a, front: q, back: a, "
                    "source: s}\n")
    result = load_deck_file(path)
    (error,) = result.errors
    assert (error.line, error.column) == (6, 10)
    assert "is not an http(s) or doi: address; it is shown as text and never opened" in \
        error.message
    assert web_url(url) is None
    assert [c.id for c in result.deck.cards] == ["a"]  # the card still studies


def test_web_and_doi_urls_are_links():
    from omtquiz.decks.resolver import web_url

    assert web_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    assert web_url(" HTTP://example.org ") == "HTTP://example.org"
    assert web_url("doi:10.7556/jaoa.2018.112") == "https://doi.org/10.7556/jaoa.2018.112"


def test_export_links_only_web_sources(tmp_path):
    import zipfile

    from omtquiz.interop.anki_export import export_apkg

    path = tmp_path / "src.yaml"
    path.write_text("deck: d\ntitle: T\nsources:\n"
                    "  - {id: s, citation: Bad, url: 'ms-msdt:/id PCWDiagnostic'}\n"
                    "  - {id: t, citation: Good, url: 'doi:10.1/x'}\ncards:\n"
                    "  - {id: a, front: q, back: a, source: s}\n"
                    "  - {id: b, front: q2, back: b, source: t}\n")
    export_apkg([load_deck_file(path).deck], tmp_path / "out.apkg")
    with zipfile.ZipFile(tmp_path / "out.apkg") as archive:
        collection = archive.read("collection.anki2")
    assert b'href="ms-msdt' not in collection
    assert b'href="https://doi.org/10.1/x"' in collection


# -- 18. the parse cache, blank fronts, terminal escapes ---------------------------------------
def test_a_picture_swapped_for_a_symlink_after_caching_is_never_packed(tmp_path):
    import zipfile

    from omtquiz.decks.format.library import load_library
    from omtquiz.interop.anki_export import export_apkg

    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET-PASSWD-LINE")
    folder = tmp_path / "decks"
    folder.mkdir()
    picture = folder / "pic.png"
    picture.write_bytes(b"\x89PNG fine")
    (folder / "d.yaml").write_text(HEAD + "cards:\n"
                                   "  - {id: a, front: q, back: a, source: s, image: pic.png}\n"
                                   "  - {id: b, front: 'See ![x](pic.png)', back: b, source: s}\n")
    cache = tmp_path / "cache"
    first = load_library([folder], cache_dir=cache)
    assert [len(d.cards) for d in first.decks] == [2]
    picture.unlink()
    picture.symlink_to(secret)  # the deck file is unchanged, as after a `git pull`
    again = load_library([folder], cache_dir=cache)
    assert [len(d.cards) for d in again.decks] == [0]
    assert all("outside the deck's folder" in d.message for d in again.diagnostics)
    # An export of the deck loaded before the swap re-checks the picture as it packs it.
    report = export_apkg(first.decks, tmp_path / "out.apkg")
    with zipfile.ZipFile(tmp_path / "out.apkg") as archive:
        packed = b"".join(archive.read(name) for name in archive.namelist())
    assert b"SECRET-PASSWD-LINE" not in packed
    assert len(report.warnings) == 2 and all("outside the deck" in w for w in report.warnings)


@pytest.mark.parametrize("front", ["<script>alert(1)</script>", "<style>p{}</style>",
                                   "<!-- nothing -->", "***", "<iframe src=x></iframe>"])
def test_a_front_that_sanitises_to_nothing_is_an_error(tmp_path, front):
    path = tmp_path / "blank.yaml"
    path.write_text(HEAD + f"cards:\n  - {{id: a, front: {json.dumps(front)}, back: b, "
                    "source: s}\n  - {id: b, front: '![x](p.png) <b>ok</b>', back: b, "
                    "source: s}\n")
    (tmp_path / "p.png").write_bytes(b"png")
    result = load_deck_file(path)
    (error,) = result.errors
    assert error.card_id == "a" and "shows nothing once its HTML is made safe" in error.message
    assert [c.id for c in result.deck.cards] == ["b"]


def test_export_warns_of_notes_anki_would_make_no_card_of(tmp_path):
    from omtquiz.decks.model import Card, Deck
    from omtquiz.interop.anki_export import export_apkg

    cards = (Card("d", "blank", "basic", front="<script>x</script>", back="b"),
             Card("d", "rev", "reverse", front="f", back="<style>x</style>"),
             Card("d", "fine", "basic", front="f", back="b"))
    deck = Deck("d", "T", str(tmp_path / "d.yaml"), cards)
    report = export_apkg([deck], tmp_path / "out.apkg")
    assert (report.notes, report.cards) == (1, 1)
    assert [w.split(":")[0] for w in report.warnings] == ["d/blank", "d/rev"]
    assert all("shows nothing" in w for w in report.warnings)


def test_validate_escapes_terminal_sequences(tmp_path):
    path = tmp_path / "esc.yaml"
    evil = "a\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"
    path.write_text(HEAD + f"cards:\n  - {{id: {json.dumps(evil)}, front: q, back: a, "
                    f"source: s}}\n  - {{id: {json.dumps(evil)}, front: q2, back: b, "
                    "source: s}\n", encoding="utf-8")
    done = run_capped("-m", "omtquiz", "validate", str(path))
    assert done.returncode == 1
    assert not any(ch in done.stdout for ch in "\x1b\x07\x9b\u202e")
    assert "duplicate card id 'a\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202e'" in done.stdout


@pytest.mark.slow
def test_deck_tags_cannot_multiply_over_every_card(tmp_path):
    """10,000 deck tags given to 30,000 cards would be 300 million references (2.4 GB)."""
    path = tmp_path / "tags.yaml"
    tags = ", ".join(f"t{i}" for i in range(10_000))
    cards = "".join(f"  - {{id: c{i}, front: q{i}, back: a, source: s}}\n" for i in range(30_000))
    path.write_text(HEAD + f"tags: [{tags}]\ncards:\n{cards}")
    lines = everywhere(path, seconds=120, memory_mb=2048)
    assert any("tags: 10,000 tags; at most 50 are allowed here" in line for line in lines)


def test_generated_cards_are_checked_like_written_ones(tmp_path):
    path = tmp_path / "gen.yaml"
    path.write_text(HEAD + "records:\n"
                    "  - {id: r, source: s, name: 'Look <img src=\"/etc/passwd\">'}\n"
                    "  - {id: q, source: s, name: '<script>x</script>'}\n"
                    "  - {id: ok, source: s, name: Fine}\n"
                    "generate:\n  - {id: g, front: '{name}', back: it}\n")
    result = load_deck_file(path)
    found = [(d.line, d.column, d.message) for d in result.errors]
    assert [(line, column) for line, column, _ in found] == [(5, 46), (6, 5)]
    assert "card 'r--g' whose front: image '/etc/passwd' is refused" in found[0][2]
    assert "card 'q--g' whose front: shows nothing once its HTML is made safe" in found[1][2]
    assert [c.id for c in result.deck.cards] == ["ok--g"]


@pytest.mark.parametrize("unit", ["[", "![", "<", "<a", "[a](", "A. "])
def test_a_field_full_of_brackets_is_read_in_linear_time(tmp_path, unit):
    """Markdown links and the lints' tag and link patterns scanned ahead from every bracket:
    99,000 '[' in one field took over a minute to validate."""
    path = tmp_path / "brackets.yaml"
    text = unit * (99_000 // len(unit))
    cloze_text = json.dumps("{{c1::x}} " + text)
    path.write_text(HEAD + f"cards:\n  - {{id: a, source: s, front: q, back: {json.dumps(text)}}}\n"
                    f"  - {{id: b, type: cloze, source: s, text: {cloze_text}}}\n")
    lines = everywhere(path, seconds=60)
    assert lines[-1] == "cards 2"


def test_text_past_the_markup_bounds_is_shown_plain_with_a_warning(tmp_path):
    from omtquiz.decks.render import markdown

    assert markdown("[a](b) " * 65).startswith("[a](b)")
    assert markdown("**x** " + "y" * 6000) == "**x** " + "y" * 6000
    assert markdown("**x** [a](https://e.org)") == '<strong>x</strong> <a href="https://e.org"' \
        ' rel="noopener noreferrer">a</a>'
    path = tmp_path / "plain.yaml"
    path.write_text(HEAD + "cards:\n  - {id: a, source: s, front: q, back: "
                    + json.dumps("[x] " * 65) + "}\n")
    (warning,) = load_deck_file(path).diagnostics
    assert warning.message == ("cards[0].back: shown as plain text, not formatted as Markdown "
                               "(more than 64 '[')")


@pytest.mark.slow
def test_many_mcqs_without_distractors_export_in_bounded_time(tmp_path):
    """Each borrowed its choices by scoring every other item of its deck: 8,000 such mcqs took
    over 5 minutes to export (and the loader copied the set of answers once per card)."""
    import hashlib

    cards = "".join(
        f"  - {{id: c{i}, type: mcq, question: Question {i} about thing {i}?, answer: "
        f"Ans {hashlib.sha1(str(i).encode()).hexdigest()[:8]}, source: s}}\n"
        for i in range(8_000))
    path = tmp_path / "borrow.yaml"
    path.write_text(HEAD + "cards:\n" + cards)
    lines = everywhere(path, seconds=120)
    assert lines[-1] == "cards 8000"


@pytest.mark.slow
def test_unknown_sources_among_thousands_are_named_quickly(tmp_path):
    """Each unknown source was compared with every known one for a hint and listed them all:
    20,000 sources and 300 such cards took two minutes."""
    sources = "".join(f"  - {{id: source-number-{i}, citation: c{i}}}\n" for i in range(20_000))
    cards = "".join(f"  - {{id: c{i}, front: q{i}, back: a, source: source-numbr-{i}}}\n"
                    for i in range(300))
    path = tmp_path / "sources.yaml"
    path.write_text("deck: x\ntitle: T\nsources:\n" + sources + "cards:\n" + cards)
    done = validate(path, seconds=60)
    first = json.loads(done.stdout)["diagnostics"][0]["message"]
    assert first.startswith("cards[0].source: unknown source 'source-numbr-0' (did you mean "
                            "'source-number-0'?) (known: source-number-0, source-number-1, ")
    assert first.endswith(", ... (20,000 in all))")


@pytest.mark.slow
def test_a_million_duplicate_keys_stop_at_the_problem_cap(tmp_path):
    """Every duplicate key was noted before any was reported: 14 MB of them took 20 s and
    460 MB; 35 MB here, under a 768 MB cap."""
    path = tmp_path / "dups.yaml"
    path.write_text("deck: x\ntitle: T\nfoo:\n" + "  a: 1\n" * 5_000_000 + "cards: []\n")
    done = validate(path, seconds=60, memory_mb=768)
    report = json.loads(done.stdout)
    messages = [d["message"] for d in report["diagnostics"]]
    assert messages[0] == "duplicate key 'a' (first given at line 4)"
    assert messages[-1] == "more than 200 problems; stopping here"
    assert len(messages) == 201
