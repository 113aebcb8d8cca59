from datetime import datetime

from pydantic import BaseModel

from app.schemas.common import ORMModel


class CheckinIn(BaseModel):
    user_id: int
    source: str = "app"


class QRCheckinIn(BaseModel):
    qr_code: str  # formato "gym:<gym_id>:user:<user_id>"


class AttendanceOut(ORMModel):
    id: int
    user_id: int
    gym_id: int
    source: str
    checked_in_at: datetime
