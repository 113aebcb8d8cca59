from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import relationship

from app.db.base import Base


class Event(Base):
    __tablename__ = "events"

    id = Column(Integer, primary_key=True, index=True)
    gym_id = Column(Integer, ForeignKey("gyms.id"), index=True, nullable=False)
    title = Column(String(200), nullable=False)
    description = Column(Text, nullable=True)
    start_time = Column(DateTime, index=True, nullable=False)
    max_participants = Column(Integer, nullable=True)  # None = sin límite
    created_at = Column(DateTime, server_default=func.now())

    # selectin: la lista de participantes se usa en casi todas las respuestas
    participants = relationship(
        "EventParticipant", back_populates="event", lazy="selectin", cascade="all, delete-orphan"
    )


class EventParticipant(Base):
    __tablename__ = "event_participants"
    __table_args__ = (UniqueConstraint("event_id", "user_id", name="uq_event_participant"),)

    id = Column(Integer, primary_key=True, index=True)
    event_id = Column(Integer, ForeignKey("events.id"), index=True, nullable=False)
    user_id = Column(Integer, ForeignKey("users.id"), index=True, nullable=False)
    registered_at = Column(DateTime, server_default=func.now())

    event = relationship("Event", back_populates="participants")
