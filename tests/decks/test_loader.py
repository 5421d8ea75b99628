"""The deck loader: every error at its line, all problems at once, never an exception."""

from __future__ import annotations

import textwrap

import pytest

from omtquiz.decks.format.library import load_library
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.decks.model import Severity

HEAD = """\
deck: omt-test
title: Test deck
sources:
  - id: cc-omt
    citation: Cleveland Clinic
cards:
"""


def deck(body: str) -> str:
    return HEAD + textwrap.dedent(body)


def problems(path, severity=Severity.ERROR):
    return [(d.line, d.message) for d in load_deck_file(path).diagnostics
            if d.severity is severity]


def only_error(path):
    found = problems(path)
    assert len(found) == 1, found
    return found[0]


def test_a_good_deck_loads_every_card_type(write_deck):
    path = write_deck(deck("""\
        - id: b
          front: What is OMT?
          back: A hands-on treatment.
          tags: [principles]
          source: cc-omt
        - id: r
          type: reverse
          front: TART
          back: Tissue texture, asymmetry, restriction, tenderness
          source: cc-omt
        - id: c
          type: cloze
          text: "{{c1::Rib raising}} improves {{c2::breathing::function}}."
          extra: From the seed article.
          source: cc-omt
        - id: m
          type: mcq
          question: Which technique pumps lymph?
          answer: Lymphatic pump
          distractors: [Rib raising, Muscle energy]
          explanation: It pumps.
          source: cc-omt
        """).replace("title: Test deck", "title: Test deck\ntags: [omt]\nparent: OMT"))
    result = load_deck_file(path)
    assert result.diagnostics == ()
    d = result.deck
    assert d.full_name == "OMT::Test deck"
    assert [c.type for c in d.cards] == ["basic", "reverse", "cloze", "mcq"]
    assert d.card("b").tags == ("omt", "principles")
    assert [c.ords() for c in d.cards] == [(0,), (0, 1), (0, 1), (0,)]
    assert d.card("m").distractors == ("Rib raising", "Muscle energy")
    assert d.card("c").extra == "From the seed article."
    assert len(d.items()) == 6
    assert d.card("b").line == 9  # two header lines were added above


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ("- id: a\n  type: mcqq\n  front: q\n  back: a\n  source: cc-omt\n", 8,
         "cards[0].type: 'mcqq' is not one of basic, reverse, cloze, mcq"),
        ("- id: a\n  front: q\n  source: cc-omt\n", 7, "cards[0]: missing 'back'"),
        ("- id: a\n  front: q\n  back: [x, y]\n  source: cc-omt\n", 9,
         "cards[0].back: expected text, found a list"),
        ("- id: a\n  front: q\n  back: ''\n  source: cc-omt\n", 9, "cards[0].back: is empty"),
        ("- just a string\n", 7, "cards[0]: a card must be a mapping"),
        ("- id: a\n  type: cloze\n  text: no deletion here\n  source: cc-omt\n", 9,
         "a cloze needs at least one deletion"),
        ("- id: a\n  type: mcq\n  question: q?\n  answer: A\n  distractors: [B, a]\n"
         "  source: cc-omt\n", 11, "'a' is the answer itself"),
        ("- id: a\n  type: mcq\n  question: q?\n  answer: A\n  source: cc-omt\n", 7,
         "fewer than 2 choices"),
        ("- id: a\n  front: q\n  back: a\n  source: nope\n", 10, "unknown source 'nope'"),
        ("- id: a\n  front: q\n  back: a\n  image: ../../etc/passwd\n  source: cc-omt\n", 10,
         "is outside the deck's folder"),
        ("- id: a\n  front: q\n  back: a\n  image: missing.png\n  source: cc-omt\n", 10,
         "file 'missing.png' not found"),
        ("- id: has space\n  front: q\n  back: a\n  source: cc-omt\n", 7,
         "must be 1-128 characters without spaces"),
        ("- id: a\n  front: q\n  back: a\n  tags: [two words]\n  source: cc-omt\n", 10,
         "'two words' is not a tag"),
    ],
)
def test_each_card_error_is_reported_at_its_line(write_deck, body, line, fragment):
    path = write_deck(HEAD + body)
    got_line, message = only_error(path)
    assert fragment in message
    assert got_line == line


def test_duplicate_card_id_points_at_the_second(write_deck):
    path = write_deck(deck("""\
        - {id: a, front: q, back: a, source: cc-omt}
        - {id: b, front: q, back: a, source: cc-omt}
        - {id: a, front: q2, back: a2, source: cc-omt}
        """))
    line, message = only_error(path)
    assert line == 9
    assert "duplicate card id 'a' (first used at line 7)" in message
    assert [c.id for c in load_deck_file(path).deck.cards] == ["a", "b"]


