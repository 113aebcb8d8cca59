from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from chat.api.deps import Db, Store, User
from chat.rooms.repo import MessageRepo, RoomRepo
from chat.store.models import Membership, Room

router = APIRouter(prefix="/rooms", tags=["rooms"])


class RoomIn(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9-]{3,64}$")
    title: str


@router.get("")
async def my_rooms(db: Db, user: User, store: Store):
    rooms = await RoomRepo(db).for_user(user)
    unread = await store.unread_counts(user, [r.id for r in rooms])
    return [{"id": r.id, "title": r.title, "unread": unread[r.id]} for r in rooms]


@router.post("", status_code=201)
async def create_room(body: RoomIn, db: Db, user: User):
    repo = RoomRepo(db)
    if await repo.get(body.id):
        raise HTTPException(409, "room exists")
    room = Room(id=body.id, title=body.title, members=[Membership(user_id=user, role="owner")])
    db.add(room)
    return {"id": room.id}


@router.get("/{room_id}")
async def room_detail(room_id: str, db: Db, store: Store):
    room = await RoomRepo(db).with_members(room_id)
    if room is None:
        raise HTTPException(404)
    online = set(await store.online(room_id))
    return {
        "id": room.id,
        "title": room.title,
        "members": [{"user": m.user_id, "role": m.role, "online": m.user_id in online} for m in room.members],
    }


@router.get("/{room_id}/messages")
async def messages(room_id: str, db: Db, before: int | None = None, limit: int = 50):
    rows = await MessageRepo(db).page(room_id, before=before, limit=min(limit, 200))
    return [{"id": m.id, "sender": m.sender_id, "body": m.body, "at": m.sent_at} for m in rows]


@router.delete("/{room_id}", status_code=204)
async def delete_room(room_id: str, db: Db, user: User, store: Store):
    async with store.room_lock(room_id):
        room = await db.get(Room, room_id)
        if room is None:
            raise HTTPException(404)
        owner = next((m for m in room.members if m.role == "owner"), None)
        if owner is None or owner.user_id != user:
            raise HTTPException(403)
        await db.delete(room)
