"""Clientes Redis: el sync (legacy) y el async (redis.asyncio).

Durante la migración conviven los dos. Los endpoints reciben el cliente por
dependencia (`get_redis` / `get_async_redis`) para poder sustituirlo en tests.
"""
from typing import AsyncIterator, Iterator

import redis
from redis import asyncio as aioredis

from app.core.config import settings

# Cliente sync: lo usan los endpoints `def` que aún no se han migrado.
redis_client = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)

# Cliente async: para los endpoints ya migrados. Nunca usar sin `await`.
async_redis_client = aioredis.Redis.from_url(settings.REDIS_URL, decode_responses=True)


def get_redis() -> Iterator[redis.Redis]:
    yield redis_client


async def get_async_redis() -> AsyncIterator[aioredis.Redis]:
    yield async_redis_client
