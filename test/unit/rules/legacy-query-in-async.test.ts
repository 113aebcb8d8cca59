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
            d = await db.scalar(select(func.max(User.id)))
            e = await db.get(User, 3)
            return a, b, c, d, e
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
      name: 'session known through Depends(get_async_db) and self.db in async methods',
      files: withModels(mod(py`
        async def endpoint(db=Depends(get_async_db)):
            return db.query(User).all()

        class Repo:
            def __init__(self, db: AsyncSession):
                self.db = db

            async def all(self):
                return self.db.query(User).all()
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
      name: 'no fix: from_self, with a run_sync suggestion',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            return db.query(User).from_self().all()
      `)),
      errors: ['5:12'],
      message: /no automatic fix: `from_self\(\)` has no `select\(\)` equivalent/,
      output: mod(py`
        async def f(db: AsyncSession):
            return db.query(User).from_self().all()
      `),
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
      name: 'no fix: AsyncSession used in a sync function',
      files: withModels(mod(py`
        def f(db: AsyncSession):
            return db.query(User).all()
      `)),
      errors: ['5:12'],
      message: 'not `async def`',
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
      name: 'no fix inside a generator expression',
      files: withModels(mod(py`
        async def f(db: AsyncSession):
            return sum(1 for u in db.query(User).all())
      `)),
      errors: ['5:27'],
      message: 'generator expression',
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
  it('offers `await db.run_sync(lambda s: ...)` where the rewrite is refused', async () => {
    const findings = await analyze(withModels(mod(py`
      async def f(db: AsyncSession):
          return db.query(User).filter(User.age > 3).with_entities(User.id).all()
    `)), { select: ['AM101'], only: 'app/api.py' });
    assert.strictEqual(findings.length, 1);
    assert.ok(!findings[0].fix);
    assert.deepStrictEqual(findings[0].suggestions?.[0].edits.map((e) => e.newText), ['await db.run_sync(lambda s: s.query(User).filter(User.age > 3).with_entities(User.id).all())']);
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
