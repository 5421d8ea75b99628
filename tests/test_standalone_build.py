"""The standalone Linux build (PyInstaller): built from this checkout, started on a real X server.

A student without Python unpacks the folder and runs `omtquiz`. This builds that folder with
`packaging/build.py`, starts it under Xvfb on Qt's xcb plugin with an empty home and a clean
environment (no venv, no PYTHONPATH), waits for its window, runs `validate --strict` and
`--screenshot` from the bundle, and checks that nothing was written outside the data folder.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import HAS_XVFB, ROOT, run_until_window

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle"),
    pytest.mark.skipif(importlib.util.find_spec("PyInstaller") is None,
                       reason="needs PyInstaller (pip install pyinstaller)"),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("standalone")
    subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--dist",
                    str(out / "dist"), "--work", str(out / "work")], check=True, timeout=900,
                   capture_output=True)
    return out / "dist" / "omtquiz"


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def clean_env(tmp_path) -> dict[str, str]:
    """What a fresh desktop session has: a home of its own, no Python of ours anywhere."""
    for name in ("home", "data", "tmp"):
        (tmp_path / name).mkdir()
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"),
            "TMPDIR": str(tmp_path / "tmp"), "OMTQUIZ_DATA_DIR": str(tmp_path / "data"),
            "LANG": "C.UTF-8"}


def test_bundle_carries_what_it_needs_and_nothing_heavy(bundle):
    assert (bundle / "omtquiz").is_file() and os.access(bundle / "omtquiz", os.X_OK)
    internal = files_under(bundle / "_internal")
    assert any(n.startswith("omtquiz/_bundled/decks/") and n.endswith(".yaml") for n in internal)
    assert any(n.endswith("deck.schema.json") for n in internal)
    assert "omtquiz.desktop" in files_under(bundle)
    heavy = [n for n in internal if any(x in n for x in ("WebEngine", "Qt6Qml", "Qt6Quick",
                                                          "Qt6Pdf", "anki/", "pytest"))]
    assert not heavy, heavy[:10]


def test_bundle_validates_and_screenshots_headless(bundle, clean_env, tmp_path):
    env = {**clean_env, "QT_QPA_PLATFORM": "offscreen"}
    before = files_under(bundle)
    checked = subprocess.run([str(bundle / "omtquiz"), "validate", "--strict"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
    assert "0 error(s), 0 warning(s)" in checked.stdout
    shot = tmp_path / "data" / "shot.png"
    made = subprocess.run([str(bundle / "omtquiz"), "--screenshot", str(shot)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr[-2000:]
    assert shot.stat().st_size > 10_000
    assert files_under(tmp_path / "home") == set()
    assert files_under(tmp_path / "tmp") == set()
    assert files_under(bundle) == before


@pytest.mark.skipif(not HAS_XVFB, reason="needs Xvfb and xwininfo (Debian: xvfb x11-utils)")
def test_bundle_starts_to_its_window_on_xcb(bundle, clean_env, xserver, tmp_path):
    env = {**clean_env, "DISPLAY": xserver, "QT_QPA_PLATFORM": "xcb"}
    err = run_until_window([str(bundle / "omtquiz")], env, xserver)
    assert "could not load the Qt platform plugin" not in err
    assert (tmp_path / "data" / "progress.sqlite3").exists()
    assert files_under(tmp_path / "home") == set()
    assert files_under(tmp_path / "tmp") == set()
