from __future__ import annotations

import logging
from datetime import datetime, timezone

from elasticsearch import AsyncElasticsearch, NotFoundError
from elasticsearch.helpers import async_bulk

log = logging.getLogger(__name__)

MAPPING = {
    "properties": {
        "url": {"type": "keyword"},
        "title": {"type": "text"},
        "body": {"type": "text"},
        "fetched_at": {"type": "date"},
    }
}


class SearchIndex:
    def __init__(self, url: str, index: str = "pages") -> None:
        self.es = AsyncElasticsearch(url)
        self.index = index
        self._buffer: list[dict] = []

    async def ensure(self) -> None:
        if not await self.es.indices.exists(index=self.index):
            await self.es.indices.create(index=self.index, mappings=MAPPING)

    def add(self, url: str, title: str, body: str) -> None:
        self._buffer.append(
            {
                "_index": self.index,
                "_id": url,
                "url": url,
                "title": title,
                "body": body[:50_000],
                "fetched_at": datetime.now(timezone.utc).isoformat(),
            }
        )

    async def flush(self) -> int:
        if not self._buffer:
            return 0
        docs, self._buffer = self._buffer, []
        ok, errors = await async_bulk(self.es, docs, raise_on_error=False)
        for err in errors:
            log.warning("index error: %s", err)
        return ok

    async def search(self, text: str, size: int = 10) -> list[dict]:
        resp = await self.es.search(
            index=self.index,
            query={"multi_match": {"query": text, "fields": ["title^3", "body"]}},
            size=size,
            highlight={"fields": {"body": {}}},
        )
        return [
            {"url": h["_source"]["url"], "title": h["_source"]["title"], "snippet": h.get("highlight", {}).get("body", [""])[0]}
            for h in resp["hits"]["hits"]
        ]

    async def get(self, url: str) -> dict | None:
        try:
            return (await self.es.get(index=self.index, id=url))["_source"]
        except NotFoundError:
            return None

    async def close(self) -> None:
        await self.flush()
        await self.es.close()
