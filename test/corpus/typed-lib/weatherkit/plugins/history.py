from __future__ import annotations

from datetime import date, timedelta
from statistics import mean

import weatherkit
from weatherkit.models import Location


def monthly_mean(client: "weatherkit.Client", where: Location, year: int, month: int) -> float:
    day = date(year, month, 1)
    temps = []
    while day.month == month:
        data = client._get("/history", {**where.as_params(), "date": day.isoformat()})
        temps.append(data["mean_temp_c"])
        day += timedelta(days=1)
    return mean(temps)


async def monthly_mean_async(client: "weatherkit.AsyncClient", where: Location, year: int, month: int) -> float:
    day = date(year, month, 1)
    days = []
    while day.month == month:
        days.append(day)
        day += timedelta(days=1)
    results = [client._get("/history", {**where.as_params(), "date": d.isoformat()}) for d in days]
    temps = []
    for pending in results:
        data = await pending
        temps.append(data["mean_temp_c"])
    return mean(temps)
