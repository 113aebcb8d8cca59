import * as assert from 'assert';
import { analyze, fix, makeConfig, py, ruleTester } from '../helpers';

const sessionModule = py`
  from sqlalchemy.orm import Session, sessionmaker
  from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

  SessionLocal = sessionmaker(bind=engine)
  AsyncSessionLocal = async_sessionmaker(bind=async_engine)

  def get_db():
      db = SessionLocal()
      try:
          yield db
      finally:
          db.close()

  async def get_async_db():
      async with AsyncSessionLocal() as session:
          yield session
`;

const onlySyncSessionModule = py`
  from sqlalchemy.orm import Session

  def get_db():
      yield SessionLocal()
`;

ruleTester('AM103', {
  valid: [
    {
      name: 'a sync endpoint with a sync session is fine (threadpool)',
      code: py`
        from fastapi import APIRouter, Depends
        from sqlalchemy.orm import Session
        from app.db.session import get_db

        router = APIRouter()

        @router.get("/users/me")
        def get_me(db: Session = Depends(get_db)):
            return db.query(User).first()
      `,
    },
    {
      name: 'already migrated: AsyncSession = Depends(get_async_db), and db.add() on it',
      code: py`
        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.db.session import get_async_db

        @router.post("/users")
        async def create(payload: UserIn, db: AsyncSession = Depends(get_async_db)):
            db.add(User(**payload.dict()))
            await db.commit()
      `,
    },
    {
      name: 'Annotated AsyncSession and an async session opened locally',
      code: py`
        from typing import Annotated
        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession

        async def handler(db: Annotated[AsyncSession, Depends(get_async_db)]):
            async with AsyncSessionLocal() as other:
                await other.commit()
      `,
    },
    {
      name: 'a sync helper taking a Session, called from async code elsewhere, is not async',
      code: py`
        from sqlalchemy.orm import Session

        def count_users(db: Session) -> int:
            return db.query(User).count()
      `,
    },
    {
      name: 'a dependency named get_db that yields an AsyncSession (its annotation decides, not the configured name) (corpus: notes-api)',
      files: {
        'notes/db.py': py`
          from collections.abc import AsyncGenerator
          from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

          async_session = async_sessionmaker(engine, expire_on_commit=False)

          async def get_db() -> AsyncGenerator[AsyncSession, None]:
              async with async_session() as session:
                  yield session
        `,
        'notes/main.py': py`
          from fastapi import Depends, FastAPI
          from notes.db import get_db

          app = FastAPI()

          @app.get("/notes")
          async def list_notes(db=Depends(get_db)):
              return await db.scalars(select(Note))
        `,
      },
      path: 'notes/main.py',
    },
    {
      name: 'explicit AsyncSession annotation, dependency named like a sync one but its import does not resolve: the annotation wins (monorepo opened at the repository root)',
      code: py`
        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.core.database import get_db_session

        async def list_users(session: AsyncSession = Depends(get_db_session)):
            return await session.scalars(select(User))
      `,
    },
    {
      name: 'explicit AsyncSession annotation, unannotated async def dependency named get_db_session: a name never overrules the annotation',
      files: {
        'app/core/database.py': py`
          async def get_db_session():
              async with async_session_maker() as session:
                  yield session
        `,
        'app/api/users.py': py`
          from fastapi import Depends
          from sqlalchemy.ext.asyncio import AsyncSession
          from app.core.database import get_db_session

          async def list_users(session: AsyncSession = Depends(get_db_session)):
              return await session.scalars(select(User))
        `,
      },
      path: 'app/api/users.py',
    },
    {
      name: 'unannotated db = Depends(get_db) on an unannotated async def get_db: a configured sync name is no evidence (real code: async get_db yielding AsyncSessionLocal())',
      files: {
        'app/core/database.py': py`
          async def get_db():
              db = AsyncSessionLocal()
              try:
                  yield db
              finally:
                  await db.close()
        `,
        'app/api/items.py': py`
          from fastapi import Depends
          from app.core.database import get_db

          async def list_items(db=Depends(get_db)):
              return await db.scalars(select(Item))
        `,
      },
      path: 'app/api/items.py',
    },
    {
      name: 'unannotated db = Depends(get_db) whose import does not resolve: unknown, so silent',
      code: py`
        from fastapi import Depends
        from app.db.session import get_db

        async def me(db=Depends(get_db)):
            return db
      `,
    },
    {
      name: 'an unrelated Session class (requests) is not SQLAlchemy',
      code: py`
        from requests import Session

        async def fetch(http: Session):
            return http
      `,
    },
  ],
  invalid: [
    {
      name: 'seed step 3B: db: Session = Depends(get_db) in an async route',
      files: {
        'app/db/session.py': sessionModule,
        'app/api/users.py': py`
          from fastapi import APIRouter, Depends
          from sqlalchemy.orm import Session
          from app.db.session import get_db

          router = APIRouter()

          @router.get("/users/me")
          async def get_current_user_info(
              db: Session = Depends(get_db),  # injected
              user_id: int = 1,
          ):
              return user_id
        `,
      },
      path: 'app/api/users.py',
      errors: ['9:5'],
      message: '`db` is a sync `Session` (`Depends(get_db)`) in `async def get_current_user_info`',
      output: py`
        from fastapi import APIRouter, Depends
        from sqlalchemy.orm import Session
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.db.session import get_db, get_async_db

        router = APIRouter()

        @router.get("/users/me")
        async def get_current_user_info(
            db: AsyncSession = Depends(get_async_db),  # injected
            user_id: int = 1,
        ):
            return user_id
      `,
    },
    {
      name: 'Annotated[Session, Depends(get_db)] with a relative import',
      files: {
        'app/db/session.py': sessionModule,
        'app/api/items.py': py`
          from typing import Annotated
          from fastapi import Depends
          from sqlalchemy.orm import Session
          from sqlalchemy.ext.asyncio import AsyncSession
          from ..db.session import get_db

          async def list_items(db: Annotated[Session, Depends(get_db)]):
              return []
        `,
      },
      path: 'app/api/items.py',
      errors: ['7:22'],
      output: py`
        from typing import Annotated
        from fastapi import Depends
        from sqlalchemy.orm import Session
        from sqlalchemy.ext.asyncio import AsyncSession
        from ..db.session import get_db, get_async_db

        async def list_items(db: Annotated[AsyncSession, Depends(get_async_db)]):
            return []
      `,
    },
    {
      name: 'module-qualified dependency (deps.get_db → deps.get_async_db)',
      files: {
        'app/api/deps.py': sessionModule,
        'app/api/gyms.py': py`
          from fastapi import Depends
          from sqlalchemy import orm
          from app.api import deps

          async def gym(gym_id: int, db: orm.Session = Depends(deps.get_db)):
              return gym_id
        `,
      },
      path: 'app/api/gyms.py',
      errors: ['5:28'],
      output: py`
        from fastapi import Depends
        from sqlalchemy import orm
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.api import deps

        async def gym(gym_id: int, db: AsyncSession = Depends(deps.get_async_db)):
            return gym_id
      `,
    },
    {
      name: 'no async dependency next to get_db and none configured: no fix, with the reason',
      files: {
        'app/db/session.py': onlySyncSessionModule,
        'app/api/users.py': py`
          from fastapi import Depends
          from sqlalchemy.orm import Session
          from app.db.session import get_db

          async def me(db: Session = Depends(get_db)):
              return None
        `,
      },
      path: 'app/api/users.py',
      errors: ['5:14'],
      output: py`
        from fastapi import Depends
        from sqlalchemy.orm import Session
        from app.db.session import get_db

        async def me(db: Session = Depends(get_db)):
            return None
      `,
    },
    {
      name: 'configured async dependency module and name',
      config: { session: { 'async-dependency': 'get_async_session', 'async-dependency-module': 'app.core.database' } },
      files: {
        'app/db/session.py': onlySyncSessionModule,
        'app/api/users.py': py`
          from fastapi import Depends
          from sqlalchemy.orm import Session
          from app.db.session import get_db

          async def me(db: Session = Depends(get_db)):
              return None
        `,
      },
      path: 'app/api/users.py',
      errors: ['5:14'],
      output: py`
        from fastapi import Depends
        from sqlalchemy.orm import Session
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.db.session import get_db
        from app.core.database import get_async_session

        async def me(db: AsyncSession = Depends(get_async_session)):
            return None
      `,
    },
    {
      name: 'annotated AsyncSession but the dependency is the sync get_db',
      files: {
        'app/db/session.py': sessionModule,
        'app/api/users.py': py`
          from fastapi import Depends
          from sqlalchemy.ext.asyncio import AsyncSession
          from app.db.session import get_db, get_async_db

          async def me(db: AsyncSession = Depends(get_db)):
              return None
        `,
      },
      path: 'app/api/users.py',
      errors: ['5:14'],
      message: 'annotated `AsyncSession` but `Depends(get_db)` provides a sync `Session`',
      output: py`
        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.db.session import get_db, get_async_db

        async def me(db: AsyncSession = Depends(get_async_db)):
            return None
      `,
    },
    {
      name: 'a Session-typed parameter of an async service method: no fix, even unsafe (the annotation is only a suggestion)',
      code: py`
        from sqlalchemy.orm import Session

        class UserService:
            async def get_user(self, db: Session, user_id: int):
                return db.query(User).get(user_id)
      `,
      errors: ['4:30'],
      message: 'typed as a sync `Session`',
      unsafe: true,
      output: py`
        from sqlalchemy.orm import Session

        class UserService:
            async def get_user(self, db: Session, user_id: int):
                return db.query(User).get(user_id)
      `,
    },
    {
      name: 'the annotation fix is not applied by safe fix-all',
      code: py`
        from sqlalchemy.orm import Session

        async def helper(db: Session):
            return db
      `,
      errors: ['3:18'],
      output: py`
        from sqlalchemy.orm import Session

        async def helper(db: Session):
            return db
      `,
    },
    {
      name: 'unannotated db = Depends(get_db) with both dependencies defined in the same module',
      code: py`
        from fastapi import Depends

        def get_db():
            yield None

        async def get_async_db():
            yield None

        async def handler(db=Depends(get_db)):
            db.add(None)
      `,
      errors: ['9:19'],
      message: '`Depends(get_db)` provides a sync `Session` in `async def handler`',
      output: py`
        from fastapi import Depends

        def get_db():
            yield None

        async def get_async_db():
            yield None

        async def handler(db=Depends(get_async_db)):
            db.add(None)
      `,
    },
    {
      name: 'a sync session opened inside async def',
      files: {
        'app/db/session.py': sessionModule,
        'app/workers/jobs.py': py`
          from app.db.session import SessionLocal

          async def nightly():
              db = SessionLocal()
              with SessionLocal() as other:
                  pass
        `,
      },
      path: 'app/workers/jobs.py',
      errors: ['4:10', '5:10'],
      message: 'opens a sync `Session` in `async def nightly`',
    },
    {
      // The factory names are found in the text first: a call spelled with a space or a line
      // continuation before its argument list is still one.
      name: 'a sync factory called with whitespace or a line continuation before its arguments, imported under an alias',
      files: {
        'app/db/session.py': sessionModule,
        'app/workers/jobs.py': [
          'from app.db import session as dbs',
          'from app.db.session import SessionLocal as Local',
          '',
          'async def nightly():',
          '    db = Local ()',
          '    other = dbs.SessionLocal \\',
          '        ()',
          '',
        ].join('\n'),
      },
      path: 'app/workers/jobs.py',
      errors: ['5:10', '6:13'],
      message: 'opens a sync `Session` in `async def nightly`',
    },
  ],
});

