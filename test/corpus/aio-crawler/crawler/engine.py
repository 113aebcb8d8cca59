from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections import Counter
from urllib.parse import urlsplit

from .config import CrawlConfig
from .net import Fetcher, HostLimiter, RobotsCache
from .parsers import extract_links, extract_text
from .storage import Frontier, MemoryFrontier, PageStore, RedisFrontier, SearchIndex

log = logging.getLogger(__name__)


class Crawler:
    def __init__(self, config: CrawlConfig) -> None:
        self.config = config
        self.frontier: Frontier = RedisFrontier.from_url(config.redis_url) if config.redis_url else MemoryFrontier()
        self.pages = PageStore()
        self.index = SearchIndex(config.es_url) if config.es_url else None
        self.stats: Counter[str] = Counter()
        self._stop = asyncio.Event()
        self._robots: RobotsCache | None = None

    def _in_scope(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        if not self.config.allowed_domains:
            return True
        return any(host == d or host.endswith("." + d) for d in self.config.allowed_domains)

    async def _handle(self, fetcher: Fetcher, url: str, depth: int) -> None:
        if self._robots and self.config.respect_robots and not await self._robots.allowed(url):
            self.stats["robots_denied"] += 1
            return
        result = await fetcher.get(url)
        if result is None:
            self.stats["errors"] += 1
            return
        self.stats[f"status_{result.status // 100}xx"] += 1
        if not result.is_html or result.status != 200:
            await self.pages.save(url, result.status, "", [])
            return
        title, text = extract_text(result.body)
        links = [u for u in extract_links(result.final_url, result.body) if self._in_scope(u)]
        await self.pages.save(url, result.status, title, links)
        if self.index:
            self.index.add(url, title, text)
        if depth < 5:
            await self.frontier.push_many(links, depth + 1)

    async def _worker(self, name: str, fetcher: Fetcher) -> None:
        while not self._stop.is_set():
            item = await self.frontier.pop(timeout=1.0)
            if item is None:
                if await self.frontier.size() == 0:
                    await asyncio.sleep(0.5)
                continue
            url, depth = item
            try:
                await self._handle(fetcher, url, depth)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("[%s] failed on %s", name, url)
                self.stats["crashes"] += 1
            if sum(v for k, v in self.stats.items() if k.startswith("status_")) >= self.config.max_pages:
                self._stop.set()

    async def _periodic_flush(self) -> None:
        while not self._stop.is_set():
            await asyncio.sleep(5)
            if self.index:
                n = await self.index.flush()
                log.debug("flushed %d docs", n)

    async def run(self) -> Counter[str]:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._stop.set)
        await self.pages.open()
        if self.index:
            await self.index.ensure()
        for seed in self.config.seeds:
            await self.frontier.push(seed, 0)
        limiter = HostLimiter(self.config.per_host, self.config.delay.total_seconds())
        started = time.perf_counter()
        async with Fetcher(self.config.user_agent, self.config.timeout_s, limiter) as fetcher:
            self._robots = RobotsCache(fetcher._session, self.config.user_agent)
            async with asyncio.TaskGroup() as tg:
                for i in range(self.config.concurrency):
                    tg.create_task(self._worker(f"w{i}", fetcher))
                tg.create_task(self._periodic_flush())
        if self.index:
            await self.index.close()
        await self.pages.close()
        log.info("crawled in %.1fs: %s", time.perf_counter() - started, dict(self.stats))
        return self.stats
