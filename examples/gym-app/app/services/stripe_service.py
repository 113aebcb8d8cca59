"""Wrapper del SDK de Stripe (sync). Solo se usa desde endpoints `def`."""
from typing import Any

import stripe

from app.core.config import settings

stripe.api_key = settings.STRIPE_API_KEY


class StripeService:
    def create_customer(self, email: str, name: str) -> Any:
        return stripe.Customer.create(email=email, name=name)

    def create_subscription(self, customer_id: str, price_id: str) -> Any:
        return stripe.Subscription.create(customer=customer_id, items=[{"price": price_id}])

    def cancel_subscription(self, subscription_id: str) -> Any:
        return stripe.Subscription.delete(subscription_id)

    def construct_event(self, payload: bytes, signature: str) -> Any:
        return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)


stripe_service = StripeService()
