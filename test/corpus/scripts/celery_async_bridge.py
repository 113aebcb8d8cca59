"""Celery tasks that reuse the async service layer."""
import asyncio
import logging

from celery import Celery
from celery.signals import worker_process_init

import httpx

log = logging.getLogger(__name__)
app = Celery("bridge", broker="redis://localhost:6379/5")
_loop: asyncio.AbstractEventLoop | None = None


@worker_process_init.connect
def init_loop(**_):
    global _loop
    _loop = asyncio.new_event_loop()
    asyncio.set_event_loop(_loop)


async def _post_webhook(url: str, payload: dict) -> int:
    async with httpx.AsyncClient(timeout=10) as client:
        resp = await client.post(url, json=payload)
        return resp.status_code


async def _fan_out(urls: list[str], payload: dict) -> list[int]:
    return await asyncio.gather(*(_post_webhook(u, payload) for u in urls))


@app.task(bind=True, max_retries=3)
def deliver_webhook(self, url: str, payload: dict) -> int:
    status = _loop.run_until_complete(_post_webhook(url, payload))
    if status >= 500:
        raise self.retry(countdown=2**self.request.retries)
    return status


@app.task
def broadcast(urls: list[str], payload: dict) -> list[int]:
    return asyncio.run(_fan_out(urls, payload))


@app.task
def broken_broadcast(urls: list[str], payload: dict):
    results = _fan_out(urls, payload)
    log.info("broadcast queued: %s", results)
    return None
