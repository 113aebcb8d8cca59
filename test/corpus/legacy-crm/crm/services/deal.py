from decimal import Decimal
from typing import Dict

from sqlalchemy import func
from sqlalchemy.orm import Session

from crm.models import Contact, Deal

STAGES = ("lead", "qualified", "proposal", "won", "lost")


def pipeline_summary(db: Session, owner_id: int) -> Dict[str, Dict[str, object]]:
    rows = (
        db.query(Deal.stage, func.count(Deal.id), func.coalesce(func.sum(Deal.amount), 0))
        .join(Contact)
        .filter(Contact.owner_id == owner_id)
        .group_by(Deal.stage)
        .all()
    )
    summary = {stage: {"count": 0, "amount": Decimal(0)} for stage in STAGES}
    for stage, count, amount in rows:
        summary[stage] = {"count": count, "amount": amount}
    return summary


def move_stage(db: Session, deal: Deal, stage: str) -> Deal:
    if stage not in STAGES:
        raise ValueError(stage)
    deal.stage = stage
    if stage in ("won", "lost"):
        deal.closed_at = func.now()
    db.commit()
    return deal


def deals_for_contact(db: Session, contact_id: int):
    return db.query(Deal).filter(Deal.contact_id == contact_id).order_by(Deal.id.desc()).all()
