"""SMS reminders for tomorrow's appointments (triggered by the scheduler service)."""
import asyncio
import logging
from datetime import datetime, timedelta, timezone

import httpx
from fastapi import APIRouter, BackgroundTasks, Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from clinic.core.cache import async_redis
from clinic.core.db import get_async_session
from clinic.models import Appointment, Slot

router = APIRouter(prefix="/reminders", tags=["reminders"])
log = logging.getLogger(__name__)
SMS_API = "https://sms.example.com/v1/messages"


async def _send_sms(client: httpx.AsyncClient, phone: str, text: str) -> bool:
    try:
        resp = await client.post(SMS_API, json={"to": phone, "text": text})
        return resp.status_code == 202
    except httpx.HTTPError:
        log.warning("sms to %s failed", phone, exc_info=True)
        return False


async def send_reminders(appointments: list[Appointment]) -> int:
    async with httpx.AsyncClient(timeout=10) as client:
        jobs = []
        for appt in appointments:
            if not appt.patient.phone:
                continue
            if await async_redis.set(f"reminded:{appt.id}", 1, nx=True, ex=86400 * 2):
                text = f"Reminder: appointment with {appt.slot.doctor} at {appt.slot.starts_at:%H:%M}"
                jobs.append(_send_sms(client, appt.patient.phone, text))
        results = await asyncio.gather(*jobs)
    return sum(results)


@router.post("/tomorrow")
async def remind_tomorrow(tasks: BackgroundTasks, db: AsyncSession = Depends(get_async_session)):
    start = (datetime.now(timezone.utc) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    stmt = (
        select(Appointment)
        .join(Appointment.slot)
        .options(selectinload(Appointment.patient))
        .where(Slot.starts_at >= start, Slot.starts_at < start + timedelta(days=1), Appointment.status == "booked")
    )
    appointments = list((await db.scalars(stmt)).all())
    tasks.add_task(send_reminders, appointments)
    return {"queued": len(appointments)}


@router.get("/stats")
async def stats():
    sent = 0
    async for _ in async_redis.scan_iter(match="reminded:*"):
        sent += 1
    return {"reminded_last_48h": sent}
