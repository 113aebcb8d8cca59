"""Reservas de clases (Tier 1). A medio migrar."""
from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.db.session import get_async_db, get_db
from app.models.schedule import ClassSession, Participation
from app.schemas.schedule import ParticipationIn, ParticipationOut
from app.services.async_user import async_user_service

router = APIRouter(prefix="/participation")


@router.post("", response_model=ParticipationOut, status_code=status.HTTP_201_CREATED)
async def book_class(body: ParticipationIn, db: AsyncSession = Depends(get_async_db)):
    result = await db.execute(select(ClassSession).where(ClassSession.id == body.session_id))
    class_session = result.scalar_one_or_none()
    if class_session is None or class_session.status == "cancelled":
        raise HTTPException(status_code=404, detail="Class session not found")

    user = await async_user_service.get_user(db, body.user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")

    # Validación de capacidad
    registered = [p for p in class_session.participations if p.status == "registered"]
    if any(p.user_id == user.id for p in registered):
        raise HTTPException(status_code=409, detail="Already booked")
    if len(registered) >= class_session.capacity:
        raise HTTPException(status_code=409, detail="Class is full")

    participation = Participation(session_id=class_session.id, user_id=user.id, status="registered")
    db.add(participation)
    await db.commit()
    await db.refresh(participation)
    return participation


@router.delete("/{participation_id}", response_model=ParticipationOut)
async def cancel_booking(participation_id: int, db: AsyncSession = Depends(get_async_db)):
    participation = await db.get(Participation, participation_id)
    if participation is None:
        raise HTTPException(status_code=404, detail="Booking not found")
    participation.status = "cancelled"
    db.commit()
    return participation


@router.get("/user/{user_id}", response_model=list[ParticipationOut])
def list_user_bookings(user_id: int, db: Session = Depends(get_db)):
    return (
        db.query(Participation)
        .join(ClassSession, Participation.session_id == ClassSession.id)
        .filter(Participation.user_id == user_id)
        .order_by(ClassSession.start_time)
        .all()
    )
