import datetime
import logging
from typing import List, Optional

from sqlalchemy import or_
from sqlalchemy.orm import Session, joinedload

from crm.models import Contact, Tag
from crm.redis_client import redis_client
from crm.schemas import ContactIn
from crm.utils import normalize_email

log = logging.getLogger(__name__)


class ContactService:
    cache_ttl = 300

    def get(self, db: Session, contact_id: int) -> Optional[Contact]:
        return db.query(Contact).options(joinedload(Contact.tags)).filter(Contact.id == contact_id).first()

    def list(self, db: Session, owner_id: int, q: Optional[str] = None, skip: int = 0, limit: int = 50) -> List[Contact]:
        query = db.query(Contact).filter(Contact.owner_id == owner_id, Contact.archived.is_(False))
        if q:
            like = f"%{q}%"
            query = query.filter(or_(Contact.email.ilike(like), Contact.last_name.ilike(like)))
        return query.order_by(Contact.last_name).offset(skip).limit(limit).all()

    def create(self, db: Session, data: ContactIn, owner_id: int) -> Contact:
        contact = Contact(
            first_name=data.first_name,
            last_name=data.last_name,
            email=normalize_email(data.email),
            phone=data.phone,
            company_id=data.company_id,
            owner_id=owner_id,
        )
        for label in data.tags:
            tag = db.query(Tag).filter_by(label=label).one_or_none() or Tag(label=label)
            contact.tags.append(tag)
        db.add(contact)
        db.commit()
        db.refresh(contact)
        redis_client.delete(f"contacts:count:{owner_id}")
        return contact

    def archive(self, db: Session, contact: Contact) -> None:
        contact.archived = True
        contact.updated_at = datetime.datetime.utcnow()
        db.commit()

    def count_for_owner(self, db: Session, owner_id: int) -> int:
        key = f"contacts:count:{owner_id}"
        cached = redis_client.get(key)
        if cached is not None:
            return int(cached)
        n = db.query(Contact).filter_by(owner_id=owner_id, archived=False).count()
        redis_client.setex(key, self.cache_ttl, n)
        return n


contact_service = ContactService()
