import logging
from datetime import datetime, timezone
from typing import List, Optional

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.models import Contact, Tag
from crm.redis_client import async_redis
from crm.schemas import ContactIn
from crm.utils import normalize_email

log = logging.getLogger(__name__)


class AsyncContactService:
    cache_ttl = 300

    async def get(self, db: AsyncSession, contact_id: int) -> Optional[Contact]:
        result = await db.execute(select(Contact).options(selectinload(Contact.tags)).where(Contact.id == contact_id))
        return result.scalars().first()

    async def list(self, db: AsyncSession, owner_id: int, q: Optional[str] = None, skip: int = 0, limit: int = 50) -> List[Contact]:
        stmt = select(Contact).where(Contact.owner_id == owner_id, Contact.archived.is_(False))
        if q:
            like = f"%{q}%"
            stmt = stmt.where(or_(Contact.email.ilike(like), Contact.last_name.ilike(like)))
        stmt = stmt.order_by(Contact.last_name).offset(skip).limit(limit)
        return list((await db.scalars(stmt)).all())

    async def create(self, db: AsyncSession, data: ContactIn, owner_id: int) -> Contact:
        contact = Contact(
            first_name=data.first_name,
            last_name=data.last_name,
            email=normalize_email(data.email),
            phone=data.phone,
            company_id=data.company_id,
            owner_id=owner_id,
            tags=[],
        )
        for label in data.tags:
            tag = await db.scalar(select(Tag).where(Tag.label == label))
            contact.tags.append(tag or Tag(label=label))
        db.add(contact)
        await db.commit()
        await db.refresh(contact, ["tags"])
        await async_redis.delete(f"contacts:count:{owner_id}")
        return contact

    async def archive(self, db: AsyncSession, contact: Contact) -> None:
        contact.archived = True
        contact.updated_at = datetime.now(timezone.utc).replace(tzinfo=None)
        await db.commit()

    async def count_for_owner(self, db: AsyncSession, owner_id: int) -> int:
        key = f"contacts:count:{owner_id}"
        cached = await async_redis.get(key)
        if cached is not None:
            return int(cached)
        n = await db.scalar(select(func.count(Contact.id)).where(Contact.owner_id == owner_id, Contact.archived.is_(False)))
        await async_redis.setex(key, self.cache_ttl, n)
        return n


async_contact_service = AsyncContactService()
