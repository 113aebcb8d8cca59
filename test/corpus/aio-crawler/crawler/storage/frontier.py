"""URL frontier: what to crawl next, and what was already seen."""
from __future__ import annotations

import abc
import asyncio
import hashlib

import redis.asyncio as redis


def _fp(url: str) -> str:
    return hashlib.blake2b(url.encode(), digest_size=12).hexdigest()


class Frontier(abc.ABC):
    @abc.abstractmethod
    async def push(self, url: str, depth: int) -> bool: ...

    @abc.abstractmethod
    async def pop(self, timeout: float = 1.0) -> tuple[str, int] | None: ...

    @abc.abstractmethod
    async def size(self) -> int: ...

    async def push_many(self, urls: list[str], depth: int) -> int:
        results = await asyncio.gather(*(self.push(u, depth) for u in urls))
        return sum(results)


class MemoryFrontier(Frontier):
    def __init__(self) -> None:
        self._queue: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
        self._seen: set[str] = set()

    async def push(self, url: str, depth: int) -> bool:
        fp = _fp(url)
        if fp in self._seen:
            return False
        self._seen.add(fp)
        self._queue.put_nowait((url, depth))
        return True

    async def pop(self, timeout: float = 1.0) -> tuple[str, int] | None:
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except asyncio.TimeoutError:
            return None

    async def size(self) -> int:
        return self._queue.qsize()


class RedisFrontier(Frontier):
    def __init__(self, client: redis.Redis, name: str = "crawl") -> None:
        self.r = client
        self.queue_key = f"{name}:queue"
        self.seen_key = f"{name}:seen"

    @classmethod
    def from_url(cls, url: str, name: str = "crawl") -> RedisFrontier:
        return cls(redis.from_url(url, decode_responses=True), name)

    async def push(self, url: str, depth: int) -> bool:
        added = await self.r.sadd(self.seen_key, _fp(url))
        if not added:
            return False
        await self.r.rpush(self.queue_key, f"{depth}|{url}")
        return True

    async def push_many(self, urls: list[str], depth: int) -> int:
        if not urls:
            return 0
        async with self.r.pipeline() as pipe:
            for u in urls:
                pipe.sadd(self.seen_key, _fp(u))
            added = await pipe.execute()
            fresh = [u for u, a in zip(urls, added) if a]
            for u in fresh:
                pipe.rpush(self.queue_key, f"{depth}|{u}")
            await pipe.execute()
        return len(fresh)

    async def pop(self, timeout: float = 1.0) -> tuple[str, int] | None:
        item = await self.r.blpop([self.queue_key], timeout=timeout)
        if item is None:
            return None
        depth, _, url = item[1].partition("|")
        return url, int(depth)

    async def size(self) -> int:
        return await self.r.llen(self.queue_key)

    async def reset(self) -> None:
        keys = [k async for k in self.r.scan_iter(match=f"{self.queue_key.split(':')[0]}:*")]
        if keys:
            await self.r.delete(*keys)

    async def stats(self) -> dict[str, int]:
        queued, seen = await asyncio.gather(self.r.llen(self.queue_key), self.r.scard(self.seen_key))
        return {"queued": queued, "seen": seen}
