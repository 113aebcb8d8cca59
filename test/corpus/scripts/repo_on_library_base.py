"""Repositories built on advanced-alchemy's generic async repository."""
from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column


class Author(UUIDAuditBase):
    __tablename__ = "author"
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None]


class AuthorRepository(SQLAlchemyAsyncRepository[Author]):
    model_type = Author

    async def by_email(self, email: str) -> Author | None:
        return await self.get_one_or_none(email=email.lower())


async def list_page(session: AsyncSession, page: int = 1, size: int = 20):
    repo = AuthorRepository(session=session)
    items, total = await repo.list_and_count()
    authors = await repo.list()
    return {"items": [a.name for a in items], "total": total, "all": len(authors), "page": page}


async def rename(session: AsyncSession, email: str, name: str) -> None:
    repo = AuthorRepository(session=session)
    author = await repo.by_email(email)
    if author:
        author.name = name
        await repo.update(author)
        await session.commit()
