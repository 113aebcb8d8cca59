import asyncio
import sys

from redis.asyncio import Redis


async def main(pattern: str) -> None:
    r = Redis.from_url("redis://localhost:6379/0")
    deleted = 0
    async for key in r.scan_iter(pattern):
        await r.unlink(key)
        deleted += 1
    print(f"deleted {deleted} keys matching {pattern!r}")
    await r.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "cache:*"))
