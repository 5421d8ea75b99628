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
from omtquiz.scheduling import CardState, Rating, Settings, State, retrievability
from omtquiz.study.recording import record_exam, record_quiz_answer
from omtquiz.study.scope import Scope
from omtquiz.study.session import StudySession
from omtquiz.study.stats import (
    DayCount,
    Mastery,
    Retention,
    collect,
    format_table,
    technique_tags,
)

SETTINGS = Settings().with_global(fuzz=False, timezone="UTC", day_start_hour=4)
NOW = datetime(2025, 3, 10, 15, 0, tzinfo=timezone.utc)  # study day 2025-03-10
TODAY = date(2025, 3, 10)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def stats_library() -> Library:
    """Muscle energy and counterstrain have cards of all three topics, so both are techniques;
    `safety` has none of them."""
    def card(deck_id, card_id, *tags, kind="basic"):
        return Card(deck_id, card_id, kind, front=f"Front of {card_id}",
                    back=f"Back of {card_id}", tags=tags, line=10)

    tech = Deck("tech", "Techniques", "tech.yaml", (
        card("tech", "me1", "technique", "muscle-energy"),
        card("tech", "me2", "indication", "muscle-energy"),
        card("tech", "me3", "contraindication", "muscle-energy"),
        card("tech", "cs1", "technique", "counterstrain"),
        card("tech", "cs2", "indication", "counterstrain"),
        card("tech", "cs3", "contraindication", "counterstrain"),
    ), parent="OMT")
    safe = Deck("safe", "Safety", "safe.yaml", (
        card("safe", "sf1", "safety"),
        card("safe", "sf2", "contraindication", "safety"),
        card("safe", "rev", "safety", kind="reverse"),
    ))
    return Library((DeckFile("tech.yaml", tech), DeckFile("safe.yaml", safe)))


def item(key: str) -> Item:
    deck_id, card_id, *ord_ = key.split("/")
    return Item(deck_id, card_id, int(ord_[0]) if ord_ else 0)


def graduated(due: datetime, last_review: datetime, lapses: int = 0) -> CardState:
    """A review card whose interval is due - last_review."""
    return CardState(State.REVIEW, None, 10.0, 5.0, due, last_review, 4, lapses)


@pytest.fixture
def clock():
    return FixedClock(at("2024-03-01T10:00"))


@pytest.fixture
def store(tmp_path, clock):
    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as opened:
        opened.save_settings(SETTINGS)
        yield opened


def answer(store, lib, clock, when: str, key: str, rating: Rating, ms: int,
           state: CardState | None = None) -> None:
    """At `when`, answer one item on the review screen; `state` sets it up first."""
    clock.set(at(when))
    if state is not None:
        store.put(ItemRecord(item(key), state))
    session = StudySession(store, lib, Scope.of_items([item(key)]), clock, SETTINGS,
                           include_not_due=True)
    assert session.current() == item(key)
    session.answer(rating, ms)


def quiz(store, clock, when: str, key: str, correct: bool, ms: int) -> None:
    clock.set(at(when))
    record_quiz_answer(store, item(key), correct, ms, "mcq", clock, SETTINGS)


@pytest.fixture
def logged(store, clock):
    return hand_log(store, clock)


def hand_log(store: Store, clock: FixedClock) -> Library:
    """The log, oldest first; the clock is left at NOW. Retention counts review-screen answers
    on graduated cards only; young means an interval under 21 days before the answer."""
    store.save_settings(SETTINGS)
    lib = stats_library()
    quiz(store, clock, "2024-03-01T10:00", "safe/sf1", True, 4000)  # before the year shown
    quiz(store, clock, "2024-03-20T10:00", "safe/sf2", True, 4000)
    answer(store, lib, clock, "2025-02-05T12:00", "tech/me1", Rating.AGAIN, 4000,  # too old
           graduated(at("2025-02-05T00:00"), at("2025-01-05T00:00")))
    answer(store, lib, clock, "2025-02-09T03:59", "tech/me2", Rating.GOOD, 4000,  # day Feb 8
           graduated(at("2025-02-09T00:00"), at("2025-01-30T00:00")))
    answer(store, lib, clock, "2025-02-09T04:00", "tech/me3", Rating.HARD, 4000,  # mature pass
           graduated(at("2025-02-09T00:00"), at("2025-01-09T00:00")))
    answer(store, lib, clock, "2025-03-01T09:00", "tech/cs1", Rating.AGAIN, 4000,  # 21 d: mature
           graduated(at("2025-03-01T00:00"), at("2025-02-08T00:00"), lapses=2))
    answer(store, lib, clock, "2025-03-01T09:05", "tech/cs2", Rating.GOOD, 4000,  # 20 d: young
           graduated(at("2025-03-01T00:00"), at("2025-02-09T00:00")))
    answer(store, lib, clock, "2025-03-10T03:30", "safe/sf2", Rating.GOOD, 4000)  # learning
    answer(store, lib, clock, "2025-03-10T03:40", "safe/rev/0", Rating.GOOD, 4000)  # new
    # Today:
    answer(store, lib, clock, "2025-03-10T04:10", "tech/me2", Rating.AGAIN, 5000,  # young fail
           graduated(at("2025-03-10T00:00"), at("2025-02-20T00:00"), lapses=1))
    answer(store, lib, clock, "2025-03-10T04:12", "safe/sf1", Rating.GOOD, 8000,  # mature pass
           graduated(at("2025-03-10T00:00"), at("2025-01-10T00:00")))
    quiz(store, clock, "2025-03-10T04:20", "tech/cs3", False, 12000)  # Again, not a review
    answer(store, lib, clock, "2025-03-10T04:25", "tech/me2", Rating.GOOD, 3000)  # relearning
    clock.set(NOW)
    return lib


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


