from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.models import Activity


def _utcnow() -> datetime:
    # The column is naive (timestamp without time zone) and stores UTC.
    return datetime.now(timezone.utc).replace(tzinfo=None)


class AsyncActivityService:
    async def timeline(self, db: AsyncSession, contact_id: int, days: int = 90):
        since = _utcnow() - timedelta(days=days)
        stmt = (
            select(Activity)
            .where(Activity.contact_id == contact_id, Activity.happened_at >= since)
            .order_by(Activity.happened_at.desc())
        )
        return (await db.scalars(stmt)).all()

    async def log(self, db: AsyncSession, contact_id: int, kind: str, summary: str, when=None) -> Activity:
        activity = Activity(contact_id=contact_id, kind=kind, summary=summary, happened_at=when or _utcnow())
        db.add(activity)
        await db.commit()
        return activity


activity_service_async = AsyncActivityService()
