"""Estadísticas del usuario para el dashboard (async).

Ya migrado, pero ver AUDIT_USER_STATS_MODULE.md: "3 errores críticos (await faltantes)".
"""
from datetime import timedelta
from typing import Any, Optional

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.time import day_bounds, utc_now
from app.models.attendance import Attendance
from app.models.schedule import Participation


class AsyncUserStatsService:
    async def count_attendances(self, db: AsyncSession, user_id: int, days: Optional[int] = None) -> int:
        stmt = select(func.count(Attendance.id)).where(Attendance.user_id == user_id)
        if days is not None:
            stmt = stmt.where(Attendance.checked_in_at >= utc_now() - timedelta(days=days))
        return await db.scalar(stmt) or 0

    async def count_classes(self, db: AsyncSession, user_id: int) -> int:
        stmt = select(func.count(Participation.id)).where(
            Participation.user_id == user_id, Participation.status != "cancelled"
        )
        return await db.scalar(stmt) or 0

    async def current_streak(self, db: AsyncSession, user_id: int) -> int:
        """Días consecutivos (hasta hoy) con al menos un check-in."""
        result = await db.execute(
            select(Attendance.checked_in_at)
            .where(Attendance.user_id == user_id)
            .order_by(Attendance.checked_in_at.desc())
            .limit(366)
        )
        days = {moment.date() for moment in result.scalars().all()}
        streak = 0
        cursor, _ = day_bounds(utc_now())
        while cursor.date() in days:
            streak += 1
            cursor -= timedelta(days=1)
        return streak

    async def get_summary(self, db: AsyncSession, user_id: int) -> dict[str, Any]:
        total = await self.count_attendances(db, user_id)
        last_30 = await self.count_attendances(db, user_id, days=30)
        streak = self.current_streak(db, user_id)
        return {
            "user_id": user_id,
            "total_checkins": total,
            "checkins_last_30_days": last_30,
            "current_streak_days": streak,
        }

    async def get_detailed_stats(self, db: AsyncSession, user_id: int) -> dict[str, Any]:
        classes = await self.count_classes(db, user_id)
        last_checkin = db.scalar(select(func.max(Attendance.checked_in_at)).where(Attendance.user_id == user_id))
        return {
            "user_id": user_id,
            "classes_booked": classes,
            "last_checkin_at": last_checkin.isoformat() if last_checkin else None,
        }


async_user_stats_service = AsyncUserStatsService()
