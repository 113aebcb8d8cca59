import asyncio
import logging
from datetime import datetime, timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

import redis.asyncio as redis

log = logging.getLogger("jobs")
r = redis.Redis()


async def rotate_daily_keys() -> None:
    today = datetime.now(timezone.utc).strftime("%Y%m%d")
    renamed = 0
    async for key in r.scan_iter(match="daily:*:current"):
        await r.rename(key, key.decode().replace(":current", f":{today}"))
        renamed += 1
    log.info("rotated %d daily keys", renamed)


async def heartbeat() -> None:
    await r.set("scheduler:heartbeat", datetime.now(timezone.utc).isoformat(), ex=120)


def sync_report() -> None:
    log.info("report generated at %s", datetime.now(timezone.utc))


async def main() -> None:
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(rotate_daily_keys, CronTrigger(hour=0, minute=0))
    scheduler.add_job(heartbeat, "interval", seconds=30)
    scheduler.add_job(sync_report, "cron", hour=6)
    scheduler.start()
    try:
        await asyncio.Event().wait()
    finally:
        scheduler.shutdown()
        await r.aclose()


if __name__ == "__main__":
    asyncio.run(main())
