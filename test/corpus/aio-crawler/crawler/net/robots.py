from __future__ import annotations

import asyncio
import urllib.robotparser
from urllib.parse import urlsplit

import aiohttp


class RobotsCache:
    def __init__(self, session: aiohttp.ClientSession, user_agent: str) -> None:
        self._session = session
        self._ua = user_agent
        self._parsers: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        parser = self._parsers.get(origin)
        if parser is None:
            lock = self._locks.setdefault(origin, asyncio.Lock())
            async with lock:
                parser = self._parsers.get(origin) or await self._load(origin)
                self._parsers[origin] = parser
        return parser.can_fetch(self._ua, url)

    async def _load(self, origin: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser()
        try:
            async with self._session.get(origin + "/robots.txt") as resp:
                text = await resp.text() if resp.status == 200 else ""
        except aiohttp.ClientError:
            text = ""
        parser.parse(text.splitlines())
        return parser
