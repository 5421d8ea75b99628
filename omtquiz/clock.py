"""Where time comes from, and where a student's study day begins and ends.

Everything inside omtquiz is a UTC datetime taken from a `Clock`, so tests can fix and advance
time. The local calendar appears only at the edge: a study day starts at a configurable local
hour (4 am by default, as in Anki, so a late-night session still counts as the same day).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Protocol

DEFAULT_DAY_START_HOUR = 4


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock that only moves when told to, for tests and reproducible scripts."""

    def __init__(self, at: datetime) -> None:
        self._now = as_utc(at)

    def now(self) -> datetime:
        return self._now

    def set(self, at: datetime) -> datetime:
        self._now = as_utc(at)
        return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by `delta` or by timedelta keywords: `advance(minutes=10)`."""
        step = (delta or timedelta()) + timedelta(**kwargs)
        if step < timedelta():
            raise ValueError("a FixedClock only moves forward")
        self._now += step
        return self._now


def as_utc(moment: datetime) -> datetime:
    """The same instant with `timezone.utc` as its tzinfo; naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: omtquiz needs aware datetimes")
    return moment.astimezone(timezone.utc)


def _local(moment_utc: datetime, tz: tzinfo | None) -> datetime:
    # With no tz, astimezone() asks the operating system, which knows its own DST rules even
    # where no IANA database is installed (Windows without tzdata).
    return as_utc(moment_utc).astimezone(tz)


def _at_local_hour(day: date, hour: int, tz: tzinfo | None) -> datetime:
    wall = datetime(day.year, day.month, day.day, hour)
    if tz is None:
        return wall.astimezone(timezone.utc)
    return wall.replace(tzinfo=tz).astimezone(timezone.utc)


def _check_hour(day_start_hour: int) -> None:
    if not 0 <= day_start_hour <= 23:
        raise ValueError(f"day start hour must be 0-23, not {day_start_hour}")


def study_day(now_utc: datetime, day_start_hour: int = DEFAULT_DAY_START_HOUR,
              tz: tzinfo | None = None) -> date:
    """The study day `now_utc` falls in: before `day_start_hour` local time it is still yesterday.

    `tz` is a `zoneinfo.ZoneInfo`; None means the system's local zone.
    """
    _check_hour(day_start_hour)
    return (_local(now_utc, tz) - timedelta(hours=day_start_hour)).date()


def day_start(day: date, day_start_hour: int = DEFAULT_DAY_START_HOUR,
              tz: tzinfo | None = None) -> datetime:
    """The UTC moment study day `day` begins."""
    _check_hour(day_start_hour)
    return _at_local_hour(day, day_start_hour, tz)


def day_bounds(now_utc: datetime, day_start_hour: int = DEFAULT_DAY_START_HOUR,
               tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """The UTC start (inclusive) and end (exclusive) of the study day holding `now_utc`.

    Computed from local wall-clock hours, so a day that crosses a DST change lasts 23 or 25 hours.
    """
    day = study_day(now_utc, day_start_hour, tz)
    return (day_start(day, day_start_hour, tz),
            day_start(day + timedelta(days=1), day_start_hour, tz))
