from datetime import datetime, timedelta, timezone

import stripe
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from clinic.core.cache import async_redis
from clinic.models import Appointment, Patient, Slot


class SlotTaken(Exception):
    pass


class SchedulingService:
    async def free_slots(self, db: AsyncSession, doctor: str, day: datetime) -> list[Slot]:
        start = day.replace(hour=0, minute=0, second=0, microsecond=0)
        stmt = (
            select(Slot)
            .outerjoin(Slot.appointment)
            .where(Slot.doctor == doctor, Slot.starts_at >= start, Slot.starts_at < start + timedelta(days=1))
            .where(Appointment.id.is_(None))
            .order_by(Slot.starts_at)
        )
        return list((await db.scalars(stmt)).all())

    async def book(self, db: AsyncSession, patient: Patient, slot_id: int, reason: str) -> Appointment:
        lock = async_redis.lock(f"slot:{slot_id}", timeout=5)
        async with lock:
            slot = await db.get(Slot, slot_id)
            if slot is None or slot.appointment is not None:
                raise SlotTaken(slot_id)
            appt = Appointment(patient_id=patient.id, slot_id=slot_id, reason=reason, booked_at=datetime.now(timezone.utc))
            db.add(appt)
            await db.commit()
        return appt

    async def upcoming(self, db: AsyncSession, patient_id: int) -> list[Appointment]:
        stmt = (
            select(Appointment)
            .options(joinedload(Appointment.patient).joinedload(Patient.allergies))
            .where(Appointment.patient_id == patient_id, Appointment.status == "booked")
        )
        result = await db.execute(stmt)
        return list(result.scalars().all())

    async def charge_no_show(self, appointment: Appointment, customer_id: str) -> str:
        intent = stripe.PaymentIntent.create(amount=2500, currency="eur", customer=customer_id, confirm=True, off_session=True)
        appointment.status = "no_show_charged"
        return intent.id

    async def cancel(self, db: AsyncSession, appointment_id: int) -> None:
        appt = await db.get(Appointment, appointment_id)
        if appt is None:
            return
        appt.status = "cancelled"
        db.commit()
        await async_redis.delete(f"slots:{appt.slot.doctor}")


scheduling_service = SchedulingService()
