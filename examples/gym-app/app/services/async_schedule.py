"""Servicio de horarios async. Migrado por completo (el twin sync ya se borró)."""
from datetime import datetime
from typing import Optional

from fastapi import HTTPException
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.core.time import day_bounds, utc_now
from app.models.schedule import ClassSession, Participation


class AsyncScheduleService:
    async def list_sessions(
        self, db: AsyncSession, gym_id: int, start: Optional[datetime] = None, end: Optional[datetime] = None
    ) -> list[ClassSession]:
        stmt = select(ClassSession).where(ClassSession.gym_id == gym_id, ClassSession.status != "cancelled")
        if start is not None:
            stmt = stmt.where(ClassSession.start_time >= start)
        if end is not None:
            stmt = stmt.where(ClassSession.start_time < end)
        result = await db.execute(stmt.order_by(ClassSession.start_time))
        return list(result.scalars().all())

    async def list_today(self, db: AsyncSession, gym_id: int) -> list[ClassSession]:
        start, end = day_bounds(utc_now())
        return await self.list_sessions(db, gym_id, start=start, end=end)

    async def get_session_with_participants(self, db: AsyncSession, session_id: int) -> Optional[ClassSession]:
        stmt = (
            select(ClassSession)
            .options(joinedload(ClassSession.participations))
            .where(ClassSession.id == session_id)
        )
        result = await db.execute(stmt)
        # joinedload de una colección => hace falta unique()
        return result.unique().scalar_one_or_none()

    async def count_booked(self, db: AsyncSession, session_id: int) -> int:
        stmt = select(func.count(Participation.id)).where(
            Participation.session_id == session_id, Participation.status == "registered"
        )
        return await db.scalar(stmt) or 0

    async def book(self, db: AsyncSession, session: ClassSession, user_id: int) -> Participation:
        result = await db.execute(
            select(Participation).where(
                Participation.session_id == session.id,
                Participation.user_id == user_id,
                Participation.status == "registered",
            )
        )
        if result.scalar_one_or_none() is not None:
            raise HTTPException(status_code=409, detail="Already booked")
        if await self.count_booked(db, session.id) >= session.capacity:
            raise HTTPException(status_code=409, detail="Class is full")

        participation = Participation(session_id=session.id, user_id=user_id, status="registered")
        db.add(participation)
        await db.commit()
        await db.refresh(participation)
        return participation


async_schedule_service = AsyncScheduleService()
