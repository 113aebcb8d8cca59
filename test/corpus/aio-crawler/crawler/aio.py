"""Odds and ends for asyncio code."""
from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="crawler-io")


def blocking(fn: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """Decorate a blocking function so callers `await` it; it runs on our own pool."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(_pool, functools.partial(fn, *args, **kwargs))

    return wrapper


@blocking
def slow_dns_lookup(host: str) -> list[str]:
    import socket

    time.sleep(0.01)  # simulate a slow resolver
    return sorted({ai[4][0] for ai in socket.getaddrinfo(host, 443)})


async def resolve_all(hosts: Iterable[str]) -> dict[str, list[str]]:
    results = await asyncio.gather(*(slow_dns_lookup(h) for h in hosts), return_exceptions=True)
    return {h: r for h, r in zip(hosts, results) if not isinstance(r, BaseException)}


async def amap(fn: Callable[[T], Awaitable[Any]], items: Iterable[T], limit: int = 10) -> list[Any]:
    sem = asyncio.Semaphore(limit)

    async def run(item: T) -> Any:
        async with sem:
            return await fn(item)

    tasks = [asyncio.create_task(run(i)) for i in items]
    return [await t for t in tasks]


async def first_completed(*aws: Awaitable[T], timeout: float | None = None) -> T | None:
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        done, pending = await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            if not t.done():
                t.cancel()
    return next(iter(done)).result() if done else None


async def batched(source: AsyncIterable[T], size: int) -> AsyncIterator[list[T]]:
    batch: list[T] = []
    async for item in source:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Ticker:
    """`async for tick in Ticker(1.0)` — one tick a second, drift-free."""

    def __init__(self, interval: float, limit: int | None = None) -> None:
        self.interval = interval
        self.limit = limit
        self._count = 0
        self._next = time.monotonic()

    def __aiter__(self) -> Ticker:
        return self

    async def __anext__(self) -> int:
        if self.limit is not None and self._count >= self.limit:
            raise StopAsyncIteration
        self._next += self.interval
        await asyncio.sleep(max(0.0, self._next - time.monotonic()))
        self._count += 1
        return self._count


@contextlib.asynccontextmanager
async def timed(label: str, sink: dict[str, float]) -> AsyncIterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        sink[label] = sink.get(label, 0.0) + time.perf_counter() - start


async def drain(queue: asyncio.Queue, handler: Callable[[Any], Awaitable[None]], workers: int = 4) -> None:
    async def consume() -> None:
        while True:
            item = await queue.get()
            try:
                await handler(item)
            finally:
                queue.task_done()

    consumers = [asyncio.create_task(consume()) for _ in range(workers)]
    await queue.join()
    for c in consumers:
        c.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)


def run_sync(coro_fn: Callable[..., Awaitable[T]], *args: Any) -> T:
    with asyncio.Runner() as runner:
        return runner.run(coro_fn(*args))
