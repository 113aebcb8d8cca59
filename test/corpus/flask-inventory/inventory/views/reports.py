import csv
import io
from datetime import datetime, timedelta

from flask import Blueprint, Response, request

from ..extensions import db
from ..models import Item, Movement

bp = Blueprint("reports", __name__)


@bp.get("/movements.csv")
def movements_csv():
    days = request.args.get("days", 30, type=int)
    since = datetime.utcnow() - timedelta(days=days)
    rows = (
        db.session.query(Movement, Item.sku)
        .join(Item, Item.id == Movement.item_id)
        .filter(Movement.at >= since)
        .order_by(Movement.at)
        .all()
    )
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["at", "sku", "warehouse", "delta", "reason"])
    for mv, sku in rows:
        w.writerow([mv.at.isoformat(), sku, mv.warehouse_id, mv.delta, mv.reason])
    return Response(out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=movements.csv"})


@bp.get("/valuation")
def valuation():
    total = 0
    lines = []
    for item in Item.query.filter(Item.discontinued.is_(False)).all():
        value = item.total_on_hand * item.unit_cost
        total += value
        lines.append({"sku": item.sku, "value": float(value)})
    return {"total": float(total), "lines": sorted(lines, key=lambda l: -l["value"])[:50]}
