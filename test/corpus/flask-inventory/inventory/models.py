from datetime import datetime

from sqlalchemy import CheckConstraint, func

from .extensions import db


class Warehouse(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(10), unique=True, nullable=False)
    name = db.Column(db.String(100), nullable=False)
    items = db.relationship("StockLevel", back_populates="warehouse", lazy="dynamic")


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    sku = db.Column(db.String(32), unique=True, nullable=False, index=True)
    name = db.Column(db.String(200), nullable=False)
    unit_cost = db.Column(db.Numeric(10, 2), nullable=False, default=0)
    discontinued = db.Column(db.Boolean, default=False)
    created_at = db.Column(db.DateTime, server_default=func.now())
    levels = db.relationship("StockLevel", back_populates="item", cascade="all, delete-orphan")

    @property
    def total_on_hand(self):
        return sum(level.quantity for level in self.levels)

    def to_dict(self):
        return {"id": self.id, "sku": self.sku, "name": self.name, "unit_cost": str(self.unit_cost), "on_hand": self.total_on_hand}


class StockLevel(db.Model):
    __table_args__ = (CheckConstraint("quantity >= 0", name="non_negative_stock"),)

    item_id = db.Column(db.Integer, db.ForeignKey("item.id"), primary_key=True)
    warehouse_id = db.Column(db.Integer, db.ForeignKey("warehouse.id"), primary_key=True)
    quantity = db.Column(db.Integer, nullable=False, default=0)
    item = db.relationship("Item", back_populates="levels")
    warehouse = db.relationship("Warehouse", back_populates="items")


class Movement(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    item_id = db.Column(db.Integer, db.ForeignKey("item.id"), nullable=False)
    warehouse_id = db.Column(db.Integer, db.ForeignKey("warehouse.id"), nullable=False)
    delta = db.Column(db.Integer, nullable=False)
    reason = db.Column(db.String(50))
    at = db.Column(db.DateTime, default=datetime.utcnow, index=True)
