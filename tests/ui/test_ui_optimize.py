"""Tools > Optimize FSRS parameters now, and the automatic re-fit when the answers doubled."""

from __future__ import annotations

from datetime import datetime, timezone

from simulated import study_into_store
from test_ui_main import GOOD, open_window  # noqa: F401  (the fixture)

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Item
from omtquiz.progress.store import Store

START = datetime(2025, 1, 6, 15, tzinfo=timezone.utc)


def _studied(data_dir) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    with Store.open(data_dir / "progress.sqlite3", clock=FixedClock(START)) as store:
        study_into_store(store, [Item("good", f"x{i}") for i in range(300)], START, 60, seed=7,
                         new_per_day=10)


def test_the_tools_menu_fits_now_and_says_how_it_went(qtbot, open_window, data_dir,  # noqa: F811
                                                      monkeypatch):
    _studied(data_dir)
    monkeypatch.setattr("omtquiz.study.optimize.FIRST_AUTO_FIT", 10**9)  # no background fit
    win = open_window({"good.yaml": GOOD})
    action = win.findChild(type(win.export_action), "optimizeAction")
    assert action is not None and win._refit is None
    with qtbot.waitSignal(win.changed) as changed:
        action.trigger()
    assert changed.args[0].settings
    message = win.statusBar().currentMessage()
    assert "applied" in message and "log loss" in message
    assert win.context.settings.global_settings.parameters is not None


def test_a_doubled_review_count_refits_in_the_background(qtbot, open_window,  # noqa: F811
                                                         data_dir):
    _studied(data_dir)
    win = open_window({"good.yaml": GOOD})
    # Started just after the window's first paint; the window did not wait for it.
    qtbot.waitUntil(lambda: win._refit is not None, timeout=10_000)
    process = win._refit
    assert process.wait(timeout=120) == 0
    assert win.context.settings.global_settings.parameters is not None
    assert win.maybe_refit() is None  # fitted at this count: nothing to do until it doubles