ruleTester('AM103', {
  valid: [
    {
      name: 'a sync factory named but never called in async def (passed on, or a longer name that ends like it)',
      files: {
        'app/db/session.py': sessionModule,
        'app/workers/jobs.py': py`
          from app.db.session import SessionLocal

          async def nightly(run):
              factory = SessionLocal
              db = run(SessionLocal)
              other = MySessionLocal()
              third = SessionLocalFactory()
        `,
      },
      path: 'app/workers/jobs.py',
    },
  ],
  invalid: [],
});

describe('session evidence', () => {
  it('a `Session` imported from another library is not a SQLAlchemy session (no session finding of any rule)', async () => {
    const findings = await analyze({
      'app/api/http.py': py`
        from requests import Session


        async def fetch(session: Session):
            page = session.get("https://example.org")
            return session.query(page)
      `,
    });
    assert.deepStrictEqual(findings.filter((f) => /^AM(1|20)/.test(f.code)).map((f) => `${f.code} ${f.message}`), []);
  });
});

// The session switch is a line fix only when every use of the session gets its own fix in the
// same run; otherwise the handler would hand an AsyncSession to code that cannot take it.
const SWITCH_WORKSPACE = {
  'app/db.py': 'from sqlalchemy.orm import Session\n\ndef get_db():\n    yield Session()\n\nasync def get_async_db():\n    yield None\n',
  'app/services/report.py': 'from sqlalchemy.orm import Session\n\ndef build_report(db: Session):\n    return {}\n\nasync def abuild_report(db):\n    return {}\n',
};
const SWITCH_HEADER = 'from fastapi import Depends\nfrom sqlalchemy.orm import Session\nfrom app.db import get_db\nfrom app.services.report import build_report, abuild_report\n\n';
ruleTester('AM103', {
  valid: [],
  invalid: [
    {
      name: 'a sync service receives the session: reported, no line fix (Migrate this endpoint)',
      files: { ...SWITCH_WORKSPACE, 'app/api.py': SWITCH_HEADER + 'async def handler(db: Session = Depends(get_db)):\n    db.commit()\n    return build_report(db)\n' },
      path: 'app/api.py',
      errors: ['6:19'],
      output: SWITCH_HEADER + 'async def handler(db: Session = Depends(get_db)):\n    db.commit()\n    return build_report(db)\n',
    },
    {
      name: 'near miss: every use converts (an awaitable session method, an async def argument) → the switch is a safe fix',
      files: { ...SWITCH_WORKSPACE, 'app/api.py': SWITCH_HEADER + 'async def handler(db: Session = Depends(get_db)):\n    db.commit()\n    return await abuild_report(db)\n' },
      path: 'app/api.py',
      errors: ['6:19'],
      output: 'from fastapi import Depends\nfrom sqlalchemy.orm import Session\nfrom sqlalchemy.ext.asyncio import AsyncSession\nfrom app.db import get_db, get_async_db\nfrom app.services.report import build_report, abuild_report\n\n' + 'async def handler(db: AsyncSession = Depends(get_async_db)):\n    db.commit()\n    return await abuild_report(db)\n',
    },
  ],
});