def test_duplicate_key_in_a_mapping(write_deck):
    path = write_deck(deck("""\
        - id: a
          front: q
          front: q again
          back: a
          source: cc-omt
        """))
    assert only_error(path) == (9, "duplicate key 'front' (first given at line 8)")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("title: T\ncards: []\n", 1, "missing 'deck'"),
        ("deck: a\ncards: []\n", 1, "missing 'title'"),
        ("deck: a\ntitle: T\n", 1, "missing 'cards'"),
        ("deck: Not_A_Slug\ntitle: T\ncards: []\n", 1, "is not a slug"),
        ("- a\n- b\n", 1, "the top level must be a mapping"),
        ("deck: a\ntitle: T\ncards: {x: 1}\n", 3, "cards: expected a list"),
        ("deck: a\ntitle: T\ncards: []\ndeck: b\n", 4, "duplicate key 'deck'"),
        ("deck: a\ntitle: T\ncards: []\n---\ndeck: b\n", 4, "holds one YAML document"),
        ("deck: a\ntitle: T\ncards:\n  - id: x\n   front: bad indent\n", 5, "not valid YAML"),
        ("deck: a\ntitle: !!python/object:os.system x\ncards: []\n", 2, "YAML tags"),
    ],
)
def test_each_deck_error_is_reported_at_its_line(write_deck, text, line, fragment):
    found = problems(write_deck(text))
    assert any(fragment in m and got == line for got, m in found), found


def test_empty_file(write_deck):
    assert only_error(write_deck("")) == (1, "file is empty: a deck needs deck, title and cards")
    assert only_error(write_deck("# only a comment\n"))[1].startswith("file is empty")


def test_not_utf8_says_where(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"deck: a\ntitle: Caf\xe9\ncards: []\n")
    line, message = only_error(path)
    assert line == 2
    assert "not UTF-8: byte 0xe9" in message
    assert load_deck_file(path).diagnostics[0].column == 11


def test_bom_crlf_and_unicode_are_fine(tmp_path):
    text = deck("- {id: ü, front: 'Was ist OMT? 整骨', back: 'Ω — ✓', source: cc-omt}\n")
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    result = load_deck_file(path)
    assert result.diagnostics == ()
    assert result.deck.card("ü").back == "Ω — ✓"


def test_unknown_keys_warn_with_a_suggestion(write_deck):
    path = write_deck(deck("""\
        - id: a
          front: q
          bakc: a
          back: a
          source: cc-omt
        """).replace("title:", "titel: x\ntitle:"))
    warnings = problems(path, Severity.WARNING)
    assert (2, "top level: unknown key 'titel' (did you mean 'title'?)") in warnings
    assert (10, "cards[0]: unknown key 'bakc' (did you mean 'back'?)") in warnings
    assert problems(path) == []


def test_a_field_of_another_type_is_named(write_deck):
    path = write_deck(deck("- {id: a, front: q, back: a, question: q?, source: cc-omt}\n"))
    (_, message), = problems(path, Severity.WARNING)
    assert "'question' belongs to mcq or point cards" in message


def test_all_problems_of_a_file_at_once(write_deck):
    path = write_deck(deck("""\
        - id: a
          type: nope
        - id: b
          front: q
        - id: c
          type: cloze
          text: none
          source: cc-omt
        """))
    assert [line for line, _ in problems(path)] == [8, 9, 13]


def test_bad_cards_are_dropped_but_the_deck_still_loads(write_deck):
    path = write_deck(deck("""\
        - {id: good, front: q, back: a, source: cc-omt}
        - {id: bad, type: mcqq}
        """))
    result = load_deck_file(path)
    assert not result.ok
    assert [c.id for c in result.deck.cards] == ["good"]


def test_missing_source_is_a_warning_and_unused_source_too(write_deck):
    path = write_deck(deck("- {id: a, front: q, back: a}\n"))
    warnings = problems(path, Severity.WARNING)
    assert (7, "cards[0]: card has no source (every fact needs one)") in warnings
    assert (4, "sources: 'cc-omt' is never cited by a card") in warnings


@pytest.mark.parametrize(("empty", "column"), [("source:", 10), ("source: ''", 11),
                                               ('source: "  "', 11), ("source: ~", 11),
                                               ("source: null", 11)])
def test_empty_source_is_warned_like_a_missing_one(write_deck, empty, column):
    path = write_deck(deck(f"""\
        - id: a
          front: q
          back: a
          {empty}
        """))
    result = load_deck_file(path)
    found = [(d.line, d.column, d.severity, d.message, d.card_id) for d in result.diagnostics
             if "no source" in d.message]
    assert found == [(10, column, Severity.WARNING,
                      "cards[0]: card has no source (every fact needs one)", "a")]
    assert result.deck.card("a").source is None


