"""Servicio de usuarios async (AsyncSession + select())."""
from typing import Any, Optional

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.time import utc_now
from app.models.user import User


class AsyncUserService:
    async def get_user(self, db: AsyncSession, user_id: int) -> Optional[User]:
        result = await db.execute(select(User).where(User.id == user_id))
        return result.scalar_one_or_none()

    async def get_user_by_email(self, db: AsyncSession, email: str) -> Optional[User]:
        result = await db.execute(select(User).filter_by(email=email.lower()))
        return result.scalar_one_or_none()

    async def list_gym_users(self, db: AsyncSession, gym_id: int, skip: int = 0, limit: int = 50) -> list[User]:
        stmt = (
            select(User)
            .where(User.gym_id == gym_id, User.is_active.is_(True))
            .order_by(User.id)
            .offset(skip)
            .limit(limit)
        )
        result = await db.execute(stmt)
        return list(result.scalars().all())

    async def count_gym_users(self, db: AsyncSession, gym_id: int) -> int:
        stmt = select(func.count()).select_from(User).where(User.gym_id == gym_id, User.is_active.is_(True))
        return await db.scalar(stmt) or 0

    async def update_user(self, db: AsyncSession, user: User, data: dict[str, Any]) -> User:
        for field, value in data.items():
            setattr(user, field, value)
        await db.commit()
        await db.refresh(user)
        return user

    async def touch_last_seen(self, db: AsyncSession, user: User) -> None:
        user.last_seen_at = utc_now()
        await db.commit()


async_user_service = AsyncUserService()
