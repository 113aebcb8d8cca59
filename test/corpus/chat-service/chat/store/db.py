from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from chat.settings import settings

engine = create_async_engine(settings.database_url, echo=False)
SessionMaker = async_sessionmaker(engine, expire_on_commit=False)


async def session_scope() -> AsyncIterator[AsyncSession]:
    async with SessionMaker() as session:
        async with session.begin():
            yield session
