from __future__ import annotations

from types import TracebackType

import httpx

from ._base import BaseClient
from ._compat import Self
from .cache import Cache, NullCache
from .models import Current, DailyForecast, Location
from .retry import retry


class Client(BaseClient):
    def __init__(self, api_key: str | None = None, *, cache: Cache | None = None, **kwargs) -> None:
        super().__init__(api_key, **kwargs)
        self._http = httpx.Client(base_url=self.base_url, headers=self._headers(), timeout=self.timeout)
        self._cache = cache or NullCache()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @retry()
    def _get(self, path: str, params: dict[str, str]) -> dict:
        key = path + "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        resp = self._http.get(path, params=params)
        body = resp.json() if resp.content else {}
        self._raise_for(resp.status_code, body, resp.headers)
        self._cache.set(key, body, ttl=300)
        return body

    def current(self, where: Location) -> Current:
        return Current.from_api(where, self._get("/current", where.as_params()))

    def forecast(self, where: Location, days: int = 7) -> list[DailyForecast]:
        return DailyForecast.many_from_api(self._get("/forecast", {**where.as_params(), "days": str(days)}))

    def geocode(self, query: str, limit: int = 5) -> list[Location]:
        data = self._get("/geo", {"q": query, "limit": str(limit)})
        return [Location(item["lat"], item["lon"], item["name"]) for item in data.get("results", [])]
