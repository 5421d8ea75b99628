"""The real app on a real X server (Xvfb, Qt's xcb plugin), as a Linux desktop starts it.

This is the check that catches a missing system library such as libxcb-cursor0, which the
offscreen platform used by the other tests never loads.
"""

from __future__ import annotations

import os
import sys

import pytest

from conftest import HAS_XVFB, run_until_window

pytestmark = pytest.mark.skipif(
    not HAS_XVFB, reason="needs Xvfb and xwininfo (Debian: xvfb x11-utils); .ci/run installs them"
)


def test_app_shows_its_window_on_xcb(xserver, tmp_path):
    env = {**os.environ, "DISPLAY": xserver, "QT_QPA_PLATFORM": "xcb",
           "OMTQUIZ_DATA_DIR": str(tmp_path / "data")}
    err = run_until_window([sys.executable, "-m", "omtquiz"], env, xserver)
    assert "could not load the Qt platform plugin" not in err
    assert "propagateSizeHints" not in err  # issue 17: printed at every start before
    assert (tmp_path / "data" / "progress.sqlite3").exists()
