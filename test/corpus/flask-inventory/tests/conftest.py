import pytest

from inventory import create_app
from inventory.extensions import db as _db
from inventory.models import Item, StockLevel, Warehouse


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setattr("inventory.extensions.FlaskRedis.init_app", lambda self, app: None)
    app = create_app("inventory.config.TestConfig")
    with app.app_context():
        _db.create_all()
        wh = Warehouse(code="MAD", name="Madrid")
        item = Item(sku="BOLT-10", name="Bolt 10mm", unit_cost=0.1)
        _db.session.add_all([wh, item])
        _db.session.flush()
        _db.session.add(StockLevel(item_id=item.id, warehouse_id=wh.id, quantity=3))
        _db.session.commit()
        yield app
        _db.drop_all()


@pytest.fixture
def client(app):
    return app.test_client()
