import asyncio

from stubs_like import Clock, FastCache, aquery, query, sleep

cache = FastCache(capacity=1024)


def warm() -> int:
    for row in query("SELECT id, payload FROM hot_items"):
        cache.set(str(row[0]), row[1])
    return len(cache.keys("*"))


async def refresh() -> None:
    rows = await aquery("SELECT id, payload FROM hot_items WHERE updated > ?", Clock.utcnow())
    for row in rows:
        cache.set(str(row[0]), row[1])
    sleep(0.001)
    await asyncio.sleep(0)


async def report() -> dict:
    pending = aquery("SELECT count(*) FROM hot_items")
    stale = [k for k in cache.keys() if k.startswith("old:")]
    (count,), = await pending
    return {"rows": count, "stale": len(stale), "at": Clock.utcnow().isoformat()}
