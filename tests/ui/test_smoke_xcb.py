"""The real app on a real X server (Xvfb, Qt's xcb plugin), as a Linux desktop starts it.

This is the check that catches a missing system library such as libxcb-cursor0, which the
offscreen platform used by the other tests never loads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xwininfo")),
    reason="needs Xvfb and xwininfo (Debian: xvfb x11-utils); .ci/run installs them",
)


@pytest.fixture
def xserver():
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                               "1280x800x24", "-nolisten", "tcp"], pass_fds=(write_fd,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = ":" + pipe.readline().strip()
    yield display
    server.terminate()
    server.wait(timeout=10)


def windows(display: str) -> str:
    result = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                            env={**os.environ, "DISPLAY": display}, timeout=10)
    return result.stdout


def test_app_shows_its_window_on_xcb(xserver, tmp_path):
    env = {**os.environ, "DISPLAY": xserver, "QT_QPA_PLATFORM": "xcb",
           "OMTQUIZ_DATA_DIR": str(tmp_path / "data")}
    app = subprocess.Popen([sys.executable, "-m", "omtquiz"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and app.poll() is None:
            if '"omtquiz"' in windows(xserver):
                break
            time.sleep(0.2)
        assert app.poll() is None, app.communicate()[1][-2000:]
        assert '"omtquiz"' in windows(xserver)
    finally:
        app.terminate()
        _, err = app.communicate(timeout=30)
    assert "could not load the Qt platform plugin" not in err
    assert (tmp_path / "data" / "progress.sqlite3").exists()
