"""omtquiz's scheduling layer gives exactly what fsrs gives, plus the counts fsrs lacks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import fsrs
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from omtquiz.scheduling import (
    CardState,
    Rating,
    SchedulerSettings,
    Settings,
    State,
    format_interval,
    is_leech,
    preview,
    retrievability,
    review,
)

T0 = datetime(2025, 1, 6, 9, 30, tzinfo=timezone.utc)
NO_FUZZ = SchedulerSettings(fuzz=False)


def fsrs_scheduler(**kwargs) -> fsrs.Scheduler:
    return fsrs.Scheduler(enable_fuzzing=False, **kwargs)


def assert_same(ours: CardState, theirs: fsrs.Card) -> None:
    assert int(ours.state) == int(theirs.state)
    assert ours.step == theirs.step
    assert ours.stability == theirs.stability
    assert ours.difficulty == theirs.difficulty
    assert ours.due == theirs.due
    assert ours.last_review == theirs.last_review


def replay(steps: list[tuple[Rating, timedelta]], settings: SchedulerSettings = NO_FUZZ):
    """Answer one item with `steps` (rating, wait before answering) both ways, step by step."""
    scheduler = fsrs_scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval,
    )
    ours = CardState()
    theirs = fsrs.Card(card_id=1, due=T0)
    when = T0
    for rating, wait in steps:
        when += wait
        ours, log = review(ours, rating, when, settings)
        theirs, _ = scheduler.review_card(theirs, fsrs.Rating(int(rating)), review_datetime=when)
        assert_same(ours, theirs)
        assert log.rating is rating and log.reviewed_at == when
        yield ours, theirs, scheduler


def test_a_sequence_of_answers_matches_fsrs_exactly():
    steps = [
        (Rating.GOOD, timedelta()),
        (Rating.GOOD, timedelta(minutes=10)),
        (Rating.GOOD, timedelta(days=2)),
        (Rating.AGAIN, timedelta(days=9)),
        (Rating.GOOD, timedelta(minutes=10)),
        (Rating.HARD, timedelta(days=3)),
        (Rating.EASY, timedelta(days=5)),
    ]
    states = [ours.state for ours, _, _ in replay(steps)]
    assert states == [State.LEARNING, State.REVIEW, State.REVIEW, State.RELEARNING,
                      State.REVIEW, State.REVIEW, State.REVIEW]


def test_golden_intervals_for_good_answers_on_time():
    """Pinned so an fsrs upgrade that changes intervals is noticed, not silently shipped."""
    state, when, intervals = CardState(), T0, []
    for _ in range(6):
        state, _ = review(state, Rating.GOOD, when, NO_FUZZ)
        intervals.append(state.due - when)
        when = state.due
    assert intervals[:2] == [timedelta(minutes=10), timedelta(days=2)]
    assert [i.days for i in intervals[2:]] == [11, 46, 163, 498]


@hsettings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(st.lists(
    st.tuples(st.sampled_from(list(Rating)),
              st.sampled_from([timedelta(0), timedelta(minutes=1), timedelta(minutes=10),
                               timedelta(hours=5), timedelta(days=1), timedelta(days=4),
                               timedelta(days=30), timedelta(days=400)])),
    min_size=1, max_size=15,
))
def test_any_sequence_matches_fsrs(steps):
    for _ in replay(steps):
        pass


def test_custom_steps_and_retention_match_fsrs():
    settings = SchedulerSettings(desired_retention=0.8, learning_steps=(timedelta(minutes=5),),
                                 relearning_steps=(), maximum_interval=30, fuzz=False)
    steps = [(Rating.HARD, timedelta()), (Rating.GOOD, timedelta(minutes=5)),
             (Rating.EASY, timedelta(days=3)), (Rating.AGAIN, timedelta(days=40)),
             (Rating.EASY, timedelta(days=40))]
    for ours, _, _ in replay(steps, settings):
        if ours.state is State.REVIEW:
            assert ours.due - ours.last_review <= timedelta(days=30)


def test_reps_count_every_answer_and_lapses_count_forgotten_reviews():
    state, when = CardState(), T0
    for rating, wait in [(Rating.AGAIN, 0), (Rating.GOOD, 1), (Rating.GOOD, 10),
                         (Rating.AGAIN, 4000), (Rating.GOOD, 10), (Rating.AGAIN, 9000)]:
        when += timedelta(minutes=wait)
        state, log = review(state, rating, when, NO_FUZZ)
    assert state.reps == 6
    assert state.lapses == 2  # Again while learning is not a lapse
    assert log.lapsed


def test_preview_gives_each_buttons_interval_without_changing_anything():
    learning, _ = review(CardState(), Rating.GOOD, T0, NO_FUZZ)
    graduated, _ = review(learning, Rating.GOOD, T0 + timedelta(minutes=10), NO_FUZZ)
    relearning, _ = review(graduated, Rating.AGAIN, T0 + timedelta(days=3), NO_FUZZ)
    for state in (CardState(), learning, graduated, relearning):
        now = T0 + timedelta(days=5)
        shown = preview(state, now, SchedulerSettings())  # fuzz on: the labels never fuzz
        for rating in Rating:
            after, _ = review(state, rating, now, NO_FUZZ)
            assert shown[rating] == after.due - now
    assert preview(CardState(), T0)[Rating.AGAIN] == timedelta(minutes=1)
    assert preview(CardState(), T0)[Rating.GOOD] == timedelta(minutes=10)


def test_fuzz_moves_long_intervals_only_within_fsrs_bounds():
    state = CardState()
    for wait in (0, 10):
        state, _ = review(state, Rating.GOOD, T0 + timedelta(minutes=wait), NO_FUZZ)
    when = state.due + timedelta(days=3)
    plain, _ = review(state, Rating.GOOD, when, NO_FUZZ)
    base = (plain.due - when).days
    fuzzed = {(review(state, Rating.GOOD, when, SchedulerSettings())[0].due - when).days
              for _ in range(40)}
    assert all(abs(days - base) <= 2 + 0.15 * base for days in fuzzed)
    assert len(fuzzed) > 1


def test_retrievability_is_fsrs_own():
    state, _ = review(CardState(), Rating.EASY, T0, NO_FUZZ)
    later = T0 + timedelta(days=12)
    card = fsrs.Card(card_id=1, state=fsrs.State.Review, step=None, stability=state.stability,
                     difficulty=state.difficulty, due=state.due, last_review=state.last_review)
    assert retrievability(state, later) == fsrs_scheduler().get_card_retrievability(card, later)
    assert 0 < retrievability(state, later) < 1
    assert retrievability(CardState(), later) == 0


def test_times_must_be_aware_and_are_kept_in_utc():
    with pytest.raises(ValueError, match="naive"):
        review(CardState(), Rating.GOOD, datetime(2025, 1, 1, 9))
    tokyo = timezone(timedelta(hours=9))
    state, _ = review(CardState(), Rating.GOOD, T0.astimezone(tokyo), NO_FUZZ)
    assert state.last_review == T0 and state.last_review.tzinfo is timezone.utc


def test_card_state_round_trips_through_json_ready_dicts():
    state = CardState()
    for rating, wait in [(Rating.GOOD, 0), (Rating.GOOD, 10), (Rating.AGAIN, 5000)]:
        state, _ = review(state, rating, T0 + timedelta(minutes=wait), NO_FUZZ)
    assert CardState.from_dict(state.to_dict()) == state
    assert CardState.from_dict(CardState().to_dict()) == CardState()


def test_default_settings_are_the_ones_promised():
    s = SchedulerSettings()
    assert (s.desired_retention, s.maximum_interval, s.new_per_day, s.reviews_per_day) == (
        0.9, 36500, 20, 200)
    assert s.learning_steps == (timedelta(minutes=1), timedelta(minutes=10))
    assert s.relearning_steps == (timedelta(minutes=10),)
    assert (s.fuzz, s.leech_threshold, s.leech_action, s.day_start_hour) == (
        True, 8, "suspend", 4)


def test_a_deck_gets_the_global_settings_updated_with_its_overrides():
    settings = Settings().with_global(new_per_day=30).with_deck(
        "cranial", new_per_day=5, learning_steps=(timedelta(minutes=3),))
    cranial = settings.for_deck("cranial")
    assert cranial.new_per_day == 5
    assert cranial.learning_steps == (timedelta(minutes=3),)
    assert cranial.reviews_per_day == 200
    assert settings.for_deck("other").new_per_day == 30
    assert settings.without_deck("cranial").for_deck("cranial").new_per_day == 30
    assert Settings.from_dict(settings.to_dict()) == Settings.from_dict(
        Settings.from_dict(settings.to_dict()).to_dict())
    again = Settings.from_dict(settings.to_dict())
    assert again.for_deck("cranial") == cranial
    assert again.for_deck("other") == settings.for_deck("other")


def test_settings_round_trip_and_ignore_keys_from_a_newer_version():
    s = SchedulerSettings(desired_retention=0.85, learning_steps=(timedelta(seconds=90),),
                          timezone="Asia/Tokyo")
    assert SchedulerSettings.from_dict(s.to_dict()) == s
    assert SchedulerSettings.from_dict({**s.to_dict(), "from_the_future": 1}) == s


@pytest.mark.parametrize("bad", [
    {"desired_retention": 1.0}, {"maximum_interval": 0}, {"new_per_day": -1},
    {"learning_steps": (timedelta(0),)}, {"leech_threshold": 0}, {"leech_action": "delete"},
    {"day_start_hour": 24}, {"timezone": "Mars/Olympus_Mons"},
])
def test_bad_settings_are_refused(bad):
    with pytest.raises(ValueError, match="invalid scheduler settings"):
        SchedulerSettings(**bad)
    with pytest.raises(ValueError):
        Settings().with_deck("d", **bad)


def test_unknown_override_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        Settings().with_deck("d", new_per_dya=3)


def test_leech_rule_is_ankis():
    assert [n for n in range(1, 21) if is_leech(n, 8)] == [8, 12, 16, 20]
    assert [n for n in range(1, 5) if is_leech(n, 1)] == [1, 2, 3, 4]


@pytest.mark.parametrize(("interval", "label"), [
    (timedelta(seconds=30), "<1m"), (timedelta(minutes=10), "10m"),
    (timedelta(hours=3), "3h"), (timedelta(days=4), "4d"), (timedelta(days=64), "2.1mo"),
    (timedelta(days=550), "1.5y"),
])
def test_button_labels(interval, label):
    assert format_interval(interval) == label
