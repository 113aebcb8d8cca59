"""Sesiones de base de datos: sync (legacy) y async (objetivo de la migración)."""
from typing import AsyncGenerator, Generator

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import settings


def to_async_url(url: str) -> str:
    """sqlite:// -> sqlite+aiosqlite://, postgresql:// -> postgresql+asyncpg://"""
    if url.startswith("sqlite:///"):
        return url.replace("sqlite:///", "sqlite+aiosqlite:///", 1)
    if url.startswith("postgresql://"):
        return url.replace("postgresql://", "postgresql+asyncpg://", 1)
    return url


SQLALCHEMY_DATABASE_URL = settings.DATABASE_URL
ASYNC_SQLALCHEMY_DATABASE_URL = to_async_url(SQLALCHEMY_DATABASE_URL)

_connect_args = {"check_same_thread": False} if SQLALCHEMY_DATABASE_URL.startswith("sqlite") else {}

# --- Sync (lo que usan los endpoints `def` que quedan) ---
engine = create_engine(SQLALCHEMY_DATABASE_URL, connect_args=_connect_args, pool_pre_ping=True, future=True)
SessionLocal = sessionmaker(bind=engine, autocommit=False, autoflush=False, future=True)

# --- Async ---
async_engine = create_async_engine(ASYNC_SQLALCHEMY_DATABASE_URL, pool_pre_ping=True)
# SQLAlchemy 1.4: todavía no hay async_sessionmaker
AsyncSessionLocal = sessionmaker(bind=async_engine, class_=AsyncSession, expire_on_commit=False)


def get_db() -> Generator[Session, None, None]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


async def get_async_db() -> AsyncGenerator[AsyncSession, None]:
    async with AsyncSessionLocal() as session:
        yield session
