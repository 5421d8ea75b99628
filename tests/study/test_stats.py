"""Every statistic against a review log built by hand, with the answers worked out by hand.

The study day starts at 04:00 UTC here, so an answer at 03:59 belongs to the day before: the
log puts answers on both sides of that line, and of the 30-day and one-year windows.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from conftest import run_cli
from omtquiz.clock import FixedClock, day_start
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState, Rating, State, retrievability
from omtquiz.study.recording import record_exam
from omtquiz.study.scope import Scope
from omtquiz.study.stats import (
    DayCount,
    Mastery,
    Retention,
    collect,
    format_table,
    streak,
    technique_tags,
)
from samples import (
    NOW,
    SETTINGS,
    TODAY,
    answer,
    at,
    graduated,
    hand_log,
    item,
    simulate_week,
    stats_library,
)


@pytest.fixture
def clock():
    return FixedClock(at("2024-03-01T10:00"))


@pytest.fixture
def store(tmp_path, clock):
    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as opened:
        opened.save_settings(SETTINGS)
        yield opened


@pytest.fixture
def logged(store, clock):
    return hand_log(store, clock)


def test_today_counts_answers_cards_time_and_agains_since_four_am(store, clock, logged):
    report = collect(store, logged, clock)
    assert report.study_day == TODAY
    # me2 twice, sf1, cs3; the 03:30 and 03:40 answers belong to yesterday.
    assert report.today.to_dict() == {"answers": 4, "cards": 3, "time_ms": 28_000, "again": 2,
                                      "again_rate": 0.5}
    assert report.total.reviewed_today == 4
    assert "Today: 4 answers on 3 cards in 28 s, Again 50%." in format_table(report)


def test_a_year_of_answers_per_study_day(store, clock, logged):
    days = collect(store, logged, clock).reviews_by_day
    assert len(days) == 365
    assert days[0].day == date(2024, 3, 11) and days[-1].day == TODAY
    assert {d.day: d.count for d in days if d.count} == {
        date(2024, 3, 20): 1,
        date(2025, 2, 5): 1,
        date(2025, 2, 8): 1,  # 03:59 on the 9th
        date(2025, 2, 9): 1,
        date(2025, 3, 1): 2,
        date(2025, 3, 9): 2,  # 03:30 and 03:40 on the 10th
        TODAY: 4,
    }


def test_true_retention_young_and_mature_over_thirty_study_days(store, clock, logged):
    report = collect(store, logged, clock)
    # In the window (from 04:00 on Feb 9): me3 mature pass, cs1 mature fail (21 days is
    # mature), cs2 young pass, me2 young fail, sf1 mature pass.
    assert report.retention == Retention("", "All decks", 1, 2, 2, 3)
    assert report.retention.young == 0.5 and report.retention.total == 0.6
    assert report.retention_by_deck == (Retention("tech", "OMT::Techniques", 1, 2, 1, 2),
                                        Retention("safe", "Safety", 0, 0, 1, 1))
    assert report.retention_by_deck[1].young is None
    assert {r.key: (r.young_passed, r.young_total, r.mature_passed, r.mature_total)
            for r in report.retention_by_tag} == {
        "contraindication": (0, 0, 1, 1),
        "counterstrain": (1, 1, 0, 1),
        "indication": (1, 2, 0, 0),
        "muscle-energy": (0, 1, 1, 1),
        "safety": (0, 0, 1, 1),
        "technique": (0, 0, 0, 1),
    }
    # `omtquiz stats` reads the same window.
    tech, safe = report.decks
    assert (tech.retention_answers, tech.retention_30d) == (4, 0.5)
    assert (safe.retention_answers, safe.retention_30d) == (1, 1.0)


def test_the_retention_window_starts_at_the_day_start_twenty_nine_days_back(store, clock,
                                                                             logged):
    assert day_start(date(2025, 2, 9), 4, timezone.utc) == at("2025-02-09T04:00")
    clock.set(at("2025-03-11T03:59"))  # still March 10: me3's answer is in
    assert collect(store, logged, clock).retention.mature_total == 3
    clock.set(at("2025-03-11T04:00"))  # March 11: it has left the window
    assert collect(store, logged, clock).retention.mature_total == 2


def test_exam_history_by_study_day(store, clock):
    lib = stats_library()
    record_exam(store, scope=Scope.tag("safety"), started_at=at("2025-03-02T03:30"),
                finished_at=at("2025-03-02T03:50"), total=20, correct=15)
    record_exam(store, scope="all", started_at=at("2025-03-09T18:00"),
                finished_at=at("2025-03-09T18:30"), total=40, correct=34)
    clock.set(NOW)
    exams = collect(store, lib, clock).exams
    assert [(e.day, e.scope, e.score) for e in exams] == [
        (date(2025, 3, 1), "tag:safety", 0.75), (date(2025, 3, 9), "all", 0.85)]


def test_forecast_buckets_due_cards_by_study_day_for_thirty_days(store, clock):
    lib = stats_library()
    clock.set(NOW)
    due = {
        "tech/me1": at("2025-03-05T12:00"),  # overdue: counts today
        "tech/me2": at("2025-03-11T03:59"),  # still today's study day
        "tech/me3": at("2025-03-11T04:00"),  # tomorrow
        "tech/cs1": at("2025-03-12T10:00"),
        "tech/cs2": at("2025-04-09T03:00"),  # the 30th day (index 29)
        "tech/cs3": at("2025-04-09T04:00"),  # the 31st: not shown
        "safe/sf1": at("2025-03-10T20:00"),  # suspended: not counted
    }
    for key, when in due.items():
        store.put(ItemRecord(item(key), graduated(when, when - timedelta(days=5)),
                             suspended=key == "safe/sf1"))
    store.put(ItemRecord(Item("gone", "x"), graduated(NOW, NOW - timedelta(days=5))))
    forecast = collect(store, lib, clock).forecast
    assert len(forecast) == 30 and forecast[0] == DayCount(TODAY, 2)
    assert forecast[-1] == DayCount(date(2025, 4, 8), 1)
    assert {d.day: d.count for d in forecast if d.count} == {
        TODAY: 2, date(2025, 3, 11): 1, date(2025, 3, 12): 1, date(2025, 4, 8): 1}


def test_hardest_are_lapsed_cards_by_lapses_then_recall_in_the_log(store, clock):
    """Forgotten in review, with at least three answers logged: most lapses first, then the
    lowest share right. A card failed while first learned, or answered twice, is not listed
    (on day one the list is empty, not "0 lapses, recall 100%")."""
    lib = stats_library()
    store.save_settings(SETTINGS)

    def review(key: str, when: str, rating: Rating, lapses: int) -> None:
        answer(store, lib, clock, when, key, rating, 4000,
               graduated(at(when) - timedelta(hours=1), at(when) - timedelta(days=10), lapses))

    for key, day, rating, lapses in [
            ("tech/cs1", 1, Rating.AGAIN, 2), ("tech/cs1", 2, Rating.GOOD, 3),
            ("tech/cs1", 3, Rating.AGAIN, 3),  # 4 lapses; 1 of 3 right
            ("tech/me2", 1, Rating.AGAIN, 0), ("tech/me2", 2, Rating.GOOD, 1),
            ("tech/me2", 3, Rating.GOOD, 1),  # 1 lapse; 2 of 3 right
            ("tech/me1", 1, Rating.AGAIN, 0), ("tech/me1", 2, Rating.GOOD, 1),
            ("tech/me1", 3, Rating.GOOD, 1), ("tech/me1", 4, Rating.GOOD, 1),  # 3 of 4 right
            ("tech/me3", 1, Rating.AGAIN, 0), ("tech/me3", 2, Rating.GOOD, 1)]:  # 2 answers
        review(key, f"2025-03-0{day}T10:00", rating, lapses)
    for minute, rating in enumerate([Rating.AGAIN, Rating.AGAIN, Rating.GOOD]):
        answer(store, lib, clock, f"2025-03-09T10:0{minute}", "safe/sf1", rating, 4000)  # new
    clock.set(NOW)
    hardest = collect(store, lib, clock).hardest
    assert [h.item.key for h in hardest] == ["tech/cs1/0", "tech/me2/0", "tech/me1/0"]
    assert [(h.lapses, h.right, h.answers) for h in hardest] == [(4, 1, 3), (1, 2, 3), (1, 3, 4)]
    assert hardest[0].recall == pytest.approx(1 / 3) and hardest[0].question == "Front of cs1"
    assert hardest[1].retrievability == pytest.approx(retrievability(
        store.get(item("tech/me2")).card, NOW, SETTINGS.global_settings))
    assert hardest[0].to_dict()["failed"] == 2
    assert [h.item.key for h in collect(store, lib, clock, hardest_limit=2).hardest] == [
        "tech/cs1/0", "tech/me2/0"]
    assert store.get(item("safe/sf1")).card.lapses == 0  # failed while learned: not listed


def test_on_day_one_nothing_is_hardest(store, clock):
    lib = stats_library()
    store.save_settings(SETTINGS)
    for minute, rating in enumerate([Rating.AGAIN, Rating.AGAIN, Rating.AGAIN, Rating.GOOD]):
        answer(store, lib, clock, f"2025-03-10T10:0{minute}", "tech/me1", rating, 4000)
    clock.set(NOW)
    assert collect(store, lib, clock).hardest == ()


def test_mastery_counts_each_techniques_items_by_stage(store, clock):
    lib = stats_library()
    assert technique_tags(lib) == ["counterstrain", "muscle-energy"]
    clock.set(NOW)
    store.put(ItemRecord(item("tech/me1"), graduated(NOW + timedelta(days=11),
                                                     NOW - timedelta(days=10))))  # 21 d
    store.put(ItemRecord(item("tech/me2"), graduated(NOW + timedelta(days=10),
                                                     NOW - timedelta(days=10))))  # 20 d
    store.put(ItemRecord(item("tech/me3"), CardState(State.LEARNING, 1, 2.0, 5.0, NOW, NOW,
                                                     1, 0)))
    store.put(ItemRecord(item("tech/cs1"), graduated(NOW + timedelta(days=40), NOW)))
    mastery = collect(store, lib, clock).mastery
    assert mastery == (Mastery("counterstrain", total=3, mature=1, new=2),
                       Mastery("muscle-energy", total=3, mature=1, young=1, learning=1))
    assert mastery[0].share == pytest.approx(1 / 3)
    only = collect(store, lib, clock, techniques=["safety"]).mastery
    assert only == (Mastery("safety", total=4, new=4),)  # the reverse card is two items


def test_the_json_report_carries_every_section(store, clock, logged):
    data = collect(store, logged, clock).to_dict()
    assert set(data) >= {"decks", "total", "today", "reviews_by_day", "forecast", "retention",
                         "retention_by_deck", "retention_by_tag", "hardest", "mastery", "exams"}
    json.dumps(data)
    assert data["retention"]["mature"] == pytest.approx(2 / 3)
    assert data["reviews_by_day"][-1] == {"day": "2025-03-10", "count": 4}


# A week of study, counted by hand, by `collect` and by `omtquiz stats --json`

@pytest.mark.slow
def test_a_week_of_study_agrees_with_a_hand_count_and_the_cli(tmp_path):
    real_now = datetime.now(timezone.utc).replace(microsecond=0)
    lib, settings, per_day = simulate_week(tmp_path, real_now)
    data_dir = tmp_path / "data"
    with Store.open(data_dir / "progress.sqlite3", clock=FixedClock(real_now)) as store:
        report = collect(store, lib, FixedClock(real_now))
    counted = {d.day: d.count for d in report.reviews_by_day if d.count}
    # Each simulated day's answers fall in one study day of their own, in order.
    assert list(counted.values()) == list(per_day.values())
    assert report.today.answers == list(per_day.values())[-1]
    assert report.total.new == 15 - 5 * 3  # five new a day until none were left

    result = run_cli("stats", "--json", "--data-dir", str(data_dir),
                     "--decks", str(tmp_path / "decks"))
    assert result.returncode == 0, result.stderr
    cli = json.loads(result.stdout)
    assert cli["today"] == report.today.to_dict()
    assert cli["reviews_by_day"] == [d.to_dict() for d in report.reviews_by_day]
    assert cli["retention"] == report.retention.to_dict()
    assert cli["forecast"] == [d.to_dict() for d in report.forecast]


@pytest.mark.parametrize(("counts", "expected"), [
    ([], 0), ([0], 0), ([3], 1), ([2, 0, 1, 4], 2), ([2, 0, 1, 4, 0], 2), ([1, 1, 0, 0], 0),
])
def test_the_streak_counts_days_in_a_row_and_today_may_still_come(counts, expected):
    days = [DayCount(date(2025, 3, 1 + n), count) for n, count in enumerate(counts)]
    assert streak(days) == expected


def test_the_stats_command_reports_the_streak(store, clock, logged):
    report = collect(store, logged, clock)
    # Today and the study day before (03:30 on the 10th is still the 9th's), not the 8th.
    assert report.streak == 2
    assert report.to_dict()["streak"] == 2
    assert format_table(report).splitlines()[-1] == "Streak: 2 days in a row."


def test_condition_and_area_tags_are_never_taken_for_techniques():
    cards = (
        Card("d", "what", "basic", front="What is HVLA?", back="A thrust",
             tags=("technique", "hvla")),
        Card("d", "for", "basic", front="HVLA for?", back="Low back pain",
             tags=("technique", "indication", "hvla", "low-back-pain")),
        Card("d", "risk", "basic", front="Neck thrust risk?", back="Dissection",
             tags=("technique", "safety", "hvla", "neck-pain")),
        Card("d", "ribs", "basic", front="Rib 1 motion?", back="Pump handle",
             tags=("technique", "indication", "ribs")),
        Card("d", "cs", "basic", front="Counterstrain is?", back="Indirect",
             tags=("technique", "counterstrain")),
        Card("d", "cs2", "basic", front="Counterstrain for?", back="Tender points",
             tags=("indication", "counterstrain")),
    )
    lib = Library((DeckFile("d.yaml", Deck("d", "D", "d.yaml", cards)),))
    assert technique_tags(lib) == ["counterstrain", "hvla"]
