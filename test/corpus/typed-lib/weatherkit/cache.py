from __future__ import annotations

import time
from typing import Any, Protocol

from ._compat import dumps, loads


class Cache(Protocol):
    def get(self, key: str) -> Any | None: ...
    def set(self, key: str, value: Any, ttl: int) -> None: ...


class AsyncCache(Protocol):
    async def get(self, key: str) -> Any | None: ...
    async def set(self, key: str, value: Any, ttl: int) -> None: ...


class NullCache:
    def get(self, key: str) -> None:
        return None

    def set(self, key: str, value: Any, ttl: int) -> None:
        pass


class AsyncNullCache:
    async def get(self, key: str) -> None:
        return None

    async def set(self, key: str, value: Any, ttl: int) -> None:
        return None


class MemoryCache:
    def __init__(self) -> None:
        self._data: dict[str, tuple[float, Any]] = {}

    def get(self, key: str) -> Any | None:
        hit = self._data.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def set(self, key: str, value: Any, ttl: int) -> None:
        self._data[key] = (time.monotonic() + ttl, value)


class RedisCache:
    """Sync cache on a redis-py client."""

    def __init__(self, client, prefix: str = "wk:") -> None:
        self.client = client
        self.prefix = prefix

    def get(self, key: str) -> Any | None:
        raw = self.client.get(self.prefix + key)
        return loads(raw) if raw else None

    def set(self, key: str, value: Any, ttl: int) -> None:
        self.client.set(self.prefix + key, dumps(value), ex=ttl)

    def clear(self) -> int:
        keys = list(self.client.scan_iter(match=self.prefix + "*"))
        return self.client.delete(*keys) if keys else 0


class AsyncRedisCache:
    """Async cache on a redis.asyncio client."""

    def __init__(self, client, prefix: str = "wk:") -> None:
        self.client = client
        self.prefix = prefix

    async def get(self, key: str) -> Any | None:
        raw = await self.client.get(self.prefix + key)
        return loads(raw) if raw else None

    async def set(self, key: str, value: Any, ttl: int) -> None:
        await self.client.set(self.prefix + key, dumps(value), ex=ttl)
