"""Export crawl results. Runs the async store from sync code (used from cron)."""
import asyncio
import csv
import sys
from datetime import datetime

from .storage import PageStore


async def _collect(path: str) -> list[tuple]:
    store = PageStore(path)
    await store.open()
    try:
        return await store.query("SELECT url, status, title, fetched_at FROM pages ORDER BY fetched_at")
    finally:
        await store.close()


def export_csv(db_path: str, out=sys.stdout) -> int:
    rows = asyncio.run(_collect(db_path))
    writer = csv.writer(out)
    writer.writerow(["url", "status", "title", "fetched_at"])
    for url, status, title, ts in rows:
        writer.writerow([url, status, title, datetime.utcfromtimestamp(ts).isoformat() + "Z"])
    return len(rows)


def urls_with_status(db_path: str, status: int = 200) -> list[str]:
    async def go():
        store = PageStore(db_path)
        await store.open()
        urls = [u async for u in store.iter_urls(status)]
        await store.close()
        return urls

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(go())
    finally:
        loop.close()
