"""The layering a reader relies on, checked: ui -> core, and one module owns each library."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "omtquiz"

# Which modules may import which outside library (prefix of the module path, relative).
OWNERS = {
    "PySide6": ("ui/",),
    "shiboken6": ("ui/",),
    "fsrs": ("scheduling.py",),
    "genanki": ("interop/anki_export.py",),
    # our progress; and Anki packages, which are SQLite files themselves
    "sqlite3": ("progress/", "interop/anki_export.py", "interop/importers.py",
                "interop/import_limits.py"),
    "yaml": ("decks/format/",),
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "_bundled" not in p.parts)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_library_is_imported_only_by_its_owner(path):
    rel = path.relative_to(PACKAGE).as_posix()
    for name in imports_of(path):
        top = name.split(".")[0]
        owners = OWNERS.get(top)
        if owners is not None:
            assert rel.startswith(owners), f"{rel} imports {name}; only {owners} may"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_never_imports_the_ui(path):
    rel = path.relative_to(PACKAGE).as_posix()
    if rel.startswith("ui/") or rel == "cli/__init__.py":  # the cli starts the app: the one way in
        return
    assert not any(n.startswith("omtquiz.ui") for n in imports_of(path)), rel


def test_headless_core_imports_without_qt():
    """Importing every core module pulls in no Qt at all."""
    core = [
        "omtquiz." + p.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
        for p in modules()
        if not p.relative_to(PACKAGE).as_posix().startswith("ui/") and p.name != "__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {core!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_ruff_is_clean():
    ruff = shutil.which("ruff")
    assert ruff, "ruff is in the test extra"
    result = subprocess.run([ruff, "check", "omtquiz", "tests", "bench"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
