from datetime import datetime
from typing import Optional

from pydantic import BaseModel


class EventOut(BaseModel):
    id: int
    gym_id: int
    title: str
    description: Optional[str]
    start_time: datetime
    max_participants: Optional[int]
    participant_count: int


class ParticipateIn(BaseModel):
    user_id: int
