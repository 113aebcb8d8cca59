from typing import AsyncGenerator, Generator

from fastapi import Depends, Header, HTTPException
from sqlalchemy.orm import Session

from crm.database import AsyncSessionLocal, SessionLocal
from crm.models import User


def get_db() -> Generator[Session, None, None]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


async def get_async_db() -> AsyncGenerator:
    async with AsyncSessionLocal() as session:
        yield session


def current_user(x_user_id: int = Header(...), db: Session = Depends(get_db)) -> User:
    user = db.query(User).get(x_user_id)
    if user is None:
        raise HTTPException(status_code=401)
    return user
