"""Helpers whose queries are finished or called in other modules (issue 14, items 6 and 7 across files)."""
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: F401 (the migrated cases are annotated with it)
from sqlalchemy.orm import Session

from models import Gym, Post, User


# --- a Query built here and finished in mf/listing.py and mf/stats.py: returns a select() ---------

def active_users_query(db):
    return db.query(User).filter(User.is_active == True)  # noqa: E712


def gym_members_query(db, city):
    query = db.query(User).join(Gym)
    query = query.filter(Gym.city == city)
    return query


# --- refused: mf/stats.py passes the Query on (no caller is edited) -------------------------------

def liked_posts_query(db):
    return db.query(Post).filter(Post.likes >= 3)


# --- a legacy query in a plain def: made async, awaited in mf/listing.py and mf/stats.py ---------

def oldest_member_name(db: Session):
    return db.query(User.name).order_by(User.age.desc(), User.id).first()


# --- refused: mf/reports.py calls it from a sync function that is not being migrated --------------

def member_names(db: Session, gym_id):
    users = db.query(User).filter(User.gym_id == gym_id).order_by(User.id).all()
    return [u.name for u in users]
