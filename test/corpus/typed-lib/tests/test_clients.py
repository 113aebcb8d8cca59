import httpx
import pytest
import respx

from weatherkit import AsyncClient, Client, Location, NotFound, RateLimited
from weatherkit.cache import MemoryCache

BASE = "https://api.weather.example/v3"
CURRENT = {"dt": 1700000000, "main": {"temp": 12.5, "humidity": 70}, "wind": {"speed": 3}, "weather": [{"description": "rain"}]}


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    monkeypatch.setenv("WEATHERKIT_API_KEY", "test")


@respx.mock
def test_current_sync():
    respx.get(f"{BASE}/current").mock(return_value=httpx.Response(200, json=CURRENT))
    with Client() as c:
        cur = c.current(Location(1, 2))
    assert cur.temperature_c == 12.5
    assert round(cur.wind_kph, 1) == 10.8


@respx.mock
def test_cache_avoids_second_call():
    route = respx.get(f"{BASE}/current").mock(return_value=httpx.Response(200, json=CURRENT))
    with Client(cache=MemoryCache()) as c:
        c.current(Location(1, 2))
        c.current(Location(1, 2))
    assert route.call_count == 1


@respx.mock
def test_not_found():
    respx.get(f"{BASE}/geo").mock(return_value=httpx.Response(404, json={"message": "nope"}))
    with Client() as c, pytest.raises(NotFound):
        c.geocode("x")


@respx.mock
@pytest.mark.asyncio
async def test_rate_limit_retries_then_raises(monkeypatch):
    monkeypatch.setattr("weatherkit.retry.asyncio.sleep", lambda s: _noop())
    respx.get(f"{BASE}/current").mock(return_value=httpx.Response(429, json={}, headers={"retry-after": "0"}))
    async with AsyncClient() as c:
        with pytest.raises(RateLimited):
            await c.current(Location(1, 2))


async def _noop():
    return None
