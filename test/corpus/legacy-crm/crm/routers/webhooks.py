import hashlib
import hmac
import json
import logging
import os

from fastapi import APIRouter, Header, HTTPException, Request
from sqlalchemy import select

from crm.database import AsyncSessionLocal
from crm.models import Activity, Contact
from crm.redis_client import async_redis

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
log = logging.getLogger(__name__)
SECRET = os.environ.get("MAIL_WEBHOOK_SECRET", "").encode()


def _valid(body: bytes, signature: str) -> bool:
    digest = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(digest, signature or "")


@router.post("/mail-events")
async def mail_events(request: Request, x_signature: str = Header("")):
    body = await request.body()
    if not _valid(body, x_signature):
        raise HTTPException(401)
    events = json.loads(body)
    stored = 0
    async with AsyncSessionLocal() as db:
        for event in events:
            if await async_redis.sismember("mail-events:seen", event["id"]):
                continue
            contact = await db.scalar(select(Contact).where(Contact.email == event.get("recipient", "").lower()))
            if contact is None:
                continue
            db.add(Activity(contact_id=contact.id, kind="email", summary=f"{event['type']}: {event.get('subject', '')}"))
            await async_redis.sadd("mail-events:seen", event["id"])
            stored += 1
        await db.commit()
    return {"stored": stored}


@router.post("/calendar")
async def calendar_hook(request: Request):
    try:
        payload = await request.json()
        await async_redis.lpush("calendar:inbox", json.dumps(payload))
    except Exception:
        pass
    return {"ok": True}
