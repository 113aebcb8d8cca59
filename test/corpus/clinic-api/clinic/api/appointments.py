from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from clinic.core.db import get_async_session, get_session
from clinic.services import patient_service, scheduling_service
from clinic.services.scheduling import SlotTaken

router = APIRouter(prefix="/appointments", tags=["appointments"])


class BookIn(BaseModel):
    patient_id: int
    slot_id: int
    reason: str


@router.get("/free")
async def free(doctor: str, day: datetime, db: AsyncSession = Depends(get_async_session)):
    slots = await scheduling_service.free_slots(db, doctor, day)
    return [{"id": s.id, "at": s.starts_at, "minutes": s.minutes} for s in slots]


@router.post("", status_code=201)
async def book(body: BookIn, db: AsyncSession = Depends(get_async_session)):
    patient = await patient_service.get_patient(db, body.patient_id)
    if patient is None:
        raise HTTPException(404, "patient not found")
    try:
        appt = await scheduling_service.book(db, patient, body.slot_id, body.reason)
    except SlotTaken:
        raise HTTPException(409, "slot already booked")
    return {"id": appt.id}


@router.get("/patient/{patient_id}")
async def upcoming(patient_id: int, db: AsyncSession = Depends(get_async_session)):
    return [{"id": a.id, "at": a.slot.starts_at, "reason": a.reason} for a in await scheduling_service.upcoming(db, patient_id)]


@router.post("/{appointment_id}/cancel", status_code=204)
def cancel(appointment_id: int, db: Session = Depends(get_session)):
    await scheduling_service.cancel(db, appointment_id)
