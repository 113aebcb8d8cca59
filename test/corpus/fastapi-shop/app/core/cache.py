"""A tiny read-through cache decorator for async functions returning JSON-able data."""
import functools
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)
_redis: Redis | None = None


def configure(client: Redis) -> None:
    global _redis
    _redis = client


def _key(prefix: str, args: tuple, kwargs: dict) -> str:
    raw = json.dumps([args, kwargs], sort_keys=True, default=str)
    return f"cache:{prefix}:{hashlib.sha1(raw.encode()).hexdigest()}"


def cached(ttl: int = 60, prefix: str | None = None):
    def decorator(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        name = prefix or f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if _redis is None:
                return await fn(*args, **kwargs)
            key = _key(name, args[1:] if args and hasattr(args[0], "__dict__") else args, kwargs)
            try:
                hit = await _redis.get(key)
            except RedisError:
                log.warning("cache unavailable, bypassing", exc_info=True)
                hit = None
            if hit is not None:
                return json.loads(hit)
            value = await fn(*args, **kwargs)
            try:
                await _redis.set(key, json.dumps(value, default=str), ex=ttl)
            except RedisError:
                pass
            return value

        return wrapper

    return decorator


async def invalidate(prefix: str) -> int:
    if _redis is None:
        return 0
    removed = 0
    async for key in _redis.scan_iter(match=f"cache:{prefix}:*", count=500):
        removed += await _redis.delete(key)
    return removed
