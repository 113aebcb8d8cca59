import json
import logging

from fastapi import APIRouter, Depends, WebSocket, WebSocketDisconnect

from chat.api.deps import get_hub
from chat.commands import Kick, Me, Say, Topic, parse, render
from chat.rooms.hub import Hub

router = APIRouter()
log = logging.getLogger(__name__)


@router.websocket("/ws/{room}")
async def room_socket(websocket: WebSocket, room: str, user: int, hub: Hub = Depends(get_hub)):
    await websocket.accept()
    if not await hub.store.allow(user, per_minute=120):
        await websocket.close(code=1008)
        return
    await hub.join(room, user, websocket)
    for env in await hub.store.history(room, limit=30):
        await websocket.send_json(env)
    try:
        while True:
            raw = await websocket.receive_text()
            if not await hub.store.allow(user):
                await websocket.send_json({"kind": "system", "body": "slow down"})
                continue
            try:
                cmd = parse(raw)
            except ValueError as exc:
                await websocket.send_json({"kind": "system", "body": str(exc)})
                continue
            match cmd:
                case Say() | Me():
                    await hub.say(room, user, {"text": render(cmd, str(user))})
                case Topic(title=title):
                    await hub.say(room, user, {"topic": title}, kind="system")
                case Kick(user=target):
                    if target in hub.sockets[room]:
                        await hub.sockets[room][target].close(code=4001)
    except WebSocketDisconnect:
        pass
    except json.JSONDecodeError:
        log.warning("bad frame from %s", user)
    finally:
        await hub.leave(room, user)
