"""CI runs the benchmark once at a tiny size so it keeps working (timings are not judged here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_bench_quick_runs_and_prints_every_figure(tmp_path):
    out = tmp_path / "bench.json"
    # With Anki desktop importable it is timed beside ours; without, the bench says so.
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--json", str(out),
                             "--anki-python", sys.executable],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads(out.read_text())
    figures = {row["figure"].split(",")[0] for row in rows}
    assert {"start to deck list painted", "start to first card painted",
            "answer to next card painted", "today's queue", "statistics"} <= figures
    assert all(row["ours"] > 0 for row in rows)
    assert ("cannot import aqt" in result.stderr
            or "deck list vs Anki desktop's deck list" in figures)
    assert "ratio" in result.stdout.splitlines()[0]


@pytest.mark.slow
def test_bench_also_runs_as_a_script_from_any_folder(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick",
                             "--only", "export"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "export 200 cards to .apkg" in result.stdout
