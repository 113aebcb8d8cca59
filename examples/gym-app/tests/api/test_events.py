import pytest

from tests.conftest import HEADERS

BASE = "/api/v1/events"


def test_list_events_by_start_time(client, seed):
    response = client.get(BASE, headers=HEADERS)
    assert response.status_code == 200
    body = response.json()
    assert [e["title"] for e in body] == ["Charla de nutrición", "Torneo de pádel"]
    assert [e["participant_count"] for e in body] == [0, 1]
    assert body[0]["description"] == "Con la nutricionista del centro"


@pytest.mark.xfail(reason="planted bug AM201 (count_participants not awaited); passes after fix", strict=False)
def test_get_event(client, seed):
    response = client.get(f"{BASE}/{seed.events['padel']}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Torneo de pádel"
    assert body["max_participants"] == 2
    assert body["participant_count"] == 1


def test_get_unknown_event(client, seed):
    assert client.get(f"{BASE}/999").status_code == 404


def test_participate(client, seed, redis_store):
    response = client.post(f"{BASE}/{seed.events['charla']}/participate", json={"user_id": seed.users["bruno"]})
    assert response.status_code == 200
    assert response.json()["participant_count"] == 1
    assert redis_store.get(f"gym:{seed.gyms['centro']}:stats:event_join") == "1"


def test_participate_is_idempotent(client, seed):
    response = client.post(f"{BASE}/{seed.events['padel']}/participate", json={"user_id": seed.users["ana"]})
    assert response.status_code == 200
    assert response.json()["participant_count"] == 1


def test_participate_until_full(client, seed):
    ok = client.post(f"{BASE}/{seed.events['padel']}/participate", json={"user_id": seed.users["bruno"]})
    full = client.post(f"{BASE}/{seed.events['padel']}/participate", json={"user_id": seed.users["carla"]})
    assert ok.status_code == 200
    assert ok.json()["participant_count"] == 2
    assert full.status_code == 409
    assert full.json() == {"detail": "Event is full"}


def test_participate_unknown_event(client, seed):
    assert client.post(f"{BASE}/999/participate", json={"user_id": seed.users["ana"]}).status_code == 404


def test_leave_event(client, seed):
    first = client.delete(f"{BASE}/{seed.events['padel']}/participate/{seed.users['ana']}")
    second = client.delete(f"{BASE}/{seed.events['padel']}/participate/{seed.users['ana']}")
    assert first.status_code == 204
    assert second.status_code == 404
    counts = {e["title"]: e["participant_count"] for e in client.get(BASE, headers=HEADERS).json()}
    assert counts["Torneo de pádel"] == 0
