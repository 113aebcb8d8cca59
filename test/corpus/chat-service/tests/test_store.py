import asyncio

import fakeredis
import pytest
import pytest_asyncio

from chat.store.redis import ChatStore


@pytest_asyncio.fixture
async def store():
    s = ChatStore(fakeredis.FakeAsyncRedis(decode_responses=True))
    yield s
    await s.r.flushall()


@pytest.mark.asyncio
async def test_history_trims(store, monkeypatch):
    monkeypatch.setattr("chat.store.redis.settings.history_size", 3)
    for i in range(5):
        await store.append({"kind": "message", "room": "r", "sender": 1, "body": {"i": i}, "ts": 0})
    assert [e["body"]["i"] for e in await store.history("r")] == [2, 3, 4]


@pytest.mark.asyncio
async def test_unread_counts_defaults_to_zero(store):
    await store.r.hset("user:1:unread", "a", 3)
    assert await store.unread_counts(1, ["a", "b"]) == {"a": 3, "b": 0}


@pytest.mark.asyncio
async def test_events_receive_published(store):
    received = []

    async def listen():
        async for env in store.events("r"):
            received.append(env)
            return

    task = asyncio.create_task(listen())
    await asyncio.sleep(0.05)
    await store.append({"kind": "message", "room": "r", "sender": 1, "body": {}, "ts": 0})
    await asyncio.wait_for(task, 1)
    assert received and received[0]["room"] == "r"
