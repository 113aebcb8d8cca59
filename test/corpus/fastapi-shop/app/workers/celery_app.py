from celery import Celery
from celery.schedules import crontab

from app.config import settings

celery_app = Celery("shop", broker=str(settings.redis_url), backend=str(settings.redis_url))
celery_app.conf.update(
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    timezone="UTC",
    beat_schedule={
        "expire-pending-orders": {"task": "app.workers.tasks.expire_pending_orders", "schedule": crontab(minute="*/15")},
        "reindex-search": {"task": "app.workers.tasks.reindex_products", "schedule": crontab(hour=3, minute=0)},
    },
)
celery_app.autodiscover_tasks(["app.workers"])
