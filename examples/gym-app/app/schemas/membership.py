from datetime import datetime
from typing import Optional

from pydantic import BaseModel

from app.schemas.common import ORMModel


class MembershipCreate(BaseModel):
    user_id: int
    plan: str = "basic"
    price_id: Optional[str] = None


class MembershipOut(ORMModel):
    id: int
    user_id: int
    gym_id: int
    plan: str
    status: str
    stripe_subscription_id: Optional[str]
    current_period_end: Optional[datetime]
