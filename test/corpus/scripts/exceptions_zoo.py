"""Error handling as it really appears in a mid-sized async service."""
import asyncio
import contextlib
import json
import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)


def parse_json_or_none(raw: str) -> Any:
    try:
        return json.loads(raw)
    except Exception:
        return None


async def fetch_json(client: httpx.AsyncClient, url: str) -> dict | None:
    try:
        resp = await client.get(url)
        resp.raise_for_status()
        return resp.json()
    except httpx.HTTPStatusError as exc:
        log.warning("bad status %s for %s", exc.response.status_code, url)
        return None
    except Exception:
        log.exception("unexpected error fetching %s", url)
        raise


async def best_effort_notify(client: httpx.AsyncClient, payload: dict) -> None:
    try:
        await client.post("https://hooks.example/notify", json=payload, timeout=2)
    except Exception:
        pass


async def close_quietly(resource) -> None:
    with contextlib.suppress(Exception):
        await resource.aclose()


async def read_config(path: str) -> dict:
    try:
        text = await asyncio.to_thread(open(path).read)
    except FileNotFoundError:
        return {}
    except Exception as exc:
        log.error("could not read %s: %s", path, exc)
        return {}
    return json.loads(text)


async def load_user_prefs(redis, user_id: int) -> dict:
    try:
        raw = await redis.get(f"prefs:{user_id}")
        return json.loads(raw) if raw else {}
    except Exception:
        return None


async def consume(queue: asyncio.Queue) -> None:
    while True:
        item = await queue.get()
        try:
            await handle(item)
        except asyncio.CancelledError:
            raise
        except Exception:  # keep the consumer alive
            log.exception("failed to handle %r", item)
        finally:
            queue.task_done()


async def handle(item: Any) -> None:
    if not item:
        raise ValueError("empty item")


async def shutdown(tasks: list[asyncio.Task]) -> None:
    for t in tasks:
        t.cancel()
    for t in tasks:
        try:
            await t
        except asyncio.CancelledError:
            pass
        except BaseException:
            log.exception("task %s crashed during shutdown", t.get_name())


async def metrics_flush(sink) -> None:
    try:
        await sink.flush()
    except:  # noqa: E722
        ...


async def group_errors(coros) -> list:
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(c) for c in coros]
    except* ValueError as eg:
        log.warning("%d value errors", len(eg.exceptions))
        return []
    return [t.result() for t in tasks]


def legacy_sync_swallow(path):
    try:
        with open(path) as fh:
            return fh.read()
    except:  # noqa: E722
        pass
