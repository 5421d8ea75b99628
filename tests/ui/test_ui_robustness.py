"""Never crash, never lose: errors in slots become a dialog; one app per data folder."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtWidgets import QPushButton

from omtquiz.ui import errors


def test_an_exception_in_a_slot_shows_the_dialog_and_the_app_goes_on(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(errors.ErrorDialog, "ask", classmethod(
        lambda cls, details, parent=None: shown.append(details)))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    errors.install_excepthook()
    button = QPushButton("boom")
    qtbot.addWidget(button)
    clicks = []

    def slot() -> None:
        clicks.append(1)
        raise RuntimeError("a bug in a slot")

    button.clicked.connect(slot)
    button.click()
    button.click()
    assert len(clicks) == 2
    assert len(shown) == 2
    assert "RuntimeError: a bug in a slot" in shown[0]


def test_error_dialog_copies_its_details(qtbot, qapp):
    dialog = errors.ErrorDialog("Traceback: details here")
    qtbot.addWidget(dialog)
    copy = dialog.copy_button
    assert copy.objectName() == "copyErrorButton"
    copy.click()
    assert qapp.clipboard().text() == "Traceback: details here"


def test_a_second_instance_on_the_same_data_folder_is_refused(qtbot, tmp_path):
    """The second start finds the lock, asks the first window to come forward, and exits 1.

    It starts only once the first holds its lock and answers on its local socket (waited for,
    not slept on), so a slow machine cannot make the second one miss the first.
    """
    from PySide6.QtNetwork import QLocalSocket

    from omtquiz.profile import resolve_dirs
    from omtquiz.ui.app import SingleInstance

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OMTQUIZ_DATA_DIR": str(tmp_path)}
    first = subprocess.Popen([sys.executable, "-m", "omtquiz"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = SingleInstance(resolve_dirs(tmp_path)).name

    def listening() -> bool:
        if first.poll() is not None:  # not an AssertionError: waitUntil would keep waiting
            raise RuntimeError(f"the first instance exited with {first.returncode}")
        socket = QLocalSocket()
        socket.connectToServer(server)
        connected = socket.waitForConnected(100)
        socket.abort()
        return connected

    try:
        qtbot.waitUntil(lambda: (tmp_path / "omtquiz.lock").exists(), timeout=60_000)
        qtbot.waitUntil(listening, timeout=60_000)
        second = subprocess.run([sys.executable, "-m", "omtquiz"], env=env,
                                capture_output=True, timeout=60)
        # The first window comes forward; the second says so and ends without an error.
        assert second.returncode == 0, second.stderr
        assert b"already running" in second.stderr
        assert b"Traceback" not in second.stderr
        assert first.poll() is None
    finally:
        first.terminate()
        first.wait(timeout=30)


def test_screenshot_works_when_the_platform_variable_is_set_but_empty(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "", "OMTQUIZ_DATA_DIR": str(tmp_path / "data")}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    shot = tmp_path / "decks.png"
    made = subprocess.run([sys.executable, "-m", "omtquiz", "--screenshot", str(shot)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr[-2000:]
    assert shot.stat().st_size > 10_000
