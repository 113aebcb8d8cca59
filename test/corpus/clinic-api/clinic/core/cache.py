import redis
from redis import asyncio as aioredis

redis_client = redis.Redis(host="redis", decode_responses=True)
async_redis = aioredis.Redis(host="redis", decode_responses=True)
