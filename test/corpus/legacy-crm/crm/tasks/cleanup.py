import datetime
import logging

from crm.database import db_session
from crm.models import Activity
from crm.redis_client import redis_client
from crm.tasks import app

log = logging.getLogger(__name__)


@app.task
def purge_old_activities(days=730):
    cutoff = datetime.datetime.utcnow() - datetime.timedelta(days=days)
    deleted = db_session.query(Activity).filter(Activity.happened_at < cutoff).delete(synchronize_session=False)
    db_session.commit()
    log.info("purged %d activities older than %s", deleted, cutoff.date())


@app.task
def clear_count_cache():
    keys = redis_client.keys("contacts:count:*")
    if keys:
        redis_client.delete(*keys)
    return len(keys)
