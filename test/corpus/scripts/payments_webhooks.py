import logging
import os

import stripe
from fastapi import FastAPI, Header, HTTPException, Request
from openai import AsyncOpenAI, OpenAI

stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
WEBHOOK_SECRET = os.environ["STRIPE_WEBHOOK_SECRET"]
log = logging.getLogger(__name__)
app = FastAPI()
aclient = AsyncOpenAI()


@app.post("/stripe/webhook")
async def stripe_webhook(request: Request, stripe_signature: str = Header(None)):
    payload = await request.body()
    try:
        event = stripe.Webhook.construct_event(payload, stripe_signature, WEBHOOK_SECRET)
    except (ValueError, stripe.error.SignatureVerificationError):
        raise HTTPException(status_code=400, detail="invalid signature")
    if event["type"] == "checkout.session.completed":
        session = event["data"]["object"]
        customer = stripe.Customer.retrieve(session["customer"])
        log.info("checkout completed for %s", customer["email"])
    return {"received": True}


@app.post("/summarize")
async def summarize(text: str):
    completion = await aclient.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "system", "content": "Summarize in one sentence."}, {"role": "user", "content": text}],
    )
    return {"summary": completion.choices[0].message.content}


@app.post("/summarize-legacy")
async def summarize_legacy(text: str):
    client = OpenAI()
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
    return {"summary": completion.choices[0].message.content}


@app.get("/prices")
def prices():
    return [{"id": p.id, "amount": p.unit_amount} for p in stripe.Price.list(active=True, limit=20).auto_paging_iter()]
