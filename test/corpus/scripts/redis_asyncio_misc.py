import asyncio
import json
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline


class Store:
    def __init__(self, url: str) -> None:
        self.redis = Redis.from_url(url)
        self.redis.set_response_callback("HGETALL", lambda r, **kw: {k.decode(): v.decode() for k, v in zip(r[::2], r[1::2])})

    async def transfer(self, src: str, dst: str, amount: int) -> None:
        async def move(pipe: Pipeline) -> None:
            balance = int(await pipe.get(src) or 0)
            if balance < amount:
                raise ValueError("insufficient funds")
            pipe.multi()
            pipe.decrby(src, amount)
            pipe.incrby(dst, amount)

        await self.redis.transaction(move, src, dst)

    async def bulk_load(self, items: dict[str, Any]) -> None:
        pipe = self.redis.pipeline()
        for key, value in items.items():
            pipe.set(key, json.dumps(value))
        await pipe.execute()

    async def warm(self, keys: list[str]) -> None:
        loop = asyncio.get_running_loop()
        tasks = [loop.create_task(self.redis.expire(k, 600)) for k in keys]
        await asyncio.wait(tasks)

    async def profile(self, user_id: int) -> dict:
        return await self.redis.hgetall(f"user:{user_id}")

    async def close(self) -> None:
        await self.redis.aclose()

    def describe(self) -> str:
        kwargs = self.redis.get_connection_kwargs()
        return f"redis://{kwargs.get('host')}:{kwargs.get('port')}/{kwargs.get('db')}"

    async def broken_touch(self, key: str) -> bool:
        exists = self.redis.exists(key)
        if exists:
            await self.redis.expire(key, 60)
        return bool(exists)
