from decimal import Decimal

import pytest

from app.models import Product
from app.repositories import ProductRepository

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def products(session):
    items = [
        Product(sku="TSHIRT-S", title="T-shirt S", price=Decimal("12.00"), stock=5),
        Product(sku="TSHIRT-M", title="T-shirt M", price=Decimal("12.00"), stock=0),
        Product(sku="MUG", title="Coffee mug", price=Decimal("8.50"), stock=100, is_active=False),
    ]
    session.add_all(items)
    await session.flush()
    return items


async def test_search_ignores_inactive(session, products):
    found = await ProductRepository(session).search("mug")
    assert found == []


async def test_search_matches_sku(session, products):
    found = await ProductRepository(session).search("tshirt")
    assert {p.sku for p in found} == {"TSHIRT-S", "TSHIRT-M"}


async def test_get_product_404(client):
    resp = await client.get("/api/products/999")
    assert resp.status_code == 404


async def test_create_duplicate_sku(client, products):
    resp = await client.post("/api/products", json={"sku": "MUG", "title": "x", "price": "1.00"})
    assert resp.status_code == 409


@pytest.mark.parametrize("page,size", [(1, 10), (2, 1)])
async def test_pagination(client, products, page, size):
    resp = await client.get("/api/products", params={"page": page, "size": size})
    assert resp.status_code == 200
    body = resp.json()
    assert body["page"] == page
    assert len(body["items"]) <= size
