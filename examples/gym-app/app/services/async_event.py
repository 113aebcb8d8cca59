"""Servicio de eventos async (ya migrado)."""
from typing import Optional

from fastapi import HTTPException
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.event import Event, EventParticipant


class AsyncEventService:
    async def list_events(self, db: AsyncSession, gym_id: int, limit: int = 50) -> list[Event]:
        stmt = select(Event).where(Event.gym_id == gym_id).order_by(Event.start_time).limit(limit)
        result = await db.execute(stmt)
        return list(result.scalars().all())

    async def get_event(self, db: AsyncSession, event_id: int) -> Optional[Event]:
        # Event.participants es lazy="selectin": viene cargada con el evento
        return await db.get(Event, event_id)

    async def count_participants(self, db: AsyncSession, event_id: int) -> int:
        stmt = select(func.count(EventParticipant.id)).where(EventParticipant.event_id == event_id)
        return await db.scalar(stmt) or 0

    async def register_participant(self, db: AsyncSession, event: Event, user_id: int) -> EventParticipant:
        result = await db.execute(
            select(EventParticipant).where(
                EventParticipant.event_id == event.id, EventParticipant.user_id == user_id
            )
        )
        existing = result.scalar_one_or_none()
        if existing is not None:
            return existing

        if event.max_participants is not None:
            current = await self.count_participants(db, event.id)
            if current >= event.max_participants:
                raise HTTPException(status_code=409, detail="Event is full")

        participant = EventParticipant(event_id=event.id, user_id=user_id)
        db.add(participant)
        await db.commit()
        await db.refresh(participant)
        return participant

    async def remove_participant(self, db: AsyncSession, event_id: int, user_id: int) -> bool:
        result = await db.execute(
            select(EventParticipant).where(
                EventParticipant.event_id == event_id, EventParticipant.user_id == user_id
            )
        )
        participant = result.scalar_one_or_none()
        if participant is None:
            return False
        await db.delete(participant)
        await db.commit()
        return True


async_event_service = AsyncEventService()
