import json

from app.models.membership import Membership

URL = "/api/v1/webhooks/stripe"


def _send(client, signature, event):
    body = event if isinstance(event, (bytes, str)) else json.dumps(event)
    return client.post(URL, content=body, headers={"stripe-signature": signature})


def test_invoice_paid_reactivates_membership(client, seed, stripe_signature, db):
    event = {"type": "invoice.paid", "data": {"object": {"subscription": "sub_bruno", "period_end": 1767225600}}}
    response = _send(client, stripe_signature, event)

    assert response.status_code == 200
    assert response.json() == {"received": True, "handled": True}
    membership = db.get(Membership, seed.memberships["bruno_basic"])
    assert membership.status == "active"
    assert membership.current_period_end.isoformat().startswith("2026-01-01T00:00:00")


def test_subscription_deleted_cancels_membership(client, seed, stripe_signature, db):
    event = {"type": "customer.subscription.deleted", "data": {"object": {"id": "sub_ana"}}}
    response = _send(client, stripe_signature, event)
    assert response.json() == {"received": True, "handled": True}
    assert db.get(Membership, seed.memberships["ana_premium"]).status == "cancelled"


def test_unhandled_events_are_acknowledged(client, seed, stripe_signature):
    unknown_type = {"type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    unknown_sub = {"type": "invoice.paid", "data": {"object": {"subscription": "sub_nope", "period_end": 0}}}
    assert _send(client, stripe_signature, unknown_type).json() == {"received": True, "handled": False}
    assert _send(client, stripe_signature, unknown_sub).json() == {"received": True, "handled": False}


def test_bad_signature_or_payload(client, seed, stripe_signature):
    event = {"type": "invoice.paid", "data": {"object": {}}}
    assert _send(client, "t=0,v1=forged", event).status_code == 400
    assert _send(client, stripe_signature, b"{not json").status_code == 400
