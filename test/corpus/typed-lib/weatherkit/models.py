from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lon: float
    name: str = ""

    def as_params(self) -> dict[str, str]:
        return {"lat": f"{self.lat:.4f}", "lon": f"{self.lon:.4f}"}


@dataclass(slots=True)
class Current:
    location: Location
    observed_at: datetime
    temperature_c: float
    humidity: int
    wind_kph: float
    conditions: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_api(cls, loc: Location, data: dict[str, Any]) -> Current:
        return cls(
            location=loc,
            observed_at=datetime.fromtimestamp(data["dt"], tz=timezone.utc),
            temperature_c=data["main"]["temp"],
            humidity=data["main"]["humidity"],
            wind_kph=data["wind"]["speed"] * 3.6,
            conditions=data["weather"][0]["description"],
            raw=data,
        )


@dataclass(slots=True)
class DailyForecast:
    day: date
    min_c: float
    max_c: float
    rain_mm: float = 0.0

    @classmethod
    def many_from_api(cls, data: dict[str, Any]) -> list[DailyForecast]:
        out = []
        for item in data.get("daily", []):
            out.append(
                cls(
                    day=datetime.utcfromtimestamp(item["dt"]).date(),
                    min_c=item["temp"]["min"],
                    max_c=item["temp"]["max"],
                    rain_mm=item.get("rain", 0.0),
                )
            )
        return out
