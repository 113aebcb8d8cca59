"""weatherkit — a small client for the Open Weather-ish API."""
from __future__ import annotations

from ._version import __version__
from .client import Client
from .errors import APIError, NotFound, RateLimited, WeatherKitError
from .models import Current, DailyForecast, Location
from .utils import *  # noqa: F403 — re-export unit helpers

try:
    from .async_client import AsyncClient
except ImportError:  # httpx without asyncio support (very old versions)
    AsyncClient = None  # type: ignore[assignment,misc]

__all__ = [
    "__version__",
    "Client",
    "AsyncClient",
    "APIError",
    "NotFound",
    "RateLimited",
    "WeatherKitError",
    "Current",
    "DailyForecast",
    "Location",
    "c_to_f",
    "f_to_c",
    "haversine_km",
]


def __getattr__(name: str):
    if name == "alerts":
        from .plugins import alerts

        return alerts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
