import fakeredis.aioredis
import pytest

from crawler.storage.frontier import MemoryFrontier, RedisFrontier


@pytest.fixture(params=["memory", "redis"])
async def frontier(request):
    if request.param == "memory":
        yield MemoryFrontier()
    else:
        client = fakeredis.aioredis.FakeRedis(decode_responses=True)
        yield RedisFrontier(client, name="test")
        await client.flushall()


@pytest.mark.asyncio
async def test_dedup(frontier):
    assert await frontier.push("https://a.example/", 0)
    assert not await frontier.push("https://a.example/", 1)
    assert await frontier.size() == 1


@pytest.mark.asyncio
async def test_push_many_counts_fresh(frontier):
    await frontier.push("https://a.example/1", 0)
    n = await frontier.push_many(["https://a.example/1", "https://a.example/2", "https://a.example/3"], 1)
    assert n == 2


@pytest.mark.asyncio
async def test_pop_order(frontier):
    await frontier.push("u1", 0)
    await frontier.push("u2", 0)
    assert (await frontier.pop()) == ("u1", 0)
    assert (await frontier.pop()) == ("u2", 0)
    assert await frontier.pop(timeout=0.01) is None
