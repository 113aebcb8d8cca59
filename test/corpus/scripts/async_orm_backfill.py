"""One-off backfill: compute denormalised order totals (async ORM, run once)."""
import asyncio
import logging
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, joinedload, mapped_column, relationship, selectinload

log = logging.getLogger("backfill")


class Base(DeclarativeBase):
    pass


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    total: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    lines: Mapped[list["Line"]] = relationship(back_populates="order")


class Line(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    qty: Mapped[int]
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    order: Mapped[Order] = relationship(back_populates="lines")


engine = create_async_engine("postgresql+asyncpg://app@db/app")
Session = async_sessionmaker(engine, expire_on_commit=False)


async def backfill_batch(session: AsyncSession, after_id: int, size: int = 500) -> int:
    stmt = (
        select(Order)
        .options(joinedload(Order.lines))
        .where(Order.total.is_(None), Order.id > after_id)
        .order_by(Order.id)
        .limit(size)
    )
    orders = (await session.scalars(stmt)).all()
    for order in orders:
        order.total = sum((l.qty * l.price for l in order.lines), Decimal("0"))
    await session.commit()
    return orders[-1].id if orders else -1


async def verify(session: AsyncSession, sample: int = 50) -> int:
    bad = 0
    orders = (await session.scalars(select(Order).where(Order.total.is_not(None)).limit(sample))).all()
    for order in orders:
        expected = sum((l.qty * l.price for l in order.lines), Decimal("0"))
        if expected != order.total:
            bad += 1
    return bad


async def spot_check(session: AsyncSession, order_id: int) -> None:
    order = (await session.execute(select(Order).options(selectinload(Order.lines)).where(Order.id == order_id))).scalar_one()
    log.info("order %s has %d lines, total %s", order.id, len(order.lines), order.total)


async def main() -> None:
    async with Session() as session:
        last = 0
        while last != -1:
            last = await backfill_batch(session, last)
            log.info("backfilled up to %s", last)
        log.info("mismatches in sample: %d", await verify(session))
        await spot_check(session, 1)
    await engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main())
