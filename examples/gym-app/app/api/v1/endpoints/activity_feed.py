"""Feed de actividad (Tier 1, Redis intensivo). Migrado en la rama masiva, con bugs."""
from typing import Any

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel
from redis import Redis
from redis.asyncio import Redis as AsyncRedis

from app.api.deps import get_current_gym_id
from app.core.redis import get_async_redis, get_redis
from app.services.activity_feed_service import activity_feed_service
from app.services.async_activity_feed_service import async_activity_feed_service

router = APIRouter()


class ActivityIn(BaseModel):
    kind: str
    payload: dict[str, Any] = {}


@router.get("/realtime")
async def realtime_feed(
    gym_id: int = Depends(get_current_gym_id),
    limit: int = Query(20, ge=1, le=100),
    redis: AsyncRedis = Depends(get_async_redis),
):
    items = await async_activity_feed_service.get_realtime_feed(redis, gym_id, limit)
    return {"gym_id": gym_id, "items": items}


@router.get("/summary")
async def activity_summary(
    gym_id: int = Depends(get_current_gym_id),
    redis: AsyncRedis = Depends(get_async_redis),
):
    summary = await async_activity_feed_service.get_summary(redis, gym_id)
    return {"gym_id": gym_id, "kinds": sorted(summary.keys()), "summary": summary, "total": sum(summary.values())}


@router.get("/recent")
async def recent_activity(
    gym_id: int = Depends(get_current_gym_id),
    limit: int = Query(10, ge=1, le=50),
    redis: Redis = Depends(get_redis),
):
    # TODO(async): pasar a async_activity_feed_service.get_realtime_feed
    items = activity_feed_service.get_recent(redis, gym_id, limit)
    return {"gym_id": gym_id, "items": items}


@router.get("/stats")
def legacy_stats(gym_id: int = Depends(get_current_gym_id), redis: Redis = Depends(get_redis)):
    """Endpoint antiguo de la app v1 (sigue en uso por el panel de recepción)."""
    return {"gym_id": gym_id, "stats": activity_feed_service.get_summary(redis, gym_id)}


@router.post("/events", status_code=status.HTTP_201_CREATED)
def publish_activity(
    body: ActivityIn,
    gym_id: int = Depends(get_current_gym_id),
    redis: Redis = Depends(get_redis),
):
    activity_feed_service.record_activity(redis, gym_id, body.kind, body.payload)
    return {"status": "recorded"}
