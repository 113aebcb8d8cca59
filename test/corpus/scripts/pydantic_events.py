from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_serializer


class EventType(str, Enum):
    created = "created"
    updated = "updated"
    deleted = "deleted"


class Actor(BaseModel):
    id: int
    kind: Literal["user", "service"] = "user"


class BaseEvent(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    occurred_at: datetime = Field(default_factory=datetime.utcnow, alias="occurredAt")
    actor: Actor | None = None
    type: EventType

    @field_validator("occurred_at")
    @classmethod
    def not_in_future(cls, v: datetime) -> datetime:
        if v.tzinfo is None and v > datetime.utcnow():
            raise ValueError("occurred_at is in the future")
        return v


class OrderCreated(BaseEvent):
    type: Literal[EventType.created] = EventType.created
    order_id: int
    total_cents: int


class OrderDeleted(BaseEvent):
    type: Literal[EventType.deleted] = EventType.deleted
    order_id: int
    reason: str | None = None


Event = Annotated[Union[OrderCreated, OrderDeleted], Field(discriminator="type")]


class Envelope(BaseModel):
    event: Event
    headers: dict[str, str] = {}

    @model_serializer(mode="wrap")
    def _ser(self, handler) -> dict[str, Any]:
        data = handler(self)
        data["schema"] = "orders/v1"
        return data


def header_names(env: Envelope) -> list[str]:
    return sorted(env.headers.keys())
