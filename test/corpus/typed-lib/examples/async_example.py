import asyncio

from weatherkit import AsyncClient, Location
from weatherkit.plugins.alerts import alerts_for_async

CITIES = [Location(51.5072, -0.1276, "London"), Location(48.8566, 2.3522, "Paris"), Location(52.52, 13.405, "Berlin")]


async def main():
    async with AsyncClient() as wk:
        currents = await wk.current_many(CITIES)
        for c in currents:
            print(f"{c.location.name}: {c.temperature_c:.1f}°C, {c.conditions}")
        alerts = await asyncio.gather(*[alerts_for_async(wk, city) for city in CITIES])
        for city, items in zip(CITIES, alerts):
            for a in items:
                print(f"{city.name}: {a.severity} {a.event}")


asyncio.run(main())
