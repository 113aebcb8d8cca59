"""aiohttp app with one AsyncSession per request task (async_scoped_session)."""
from asyncio import current_task

from aiohttp import web
from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import async_scoped_session, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

engine = create_async_engine("sqlite+aiosqlite:///notes.db")
factory = async_sessionmaker(engine, expire_on_commit=False)
Session = async_scoped_session(factory, scopefunc=current_task)


class Base(DeclarativeBase):
    type_annotation_map = {str: String(500)}


class Note(Base):
    """A sticky note; the text is capped at 500 characters by the type map above."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]


@web.middleware
async def session_middleware(request, handler):
    try:
        return await handler(request)
    finally:
        await Session.remove()


async def list_notes(request: web.Request) -> web.Response:
    session = Session()
    notes = (await session.scalars(select(Note).order_by(Note.id))).all()
    return web.json_response([{"id": n.id, "text": n.text} for n in notes])


async def add_note(request: web.Request) -> web.Response:
    body = await request.json()
    note = Note(text=body["text"])
    Session.add(note)
    await Session.commit()
    return web.json_response({"id": note.id}, status=201)


async def init(app: web.Application) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)


app = web.Application(middlewares=[session_middleware])
app.router.add_get("/notes", list_notes)
app.router.add_post("/notes", add_note)
app.on_startup.append(init)

if __name__ == "__main__":
    web.run_app(app)
