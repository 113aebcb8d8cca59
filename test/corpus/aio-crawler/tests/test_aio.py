import asyncio

import pytest

from crawler.aio import Ticker, amap, batched, drain, first_completed, run_sync, timed


async def _double(x):
    await asyncio.sleep(0)
    return x * 2


async def _agen(n):
    for i in range(n):
        yield i


@pytest.mark.asyncio
async def test_amap_preserves_order():
    assert await amap(_double, [3, 1, 2], limit=2) == [6, 2, 4]


@pytest.mark.asyncio
async def test_batched():
    out = [b async for b in batched(_agen(5), 2)]
    assert out == [[0, 1], [2, 3], [4]]


@pytest.mark.asyncio
async def test_first_completed_cancels_the_rest():
    slow = asyncio.sleep(10, result="slow")
    fast = asyncio.sleep(0, result="fast")
    assert await first_completed(slow, fast) == "fast"


@pytest.mark.asyncio
async def test_ticker_limit():
    ticks = [t async for t in Ticker(0.001, limit=3)]
    assert ticks == [1, 2, 3]


@pytest.mark.asyncio
async def test_drain_processes_everything():
    q: asyncio.Queue = asyncio.Queue()
    seen = []
    for i in range(10):
        q.put_nowait(i)

    async def handle(x):
        seen.append(x)

    await drain(q, handle, workers=3)
    assert sorted(seen) == list(range(10))


@pytest.mark.asyncio
async def test_timed_accumulates():
    sink = {}
    async with timed("a", sink):
        await asyncio.sleep(0)
    async with timed("a", sink):
        pass
    assert sink["a"] >= 0


def test_run_sync():
    assert run_sync(_double, 21) == 42
