"""Severe-weather alerts. Imports the client module, which imports nothing from here (no cycle at import time)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weatherkit.async_client import AsyncClient
    from weatherkit.client import Client
    from weatherkit.models import Location


@dataclass
class Alert:
    event: str
    severity: str
    starts: datetime
    ends: datetime
    description: str

    @property
    def active(self) -> bool:
        now = datetime.now(timezone.utc)
        return self.starts <= now <= self.ends


def _parse(items: list[dict]) -> list[Alert]:
    return [
        Alert(
            event=i["event"],
            severity=i.get("severity", "unknown"),
            starts=datetime.fromtimestamp(i["start"], timezone.utc),
            ends=datetime.fromtimestamp(i["end"], timezone.utc),
            description=i.get("description", ""),
        )
        for i in items
    ]


def alerts_for(client: Client, where: Location) -> list[Alert]:
    return _parse(client._get("/alerts", where.as_params()).get("alerts", []))


async def alerts_for_async(client: AsyncClient, where: Location) -> list[Alert]:
    data = await client._get("/alerts", where.as_params())
    return _parse(data.get("alerts", []))
