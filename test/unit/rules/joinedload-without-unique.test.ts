import { py, ruleTester } from '../helpers';
import { withModels } from './orm-models';

const HEADER = py`
  from sqlalchemy import select
  from sqlalchemy.ext.asyncio import AsyncSession
  from sqlalchemy.orm import joinedload, contains_eager, selectinload
  from app.models import User, Post, Gym
`;

function mod(body: string): string {
  return `${HEADER}\n${body}`;
}

ruleTester('AM104', {
  valid: [
    { name: 'unique() already there', files: withModels(mod(py`
      async def f(db: AsyncSession):
          users = (await db.execute(select(User).options(joinedload(User.posts)))).unique().scalars().all()
          result = await db.execute(select(User).options(joinedload(User.tags)))
          tagged = result.unique().scalars().all()
          return users, tagged
    `)) },
    { name: 'joinedload of a scalar relationship needs no unique()', files: withModels(mod(py`
      async def f(db: AsyncSession):
          return (await db.execute(select(Post).options(joinedload(Post.author)))).scalars().all()
    `)) },
    { name: 'uselist=False is a scalar even with a joinedload', files: withModels(mod(py`
      async def f(db: AsyncSession):
          return (await db.execute(select(User).options(joinedload(User.profile)))).scalars().all()
    `)) },
    { name: 'selectinload needs no unique()', files: withModels(mod(py`
      async def f(db: AsyncSession):
          return (await db.execute(select(User).options(selectinload(User.posts)))).scalars().all()
    `)) },
    { name: 'first() and scalar() do not raise', files: withModels(mod(py`
      async def f(db: AsyncSession):
          a = (await db.execute(select(User).options(joinedload(User.posts)))).scalars().first()
          b = await db.scalar(select(User).options(joinedload(User.posts)))
          return a, b
    `)) },
    { name: 'legacy Query de-duplicates by itself', files: withModels(mod(py`
      def f(db):
          return db.query(User).options(joinedload(User.posts)).all()
    `)) },
  ],
  invalid: [
    {
      name: 'statement and result followed through variables',
      files: withModels(mod(py`
        async def list_users(db: AsyncSession, gym_id: int):
            stmt = select(User).options(joinedload(User.posts)).where(User.gym_id == gym_id)
            result = await db.execute(stmt)
            return result.scalars().all()
      `)),
      errors: ['9:29'],
      message: 'call `.unique()` before `.scalars().all()`',
      output: mod(py`
        async def list_users(db: AsyncSession, gym_id: int):
            stmt = select(User).options(joinedload(User.posts)).where(User.gym_id == gym_id)
            result = await db.execute(stmt)
            return result.unique().scalars().all()
      `),
    },
    {
      name: 'inline reads: scalar_one, Mapped[list] collection, contains_eager, iteration',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            one = (await db.execute(select(User).options(joinedload(User.posts)).where(User.id == 1))).scalar_one_or_none()
            tagged = (await db.execute(select(User).options(joinedload(User.tags)))).scalars().all()
            joined = (await db.execute(select(User).join(User.posts).options(contains_eager(User.posts)))).all()
            for user in (await db.scalars(select(Gym).options(joinedload(Gym.members)))):
                print(user)
            return one, tagged, joined
      `)),
      errors: ['7:96', '8:88', '9:100', '10:17'],
      output: mod(py`
        async def f(db: AsyncSession):
            one = (await db.execute(select(User).options(joinedload(User.posts)).where(User.id == 1))).unique().scalar_one_or_none()
            tagged = (await db.execute(select(User).options(joinedload(User.tags)))).unique().scalars().all()
            joined = (await db.execute(select(User).join(User.posts).options(contains_eager(User.posts)))).unique().all()
            for user in (await db.scalars(select(Gym).options(joinedload(Gym.members)))).unique():
                print(user)
            return one, tagged, joined
      `),
    },
    {
      name: 'multi-line statement with comments and a sync session',
      files: withModels(mod(py`
        def f(db):
            stmt = (
                select(User)
                # posts come in the same SELECT
                .options(joinedload(User.posts))
            )
            for user in db.execute(stmt).scalars():
                print(user)
      `)),
      errors: ['12:17'],
      output: mod(py`
        def f(db):
            stmt = (
                select(User)
                # posts come in the same SELECT
                .options(joinedload(User.posts))
            )
            for user in db.execute(stmt).unique().scalars():
                print(user)
      `),
    },
  ],
});
