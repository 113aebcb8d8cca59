"""Webhooks de Stripe (Tier 3). Errores aquí afectan a la facturación: migrar al final."""
import datetime

import stripe
from fastapi import APIRouter, Depends, Header, HTTPException, Request
from sqlalchemy.orm import Session

from app.db.session import get_db
from app.models.membership import Membership
from app.services.stripe_service import stripe_service

router = APIRouter()


async def raw_body(request: Request) -> bytes:
    """Stripe firma el body exacto: hay que leerlo sin parsear."""
    return await request.body()


@router.post("/stripe")
def stripe_webhook(
    payload: bytes = Depends(raw_body),
    stripe_signature: str = Header(""),
    db: Session = Depends(get_db),
):
    try:
        event = stripe_service.construct_event(payload, stripe_signature)
    except ValueError:
        raise HTTPException(status_code=400, detail="Invalid payload")
    except stripe.error.SignatureVerificationError:
        raise HTTPException(status_code=400, detail="Invalid signature")

    obj = event["data"]["object"]
    if event["type"] == "invoice.paid":
        membership = db.query(Membership).filter_by(stripe_subscription_id=obj["subscription"]).first()
        if membership is None:
            return {"received": True, "handled": False}
        membership.status = "active"
        membership.current_period_end = datetime.datetime.utcfromtimestamp(obj["period_end"])
    elif event["type"] == "customer.subscription.deleted":
        db.query(Membership).filter(Membership.stripe_subscription_id == obj["id"]).update({"status": "cancelled"})
    else:
        return {"received": True, "handled": False}

    db.commit()
    return {"received": True, "handled": True}
