from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.db.base import Base


class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True, index=True)
    gym_id = Column(Integer, ForeignKey("gyms.id"), index=True, nullable=False)
    email = Column(String(255), unique=True, index=True, nullable=False)
    full_name = Column(String(255), nullable=False)
    role = Column(String(32), default="member", nullable=False)  # member | trainer | admin
    is_active = Column(Boolean, default=True, nullable=False)
    stripe_customer_id = Column(String(64), nullable=True)
    created_at = Column(DateTime, default=datetime.utcnow)
    last_seen_at = Column(DateTime, nullable=True)

    gym = relationship("Gym", back_populates="users")
    # lazy por defecto ("select"): en async hay que cargarla con selectinload()
    attendances = relationship("Attendance", back_populates="user", cascade="all, delete-orphan")
    participations = relationship("Participation", back_populates="user")
    # selectin: se carga siempre junto al usuario, segura en async
    memberships = relationship("Membership", back_populates="user", lazy="selectin")
