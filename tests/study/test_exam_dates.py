"""Exam dates: the recall forecast for the day, and "schedule to the date", in real stores."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from simulated import study_days

from omtquiz.cli import main
from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Library
from omtquiz.progress.store import Store
from omtquiz.progress.types import ExamDate
from omtquiz.scheduling import (
    DEFAULT_PARAMETERS,
    CardState,
    Rating,
    SchedulerSettings,
    Settings,
    State,
    exam_cap,
    recall_at,
    review,
)
from omtquiz.study.exam_dates import covered, forecasts, set_exam_date

START = datetime(2025, 1, 6, 15, tzinfo=timezone.utc)  # a Monday afternoon
SETTINGS = SchedulerSettings(fuzz=False, timezone="UTC")
MAX_REVIEWS = 120  # reviews a day at most


def _library(cards: int = 300) -> Library:
    """Two decks: 'omt' (the exam's) with `cards` cards, 'other' with 20, tagged halves."""
    omt = tuple(Card("omt", f"c{i}", "basic", front=f"q{i}", back="a",
                     tags=("viscera",) if i % 2 else ("spine",)) for i in range(cards))
    other = tuple(Card("other", f"o{i}", "basic", front=f"o{i}", back="a") for i in range(20))
    return Library((DeckFile("omt.yaml", Deck("omt", "OMT", "omt.yaml", omt)),
                    DeckFile("other.yaml", Deck("other", "Other", "other.yaml", other))))


def _graduated(now: datetime) -> CardState:
    state, _ = review(CardState(), Rating.GOOD, now, SETTINGS)
    state, _ = review(state, Rating.GOOD, now + timedelta(minutes=10), SETTINGS)
    state, _ = review(state, Rating.GOOD, now + timedelta(days=3), SETTINGS)
    return state


def test_the_cap_brings_an_item_back_the_day_before_the_exam():
    now = START + timedelta(days=3)
    state = _graduated(START)
    exam = now + timedelta(days=40)
    due_after = replace(state, due=exam + timedelta(days=30))
    assert recall_at(due_after, exam) < 0.95
    assert exam_cap(due_after, now, exam, 0.95, SETTINGS) == exam - timedelta(days=1)
    # What that review gives: a Good answer the day before holds the target on the day.
    again, _ = review(due_after, Rating.GOOD, exam - timedelta(days=1), SETTINGS, fuzz=False)
    assert recall_at(again, exam) >= 0.95


def test_items_that_need_no_cap_keep_their_due_date():
    now = START + timedelta(days=3)
    state = _graduated(START)
    exam = now + timedelta(days=40)
    assert state.due < exam - timedelta(days=1)  # seen again before the exam anyway
    assert exam_cap(state, now, exam, 0.95, SETTINGS) is None
    strong = replace(state, stability=400.0, due=exam + timedelta(days=300))
    assert recall_at(strong, exam) >= 0.95
    assert exam_cap(strong, now, exam, 0.95, SETTINGS) is None
    late = replace(state, due=exam + timedelta(days=30))
    assert exam_cap(late, exam + timedelta(days=1), exam, 0.95, SETTINGS) is None  # past
    learning, _ = review(CardState(), Rating.AGAIN, now, SETTINGS)
    assert exam_cap(learning, now, exam, 0.95, SETTINGS) is None


def test_exam_dates_are_stored_and_cover_decks_and_tags(tmp_path):
    library = _library(10)
    with Store.open(tmp_path / "p.sqlite3") as store:
        first = store.save_exam_date(ExamDate("COMLEX Level 1", date(2025, 3, 7), ("omt",)))
        store.save_exam_date(ExamDate("Practical", date(2025, 2, 1), tags=("spine",),
                                      target=0.85))
        exams = store.exam_dates()
        assert [e.name for e in exams] == ["Practical", "COMLEX Level 1"]
        assert len(covered(exams[1], library)) == 10
        assert {i.card_id for i in covered(exams[0], library)} == {f"c{i}" for i in (0, 2, 4,
                                                                                      6, 8)}
        assert store.delete_exam_date(first) and len(store.exam_dates()) == 1
    with pytest.raises(ValueError, match="at least one deck or tag"):
        ExamDate("Nothing", date(2025, 3, 7))


def test_forecast_per_deck_and_tag_from_each_items_recall(tmp_path):
    library = _library(4)
    clock = FixedClock(START)
    with Store.open(tmp_path / "p.sqlite3", clock=clock) as store:
        store.save_settings(store.settings().with_global(fuzz=False, timezone="UTC"))
        exam = ExamDate("Block exam", date(2025, 1, 20), ("omt",), ("viscera",))
        store.save_exam_date(exam)
        study_days(store, library, clock, 3, seed=3)
        (result,) = forecasts(store, library, clock.now())
        records = store.records()
        moment = datetime(2025, 1, 20, 4, tzinfo=timezone.utc)
        expected = [recall_at(records[i].card, moment) if i in records else 0.0
                    for i in covered(exam, library)]
        assert result.items == 4
        assert result.expected_recall == pytest.approx(sum(expected) / 4)
        topics = {t.topic: t for t in result.topics}
        assert topics["deck:omt"].items == 4 and topics["tag:viscera"].items == 2
        assert [day for day, _ in result.series][-1] == date(2025, 1, 20)
        assert result.series[0][1] >= result.series[-1][1]  # recall fades without reviews


def test_stats_json_carries_the_forecast(tmp_path, write_deck, capsys):
    deck = write_deck("deck: omt\ntitle: OMT\nsources: [{id: s, citation: A book}]\ncards:\n"
                      "  - {id: a, front: Q, back: A, source: s}\n")
    data = tmp_path / "data"
    assert main(["exam-date", "add", "COMLEX Level 1", "2099-06-01", "--deck", "omt",
                 "--data-dir", str(data), "--decks", str(deck.parent)]) == 0
    capsys.readouterr()
    assert main(["stats", "--json", "--data-dir", str(data), "--decks", str(deck.parent)]) == 0
    report = json.loads(capsys.readouterr().out)
    (exam,) = report["exam_forecast"]
    assert exam["name"] == "COMLEX Level 1" and exam["items"] == 1
    assert exam["expected_recall"] == 0.0 and exam["topics"]["deck:omt"]["items"] == 1
    assert main(["exam-date", "list", "--data-dir", str(data)]) == 0
    assert "COMLEX Level 1" in capsys.readouterr().out
    assert main(["exam-date", "remove", "1", "--data-dir", str(data)]) == 0
    assert main(["exam-date", "remove", "1", "--data-dir", str(data)]) == 1


def _simulate(tmp_path, name: str, *, to_the_date: bool, new_per_day: int,
              target: float = 0.95) -> dict[str, float]:
    """60 days toward an exam on day 60 (300 cards), with or without its exam date set;
    the learner's true mean recall of the deck on exam morning, answers and the busiest day."""
    library = _library(300)
    clock = FixedClock(START)
    exam_day = date(2025, 3, 7)  # START + 60 days
    with Store.open(tmp_path / f"{name}.sqlite3", clock=clock) as store:
        store.save_settings(store.settings().with_global(
            fuzz=False, timezone="UTC", new_per_day=new_per_day, reviews_per_day=MAX_REVIEWS))
        if to_the_date:
            set_exam_date(store, library, ExamDate("COMLEX Level 1", exam_day, ("omt",),
                                                   target=target), clock)
        learner, answers = study_days(store, library, clock, 60, seed=11)
        moment = datetime(2025, 3, 7, 4, tzinfo=timezone.utc)
        items = library.deck("omt").items()
        recall = sum(learner.recall(i, moment) for i in items) / len(items)
        per_day: dict[date, int] = {}  # answers to review cards (not learning steps) a day
        for entry in store.summaries():
            if entry.state_before is State.REVIEW:
                per_day[entry.reviewed_at.date()] = per_day.get(entry.reviewed_at.date(), 0) + 1
    return {"recall": round(recall, 4), "answers": answers,
            "busiest_day": max(per_day.values())}


def test_simulated_learner_recalls_more_on_exam_day_at_similar_reviews(tmp_path):
    """Every card introduced in time either way (10 a day): capping the due dates of items that
    would be below 95% on the day raises exam-day recall for a few more reviews."""
    without = _simulate(tmp_path, "without", to_the_date=False, new_per_day=10)
    with_ = _simulate(tmp_path, "with", to_the_date=True, new_per_day=10)
    print(f"\nwithout: {without}\nwith:    {with_}")
    assert with_["recall"] > without["recall"] + 0.05
    assert with_["answers"] <= 1.1 * without["answers"]
    assert with_["busiest_day"] <= MAX_REVIEWS


def test_new_cards_are_paced_to_be_introduced_before_the_exam(tmp_path):
    """At 4 new cards a day, 60 days introduce 240 of 300 cards: the exam date's pacing
    introduces all of them in time (more reviews, since there is more to know)."""
    without = _simulate(tmp_path, "without", to_the_date=False, new_per_day=4)
    with_ = _simulate(tmp_path, "with", to_the_date=True, new_per_day=4)
    print(f"\nwithout: {without}\nwith:    {with_}")
    assert with_["recall"] > without["recall"] + 0.15
    assert with_["busiest_day"] <= MAX_REVIEWS


def test_recall_at_is_py_fsrs_retrievability():
    from omtquiz.scheduling import retrievability

    state = _graduated(START)
    weights = SchedulerSettings(parameters=(*DEFAULT_PARAMETERS[:20], 0.3))
    for days in (0, 1, 5, 17, 90):
        when = START + timedelta(days=3 + days, hours=5)
        assert recall_at(state, when) == pytest.approx(retrievability(state, when), abs=1e-9)
        assert recall_at(state, when, weights.parameters) == pytest.approx(
            retrievability(state, when, weights), abs=1e-9)


def test_a_far_exams_chart_has_at_most_sixty_points(tmp_path):
    library = _library(3)
    clock = FixedClock(START)
    with Store.open(tmp_path / "p.sqlite3", clock=clock) as store:
        store.save_exam_date(ExamDate("Level 2", date(2025, 12, 1), ("omt",)))
        (result,) = forecasts(store, library, clock.now())
    days = [day for day, _ in result.series]
    assert len(days) <= 61 and days[0] == date(2025, 1, 6) and days[-1] == date(2025, 12, 1)
    assert days == sorted(days)


def test_quiz_answers_are_scheduled_toward_the_exam_too(tmp_path):
    from omtquiz.progress.types import ItemRecord
    from omtquiz.study.exam_dates import ExamTargets
    from omtquiz.study.recording import record_quiz_answer

    library = _library(2)
    clock = FixedClock(START)
    item = library.deck("omt").items()[0]
    studied = CardState(State.REVIEW, None, 3.0, 5.0, START, START - timedelta(days=3), 3, 0)
    exam = ExamDate("Block", date(2025, 1, 14), ("omt",), target=0.95)
    due = {}
    for name, with_exam in (("plain", False), ("exam", True)):
        with Store.open(tmp_path / f"{name}.sqlite3", clock=clock) as store:
            store.save_settings(store.settings().with_global(fuzz=False, timezone="UTC"))
            store.put(ItemRecord(item, studied))
            targets = ExamTargets.load([exam], library, store.settings(), START) \
                if with_exam else None
            record_quiz_answer(store, item, True, 3000, "mcq", clock, targets=targets)
            due[name] = store.get(item).card.due
    moment = datetime(2025, 1, 14, 4, tzinfo=timezone.utc)
    assert due["plain"] >= moment - timedelta(days=1)  # on its own it would come too late
    assert START < due["exam"] < moment and due["exam"] < due["plain"]


def test_targets_are_kept_between_answers_and_rebuilt_on_any_change():
    """The same exams, library and settings give the very same targets (no walk of the
    library per answer); a new exam, a reloaded library, new settings or the exam's day
    beginning each rebuild them, with the right contents."""
    from omtquiz.study.exam_dates import TargetsCache

    library = _library(6)
    settings = Settings().with_global(fuzz=False, timezone="UTC")
    block = ExamDate("Block", date(2025, 1, 14), ("omt",))
    cache = TargetsCache()
    first = cache.get([block], library, settings, START)
    assert len(first.by_item) == 6
    assert cache.get([block], library, settings, START + timedelta(hours=5)) is first

    more = ExamDate("Boards", date(2025, 2, 1), tags=(), decks=("other",))
    both = cache.get([block, more], library, settings, START)
    assert both is not first and len(both.by_item) == 26
    reloaded = _library(6)
    assert cache.get([block, more], reloaded, settings, START) is not both
    changed = settings.with_global(fuzz=False, timezone="UTC", day_start_hour=6)
    kept = cache.get([block, more], reloaded, changed, START)
    assert cache.get([block, more], reloaded, changed, START) is kept
    after_block = cache.get([block, more], reloaded, changed, datetime(2025, 1, 14, 7,
                                                                       tzinfo=timezone.utc))
    assert after_block is not kept and len(after_block.by_item) == 20  # only "other" is left
