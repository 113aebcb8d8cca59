"""Time helpers used across the scripts. Everything returns aware UTC datetimes."""
import calendar
import datetime as dt
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import arrow
import pandas as pd
import pendulum

UTC = timezone.utc


def utcnow() -> datetime:
    return datetime.now(tz=UTC)


def from_epoch(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


def legacy_utcnow():
    # kept for callers that compare against naive DB timestamps
    return dt.datetime.utcnow()


def start_of_day(when: datetime | None = None, tz: str = "Europe/Madrid") -> datetime:
    local = (when or utcnow()).astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    last = calendar.monthrange(year, month)[1]
    return datetime(year, month, 1, tzinfo=UTC), datetime(year, month, last, 23, 59, 59, tzinfo=UTC)


def humanize(when: datetime) -> str:
    return arrow.get(when).humanize(arrow.utcnow())


def next_business_day(tz: str = "America/New_York") -> str:
    day = pendulum.now(tz).add(days=1)
    while day.day_of_week in (pendulum.SATURDAY, pendulum.SUNDAY):
        day = day.add(days=1)
    return day.to_date_string()


def pandas_now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC")


def epoch_ms() -> int:
    return time.time_ns() // 1_000_000


def parse_header_date(value: str) -> datetime:
    """'Tue, 15 Nov 1994 08:12:31 GMT' -> aware datetime (do not use utcfromtimestamp here)."""
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(value)


def naive_utc(ts: float) -> datetime:
    return datetime.utcfromtimestamp(ts)


class Clock:
    """Injectable clock (tests pass a frozen one)."""

    def utcnow(self) -> datetime:
        return utcnow()

    def today(self) -> dt.date:
        return self.utcnow().date()


clock = Clock()


def stamp() -> str:
    return clock.utcnow().isoformat(timespec="seconds")
