import { py, ruleTester } from '../helpers';
import { withModels } from './orm-models';

const HEADER = py`
  from sqlalchemy import select
  from sqlalchemy.ext.asyncio import AsyncSession
  from sqlalchemy.orm import selectinload, joinedload
  from app.models import User, Post
`;

function mod(body: string): string {
  return `${HEADER}\n${body}`;
}

ruleTester('AM105', {
  valid: [
    {
      name: 'WriteOnlyMapped / DynamicMapped collections never load on attribute access (corpus: scripts/loading_strategies.py)',
      files: {
        'app/models.py': py`
          from sqlalchemy import ForeignKey
          from sqlalchemy.orm import DeclarativeBase, DynamicMapped, Mapped, WriteOnlyMapped, mapped_column, relationship

          class Base(DeclarativeBase):
              pass

          class Brand(Base):
              __tablename__ = "brands"
              id: Mapped[int] = mapped_column(primary_key=True)
              events: WriteOnlyMapped["BrandEvent"] = relationship()
              audit: DynamicMapped["BrandEvent"] = relationship(viewonly=True)

          class BrandEvent(Base):
              __tablename__ = "brand_events"
              id: Mapped[int] = mapped_column(primary_key=True)
              brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
        `,
        'app/api.py': py`
          from sqlalchemy.ext.asyncio import AsyncSession
          from app.models import Brand, BrandEvent

          async def log_event(db: AsyncSession, brand_id: int):
              brand = await db.get(Brand, brand_id)
              brand.events.add(BrandEvent())
              recent = await db.scalars(brand.events.select().limit(5))
              return recent.all(), brand.audit
        `,
      },
      path: 'app/api.py',
    },
    { name: 'eager-loaded by the query', files: withModels(mod(py`
      async def f(db: AsyncSession, uid: int):
          user = (await db.execute(select(User).options(selectinload(User.posts)).where(User.id == uid))).scalar_one()
          other = (await db.execute(select(User).options(joinedload(User.gym)))).scalars().first()
          return user.posts, other.gym
    `)) },
    { name: 'eager-loaded with loader criteria or a subtype (`User.posts.and_(…)`, `.of_type(…)`; real code: dstack)', files: withModels(mod(py`
      async def f(db: AsyncSession, uid: int):
          user = (await db.execute(select(User).options(selectinload(User.posts.and_(True))).where(User.id == uid))).scalar_one()
          other = (await db.execute(select(User).options(selectinload(User.posts.of_type(User))))).scalars().first()
          return user.posts, other.posts
    `)) },
    { name: 'lazy="selectin" on the relationship', files: withModels(mod(py`
      async def f(db: AsyncSession, uid: int):
          user = await db.get(User, uid)
          return user.memberships
    `)) },
    { name: 'columns are not relationships', files: withModels(mod(py`
      async def f(db: AsyncSession, uid: int):
          user = await db.get(User, uid)
          return user.id, user.gym_id
    `)) },
    { name: 'sync code lazy-loads fine', files: withModels(mod(py`
      def f(db, uid: int):
          user = db.execute(select(User).where(User.id == uid)).scalar_one()
          return user.posts
    `)) },
    { name: 'objects from elsewhere are not followed', files: withModels(mod(py`
      async def f(db: AsyncSession, user: User):
          found = await service.get_user(db, 1)
          return user.posts, found.posts
    `)) },
    { name: 'refreshed with the relationship, or assigned', files: withModels(mod(py`
      async def f(db: AsyncSession, uid: int):
          user = await db.get(User, uid)
          await db.refresh(user, ["posts"])
          user.gym = None
          return user.posts
    `)) },
    { name: 'read inside run_sync lambda', files: withModels(mod(py`
      async def f(db: AsyncSession, uid: int):
          user = await db.get(User, uid)
          return await db.run_sync(lambda s: len(user.posts))
    `)) },
  ],
  invalid: [
    {
      name: 'scalar_one_or_none via a result variable; fix adds .options(selectinload(...)) and the import',
      files: withModels(py`
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.models import User

        async def f(db: AsyncSession, uid: int):
            result = await db.execute(select(User).where(User.id == uid))
            user = result.scalar_one_or_none()
            return [p.id for p in user.posts]
      `),
      errors: ['8:27'],
      message: 'raises MissingGreenlet',
      output: py`
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession
        from sqlalchemy.orm import selectinload
        from app.models import User

        async def f(db: AsyncSession, uid: int):
            result = await db.execute(select(User).where(User.id == uid).options(selectinload(User.posts)))
            user = result.scalar_one_or_none()
            return [p.id for p in user.posts]
      `,
    },
    {
      name: 'existing options() are extended; two relationships merge across passes',
      files: withModels(mod(py`
        async def f(db: AsyncSession, uid: int):
            stmt = select(User).options(joinedload(User.profile)).where(User.id == uid)
            user = (await db.execute(stmt)).scalar_one()
            return user.posts, user.gym, user.profile
      `)),
      errors: ['9:12', '9:24'],
      output: mod(py`
        async def f(db: AsyncSession, uid: int):
            stmt = select(User).options(joinedload(User.profile), selectinload(User.posts), selectinload(User.gym)).where(User.id == uid)
            user = (await db.execute(stmt)).scalar_one()
            return user.posts, user.gym, user.profile
      `),
    },
    {
      name: 'loop over scalars() and db.get() with options=',
      files: withModels(mod(py`
        async def f(db: AsyncSession, uid: int):
            result = await db.execute(select(Post))
            for post in result.scalars():
                print(post.author)
            user = await db.get(User, uid)
            return user.tags
      `)),
      errors: ['9:15', '11:12'],
      output: mod(py`
        async def f(db: AsyncSession, uid: int):
            result = await db.execute(select(Post).options(selectinload(Post.author)))
            for post in result.scalars():
                print(post.author)
            user = await db.get(User, uid, options=[selectinload(User.tags)])
            return user.tags
      `),
    },
    {
      name: 'list of objects read in a comprehension',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            users = (await db.scalars(select(User).where(User.gym_id == 1))).all()
            return {u.id: len(u.posts) for u in users}
      `)),
      errors: ['8:23'],
      output: mod(py`
        async def f(db: AsyncSession):
            users = (await db.scalars(select(User).where(User.gym_id == 1).options(selectinload(User.posts)))).all()
            return {u.id: len(u.posts) for u in users}
      `),
    },
  ],
});
