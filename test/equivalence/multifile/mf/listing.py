from sqlalchemy.ext.asyncio import AsyncSession  # noqa: F401 (the migrated cases are annotated with it)
from models import User
from mf.queries import active_users_query, liked_posts_query, oldest_member_name


def case_mf_helper_finished_in_other_module(db):
    return active_users_query(db).order_by(User.id).all()


def case_mf_helper_counted_and_first_in_other_module(db):
    return active_users_query(db).filter(User.age > 30).count(), active_users_query(db).order_by(User.age).first()


def case_mf_plain_def_awaited_in_other_module(db):
    return oldest_member_name(db)


def case_mf_liked_posts_counted_unsupported(db):
    return liked_posts_query(db).count()
