import asyncio

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

metadata = MetaData()
users = Table("users", metadata, Column("id", Integer, primary_key=True), Column("name", String(50)))


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite:///:memory:", echo=True)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(insert(users), [{"name": "spongebob"}, {"name": "sandy"}, {"name": "patrick"}])
    async with engine.connect() as conn:
        result = await conn.execute(select(users).where(users.c.name.like("s%")))
        print(result.fetchall())
        names = (await conn.execute(select(users.c.name))).scalars().all()
        print(names)
        async_result = await conn.stream(select(users))
        async for row in async_result:
            print("streamed", row)
        version = await conn.scalar(text("select sqlite_version()"))
        print("sqlite", version)
    await engine.dispose()


asyncio.run(main())
