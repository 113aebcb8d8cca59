"""Feed de actividad del gimnasio sobre Redis (SYNC, legacy). Twin: async_activity_feed_service.py"""
import json
from datetime import datetime
from typing import Any, Optional

from redis import Redis

from app.core.config import settings


def feed_key(gym_id: int) -> str:
    return f"gym:{gym_id}:feed"


def stats_key(gym_id: int, kind: str) -> str:
    return f"gym:{gym_id}:stats:{kind}"


class ActivityFeedService:
    def record_activity(self, redis: Redis, gym_id: int, kind: str, payload: dict[str, Any]) -> None:
        item = {
            "kind": kind,
            "payload": payload,
            "at": datetime.utcnow().isoformat(),
        }
        redis.lpush(feed_key(gym_id), json.dumps(item))
        redis.ltrim(feed_key(gym_id), 0, settings.FEED_MAX_ITEMS - 1)
        redis.incr(stats_key(gym_id, kind))

    def get_recent(self, redis: Redis, gym_id: int, limit: int = 20) -> list[dict[str, Any]]:
        raw_items = redis.lrange(feed_key(gym_id), 0, limit - 1)
        items = [self._decode(raw) for raw in raw_items]
        return [item for item in items if item is not None]

    def get_summary(self, redis: Redis, gym_id: int) -> dict[str, int]:
        summary: dict[str, int] = {}
        for key in redis.keys(f"gym:{gym_id}:stats:*"):
            summary[key.rsplit(":", 1)[-1]] = int(redis.get(key) or 0)
        return summary

    def legacy_export_timestamp(self) -> str:
        # El export CSV antiguo espera UTC naive; no tocar hasta migrar el consumidor.
        return datetime.utcnow().strftime("%Y%m%d%H%M%S")  # async-migrate: ignore[AM401]

    @staticmethod
    def _decode(raw: str) -> Optional[dict[str, Any]]:
        try:
            return json.loads(raw)
        except Exception:
            return None


activity_feed_service = ActivityFeedService()
