"""Where the files shipped with omtquiz are: the bundled decks and the assets (icon, images).

A wheel carries decks/ and assets/ inside the package (pyproject's force-include puts them in
`omtquiz/_bundled/`); an editable install or a checkout reads them from the project folder.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    inside = _PACKAGE_DIR / "_bundled" / name
    return inside if inside.is_dir() else _PACKAGE_DIR.parent / name


def bundled_decks_dir() -> Path:
    return _bundled("decks")


def assets_dir() -> Path:
    return _bundled("assets")
