import * as assert from 'assert';
import { analyze, fix, py, ruleTester } from '../helpers';
import { withModels } from './orm-models';

const HEADER = py`
  from sqlalchemy.ext.asyncio import AsyncSession
  from app.models import User, Post, Gym
`;

/** A module with the standard imports followed by body (lines 1-3 are the header). */
function mod(body: string): string {
  return `${HEADER}\n${body}`;
}

/** The same module after the fix: `from sqlalchemy import <names>` goes next to the sqlalchemy import. */
function fixed(names: string, body: string): string {
  return `from sqlalchemy.ext.asyncio import AsyncSession\nfrom sqlalchemy import ${names}\nfrom app.models import User, Post, Gym\n\n${body}`;
}

ruleTester('AM101', {
  valid: [
    { name: 'already 2.0 style', files: withModels(mod(py`
      async def f(db: AsyncSession):
          return (await db.execute(select(User))).scalars().all()
    `)) },
    { name: 'sync function with a sync session is AM102, not AM101', files: withModels(mod(py`
      def f(db: Session):
          return db.query(User).all()
    `)) },
    { name: 'request.query_params and other .query receivers', files: withModels(mod(py`
      async def f(request, es, db: AsyncSession):
          params = request.query_params
          hits = es.query({"match": {"name": "x"}})
          other = client.query(User)
          return params, hits, other
    `)) },
    { name: 'unknown receiver with a string argument', files: withModels(mod(py`
      async def f(db):
          return db.query("SELECT 1")
    `)) },
    { name: 'a sync helper run through run_sync', files: withModels(mod(py`
      async def f(db: AsyncSession):
          return await db.run_sync(lambda s: s.query(User).all())
    `)) },
  ],
  invalid: [
    {
      name: 'all() with filter: awaited execute + scalars, select imported',
      files: withModels(mod(py`
        async def list_users(db: AsyncSession, gym_id: int):
            users = db.query(User).filter(User.gym_id == gym_id).all()
            return users
      `)),
      errors: ['5:13'],
      message: 'AsyncSession, which has no `.query()`',
      output: fixed('select', py`
        async def list_users(db: AsyncSession, gym_id: int):
            users = (await db.execute(select(User).where(User.gym_id == gym_id))).scalars().all()
            return users
      `),
    },
    {
      name: 'terminals: first keeps LIMIT 1, one, one_or_none, scalar, get',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            a = db.query(User).order_by(User.id).first()
            b = db.query(User).filter_by(id=1).one()
            c = db.query(User).filter(User.id == 2).one_or_none()
            d = db.query(func.max(User.id)).scalar()
            e = db.query(User).get(3)
            return a, b, c, d, e
      `)),
      errors: ['5:9', '6:9', '7:9', '8:9', '9:9'],
      output: fixed('select', py`
        async def f(db: AsyncSession):
            a = (await db.execute(select(User).order_by(User.id).limit(1))).scalars().first()
            b = (await db.execute(select(User).filter_by(id=1))).scalar_one()
            c = (await db.execute(select(User).where(User.id == 2))).scalar_one_or_none()
            d = (await db.execute(select(func.max(User.id)))).scalar_one_or_none()
            e = await db.get(User, 3)
            return a, b, c, d, e
      `),
    },
    {
      name: 'scalar(): scalar_one_or_none (raises on several rows), unique() where the legacy one() de-duplicated',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            name = db.query(User.name).filter(User.id == 1).scalar()
            author = db.query(User).join(Post).filter(Post.id == 2).scalar()
            first_column = db.query(User.name, User.id).filter(User.id == 2).scalar()
            return name, author, first_column
      `)),
      errors: ['5:12', '6:14', '7:20'],
      output: fixed('select', py`
        async def f(db: AsyncSession):
            name = (await db.execute(select(User.name).where(User.id == 1))).scalar_one_or_none()
            author = (await db.execute(select(User).join(Post).where(Post.id == 2))).unique().scalar_one_or_none()
            first_column = (await db.execute(select(User.name, User.id).where(User.id == 2))).scalar_one_or_none()
            return name, author, first_column
      `),
    },
    {
      name: 'no fix: scalar() of an unknown argument over a join (de-duplication unknown)',
      files: withModels(mod(py`
        async def f(db: AsyncSession, what):
            return db.query(what).join(Post).scalar()
      `)),
      errors: ['5:12'],
      message: 'whether the legacy `.scalar()` de-duplicated rows is unknown',
    },
    {
      name: 'with_entities(): the entities move into select(), criteria, joins after it, order and paging carry over',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            ids = db.query(User).filter(User.active).with_entities(User.id).order_by(User.id).limit(5).all()
            total = db.query(User).filter(User.gym_id == 1).with_entities(func.count(User.id)).scalar()
            gyms = db.query(User.id).with_entities(Gym).all()
            titles = (
                db.query(User)
                .with_entities(User.name, Post.title)
                .join(Post, Post.author_id == User.id)
                .all()
            )
            return ids, total, gyms, titles
      `)),
      errors: ['5:11', '6:13', '7:12', '9:9'],
      output: fixed('select', py`
        async def f(db: AsyncSession):
            ids = (await db.execute(select(User.id).where(User.active).order_by(User.id).limit(5))).all()
            total = (await db.execute(select(func.count(User.id)).where(User.gym_id == 1))).scalar_one_or_none()
            gyms = (await db.execute(select(Gym))).scalars().all()
            titles = (
                (await db.execute(select(User.name, Post.title)
                .join(Post, Post.author_id == User.id)))
                .all()
            )
            return ids, total, gyms, titles
      `),
    },
    {
      name: 'exists(): Select.exists() in place, the outer query executed (nothing awaited inside)',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            any_old = db.query(db.query(User).filter(User.age > 50).exists()).scalar()
            lonely = db.query(User).filter(~db.query(Post).filter(Post.author_id == User.id).exists()).all()
            return any_old, lonely
      `)),
      errors: ['5:15', '5:24', '6:14', '6:37'],
      output: fixed('select', py`
        async def f(db: AsyncSession):
            any_old = (await db.execute(select(select(User).where(User.age > 50).exists()))).scalar_one_or_none()
            lonely = (await db.execute(select(User).where(~select(Post).where(Post.author_id == User.id).exists()))).scalars().all()
            return any_old, lonely
      `),
    },
    {
      name: 'a helper returning the Query returns a select(); every caller in the file executes it (awaited on its AsyncSession)',
      files: withModels(mod(py`
        def active_users(db: AsyncSession, gym_id: int):
            return db.query(User).filter(User.gym_id == gym_id)

        async def list_users(db: AsyncSession):
            return active_users(db, 1).order_by(User.id).all()

        async def count_users(session: AsyncSession):
            return active_users(gym_id=2, db=session).count()
      `)),
      errors: ['5:12'],
      output: fixed('select, func', py`
        def active_users(db: AsyncSession, gym_id: int):
            return select(User).where(User.gym_id == gym_id)

        async def list_users(db: AsyncSession):
            return (await db.execute(active_users(db, 1).order_by(User.id))).scalars().all()

        async def count_users(session: AsyncSession):
            return await session.scalar(select(func.count()).select_from(active_users(gym_id=2, db=session).subquery()))
      `),
    },
    {
      name: 'from_self() in a multi-line chain: the subquery is written on one line before the statement',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            return (
                db.query(User)
                .filter(User.active)
                .from_self()
                .order_by(User.id)
                .all()
            )
      `)),
      errors: ['6:9'],
      output: `from sqlalchemy.ext.asyncio import AsyncSession\nfrom sqlalchemy import select\nfrom sqlalchemy.orm import aliased\nfrom app.models import User, Post, Gym\n\n${py`
        async def f(db: AsyncSession):
            user_subq = aliased(User, select(User).where(User.active).subquery())
            return (
                (await db.execute(select(user_subq)
                .order_by(user_subq.id)))
                .scalars().all()
            )
      `}`,
    },
    {
      name: 'a helper building its Query over several statements and returning it: same rewrite',
      files: withModels(mod(py`
        def users_query(db: AsyncSession, gym_id=None):
            query = db.query(User)
            if gym_id is not None:
                query = query.filter(User.gym_id == gym_id)
            return query

        async def page(db: AsyncSession, skip: int):
            return users_query(db, 1).offset(skip).limit(20).all()
      `)),
      errors: ['5:13'],
      output: fixed('select', py`
        def users_query(db: AsyncSession, gym_id=None):
            query = select(User)
            if gym_id is not None:
                query = query.where(User.gym_id == gym_id)
            return query

        async def page(db: AsyncSession, skip: int):
            return (await db.execute(users_query(db, 1).offset(skip).limit(20))).scalars().all()
      `),
    },
    {
      name: 'a caller keeping the helper\'s Query in a name, narrowing it, counting and paging it',
      files: withModels(mod(py`
        def users_query(db: AsyncSession):
            return db.query(User).filter(User.active)

        async def page(db: AsyncSession, gym_id: int | None):
            query = users_query(db)
            if gym_id is not None:
                query = query.filter(User.gym_id == gym_id)
            total = query.count()
            return total, query.order_by(User.id).limit(20).all()
      `)),
      errors: ['5:12'],
      output: fixed('select, func', py`
        def users_query(db: AsyncSession):
            return select(User).where(User.active)

        async def page(db: AsyncSession, gym_id: int | None):
            query = users_query(db)
            if gym_id is not None:
                query = query.where(User.gym_id == gym_id)
            total = await db.scalar(select(func.count()).select_from(query.subquery()))
            return total, (await db.execute(query.order_by(User.id).limit(20))).scalars().all()
      `),
    },
    {
      name: 'count: plain filter form, subquery form with joins',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            active = db.query(User).filter(User.active).count()
            with_posts = db.query(User).join(Post).count()
            return active, with_posts
      `)),
      errors: ['5:14', '6:18'],
      output: fixed('select, func', py`
        async def f(db: AsyncSession):
            active = await db.scalar(select(func.count()).select_from(User).where(User.active))
            with_posts = await db.scalar(select(func.count()).select_from(select(User).join(Post).subquery()))
            return active, with_posts
      `),
    },
    {
      name: 'multi-line chain with comments keeps its lines and comments',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            return (
                db.query(User)
                # active members only
                .filter(User.active)
                .order_by(User.id)  # stable order
                .all()
            )
      `)),
      errors: ['6:9'],
      output: fixed('select', py`
        async def f(db: AsyncSession):
            return (
                (await db.execute(select(User)
                # active members only
                .where(User.active)
                .order_by(User.id)))  # stable order
                .scalars().all()
            )
      `),
    },
    {
      name: 'multi-line count with a comment before the terminal',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            total = (
                db.query(User)
                .filter(User.active)
                # how many are left
                .count()
            )
            return total
      `)),
      errors: ['6:9'],
      output: fixed('select, func', py`
        async def f(db: AsyncSession):
            total = (
                await db.scalar(select(func.count()).select_from(User)
                .where(User.active)
                # how many are left
                )
            )
            return total
      `),
    },
    {
      name: 'rows for column and multi-entity queries; unique() where the legacy Query de-duplicated',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            names = db.query(User.id, User.name).all()
            pairs = db.query(User, Gym).filter(User.gym_id == Gym.id).all()
            joined = db.query(User).join(Post).all()
            loaded = db.query(User).options(joinedload(User.posts)).all()
            scalar_join = db.query(Post).options(joinedload(Post.author)).first()
            return names, pairs, joined, loaded, scalar_join
      `)),
      errors: ['5:13', '6:13', '7:14', '8:14', '9:19'],
      output: fixed('select', py`
        async def f(db: AsyncSession):
            names = (await db.execute(select(User.id, User.name))).all()
            pairs = (await db.execute(select(User, Gym).where(User.gym_id == Gym.id))).unique().all()
            joined = (await db.execute(select(User).join(Post))).unique().scalars().all()
            loaded = (await db.execute(select(User).options(joinedload(User.posts)))).unique().scalars().all()
            scalar_join = (await db.execute(select(Post).options(joinedload(Post.author)).limit(1))).scalars().first()
            return names, pairs, joined, loaded, scalar_join
      `),
    },
    {
      name: 'bulk delete and update: rowcount when the value is used, synchronize_session kept',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            n = db.query(Post).filter(Post.id < 3).delete()
            db.query(User).filter(User.id == 1).update({"active": False}, synchronize_session=False)
            return n
      `)),
      errors: ['5:9', '6:5'],
      output: fixed('select, delete, update', py`
        async def f(db: AsyncSession):
            n = (await db.execute(delete(Post).where(Post.id < 3))).rowcount
            await db.execute(update(User).where(User.id == 1).values({"active": False}).execution_options(synchronize_session=False))
            return n
      `).replace('select, delete, update', 'delete, update'),
    },
    {
      name: 'await inside larger expressions keeps precedence',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            n = len(db.query(User).all())
            if db.query(User).filter(User.id == 1).first():
                pass
            ids = [u.id for u in db.query(User).all()]
            name = db.query(User).get(1).name
            total = db.query(User).count() + 1
            for u in db.query(User).order_by(User.id):
                print(u)
            return n, ids, name, total
      `)),
      errors: ['5:13', '6:8', '8:26', '9:12', '10:13', '11:14'],
      output: fixed('select, func', py`
        async def f(db: AsyncSession):
            n = len((await db.execute(select(User))).scalars().all())
            if (await db.execute(select(User).where(User.id == 1).limit(1))).scalars().first():
                pass
            ids = [u.id for u in (await db.execute(select(User))).scalars().all()]
            name = (await db.get(User, 1)).name
            total = await db.scalar(select(func.count()).select_from(User)) + 1
            for u in (await db.execute(select(User).order_by(User.id))).scalars():
                print(u)
            return n, ids, name, total
      `),
    },
    {
      name: 'a query built over several statements is rewritten as a group',
      files: withModels(mod(py`
        async def search(db: AsyncSession, gym_id: int | None, page: int):
            q = db.query(User).filter(User.active)
            if gym_id is not None:
                q = q.filter(User.gym_id == gym_id)
            total = q.count()
            items = q.order_by(User.id).offset(page * 20).limit(20).all()
            return total, items
      `)),
      errors: ['5:9'],
      output: fixed('select, func', py`
        async def search(db: AsyncSession, gym_id: int | None, page: int):
            q = select(User).where(User.active)
            if gym_id is not None:
                q = q.where(User.gym_id == gym_id)
            total = await db.scalar(select(func.count()).select_from(q.subquery()))
            items = (await db.execute(q.order_by(User.id).offset(page * 20).limit(20))).scalars().all()
            return total, items
      `),
    },
    {
      name: 'an already written await is not doubled',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            return await db.query(User).filter(User.id == 1).first()
      `)),
      errors: ['5:18'],
      output: fixed('select', py`
        async def f(db: AsyncSession):
            return (await db.execute(select(User).where(User.id == 1).limit(1))).scalars().first()
      `),
    },
    {
      name: 'legacy subquery inside in_() becomes a select()',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            return db.query(User).filter(User.id.in_(db.query(Post.author_id).filter(Post.id > 3))).all()
      `)),
      errors: ['5:12', '5:46'],
      output: fixed('select', py`
        async def f(db: AsyncSession):
            return (await db.execute(select(User).where(User.id.in_(select(Post.author_id).where(Post.id > 3))))).scalars().all()
      `),
    },
    {
      name: 'session known through Depends(get_async_db) (defined in the workspace) and self.db in async methods',
      files: withModels(mod(py`
        async def endpoint(db=Depends(get_async_db)):
            return db.query(User).all()

        class Repo:
            def __init__(self, db: AsyncSession):
                self.db = db

            async def all(self):
                return self.db.query(User).all()

        async def get_async_db():
            yield None
      `)),
      errors: ['5:12', '12:16'],
      output: fixed('select', py`
        async def endpoint(db=Depends(get_async_db)):
            return (await db.execute(select(User))).scalars().all()

        class Repo:
            def __init__(self, db: AsyncSession):
                self.db = db

            async def all(self):
                return (await self.db.execute(select(User))).scalars().all()

        async def get_async_db():
            yield None
      `),
    },
    {
      name: 'names taken locally are imported under an alias',
      files: withModels(mod(py`
        async def patch(db: AsyncSession, user_id: int, update: dict):
            db.query(User).filter(User.id == user_id).update(update)
      `)),
      errors: ['5:5'],
      output: fixed('update as sa_update', py`
        async def patch(db: AsyncSession, user_id: int, update: dict):
            await db.execute(sa_update(User).where(User.id == user_id).values(update))
      `),
    },
    {
      name: 'from_self(): the subquery and its alias are built before the statement; outer criteria read the alias',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            top = db.query(Post).order_by(Post.id.desc()).limit(10).from_self().filter(Post.title != "").order_by(Post.id).all()
            if db.query(User).filter(User.active).from_self().filter_by(gym_id=1).count():
                return top
      `)),
      errors: ['5:11', '6:8'],
      output: `from sqlalchemy.ext.asyncio import AsyncSession\nfrom sqlalchemy import select, func\nfrom sqlalchemy.orm import aliased\nfrom app.models import User, Post, Gym\n\n${py`
        async def f(db: AsyncSession):
            post_subq = aliased(Post, select(Post).order_by(Post.id.desc()).limit(10).subquery())
            top = (await db.execute(select(post_subq).where(post_subq.title != "").order_by(post_subq.id))).scalars().all()
            user_subq = aliased(User, select(User).where(User.active).subquery())
            if await db.scalar(select(func.count()).select_from(select(user_subq).filter_by(gym_id=1).subquery())):
                return top
      `}`,
    },
    {
      name: 'no fix: the Query object escapes the function',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            return paginate(db.query(User).filter(User.active))
      `)),
      errors: ['5:21'],
      message: 'passed on or returned',
    },
    {
      name: 'no fix: a query variable used in a way that cannot be followed',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            q = db.query(User)
            q = q.filter(User.active)
            return paginate(q)
      `)),
      errors: ['5:9'],
      message: '`q` is passed on or returned as a Query (line 7)',
    },
    {
      name: 'no fix: unknown entity kind for scalars vs rows',
      files: withModels(mod(py`
        async def f(db: AsyncSession, what):
            return db.query(what).all()
      `)),
      errors: ['5:12'],
      message: 'cannot tell whether `what` is a model or a column',
    },
    {
      name: 'AsyncSession in a plain def: the def becomes async, its callers in the file await it (one edit)',
      files: withModels(mod(py`
        def oldest(db: AsyncSession):
            return db.query(User).order_by(User.id).first()

        async def show(db: AsyncSession):
            return oldest(db).id, [oldest(db)]
      `)),
      errors: ['5:12'],
      output: fixed('select', py`
        async def oldest(db: AsyncSession):
            return (await db.execute(select(User).order_by(User.id).limit(1))).scalars().first()

        async def show(db: AsyncSession):
            return (await oldest(db)).id, [await oldest(db)]
      `),
    },
    {
      name: 'no fix: a sync session created inside async def',
      files: withModels(mod(py`
        async def f():
            db = SessionLocal()
            return db.query(User).all()
      `)),
      errors: ['6:12'],
      message: '`db` is a sync `Session` inside `async def`',
      output: withModels(mod(py`
        async def f():
            db = SessionLocal()
            return db.query(User).all()
      `))['app/api.py'],
    },
    {
      name: 'generator expressions: the first iterable is awaited in place; a generator consumed whole becomes a list comprehension',
      files: withModels(mod(py`
        async def f(db: AsyncSession, ids: list[int]):
            n = sum(1 for u in db.query(User).all())
            posts = sum(db.query(Post).filter(Post.author_id == i).count() for i in ids)
            names = sorted((db.query(User).get(i).name for i in ids), reverse=True)
            label = ", ".join(db.query(Gym).filter(Gym.id == i).one().name for i in ids)
            return n, posts, names, label
      `)),
      errors: ['5:24', '6:17', '7:21', '8:23'],
      output: fixed('select, func', py`
        async def f(db: AsyncSession, ids: list[int]):
            n = sum(1 for u in (await db.execute(select(User))).scalars().all())
            posts = sum([await db.scalar(select(func.count()).select_from(Post).where(Post.author_id == i)) for i in ids])
            names = sorted([(await db.get(User, i)).name for i in ids], reverse=True)
            label = ", ".join([(await db.execute(select(Gym).where(Gym.id == i))).scalar_one().name for i in ids])
            return n, posts, names, label
      `),
    },
    {
      name: 'name evidence without models: db + a class name',
      code: py`
        async def f(db):
            return db.query(Thing).filter(Thing.x == 1).one()
      `,
      errors: ['2:12'],
      // A name is evidence of a query, not of an AsyncSession: reported, never rewritten with `await`.
      message: 'legacy sync Query API inside `async def`',
      output: py`
        async def f(db):
            return db.query(Thing).filter(Thing.x == 1).one()
      `,
    },
  ],
});

