"""Back-office endpoints. Low traffic; these still run on the blocking engine."""
import csv
import io
from datetime import date

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.api.deps import staff_only
from app.db.session import SyncSessionLocal
from app.models import Order, OrderStatus, Product

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(staff_only)])


def get_sync_db():
    db = SyncSessionLocal()
    try:
        yield db
    finally:
        db.close()


@router.get("/stats")
def stats(db: Session = Depends(get_sync_db)):
    revenue = db.execute(select(func.coalesce(func.sum(Order.total), 0)).where(Order.status == OrderStatus.paid)).scalar_one()
    by_status = dict(db.execute(select(Order.status, func.count()).group_by(Order.status)).all())
    low_stock = db.scalars(select(Product).where(Product.stock < 5, Product.is_active)).all()
    return {
        "revenue": revenue,
        "orders": {s.value: n for s, n in by_status.items()},
        "low_stock": [p.sku for p in low_stock],
    }


@router.get("/export/orders.csv")
def export_orders(since: date, db: Session = Depends(get_sync_db)):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["number", "status", "total", "placed_at"])
    for order in db.query(Order).filter(Order.placed_at >= since).order_by(Order.placed_at).yield_per(500):
        writer.writerow([order.number, order.status.value, order.total, order.placed_at.isoformat()])
    buf.seek(0)
    return StreamingResponse(iter([buf.getvalue()]), media_type="text/csv")
