import asyncio
import sys
import time

import httpx

URLS = [f"https://httpbin.org/delay/{i % 3}" for i in range(12)]


async def fetch_all(urls: list[str]) -> list[int]:
    limits = httpx.Limits(max_connections=6)
    async with httpx.AsyncClient(limits=limits, timeout=10, follow_redirects=True) as client:
        requests = [client.get(u) for u in urls]
        responses = await asyncio.gather(*requests, return_exceptions=True)
    return [r.status_code if isinstance(r, httpx.Response) else -1 for r in responses]


async def fetch_first(urls: list[str]) -> str:
    async with httpx.AsyncClient() as client:
        tasks = {asyncio.create_task(client.get(u)): u for u in urls}
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in pending:
            t.cancel()
        return tasks[done.pop()]


def fetch_sync(urls: list[str]) -> list[int]:
    with httpx.Client(timeout=10) as client:
        return [client.get(u).status_code for u in urls]


if __name__ == "__main__":
    t0 = time.perf_counter()
    if "--sync" in sys.argv:
        print(fetch_sync(URLS))
    else:
        print(asyncio.run(fetch_all(URLS)))
        print("first:", asyncio.run(fetch_first(URLS)))
    print(f"{time.perf_counter() - t0:.2f}s")
