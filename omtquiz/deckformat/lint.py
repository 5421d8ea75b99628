"""Lints: problems a valid deck can still have, reported as warnings (errors with --strict)."""

from __future__ import annotations

from omtquiz.model import Diagnostic, Library


def lint_library(library: Library) -> list[Diagnostic]:
    return []
