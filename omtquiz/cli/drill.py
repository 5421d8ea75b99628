"""`omtquiz drill`: registration only; the command lives with the engine in omtquiz.drills."""

from __future__ import annotations

from omtquiz.drills.command import register

__all__ = ["register"]