describe('AM103 session switch precondition', () => {
  it('names the use that blocks the line fix and offers the switch only as a suggestion', async () => {
    const files = { ...SWITCH_WORKSPACE, 'app/api.py': SWITCH_HEADER + 'async def handler(db: Session = Depends(get_db)):\n    return build_report(db)\n' };
    const [finding] = (await analyze(files, { select: ['AM103'], only: 'app/api.py' })).filter((f) => f.code === 'AM103');
    assert.strictEqual(finding.fix, undefined);
    assert.match(finding.noFixReason ?? '', /`build_report\(\)` \(line 7\) is sync and would receive the AsyncSession; use "Migrate this endpoint"/);
    assert.strictEqual(finding.suggestions?.[0]?.applicability, 'unsafe');
  });

  it('after `fix` (all rules) the switched handler awaits its session calls: consistent in one run', async () => {
    const files = { ...SWITCH_WORKSPACE, 'app/api.py': SWITCH_HEADER + 'async def handler(db: Session = Depends(get_db)):\n    db.commit()\n    return await abuild_report(db)\n' };
    const fixed = await fix(files, 'app/api.py');
    assert.match(fixed, /async def handler\(db: AsyncSession = Depends\(get_async_db\)\):\n    await db\.commit\(\)\n/);
  });
});

