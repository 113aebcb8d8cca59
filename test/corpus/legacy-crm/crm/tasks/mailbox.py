import logging
import os
import time

from crm.database import db_session
from crm.models import Activity, Contact
from crm.services.mailbox import fetch_unseen
from crm.tasks import app

log = logging.getLogger(__name__)


@app.task(autoretry_for=(ConnectionError,), retry_backoff=True)
def sync_mailbox():
    host, user, password = os.environ["IMAP_HOST"], os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"]
    created = 0
    try:
        for msg in fetch_unseen(host, user, password):
            contact = Contact.query.filter_by(email=msg.sender.lower()).first()
            if contact is None:
                log.debug("ignoring mail from unknown sender %s", msg.sender)
                continue
            db_session.add(Activity(contact_id=contact.id, kind="email", summary=msg.subject))
            created += 1
            if created % 50 == 0:
                db_session.commit()
                time.sleep(0.2)
        db_session.commit()
    finally:
        db_session.remove()
    return created
