from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from chat.store.models import Base, Membership, Message, Room


class Repo[M: Base]:
    model: type[M]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, pk: object) -> M | None:
        return await self.session.get(self.model, pk)

    async def all(self, stmt: Select[tuple[M]] | None = None) -> Sequence[M]:
        return (await self.session.scalars(stmt if stmt is not None else select(self.model))).all()


class RoomRepo(Repo[Room]):
    model = Room

    async def with_members(self, room_id: str) -> Room | None:
        stmt = select(Room).where(Room.id == room_id).options(selectinload(Room.members))
        return await self.session.scalar(stmt)

    async def for_user(self, user_id: int) -> Sequence[Room]:
        stmt = select(Room).join(Membership).where(Membership.user_id == user_id).order_by(Room.title)
        return await self.all(stmt)

    async def member_count(self, room_id: str) -> int:
        return await self.session.scalar(select(func.count()).where(Membership.room_id == room_id)) or 0

    async def titles(self) -> dict[str, str]:
        rooms = await self.all()
        return {r.id: r.title for r in rooms}

    async def members_of(self, room_id: str) -> list[int]:
        room = await self.get(room_id)
        if room is None:
            return []
        members = await room.awaitable_attrs.members
        return [m.user_id for m in members]


class MessageRepo(Repo[Message]):
    model = Message

    async def page(self, room_id: str, before: int | None = None, limit: int = 50) -> Sequence[Message]:
        stmt = select(Message).where(Message.room_id == room_id)
        if before is not None:
            stmt = stmt.where(Message.id < before)
        stmt = stmt.order_by(Message.id.desc()).limit(limit)
        rows = (await self.session.scalars(stmt)).all()
        return rows[::-1]

    async def add(self, room_id: str, sender: int, body: str) -> Message:
        msg = Message(room_id=room_id, sender_id=sender, body=body)
        self.session.add(msg)
        await self.session.flush()
        return msg

    async def since(self, room_id: str, ts: datetime) -> Sequence[Message]:
        result = await self.session.execute(
            select(Message).where(Message.room_id == room_id, Message.sent_at > ts).order_by(Message.id)
        )
        return result.scalars().all()
