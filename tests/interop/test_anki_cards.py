"""What a learner sees of exported cards in Anki, on a phone and in night mode.

Each card is imported into a real Anki collection and rendered by Anki's own template engine
(`card.question()` / `card.answer()` carry the note type's style sheet); `card_style` then
reads colours, wrapping and margins off that HTML and CSS as a browser's cascade would, inside
the <body> classes that Anki desktop, AnkiDroid and AnkiMobile give a card.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from card_style import LIGHT_BODY, NIGHT_BODIES, Page, contrast
from test_anki_export import _decks, collection, import_package, note_for  # noqa: F401

from omtquiz.decks.model import Card, CardType, Deck, Source
from omtquiz.interop import anki_export
from omtquiz.interop.anki_export import MODEL_IDS, export_apkg, note_guid

LONG_URL = "https://example.org/" + "omt-chapter-" * 30 + "?section=" + "x" * 80


def _styled_decks(folder):
    """The shared sample decks plus a card whose source is one very long link."""
    decks = _decks(folder)
    long = Deck(
        id="long", title="Long", path=str(folder / "l.yaml"),
        sources=(Source("s", "StatPearls *Osteopathic Manipulative Treatment* chapter", LONG_URL),),
        cards=(Card("long", "w", "basic", front="Pneumonoultramicroscopicsilicovolcanoconiosis"
                    "supercalifragilistic?", back="A" * 120, explanation="Why: " + "b" * 90,
                    source="s"),))
    return [*decks, long]


@pytest.fixture
def cards(tmp_path, collection):  # noqa: F811
    export_apkg(_styled_decks(tmp_path), tmp_path / "omt.apkg")
    import_package(collection, tmp_path / "omt.apkg")

    def card(deck_id: str, card_id: str, ord_: int = 0):
        return {c.ord: c for c in note_for(collection, deck_id, card_id).cards()}[ord_]

    return card


TEXT = (".prompt", ".answer", ".source", ".source a", ".explanation", ".label", ".extra",
        ".cloze")


@pytest.mark.parametrize("anki", sorted(NIGHT_BODIES))
def test_night_mode_text_and_links_have_at_least_4_5_to_1(cards, anki):
    checked = []
    for deck_id, card_id in (("omt-techniques", "hvla"), ("omt-techniques", "cs"),
                             ("omt-techniques", "barrier"), ("long", "w")):
        page = Page(cards(deck_id, card_id).answer(), NIGHT_BODIES[anki])
        for selector in TEXT:
            for element in page.root.find_all(selector):
                colour = page.computed(element, "color")
                ratio = contrast(colour, page.background(element))
                checked.append(selector)
                assert ratio >= 4.5, f"{anki} {card_id} {selector}: {colour} is {ratio:.2f}:1"
    assert {".source", ".source a", ".explanation", ".extra", ".answer"} <= set(checked)


def test_light_mode_text_and_links_have_at_least_4_5_to_1(cards):
    for deck_id, card_id in (("omt-techniques", "hvla"), ("omt-techniques", "cs"),
                             ("omt-techniques", "barrier")):
        page = Page(cards(deck_id, card_id).answer(), LIGHT_BODY)
        for selector in TEXT:
            for element in page.root.find_all(selector):
                colour = page.computed(element, "color")
                assert contrast(colour, page.background(element)) >= 4.5, (card_id, selector)


def test_the_card_keeps_ankis_body_margin_and_pads_its_content(cards):
    page = Page(cards("omt-techniques", "hvla").question(), NIGHT_BODIES["desktop"])
    body = page.find("body")
    assert page.declared(body, "margin") == "8px"  # no rule on .card overrides the body's
    assert not any("margin" in r.declarations for r in page.rules if r.selector == ".card")
    content = page.find(".omt")
    assert page.declared(content, "padding") not in (None, "0")
    assert page.declared(content, "max-width") == "40em"


def test_long_words_and_links_wrap_instead_of_scrolling_sideways(cards):
    for side in ("question", "answer"):
        page = Page(getattr(cards("long", "w"), side)(), LIGHT_BODY)
        for selector in (".prompt", ".omt"):
            assert page.computed(page.find(selector), "overflow-wrap") == "anywhere"
    page = Page(cards("long", "w").answer(), LIGHT_BODY)
    link = page.find(".source a")
    assert LONG_URL in link.text
    assert page.computed(link, "overflow-wrap") == "anywhere"
    image = Page(cards("omt-techniques", "hvla").question(), LIGHT_BODY).find(".image img")
    assert Page(cards("omt-techniques", "hvla").question(), LIGHT_BODY).declared(
        image, "max-width") == "100%"


def test_explanation_and_cloze_extra_look_different_from_the_answer(cards):
    page = Page(cards("omt-techniques", "barrier").answer(), LIGHT_BODY)
    answer, explanation = page.find(".answer"), page.find(".explanation")
    assert page.background(explanation) != page.background(answer)
    assert page.declared(explanation, "border-left")
    assert page.find(".explanation .label").text == "Explanation"
    cloze = Page(cards("omt-techniques", "cs").answer(), LIGHT_BODY)
    extra = cloze.find(".extra")
    assert "Jones" in extra.text and cloze.declared(extra, "border-top")
    assert cloze.declared(extra, "margin-top") not in (None, "0")
    assert "Explanation" not in re.sub(r"<[^>]+>", "", cards("omt-techniques", "hvla").question())


def _choice_order(page: Page) -> list[str]:
    return [li.text for li in page.find(".choices ol").children]


def test_mcq_plain_order_works_without_scripts_and_the_back_marks_the_right_choice(cards):
    card = cards("omt-techniques", "barrier")
    front, back = Page(card.question(), LIGHT_BODY), Page(card.answer(), LIGHT_BODY)
    order = _choice_order(front)
    assert sorted(order) == sorted(("The restrictive barrier", "The anatomic barrier",
                                    "The physiologic barrier"))
    assert _choice_order(back) == order
    keys = back.root.find_all(".choices li.key")
    assert [k.text for k in keys] == ["The restrictive barrier"]
    letter = back.find(".answer .letter").text
    assert letter == "ABC"[order.index("The restrictive barrier")] + "."
    # The front shows nothing of it; the back makes it bold, green and ticked.
    (front_key,) = front.root.find_all(".choices li.key")
    assert front.computed(front_key, "font-weight") is None
    assert back.computed(keys[0], "font-weight") == "bold"
    assert back.computed(keys[0], "color") != back.computed(back.find(".answer"), "color")
    assert "2713" in (back.declared(keys[0], "content", pseudo="after") or "")
    assert front.declared(front_key, "content", pseudo="after") is None


def test_the_shuffle_script_is_ours_small_and_local(cards):
    card = cards("omt-techniques", "barrier")
    scripts = re.findall(r"<script>(.*?)</script>", card.question(), flags=re.S)
    assert len(scripts) == 1 and len(scripts[0]) < 2000
    for bad in ("src", "http", "eval", "innerHTML", "import", "fetch", "Function(", "<"):
        assert bad not in scripts[0]
    assert "Math.random" in scripts[0] and "sessionStorage" in scripts[0]
    # Only the multiple-choice template carries it; no field does.
    assert "<script" not in cards("omt-techniques", "hvla").answer()
    note = note_for(card.col, "omt-techniques", "barrier")
    assert not any("<script" in value.lower() for value in note.fields)


def test_a_re_export_brings_the_new_style_into_a_collection_that_has_the_old(
        tmp_path, collection, monkeypatch):  # noqa: F811
    old_css = (".card { font-family: arial; color: black; background-color: white; "
               "max-width: 40em; margin: 0 auto; }\n.source { color: #666; }\n")
    decks = _styled_decks(tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(anki_export, "_CSS", old_css)
        export_apkg(decks, tmp_path / "old.apkg",
                    now=datetime.now(timezone.utc) - timedelta(days=30))
    import_package(collection, tmp_path / "old.apkg")
    tenets = note_for(collection, "principles", "tenets").cards()[0]
    assert "font-family: arial" in tenets.question()
    ids_before = sorted(collection.db.list("SELECT id FROM notes"))

    log = import_package(collection, export_apkg(decks, tmp_path / "new.apkg").path)

    collection.models._clear_cache()  # the Python side caches note types across the import
    assert not log.new and not log.conflicting
    assert sorted(collection.db.list("SELECT id FROM notes")) == ids_before
    for deck_id, card_id in (("principles", "tenets"), ("omt-techniques", "barrier")):
        rendered = note_for(collection, deck_id, card_id).cards()[0].answer()
        assert "font-family: arial" not in rendered and ".card.nightMode" in rendered
        assert 'class="omt"' in rendered
    omt_types = [m for m in collection.models.all_names_and_ids() if m.name.startswith("omtquiz")]
    # genanki writes the note types its notes use; these decks have no occlusion card
    used = [MODEL_IDS[kind] for kind in MODEL_IDS if kind != CardType.OCCLUSION]
    assert sorted(m.id for m in omt_types) == sorted(used)
    assert collection.db.scalar("SELECT COUNT(*) FROM notes WHERE guid = ?",
                                note_guid("omt-techniques", "barrier")) == 1


_HARNESS = """
const src = require('fs').readFileSync(process.argv[2], 'utf8');
function makeDoc(back, items, letter) {
  const ol = {children: items.slice(),
    appendChild(x) { this.children.splice(this.children.indexOf(x), 1); this.children.push(x); },
    querySelector() { return this.children.find(c => c.key) || null; }};
  return {readyState: 'complete', ol, querySelector(s) {
    return {'.choices ol': ol, '.back': back ? {} : null, '.answer .letter': letter}[s]; }};
}
const store = {};
global.sessionStorage = {getItem: k => store[k] || null, setItem: (k, v) => { store[k] = v; }};
global.window = {};
const items = ['A', 'B', 'C', 'D'].map(t => ({textContent: t, key: t === 'B'}));
const runs = [];
for (let i = 0; i < 20; i++) {
  global.document = makeDoc(false, items, null); eval(src);
  const front = document.ol.children.map(c => c.textContent);
  const letter = {textContent: 'B.'};
  global.document = makeDoc(true, items, letter); eval(src);
  const back = document.ol.children.map(c => c.textContent);
  runs.push({front, back, letter: letter.textContent});
}
console.log(JSON.stringify(runs));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the card's script")
def test_the_shuffle_changes_the_order_per_review_and_the_back_agrees(cards, tmp_path):
    script = re.search(r"<script>(.*?)</script>", cards("omt-techniques", "barrier").question(),
                       flags=re.S).group(1)
    (tmp_path / "shuffle.js").write_text(script)
    (tmp_path / "harness.js").write_text(_HARNESS)
    done = subprocess.run(["node", str(tmp_path / "harness.js"), str(tmp_path / "shuffle.js")],
                          capture_output=True, text=True, check=True, timeout=60)
    runs = json.loads(done.stdout)
    for run in runs:
        assert run["back"] == run["front"] and sorted(run["front"]) == ["A", "B", "C", "D"]
        assert run["letter"] == "ABCD"[run["front"].index("B")] + "."
    assert len({tuple(run["front"]) for run in runs}) > 1
