"""FSRS parameters fitted to a simulated learner's reviews, in a real progress store."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone

import pytest
from simulated import study_into_store

from omtquiz.cli import main
from omtquiz.clock import FixedClock
from omtquiz.decks.model import Item
from omtquiz.progress.store import Store
from omtquiz.scheduling import (
    DEFAULT_PARAMETERS,
    CardState,
    Rating,
    SchedulerSettings,
    first_of_each_day,
    fit_parameters,
    review,
)
from omtquiz.study.optimize import FIRST_AUTO_FIT, needs_refit, optimize

START = datetime(2025, 1, 6, 15, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def studied(tmp_path_factory):
    """60 days of a learner who forgets faster than FSRS's defaults assume: ~3,000 answers."""
    path = tmp_path_factory.mktemp("opt") / "progress.sqlite3"
    with Store.open(path, clock=FixedClock(START)) as store:
        answers = study_into_store(store, [Item("omt", f"c{i}") for i in range(300)], START, 60,
                                   seed=7, new_per_day=10)
    return path, answers


def _copy(studied, tmp_path):
    path, _ = studied
    copy = tmp_path / "progress.sqlite3"
    copy.write_bytes(path.read_bytes())
    return Store.open(copy, clock=FixedClock(START))


def test_defaults_are_the_same_in_py_fsrs_and_fsrs_rs():
    import fsrs_rs_python as rs

    assert len(DEFAULT_PARAMETERS) == 21
    assert pytest.approx(DEFAULT_PARAMETERS, abs=1e-6) == rs.DEFAULT_PARAMETERS


def test_first_answer_of_each_day_only():
    assert first_of_each_day([(5, 1), (3, 3), (3, 1), (5, 3), (9, 4)]) == [
        (3, Rating.GOOD), (5, Rating.AGAIN), (9, Rating.EASY)]


def test_fitting_beats_defaults_on_the_newest_reviews_and_is_applied(studied, tmp_path):
    _, answers = studied
    store = _copy(studied, tmp_path)
    report = optimize(store, now=START)
    fit = report.fit
    assert answers > 2000 and fit.reviews > 1000
    assert len(fit.parameters) == 21 and fit.parameters != DEFAULT_PARAMETERS
    assert fit.log_loss_after < fit.log_loss_before
    assert fit.applied
    assert store.settings().global_settings.parameters == fit.parameters
    # The scheduler uses them: a first Good gives the fitted initial stability (w2).
    fitted = review(CardState(), Rating.GOOD, START, store.settings().for_deck("omt"),
                    fuzz=False)[0]
    default = review(CardState(), Rating.GOOD, START, SchedulerSettings(), fuzz=False)[0]
    assert fitted.stability == pytest.approx(fit.parameters[2], abs=1e-3)
    assert default.stability == pytest.approx(DEFAULT_PARAMETERS[2], abs=1e-3)
    store.close()


def test_parameters_that_predict_the_newest_reviews_worse_are_not_applied():
    """A learner who forgot everything for weeks, then recalled everything: weights fitted to
    the forgetful weeks predict the newest reviews worse than the defaults, so none apply."""
    answers = []
    for n in range(400):
        start = n % 30
        days = [start, start + 1, start + 3, start + 7, start + 15, start + 31]
        answers.append([(day, Rating.AGAIN if day < 40 else Rating.GOOD) for day in days])
    fit = fit_parameters(answers, None)
    assert fit.reviews == 2000
    assert fit.log_loss_after > fit.log_loss_before
    assert not fit.applied and fit.parameters is None and "stay" in fit.message


def test_too_few_reviews_keep_the_defaults(tmp_path):
    with Store.open(tmp_path / "p.sqlite3", clock=FixedClock(START)) as store:
        study_into_store(store, [Item("omt", "a"), Item("omt", "b")], START, 5, seed=1)
        report = optimize(store, now=START)
        assert not report.fit.applied and report.fit.parameters is None
        assert "at least" in report.fit.message
        assert store.settings().global_settings.parameters is None


