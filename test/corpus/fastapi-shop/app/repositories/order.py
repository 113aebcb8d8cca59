from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.models import Order, OrderLine, OrderStatus
from app.repositories.base import Repository


class OrderRepository(Repository[Order]):
    model = Order

    async def with_lines(self, order_id: int) -> Order | None:
        stmt = select(Order).options(selectinload(Order.lines).joinedload(OrderLine.product)).where(Order.id == order_id)
        return (await self.session.scalars(stmt)).first()

    async def for_customer(self, customer_id: int) -> Sequence[Order]:
        stmt = (
            select(Order)
            .options(selectinload(Order.lines))
            .where(Order.customer_id == customer_id)
            .order_by(Order.placed_at.desc())
        )
        return (await self.session.scalars(stmt)).all()

    async def pending_older_than(self, cutoff) -> Sequence[Order]:
        stmt = select(Order).where(Order.status == OrderStatus.pending, Order.placed_at < cutoff)
        return (await self.session.scalars(stmt)).all()
