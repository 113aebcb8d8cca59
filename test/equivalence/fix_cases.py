"""Run-time bugs AM104 / AM105 report, for the executable proof of their fixes.

Each `bug_am10X_*` is async code that fails on an AsyncSession as written (InvalidRequestError
for AM104, MissingGreenlet for AM105). The test applies the rules' fixes and checks that the fixed
code runs and returns what `expected_*` (the same intent, written with the sync legacy Query API,
where de-duplication and lazy loading just work) returns.
"""
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from models import Gym, Post, User


async def bug_am104_statement_in_variables(db):
    stmt = select(User).options(joinedload(User.posts)).order_by(User.id)
    result = await db.execute(stmt)
    return [(u.name, sorted(p.title for p in u.posts)) for u in result.scalars().all()]


def expected_am104_statement_in_variables(db):
    return [(u.name, sorted(p.title for p in u.posts)) for u in db.query(User).order_by(User.id).all()]


async def bug_am104_scalar_one(db):
    gym = (await db.execute(select(Gym).options(joinedload(Gym.members)).where(Gym.id == 1))).scalar_one()
    return sorted(m.name for m in gym.members)


def expected_am104_scalar_one(db):
    return sorted(m.name for m in db.query(Gym).filter(Gym.id == 1).one().members)


async def bug_am104_iterated(db):
    names = []
    for user in (await db.scalars(select(User).options(joinedload(User.posts)).where(User.gym_id == 1))):
        names.append((user.name, len(user.posts)))
    return sorted(names)


def expected_am104_iterated(db):
    return sorted((u.name, len(u.posts)) for u in db.query(User).filter(User.gym_id == 1))


async def bug_am105_collection(db):
    result = await db.execute(select(User).where(User.id == 1))
    user = result.scalar_one_or_none()
    return sorted(p.title for p in user.posts)


def expected_am105_collection(db):
    return sorted(p.title for p in db.query(User).get(1).posts)


async def bug_am105_two_relationships(db):
    user = (await db.execute(select(User).options(selectinload(User.memberships)).where(User.id == 2))).scalar_one()
    return user.gym.name, len(user.posts), len(user.memberships)


def expected_am105_two_relationships(db):
    user = db.query(User).get(2)
    return user.gym.name, len(user.posts), len(user.memberships)


async def bug_am105_get(db):
    user = await db.get(User, 4)
    return sorted(p.likes for p in user.posts)


def expected_am105_get(db):
    return sorted(p.likes for p in db.query(User).get(4).posts)


async def bug_am105_loop(db):
    out = []
    for post in (await db.execute(select(Post).order_by(Post.id))).scalars():
        out.append((post.id, post.author.name))
    return out


def expected_am105_loop(db):
    return [(p.id, p.author.name) for p in db.query(Post).order_by(Post.id)]


async def bug_am105_comprehension(db):
    gyms = (await db.scalars(select(Gym).order_by(Gym.id))).all()
    return [(g.name, len(g.members)) for g in gyms]


def expected_am105_comprehension(db):
    return [(g.name, len(g.members)) for g in db.query(Gym).order_by(Gym.id)]