def test_a_deck_preset_gets_its_own_parameters(studied, tmp_path):
    store = _copy(studied, tmp_path)
    report = optimize(store, "omt", now=START)
    settings = store.settings()
    assert report.fit.applied
    assert settings.for_deck("omt").parameters == report.fit.parameters
    assert settings.global_settings.parameters is None
    assert settings.for_deck("other").parameters is None
    store.close()


def test_refit_when_the_answers_have_doubled(studied, tmp_path):
    store = _copy(studied, tmp_path)
    count = store.schedule_count()
    assert count >= FIRST_AUTO_FIT and needs_refit(store)
    optimize(store, now=START)
    assert not needs_refit(store)
    fits = store.get_value("fsrs_fits")
    fits["global"]["reviews"] = count // 2
    store.set_value("fsrs_fits", fits)
    assert needs_refit(store)
    store.close()


def test_optimize_command_prints_the_figures(studied, tmp_path, capsys):
    store = _copy(studied, tmp_path)
    store.close()
    assert main(["optimize", "--data-dir", str(tmp_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"reviews", "parameters", "log_loss_before", "log_loss_after", "rmse_before",
            "rmse_after", "applied"} <= set(out)
    assert out["applied"] and len(out["parameters"]) == 21
    assert out["rmse_before"] > 0 and out["log_loss_after"] < out["log_loss_before"]
    assert main(["optimize", "--data-dir", str(tmp_path)]) == 0
    assert "log loss" in capsys.readouterr().out


@pytest.mark.slow
def test_the_background_refit_runs_in_its_own_process(studied, tmp_path):
    store = _copy(studied, tmp_path)
    store.close()
    from omtquiz.study.optimize import refit_in_background

    process = refit_in_background(tmp_path)
    assert process.wait(timeout=120) == 0
    with Store.open(tmp_path / "progress.sqlite3") as store:
        assert store.settings().global_settings.parameters is not None
        assert store.get_value("fsrs_fits")["global"]["applied"] is True


def test_without_the_optimizer_wheel_defaults_stay_and_the_reason_is_given(
        studied, tmp_path, monkeypatch, capsys):
    store = _copy(studied, tmp_path)
    store.close()
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)  # what a missing wheel looks like
    assert main(["optimize", "--data-dir", str(tmp_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["applied"] is False and out["parameters"] is None
    assert "fsrs-rs-python" in out["message"] and "default parameters" in out["message"]
    with Store.open(tmp_path / "progress.sqlite3") as store:
        assert store.settings().global_settings.parameters is None
        card, _ = review(CardState(), Rating.GOOD, START, store.settings().global_settings)
        assert card.stability == pytest.approx(DEFAULT_PARAMETERS[2], abs=1e-3)


def test_py_fsrs_and_fsrs_rs_agree_on_a_memory_state_with_fitted_weights():
    """Why py-fsrs can stay the scheduler: the same history and weights give the same state."""
    import fsrs_rs_python as rs

    from omtquiz.scheduling import replay

    weights = (0.2848, 0.367, 0.4596, 1.1522, 6.6414, 0.6747, 3.1804, 0.001, 1.6429, 0.1659,
               0.5631, 1.4143, 0.1044, 0.1927, 1.5853, 0.6082, 1.7541, 0.0, 0.0, 0.0, 0.1)
    days = [(0, Rating.GOOD), (3, Rating.GOOD), (9, Rating.AGAIN), (10, Rating.GOOD),
            (14, Rating.GOOD), (30, Rating.EASY)]
    settings = SchedulerSettings(parameters=weights, learning_steps=(), relearning_steps=(),
                                 fuzz=False)
    ours = replay([(START + timedelta(days=d), r) for d, r in days], settings)[-1].after
    theirs = rs.FSRS(weights).memory_state(rs.FSRSItem(
        [rs.FSRSReview(int(r), d - days[i - 1][0] if i else 0) for i, (d, r) in enumerate(days)]))
    assert ours.stability == pytest.approx(theirs.stability, abs=1e-3)
    assert ours.difficulty == pytest.approx(theirs.difficulty, abs=1e-3)
