import gzip
from collections.abc import AsyncIterator
from xml.etree import ElementTree as ET

import aiohttp

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


async def iter_sitemap(session: aiohttp.ClientSession, url: str, depth: int = 0) -> AsyncIterator[str]:
    """Yield page URLs from a sitemap or sitemap index (recursively, max depth 3)."""
    if depth > 3:
        return
    async with session.get(url) as resp:
        if resp.status != 200:
            return
        raw = await resp.read()
    if url.endswith(".gz"):
        raw = gzip.decompress(raw)
    root = ET.fromstring(raw)
    if root.tag.endswith("sitemapindex"):
        for loc in root.findall("sm:sitemap/sm:loc", NS):
            async for page in iter_sitemap(session, loc.text.strip(), depth + 1):
                yield page
    else:
        for loc in root.findall("sm:url/sm:loc", NS):
            yield loc.text.strip()
