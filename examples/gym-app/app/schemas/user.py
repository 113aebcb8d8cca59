from datetime import datetime
from typing import Optional

from pydantic import BaseModel

from app.schemas.common import ORMModel


class UserOut(ORMModel):
    id: int
    gym_id: int
    email: str
    full_name: str
    role: str
    is_active: bool
    created_at: Optional[datetime]


class UserUpdate(BaseModel):
    full_name: Optional[str] = None
    role: Optional[str] = None
    is_active: Optional[bool] = None


class UserList(BaseModel):
    total: int
    items: list[UserOut]