@pytest.mark.parametrize("body", ["- {front: q, back: a, source: cc-omt}\n", "- just text\n"])
def test_a_list_whose_only_card_is_broken_is_not_called_empty(write_deck, body):
    result = load_deck_file(write_deck(deck(body)))
    assert problems(result.path)  # the broken card's error ...
    assert not [d for d in result.diagnostics if "the list is empty" in d.message]  # ... alone


def test_an_empty_cards_list_is_still_warned(write_deck):
    path = write_deck(HEAD.replace("cards:\n", "cards: []\n"))
    assert problems(path, Severity.WARNING)[-1] == (6, "cards: the list is empty")


@pytest.mark.parametrize("text", ["'{{c0::Rib raising}} helps.'",
                                  "'{{c1::Rib raising}} helps {{c00::breathing}}.'"])
def test_a_deletion_numbered_c0_is_an_error_and_its_card_is_dropped(write_deck, text):
    path = write_deck(deck(f"""\
        - {{id: good, type: cloze, text: '{{{{c1::x}}}} y', source: cc-omt}}
        - id: zero
          type: cloze
          text: {text}
          source: cc-omt
        """))
    result = load_deck_file(path)
    assert [(d.line, d.column, d.message, d.card_id) for d in result.diagnostics] == [
        (10, 9, "cards[1].text: {{c0::...}}: cloze numbers start at 1, as in {{c1::answer}}",
         "zero")]
    assert [c.id for c in result.deck.cards] == ["good"]
    assert all(item.ord >= 0 for c in result.deck.cards for item in c.items())


def test_image_inside_the_deck_folder(write_deck, tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "x.png").write_bytes(b"\x89PNG\r\n")
    path = write_deck(deck("- {id: a, front: q, back: a, image: img/x.png, source: cc-omt}\n"))
    result = load_deck_file(path)
    assert result.ok
    assert result.deck.card("a").image == str((tmp_path / "img" / "x.png").resolve())


def test_plain_scalars_keep_their_text(write_deck):
    path = write_deck(deck("- {id: 1, front: yes, back: 1990, source: cc-omt}\n"))
    card = load_deck_file(path).deck.cards[0]
    assert (card.id, card.front, card.back) == ("1", "yes", "1990")


def test_one_bad_deck_never_stops_the_others(tmp_path):
    (tmp_path / "a.yaml").write_text(deck("- {id: a, front: q, back: a, source: cc-omt}\n"))
    (tmp_path / "b.yaml").write_bytes(b"\x00\x01\x02binary junk\xff")
    (tmp_path / "c.yaml").write_text(deck("- {id: c, front: q, back: a, source: cc-omt}\n")
                                     .replace("omt-test", "omt-other"))
    library = load_library([tmp_path])
    assert [d.id for d in library.decks] == ["omt-test", "omt-other"]
    assert len(library.files) == 3
    assert not library.files[1].ok


def test_duplicate_deck_id_across_files(tmp_path):
    body = deck("- {id: a, front: q, back: a, source: cc-omt}\n")
    (tmp_path / "a.yaml").write_text(body)
    (tmp_path / "b.yaml").write_text(body)
    library = load_library([tmp_path])
    assert len(library.decks) == 1
    clash = library.files[1].errors[0]
    assert clash.line == 1
    assert "id 'omt-test' is already used by" in clash.message


def test_accept_lists_other_right_answers_per_item(write_deck):
    result = load_deck_file(write_deck(
        "deck: a\ntitle: A\nsources: [{id: s, citation: C}]\ncards:\n"
        "  - {id: b, front: Q?, back: Allopathy, accept: [allopathic medicine], source: s}\n"
        "  - {id: c, type: cloze, text: '{{c1::T1-T4}} {{c2::T5-T9}}', source: s,\n"
        "     accept: {c2: [T5 to T9]}}\n"
        "  - {id: d, type: cloze, text: '{{c1::x}} {{c2::y}}', accept: [z], source: s}\n"
        "  - {id: e, type: cloze, text: '{{c1::x}}', accept: {c3: [z]}, source: s}\n"))
    cards = {c.id: c for c in result.deck.cards}
    assert cards["b"].accept == ((0, "allopathic medicine"),)
    assert cards["c"].accept == ((1, "T5 to T9"),)
    messages = [(d.line, d.message) for d in result.errors]
    assert messages == [
        (8, "cards[2].accept: this cloze has 2 deletions; say which each answer is for, as "
            "c1: [...], c2: [...]"),
        (9, "cards[3].accept.c3: not a deletion of this cloze (it has c1)")]


