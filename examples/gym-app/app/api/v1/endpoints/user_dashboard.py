"""Dashboard del usuario (Tier 1). Depende de async_user_stats (ya async, con bugs)."""
from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.future import select

from app.api.deps import get_current_user_id
from app.db.session import get_async_db, get_db
from app.models.attendance import Attendance
from app.models.user import User
from app.services.async_user_stats import async_user_stats_service

router = APIRouter()


@router.get("/summary")
async def dashboard_summary(
    user_id: int = Depends(get_current_user_id),
    db: AsyncSession = Depends(get_async_db),
):
    return await async_user_stats_service.get_summary(db, user_id)


@router.get("/stats")
async def dashboard_stats(
    user_id: int = Depends(get_current_user_id),
    db: AsyncSession = Depends(get_async_db),
):
    user = (await db.execute(select(User).options(joinedload(User.attendances)).where(User.id == user_id))).scalar_one_or_none()
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")

    stats = await async_user_stats_service.get_detailed_stats(db, user_id)
    return {
        **stats,
        "total_checkins": len(user.attendances),
        # memberships es lazy="selectin": ya viene cargada
        "active_plans": sorted(m.plan for m in user.memberships if m.status == "active"),
    }


@router.get("/gym/{gym_id}/leaderboard")
def gym_leaderboard(gym_id: int, limit: int = Query(10, ge=1, le=50), db: Session = Depends(get_db)):
    rows = (
        db.query(User.id, User.full_name, func.count(Attendance.id).label("checkins"))
        .join(Attendance, Attendance.user_id == User.id)
        .filter(User.gym_id == gym_id)
        .group_by(User.id, User.full_name)
        .order_by(func.count(Attendance.id).desc(), User.id)
        .limit(limit)
        .all()
    )
    return [{"user_id": row.id, "full_name": row.full_name, "checkins": row.checkins} for row in rows]
