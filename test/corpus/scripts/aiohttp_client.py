import asyncio
import json
import logging

import aiohttp

log = logging.getLogger(__name__)
API = "https://api.github.com"


class GitHub:
    def __init__(self, token: str | None = None) -> None:
        headers = {"Accept": "application/vnd.github+json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.session = aiohttp.ClientSession(API, headers=headers)

    async def close(self) -> None:
        await self.session.close()

    async def repo(self, full_name: str) -> dict:
        async with self.session.get(f"/repos/{full_name}") as resp:
            resp.raise_for_status()
            return await resp.json()

    async def stars(self, full_name: str) -> int:
        resp = await self.session.get(f"/repos/{full_name}")
        try:
            data = await resp.json()
        finally:
            resp.release()
        return data["stargazers_count"]

    async def issues(self, full_name: str, state: str = "open"):
        url = f"/repos/{full_name}/issues"
        params = {"state": state, "per_page": "100"}
        while url:
            async with self.session.get(url, params=params) as resp:
                for issue in await resp.json():
                    yield issue
                url = resp.links.get("next", {}).get("url")
                params = None


async def main() -> None:
    gh = GitHub()
    try:
        names = ["python/cpython", "encode/httpx", "aio-libs/aiohttp"]
        stars = await asyncio.gather(*(gh.stars(n) for n in names))
        print(json.dumps(dict(zip(names, stars)), indent=2))
        count = 0
        async for issue in gh.issues("encode/httpx"):
            count += 1
            if count >= 250:
                break
        log.info("read %d issues", count)
    finally:
        await gh.close()


asyncio.run(main())
