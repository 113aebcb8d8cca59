import json

from sqlalchemy import func, select

from app.models.attendance import Attendance
from tests.conftest import HEADERS

BASE = "/api/v1/attendance"


def test_checkin_creates_attendance_and_feed_item(client, seed, redis_store, db):
    response = client.post(f"{BASE}/checkin", json={"user_id": seed.users["bruno"]})

    assert response.status_code == 201
    body = response.json()
    assert body["user_id"] == seed.users["bruno"]
    assert body["gym_id"] == seed.gyms["centro"]
    assert body["source"] == "app"
    assert db.get(Attendance, body["id"]) is not None

    feed = redis_store.lrange(f"gym:{seed.gyms['centro']}:feed", 0, -1)
    assert len(feed) == 1
    assert json.loads(feed[0])["kind"] == "checkin"
    assert json.loads(feed[0])["payload"]["user_id"] == seed.users["bruno"]
    assert redis_store.get(f"gym:{seed.gyms['centro']}:stats:checkin") == "1"


def test_checkin_twice_in_a_row_is_rejected(client, seed):
    first = client.post(f"{BASE}/checkin", json={"user_id": seed.users["bruno"]})
    second = client.post(f"{BASE}/checkin", json={"user_id": seed.users["bruno"]})
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json() == {"detail": "Already checked in"}


def test_checkin_unknown_or_inactive_user(client, seed):
    assert client.post(f"{BASE}/checkin", json={"user_id": 999}).status_code == 404
    assert client.post(f"{BASE}/checkin", json={"user_id": seed.users["diego"]}).status_code == 404


def test_qr_checkin(client, seed, redis_store):
    qr = f"gym:{seed.gyms['centro']}:user:{seed.users['bruno']}"
    response = client.post(f"{BASE}/checkin/qr", json={"qr_code": qr})

    assert response.status_code == 201
    body = response.json()
    assert body["user_id"] == seed.users["bruno"]
    assert body["source"] == "qr"
    item = json.loads(redis_store.lrange(f"gym:{seed.gyms['centro']}:feed", 0, 0)[0])
    assert item["payload"] == {"user_id": seed.users["bruno"], "source": "qr"}


def test_qr_checkin_rejects_bad_codes(client, seed):
    assert client.post(f"{BASE}/checkin/qr", json={"qr_code": "garbage"}).status_code == 400
    wrong_gym = f"gym:{seed.gyms['norte']}:user:{seed.users['bruno']}"
    assert client.post(f"{BASE}/checkin/qr", json={"qr_code": wrong_gym}).status_code == 404


def test_list_user_attendance_newest_first(client, seed):
    response = client.get(f"{BASE}/user/{seed.users['ana']}")
    assert response.status_code == 200
    items = response.json()
    assert len(items) == 4
    times = [item["checked_in_at"] for item in items]
    assert times == sorted(times, reverse=True)

    limited = client.get(f"{BASE}/user/{seed.users['ana']}", params={"limit": 2}).json()
    assert [item["id"] for item in limited] == [item["id"] for item in items[:2]]


def test_gym_attendance_today(client, seed):
    response = client.get(f"{BASE}/gym/{seed.gyms['centro']}/today", headers=HEADERS)
    assert response.status_code == 200
    assert response.json() == {
        "gym_id": seed.gyms["centro"],
        "date": seed.today.date().isoformat(),
        "checkins": 1,
    }


def test_purge_user_attendance(client, seed, db):
    response = client.delete(f"{BASE}/user/{seed.users['ana']}")
    assert response.status_code == 204
    remaining = db.scalar(select(func.count(Attendance.id)).where(Attendance.user_id == seed.users["ana"]))
    assert remaining == 0
    assert client.get(f"{BASE}/user/{seed.users['ana']}").json() == []
