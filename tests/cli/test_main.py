"""The `omtquiz` command itself: every command group is registered by name, so one that is
missing or broken stops the command with an ImportError instead of quietly vanishing."""

from __future__ import annotations

import pytest

from omtquiz.cli import main
from omtquiz.cli.main import NO_ARGUMENTS, build_parser, command_modules, parse_args


def test_every_command_is_registered():
    parser = build_parser()
    (sub,) = [a for a in parser._subparsers._group_actions]
    assert set(sub.choices) == {"validate", "stats", "backup", "restore", "export", "new-deck",
                                "import", "drill", "import-reviews", "optimize", "exam-date"}
    assert [m.__name__ for m in command_modules()] == [
        "omtquiz.cli.validate", "omtquiz.cli.progress", "omtquiz.cli.export",
        "omtquiz.cli.authoring", "omtquiz.cli.drill", "omtquiz.cli.reviews",
        "omtquiz.cli.optimize", "omtquiz.cli.exams"]


def test_an_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["frobnicate"])
    assert exit_.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_the_apps_start_is_read_without_the_command_modules():
    """A line naming no command is read by the app's options alone, with the same result
    as the whole parser; anything else goes to the whole parser."""
    lines = [["--study", "do-vs-md"], ["--data-dir", "/tmp/x", "--decks", "a", "--decks",
             "validate"], ["--screenshot", "s.png", "--screen", "stats"], ["--open", "f.apkg"]]
    for line in lines:
        fast, whole = vars(parse_args(line)), vars(build_parser().parse_args(line))
        assert fast == whole, line
    assert vars(parse_args([])) == vars(build_parser().parse_args([])) == NO_ARGUMENTS
    assert parse_args(["validate", "--strict"]).command == "validate"
    assert parse_args(["--data-dir", "/tmp/x", "stats"]).command == "stats"


@pytest.mark.parametrize("line", [["--help"], ["-h"], ["--version"], ["--screen", "nope"],
                                  ["--study"], ["--s", "x"]])
def test_help_version_and_mistakes_are_the_whole_commands(line, capsys):
    with pytest.raises(SystemExit) as fast:
        parse_args(line)
    fast_out = capsys.readouterr()
    with pytest.raises(SystemExit) as whole:
        build_parser().parse_args(line)
    assert fast.value.code == whole.value.code
    assert fast_out == capsys.readouterr()
