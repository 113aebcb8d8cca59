"""schedule/sessions.py (fully async, clean) and schedule/participation.py (half migrated)."""
from datetime import timedelta

import pytest

from app.models.schedule import Participation
from tests.conftest import HEADERS

SESSIONS = "/api/v1/schedule/sessions"
PARTICIPATION = "/api/v1/schedule/participation"


def test_list_sessions_excludes_cancelled_and_other_gyms(client, seed):
    response = client.get(SESSIONS, headers=HEADERS)
    assert response.status_code == 200
    assert [s["name"] for s in response.json()] == ["Spinning", "Yoga", "Pilates"]


def test_list_sessions_time_window(client, seed):
    tomorrow = (seed.today + timedelta(days=1)).isoformat()
    response = client.get(SESSIONS, headers=HEADERS, params={"start": tomorrow})
    assert [s["id"] for s in response.json()] == [seed.sessions["pilates"]]


def test_today_sessions_are_cached(client, seed, redis_store):
    first = client.get(f"{SESSIONS}/today", headers=HEADERS)
    assert first.status_code == 200
    assert [s["name"] for s in first.json()] == ["Spinning", "Yoga"]
    cache_keys = redis_store.match("schedule:*:today:*")
    assert len(cache_keys) == 1
    assert redis_store.ttl[cache_keys[0]] == 60

    second = client.get(f"{SESSIONS}/today", headers=HEADERS)
    assert second.json() == first.json()


def test_session_detail(client, seed):
    response = client.get(f"{SESSIONS}/{seed.sessions['spinning']}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Spinning"
    assert body["capacity"] == 2
    assert body["booked"] == 1
    assert body["available"] == 1
    assert body["participant_ids"] == [seed.users["ana"]]
    assert client.get(f"{SESSIONS}/999").status_code == 404


@pytest.mark.xfail(reason="planted bug AM105 (lazy load of participations in async); passes after fix", strict=False)
def test_book_class_until_full(client, seed):
    booked = client.post(PARTICIPATION, json={"session_id": seed.sessions["spinning"], "user_id": seed.users["bruno"]})
    assert booked.status_code == 201
    assert booked.json()["status"] == "registered"
    assert booked.json()["user_id"] == seed.users["bruno"]

    full = client.post(PARTICIPATION, json={"session_id": seed.sessions["spinning"], "user_id": seed.users["carla"]})
    assert full.status_code == 409
    assert full.json() == {"detail": "Class is full"}


@pytest.mark.xfail(reason="planted bug AM105 (lazy load of participations in async); passes after fix", strict=False)
def test_book_class_twice_is_rejected(client, seed):
    response = client.post(PARTICIPATION, json={"session_id": seed.sessions["yoga"], "user_id": seed.users["ana"]})
    assert response.status_code == 409
    assert response.json() == {"detail": "Already booked"}


def test_book_unknown_or_cancelled_session(client, seed):
    unknown = client.post(PARTICIPATION, json={"session_id": 999, "user_id": seed.users["bruno"]})
    cancelled = client.post(PARTICIPATION, json={"session_id": seed.sessions["crossfit"], "user_id": seed.users["bruno"]})
    assert unknown.status_code == 404
    assert cancelled.status_code == 404


def test_cancel_booking_response(client, seed):
    response = client.delete(f"{PARTICIPATION}/{seed.participations['ana_yoga']}")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert client.delete(f"{PARTICIPATION}/999").status_code == 404


@pytest.mark.xfail(reason="planted bug AM201 (db.commit() not awaited): cancellation is not persisted", strict=False)
def test_cancel_booking_is_persisted(client, seed, db):
    client.delete(f"{PARTICIPATION}/{seed.participations['ana_yoga']}")
    assert db.get(Participation, seed.participations["ana_yoga"]).status == "cancelled"


def test_list_user_bookings_in_start_order(client, seed):
    response = client.get(f"{PARTICIPATION}/user/{seed.users['ana']}")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [seed.participations["ana_spinning"], seed.participations["ana_yoga"]]
    assert all(p["status"] == "registered" for p in response.json())
