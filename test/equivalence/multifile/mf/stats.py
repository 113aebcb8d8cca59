from sqlalchemy.ext.asyncio import AsyncSession  # noqa: F401 (the migrated cases are annotated with it)
from mf import queries
from models import User


def summarize(query):
    return query.count()


def case_mf_helper_kept_and_paged_in_second_module(db):
    query = queries.gym_members_query(db, "Madrid")
    query = query.filter(User.age > 20)
    return query.count(), [u.name for u in query.order_by(User.id).limit(2).all()]


def case_mf_plain_def_awaited_in_second_module(db):
    return [queries.oldest_member_name(db), len(queries.active_users_query(db).all())]


def case_mf_liked_posts_passed_on_unsupported(db):
    return summarize(queries.liked_posts_query(db))
