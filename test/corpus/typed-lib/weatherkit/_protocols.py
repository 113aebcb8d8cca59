"""Typing-only interfaces (stub-style bodies)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, overload, runtime_checkable

from .models import Current, DailyForecast, Location


@runtime_checkable
class SupportsWeather(Protocol):
    def current(self, where: Location) -> Current: ...
    def forecast(self, where: Location, days: int = ...) -> list[DailyForecast]: ...


@runtime_checkable
class SupportsAsyncWeather(Protocol):
    async def current(self, where: Location) -> Current: ...
    async def forecast(self, where: Location, days: int = ...) -> list[DailyForecast]: ...


@overload
def nearest(places: Sequence[Location], to: Location) -> Location: ...
@overload
def nearest(places: Sequence[Location], to: Location, k: int) -> list[Location]: ...
def nearest(places, to, k=None):
    from .utils.geo import haversine_km

    ranked = sorted(places, key=lambda p: haversine_km(p.lat, p.lon, to.lat, to.lon))
    return ranked[0] if k is None else ranked[:k]