def test_hardest_are_most_lapses_then_lowest_retrievability(store, clock):
    lib = stats_library()
    clock.set(NOW)
    states = {
        "tech/me1": CardState(State.REVIEW, None, 30.0, 5.0, NOW, NOW - timedelta(days=2), 9, 1),
        "tech/me2": CardState(State.REVIEW, None, 2.0, 8.0, NOW, NOW - timedelta(days=9), 9, 1),
        "tech/cs1": CardState(State.RELEARNING, 0, 1.0, 9.0, NOW, NOW - timedelta(days=1), 12,
                              4),
        "safe/sf1": CardState(State.REVIEW, None, 40.0, 3.0, NOW, NOW - timedelta(days=1), 3, 0),
    }
    for key, state in states.items():
        store.put(ItemRecord(item(key), state, leech=key == "tech/cs1"))
    hardest = collect(store, lib, clock).hardest
    assert [h.item.key for h in hardest] == ["tech/cs1/0", "tech/me2/0", "tech/me1/0",
                                             "safe/sf1/0"]
    assert [h.lapses for h in hardest] == [4, 1, 1, 0]
    assert hardest[0].leech and hardest[0].question == "Front of cs1"
    assert hardest[1].retrievability == pytest.approx(
        retrievability(states["tech/me2"], NOW, SETTINGS.global_settings))
    assert hardest[1].retrievability < hardest[2].retrievability
    assert [h.item.key for h in collect(store, lib, clock, hardest_limit=2).hardest] == [
        "tech/cs1/0", "tech/me2/0"]


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

WEEK_DECK = """\
deck: week
title: A week
cards:
{cards}
"""


def simulate_week(tmp_path, real_now: datetime) -> tuple[Library, Settings, dict[date, int]]:
    """Seven study days ending now through the public API; the hand count of answers per day.

    The study day starts twelve hours from now's hour, so the last day's answers (spread over
    the hour before now) and a command run now share one study day.
    """
    hour = (real_now.hour + 12) % 24
    settings = Settings().with_global(fuzz=False, timezone="UTC", day_start_hour=hour,
                                      new_per_day=5)
    ids = [f"c{i:02d}" for i in range(15)]
    decks_dir, data_dir = tmp_path / "decks", tmp_path / "data"
    decks_dir.mkdir()
    (decks_dir / "week.yaml").write_text(WEEK_DECK.format(cards="\n".join(
        f"  - {{id: {c}, type: basic, front: 'Q {c}', back: 'A {c}', tags: [t{i % 2}]}}"
        for i, c in enumerate(ids))), encoding="utf-8")
    lib = Library((DeckFile("week.yaml", Deck("week", "A week", "week.yaml", tuple(
        Card("week", c, "basic", front=f"Q {c}", back=f"A {c}", tags=(f"t{i % 2}",))
        for i, c in enumerate(ids)))),))
    per_day: dict[date, int] = {}
    clock = FixedClock(real_now - timedelta(days=6, hours=1))
    with Store.open(data_dir / "progress.sqlite3", clock=clock) as store:
        store.save_settings(settings)
        for day in range(7):
            clock.set(real_now - timedelta(days=6 - day, hours=1))
            session = StudySession(store, lib, Scope.all(), clock)
            answered = 0
            while session.current() is not None and answered < 40:
                rating = Rating.AGAIN if answered % 7 == 3 else Rating.GOOD
                session.answer(rating, 5000)
                answered += 1
                clock.advance(seconds=50)
            key = (real_now - timedelta(days=6 - day)).date()
            per_day[key] = answered
    return lib, settings, per_day


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
