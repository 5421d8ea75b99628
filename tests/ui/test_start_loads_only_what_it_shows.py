"""A warm start loads what its first screen shows and not the rest: no drill engine (the parse
cache keeps a counterstrain drill's points packed), no QtSvg or picture widget for a text
card, no custom-study module. Each is milliseconds of the start (docs/performance.md); checked
in fresh processes started as the bench starts the app, the second start of a data folder
(the first one fills the parse cache)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LATER = ("omtquiz.drills", "PySide6.QtSvg", "omtquiz.ui.widgets.occlusion",
         "omtquiz.study.custom")
CHILD = """
import runpy, sys
sys.argv = ["launch", "--data-dir", *sys.argv[1:]]
try:
    runpy.run_module("bench.launch", run_name="__main__")
except SystemExit:
    pass
print("loaded", sorted(m for m in sys.modules if m.startswith(LATER)))
""".replace("LATER", repr(LATER))


@pytest.mark.parametrize("first_screen", [[], ["--study", "do-vs-md"]],
                         ids=["deck list", "first card"])
def test_a_warm_start_loads_nothing_its_first_screen_does_not_show(tmp_path, first_screen):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    args = [sys.executable, "-c", CHILD, str(tmp_path / "data"), *first_screen]
    for _ in range(2):
        out = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True,
                             timeout=120, check=True)
        assert "painted" in out.stdout, out.stderr
    assert out.stdout.splitlines()[-1] == "loaded []", out.stdout
