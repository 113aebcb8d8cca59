import pytest

from tests.conftest import HEADERS

BASE = "/api/v1/dashboard"


@pytest.mark.xfail(reason="planted bug AM201 in async_user_stats (current_streak not awaited); passes after fix",
                   strict=False)
def test_dashboard_summary(client, seed):
    response = client.get(f"{BASE}/summary", headers=HEADERS)
    assert response.status_code == 200
    assert response.json() == {
        "user_id": seed.users["ana"],
        "total_checkins": 4,
        "checkins_last_30_days": 3,
        "current_streak_days": 2,
    }


@pytest.mark.xfail(reason="planted bugs AM104 (no .unique()) and AM201 (db.scalar not awaited); passes after fix",
                   strict=False)
def test_dashboard_stats(client, seed):
    response = client.get(f"{BASE}/stats", headers=HEADERS)
    assert response.status_code == 200
    body = response.json()
    assert body["user_id"] == seed.users["ana"]
    assert body["classes_booked"] == 2
    assert body["total_checkins"] == 4
    assert body["active_plans"] == ["premium"]
    assert body["last_checkin_at"].startswith(seed.now.date().isoformat())


def test_dashboard_requires_user_header(client, seed):
    assert client.get(f"{BASE}/summary").status_code == 422


def test_gym_leaderboard(client, seed):
    response = client.get(f"{BASE}/gym/{seed.gyms['centro']}/leaderboard")
    assert response.status_code == 200
    assert response.json() == [
        {"user_id": seed.users["ana"], "full_name": "Ana García", "checkins": 4},
        {"user_id": seed.users["carla"], "full_name": "Carla Ruiz", "checkins": 1},
    ]
    assert client.get(f"{BASE}/gym/{seed.gyms['centro']}/leaderboard", params={"limit": 1}).json()[0]["checkins"] == 4
