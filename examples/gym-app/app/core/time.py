"""Helpers de fechas timezone-aware (usar estos en código nuevo)."""
from datetime import datetime, timedelta, timezone
from typing import Tuple


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def day_bounds(moment: datetime) -> Tuple[datetime, datetime]:
    """Inicio y fin (exclusivo) del día UTC que contiene `moment`."""
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)
