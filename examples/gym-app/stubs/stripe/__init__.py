"""Offline stub of the parts of the Stripe SDK that the gym app uses."""
import json
from typing import Any

from stripe import error

api_key = None

__all__ = ["Customer", "Subscription", "Webhook", "api_key", "error"]


class Customer:
    @staticmethod
    def create(**params: Any) -> dict[str, Any]:
        return {"id": "cus_stub", "object": "customer", **params}


class Subscription:
    @staticmethod
    def create(**params: Any) -> dict[str, Any]:
        return {
            "id": "sub_stub",
            "object": "subscription",
            "status": "active",
            "current_period_end": 1767225600,  # 2026-01-01T00:00:00Z
            **params,
        }

    @staticmethod
    def delete(subscription_id: str) -> dict[str, Any]:
        return {"id": subscription_id, "object": "subscription", "status": "canceled"}


class Webhook:
    @staticmethod
    def construct_event(payload: bytes, sig_header: str, secret: str) -> dict[str, Any]:
        """Acepta la firma `t=0,v1=<secret>`; cualquier otra cosa falla como en el SDK real."""
        if sig_header != f"t=0,v1={secret}":
            raise error.SignatureVerificationError("No signatures found matching the expected signature", sig_header)
        try:
            return json.loads(payload)
        except json.JSONDecodeError as exc:
            raise ValueError("Invalid payload") from exc
