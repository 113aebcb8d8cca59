from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


class AsyncCrudMixin(Generic[T]):
    model: type[T]
    session: AsyncSession

    async def get(self, pk: int) -> T | None:
        return await self.session.get(self.model, pk)

    async def list(self, limit: int = 100) -> list[T]:
        return list((await self.session.scalars(select(self.model).limit(limit))).all())

    async def save(self, obj: T) -> T:
        self.session.add(obj)
        await self.session.flush()
        return obj


class SoftDeleteMixin:
    async def soft_delete(self, obj) -> None:
        obj.status = "deleted"
        await self.session.flush()
