"""Feed de actividad async (redis.asyncio).

Migrado en la rama masiva: ver ACTIVITY_FEED_ASYNC_AUDIT.md (redis.keys, awaits).
"""
import json
from typing import Any, Optional

from redis.asyncio import Redis

from app.core.config import settings
from app.core.time import utc_now

SUMMARY_CACHE_TTL = 30


def feed_key(gym_id: int) -> str:
    return f"gym:{gym_id}:feed"


def stats_key(gym_id: int, kind: str) -> str:
    return f"gym:{gym_id}:stats:{kind}"


def summary_cache_key(gym_id: int) -> str:
    return f"gym:{gym_id}:summary_cache"


class AsyncActivityFeedService:
    async def record_activity(self, redis: Redis, gym_id: int, kind: str, payload: dict[str, Any]) -> None:
        item = {"kind": kind, "payload": payload, "at": utc_now().isoformat()}
        # Pipeline: los comandos se encolan (sin await) y se envían juntos en execute()
        pipe = redis.pipeline(transaction=True)
        pipe.lpush(feed_key(gym_id), json.dumps(item))
        pipe.ltrim(feed_key(gym_id), 0, settings.FEED_MAX_ITEMS - 1)
        pipe.incr(stats_key(gym_id, kind))
        pipe.delete(summary_cache_key(gym_id))
        await pipe.execute()

    async def get_realtime_feed(self, redis: Redis, gym_id: int, limit: int = 20) -> list[dict[str, Any]]:
        raw_items = await redis.lrange(feed_key(gym_id), 0, limit - 1)
        return [json.loads(raw) for raw in raw_items]

    async def get_summary(self, redis: Redis, gym_id: int) -> dict[str, int]:
        cached = redis.get(summary_cache_key(gym_id))
        if cached:
            return json.loads(cached)

        summary: dict[str, int] = {}
        keys = await redis.keys(f"gym:{gym_id}:stats:*")
        for key in keys:
            value = await redis.get(key)
            summary[key.rsplit(":", 1)[-1]] = int(value or 0)

        await redis.set(summary_cache_key(gym_id), json.dumps(summary))
        redis.expire(summary_cache_key(gym_id), SUMMARY_CACHE_TTL)
        return summary

    async def get_item(self, redis: Redis, gym_id: int, index: int) -> Optional[dict[str, Any]]:
        try:
            raw = await redis.lindex(feed_key(gym_id), index)
            return json.loads(raw) if raw else None
        except:
            return None


async_activity_feed_service = AsyncActivityFeedService()
