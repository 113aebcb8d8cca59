from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from crm.deps import current_user, get_db
from crm.models import Deal, User
from crm.schemas import DealOut
from crm.services import deal as deal_service

router = APIRouter(prefix="/deals", tags=["deals"])


class StageChange(BaseModel):
    stage: str


@router.get("/pipeline")
def pipeline(db: Session = Depends(get_db), user: User = Depends(current_user)):
    return deal_service.pipeline_summary(db, user.id)


@router.get("/contact/{contact_id}", response_model=list[DealOut])
def deals_for_contact(contact_id: int, db: Session = Depends(get_db)):
    return deal_service.deals_for_contact(db, contact_id)


@router.patch("/{deal_id}/stage", response_model=DealOut)
def change_stage(deal_id: int, body: StageChange, db: Session = Depends(get_db), user: User = Depends(current_user)):
    deal = db.query(Deal).filter(Deal.id == deal_id).one_or_none()
    if deal is None:
        raise HTTPException(404)
    try:
        return deal_service.move_stage(db, deal, body.stage)
    except ValueError:
        raise HTTPException(422, f"unknown stage {body.stage!r}")
