"""File > Export to Anki from the app: the package is written and Anki imports it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from omtquiz.clock import SystemClock
from omtquiz.decks.format.library import load_library
from omtquiz.profile import resolve_dirs
from omtquiz.progress.store import Store
from omtquiz.ui.context import AppContext
from omtquiz.ui.dialogs.export import ExportDialog

DECK = """\
deck: exp
title: Export me
parent: OMT
sources: [{id: s, citation: A book}]
cards:
  - {id: a, front: Q1, back: A1, source: s}
  - {id: b, type: cloze, text: "{{c1::x}} and {{c2::y}}", source: s}
"""
OTHER = DECK.replace("deck: exp", "deck: other").replace("Export me", "Other")


def test_export_dialog_writes_a_package_anki_imports(qtbot, tmp_path, data_dir):
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    (tmp_path / "exp.yaml").write_text(DECK)
    (tmp_path / "other.yaml").write_text(OTHER)
    library = load_library([tmp_path])
    store = Store.open(tmp_path / "p.sqlite3")
    context = AppContext(dirs=resolve_dirs(str(data_dir)), library=library, store=store,
                         clock=SystemClock())
    dialog = ExportDialog(context)
    qtbot.addWidget(dialog)
    # Two entries, three cards in Anki (the cloze has two deletions): the list says both.
    assert dialog.deck_list.item(0).text() == "OMT::Export me  (2 notes, 3 cards)"
    dialog.deck_list.item(1).setCheckState(Qt.CheckState.Unchecked)
    out = tmp_path / "out.apkg"
    dialog.path_edit.setText(str(out))
    with qtbot.waitSignal(dialog.finished_export, timeout=30_000):
        dialog.export_button.click()
    assert "Wrote" in dialog.message.text()
    assert dialog.report.notes == 2
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(out), options=ImportAnkiPackageOptions()))
        assert col.card_count() == 3
        assert "OMT::Export me" in [d.name for d in col.decks.all_names_and_ids()]
    finally:
        col.close()
    store.close()


def test_export_dialog_says_what_is_wrong(qtbot, tmp_path, data_dir):
    (tmp_path / "exp.yaml").write_text(DECK)
    store = Store.open(tmp_path / "p.sqlite3")
    context = AppContext(dirs=resolve_dirs(str(data_dir)), library=load_library([tmp_path]),
                         store=store)
    dialog = ExportDialog(context)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "out.zip"))
    dialog.export_button.click()
    assert "must end in .apkg" in dialog.message.text()
    dialog.deck_list.item(0).setCheckState(Qt.CheckState.Unchecked)
    dialog.path_edit.setText(str(tmp_path / "out.apkg"))
    dialog.export_button.click()
    assert "at least one deck" in dialog.message.text()
    store.close()
