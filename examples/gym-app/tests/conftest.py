"""Test harness for the gym app.

Works for the current (mostly sync) app AND after the endpoints are migrated to
async: both session dependencies are overridden and point at the same temp
sqlite file (sync engine for `get_db`, aiosqlite for `get_async_db`), both Redis
dependencies share one in-memory store, and Stripe / Auth0 HTTP calls are
monkeypatched. Nothing touches the network.
"""
import asyncio
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, AsyncIterator, Iterator

import pytest
import requests
import stripe
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

import app.core.redis as redis_module
from app.core.config import settings
from app.core.redis import get_async_redis, get_redis
from app.db.base import Base
from app.db.session import get_async_db, get_db, to_async_url
from app.main import app
from app.models import (
    Attendance,
    ClassSession,
    Event,
    EventParticipant,
    Gym,
    Membership,
    Participation,
    User,
)
from tests.fake_redis import FakeAsyncRedis, FakeRedis, FakeRedisStore

HEADERS = {"X-User-Id": "1", "X-Gym-Id": "1"}


def naive_utc_now() -> datetime:
    """UTC "naive", as the sqlite columns store it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass
class Seed:
    """Ids and reference times of the seeded rows (see `seed` fixture)."""

    now: datetime
    today: datetime
    gyms: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    sessions: dict[str, int] = field(default_factory=dict)
    participations: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    memberships: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- DB


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'gym_test.db'}"


def _fast_sqlite(dbapi_connection, _record) -> None:
    # tests only: no fsync on every commit
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


@pytest.fixture
def sync_engine(db_url):
    engine = create_engine(db_url, connect_args={"check_same_thread": False}, future=True)
    event.listen(engine, "connect", _fast_sqlite)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def async_engine(db_url, sync_engine):
    # NullPool: every AsyncSession opens its own aiosqlite connection in the running loop
    engine = create_async_engine(to_async_url(db_url), poolclass=NullPool)
    event.listen(engine.sync_engine, "connect", _fast_sqlite)
    yield engine
    asyncio.run(engine.dispose())


@pytest.fixture
def session_factory(sync_engine):
    return sessionmaker(bind=sync_engine, autocommit=False, autoflush=False, future=True)


@pytest.fixture
def db(session_factory) -> Iterator[Session]:
    """A sync session for assertions on what the API committed."""
    session = session_factory()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def seed(session_factory) -> Seed:
    now = naive_utc_now()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    data = Seed(now=now, today=today)

    with session_factory() as s:
        centro = Gym(name="Gym Centro", slug="centro")
        norte = Gym(name="Gym Norte", slug="norte")
        s.add_all([centro, norte])
        s.flush()

        ana = User(gym_id=centro.id, email="ana@gym.test", full_name="Ana García", stripe_customer_id="cus_ana")
        bruno = User(gym_id=centro.id, email="bruno@gym.test", full_name="Bruno Díaz")
        carla = User(gym_id=centro.id, email="carla@gym.test", full_name="Carla Ruiz", role="trainer")
        diego = User(gym_id=centro.id, email="diego@gym.test", full_name="Diego Sanz", is_active=False)
        elena = User(gym_id=norte.id, email="elena@norte.test", full_name="Elena Vidal")
        s.add_all([ana, bruno, carla, diego, elena])
        s.flush()

        s.add_all(
            [
                # Ana: hoy, ayer, hace 3 días (racha = 2) y hace 40 días
                Attendance(user_id=ana.id, gym_id=centro.id, checked_in_at=now),
                Attendance(user_id=ana.id, gym_id=centro.id, checked_in_at=now - timedelta(days=1)),
                Attendance(user_id=ana.id, gym_id=centro.id, checked_in_at=now - timedelta(days=3)),
                Attendance(user_id=ana.id, gym_id=centro.id, checked_in_at=now - timedelta(days=40)),
                Attendance(user_id=carla.id, gym_id=centro.id, checked_in_at=now - timedelta(days=2)),
                Attendance(user_id=elena.id, gym_id=norte.id, checked_in_at=now),
            ]
        )

        spinning = ClassSession(
            gym_id=centro.id, name="Spinning", trainer_id=carla.id, capacity=2,
            start_time=today + timedelta(hours=10), end_time=today + timedelta(hours=11),
        )
        yoga = ClassSession(
            gym_id=centro.id, name="Yoga", trainer_id=carla.id, capacity=10,
            start_time=today + timedelta(hours=12), end_time=today + timedelta(hours=13),
        )
        pilates = ClassSession(
            gym_id=centro.id, name="Pilates", capacity=5,
            start_time=today + timedelta(days=1, hours=9), end_time=today + timedelta(days=1, hours=10),
        )
        crossfit = ClassSession(
            gym_id=centro.id, name="Crossfit", capacity=12, status="cancelled",
            start_time=today + timedelta(hours=8), end_time=today + timedelta(hours=9),
        )
        boxeo = ClassSession(
            gym_id=norte.id, name="Boxeo", capacity=8,
            start_time=today + timedelta(hours=19), end_time=today + timedelta(hours=20),
        )
        s.add_all([spinning, yoga, pilates, crossfit, boxeo])
        s.flush()

        ana_spinning = Participation(session_id=spinning.id, user_id=ana.id, status="registered")
        ana_yoga = Participation(session_id=yoga.id, user_id=ana.id, status="registered")
        bruno_spinning = Participation(session_id=spinning.id, user_id=bruno.id, status="cancelled")
        s.add_all([ana_spinning, ana_yoga, bruno_spinning])

        padel = Event(gym_id=centro.id, title="Torneo de pádel", start_time=now + timedelta(days=7), max_participants=2)
        charla = Event(gym_id=centro.id, title="Charla de nutrición", description="Con la nutricionista del centro",
                       start_time=now + timedelta(days=3))
        carrera = Event(gym_id=norte.id, title="Carrera popular", start_time=now + timedelta(days=10))
        s.add_all([padel, charla, carrera])
        s.flush()
        s.add(EventParticipant(event_id=padel.id, user_id=ana.id))

        ana_premium = Membership(user_id=ana.id, gym_id=centro.id, plan="premium", status="active",
                                 stripe_subscription_id="sub_ana", current_period_end=now + timedelta(days=20))
        bruno_basic = Membership(user_id=bruno.id, gym_id=centro.id, plan="basic", status="past_due",
                                 stripe_subscription_id="sub_bruno", current_period_end=now - timedelta(days=2))
        s.add_all([ana_premium, bruno_basic])
        s.commit()

        data.gyms = {"centro": centro.id, "norte": norte.id}
        data.users = {"ana": ana.id, "bruno": bruno.id, "carla": carla.id, "diego": diego.id, "elena": elena.id}
        data.sessions = {"spinning": spinning.id, "yoga": yoga.id, "pilates": pilates.id,
                         "crossfit": crossfit.id, "boxeo": boxeo.id}
        data.participations = {"ana_spinning": ana_spinning.id, "ana_yoga": ana_yoga.id,
                               "bruno_spinning": bruno_spinning.id}
        data.events = {"padel": padel.id, "charla": charla.id, "carrera": carrera.id}
        data.memberships = {"ana_premium": ana_premium.id, "bruno_basic": bruno_basic.id}
    return data


# ------------------------------------------------------------------------ Redis


@pytest.fixture
def redis_store() -> FakeRedisStore:
    return FakeRedisStore()


@pytest.fixture
def fake_redis(redis_store) -> FakeRedis:
    return FakeRedis(redis_store)


@pytest.fixture
def fake_async_redis(redis_store) -> FakeAsyncRedis:
    return FakeAsyncRedis(redis_store)


# ---------------------------------------------------------- Stripe and Auth0


@dataclass
class ExternalCalls:
    customers: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    http: list[tuple[str, str]] = field(default_factory=list)
    auth0_status: int = 200
    email_verified: bool = True


class FakeResponse:
    def __init__(self, status_code: int, payload: dict[str, Any]) -> None:
        self.status_code = status_code
        self._payload = payload

    def json(self) -> dict[str, Any]:
        return self._payload


@pytest.fixture(autouse=True)
def external(monkeypatch) -> ExternalCalls:
    calls = ExternalCalls()

    def customer_create(**params: Any) -> dict[str, Any]:
        calls.customers.append(params)
        return {"id": f"cus_test_{len(calls.customers)}", **params}

    def subscription_create(**params: Any) -> dict[str, Any]:
        calls.subscriptions.append(params)
        return {"id": f"sub_test_{len(calls.subscriptions)}", "status": "active",
                "current_period_end": 1767225600}  # 2026-01-01T00:00:00Z

    def subscription_delete(subscription_id: str, **params: Any) -> dict[str, Any]:
        calls.cancelled.append(subscription_id)
        return {"id": subscription_id, "status": "canceled"}

    def construct_event(payload: bytes, sig_header: str, secret: str) -> dict[str, Any]:
        if sig_header != f"t=0,v1={secret}":
            raise stripe.error.SignatureVerificationError("bad signature", sig_header)
        try:
            return json.loads(payload)
        except json.JSONDecodeError as exc:
            raise ValueError("Invalid payload") from exc

    def http_post(url: str, **kwargs: Any) -> FakeResponse:
        calls.http.append(("POST", url))
        if calls.auth0_status != 200:
            return FakeResponse(calls.auth0_status, {"error": "invalid_grant"})
        return FakeResponse(200, {"access_token": "auth0-test-token", "token_type": "Bearer"})

    def http_get(url: str, **kwargs: Any) -> FakeResponse:
        calls.http.append(("GET", url))
        return FakeResponse(200, {"sub": "auth0|test", "email_verified": calls.email_verified})

    monkeypatch.setattr(stripe.Customer, "create", customer_create)
    monkeypatch.setattr(stripe.Subscription, "create", subscription_create)
    monkeypatch.setattr(stripe.Subscription, "delete", subscription_delete)
    monkeypatch.setattr(stripe.Webhook, "construct_event", construct_event)
    monkeypatch.setattr(requests, "post", http_post)
    monkeypatch.setattr(requests, "get", http_get)
    return calls


# ----------------------------------------------------------------------- Client


@pytest.fixture
def client(sync_engine, async_engine, seed, fake_redis, fake_async_redis, monkeypatch) -> Iterator[TestClient]:
    SyncTestingSession = sessionmaker(bind=sync_engine, autocommit=False, autoflush=False, future=True)
    AsyncTestingSession = sessionmaker(bind=async_engine, class_=AsyncSession, expire_on_commit=False)

    def override_get_db() -> Iterator[Session]:
        session = SyncTestingSession()
        try:
            yield session
        finally:
            session.close()

    async def override_get_async_db() -> AsyncIterator[AsyncSession]:
        async with AsyncTestingSession() as session:
            yield session

    def override_get_redis() -> Iterator[FakeRedis]:
        yield fake_redis

    async def override_get_async_redis() -> AsyncIterator[FakeAsyncRedis]:
        yield fake_async_redis

    app.dependency_overrides[get_db] = override_get_db
    app.dependency_overrides[get_async_db] = override_get_async_db
    app.dependency_overrides[get_redis] = override_get_redis
    app.dependency_overrides[get_async_redis] = override_get_async_redis
    # por si algún servicio usa el cliente global en vez de la dependencia
    monkeypatch.setattr(redis_module, "redis_client", fake_redis)
    monkeypatch.setattr(redis_module, "async_redis_client", fake_async_redis)

    try:
        with TestClient(app) as test_client:
            yield test_client
    finally:
        app.dependency_overrides.clear()


@pytest.fixture
def stripe_signature() -> str:
    return f"t=0,v1={settings.STRIPE_WEBHOOK_SECRET}"
