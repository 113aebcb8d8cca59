"""All Redis access for the chat service (redis-py 5, asyncio flavour)."""
from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from chat.settings import settings
from chat.types import Envelope, RoomId, UserId

RATE_LIMIT_LUA = """
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return current
"""


class ChatStore:
    def __init__(self, client: Redis) -> None:
        self.r = client
        self._rate = client.register_script(RATE_LIMIT_LUA)

    @classmethod
    def connect(cls) -> ChatStore:
        return cls(Redis.from_url(settings.redis_url, decode_responses=True))

    async def close(self) -> None:
        await self.r.aclose()

    # -- history -------------------------------------------------------------
    async def append(self, env: Envelope) -> None:
        key = f"room:{env['room']}:history"
        pipe = self.r.pipeline(transaction=False)
        pipe.rpush(key, json.dumps(env))
        pipe.ltrim(key, -settings.history_size, -1)
        pipe.publish(f"room:{env['room']}", json.dumps(env))
        await pipe.execute()

    async def history(self, room: RoomId, limit: int = 50) -> list[Envelope]:
        raw = await self.r.lrange(f"room:{room}:history", -limit, -1)
        return [json.loads(x) for x in raw]

    # -- presence -------------------------------------------------------------
    async def touch(self, room: RoomId, user: UserId) -> None:
        await self.r.zadd(f"room:{room}:presence", {str(user): time.time()})

    async def online(self, room: RoomId) -> list[UserId]:
        cutoff = time.time() - settings.presence_ttl
        key = f"room:{room}:presence"
        await self.r.zremrangebyscore(key, "-inf", cutoff)
        return [int(u) for u in await self.r.zrange(key, 0, -1)]

    async def rooms(self) -> list[RoomId]:
        return sorted({k.split(":")[1] async for k in self.r.scan_iter(match="room:*:history", count=200)})

    # -- rate limiting ----------------------------------------------------------
    async def allow(self, user: UserId, per_minute: int = 30) -> bool:
        count = await self._rate(keys=[f"rate:{user}:{int(time.time() // 60)}"], args=[60])
        return int(count) <= per_minute

    # -- pub/sub ---------------------------------------------------------------
    @asynccontextmanager
    async def subscription(self, room: RoomId) -> AsyncIterator[PubSub]:
        ps = self.r.pubsub(ignore_subscribe_messages=True)
        await ps.subscribe(f"room:{room}")
        try:
            yield ps
        finally:
            await ps.unsubscribe()
            await ps.aclose()

    async def events(self, room: RoomId) -> AsyncIterator[Envelope]:
        async with self.subscription(room) as ps:
            async for msg in ps.listen():
                yield json.loads(msg["data"])

    @asynccontextmanager
    async def room_lock(self, room: RoomId, timeout: float = 5.0):
        lock = self.r.lock(f"lock:room:{room}", timeout=timeout, blocking_timeout=timeout)
        acquired = await lock.acquire()
        if not acquired:
            raise TimeoutError(f"room {room} is busy")
        try:
            yield
        finally:
            await lock.release()

    async def unread_counts(self, user: UserId, rooms: list[RoomId]) -> dict[RoomId, int]:
        pending = {room: self.r.hget(f"user:{user}:unread", room) for room in rooms}
        out: dict[RoomId, int] = {}
        for room, fut in pending.items():
            value = await fut
            out[room] = int(value or 0)
        return out
