"""Connection hub: tracks sockets per room and relays Redis pub/sub to them."""
from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from typing import Protocol

from chat.store.redis import ChatStore
from chat.types import Envelope, RoomId, UserId

log = logging.getLogger(__name__)


class Socket(Protocol):
    async def send_json(self, data: object) -> None: ...
    async def close(self, code: int = 1000) -> None: ...


class Hub:
    def __init__(self, store: ChatStore) -> None:
        self.store = store
        self.sockets: defaultdict[RoomId, dict[UserId, Socket]] = defaultdict(dict)
        self.relays: dict[RoomId, asyncio.Task[None]] = {}

    async def join(self, room: RoomId, user: UserId, ws: Socket) -> None:
        self.sockets[room][user] = ws
        await self.store.touch(room, user)
        if room not in self.relays:
            self.relays[room] = asyncio.create_task(self._relay(room), name=f"relay:{room}")
        await self.say(room, None, {"text": f"user {user} joined"}, kind="join")

    async def leave(self, room: RoomId, user: UserId) -> None:
        self.sockets[room].pop(user, None)
        if not self.sockets[room]:
            task = self.relays.pop(room, None)
            if task:
                task.cancel()
        await self.say(room, None, {"text": f"user {user} left"}, kind="leave")

    async def say(self, room: RoomId, user: UserId | None, body: dict, kind: str = "message") -> None:
        env: Envelope = {"kind": kind, "room": room, "sender": user, "body": body, "ts": time.time()}  # type: ignore[typeddict-item]
        await self.store.append(env)

    async def _relay(self, room: RoomId) -> None:
        try:
            async for env in self.store.events(room):
                await self._fan_out(room, env)
        except asyncio.CancelledError:
            log.debug("relay for %s stopped", room)
            raise

    async def _fan_out(self, room: RoomId, env: Envelope) -> None:
        targets = list(self.sockets[room].items())
        try:
            async with asyncio.TaskGroup() as tg:
                for user, ws in targets:
                    tg.create_task(self._send(room, user, ws, env))
        except* ConnectionError as group:
            log.info("%d sockets dropped in %s", len(group.exceptions), room)

    async def _send(self, room: RoomId, user: UserId, ws: Socket, env: Envelope) -> None:
        try:
            async with asyncio.timeout(2):
                await ws.send_json(env)
        except TimeoutError:
            log.warning("slow consumer %s in %s; closing", user, room)
            self.sockets[room].pop(user, None)
            await ws.close(code=1013)

    async def shutdown(self) -> None:
        for task in self.relays.values():
            task.cancel()
        await asyncio.gather(*self.relays.values(), return_exceptions=True)
        closers = [ws.close(code=1001) for room in self.sockets.values() for ws in room.values()]
        await asyncio.gather(*closers, return_exceptions=True)
