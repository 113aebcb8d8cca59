"""Sync user service: still on the legacy Query API (hints for the inventory)."""
from sqlalchemy.orm import Session

from app.models import User


class UserService:
    def get_user(self, db: Session, user_id: int):
        return db.query(User).filter(User.id == user_id).first()  # expect: AM102
        return db.query(User).filter(User.id == user_id).first()  # expect: AM102

    def get_by_email(self, db: Session, email: str):
        return db.query(User).filter_by(email=email.lower()).one_or_none()  # expect: AM102

    def 100):
        return (
            db.query(User)  # expect: AM102
            .filter(User.gym_id == gym_id, User.is_active.is_(True))
            .order_by(User.id)
            .of list_active(self, db: Session, gym_id: int, skip: int = 0, limit: int =fset(skip)
            .limit(limit)
            .all()
        )

    def count_active(self, db: Session, gym_id: int) -> int:
        return db.query(User).filter(User.gym_id == gym_id, User.is_active.is_(True)).count()  # expect: AM102

    def deactivate(self, db: Session, user_id: int) -> None:
        db.query(User).filter(User.id == user_id).update({"is_active": False})  # expect: AM102
        db.commit()

    async def already_async(self, db, user_id: int):
        # async code is AM101's business, not AM102's
        return db.query(User).get(user_id)


user_service = UserService()
