import * as assert from 'assert';
import { analyze, py, ruleTester } from '../helpers';
import { withModels } from './orm-models';

const HEADER = py`
  from sqlalchemy.orm import Session
  from app.models import User, Post
`;

function mod(body: string): string {
  return `${HEADER}\n${body}`;
}

function fixed(names: string, body: string): string {
  return `from sqlalchemy.orm import Session\nfrom sqlalchemy import ${names}\nfrom app.models import User, Post\n\n${body}`;
}

ruleTester('AM102', {
  valid: [
    { name: 'async code is AM101, not AM102', files: withModels(mod(py`
      async def f(db: Session):
          return db.query(User).all()
    `)) },
    { name: 'an AsyncSession in a sync function is AM101', files: withModels(mod(py`
      def f(db: AsyncSession):
          return db.query(User).all()
    `)) },
    { name: '2.0 style already', files: withModels(mod(py`
      def f(db: Session):
          return db.execute(select(User)).scalars().all()
    `)) },
    { name: 'not a session', files: withModels(mod(py`
      def f(index):
          return index.query(User)
    `)) },
  ],
  invalid: [
    {
      name: 'sync rewrite without await or parentheses',
      files: withModels(mod(py`
        def get_user(db: Session, user_id: int):
            return db.query(User).filter(User.id == user_id).first()

        def count_users(db: Session):
            return db.query(User).count()

        def find(db: Session, user_id: int):
            return db.query(User).get(user_id)

        def purge(db: Session):
            return db.query(Post).filter(Post.id < 10).delete(synchronize_session="fetch")

        def oldest_age(db: Session):
            return db.query(func.max(User.age)).scalar()
      `)),
      errors: ['5:12', '8:12', '11:12', '14:12', '17:12'],
      message: 'legacy Query API `db.query()`',
      output: fixed('select, func, delete', py`
        def get_user(db: Session, user_id: int):
            return db.execute(select(User).where(User.id == user_id).limit(1)).scalars().first()

        def count_users(db: Session):
            return db.scalar(select(func.count()).select_from(User))

        def find(db: Session, user_id: int):
            return db.get(User, user_id)

        def purge(db: Session):
            return db.execute(delete(Post).where(Post.id < 10).execution_options(synchronize_session="fetch")).rowcount

        def oldest_age(db: Session):
            return db.execute(select(func.max(User.age))).scalar_one_or_none()
      `),
    },
    {
      name: 'with_entities(), exists(), from_self() and scalar() in sync code: the same rewrites without await',
      files: withModels(mod(py`
        def stats(db: Session):
            ids = db.query(User).filter(User.id > 1).with_entities(User.id).all()
            any_post = db.query(db.query(Post).filter(Post.id > 3).exists()).scalar()
            top = db.query(User).order_by(User.id).limit(5).from_self().order_by(User.id.desc()).all()
            return ids, any_post, top
      `)),
      errors: ['5:11', '6:16', '6:25', '7:11'],
      output: `from sqlalchemy.orm import Session, aliased\nfrom sqlalchemy import select\nfrom app.models import User, Post\n\n${py`
        def stats(db: Session):
            ids = db.execute(select(User.id).where(User.id > 1)).all()
            any_post = db.execute(select(select(Post).where(Post.id > 3).exists())).scalar_one_or_none()
            user_subq = aliased(User, select(User).order_by(User.id).limit(5).subquery())
            top = db.execute(select(user_subq).order_by(user_subq.id.desc())).scalars().all()
            return ids, any_post, top
      `}`,
    },
    {
      name: 'multi-line chain with comments (sync)',
      files: withModels(mod(py`
        def recent(db: Session):
            return (
                db.query(Post)
                .join(User)  # authors
                .order_by(Post.id.desc())
                .limit(5)
                .all()
            )
      `)),
      errors: ['6:9'],
      output: fixed('select', py`
        def recent(db: Session):
            return (
                db.execute(select(Post)
                .join(User)  # authors
                .order_by(Post.id.desc())
                .limit(5))
                .unique().scalars().all()
            )
      `),
    },
    {
      name: 'group rewrite in sync code',
      files: withModels(mod(py`
        def search(db: Session, name: str | None):
            query = db.query(User)
            if name:
                query = query.filter(User.name.ilike(f"%{name}%"))
            return query.all()
      `)),
      errors: ['5:13'],
      output: fixed('select', py`
        def search(db: Session, name: str | None):
            query = select(User)
            if name:
                query = query.where(User.name.ilike(f"%{name}%"))
            return db.execute(query).scalars().all()
      `),
    },
    {
      name: 'no fix for yield_per, with the reason in the message',
      files: withModels(mod(py`
        def stream(db: Session):
            for u in db.query(User).yield_per(100):
                print(u)
      `)),
      errors: ['5:14'],
      message: /no automatic fix: `yield_per\(\)` streams rows/,
    },
  ],
});

describe('AM102 details', () => {
  it('is a hint, and off in CI unless selected', async () => {
    const files = withModels(mod(py`
      def f(db: Session):
          return db.query(User).all()
    `));
    const local = await analyze(files, { only: 'app/api.py' });
    assert.deepStrictEqual(local.filter((f) => f.code === 'AM102').map((f) => f.severity), ['hint']);
    const ci = await analyze(files, { only: 'app/api.py', ci: true });
    assert.deepStrictEqual(ci.filter((f) => f.code === 'AM102'), []);
    const selected = await analyze(files, { only: 'app/api.py', ci: true, select: ['AM102'] });
    assert.strictEqual(selected.filter((f) => f.code === 'AM102').length, 1);
  });
});
