import os

import redis
import redis.asyncio

REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/1")

redis_client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
async_redis = redis.asyncio.Redis.from_url(REDIS_URL, decode_responses=True)


def get_redis():
    return redis_client


async def get_async_redis():
    return async_redis
