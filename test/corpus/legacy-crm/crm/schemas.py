from datetime import datetime
from decimal import Decimal
from typing import List, Optional

from pydantic import BaseModel, EmailStr, validator


class TagOut(BaseModel):
    label: str

    class Config:
        orm_mode = True


class ContactIn(BaseModel):
    first_name: Optional[str]
    last_name: Optional[str]
    email: EmailStr
    phone: Optional[str] = None
    company_id: Optional[int] = None
    tags: List[str] = []

    @validator("phone")
    def strip_phone(cls, v):
        return v.replace(" ", "") if v else v


class ContactOut(BaseModel):
    id: int
    first_name: Optional[str]
    last_name: Optional[str]
    email: str
    archived: bool
    created_at: datetime
    tags: List[TagOut] = []

    class Config:
        orm_mode = True


class DealOut(BaseModel):
    id: int
    title: str
    amount: Optional[Decimal]
    stage: str

    class Config:
        orm_mode = True


class ActivityIn(BaseModel):
    kind: str
    summary: str
    happened_at: Optional[datetime] = None


class ActivityOut(ActivityIn):
    id: int

    class Config:
        orm_mode = True
