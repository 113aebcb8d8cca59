from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import relationship

from app.db.base import Base


class Membership(Base):
    __tablename__ = "memberships"

    id = Column(Integer, primary_key=True, index=True)
    user_id = Column(Integer, ForeignKey("users.id"), index=True, nullable=False)
    gym_id = Column(Integer, ForeignKey("gyms.id"), index=True, nullable=False)
    plan = Column(String(32), nullable=False)  # basic | premium | annual
    status = Column(String(16), default="active", nullable=False)  # active | past_due | cancelled
    stripe_subscription_id = Column(String(64), unique=True, nullable=True)
    current_period_end = Column(DateTime, nullable=True)
    created_at = Column(DateTime, server_default=func.now())

    user = relationship("User", back_populates="memberships")
