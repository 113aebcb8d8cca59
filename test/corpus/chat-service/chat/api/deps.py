from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, WebSocket
from sqlalchemy.ext.asyncio import AsyncSession

from chat.rooms.hub import Hub
from chat.store.db import session_scope
from chat.store.redis import ChatStore

Db = Annotated[AsyncSession, Depends(session_scope)]


def get_store(request: Request) -> ChatStore:
    return request.app.state.store


def get_hub(websocket: WebSocket) -> Hub:
    return websocket.app.state.hub


async def current_user(x_user: Annotated[str | None, Header()] = None) -> int:
    if not x_user or not x_user.isdigit():
        raise HTTPException(401, "missing X-User")
    return int(x_user)


Store = Annotated[ChatStore, Depends(get_store)]
User = Annotated[int, Depends(current_user)]
