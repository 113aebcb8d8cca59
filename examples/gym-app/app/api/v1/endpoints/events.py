"""Eventos del gimnasio (Tier 1). Casi todo migrado a async_event_service."""
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.api.deps import get_current_gym_id
from app.core.redis import get_async_redis
from app.db.session import get_async_db, get_db
from app.models.event import Event, EventParticipant
from app.schemas.event import EventOut, ParticipateIn
from app.services.async_activity_feed_service import async_activity_feed_service
from app.services.async_event import async_event_service

router = APIRouter()


def _to_out(event: Event, participant_count: Optional[int] = None) -> EventOut:
    if participant_count is None:
        participant_count = len(event.participants)
    return EventOut(
        id=event.id,
        gym_id=event.gym_id,
        title=event.title,
        description=event.description,
        start_time=event.start_time,
        max_participants=event.max_participants,
        participant_count=participant_count,
    )


@router.get("", response_model=list[EventOut])
async def list_events(
    gym_id: int = Depends(get_current_gym_id),
    limit: int = Query(50, ge=1, le=100),
    db: AsyncSession = Depends(get_async_db),
):
    events = await async_event_service.list_events(db, gym_id, limit=limit)
    return [_to_out(event) for event in events]


@router.get("/{event_id}", response_model=EventOut)
async def get_event(event_id: int, db: AsyncSession = Depends(get_async_db)):
    event = await async_event_service.get_event(db, event_id)
    if event is None:
        raise HTTPException(status_code=404, detail="Event not found")
    participant_count = async_event_service.count_participants(db, event_id)
    return _to_out(event, participant_count)


@router.post("/{event_id}/participate", response_model=EventOut)
async def participate(
    event_id: int,
    body: ParticipateIn,
    db: AsyncSession = Depends(get_async_db),
    redis: Redis = Depends(get_async_redis),
):
    event = await async_event_service.get_event(db, event_id)
    if event is None:
        raise HTTPException(status_code=404, detail="Event not found")

    await async_event_service.register_participant(db, event, body.user_id)
    await async_activity_feed_service.record_activity(
        redis, event.gym_id, "event_join", {"event_id": event.id, "user_id": body.user_id}
    )
    count = await async_event_service.count_participants(db, event.id)
    return _to_out(event, count)


@router.delete("/{event_id}/participate/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def leave_event(event_id: int, user_id: int, db: Session = Depends(get_db)):
    participant = db.query(EventParticipant).filter_by(event_id=event_id, user_id=user_id).one_or_none()
    if participant is None:
        raise HTTPException(status_code=404, detail="Not registered")
    db.delete(participant)
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
