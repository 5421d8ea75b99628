"""The `omtquiz` command itself: every command group is registered by name, so one that is
missing or broken stops the command with an ImportError instead of quietly vanishing."""

from __future__ import annotations

import pytest

from omtquiz.cli import main
from omtquiz.cli.main import COMMAND_MODULES, build_parser


def test_every_command_is_registered():
    parser = build_parser()
    (sub,) = [a for a in parser._subparsers._group_actions]
    assert set(sub.choices) == {"validate", "stats", "backup", "restore", "export", "new-deck",
                                "import", "drill", "import-reviews", "optimize", "exam-date"}
    assert [m.__name__ for m in COMMAND_MODULES] == [
        "omtquiz.cli.validate", "omtquiz.cli.progress", "omtquiz.cli.export",
        "omtquiz.cli.authoring", "omtquiz.cli.drill", "omtquiz.cli.reviews",
        "omtquiz.cli.optimize", "omtquiz.cli.exams"]


def test_an_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["frobnicate"])
    assert exit_.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err
