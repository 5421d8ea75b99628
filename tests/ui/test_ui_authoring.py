"""The authoring window: problems at their line, every item previewed, and live reloads.

Reloads are awaited with `qtbot.waitUntil` on what the author would see (the preview's text,
the problems table), never with sleeps; the watcher's debounce is the window's own.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from omtquiz.ui.windows.authoring import AuthoringWindow, editor_command

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")

DECK = """\
deck: authoring
title: Authoring test
sources:
  - id: s
    citation: A real book
cards:
  - id: b
    front: What does OMT stand for?
    back: Osteopathic manipulative treatment
    source: s
  - id: r
    type: reverse
    front: Rib raising
    back: Lifting the ribs to open the ribcage
    source: s
    image: pic.png
  - id: c
    type: cloze
    text: "{{c1::Muscle energy}} uses the patient's own {{c2::isometric}} contraction."
    source: s
  - id: m
    type: mcq
    question: Which technique pumps lymph?
    answer: Lymphatic pump
    distractors: [Rib raising, Muscle energy, Counterstrain]
    explanation: It pumps.
    source: s
  - id: broken
    type: mcqq
    front: q
"""


@pytest.fixture
def deck_path(tmp_path) -> Path:
    (tmp_path / "pic.png").write_bytes(PNG)
    path = tmp_path / "deck.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


@pytest.fixture
def window(qtbot, qapp, deck_path):
    win = AuthoringWindow(deck_path)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def preview(win) -> str:
    return win.preview.toPlainText()


def table_rows(win) -> list[tuple[str, str, str]]:
    items = [[win.table.item(r, c) for c in range(3)] for r in range(win.table.rowCount())]
    return [tuple(item.text() if item else "" for item in row) for row in items]


def test_problems_are_listed_at_file_line_col(window, deck_path):
    rows = table_rows(window)
    assert [(where.rsplit(":", 2)[1:], severity) for where, severity, _ in rows] == [
        (["29", "11"], "error")]
    assert rows[0][2] == ("cards[4].type: 'mcqq' is not one of basic, reverse, cloze, mcq, "
                          "occlusion, point (did you mean 'mcq'?)")
    assert window.table.objectName() == "diagnosticsTable"
    assert "4 notes, 6 cards · 1 error(s) · 0 warning(s)" in window.summary_label.text()


def test_preview_shows_every_item_of_each_card_type(window):
    assert window.card_list.objectName() == "authoringCardList"
    assert window.preview.objectName() == "authoringPreview"
    window.select_card("b")
    assert "What does OMT stand for?" in preview(window)
    assert "Osteopathic manipulative treatment" in preview(window)
    window.select_card("r")
    text = preview(window)
    assert "Front → back" in text and "Back → front (reversed)" in text
    assert text.index("Lifting the ribs") < text.index("Back → front")
    assert 'src="file://' in window.preview.toHtml()
    window.select_card("c")
    text = preview(window)
    assert "Deletion c1" in text and "Deletion c2" in text
    assert "[...] uses the patient's own isometric contraction." in text
    assert "Muscle energy uses the patient's own [...] contraction." in text
    window.select_card("m")
    text = preview(window)
    for choice in ("Lymphatic pump ✓", "Rib raising", "Muscle energy", "Counterstrain"):
        assert choice in text
    assert "It pumps." in text and "Source: A real book" in text


def test_a_card_left_out_for_its_errors_is_listed_and_explained(window):
    assert window.select_card("broken")
    assert "broken is left out of the deck until its errors are fixed" in preview(window)
    assert "line 29: cards[4].type: 'mcqq'" in preview(window)


def test_clicking_a_problem_selects_its_card(window, deck_path, qtbot):
    deck_path.write_text(DECK.replace("[Rib raising, Muscle energy, Counterstrain]",
                                      "[Lymphatic pump!, Rib raising]"), encoding="utf-8")
    window.reload()
    row = next(i for i, r in enumerate(table_rows(window)) if "says the same" in r[2])
    window.select_card("b")
    window.table.setCurrentCell(row, 2)
    assert window.card_list.currentItem().data(256)[1] == "m"
    assert window._target.line == 21


def test_reloads_after_an_in_place_write_keeping_the_selected_card(window, deck_path, qtbot):
    window.select_card("c")
    deck_path.write_text(DECK.replace("isometric", "concentric"), encoding="utf-8")
    qtbot.waitUntil(lambda: "concentric" in preview(window), timeout=5000)
    assert window.card_list.currentItem().data(256)[1] == "c"


def test_reloads_after_write_and_rename_and_keeps_watching(window, deck_path, qtbot):
    window.select_card("m")
    tmp = deck_path.with_name(".deck.yaml.swp")
    tmp.write_text(DECK.replace("It pumps.", "It pumps lymph."), encoding="utf-8")
    os.replace(tmp, deck_path)
    qtbot.waitUntil(lambda: "It pumps lymph." in preview(window), timeout=5000)
    assert window.card_list.currentItem().data(256)[1] == "m"
    qtbot.waitUntil(lambda: str(deck_path) in window.watcher.files(), timeout=5000)
    fixed = DECK.replace("It pumps.", "It pumps, fixed.").replace(
        "type: mcqq", "type: basic\n    back: a\n    source: s")
    deck_path.write_text(fixed, encoding="utf-8")
    qtbot.waitUntil(lambda: "It pumps, fixed." in preview(window), timeout=5000)
    assert table_rows(window) == [("No problems: this passes `omtquiz validate --strict`.",
                                   "", "")]
    assert "5 notes, 7 cards · 0 error(s) · 0 warning(s)" in window.summary_label.text()


def test_open_in_editor_passes_the_line(window, deck_path, qtbot, tmp_path, monkeypatch):
    record = tmp_path / "args.txt"
    script = tmp_path / "editor.py"
    script.write_text(f"import sys; open({str(record)!r}, 'w').write('\\n'.join(sys.argv[1:]))")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    window.table.setCurrentCell(0, 0)
    window.open_in_editor()
    qtbot.waitUntil(record.exists, timeout=10000)
    qtbot.waitUntil(lambda: record.read_text() != "", timeout=10000)
    assert record.read_text().splitlines() == ["+29", str(deck_path)]


@pytest.mark.parametrize(("editor", "expected"), [
    ("code --wait", ["code", "--wait", "-g", "/d/x.yaml:12:3"]),
    ("vim", ["vim", "+12", "/d/x.yaml"]),
    ("subl", ["subl", "/d/x.yaml:12:3"]),
    ("emacsclient -c", ["emacsclient", "-c", "+12:3", "/d/x.yaml"]),
    ("kate", ["kate", "--line", "12", "--column", "2", "/d/x.yaml"]),
])
def test_editor_command_follows_each_editors_convention(editor, expected):
    assert editor_command(editor, "/d/x.yaml", 12, 3) == expected


def test_a_folder_of_decks_and_a_missing_file(qtbot, qapp, tmp_path, deck_path):
    (tmp_path / "second.yaml").write_text(DECK.replace("deck: authoring", "deck: second"),
                                          encoding="utf-8")
    win = AuthoringWindow(tmp_path)
    qtbot.addWidget(win)
    assert win.select_card("m", str(tmp_path / "second.yaml"))
    assert "second.yaml" in preview(win)
    missing = AuthoringWindow(tmp_path / "nope.yaml")
    qtbot.addWidget(missing)
    assert "no such file or folder" in table_rows(missing)[0][2]
    assert "No card loads yet" in preview(missing)


def test_renders_to_png_unclipped(window, tmp_path):
    window.resize(1100, 760)
    window.select_card("m")
    image = window.grab()
    assert not image.isNull()
    assert image.save(str(tmp_path / "authoring.png"))
    assert window.open_button.isVisible()
    assert window.open_button.geometry().right() <= window.centralWidget().width()
