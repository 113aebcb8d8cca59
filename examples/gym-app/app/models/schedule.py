from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import relationship

from app.db.base import Base


class ClassSession(Base):
    """Una sesión concreta de una clase (p.ej. "Spinning lunes 18:00")."""

    __tablename__ = "class_sessions"

    id = Column(Integer, primary_key=True, index=True)
    gym_id = Column(Integer, ForeignKey("gyms.id"), index=True, nullable=False)
    name = Column(String(120), nullable=False)
    trainer_id = Column(Integer, ForeignKey("users.id"), nullable=True)
    start_time = Column(DateTime, index=True, nullable=False)
    end_time = Column(DateTime, nullable=False)
    capacity = Column(Integer, default=20, nullable=False)
    status = Column(String(16), default="scheduled", nullable=False)
    created_at = Column(DateTime, server_default=func.now())

    gym = relationship("Gym", back_populates="class_sessions")
    participations = relationship("Participation", back_populates="session", cascade="all, delete-orphan")


class Participation(Base):
    """Reserva de un usuario en una ClassSession."""

    __tablename__ = "participations"

    id = Column(Integer, primary_key=True, index=True)
    session_id = Column(Integer, ForeignKey("class_sessions.id"), index=True, nullable=False)
    user_id = Column(Integer, ForeignKey("users.id"), index=True, nullable=False)
    status = Column(String(16), default="registered", nullable=False)  # registered | cancelled | attended
    created_at = Column(DateTime, server_default=func.now())

    session = relationship("ClassSession", back_populates="participations")
    user = relationship("User", back_populates="participations")
