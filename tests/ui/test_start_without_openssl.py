"""The app reaches its first painted deck list without loading OpenSSL's libcrypto (about
3.5 MB of resident memory, measured): its hashes at start are CPython's own BLAKE2
(`omtquiz.digest`). Checked in a fresh process started as the bench starts the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import runpy, sys
sys.argv = ["launch", "--data-dir", sys.argv[1]]
try:
    runpy.run_module("bench.launch", run_name="__main__")
except SystemExit:
    pass
print("openssl", "_hashlib" in sys.modules, "omtquiz.ui.main_window" in sys.modules)
"""


def test_the_first_deck_list_loads_no_openssl(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "data")], env=env,
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert "painted" in out.stdout, out.stderr
    assert out.stdout.splitlines()[-1] == "openssl False True", out.stdout
