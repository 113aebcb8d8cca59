import sys
from typing import TYPE_CHECKING

try:
    import ujson as json
except ImportError:  # pragma: no cover
    import json

try:
    from redis.asyncio import Redis as AsyncRedis
except ImportError:  # redis < 4.2
    from aioredis import Redis as AsyncRedis

if sys.version_info >= (3, 11):
    from asyncio import timeout as async_timeout
else:
    from async_timeout import timeout as async_timeout

if TYPE_CHECKING:
    from collections.abc import Mapping

from os.path import *  # noqa: F403 (legacy script style)


async def cached_config(redis: AsyncRedis, key: str, path: str) -> "Mapping[str, object]":
    async with async_timeout(1):
        raw = await redis.get(key)
    if raw:
        return json.loads(raw)
    with open(expanduser(path)) as fh:  # noqa: F405
        data = json.load(fh)
    await redis.set(key, json.dumps(data), ex=60)
    return data


async def stale_keys(redis: AsyncRedis) -> list:
    return await redis.keys("config:*")
