"""A plain `pip install .` carries the bundled decks, the assets and the schema."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_ships_decks_assets_and_schema(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                    str(ROOT)], check=True, timeout=300)
    (wheel,) = tmp_path.glob("omtquiz-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    decks = {p.name for p in (ROOT / "decks").glob("*.yaml")}
    assert decks, "the checkout has bundled decks"
    assert {f"omtquiz/_bundled/decks/{name}" for name in decks} <= names
    assert "omtquiz/decks/format/deck.schema.json" in names
    # the schema the bundled decks' `$schema=deck.schema.json` line names, beside them
    assert "omtquiz/_bundled/decks/deck.schema.json" in names
    assert any(n.startswith("omtquiz/_bundled/assets/") for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
