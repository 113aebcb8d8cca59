from app.models.user import User

BASE = "/api/v1/memberships"


def test_list_user_memberships(client, seed):
    response = client.get(f"{BASE}/user/{seed.users['ana']}")
    assert response.status_code == 200
    body = response.json()
    assert [m["plan"] for m in body] == ["premium"]
    assert body[0]["stripe_subscription_id"] == "sub_ana"
    assert client.get(f"{BASE}/user/999").json() == []


def test_create_membership_creates_stripe_customer(client, seed, external, db):
    response = client.post(BASE, json={"user_id": seed.users["carla"], "plan": "annual"})

    assert response.status_code == 201
    body = response.json()
    assert body["plan"] == "annual"
    assert body["status"] == "active"
    assert body["stripe_subscription_id"] == "sub_test_1"
    assert body["current_period_end"].startswith("2026-01-01T00:00:00")
    assert external.customers == [
        {"email": "carla@gym.test", "name": "Carla Ruiz", "metadata": {"user_id": seed.users["carla"]}}
    ]
    assert external.subscriptions == [{"customer": "cus_test_1", "items": [{"price": "price_monthly_basic"}]}]
    assert db.get(User, seed.users["carla"]).stripe_customer_id == "cus_test_1"


def test_create_membership_reuses_existing_customer(client, seed, external):
    response = client.post(BASE, json={"user_id": seed.users["ana"], "plan": "basic", "price_id": "price_x"})
    assert response.status_code == 201
    assert external.customers == []
    assert external.subscriptions == [{"customer": "cus_ana", "items": [{"price": "price_x"}]}]
    plans = [m["plan"] for m in client.get(f"{BASE}/user/{seed.users['ana']}").json()]
    assert plans == ["basic", "premium"]


def test_create_membership_unknown_user(client, seed, external):
    assert client.post(BASE, json={"user_id": 999}).status_code == 404
    assert external.subscriptions == []


def test_cancel_membership(client, seed, external):
    membership_id = seed.memberships["ana_premium"]
    response = client.post(f"{BASE}/{membership_id}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert external.cancelled == ["sub_ana"]

    again = client.post(f"{BASE}/{membership_id}/cancel")
    assert again.status_code == 200
    assert external.cancelled == ["sub_ana"]
    assert client.post(f"{BASE}/999/cancel").status_code == 404
