"""Membresías (Tier 3: Stripe, facturación). OJO: el SDK de Stripe es sync."""
from datetime import datetime

import stripe
from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.core.config import settings
from app.db.session import get_async_db, get_db
from app.models.membership import Membership
from app.models.user import User
from app.schemas.membership import MembershipCreate, MembershipOut
from app.services.stripe_service import stripe_service

router = APIRouter()


@router.get("/user/{user_id}", response_model=list[MembershipOut])
def list_user_memberships(user_id: int, db: Session = Depends(get_db)):
    return db.query(Membership).filter(Membership.user_id == user_id).order_by(Membership.id.desc()).all()


@router.post("", response_model=MembershipOut, status_code=status.HTTP_201_CREATED)
async def create_membership(body: MembershipCreate, db: AsyncSession = Depends(get_async_db)):
    user = await db.get(User, body.user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")

    if not user.stripe_customer_id:
        customer = stripe.Customer.create(email=user.email, name=user.full_name, metadata={"user_id": user.id})
        user.stripe_customer_id = customer["id"]

    price_id = body.price_id or settings.STRIPE_DEFAULT_PRICE_ID
    subscription = stripe.Subscription.create(customer=user.stripe_customer_id, items=[{"price": price_id}])

    membership = Membership(
        user_id=user.id,
        gym_id=user.gym_id,
        plan=body.plan,
        status="active",
        stripe_subscription_id=subscription["id"],
        current_period_end=datetime.utcfromtimestamp(subscription["current_period_end"]),
    )
    db.add(membership)
    await db.commit()
    await db.refresh(membership)
    return membership


@router.post("/{membership_id}/cancel", response_model=MembershipOut)
def cancel_membership(membership_id: int, db: Session = Depends(get_db)):
    membership = db.query(Membership).get(membership_id)
    if membership is None:
        raise HTTPException(status_code=404, detail="Membership not found")
    if membership.status == "cancelled":
        return membership
    if membership.stripe_subscription_id:
        stripe_service.cancel_subscription(membership.stripe_subscription_id)
    membership.status = "cancelled"
    db.commit()
    db.refresh(membership)
    return membership
