from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.db.base import Base


class Attendance(Base):
    """Un check-in en el gimnasio."""

    __tablename__ = "attendances"

    id = Column(Integer, primary_key=True, index=True)
    user_id = Column(Integer, ForeignKey("users.id"), index=True, nullable=False)
    gym_id = Column(Integer, ForeignKey("gyms.id"), index=True, nullable=False)
    source = Column(String(32), default="app", nullable=False)  # app | qr | desk
    checked_in_at = Column(DateTime, default=datetime.utcnow, index=True, nullable=False)

    user = relationship("User", back_populates="attendances")
