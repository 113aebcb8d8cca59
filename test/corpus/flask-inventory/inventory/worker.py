"""RQ worker jobs (sync; run by `rq worker inventory`)."""
import logging
import time

import requests
from redis import Redis
from rq import Queue

from . import create_app
from .extensions import db
from .models import Item

log = logging.getLogger(__name__)
queue = Queue("inventory", connection=Redis())


def sync_prices(supplier_url: str) -> int:
    app = create_app()
    updated = 0
    with app.app_context():
        for item in Item.query.filter_by(discontinued=False).yield_per(200):
            resp = requests.get(f"{supplier_url}/prices/{item.sku}", timeout=10)
            if resp.status_code == 404:
                continue
            resp.raise_for_status()
            item.unit_cost = resp.json()["cost"]
            updated += 1
            time.sleep(0.05)
        db.session.commit()
    log.info("updated %d prices", updated)
    return updated


def enqueue_price_sync(url: str):
    return queue.enqueue(sync_prices, url, job_timeout=3600)
