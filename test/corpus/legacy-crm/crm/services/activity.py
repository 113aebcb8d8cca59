from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from crm.models import Activity


class ActivityService:
    def timeline(self, db: Session, contact_id: int, days: int = 90):
        since = datetime.utcnow() - timedelta(days=days)
        return (
            db.query(Activity)
            .filter(Activity.contact_id == contact_id, Activity.happened_at >= since)
            .order_by(Activity.happened_at.desc())
            .all()
        )

    def log(self, db: Session, contact_id: int, kind: str, summary: str, when=None) -> Activity:
        activity = Activity(contact_id=contact_id, kind=kind, summary=summary, happened_at=when or datetime.utcnow())
        db.add(activity)
        db.commit()
        return activity


activity_service = ActivityService()
