"""`omtquiz validate` as an author meets it: compiler-style lines, exit codes, JSON."""

from __future__ import annotations

import json

from conftest import BUNDLED_DECKS, run_cli

GOOD = ("deck: g\ntitle: G\nsources: [{id: s, citation: C}]\ncards:\n"
        "  - {id: a, front: q, back: a, source: s}\n")


def test_clean_deck_exits_zero(tmp_path):
    (tmp_path / "g.yaml").write_text(GOOD)
    result = run_cli("validate", str(tmp_path / "g.yaml"), "--strict")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("1 card(s): 0 error(s), 0 warning(s)")


def test_errors_print_file_line_col_and_exit_one(tmp_path):
    (tmp_path / "bad.yaml").write_text(GOOD + "  - {id: b, type: mcqq}\n")
    result = run_cli("validate", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "bad.yaml:6:19: error: cards[1].type: 'mcqq' is not one of basic, reverse, cloze, mcq, "
        "occlusion, point (did you mean 'mcq'?)")
    assert "Traceback" not in result.stderr


def test_warnings_pass_unless_strict(tmp_path):
    (tmp_path / "w.yaml").write_text(GOOD.replace("back: a,", "back: a, bakc: x,"))
    assert run_cli("validate", str(tmp_path)).returncode == 0
    assert run_cli("validate", str(tmp_path), "--strict").returncode == 1


def test_json_format_lists_every_diagnostic(tmp_path):
    (tmp_path / "bad.yaml").write_text(GOOD + "  - {id: a, front: q}\n")
    result = run_cli("validate", str(tmp_path), "--format", "json")
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert report["errors"] == 2
    assert {d["line"] for d in report["diagnostics"]} == {6}
    assert set(report["diagnostics"][0]) == {"file", "line", "column", "severity", "message",
                                             "card_id"}


def test_usage_error_exits_two():
    result = run_cli("validate", "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_bundled_decks_are_clean_under_strict():
    result = run_cli("validate", str(BUNDLED_DECKS), "--strict")
    assert result.returncode == 0, result.stdout[-3000:]


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("omtquiz ")


def test_an_empty_source_fails_strict(tmp_path):
    (tmp_path / "e.yaml").write_text(GOOD.replace("source: s}", "source: ''}"))
    result = run_cli("validate", "e.yaml", "--strict", cwd=tmp_path)
    assert result.returncode == 1
    assert "e.yaml:5:40: error: cards[0]: card has no source (every fact needs one)" in (
        result.stdout), result.stdout


def test_progress_commands_report_a_store_they_cannot_open(tmp_path):
    data = tmp_path / "data"
    (data / "progress.sqlite3").mkdir(parents=True)  # a folder where the database should be
    for command in (["stats", "--decks", str(tmp_path)], ["backup"],
                    ["restore", str(tmp_path / "nothing.sqlite3")]):
        result = run_cli(*command, "--data-dir", str(data))
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert result.stderr.startswith("omtquiz: ") and "Traceback" not in result.stderr


def test_a_file_with_many_warnings_prints_a_capped_list_and_says_how_many_more(tmp_path):
    cards = "".join(f"  - {{id: c{i}, front: Question {i}?, back: Answer {i}}}\n"
                    for i in range(230))
    (tmp_path / "many.yaml").write_text("deck: many\ntitle: Many\ncards:\n" + cards)
    result = run_cli("validate", "many.yaml", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, "warnings alone never fail validate without --strict"
    assert sum(": warning: " in line for line in lines) == 200
    assert "many.yaml: 30 more problem(s) not shown (--all shows every one)" in lines
    assert lines[-1].endswith("230 card(s): 0 error(s), 230 warning(s)")
    every = run_cli("validate", "many.yaml", "--all", cwd=tmp_path).stdout.splitlines()
    assert sum(": warning: " in line for line in every) == 230
