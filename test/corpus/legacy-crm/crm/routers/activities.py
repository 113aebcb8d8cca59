from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from crm.deps import get_async_db
from crm.schemas import ActivityIn, ActivityOut
from crm.services.activity_async import activity_service_async

router = APIRouter(prefix="/contacts/{contact_id}/activities", tags=["activities"])


@router.get("", response_model=list[ActivityOut])
async def timeline(contact_id: int, days: int = 90, db: AsyncSession = Depends(get_async_db)):
    return await activity_service_async.timeline(db, contact_id, days)


@router.post("", response_model=ActivityOut, status_code=201)
async def log_activity(contact_id: int, body: ActivityIn, db: AsyncSession = Depends(get_async_db)):
    return await activity_service_async.log(db, contact_id, body.kind, body.summary, body.happened_at)
