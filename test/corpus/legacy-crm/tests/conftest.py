import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from crm.database import Base
from crm.deps import current_user, get_db
from crm.main import app
from crm.models import User

engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
TestingSession = sessionmaker(bind=engine)


@pytest.fixture()
def db():
    Base.metadata.create_all(engine)
    session = TestingSession()
    yield session
    session.close()
    Base.metadata.drop_all(engine)


@pytest.fixture()
def user(db):
    u = User(email="sales@example.com", name="Sam Sales")
    db.add(u)
    db.commit()
    return u


@pytest.fixture()
def client(db, user):
    def override_get_db():
        yield db

    app.dependency_overrides[get_db] = override_get_db
    app.dependency_overrides[current_user] = lambda: user
    with TestClient(app) as c:
        yield c
    app.dependency_overrides = {}
