from __future__ import annotations

import asyncio
from types import TracebackType

import httpx

from ._base import BaseClient
from ._compat import Self
from .cache import AsyncCache, AsyncNullCache
from .models import Current, DailyForecast, Location
from .retry import retry


class AsyncClient(BaseClient):
    def __init__(self, api_key: str | None = None, *, cache: AsyncCache | None = None, **kwargs) -> None:
        super().__init__(api_key, **kwargs)
        self._http = httpx.AsyncClient(base_url=self.base_url, headers=self._headers(), timeout=self.timeout)
        self._cache = cache or AsyncNullCache()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    @retry()
    async def _get(self, path: str, params: dict[str, str]) -> dict:
        key = path + "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        cached = await self._cache.get(key)
        if cached is not None:
            return cached
        resp = await self._http.get(path, params=params)
        body = resp.json() if resp.content else {}
        self._raise_for(resp.status_code, body, resp.headers)
        await self._cache.set(key, body, ttl=300)
        return body

    async def current(self, where: Location) -> Current:
        return Current.from_api(where, await self._get("/current", where.as_params()))

    async def forecast(self, where: Location, days: int = 7) -> list[DailyForecast]:
        return DailyForecast.many_from_api(await self._get("/forecast", {**where.as_params(), "days": str(days)}))

    async def geocode(self, query: str, limit: int = 5) -> list[Location]:
        data = await self._get("/geo", {"q": query, "limit": str(limit)})
        return [Location(item["lat"], item["lon"], item["name"]) for item in data.get("results", [])]

    async def current_many(self, places: list[Location]) -> list[Current]:
        return list(await asyncio.gather(*(self.current(p) for p in places)))
