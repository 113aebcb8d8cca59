from datetime import datetime
from typing import Optional

from pydantic import BaseModel

from app.schemas.common import ORMModel


class ClassSessionOut(ORMModel):
    id: int
    gym_id: int
    name: str
    trainer_id: Optional[int]
    start_time: datetime
    end_time: datetime
    capacity: int
    status: str


class ClassSessionDetail(ClassSessionOut):
    booked: int
    available: int
    participant_ids: list[int]


class ParticipationIn(BaseModel):
    session_id: int
    user_id: int


class ParticipationOut(ORMModel):
    id: int
    session_id: int
    user_id: int
    status: str
