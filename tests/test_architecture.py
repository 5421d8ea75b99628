"""The layering a reader relies on, checked: import-linter's contracts (pyproject.toml's
[tool.importlinter]: the layers, no cycles, one owner per outside library), Qt really absent
from a headless run, and ruff clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "omtquiz"

LINT_IMPORTS = ("import sys\nfrom importlinter.cli import lint_imports\n"
                "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, "
                "no_logo=True))\n")


def test_import_contracts_hold():
    """Layers, no cycles, and each outside library imported only by its owner."""
    result = subprocess.run([sys.executable, "-c", LINT_IMPORTS], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout


def test_headless_core_imports_without_qt():
    """Importing every module outside ui/ pulls in no Qt at all (the cli imports the app only
    when it starts it)."""
    core = [
        "omtquiz." + p.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
        for p in sorted(PACKAGE.rglob("*.py"))
        if "_bundled" not in p.parts and p.relative_to(PACKAGE).parts[0] != "ui"
        and p.name != "__main__.py"
    ]
    assert "omtquiz.cli.main" in core and "omtquiz.study.queue" in core
    code = (
        "import importlib, sys\n"
        f"for m in {core!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "omtquiz", "tests", "bench"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_start_up_imports_only_what_the_deck_list_needs():
    """The command, the app, its context and main window load no Markdown, fuzzy matching,
    YAML, FSRS or Anki export: those come with the screens and commands that use them."""
    code = (
        "import sys\n"
        "import omtquiz.cli.main, omtquiz.ui.app, omtquiz.ui.context, omtquiz.ui.main_window\n"
        "heavy = ('markdown_it', 'nh3', 'rapidfuzz', 'yaml', 'fsrs', 'genanki')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "assert not bad, bad\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)