describe('AM101 details', () => {
  /** Each refused chain's line → its reason; no chain in body gets a fix. */
  async function refusals(body: string): Promise<Map<number, string>> {
    const findings = await analyze(withModels(mod(body)), { select: ['AM101'], only: 'app/api.py' });
    for (const f of findings) assert.ok(!f.fix, `unexpected fix at line ${f.range.start.line + 1}`);
    return new Map(findings.map((f) => [f.range.start.line + 1, f.noFixReason ?? '']));
  }

  it('refuses with_entities() after steps resolved against the replaced entities, each with its reason', async () => {
    const reasons = await refusals(py`
      async def f(db: AsyncSession):
          a = db.query(User).join(Post).with_entities(User.name).all()
          b = db.query(User).filter_by(active=True).with_entities(User.id).all()
          c = db.query(User).with_entities(User.id).get(1)
          q = db.query(User)
          q = q.with_entities(User.id)
          return a, b, c, q.all()
    `);
    assert.deepStrictEqual([...reasons.keys()], [5, 6, 7, 8]);
    assert.match(reasons.get(5)!, /`\.join\(\)` before `with_entities\(\)` was resolved against the replaced entities/);
    assert.match(reasons.get(6)!, /`\.filter_by\(\)` before `with_entities\(\)`/);
    assert.match(reasons.get(7)!, /`\.get\(\)` after `with_entities\(\)` has no statement equivalent/);
    assert.match(reasons.get(8)!, /`with_entities\(\)` on a query built across statements/);
  });

  it('refuses from_self() where the subquery cannot be built first or the outer criteria name other tables', async () => {
    const reasons = await refusals(py`
      async def f(db: AsyncSession, flag: bool):
          a = db.query(User).from_self().all() if flag else None
          b = log(1) + len(db.query(User).from_self().all())
          c = db.query(User).from_self(User.id).all()
          d = db.query(User).from_self().filter(User.id == Post.author_id).all()
          e = db.query(User).from_self().join(Post).all()
          g = db.query(User).options(joinedload(User.posts)).from_self().all()
          if flag:
              pass
          elif db.query(User).from_self().first():
              pass
          return a, b, c, d, e, g
    `);
    assert.deepStrictEqual([...reasons.keys()], [5, 6, 7, 8, 9, 10, 13]);
    assert.match(reasons.get(5)!, /sits in a conditional, a comprehension or a lambda/);
    assert.match(reasons.get(6)!, /`log\(1\)` runs before the query in the same statement/);
    assert.match(reasons.get(7)!, /`from_self\(\)` with entities/);
    assert.match(reasons.get(8)!, /name other tables/);
    assert.match(reasons.get(9)!, /`\.join\(\)` after `from_self\(\)`/);
    assert.match(reasons.get(10)!, /loader options inside `from_self\(\)`/);
    assert.match(reasons.get(13)!, /in a `if` statement|cannot be built before it/);
  });

  it('refuses a query in a lambda or in a generator that may be consumed partly; run_sync around the whole expression only when it runs there', async () => {
    const findings = await analyze(withModels(mod(py`
      async def f(db: AsyncSession, ids: list[int]):
          a = any(db.query(Post).filter(Post.author_id == i).count() for i in ids)
          b = sorted(ids, key=lambda i: db.query(User).get(i).name)
          c = (db.query(User).get(i) for i in ids)
          def sum(xs):
              return 0
          d = sum(db.query(User).get(i) for i in ids)
          return a, b, c, d
    `)), { select: ['AM101', 'AM102'], only: 'app/api.py' });
    assert.deepStrictEqual(findings.map((f) => `${f.code} ${f.range.start.line + 1}`), ['AM101 5', 'AM101 6', 'AM101 7', 'AM101 10']);
    for (const f of findings) assert.ok(!f.fix, `line ${f.range.start.line + 1} has a fix`);
    // any() and sorted(key=lambda) run inside the expression: the whole of it can run on the sync session.
    assert.deepStrictEqual(findings[0].suggestions?.[0].edits.map((e) => e.newText), ['await db.run_sync(lambda s: any(s.query(Post).filter(Post.author_id == i).count() for i in ids))']);
    assert.deepStrictEqual(findings[1].suggestions?.[0].edits.map((e) => e.newText), ['await db.run_sync(lambda s: sorted(ids, key=lambda i: s.query(User).get(i).name))']);
    // A generator kept for later, and a shadowed sum(): nothing guarantees it runs inside run_sync().
    assert.strictEqual(findings[2].suggestions, undefined);
    assert.strictEqual(findings[3].suggestions, undefined);
    assert.match(findings[0].noFixReason!, /generator expression, where `await` would make it an async generator/);
    assert.match(findings[1].noFixReason!, /inside a lambda, which runs whenever it is called/);
    assert.match(findings[2].noFixReason!, /generator expression/);
    assert.match(findings[3].noFixReason!, /generator expression/);
  });

  it('refuses a Query helper whose callers cannot all be migrated in this edit, naming them', async () => {
    const helper = py`
      def active_users(db: AsyncSession):
          return db.query(User).filter(User.gym_id == 1)
    `;
    const cases: [string, string, Record<string, string>?][] = [
      ['async def f(db: AsyncSession):\n    return paginate(active_users(db))\n', /passed on or kept on line 8/.source],
      ['async def f(db: AsyncSession):\n    q = active_users(db)\n    return paginate(q)\n', /`q` is passed on or returned as a Query \(line 9\)/.source],
      ['async def f(db: AsyncSession):\n    q = active_users(db)\n    db = other()\n    return q.all()\n', /`db` may be rebound before the Query kept from `active_users` runs/.source],
      ['async def f(db):\n    return active_users(db).all()\n', /runs the Query on `db`, which is not proven to be an AsyncSession/.source],
      ['def f(db: AsyncSession):\n    return active_users(db).all()\n', /an AsyncSession, in a plain `def`/.source],
      ['async def f(db: AsyncSession):\n    return active_users(get_db()).all()\n', /passes the session as an expression/.source],
      ['async def f(db: AsyncSession):\n    return active_users(db).get(1)\n', /`\.get\(\)` on the Query from `active_users`/.source],
      ['async def f(db: AsyncSession = Depends(active_users)):\n    return db\n', /`active_users` is used as a value on line 7/.source],
      ['async def f(db: AsyncSession):\n    return active_users(db).all()\n', /used in other files \(app\/other\.py:1\), whose texts this analysis was not given/.source, { 'app/other.py': 'from app.api import active_users\n' }],
      ['', /has no caller in the workspace/.source],
    ];
    for (const [caller, reason, extra] of cases) {
      const files = { ...withModels(mod(`${helper}\n${caller}`)), ...(extra ?? {}) };
      const findings = await analyze(files, { select: ['AM101'], only: 'app/api.py' });
      const head = findings.find((f) => f.range.start.line === 4);
      assert.ok(head && !head.fix, `${caller}: the helper got a fix`);
      assert.match(head.noFixReason ?? '', new RegExp(reason), caller);
    }
  });

  it('a sync helper and sync callers: AM102 returns a select() and executes it without await', async () => {
    const files = withModels(py`
      from sqlalchemy.orm import Session
      from app.models import User

      def active_users(db: Session):
          return db.query(User).filter(User.gym_id == 1)

      def names(db: Session):
          return [u.name for u in active_users(db)]
    `);
    const out = await fix(files, 'app/api.py', { select: ['AM102'] });
    assert.match(out, /return select\(User\)\.where\(User\.gym_id == 1\)/);
    assert.match(out, /for u in db\.execute\(active_users\(db\)\)\.scalars\(\)\]/);
  });

  it('refuses making a plain def async where a caller cannot await it, naming the caller', async () => {
    const fn = py`
      def oldest(db: AsyncSession):
          return db.query(User).order_by(User.id).first()
    `;
    const cases: [string, RegExp, Record<string, string>?][] = [
      ['def report(db: AsyncSession):\n    return oldest(db)\n', /`report` \(line 8\) calls `oldest` and cannot await it once it is async: the enclosing function `report` is a plain `def`/],
      ['async def f(db: AsyncSession):\n    return sorted(ids, key=lambda i: oldest(db))\n', /`f` \(line 8\) calls `oldest` and cannot await it.*lambda/],
      ['async def f(db: AsyncSession):\n    return any(oldest(db) for _ in ids)\n', /calls `oldest` and cannot await it.*generator expression/],
      ['HANDLERS = [oldest]\n', /`oldest` is used as a value on line 7/],
      ['__all__ = [\n    "oldest",\n]\n', /`oldest` is exported in `__all__`/],
      ['async def f(db: AsyncSession):\n    return oldest(db)\n', /`oldest` is imported by other files.*\(app\/other\.py:1\)/, { 'app/other.py': 'from app.api import oldest\n' }],
    ];
    for (const [caller, reason, extra] of cases) {
      const files = { ...withModels(mod(`${fn}\n${caller}`)), ...(extra ?? {}) };
      const findings = await analyze(files, { select: ['AM101'], only: 'app/api.py' });
      const head = findings.find((f) => f.range.start.line === 4);
      assert.ok(head && !head.fix, `${caller}: got a fix`);
      assert.match(head.noFixReason ?? '', reason, caller);
    }
    // A method, a generator and a decorated function are refused too.
    const others = await refusals(py`
      class Repo:
          def first(self, db: AsyncSession):
              return db.query(User).first()

      def stream(db: AsyncSession):
          yield db.query(User).first()

      @some_cache
      def cached(db: AsyncSession):
          return db.query(User).first()
    `);
    assert.match(others.get(6)!, /`first` is a method/);
    assert.match(others.get(9)!, /`stream` is a generator/);
    assert.match(others.get(13)!, /`cached` is decorated/);
  });

  it('refuses exists() after loader options or over a bare SQL function', async () => {
    const reasons = await refusals(py`
      async def f(db: AsyncSession):
          a = db.query(User).options(joinedload(User.posts)).exists()
          b = db.query(func.count(User.id)).exists()
          return a, b
    `);
    assert.deepStrictEqual([...reasons.keys()], [5, 6]);
    assert.match(reasons.get(5)!, /`\.options\(\)` before `\.exists\(\)`/);
    assert.match(reasons.get(6)!, /`\.exists\(\)` over something other than mapped entities or their columns/);
  });

  it('offers `await db.run_sync(lambda s: ...)` where the rewrite is refused', async () => {
    const findings = await analyze(withModels(mod(py`
      async def f(db: AsyncSession):
          return db.query(User).join(Post).filter(User.age > 3).with_entities(User.id).all()
    `)), { select: ['AM101'], only: 'app/api.py' });
    assert.strictEqual(findings.length, 1);
    assert.ok(!findings[0].fix);
    assert.deepStrictEqual(findings[0].suggestions?.[0].edits.map((e) => e.newText), ['await db.run_sync(lambda s: s.query(User).join(Post).filter(User.age > 3).with_entities(User.id).all())']);
  });

  it('reports nothing inside syntax errors', async () => {
    const findings = await analyze(withModels(mod(py`
      async def f(db: AsyncSession):
          return db.query(User).filter(User.x == ).all()
    `)), { select: ['AM101'], only: 'app/api.py' });
    assert.deepStrictEqual(findings.map((f) => f.code), []);
  });
});

