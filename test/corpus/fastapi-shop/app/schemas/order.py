from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, conint, model_validator

from app.models.order import OrderStatus


class OrderLineIn(BaseModel):
    product_id: int
    quantity: conint(gt=0, le=99)


class OrderCreate(BaseModel):
    lines: list[OrderLineIn]
    address_id: int | None = None

    @model_validator(mode="after")
    def no_duplicate_products(self) -> "OrderCreate":
        ids = [line.product_id for line in self.lines]
        if len(ids) != len(set(ids)):
            raise ValueError("each product may appear only once")
        return self


class OrderLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    product_id: int
    quantity: int
    unit_price: Decimal


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    status: OrderStatus
    total: Decimal
    placed_at: datetime
    lines: list[OrderLineOut]