describe('AM103 and "Set up async infrastructure"', () => {
  const handler = py`
    from fastapi import Depends
    from sqlalchemy.orm import Session
    from app.db.session import get_db

    async def me(db: Session = Depends(get_db)):
        return None
  `;
  const am103 = async (files: Record<string, string>, session: Record<string, unknown> = {}) => {
    const found = await analyze(files, { select: ['AM103'], only: 'app/api/users.py', config: makeConfig({ session }) });
    assert.strictEqual(found.length, 1);
    return found[0];
  };

  it('with no async session dependency anywhere: no fix, and the message and reason name the action', async () => {
    const f = await am103({ 'app/db/session.py': onlySyncSessionModule, 'app/api/users.py': handler });
    assert.strictEqual(f.fix, undefined);
    assert.match(f.message, /no async session dependency exists yet: run "Set up async infrastructure" first$/);
    assert.strictEqual(f.noFixReason, '`get_async_db` does not exist yet; "Set up async infrastructure" (code action, command or `async-migrate init-async`) adds it next to `get_db`');
  });

  it('a configured async-dependency-module in the workspace that lacks the dependency gives no fix', async () => {
    const f = await am103({ 'app/db/session.py': onlySyncSessionModule, 'app/db/async_session.py': 'X = 1\n', 'app/api/users.py': handler }, { 'async-dependency-module': 'app.db.async_session' });
    assert.strictEqual(f.fix, undefined);
    assert.match(f.noFixReason!, /Set up async infrastructure/);
  });

  it('near miss: an async dependency under another name exists, so the reason is configuration, not set-up', async () => {
    const f = await am103({ 'app/db/session.py': onlySyncSessionModule + '\n\nasync def get_async_session():\n    yield None\n', 'app/api/users.py': handler });
    assert.strictEqual(f.fix, undefined);
    assert.doesNotMatch(f.message, /Set up async infrastructure/);
    assert.match(f.noFixReason!, /set \[tool\.async-migrate\.session\] async-dependency/);
  });
});

