import asyncio
import json
import logging
from collections.abc import Iterable

import redis.asyncio as aioredis
from redis.asyncio.lock import Lock

log = logging.getLogger(__name__)
pool = aioredis.ConnectionPool.from_url("redis://localhost:6379/0", max_connections=20, decode_responses=True)
client = aioredis.Redis(connection_pool=pool)


async def get_many(keys: Iterable[str]) -> dict[str, str | None]:
    keys = list(keys)
    values = await asyncio.gather(*[client.get(k) for k in keys])
    return dict(zip(keys, values))


async def set_json(key: str, value: dict, ttl: int = 300) -> None:
    await client.set(key, json.dumps(value), ex=ttl)


async def touch_all(keys: list[str], ttl: int) -> None:
    async with client.pipeline(transaction=False) as pipe:
        for k in keys:
            pipe.expire(k, ttl)
        await pipe.execute()


async def incr_counter(name: str) -> int:
    value = await client.incr(f"counter:{name}")
    if value == 1:
        client.expire(f"counter:{name}", 3600)
    return value


async def with_lock(resource: str, work) -> None:
    lock: Lock = client.lock(f"lock:{resource}", timeout=10)
    async with lock:
        await work()


async def fire_and_forget(channel: str, message: dict) -> None:
    task = asyncio.create_task(client.publish(channel, json.dumps(message)))
    task.add_done_callback(lambda t: t.exception() and log.error("publish failed: %s", t.exception()))


async def listen(channel: str, handler) -> None:
    pubsub = client.pubsub()
    await pubsub.subscribe(channel)
    async for msg in pubsub.listen():
        if msg["type"] == "message":
            await handler(json.loads(msg["data"]))


async def purge(prefix: str) -> int:
    n = 0
    async for key in client.scan_iter(match=prefix + "*", count=500):
        await client.unlink(key)
        n += 1
    return n


async def leaderboard_top(board: str, n: int = 10) -> list[tuple[str, float]]:
    return await client.zrevrange(board, 0, n - 1, withscores=True)


async def stats() -> dict:
    info = await client.info("memory")
    keys = await client.dbsize()
    return {"used_memory_human": info["used_memory_human"], "keys": keys, "config": list(info.keys())[:5]}


async def main() -> None:
    await set_json("demo", {"a": 1})
    print(await get_many(["demo", "missing"]))
    print(await incr_counter("runs"))
    print(await stats())
    await client.aclose()
    await pool.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
