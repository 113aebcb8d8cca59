from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Order, OrderStatus, Product
from app.schemas.order import OrderCreate, OrderLineIn
from app.services.orders import OrderService, OutOfStock


@pytest.fixture
async def stocked(session):
    p = Product(sku="BOOK-1", title="Book", price=Decimal("20.00"), stock=3)
    session.add(p)
    await session.flush()
    return p


@pytest.mark.asyncio
async def test_place_order_decrements_stock(session, customer, stocked):
    svc = OrderService(session)
    order = await svc.place(customer.id, OrderCreate(lines=[OrderLineIn(product_id=stocked.id, quantity=2)]))
    assert order.status == OrderStatus.pending
    assert stocked.stock == 1
    assert order.total == Decimal("48.00") + Decimal("4.99") - Decimal("4.99")  # 40 + 20% VAT


@pytest.mark.asyncio
async def test_out_of_stock(session, customer, stocked):
    with pytest.raises(OutOfStock):
        await OrderService(session).place(customer.id, OrderCreate(lines=[OrderLineIn(product_id=stocked.id, quantity=9)]))
    orders = (await session.scalars(select(Order))).all()
    assert orders == []


@pytest.mark.asyncio
async def test_cancel_restores_stock(session, customer, stocked):
    svc = OrderService(session)
    order = await svc.place(customer.id, OrderCreate(lines=[OrderLineIn(product_id=stocked.id, quantity=1)]))
    await svc.cancel(order.id)
    await session.refresh(stocked)
    assert stocked.stock == 3


def test_duplicate_lines_rejected():
    with pytest.raises(ValueError):
        OrderCreate(lines=[OrderLineIn(product_id=1, quantity=1), OrderLineIn(product_id=1, quantity=2)])
