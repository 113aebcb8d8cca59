"""Horario de clases (Tier 1). Migrado a async por completo: referencia para el resto."""
import json
from datetime import datetime
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException
from fastapi.encoders import jsonable_encoder
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import get_current_gym_id
from app.core.config import settings
from app.core.redis import get_async_redis
from app.core.time import utc_now
from app.db.session import get_async_db
from app.schemas.schedule import ClassSessionDetail, ClassSessionOut
from app.services.async_schedule import async_schedule_service

router = APIRouter(prefix="/sessions")


def _today_cache_key(gym_id: int) -> str:
    return f"schedule:{gym_id}:today:{utc_now().date().isoformat()}"


@router.get("", response_model=list[ClassSessionOut])
async def list_sessions(
    gym_id: int = Depends(get_current_gym_id),
    start: Optional[datetime] = None,
    end: Optional[datetime] = None,
    db: AsyncSession = Depends(get_async_db),
):
    return await async_schedule_service.list_sessions(db, gym_id, start=start, end=end)


@router.get("/today", response_model=list[ClassSessionOut])
async def list_today_sessions(
    gym_id: int = Depends(get_current_gym_id),
    db: AsyncSession = Depends(get_async_db),
    redis: Redis = Depends(get_async_redis),
):
    cache_key = _today_cache_key(gym_id)
    cached = await redis.get(cache_key)
    if cached:
        return json.loads(cached)

    sessions = await async_schedule_service.list_today(db, gym_id)
    payload = jsonable_encoder([ClassSessionOut.from_orm(s) for s in sessions])
    await redis.set(cache_key, json.dumps(payload), ex=settings.SCHEDULE_CACHE_TTL)
    return payload


@router.get("/{session_id}", response_model=ClassSessionDetail)
async def get_session_detail(session_id: int, db: AsyncSession = Depends(get_async_db)):
    session = await async_schedule_service.get_session_with_participants(db, session_id)
    if session is None:
        raise HTTPException(status_code=404, detail="Class session not found")

    registered = [p for p in session.participations if p.status == "registered"]
    return ClassSessionDetail(
        **ClassSessionOut.from_orm(session).dict(),
        booked=len(registered),
        available=max(session.capacity - len(registered), 0),
        participant_ids=[p.user_id for p in registered],
    )
