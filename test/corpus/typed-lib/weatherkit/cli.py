import asyncio
from typing import Annotated, Optional

import typer

from . import AsyncClient, Client, Location, c_to_f
from .cache import MemoryCache

app = typer.Typer(no_args_is_help=True)


@app.command()
def now(lat: float, lon: float, fahrenheit: Annotated[bool, typer.Option("--fahrenheit", "-f")] = False):
    with Client(cache=MemoryCache()) as client:
        cur = client.current(Location(lat, lon))
    temp = c_to_f(cur.temperature_c) if fahrenheit else cur.temperature_c
    typer.echo(f"{temp:.1f}° {cur.conditions}")


@app.command()
def compare(places: list[str], days: Optional[int] = 3):
    async def run():
        async with AsyncClient() as client:
            locations = []
            for p in places:
                found = await client.geocode(p, limit=1)
                if found:
                    locations.append(found[0])
            forecasts = await asyncio.gather(*(client.forecast(loc, days) for loc in locations))
        for loc, fc in zip(locations, forecasts):
            typer.echo(f"{loc.name:20} " + "  ".join(f"{d.min_c:.0f}/{d.max_c:.0f}" for d in fc))

    asyncio.run(run())


if __name__ == "__main__":
    app()