describe('AM101 unique() evidence', () => {
  it('a module-qualified model in the filter counts as another table', async () => {
    const files = withModels(py`
      from sqlalchemy.ext.asyncio import AsyncSession
      from app import models
      from app.models import User

      async def f(db: AsyncSession):
          return db.query(User).filter(User.id == models.Post.author_id).all()
    `);
    const out = await fix(files, 'app/api.py', { select: ['AM101'] });
    assert.match(out, /\(await db\.execute\(select\(User\)\.where\(User\.id == models\.Post\.author_id\)\)\)\.unique\(\)\.scalars\(\)\.all\(\)/);
  });
});

// PRODUCT.md §1.2: `await` only on a receiver proven async. A sync Session inside `async def`
// is reported (it blocks the event loop) but never rewritten line by line.
const SYNC_HEADER = py`
  from fastapi import Depends
  from sqlalchemy.orm import Session
  from app.models import User
  from app.db import get_db, SessionLocal
`;
const DB_MODULE = py`
  from sqlalchemy.orm import sessionmaker, Session
  SessionLocal = sessionmaker(bind=None)
  def get_db() -> Session:
      db = SessionLocal()
      try:
          yield db
      finally:
          db.close()
`;
function syncModule(body: string): Record<string, string> {
  return { ...withModels(`${SYNC_HEADER}\n${body}`), 'app/db.py': DB_MODULE };
}

