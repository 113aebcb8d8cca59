import asyncio
import time
from unittest import mock

import pytest
import pytest_asyncio

from redis_asyncio_patterns import get_many, incr_counter, purge, set_json


@pytest_asyncio.fixture(autouse=True)
async def fake_client(monkeypatch):
    import fakeredis

    fake = fakeredis.FakeAsyncRedis(decode_responses=True)
    monkeypatch.setattr("redis_asyncio_patterns.client", fake)
    yield fake
    await fake.flushall()


@pytest.mark.asyncio
async def test_set_and_get(fake_client):
    await set_json("a", {"x": 1})
    assert await get_many(["a", "b"]) == {"a": '{"x": 1}', "b": None}


@pytest.mark.asyncio
async def test_counter_first_value(fake_client):
    assert await incr_counter("t") == 1
    assert await fake_client.ttl("counter:t") in (-1, 3600)


@pytest.mark.asyncio
async def test_purge(fake_client):
    for i in range(5):
        await fake_client.set(f"tmp:{i}", i)
    assert await purge("tmp:") == 5
    assert await fake_client.dbsize() == 0


@pytest.mark.asyncio
async def test_timeout_helper():
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.sleep(1), timeout=0.01)


def test_sleep_is_patched():
    with mock.patch("time.sleep") as sleep:
        time.sleep(10)
    sleep.assert_called_once_with(10)


class TestLegacy:
    @pytest.fixture
    def loop(self):
        loop = asyncio.new_event_loop()
        yield loop
        loop.close()

    def test_run_until_complete(self, loop):
        assert loop.run_until_complete(incr_counter("legacy")) >= 1
