from sqlalchemy.exc import IntegrityError

from ..extensions import cache, db, redis_store
from ..models import Item, Movement, StockLevel


class InsufficientStock(Exception):
    pass


def adjust(item: Item, warehouse_id: int, delta: int, reason: str) -> StockLevel:
    level = StockLevel.query.get((item.id, warehouse_id))
    if level is None:
        level = StockLevel(item_id=item.id, warehouse_id=warehouse_id, quantity=0)
        db.session.add(level)
    if level.quantity + delta < 0:
        raise InsufficientStock(f"{item.sku}: {level.quantity} on hand, {-delta} requested")
    level.quantity += delta
    db.session.add(Movement(item_id=item.id, warehouse_id=warehouse_id, delta=delta, reason=reason))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise
    cache.delete_memoized(low_stock)
    redis_store.publish("stock", f"{item.sku}:{warehouse_id}:{level.quantity}")
    return level


def transfer(item: Item, src: int, dst: int, qty: int) -> None:
    adjust(item, src, -qty, f"transfer to {dst}")
    adjust(item, dst, qty, f"transfer from {src}")


@cache.memoize(timeout=60)
def low_stock(threshold: int = 5) -> list[dict]:
    rows = (
        db.session.query(Item.sku, Item.name, db.func.sum(StockLevel.quantity).label("qty"))
        .join(StockLevel)
        .filter(Item.discontinued.is_(False))
        .group_by(Item.id)
        .having(db.func.sum(StockLevel.quantity) < threshold)
        .all()
    )
    return [{"sku": r.sku, "name": r.name, "qty": int(r.qty)} for r in rows]


def find(sku: str) -> Item | None:
    return Item.query.filter_by(sku=sku.upper()).first()
