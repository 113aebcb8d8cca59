import asyncio
import contextlib
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from urllib.parse import urlsplit


class HostLimiter:
    """At most `per_host` concurrent requests per host, and `delay` seconds between them."""

    def __init__(self, per_host: int = 2, delay: float = 0.25) -> None:
        self._sems: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))
        self._last: dict[str, float] = {}
        self._delay = delay

    @contextlib.asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        host = urlsplit(url).netloc
        async with self._sems[host]:
            wait = self._last.get(host, 0) + self._delay - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()
