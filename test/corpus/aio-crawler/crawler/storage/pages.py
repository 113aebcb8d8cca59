from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import aiosqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    title TEXT,
    fetched_at REAL NOT NULL,
    links TEXT
);
"""


class PageStore:
    def __init__(self, path: str = "crawl.db") -> None:
        self.path = path
        self.db: aiosqlite.Connection | None = None

    async def open(self) -> None:
        self.db = await aiosqlite.connect(self.path)
        await self.db.executescript(SCHEMA)
        await self.db.commit()

    async def close(self) -> None:
        if self.db:
            await self.db.close()

    async def save(self, url: str, status: int, title: str, links: list[str]) -> None:
        assert self.db
        await self.db.execute(
            "INSERT OR REPLACE INTO pages (url, status, title, fetched_at, links) VALUES (?, ?, ?, ?, ?)",
            (url, status, title, time.time(), json.dumps(links)),
        )
        await self.db.commit()

    async def query(self, sql: str, *params) -> list[tuple]:
        assert self.db
        async with self.db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def iter_urls(self, status: int = 200) -> AsyncIterator[str]:
        assert self.db
        async with self.db.execute("SELECT url FROM pages WHERE status = ?", (status,)) as cursor:
            async for (url,) in cursor:
                yield url

    async def count(self) -> int:
        rows = await self.query("SELECT COUNT(*) FROM pages")
        return rows[0][0]
