"""Check-ins (Tier 1). POST /attendance/checkin es el endpoint más usado del sistema."""
import time
from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.core.redis import get_async_redis, get_redis
from app.db.session import get_async_db, get_db
from app.models.attendance import Attendance
from app.schemas.attendance import AttendanceOut, CheckinIn, QRCheckinIn
from app.services.activity_feed_service import activity_feed_service
from app.services.async_activity_feed_service import async_activity_feed_service
from app.services.async_user import async_user_service
from app.services.user import user_service

router = APIRouter()


@router.post("/checkin", response_model=AttendanceOut, status_code=status.HTTP_201_CREATED)
def checkin(body: CheckinIn, db: Session = Depends(get_db), redis: Redis = Depends(get_redis)):
    user = user_service.get_user(db, body.user_id)
    if user is None or not user.is_active:
        raise HTTPException(status_code=404, detail="User not found")

    # El torniquete a veces manda el mismo check-in dos veces seguidas
    recent = datetime.utcnow() - timedelta(minutes=1)
    duplicate = db.query(Attendance).filter(Attendance.user_id == user.id, Attendance.checked_in_at >= recent).first()
    if duplicate:
        raise HTTPException(status_code=409, detail="Already checked in")

    attendance = Attendance(user_id=user.id, gym_id=user.gym_id, source=body.source)
    db.add(attendance)
    db.commit()
    db.refresh(attendance)

    activity_feed_service.record_activity(redis, user.gym_id, "checkin", {"user_id": user.id})
    return attendance


@router.post("/checkin/qr", response_model=AttendanceOut, status_code=status.HTTP_201_CREATED)
async def qr_checkin(
    body: QRCheckinIn,
    db: AsyncSession = Depends(get_async_db),
    redis: AsyncRedis = Depends(get_async_redis),
):
    """Check-in desde el lector QR de la entrada (ya migrado a async)."""
    try:
        _, gym_part, _, user_part = body.qr_code.split(":")
        gym_id, user_id = int(gym_part), int(user_part)
    except ValueError:
        raise HTTPException(status_code=400, detail="Invalid QR code")

    user = await async_user_service.get_user(db, user_id)
    if user is None or user.gym_id != gym_id:
        raise HTTPException(status_code=404, detail="User not found")

    attendance = Attendance(user_id=user.id, gym_id=gym_id, source="qr")
    for attempt in range(3):
        db.add(attendance)
        try:
            await db.commit()
            break
        except OperationalError:
            # "database is locked" en horas punta: reintentar con backoff
            await db.rollback()
            time.sleep(0.2 * (attempt + 1))
    else:
        raise HTTPException(status_code=503, detail="Check-in temporarily unavailable")

    await db.refresh(attendance)
    await async_activity_feed_service.record_activity(redis, gym_id, "checkin", {"user_id": user.id, "source": "qr"})
    return attendance


@router.get("/user/{user_id}", response_model=list[AttendanceOut])
def list_user_attendance(user_id: int, limit: int = Query(20, ge=1, le=100), db: Session = Depends(get_db)):
    return (
        db.query(Attendance)
        .filter(Attendance.user_id == user_id)
        .order_by(Attendance.checked_in_at.desc())
        .limit(limit)
        .all()
    )


@router.get("/gym/{gym_id}/today")
async def gym_attendance_today(gym_id: int, db: Session = Depends(get_db)):
    # TODO(async): se cambió a async def pero sigue usando la Session sync
    start = datetime.utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    total = db.query(Attendance).filter(Attendance.gym_id == gym_id, Attendance.checked_in_at >= start).count()
    return {"gym_id": gym_id, "date": start.date().isoformat(), "checkins": total}


@router.delete("/user/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def purge_user_attendance(user_id: int, db: Session = Depends(get_db)):
    """RGPD: borra todo el historial de check-ins de un usuario."""
    db.query(Attendance).filter(Attendance.user_id == user_id).delete()
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
