// "Set up async infrastructure": the edit on several shapes of sync session / Redis plumbing,
// and executed: the generated get_async_db serves a FastAPI TestClient request on aiosqlite, and
// the example app (its async plumbing removed first) compiles, imports and passes its own tests.
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyInitAsync, asyncDatabaseUrl, planInitAsync } from '../../../server/src/analysis/infrastructure/init-async';
import { cli, read } from '../cli/workspace';
import { buildIndex, type Files, makeConfig, py, skipOrFailInCi } from '../helpers';
import { GET_DB, TUTORIAL_DB, TUTORIAL_MAIN } from './plumbing';

async function initAsync(files: Files, raw: Record<string, unknown> = {}) {
  const config = makeConfig(raw);
  const index = await buildIndex(files, config);
  const plan = planInitAsync(index, config, (p) => files[p]);
  return { plan, after: applyInitAsync(plan, (p) => files[p]) };
}

describe('init-async: the edit', () => {
  it('switches a literal postgres URL, keeps valid engine keywords, drops future=, mirrors the commit of get_db', async () => {
    const session = py`
      from sqlalchemy import create_engine
      from sqlalchemy.orm import sessionmaker

      engine = create_engine("postgresql+psycopg2://app:secret@db/app", pool_pre_ping=True, future=True, pool_size=10, strategy="mock")
      SessionLocal = sessionmaker(bind=engine, autoflush=False)


      def get_db():
          with SessionLocal() as db:
              yield db
              db.commit()
    `;
    const { plan, after } = await initAsync({ 'app/__init__.py': '', 'app/db/__init__.py': '', 'app/db/session.py': session });
    assert.strictEqual(plan.session.status, 'added', plan.session.message);
    assert.strictEqual(plan.redis, undefined);
    assert.strictEqual(
      after.get('app/db/session.py'),
      py`
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker
        from sqlalchemy.ext.asyncio import create_async_engine, AsyncSession
        from typing import AsyncIterator

        engine = create_engine("postgresql+psycopg2://app:secret@db/app", pool_pre_ping=True, future=True, pool_size=10, strategy="mock")
        SessionLocal = sessionmaker(bind=engine, autoflush=False)

        # Async engine and sessions (async-migrate init-async): same database, async driver.
        async_engine = create_async_engine("postgresql+asyncpg://app:secret@db/app", pool_pre_ping=True, pool_size=10)
        AsyncSessionLocal = sessionmaker(bind=async_engine, class_=AsyncSession, expire_on_commit=False, autoflush=False)


        def get_db():
            with SessionLocal() as db:
                yield db
                db.commit()


        async def get_async_db() -> AsyncIterator[AsyncSession]:
            """Async twin of \`get_db\`: one \`AsyncSession\` per request, committed when the request succeeds, closed afterwards."""
            async with AsyncSessionLocal() as session:
                yield session
                await session.commit()
      `,
    );
    assert.deepStrictEqual(plan.notes, [
      'dropped future=True: async engines are always 2.0-style',
      'dropped strategy="mock": not known to be valid for create_async_engine; add it by hand if it applies',
    ]);
  });

  it('wraps a settings URL expression in a run-time driver switch instead of guessing, and drops driver-specific connect_args', async () => {
    const session = py`
      from sqlalchemy import create_engine
      from sqlalchemy.orm import Session, sessionmaker

      from app.core.config import settings

      engine = create_engine(settings.DATABASE_URL, connect_args=settings.CONNECT_ARGS, echo=settings.DEBUG)
      SessionLocal = sessionmaker(bind=engine)
    ` + '\n\n' + GET_DB;
    const { plan, after } = await initAsync({ 'app/__init__.py': '', 'app/core/__init__.py': '', 'app/core/config.py': 'settings = object()\n', 'app/db.py': session });
    assert.strictEqual(plan.session.status, 'added');
    const text = after.get('app/db.py')!;
    assert.match(text, /^from sqlalchemy\.engine import make_url, URL$/m);
    assert.match(text, /^def async_database_url\(url\):$/m);
    assert.match(text, /^async_engine = create_async_engine\(async_database_url\(settings\.DATABASE_URL\), echo=settings\.DEBUG\)$/m);
    assert.ok(!/connect_args=settings/.test(text.slice(text.indexOf('async_engine ='))), 'connect_args not carried over');
    assert.match(plan.notes.join('\n'), /dropped connect_args=settings\.CONNECT_ARGS: connect arguments are driver-specific/);
  });

  it('keeps sqlite connect_args (aiosqlite accepts them) and imports AsyncSessionLocal where get_db lives (the FastAPI tutorial layout)', async () => {
    const { plan, after } = await initAsync({ 'app/__init__.py': '', 'app/database.py': TUTORIAL_DB, 'app/main.py': TUTORIAL_MAIN });
    assert.strictEqual(plan.session.status, 'added');
    assert.match(after.get('app/database.py')!, /^async_engine = create_async_engine\(async_database_url\(SQLALCHEMY_DATABASE_URL\), connect_args=\{"check_same_thread": False\}\)$/m);
    assert.match(after.get('app/database.py')!, /AsyncSessionLocal = sessionmaker\(bind=async_engine, class_=AsyncSession, expire_on_commit=False, autoflush=False\)\n\nBase = declarative_base\(\)/);
    const main = after.get('app/main.py')!;
    assert.match(main, /^from app\.database import SessionLocal, AsyncSessionLocal$/m);
    assert.match(main, /^async def get_async_db\(\) -> AsyncIterator\[AsyncSession\]:\n    """[^\n]*"""\n    async with AsyncSessionLocal\(\) as session:\n        yield session\n\n\n@app\.get/m);
    assert.match(plan.notes.join('\n'), /kept connect_args=\{"check_same_thread": False\}/);
  });

  it('follows `Session(engine)` in get_db to the engine in another module, and imports the new factory from there', async () => {
    const { plan, after } = await initAsync({
      'app/__init__.py': '',
      'app/core/__init__.py': '',
      'app/api/__init__.py': '',
      'app/core/config.py': 'settings = object()\n',
      'app/core/db.py': 'from sqlalchemy import create_engine\n\nfrom app.core.config import settings\n\nengine = create_engine(str(settings.DATABASE_URI))\n',
      'app/api/deps.py': py`
        from collections.abc import Generator

        from sqlalchemy.orm import Session

        from app.core.db import engine


        def get_db() -> Generator[Session, None, None]:
            with Session(engine) as session:
                yield session
      `,
    });
    assert.strictEqual(plan.session.status, 'added', plan.session.message);
    const db = after.get('app/core/db.py')!;
    assert.match(db, /^from sqlalchemy\.orm import sessionmaker$/m);
    assert.match(db, /^async_engine = create_async_engine\(async_database_url\(str\(settings\.DATABASE_URI\)\)\)$/m);
    assert.match(db, /^AsyncSessionLocal = sessionmaker\(bind=async_engine, class_=AsyncSession, expire_on_commit=False\)$/m);
    const deps = after.get('app/api/deps.py')!;
    assert.match(deps, /^from app\.core\.db import engine, AsyncSessionLocal$/m);
    assert.match(deps, /    async with AsyncSessionLocal\(\) as session:\n        yield session\n$/);
  });

  it('reports "already present" and changes nothing when an async session dependency exists', async () => {
    const files = {
      'app/__init__.py': '',
      'app/database.py': TUTORIAL_DB,
      'app/main.py': TUTORIAL_MAIN + '\n\nasync def get_async_session():\n    yield None\n',
    };
    const { plan, after } = await initAsync(files);
    assert.strictEqual(plan.session.status, 'present');
    assert.strictEqual(plan.session.message, 'async session dependency already present: app.main.get_async_session (set [tool.async-migrate.session] async-dependency = "get_async_session" so AM103\'s fix uses it)');
    assert.strictEqual(after.size, 0);
  });

  it('says what it looked for, and edits nothing, when there is no sync session module or it is unusual', async () => {
    const none = await initAsync({ 'app/__init__.py': '', 'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' });
    assert.strictEqual(none.plan.session.status, 'missing');
    assert.match(none.plan.session.message, /^no sync session module found: looked for a plain `def` `get_db` \/ `get_session` \/ `get_db_session`/);
    assert.strictEqual(none.after.size, 0);
    // The engine is built inside a function: no module-level create_engine to stand next to.
    const lazy = await initAsync({
      'app/__init__.py': '',
      'app/db.py': py`
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        def make_engine():
            return create_engine("sqlite://")

        SessionLocal = sessionmaker(bind=make_engine())

        def get_db():
            with SessionLocal() as db:
                yield db
      `,
    });
    assert.strictEqual(lazy.plan.session.status, 'missing');
    assert.match(lazy.plan.session.message, /`SessionLocal` in `app\/db\.py` is bound to `make_engine\(\)`, not to a module-level `create_engine\(\.\.\.\)` variable/);
    assert.strictEqual(lazy.after.size, 0);
    // A test override named get_db is not the application's plumbing.
    const testsOnly = await initAsync({ 'tests/conftest.py': TUTORIAL_MAIN });
    assert.strictEqual(testsOnly.plan.session.status, 'missing');
  });

  it('adds redis.asyncio next to a sync Redis client and get_redis (module import spelled as written)', async () => {
    const redisModule = py`
      import redis

      from app.core.config import settings

      redis_client = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)


      def get_redis():
          yield redis_client
    `;
    const { plan, after } = await initAsync({ 'app/__init__.py': '', 'app/core/__init__.py': '', 'app/core/config.py': 'settings = object()\n', 'app/core/redis.py': redisModule, 'app/database.py': TUTORIAL_DB, 'app/main.py': TUTORIAL_MAIN });
    assert.strictEqual(plan.redis?.status, 'added', plan.redis?.message);
    assert.strictEqual(
      after.get('app/core/redis.py'),
      py`
        import redis
        from redis.asyncio import Redis as AsyncRedis

        from app.core.config import settings
        from typing import AsyncIterator

        redis_client = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)

        # Async Redis client (async-migrate init-async): same server, redis.asyncio; always await its commands.
        async_redis_client = AsyncRedis.from_url(settings.REDIS_URL, decode_responses=True)


        def get_redis():
            yield redis_client


        async def get_async_redis() -> AsyncIterator[AsyncRedis]:
            """Async twin of \`get_redis\`: the redis.asyncio client (await every command)."""
            yield async_redis_client
      `,
    );
    // A client on a sync ConnectionPool cannot be mirrored: said, and the session part still done.
    const pooled = await initAsync({ 'app/__init__.py': '', 'app/r.py': 'import redis\npool = redis.ConnectionPool()\nr = redis.Redis(connection_pool=pool)\n', 'app/database.py': TUTORIAL_DB, 'app/main.py': TUTORIAL_MAIN });
    assert.strictEqual(pooled.plan.redis?.status, 'missing');
    assert.match(pooled.plan.redis!.message, /sync ConnectionPool/);
    assert.deepStrictEqual([...pooled.after.keys()].sort(), ['app/database.py', 'app/main.py']);
  });

  it('reuses an async engine, session factory and Redis client that already exist and adds only the missing dependencies', async () => {
    const session = py`
      from sqlalchemy import create_engine
      from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
      from sqlalchemy.orm import sessionmaker

      engine = create_engine("sqlite:///./app.db")
      SessionLocal = sessionmaker(bind=engine)
      async_engine = create_async_engine("sqlite+aiosqlite:///./app.db")
      async_session_factory = sessionmaker(bind=async_engine, class_=AsyncSession, expire_on_commit=False)
    ` + '\n\n' + GET_DB;
    const redisModule = py`
      import redis
      from redis import asyncio as aioredis

      redis_client = redis.Redis.from_url("redis://localhost")
      cache = aioredis.Redis.from_url("redis://localhost")


      def get_redis():
          return redis_client
    `;
    const { plan, after } = await initAsync({ 'app/__init__.py': '', 'app/db.py': session, 'app/cache.py': redisModule });
    assert.strictEqual(plan.session.message, 'async session: added `get_async_db` in `app/db.py`, next to `get_db`');
    const db = after.get('app/db.py')!;
    assert.strictEqual((db.match(/create_async_engine\(/g) ?? []).length, 1, 'no second async engine');
    assert.match(db, /    async with async_session_factory\(\) as session:\n        yield session\n$/);
    assert.strictEqual(plan.redis?.status, 'added');
    const cache = after.get('app/cache.py')!;
    assert.strictEqual(cache, redisModule + '\n\nasync def get_async_redis() -> aioredis.Redis:\n    """Async twin of `get_redis`: the redis.asyncio client (await every command)."""\n    return cache\n');
  });

  it('keeps CRLF line endings and a file without a final newline intact', async () => {
    const crlf = (TUTORIAL_DB.trimEnd() + '\n\n\n' + GET_DB.trimEnd()).replace(/\n/g, '\r\n');
    const { plan, after } = await initAsync({ 'app/__init__.py': '', 'app/database.py': crlf });
    assert.strictEqual(plan.session.status, 'added');
    const text = after.get('app/database.py')!;
    assert.ok(!/[^\r]\n/.test(text), 'every newline is CRLF');
    // Only additions: the original lines are all there, in order.
    const added = text.split('\r\n');
    let at = 0;
    for (const line of crlf.split('\r\n')) {
      at = added.indexOf(line, at);
      assert.ok(at >= 0, `original line kept: ${line}`);
      at++;
    }
    assert.match(text, /        db\.close\(\)\r\n\r\n\r\nasync def get_async_db\(\)/);
  });

  it('switches literal URLs per driver and refuses unknown ones', () => {
    assert.strictEqual(asyncDatabaseUrl('postgresql://u@h/db'), 'postgresql+asyncpg://u@h/db');
    assert.strictEqual(asyncDatabaseUrl('postgresql+psycopg2://u@h/db'), 'postgresql+asyncpg://u@h/db');
    assert.strictEqual(asyncDatabaseUrl('sqlite:///./app.db'), 'sqlite+aiosqlite:///./app.db');
    assert.strictEqual(asyncDatabaseUrl('sqlite://'), 'sqlite+aiosqlite://');
    assert.strictEqual(asyncDatabaseUrl('mysql://u@h/db'), 'mysql+aiomysql://u@h/db');
    assert.strictEqual(asyncDatabaseUrl('mysql+pymysql://u@h/db'), 'mysql+aiomysql://u@h/db');
    assert.strictEqual(asyncDatabaseUrl('mssql+pyodbc://u@h/db'), undefined);
  });
});

const PYTHON = '/usr/bin/python3';

function havePythonStack(): boolean {
  return spawnSync(PYTHON, ['-c', 'import sqlalchemy, fastapi, aiosqlite, httpx, redis, pytest'], { stdio: 'ignore' }).status === 0;
}

describe('init-async: executed', function () {
  this.timeout(300000);
  const dirs: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  before(function () {
    if (!havePythonStack()) skipOrFailInCi(this, `${PYTHON} lacks sqlalchemy/fastapi/aiosqlite/httpx/redis/pytest (run scripts/setup.sh)`);
  });
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const urlShapes: [string, string][] = [
    ['a URL in a module-level name (switched at run time)', TUTORIAL_DB],
    ['a literal URL (switched in the edit), with a commit in get_db', TUTORIAL_DB.replace('create_engine(SQLALCHEMY_DATABASE_URL,', 'create_engine("sqlite:///./sql_app.db",')],
  ];
  for (const [shape, database] of urlShapes) it(`the generated get_async_db serves a FastAPI TestClient request on aiosqlite (reads and writes): ${shape}`, async () => {
    const dir = tempDir('am-init-async-');
    const committing = database.includes('"sqlite:///./sql_app.db",');
    const files: Record<string, string> = {
      'pyproject.toml': '[project]\nname = "tutorial"\n',
      'app/__init__.py': '',
      'app/database.py': database,
      'app/models.py': py`
        from sqlalchemy import Column, Integer, String

        from .database import Base


        class Item(Base):
            __tablename__ = "items"
            id = Column(Integer, primary_key=True)
            name = Column(String, nullable=False)
      `,
      // A get_db that commits on exit gets an async twin that commits too (the POST below relies on it).
      'app/main.py': committing ? TUTORIAL_MAIN.replace('        yield db\n', '        yield db\n        db.commit()\n') : TUTORIAL_MAIN,
    };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const run = await cli(dir, ['init-async']);
    assert.strictEqual(run.code, 0, run.stderr + run.stdout);
    // A route written the way migrated endpoints are: AsyncSession from the generated dependency.
    fs.writeFileSync(
      path.join(dir, 'check_async_db.py'),
      py`
        from fastapi import Depends
        from fastapi.testclient import TestClient
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.database import Base, SessionLocal, async_engine, engine
        from app.main import app, get_async_db
        from app.models import Item

        assert async_engine.url.drivername == "sqlite+aiosqlite", async_engine.url
        COMMITTING_DEPENDENCY = "await session.commit()" in open("app/main.py").read()
        Base.metadata.create_all(engine)
        with SessionLocal() as db:
            db.add(Item(name="written by the sync session"))
            db.commit()


        @app.get("/items")
        async def list_items(db: AsyncSession = Depends(get_async_db)):
            rows = (await db.execute(select(Item).order_by(Item.id))).scalars().all()
            return [item.name for item in rows]


        @app.post("/items/{name}")
        async def add_item(name: str, db: AsyncSession = Depends(get_async_db)):
            item = Item(name=name)
            db.add(item)
            await db.flush()
            if not COMMITTING_DEPENDENCY:
                await db.commit()
            return {"id": item.id, "name": item.name}


        client = TestClient(app)
        created = client.post("/items/written-async")
        assert created.status_code == 200, created.text
        assert created.json()["name"] == "written-async"
        listed = client.get("/items")
        assert listed.status_code == 200, listed.text
        assert listed.json() == ["written by the sync session", "written-async"], listed.json()
        print("OK", listed.json())
      `,
    );
    assert.strictEqual(read(dir, 'app/main.py').includes('await session.commit()'), committing);
    assert.strictEqual(read(dir, 'app/database.py').includes('create_async_engine("sqlite+aiosqlite:///./sql_app.db"'), committing);
    const out = execFileSync(PYTHON, ['check_async_db.py'], { cwd: dir, encoding: 'utf8' });
    assert.match(out, /^OK \['written by the sync session', 'written-async'\]/);
    // Idempotent: a second run finds the dependency it added.
    const again = await cli(dir, ['init-async']);
    assert.strictEqual(again.code, 0);
    assert.match(again.stdout, /already present: app\.main\.get_async_db/);
  });

  it('on examples/gym-app without its async plumbing: the result compiles, imports, queries, and the app\'s own tests pass', async () => {
    const dir = tempDir('am-init-gym-');
    execFileSync('cp', ['-r', path.resolve(__dirname, '../../../examples/gym-app') + '/.', dir]);
    for (const junk of ['.pytest_cache', 'gym.db']) fs.rmSync(path.join(dir, junk), { recursive: true, force: true });
    // As shipped, the example already has async plumbing: nothing to add.
    const shipped = await cli(dir, ['init-async']);
    assert.strictEqual(shipped.code, 0);
    assert.match(shipped.stdout, /already present: app\.db\.session\.get_async_db/);
    assert.match(shipped.stdout, /already present: app\.core\.redis\.get_async_redis/);
    // Back to the state before phase 1: remove the async engine, factory, dependencies and client.
    const strip = (rel: string, patterns: RegExp[]) => {
      const abs = path.join(dir, rel);
      let text = fs.readFileSync(abs, 'utf8');
      for (const p of patterns) {
        assert.match(text, p, `${rel} still has ${p}`);
        text = text.replace(p, '');
      }
      fs.writeFileSync(abs, text);
    };
    strip('app/db/session.py', [/^from sqlalchemy\.ext\.asyncio import .*\n/m, /\n# --- Async ---\n[\s\S]*?expire_on_commit=False\)\n/, /\n\nasync def get_async_db[\s\S]*$/]);
    strip('app/core/redis.py', [/^from redis import asyncio as aioredis\n/m, /\n# Cliente async[^\n]*\nasync_redis_client = [^\n]*\n/, /\n\nasync def get_async_redis[\s\S]*$/]);
    strip('app/core/redis.py', [/AsyncIterator, /]);
    const broken = spawnSync(PYTHON, ['-c', 'import app.main'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONPATH: 'stubs' } });
    assert.notStrictEqual(broken.status, 0, 'without get_async_db the app does not import (its async endpoints need it)');

    const preview = await cli(dir, ['init-async', '--diff']);
    assert.strictEqual(preview.code, 1, preview.stderr);
    assert.match(preview.stdout, /^\+async def get_async_db\(\) -> AsyncIterator\[AsyncSession\]:$/m);
    assert.match(preview.stdout, /^\+async_engine = create_async_engine\(async_database_url\(SQLALCHEMY_DATABASE_URL\), pool_pre_ping=True\)$/m);
    const run = await cli(dir, ['init-async']);
    assert.strictEqual(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /note: dropped connect_args=_connect_args/);

    const compiled = spawnSync(PYTHON, ['-m', 'compileall', '-q', 'app/db', 'app/core', 'app/api', 'app/main.py'], { cwd: dir, encoding: 'utf8' });
    assert.strictEqual(compiled.status, 0, compiled.stdout + compiled.stderr);
    const query = py`
      import asyncio
      from sqlalchemy import text
      import app.main
      from app.core.redis import async_redis_client, get_async_redis
      from app.db.session import async_engine, get_async_db

      assert async_engine.url.drivername == "sqlite+aiosqlite", async_engine.url
      assert type(async_redis_client).__module__.startswith("redis.asyncio"), type(async_redis_client)

      async def main():
          async for session in get_async_db():
              return (await session.execute(text("select 41 + 1"))).scalar_one()

      print("OK", asyncio.run(main()))
    `;
    const imported = spawnSync(PYTHON, ['-c', query], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONPATH: 'stubs', DATABASE_URL: 'sqlite:///' + path.join(dir, 'gym.db') } });
    assert.strictEqual(imported.status, 0, imported.stdout + imported.stderr);
    assert.match(imported.stdout, /^OK 42$/m);
    const tests = spawnSync(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: dir, encoding: 'utf8', timeout: 240000 });
    assert.strictEqual(tests.status, 0, (tests.stdout + tests.stderr).split('\n').slice(-30).join('\n'));
  });
});