// Mid-migration code often keeps the name `get_db` for a dependency declared to yield an
// AsyncSession: its declaration beats the configured name `get_db`.
const ASYNC_GET_DB = {
  'app/db.py': 'from typing import AsyncGenerator\n\nfrom sqlalchemy.ext.asyncio import AsyncSession\n\nAsyncSessionLocal = None\n\n\nasync def get_db() -> AsyncGenerator[AsyncSession, None]:\n    db = AsyncSessionLocal()\n    try:\n        yield db\n    finally:\n        await db.close()\n',
};
const ASYNC_GET_DB_HEADER = 'from fastapi import Depends\nfrom sqlalchemy.orm import Session\nfrom sqlalchemy.ext.asyncio import AsyncSession\nfrom app.db import get_db\n\n';
ruleTester('AM103', {
  valid: [
    {
      name: '`db: AsyncSession = Depends(get_db)` where get_db is declared to yield an AsyncSession',
      files: { ...ASYNC_GET_DB, 'app/api.py': ASYNC_GET_DB_HEADER + 'async def handler(db: AsyncSession = Depends(get_db)):\n    await db.commit()\n' },
      path: 'app/api.py',
    },
  ],
  invalid: [
    {
      name: 'near miss: annotated `Session` on that async dependency → only the annotation is switched (the dependency already yields an AsyncSession)',
      files: { ...ASYNC_GET_DB, 'app/api.py': ASYNC_GET_DB_HEADER + 'async def handler(db: Session = Depends(get_db)):\n    db.add(None)\n' },
      path: 'app/api.py',
      errors: ['6:19'],
      message: '`db` is annotated `Session` but `Depends(get_db)` provides an `AsyncSession`',
      output: ASYNC_GET_DB_HEADER + 'async def handler(db: AsyncSession = Depends(get_db)):\n    db.add(None)\n',
    },
  ],
});

