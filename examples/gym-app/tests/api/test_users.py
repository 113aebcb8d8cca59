import pytest

from app.models.user import User
from tests.conftest import HEADERS

BASE = "/api/v1/users"


@pytest.mark.xfail(reason="planted bug AM202/AM203: awaits the sync user_service; passes after fix", strict=False)
def test_read_current_user(client, seed):
    response = client.get(f"{BASE}/me", headers=HEADERS)
    assert response.status_code == 200
    assert response.json()["email"] == "ana@gym.test"


def test_list_users_only_active_in_gym(client, seed):
    response = client.get(f"{BASE}/", headers=HEADERS)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 3
    assert [u["id"] for u in body["items"]] == [seed.users["ana"], seed.users["bruno"], seed.users["carla"]]

    page = client.get(f"{BASE}/", headers=HEADERS, params={"skip": 1, "limit": 1}).json()
    assert page["total"] == 3
    assert [u["full_name"] for u in page["items"]] == ["Bruno Díaz"]


@pytest.mark.xfail(reason="planted bug AM101 (db.query on an AsyncSession); passes after fix", strict=False)
def test_list_trainers(client, seed):
    response = client.get(f"{BASE}/trainers", headers=HEADERS)
    assert response.status_code == 200
    assert [u["email"] for u in response.json()] == ["carla@gym.test"]


def test_read_user_by_email_is_case_insensitive(client, seed):
    response = client.get(f"{BASE}/by-email", params={"email": "ANA@gym.test"})
    assert response.status_code == 200
    assert response.json()["id"] == seed.users["ana"]
    assert client.get(f"{BASE}/by-email", params={"email": "nobody@gym.test"}).status_code == 404


@pytest.mark.xfail(reason="planted bug AM204 (get_user_async) hidden by AM501; passes after fix", strict=False)
def test_read_user(client, seed):
    response = client.get(f"{BASE}/{seed.users['carla']}")
    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "Carla Ruiz"
    assert body["role"] == "trainer"


def test_read_unknown_user_is_404(client, seed):
    assert client.get(f"{BASE}/999").status_code == 404


def test_update_user(client, seed, db):
    response = client.patch(f"{BASE}/{seed.users['bruno']}", json={"full_name": "Bruno D.", "role": "trainer"})
    assert response.status_code == 200
    assert response.json()["full_name"] == "Bruno D."
    assert db.get(User, seed.users["bruno"]).role == "trainer"


def test_update_user_errors(client, seed):
    assert client.patch(f"{BASE}/{seed.users['bruno']}", json={}).status_code == 400
    assert client.patch(f"{BASE}/999", json={"full_name": "X"}).status_code == 404


def test_deactivate_user(client, seed, db):
    response = client.delete(f"{BASE}/{seed.users['bruno']}")
    assert response.status_code == 204
    assert db.get(User, seed.users["bruno"]).is_active is False
    assert client.get(f"{BASE}/", headers=HEADERS).json()["total"] == 2
    assert client.delete(f"{BASE}/999").status_code == 404
