from unittest import mock


def test_list_items(client):
    resp = client.get("/api/items")
    assert resp.status_code == 200
    assert resp.json["items"][0]["sku"] == "BOLT-10"


def test_missing_fields(client):
    with mock.patch("inventory.services.ratelimit.redis_store") as r:
        r.pipeline.return_value.execute.return_value = [1, True]
        resp = client.post("/api/items", json={"sku": "x"})
    assert resp.status_code == 400
    assert "name" in resp.json["error"]


def test_adjust_below_zero(client):
    with mock.patch("inventory.services.ratelimit.redis_store") as r, mock.patch("inventory.services.stock.redis_store"):
        r.pipeline.return_value.execute.return_value = [1, True]
        resp = client.post("/api/items/BOLT-10/adjust", json={"warehouse": "MAD", "delta": -5})
    assert resp.status_code == 409