// test/real/REVIEW.md class 5: mid-migration code keeps a stale `session: Session` annotation on an
// `async def` whose body already awaits the session's methods. Awaiting a sync Session's results
// raises `TypeError`, so the body only runs with an AsyncSession: the annotation is what is wrong
// (not blocking I/O), and correcting it changes nothing at run time.
const STALE_HEADER = 'from sqlalchemy import select\nfrom sqlalchemy.orm import Session\n\nfrom app.models import Job\n\n\nclass JobManager:\n';
const STALE_FIXED_HEADER = 'from sqlalchemy import select\nfrom sqlalchemy.orm import Session\nfrom sqlalchemy.ext.asyncio import AsyncSession\n\nfrom app.models import Job\n\n\nclass JobManager:\n';
const staleLoad = (body: string, header = STALE_HEADER, annotation = 'Session') => `${header}    async def load(self, session: ${annotation}, job_id: str) -> Job:\n${body}`;
const staleCase = (body: string) => ({ files: { 'app/__init__.py': '', 'app/models.py': 'class Job:\n    id: str\n', 'app/jobs.py': staleLoad(body) }, path: 'app/jobs.py', errors: ['8:26'] });
const BLOCKS_THE_LOOP = 'is typed as a sync `Session` in `async def load`: its queries block the event loop';
/** A near miss: the old blocking-I/O message, and nothing changed by the fix run. */
const stillBlocking = (name: string, body: string) => ({ name, ...staleCase(body), message: BLOCKS_THE_LOOP, output: staleLoad(body) });
ruleTester('AM103', {
  valid: [
    {
      name: 'near miss: the same body with the parameter annotated AsyncSession',
      files: { 'app/__init__.py': '', 'app/models.py': 'class Job:\n    id: str\n', 'app/jobs.py': staleLoad('        result = await session.execute(select(Job))\n        return result.scalar_one()\n', 'from sqlalchemy import select\nfrom sqlalchemy.ext.asyncio import AsyncSession\n\nfrom app.models import Job\n\n\nclass JobManager:\n', 'AsyncSession') },
      path: 'app/jobs.py',
    },
  ],
  invalid: [
    {
      name: 'the REVIEW.md reproduction: `await session.execute(...)` on a `session: Session` → the annotation contradicts the use; the fix annotates it AsyncSession',
      ...staleCase('        result = await session.execute(select(Job).where(Job.id == job_id))\n        return result.scalar_one()\n'),
      message: '`session` is annotated `Session` but `async def load` awaits its methods (`await session.execute(...)` on line 9), which only an `AsyncSession` allows: the annotation contradicts the use; annotate it `AsyncSession`',
      output: staleLoad('        result = await session.execute(select(Job).where(Job.id == job_id))\n        return result.scalar_one()\n', STALE_FIXED_HEADER, 'AsyncSession'),
    },
    {
      name: 'awaited coroutines mixed with methods that stay plain calls on an AsyncSession (add), and `async with session.begin()`',
      ...staleCase('        async with session.begin():\n            session.add(Job())\n        await session.flush()\n        return await session.get(Job, job_id)\n'),
      message: 'awaits its methods (`async with session.begin()` on line 9)',
      output: staleLoad('        async with session.begin():\n            session.add(Job())\n        await session.flush()\n        return await session.get(Job, job_id)\n', STALE_FIXED_HEADER, 'AsyncSession'),
    },
    stillBlocking('near miss: a legacy `.query` next to the awaited call → still a blocking sync Session, no fix', '        await session.execute(select(Job))\n        return session.query(Job).get(job_id)\n'),
    stillBlocking('near miss: an un-awaited `execute` → no proof, no fix', '        await session.flush()\n        return session.execute(select(Job)).scalar_one()\n'),
    stillBlocking('near miss: the session passed on to another function → the engine cannot follow it, no fix', '        await session.commit()\n        return helper(session)\n'),
    stillBlocking('near miss: only plain calls (add), nothing awaited → no proof, no fix', '        session.add(Job())\n        return Job()\n'),
    stillBlocking('near miss: `with session.begin():` (sync) next to an awaited call → no fix', '        with session.begin():\n            await session.flush()\n        return Job()\n'),
    stillBlocking('near miss: the awaited call is in a nested function → no proof for this parameter', '        async def inner():\n            await session.flush()\n        return await inner()\n'),
  ],
});

describe('AM103 stale Session annotation', () => {
  it('without the proof the unsafe annotation suggestion stays (fix and fix-all never apply it)', async () => {
    const c = staleCase('        await session.execute(select(Job))\n        return session.query(Job).get(job_id)\n');
    const [finding] = (await analyze(c.files, { select: ['AM103'], only: c.path })).filter((f) => f.code === 'AM103');
    assert.strictEqual(finding.fix, undefined);
    assert.strictEqual(finding.suggestions?.[0]?.applicability, 'unsafe');
  });
});
