"""File > Import reviews from Anki…: answers given in the real Anki come home to the window."""

from __future__ import annotations

from test_ui_main import GOOD, open_window  # noqa: F401  (the fixture)

from omtquiz.interop.anki_export import export_apkg
from samples import study_in_anki


def test_reviews_studied_in_anki_come_home_through_the_file_menu(qtbot, open_window,  # noqa: F811
                                                                 tmp_path):
    win = open_window({"good.yaml": GOOD})
    context = win.context
    action = win.findChild(type(win.export_action), "importReviewsAction")
    assert action is not None and action.text() == "&Import reviews from Anki…"
    export_apkg(context.library.decks, tmp_path / "ours.apkg")
    packages = study_in_anki(tmp_path, tmp_path / "ours.apkg")
    assert context.store.entries() == []
    with qtbot.waitSignal(win.changed) as changed:
        summary = win.import_reviews(str(packages["anki21b"]))
    answered = context.store.entries()
    assert answered and changed.args[0].answers
    assert summary.startswith(f"phone.apkg: {len(answered)} review(s) of omtquiz cards read")
    assert summary in win.statusBar().currentMessage()
    assert win.import_reviews(str(packages["colpkg"])).count(" 0 added") == 1
    assert len(context.store.entries()) == len(answered)


def test_a_file_that_is_not_an_anki_package_is_refused_with_a_message(qtbot, open_window,  # noqa: F811
                                                                       tmp_path, monkeypatch):
    win = open_window({"good.yaml": GOOD})
    shown = []
    monkeypatch.setattr("omtquiz.ui.main_window.QMessageBox.warning",
                        lambda parent, title, text: shown.append(text))
    (tmp_path / "notes.apkg").write_text("hello")
    assert win.import_reviews(str(tmp_path / "notes.apkg")) is None
    assert shown and "cannot open notes.apkg as an Anki package" in shown[0]