@pytest.mark.parametrize(
    ("field", "place", "fragment"),
    [
        ("back: \"\\u3000\\t\"", (9, 9), "cards[0].back: is empty"),  # Unicode spaces only
        ("back: ~", (9, 9), "cards[0].back: is empty"),  # plain null
        ("back: Null", (9, 9), "cards[0].back: is empty"),
        ("back: \"~\"\n  front2: x", (10, 3), "unknown key 'front2'"),  # quoted ~ is text
        ("back: \"<script>x</script>\"", (9, 9), "cards[0].back: shows nothing once"),
        ("back: \"<!-- x -->\"", (9, 9), "cards[0].back: shows nothing once"),
        ("back: \"_ \\u200b _\"", None, None),  # no letter or digit, but text all the same
        ("back: \"\u00b2\"", None, None),  # a digit that is not 0-9
        ("explanation: ''", None, None),  # an empty optional field is no problem
        ("image: ~", None, None),
        ("tags: ~", None, None),
    ],
)
def test_field_edge_cases_keep_their_diagnostics(write_deck, field, place, fragment):
    """The loader's shortcuts for ordinary text (not empty, not null, no markup) leave the
    unusual values to the full checks: the same message at the same place."""
    extra = "" if field.startswith("back") else "  back: a\n"
    path = write_deck(HEAD + f"- id: a\n  front: q\n{extra}  {field}\n  source: cc-omt\n")
    found = [(d.line, d.column, d.message) for d in load_deck_file(path).diagnostics]
    if fragment is None:
        assert found == [] and load_deck_file(path).deck.card("a") is not None
    else:
        assert [(line, col) for line, col, m in found if fragment in m] == [place], found


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{{c0::a}} and {{c501::b}}", "cloze numbers start at 1"),  # c0 wins wherever it is
        ("{{c501::b}} and {{c0::a}}", "cloze numbers start at 1"),
        ("{{c1::a}} {{c600::b}} {{c700::c}}", "{{c600::...}}: cloze numbers run from 1 to 500"),
        ("{{c::a}} {c1::b}", "a cloze needs at least one deletion"),
        ("{{c2::a}} {{c500::b}}", None),
    ],
)
def test_cloze_numbers_are_checked_in_one_reading(write_deck, text, fragment):
    path = write_deck(HEAD + f"- id: a\n  type: cloze\n  text: \"{text}\"\n  source: cc-omt\n")
    errors = problems(path)
    if fragment is None:
        assert errors == []
    else:
        assert len(errors) == 1 and errors[0][0] == 9 and fragment in errors[0][1], errors


def _missing_picture_deck(write_deck):
    """A deck whose description shows a missing picture: a problem placed inside a field
    after the cards are read, which needs the file's text again."""
    return write_deck("deck: omt-test\ntitle: Test deck\n"
                      "description: \"A picture: ![x](missing.png) of the spine\"\n"
                      "sources:\n  - id: cc-omt\n    citation: Cleveland Clinic\ncards:\n"
                      "  - {id: a, front: q, back: a, source: cc-omt}\n")


def _placed(result):
    return [(d.line, d.column, d.message) for d in result.diagnostics]


def test_a_large_file_let_go_of_places_problems_as_one_kept(write_deck, monkeypatch):
    """Bytes handed over and let go of once parsed (every file counts as large here) are read
    again to place a problem inside a field: the same place as with the bytes kept."""
    from omtquiz.decks.format import loader

    path = _missing_picture_deck(write_deck)
    kept = _placed(load_deck_file(path))
    assert [(line, col) for line, col, m in kept if "missing.png" in m] == [(3, 31)], kept
    monkeypatch.setattr(loader, "KEEP_BYTES", 0)
    held = [path.read_bytes()]
    assert _placed(loader.load_deck_bytes(path, held)) == kept
    assert held == []  # taken out: the loader held the only reference


def test_a_file_changed_after_it_was_let_go_of_places_at_the_node(write_deck, monkeypatch):
    """If the file changed after its bytes were let go of, the problem is placed at its field
    (the text read again is not what was parsed), never somewhere in the new text."""
    from omtquiz.decks.format import loader

    path = _missing_picture_deck(write_deck)
    monkeypatch.setattr(loader, "KEEP_BYTES", 0)
    finish = loader._Reader.finish

    def edited_then_finish(self, *args):
        path.write_text(path.read_text().replace("A picture: ", "A drawing:  "))
        return finish(self, *args)

    monkeypatch.setattr(loader._Reader, "finish", edited_then_finish)
    found = _placed(loader.load_deck_bytes(path, [path.read_bytes()]))
    assert [(line, col) for line, col, m in found if "missing.png" in m] == [(3, 14)], found
