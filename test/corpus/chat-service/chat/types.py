from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypedDict

type UserId = int
type RoomId = str
type Handler[T] = Callable[[T], Awaitable[None]]
type Json = dict[str, Any] | list[Any] | str | int | float | bool | None


class Envelope(TypedDict):
    kind: Literal["message", "join", "leave", "typing", "system"]
    room: RoomId
    sender: UserId | None
    body: Json
    ts: float
