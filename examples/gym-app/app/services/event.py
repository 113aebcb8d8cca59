"""Servicio de eventos (SYNC, legacy). Reemplazado por app/services/async_event.py; ya nadie lo importa."""
from datetime import datetime
from typing import Optional

from fastapi import HTTPException
from sqlalchemy.orm import Session

from app.models.event import Event, EventParticipant


class EventService:
    def list_events(self, db: Session, gym_id: int, limit: int = 50) -> list[Event]:
        return db.query(Event).filter(Event.gym_id == gym_id).order_by(Event.start_time).limit(limit).all()

    def get_event(self, db: Session, event_id: int) -> Optional[Event]:
        return db.query(Event).get(event_id)

    def register_participant(self, db: Session, event: Event, user_id: int) -> EventParticipant:
        existing = db.query(EventParticipant).filter_by(event_id=event.id, user_id=user_id).first()
        if existing:
            return existing
        if event.max_participants is not None and len(event.participants) >= event.max_participants:
            raise HTTPException(status_code=409, detail="Event is full")
        participant = EventParticipant(event_id=event.id, user_id=user_id, registered_at=datetime.utcnow())
        db.add(participant)
        db.commit()
        db.refresh(participant)
        return participant


event_service = EventService()
