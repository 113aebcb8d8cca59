import logging
import time
from datetime import datetime, timedelta

import redis
import requests
from sqlalchemy import update

from app.config import settings
from app.db.session import SyncSessionLocal
from app.models import Order, OrderStatus, Product
from app.workers.celery_app import celery_app

log = logging.getLogger(__name__)
r = redis.Redis.from_url(str(settings.redis_url))


@celery_app.task
def expire_pending_orders(max_age_hours: int = 24) -> int:
    cutoff = datetime.utcnow() - timedelta(hours=max_age_hours)
    with SyncSessionLocal() as db:
        result = db.execute(
            update(Order)
            .where(Order.status == OrderStatus.pending, Order.placed_at < cutoff)
            .values(status=OrderStatus.cancelled)
        )
        db.commit()
    log.info("expired %s orders", result.rowcount)
    return result.rowcount


@celery_app.task(bind=True, max_retries=5, default_retry_delay=30)
def push_to_search(self, product_id: int) -> None:
    with SyncSessionLocal() as db:
        product = db.get(Product, product_id)
        if product is None:
            return
        doc = {"id": product.id, "sku": product.sku, "title": product.title, "price": str(product.price)}
    try:
        resp = requests.put(f"http://search:9200/products/_doc/{product_id}", json=doc, timeout=5)
        resp.raise_for_status()
    except requests.RequestException as exc:
        raise self.retry(exc=exc)


@celery_app.task
def reindex_products(batch: int = 200) -> None:
    with SyncSessionLocal() as db:
        ids = [pid for (pid,) in db.query(Product.id).filter(Product.is_active == True).all()]  # noqa: E712
    for i in range(0, len(ids), batch):
        for pid in ids[i : i + batch]:
            push_to_search.delay(pid)
        time.sleep(1)  # be gentle with the search cluster


@celery_app.task
def publish_stock(product_id: int, stock: int) -> None:
    r.publish("stock", f'{{"product_id": {product_id}, "stock": {stock}}}')
