import pytest

from tests.conftest import HEADERS

BASE = "/api/v1/activity-feed"


def _publish(client, kind, **payload):
    response = client.post(f"{BASE}/events", headers=HEADERS, json={"kind": kind, "payload": payload})
    assert response.status_code == 201
    assert response.json() == {"status": "recorded"}


@pytest.fixture
def feed(client):
    _publish(client, "checkin", user_id=1)
    _publish(client, "class_booked", user_id=2, session_id=10)
    _publish(client, "checkin", user_id=3)


def test_realtime_feed_newest_first(client, feed):
    response = client.get(f"{BASE}/realtime", headers=HEADERS)
    assert response.status_code == 200
    body = response.json()
    assert body["gym_id"] == 1
    assert [item["kind"] for item in body["items"]] == ["checkin", "class_booked", "checkin"]
    assert body["items"][0]["payload"] == {"user_id": 3}

    limited = client.get(f"{BASE}/realtime", headers=HEADERS, params={"limit": 1}).json()
    assert len(limited["items"]) == 1


def test_realtime_feed_is_per_gym(client, feed):
    response = client.get(f"{BASE}/realtime", headers={"X-Gym-Id": "2"})
    assert response.json() == {"gym_id": 2, "items": []}


@pytest.mark.xfail(reason="planted bug AM302 (redis.get not awaited in get_summary); passes after fix", strict=False)
def test_activity_summary(client, feed):
    response = client.get(f"{BASE}/summary", headers=HEADERS)
    assert response.status_code == 200
    assert response.json() == {
        "gym_id": 1,
        "kinds": ["checkin", "class_booked"],
        "summary": {"checkin": 2, "class_booked": 1},
        "total": 3,
    }
    # segunda llamada: sale de la caché y da lo mismo
    assert client.get(f"{BASE}/summary", headers=HEADERS).json()["total"] == 3


def test_recent_activity(client, feed):
    response = client.get(f"{BASE}/recent", headers=HEADERS, params={"limit": 2})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["kind"] for item in items] == ["checkin", "class_booked"]


def test_legacy_stats(client, feed):
    response = client.get(f"{BASE}/stats", headers=HEADERS)
    assert response.status_code == 200
    assert response.json() == {"gym_id": 1, "stats": {"checkin": 2, "class_booked": 1}}
