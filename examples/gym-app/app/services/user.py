"""Servicio de usuarios (SYNC, legacy). Twin async: app/services/async_user.py"""
from datetime import datetime
from typing import Any, Optional

from sqlalchemy.orm import Session

from app.models.user import User


class UserService:
    def get_user(self, db: Session, user_id: int) -> Optional[User]:
        return db.query(User).filter(User.id == user_id).first()

    def get_user_by_email(self, db: Session, email: str) -> Optional[User]:
        return db.query(User).filter_by(email=email.lower()).one_or_none()

    def list_gym_users(self, db: Session, gym_id: int, skip: int = 0, limit: int = 50) -> list[User]:
        return (
            db.query(User)
            .filter(User.gym_id == gym_id, User.is_active.is_(True))
            .order_by(User.id)
            .offset(skip)
            .limit(limit)
            .all()
        )

    def count_gym_users(self, db: Session, gym_id: int) -> int:
        return db.query(User).filter(User.gym_id == gym_id, User.is_active.is_(True)).count()

    def update_user(self, db: Session, user: User, data: dict[str, Any]) -> User:
        for field, value in data.items():
            setattr(user, field, value)
        db.commit()
        db.refresh(user)
        return user

    def touch_last_seen(self, db: Session, user: User) -> None:
        user.last_seen_at = datetime.utcnow()
        db.commit()


user_service = UserService()
