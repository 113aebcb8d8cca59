import pytest

from app.core.security import create_access_token, decode_token
from app.models.user import User

BASE = "/api/v1/auth"


def test_login(client, seed, external, db):
    response = client.post(f"{BASE}/token", json={"email": "ana@gym.test", "password": "s3cret"})

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    payload = decode_token(body["access_token"])
    assert payload["sub"] == seed.users["ana"]
    assert payload["gym"] == seed.gyms["centro"]
    assert [method for method, _ in external.http] == ["POST", "GET"]
    assert external.http[0][1].endswith("/oauth/token")
    assert db.get(User, seed.users["ana"]).last_seen_at is not None


def test_login_unknown_or_inactive_user(client, seed, external):
    assert client.post(f"{BASE}/token", json={"email": "nobody@gym.test", "password": "x"}).status_code == 401
    assert client.post(f"{BASE}/token", json={"email": "diego@gym.test", "password": "x"}).status_code == 401
    assert external.http == []


def test_login_rejected_by_auth0(client, seed, external):
    external.auth0_status = 403
    response = client.post(f"{BASE}/token", json={"email": "ana@gym.test", "password": "wrong"})
    assert response.status_code == 401


def test_login_requires_verified_email(client, seed, external):
    external.email_verified = False
    response = client.post(f"{BASE}/token", json={"email": "ana@gym.test", "password": "s3cret"})
    assert response.status_code == 403


@pytest.mark.xfail(reason="planted bug AM202 (await on sync decode_token); passes after fix", strict=False)
def test_refresh(client, seed):
    token = create_access_token(seed.users["bruno"], seed.gyms["centro"])
    response = client.post(f"{BASE}/refresh", json={"refresh_token": token})
    assert response.status_code == 200
    assert decode_token(response.json()["access_token"])["sub"] == seed.users["bruno"]


@pytest.mark.xfail(reason="planted bug AM202 (await on sync decode_token); passes after fix", strict=False)
def test_refresh_with_invalid_token(client, seed):
    response = client.post(f"{BASE}/refresh", json={"refresh_token": "not.a-token"})
    assert response.status_code == 401
