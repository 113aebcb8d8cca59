import asyncio
import hashlib
import hmac
import logging
import time
from decimal import Decimal

import httpx

from app.config import settings

logger = logging.getLogger("shop.payments")


class PaymentError(RuntimeError):
    pass


class PaymentClient:
    """Thin wrapper over the PSP's REST API."""

    def __init__(self, base_url: str = settings.payment_api_base, api_key: str = settings.payment_api_key):
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=httpx.Timeout(10.0, connect=3.0),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def create_intent(self, order_number: str, amount: Decimal, currency: str = "GBP") -> dict:
        payload = {"reference": order_number, "amount": int(amount * 100), "currency": currency}
        for attempt in range(3):
            try:
                resp = await self._client.post("/intents", json=payload)
                resp.raise_for_status()
                return resp.json()
            except httpx.TransportError:
                logger.warning("payment provider unreachable (attempt %s)", attempt + 1)
                time.sleep(0.5 * 2**attempt)
        raise PaymentError("payment provider unavailable")

    async def refund(self, intent_id: str, amount: Decimal | None = None) -> dict:
        body = {} if amount is None else {"amount": int(amount * 100)}
        resp = await self._client.post(f"/intents/{intent_id}/refund", json=body)
        if resp.status_code >= 400:
            raise PaymentError(resp.text)
        return resp.json()

    async def wait_for_capture(self, intent_id: str, timeout: float = 30) -> bool:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            resp = await self._client.get(f"/intents/{intent_id}")
            if resp.json().get("status") == "captured":
                return True
            await asyncio.sleep(1)
        return False


def verify_signature(body: bytes, signature: str, secret: str = settings.payment_api_key) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
