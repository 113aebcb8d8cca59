from flask import Blueprint, abort, jsonify, request

from ..extensions import db
from ..models import Item, Warehouse
from ..services import stock
from ..services.ratelimit import rate_limit

bp = Blueprint("api", __name__)


@bp.get("/items")
def list_items():
    q = Item.query.filter_by(discontinued=False)
    if term := request.args.get("q"):
        q = q.filter(Item.name.ilike(f"%{term}%"))
    page = q.order_by(Item.sku).paginate(page=request.args.get("page", 1, type=int), per_page=50)
    return jsonify(items=[i.to_dict() for i in page.items], total=page.total, pages=page.pages)


@bp.get("/items/<sku>")
def get_item(sku):
    item = stock.find(sku) or abort(404)
    return jsonify(item.to_dict())


@bp.post("/items")
@rate_limit(30)
def create_item():
    data = request.get_json(force=True)
    missing = {"sku", "name"} - data.keys()
    if missing:
        return jsonify(error=f"missing fields: {', '.join(sorted(missing))}"), 400
    item = Item(sku=data["sku"].upper(), name=data["name"], unit_cost=data.get("unit_cost", 0))
    db.session.add(item)
    db.session.commit()
    return jsonify(item.to_dict()), 201


@bp.post("/items/<sku>/adjust")
@rate_limit(120)
def adjust_stock(sku):
    item = stock.find(sku) or abort(404)
    body = request.get_json(force=True)
    warehouse = Warehouse.query.filter_by(code=body.get("warehouse", "")).first_or_404()
    try:
        level = stock.adjust(item, warehouse.id, int(body["delta"]), body.get("reason", "manual"))
    except stock.InsufficientStock as exc:
        return jsonify(error=str(exc)), 409
    return jsonify(sku=item.sku, warehouse=warehouse.code, quantity=level.quantity)


@bp.delete("/items/<sku>")
def discontinue(sku):
    item = stock.find(sku) or abort(404)
    item.discontinued = True
    db.session.commit()
    return "", 204


@bp.route("/warehouses", methods=["GET", "POST"])
def warehouses():
    if request.method == "POST":
        wh = Warehouse(code=request.form["code"], name=request.form["name"])
        db.session.add(wh)
        db.session.commit()
    return jsonify([{"code": w.code, "name": w.name} for w in Warehouse.query.order_by(Warehouse.code)])
