"""PySide6 reads the source of every module an import statement names after it loads (its
`__feature__` scan); `omtquiz.ui` registers our modules ahead of it. These hold that the
registry says what the scan would, and that loading one of our modules then reads no source."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.support import feature

import omtquiz
import omtquiz.ui

ROOT = Path(omtquiz.__file__).parent


def source_of(name: str) -> Path:
    path = ROOT.parent.joinpath(*name.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def test_every_module_is_registered_as_the_scan_would_find_it():
    names = omtquiz.ui._omtquiz_modules()
    assert "omtquiz.ui.main_window" in names and "omtquiz.decks.format.loader" in names
    assert len(names) == len(set(names)) == len(list(ROOT.rglob("*.py")))
    for name in names:
        uses_pyside = "PySide6" in source_of(name).read_text(encoding="utf-8")
        registered = feature.pyside_feature_dict[name]
        if name.startswith("omtquiz.ui"):
            assert registered == 0 or not uses_pyside, name
        else:  # the core never imports Qt
            assert (registered, uses_pyside) == (-1, False), name


CHILD = """
import linecache, sys
import omtquiz.ui
from omtquiz.study.planner import plan_exam  # not loaded by omtquiz.ui
from xml.dom.minidom import parseString  # not ours: PySide's hook reads its source
read = set(linecache.cache)
print(any(name.endswith("omtquiz/study/planner.py") for name in read),
      any(name.endswith("xml/dom/minidom.py") for name in read))
"""


def test_loading_one_of_our_modules_reads_no_source():
    """In a fresh process, as the app starts: PySide's hook reads a library module's source
    when an import statement names it, and none of ours."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