ruleTester('AM101', {
  valid: [],
  invalid: [
    {
      name: 'sync session: `db: Session` parameter in async def → reported, no fix',
      files: syncModule(py`
        async def f(db: Session):
            return db.query(User).all()
      `),
      errors: ['7:12'],
      message: '`db` is a sync `Session` inside `async def`',
      output: `${SYNC_HEADER}\n${py`
        async def f(db: Session):
            return db.query(User).all()
      `}`,
    },
    {
      name: 'sync session: unannotated `Depends(get_db)` → reported, no fix',
      files: syncModule(py`
        async def f(db=Depends(get_db)):
            return db.query(User).filter(User.id == 1).first()
      `),
      errors: ['7:12'],
      message: 'Migrate this endpoint',
      output: `${SYNC_HEADER}\n${py`
        async def f(db=Depends(get_db)):
            return db.query(User).filter(User.id == 1).first()
      `}`,
    },
    {
      name: 'fastapi-sqlalchemy `db.session` in async def → reported as a sync Session, no fix',
      files: withModels(py`
        from fastapi_sqlalchemy import db
        from app.models import User

        async def f():
            return db.session.query(User).all()
      `),
      errors: ['5:12'],
      message: '`db.session` is a sync `Session`',
      output: py`
        from fastapi_sqlalchemy import db
        from app.models import User

        async def f():
            return db.session.query(User).all()
      `,
    },
    {
      name: 'Flask-SQLAlchemy `db.session` in async def → reported as a sync Session, no fix',
      files: {
        ...withModels(py`
          from app.ext import db
          from app.models import User

          async def f():
              return db.session.query(User).count()
        `),
        'app/ext.py': 'from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n',
      },
      errors: ['5:12'],
      message: '`db.session` is a sync `Session`',
      output: py`
        from app.ext import db
        from app.models import User

        async def f():
            return db.session.query(User).count()
      `,
    },
    {
      name: 'near miss: the same query on an AsyncSession is rewritten',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            return db.query(User).all()
      `)),
      errors: ['5:12'],
      output: fixed('select', py`
        async def f(db: AsyncSession):
            return (await db.execute(select(User))).scalars().all()
      `),
    },
  ],
});

describe('AM101 on a sync Session: the worker-thread suggestion', () => {
  it('offers `await asyncio.to_thread(lambda: …)` as a suggestion only (fix-all leaves the line alone)', async () => {
    const files = syncModule(py`
      async def f(db: Session):
          users = db.query(User).filter(User.id > 1).all()
          return users
    `);
    const [finding] = (await analyze(files, { select: ['AM101'], only: 'app/api.py' })).filter((f) => f.code === 'AM101');
    assert.strictEqual(finding.fix, undefined);
    const suggestion = finding.suggestions?.[0];
    assert.ok(suggestion, 'a worker-thread suggestion');
    assert.strictEqual(suggestion.applicability, 'unsafe');
    const text = files['app/api.py'];
    const edited = [...suggestion.edits].sort((a, b) => b.start - a.start).reduce((t, e) => t.slice(0, e.start) + e.newText + t.slice(e.end), text);
    assert.match(edited, /^import asyncio$/m);
    assert.ok(edited.includes('users = await asyncio.to_thread(lambda: db.query(User).filter(User.id > 1).all())'), edited);
    assert.strictEqual(await fix(files, 'app/api.py', { unsafe: true }), text, 'no fix, safe or unsafe, rewrites the line');
  });
});
