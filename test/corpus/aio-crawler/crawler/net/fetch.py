from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from types import TracebackType

import aiohttp

from .ratelimit import HostLimiter

log = logging.getLogger(__name__)


@dataclass
class FetchResult:
    url: str
    status: int
    content_type: str
    body: bytes
    final_url: str

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


class Fetcher:
    def __init__(self, user_agent: str, timeout_s: float, limiter: HostLimiter) -> None:
        self._ua = user_agent
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._limiter = limiter
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        self._session = aiohttp.ClientSession(timeout=self._timeout, headers={"User-Agent": self._ua})
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._session is not None:
            await self._session.close()

    async def get(self, url: str, max_bytes: int = 5_000_000) -> FetchResult | None:
        assert self._session is not None, "use `async with Fetcher(...)`"
        async with self._limiter.slot(url):
            try:
                async with self._session.get(url, allow_redirects=True) as resp:
                    body = await resp.content.read(max_bytes)
                    return FetchResult(
                        url=url,
                        status=resp.status,
                        content_type=resp.headers.get("Content-Type", ""),
                        body=body,
                        final_url=str(resp.url),
                    )
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                log.info("fetch failed %s: %r", url, exc)
                return None
