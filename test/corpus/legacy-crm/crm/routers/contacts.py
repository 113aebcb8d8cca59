from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from crm.deps import current_user, get_async_db, get_db
from crm.models import Contact, User
from crm.schemas import ContactIn, ContactOut
from crm.services.async_contact import async_contact_service
from crm.services.contact import contact_service

router = APIRouter(prefix="/contacts", tags=["contacts"])


# --- migrated (tier 1) -------------------------------------------------------

@router.get("/", response_model=List[ContactOut])
async def list_contacts(
    q: Optional[str] = None,
    skip: int = 0,
    limit: int = Query(50, le=200),
    db: AsyncSession = Depends(get_async_db),
    user: User = Depends(current_user),
):
    return await async_contact_service.list(db, user.id, q=q, skip=skip, limit=limit)


@router.get("/count")
async def count_contacts(db: AsyncSession = Depends(get_async_db), user: User = Depends(current_user)):
    return {"count": await async_contact_service.count_for_owner(db, user.id)}


@router.get("/{contact_id}", response_model=ContactOut)
async def get_contact(contact_id: int, db: AsyncSession = Depends(get_async_db), user: User = Depends(current_user)):
    contact = await contact_service.get(db, contact_id)
    if contact is None or contact.owner_id != user.id:
        raise HTTPException(status_code=404, detail="Contact not found")
    return contact


# --- not migrated yet ----------------------------------------------------------

@router.post("/", response_model=ContactOut, status_code=201)
def create_contact(data: ContactIn, db: Session = Depends(get_db), user: User = Depends(current_user)):
    if db.query(Contact).filter(Contact.email == data.email.lower()).first():
        raise HTTPException(status_code=409, detail="A contact with this email already exists")
    return contact_service.create(db, data, user.id)


@router.post("/{contact_id}/archive", status_code=204)
def archive_contact(contact_id: int, db: Session = Depends(get_db), user: User = Depends(current_user)):
    contact = contact_service.get(db, contact_id)
    if not contact or contact.owner_id != user.id:
        raise HTTPException(404)
    contact_service.archive(db, contact)


@router.post("/merge")
async def merge_contacts(keep_id: int, drop_id: int, db: Session = Depends(get_db), user: User = Depends(current_user)):
    keep = db.query(Contact).get(keep_id)
    drop = db.query(Contact).get(drop_id)
    if not keep or not drop:
        raise HTTPException(404)
    for activity in list(drop.activities):
        activity.contact_id = keep.id
    for deal in list(drop.deals):
        deal.contact_id = keep.id
    db.delete(drop)
    db.commit()
    return {"kept": keep.id}
