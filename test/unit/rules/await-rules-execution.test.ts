// Executable proof for the await/twin fixes (AM201–AM205): a small app with the seed's bugs is
// fixed by the engine, then both versions run against a real SQLAlchemy AsyncSession (aiosqlite).
// The original must fail the way the seed describes; the fixed one must return the right values,
// persist its writes and leave no "coroutine was never awaited" warning behind.
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixText } from '../../../server/src/analysis/engine';
import { buildIndex, makeConfig, py, skipOrFailInCi, type Files } from '../helpers';

const PYTHON = process.env.ASYNC_MIGRATE_PYTHON ?? '/usr/bin/python3';
const CODES = ['AM201', 'AM202', 'AM203', 'AM204', 'AM205'];

const APP: Files = {
  'app/__init__.py': '',
  'app/db.py': py`
    from sqlalchemy import Column, Integer, String
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()


    class User(Base):
        __tablename__ = "users"
        id = Column(Integer, primary_key=True)
        name = Column(String)
  `,
  'app/services/__init__.py': '',
  'app/services/user.py': py`
    """Sync service (legacy)."""
    from sqlalchemy.orm import Session

    from app.db import User


    class UserService:
        def get_user(self, db: Session, user_id: int):
            return db.query(User).filter(User.id == user_id).first()


    user_service = UserService()
  `,
  'app/services/async_user.py': py`
    """Async twin, with a forgotten await."""
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.db import User


    class AsyncUserService:
        async def get_user(self, db: AsyncSession, user_id: int):
            result = await db.execute(select(User).where(User.id == user_id))
            return result.scalar_one_or_none()

        async def count(self, db: AsyncSession) -> int:
            return await db.scalar(select(func.count()).select_from(User))

        async def rename(self, db: AsyncSession, user_id: int, name: str):
            user = await self.get_user(db, user_id)
            user.name = name
            db.commit()
            return user


    async_user_service = AsyncUserService()
  `,
  'app/api/__init__.py': '',
  'app/api/users.py': py`
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.services.async_user import async_user_service
    from app.services.user import user_service


    async def read_user(db: AsyncSession, user_id: int) -> str:
        user = await user_service.get_user(db, user_id)
        return user.name


    async def count_label(db: AsyncSession) -> str:
        total = async_user_service.count(db)
        return f"{total} users"


    async def rename(db: AsyncSession, user_id: int, name: str) -> str:
        user = async_user_service.rename(db, user_id, name)
        return user.name


    async def read_user_v2(db: AsyncSession, user_id: int) -> str:
        user = await async_user_service.get_user_async(db, user_id)
        return user.name


    def first_name(db: AsyncSession) -> str:
        user = await async_user_service.get_user(db, 1)
        return user.name
  `,
};

const HARNESS = `
import asyncio, gc, inspect, json, os, sys, tempfile, warnings
sys.path.insert(0, sys.argv[1])
caught = []
warnings.simplefilter("always")
warnings.showwarning = lambda message, category, *args, **kwargs: caught.append(f"{category.__name__}: {message}")
sys.unraisablehook = lambda u: caught.append(f"unraisable: {u.exc_value}")
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

out = {}
try:
    from app.db import Base, User
    import app.api.users as users
except Exception as exc:
    print(json.dumps({"import": type(exc).__name__}))
    sys.exit(0)

async def call(fn, *args):
    try:
        value = fn(*args)
        if inspect.isawaitable(value):
            value = await value
        return {"value": value}
    except Exception as exc:
        return {"raises": type(exc).__name__}

async def main():
    path = os.path.join(tempfile.mkdtemp(), "app.db")
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        db.add_all([User(id=1, name="alice"), User(id=2, name="bob")])
        await db.commit()
    for name, args in [("read_user", (1,)), ("count_label", ()), ("rename", (2, "bobby")), ("read_user_v2", (1,)), ("first_name", ())]:
        if not hasattr(users, name):
            continue
        async with AsyncSession(engine, expire_on_commit=False) as db:
            out[name] = await call(getattr(users, name), db, *args)
    async with AsyncSession(engine) as db:
        out["stored"] = (await db.execute(select(User.name).order_by(User.id))).scalars().all()
    await engine.dispose()

asyncio.run(main())
gc.collect()
out["warnings"] = sorted(set(w.split(" at 0x")[0] for w in caught))
print(json.dumps(out))
`;

function pythonMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import sqlalchemy, aiosqlite, greenlet'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found`;
  return probe.status === 0 ? undefined : `${PYTHON} lacks sqlalchemy/aiosqlite/greenlet`;
}

function run(files: Files): Record<string, unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-await-exec-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    fs.writeFileSync(path.join(dir, 'harness.py'), HARNESS);
    return JSON.parse(execFileSync(PYTHON, [path.join(dir, 'harness.py'), dir], { encoding: 'utf8' }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('AM201–AM205 fixes, executed on a real AsyncSession', function () {
  this.timeout(60000);

  before(function () {
    const missing = pythonMissing();
    if (missing) skipOrFailInCi(this, `the await-rules execution proof cannot run: ${missing}`);
  });

  it('the original app fails the way the seed describes', () => {
    // `await` inside a plain def: the module does not even import.
    assert.deepStrictEqual(run(APP), { import: 'SyntaxError' });
    // Without that function, every other bug shows at run time.
    const withoutAm205 = { ...APP, 'app/api/users.py': APP['app/api/users.py'].replace(/\ndef first_name[\s\S]*$/, '\n') };
    const out = run(withoutAm205) as { [k: string]: { value?: unknown; raises?: string } } & { stored: string[]; warnings: string[] };
    assert.deepStrictEqual(out.read_user, { raises: 'AttributeError' }); // the sync service calls db.query() on an AsyncSession
    assert.match(String(out.count_label.value), /^<coroutine object/); // a coroutine, not a number
    assert.deepStrictEqual(out.rename, { raises: 'AttributeError' }); // coroutine has no .name
    assert.deepStrictEqual(out.read_user_v2, { raises: 'AttributeError' }); // no get_user_async
    assert.deepStrictEqual(out.stored, ['alice', 'bob']); // the rename was never committed
    assert.ok(out.warnings.some((w) => /was never awaited/.test(w)), out.warnings.join('\n'));
  });

  it('after the safe fixes: right values, the write is committed, no coroutine left unawaited', async () => {
    const config = makeConfig();
    const fixed: Files = { ...APP };
    for (const file of ['app/services/async_user.py', 'app/api/users.py']) {
      const index = await buildIndex(fixed, config);
      fixed[file] = fixText(file, fixed[file], index, config, { select: CODES }).text;
    }
    assert.ok(fixed['app/api/users.py'].includes('async def first_name'), fixed['app/api/users.py']);
    assert.ok(!fixed['app/api/users.py'].includes('app.services.user import'), 'the sync service import is gone');
    const out = run(fixed);
    assert.deepStrictEqual(out, {
      read_user: { value: 'alice' },
      count_label: { value: '2 users' },
      rename: { value: 'bobby' },
      read_user_v2: { value: 'alice' },
      first_name: { value: 'alice' },
      stored: ['alice', 'bobby'],
      warnings: [],
    });
  });
});
