from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..models import Item, Movement, Warehouse
from ..services import stock

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    return render_template("index.html", low=stock.low_stock(), warehouses=Warehouse.query.all())


@bp.get("/item/<sku>")
def item_page(sku):
    item = Item.query.filter_by(sku=sku).first_or_404()
    history = Movement.query.filter_by(item_id=item.id).order_by(Movement.at.desc()).limit(100).all()
    return render_template("item.html", item=item, history=history)


@bp.post("/item/<sku>/transfer")
def transfer(sku):
    item = Item.query.filter_by(sku=sku).first_or_404()
    try:
        stock.transfer(item, int(request.form["src"]), int(request.form["dst"]), int(request.form["qty"]))
        flash("Transfer done", "success")
    except (stock.InsufficientStock, ValueError) as exc:
        flash(str(exc), "danger")
    return redirect(url_for(".item_page", sku=sku))
