"""Geocoding helpers; each call exists in a blocking and an async flavour."""
import httpx

NOMINATIM = "https://nominatim.openstreetmap.org/search"
HEADERS = {"User-Agent": "geo-scripts/1.0"}


def geocode(q: str) -> tuple[float, float] | None:
    resp = httpx.get(NOMINATIM, params={"q": q, "format": "json", "limit": 1}, headers=HEADERS, timeout=10)
    hits = resp.json()
    return (float(hits[0]["lat"]), float(hits[0]["lon"])) if hits else None


async def geocode_async(q: str, client: httpx.AsyncClient | None = None) -> tuple[float, float] | None:
    own = client is None
    client = client or httpx.AsyncClient(headers=HEADERS, timeout=10)
    try:
        resp = await client.get(NOMINATIM, params={"q": q, "format": "json", "limit": 1})
        hits = resp.json()
        return (float(hits[0]["lat"]), float(hits[0]["lon"])) if hits else None
    finally:
        if own:
            await client.aclose()


def bbox(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    lats, lons = zip(*points)
    return min(lats), min(lons), max(lats), max(lons)
