import secrets
from datetime import datetime, timezone

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Order, OrderLine, OrderStatus
from app.repositories import OrderRepository, ProductRepository
from app.schemas.order import OrderCreate
from app.services import pricing


class OutOfStock(Exception):
    pass


class OrderService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.orders = OrderRepository(session)
        self.products = ProductRepository(session)

    async def place(self, customer_id: int, payload: OrderCreate) -> Order:
        order = Order(number=self._new_number(), customer_id=customer_id)
        priced: list[tuple] = []
        for item in payload.lines:
            product = await self.products.get(item.product_id)
            if product is None or not product.is_active:
                raise LookupError(f"product {item.product_id} not found")
            try:
                await self.products.decrement_stock(product, item.quantity)
            except ValueError as exc:
                raise OutOfStock(str(exc)) from exc
            order.lines.append(OrderLine(product_id=product.id, quantity=item.quantity, unit_price=product.price))
            priced.append((product.price, item.quantity))
        order.total = pricing.quote(priced).total
        self.orders.add(order)
        await self.session.commit()
        return await self.orders.with_lines(order.id)

    async def mark_paid(self, order: Order, reference: str) -> Order:
        order.status = OrderStatus.paid
        order.payment_ref = reference
        order.paid_at = datetime.now(timezone.utc)
        await self.session.commit()
        await self.session.refresh(order)
        return order

    async def cancel(self, order_id: int) -> Order:
        order = await self.orders.with_lines(order_id)
        if order is None:
            raise LookupError(order_id)
        if order.status is not OrderStatus.pending:
            raise ValueError("only pending orders can be cancelled")
        for line in order.lines:
            line.product.stock += line.quantity
        order.status = OrderStatus.cancelled
        await self.session.commit()
        return order

    @staticmethod
    def _new_number() -> str:
        return "SO-" + secrets.token_hex(4).upper()
