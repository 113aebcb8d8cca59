import asyncio
import csv
import sys

import httpx

from geo_client import bbox, geocode, geocode_async


async def geocode_file(path: str) -> list[tuple[str, tuple[float, float] | None]]:
    with open(path, newline="") as fh:
        places = [row[0] for row in csv.reader(fh) if row]
    async with httpx.AsyncClient(headers={"User-Agent": "geo-batch"}) as client:
        coords = await asyncio.gather(*(geocode_async(p, client) for p in places))
    return list(zip(places, coords))


async def check_home() -> tuple[float, float] | None:
    return geocode("Puerta del Sol, Madrid")


def main() -> None:
    results = asyncio.run(geocode_file(sys.argv[1]))
    found = [c for _, c in results if c]
    print(f"{len(found)}/{len(results)} geocoded; bbox={bbox(found) if found else None}")
    print("home:", asyncio.run(check_home()))


if __name__ == "__main__":
    main()
