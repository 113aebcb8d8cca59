// "Migrate this endpoint": one combined edit inside one route handler, and an honest list of
// what is left. Expected texts are what a developer would review in the diff.
import * as assert from 'assert';
import { applyEdits } from '../../server/src/analysis/fixes/edits';
import { parseSource } from '../../server/src/analysis/engine';
import { findEndpoints, migrateEndpoint } from '../../server/src/analysis/migrate-endpoint';
import type { Rule } from '../../server/src/analysis/rule';
import { RULES } from '../../server/src/analysis/rules/registry';
import { SourceFile } from '../../server/src/analysis/source';
import { buildIndex, makeConfig, py, type Files } from './helpers';

const SESSION = py`
  from sqlalchemy.orm import Session


  def get_db():
      yield Session()


  async def get_async_db():
      yield None
`;

const MODEL = py`
  from sqlalchemy.orm import Mapped, mapped_column

  from app.db.base import Base


  class User(Base):
      __tablename__ = "users"
      id: Mapped[int] = mapped_column(primary_key=True)
`;

const REPORT_SERVICE = py`
  from sqlalchemy.orm import Session


  def build_report(db: Session, user_id: int):
      return {}
`;

const USERS = py`
  from datetime import datetime

  from fastapi import APIRouter, Depends
  from sqlalchemy.orm import Session

  from app.db.session import get_db
  from app.models.user import User
  from app.services.report import build_report

  router = APIRouter(prefix="/users")


  @router.get("/me")
  def read_me(user_id: int, db: Session = Depends(get_db)):
      user = db.query(User).filter(User.id == user_id).first()
      report = build_report(db, user_id)
      seen = datetime.utcnow()
      return {"user": user, "report": report, "seen": seen}


  @router.get("/other")
  def other(db: Session = Depends(get_db)):
      return datetime.utcnow()
`;

const USERS_CONSISTENT = py`
  from datetime import datetime

  from fastapi import APIRouter, Depends
  from sqlalchemy.orm import Session

  from app.db.session import get_db
  from app.models.user import User

  router = APIRouter(prefix="/users")


  @router.get("/me")
  def read_me(user_id: int, db: Session = Depends(get_db)):
      user = db.query(User).filter(User.id == user_id).first()
      seen = datetime.utcnow()
      return {"user": user, "seen": seen}


  @router.get("/other")
  def other(db: Session = Depends(get_db)):
      return datetime.utcnow()
`;

const MIGRATED = py`
  from datetime import datetime, timezone

  from fastapi import APIRouter, Depends
  from sqlalchemy.orm import Session
  from sqlalchemy.ext.asyncio import AsyncSession
  from sqlalchemy import select

  from app.db.session import get_db, get_async_db
  from app.models.user import User

  router = APIRouter(prefix="/users")


  @router.get("/me")
  async def read_me(user_id: int, db: AsyncSession = Depends(get_async_db)):
      user = (await db.execute(select(User).where(User.id == user_id).limit(1))).scalars().first()
      seen = datetime.now(timezone.utc)
      return {"user": user, "seen": seen}


  @router.get("/other")
  def other(db: Session = Depends(get_db)):
      return datetime.utcnow()
`;

function workspace(extra: Files = {}): Files {
  return {
    'app/db/session.py': SESSION,
    'app/models/user.py': MODEL,
    'app/services/report.py': REPORT_SERVICE,
    'app/api/users.py': USERS_CONSISTENT,
    ...extra,
  };
}

describe('migrate endpoint', () => {
  it('combines def → async def, the AsyncSession dependency, the select() rewrite and utcnow into one edit of the handler only', async () => {
    const files = workspace();
    const config = makeConfig();
    const index = await buildIndex(files, config);
    const result = migrateEndpoint('app/api/users.py', USERS_CONSISTENT, index, config, { function: 'read_me' });
    assert.strictEqual(result.ok, true);
    assert.strictEqual(result.text, MIGRATED);
    assert.deepStrictEqual(result.notDone, []);
    // The single edit reproduces the text, and leaves the other handler alone.
    assert.ok(result.edit);
    assert.strictEqual(applyEdits(USERS_CONSISTENT, [result.edit!]), MIGRATED);
    assert.match(result.applied.join('\n'), /`def read_me` → `async def read_me`/);
    assert.match(result.applied.join('\n'), /AM101/);
    assert.match(result.applied.join('\n'), /AM103/);
    assert.match(result.applied.join('\n'), /AM401/);
  });

  it('all-or-nothing: a sync service that would receive the AsyncSession refuses the whole migration, text unchanged, naming the module to migrate first', async () => {
    const files = workspace({ 'app/api/users.py': USERS });
    const config = makeConfig();
    const index = await buildIndex(files, config);
    const result = migrateEndpoint('app/api/users.py', USERS, index, config, { function: 'read_me' });
    assert.strictEqual(result.ok, false);
    assert.strictEqual(result.text, USERS);
    assert.strictEqual(result.edit, undefined);
    assert.deepStrictEqual(result.applied, []);
    const notDone = result.notDone.map((n) => `${n.line}: ${n.message}`);
    assert.deepStrictEqual(notDone, [
      '14: `read_me` not migrated, nothing was changed: the handler would not be consistent (1 problem the combined edit cannot solve)',
      '16: `build_report()` is sync and would now receive an AsyncSession: migrate app/services/report.py first (no async twin found)',
    ]);
  });

  it('makes a sync handler async and fixes utcnow inside it, leaving utcnow in other functions', async () => {
    const text = py`
      from datetime import datetime

      from fastapi import APIRouter

      router = APIRouter()


      @router.get("/ping")
      def ping():
          return {"at": datetime.utcnow()}


      def helper():
          return datetime.utcnow()
    `;
    const config = makeConfig();
    const index = await buildIndex({ 'app/api/ping.py': text }, config);
    const result = migrateEndpoint('app/api/ping.py', text, index, config, { function: 'ping' });
    assert.strictEqual(
      result.text,
      py`
        from datetime import datetime, timezone

        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/ping")
        async def ping():
            return {"at": datetime.now(timezone.utc)}


        def helper():
            return datetime.utcnow()
      `,
    );
    assert.deepStrictEqual(result.notDone, []);
  });

  it('with unsafe: false leaves utcnow and says why in notDone', async () => {
    const text = py`
      from datetime import datetime

      from fastapi import APIRouter

      router = APIRouter()


      @router.get("/ping")
      def ping():
          return {"at": datetime.utcnow()}
    `;
    const config = makeConfig();
    const index = await buildIndex({ 'app/api/ping.py': text }, config);
    const result = migrateEndpoint('app/api/ping.py', text, index, config, { function: 'ping' }, { unsafe: false });
    assert.strictEqual(result.text, text.replace('def ping', 'async def ping'));
    assert.strictEqual(result.notDone.length, 1);
    assert.strictEqual(result.notDone[0].line, 10);
    assert.strictEqual(result.notDone[0].code, 'AM401');
    assert.match(result.notDone[0].message, /unsafe and was excluded/);
  });

  it('finds the handler by an offset anywhere in it (decorator included), and restores the index', async () => {
    const text = py`
      from fastapi import APIRouter

      router = APIRouter()


      @router.post("/items")
      def create_item(name: str):
          return {"name": name}
    `;
    const config = makeConfig();
    const index = await buildIndex({ 'app/api/items.py': text }, config);
    const generationRoute = () => index.fileByPath('app/api/items.py')!.routes[0];
    const result = migrateEndpoint('app/api/items.py', text, index, config, { offset: text.indexOf('@router') + 2 });
    assert.strictEqual(result.ok, true);
    assert.strictEqual(result.handler, 'create_item');
    assert.ok(result.text.includes('async def create_item(name: str):'));
    assert.deepStrictEqual(result.edit, { start: text.indexOf('def create_item'), end: text.indexOf('def create_item'), newText: 'async ' });
    // The edit is only proposed: the index still describes the original (sync) handler.
    assert.strictEqual(generationRoute().isAsync, false);
  });

  it('refuses functions that are not route handlers and offsets outside handlers', async () => {
    const text = py`
      def helper():
          return 1
    `;
    const config = makeConfig();
    const index = await buildIndex({ 'app/util.py': text }, config);
    const byName = migrateEndpoint('app/util.py', text, index, config, { function: 'helper' });
    assert.strictEqual(byName.ok, false);
    assert.strictEqual(byName.text, text);
    assert.strictEqual(byName.edit, undefined);
    assert.match(byName.notDone[0].message, /not a FastAPI route handler/);
    const missing = migrateEndpoint('app/util.py', text, index, config, { function: 'nope' });
    assert.match(missing.notDone[0].message, /no function `nope`/);
    const byOffset = migrateEndpoint('app/util.py', text, index, config, { offset: 3 });
    assert.strictEqual(byOffset.ok, false);
  });

  it('never writes a file that parses worse: a broken fix in a file with a syntax error is not applied', async () => {
    // A deliberately broken rule; the file already has an unrelated syntax error. The engine drops
    // a fix that would make such a file parse worse before anything applies it (the migration's
    // own final check stays as a second line of defence).
    const broken: Rule = {
      code: 'AM998',
      name: 'test-broken-fix',
      defaultSeverity: 'warning',
      fix: 'always',
      docs: { what: 'test', why: 'test', example: '', useInstead: '', limits: [] },
      check(context) {
        for (const call of context.facts.calls()) {
          if (call.text === 'compute()') context.report({ node: call, message: 'break it', fix: { title: 'break', applicability: 'safe', edits: [{ start: call.startIndex, end: call.endIndex, newText: 'compute((' }] } });
        }
      },
    };
    const text = py`
      from fastapi import APIRouter

      router = APIRouter()


      @router.get("/x")
      def handler():
          return compute()


      def elsewhere(:
          pass
    `;
    (RULES as Rule[]).push(broken);
    try {
      const config = makeConfig();
      const index = await buildIndex({ 'app/api/x.py': text }, config);
      const result = migrateEndpoint('app/api/x.py', text, index, config, { function: 'handler' });
      assert.ok(!result.text.includes('compute(('), 'the broken fix is not applied');
      const errors = (t: string) => {
        const { file } = parseSource('app/api/x.py', t, config);
        const n = file.root.descendantsOfType('ERROR').length;
        file.dispose();
        return n;
      };
      assert.ok(errors(result.text) <= errors(text), result.text);
    } finally {
      (RULES as Rule[]).splice((RULES as Rule[]).indexOf(broken), 1);
    }
  });

  it('switches a sync Redis dependency to the async one and awaits its commands', async () => {
    const redisModule = py`
      import redis
      from redis import asyncio as aioredis

      client = redis.Redis()
      async_client = aioredis.Redis()


      def get_redis():
          yield client


      async def get_async_redis():
          yield async_client
    `;
    const endpoint = py`
      from fastapi import APIRouter, Depends
      from redis import Redis

      from app.core.redis import get_redis

      router = APIRouter()


      @router.get("/counter")
      def read_counter(redis: Redis = Depends(get_redis)):
          value = redis.get("counter")
          return {"value": value}
    `;
    const files: Files = { 'app/core/redis.py': redisModule, 'app/api/counter.py': endpoint };
    const config = makeConfig();
    const index = await buildIndex(files, config);
    const result = migrateEndpoint('app/api/counter.py', endpoint, index, config, { function: 'read_counter' });
    assert.strictEqual(
      result.text,
      py`
        from fastapi import APIRouter, Depends
        from redis import Redis
        from redis.asyncio import Redis as AsyncRedis

        from app.core.redis import get_redis, get_async_redis

        router = APIRouter()


        @router.get("/counter")
        async def read_counter(redis: AsyncRedis = Depends(get_async_redis)):
            value = await redis.get("counter")
            return {"value": value}
      `,
    );
    assert.deepStrictEqual(result.notDone, []);
  });

  it('parses each text on the way once (the original, each fix pass, the result), and leaves no tree undisposed', async () => {
    const files = workspace();
    const config = makeConfig();
    const index = await buildIndex(files, config);
    const parsed: string[] = [];
    let live = 0;
    const originalParse = SourceFile.parse;
    const originalDispose = SourceFile.prototype.dispose;
    SourceFile.parse = function (this: typeof SourceFile, ...args: Parameters<typeof SourceFile.parse>) {
      parsed.push(args[2]);
      live++;
      return originalParse.apply(this, args);
    } as typeof SourceFile.parse;
    SourceFile.prototype.dispose = function (this: SourceFile) {
      live--;
      return originalDispose.call(this);
    };
    let result;
    try {
      result = migrateEndpoint('app/api/users.py', USERS_CONSISTENT, index, config, { function: 'read_me' });
    } finally {
      SourceFile.parse = originalParse;
      SourceFile.prototype.dispose = originalDispose;
    }
    assert.strictEqual(result.text, MIGRATED);
    assert.strictEqual(parsed.filter((t) => t === USERS_CONSISTENT).length, 1, 'the original text is parsed once');
    const twice = parsed.filter((t, i) => parsed.indexOf(t) !== i);
    assert.deepStrictEqual(twice, [], 'no text is parsed twice');
    assert.ok(parsed.length >= 3, `original, async def, fix passes: ${parsed.length} parses`);
    assert.strictEqual(live, 0, 'every tree is disposed');
  });

  it('an already async, clean handler needs no edit', async () => {
    const text = py`
      from fastapi import APIRouter

      router = APIRouter()


      @router.get("/ok")
      async def ok():
          return {"ok": True}
    `;
    const config = makeConfig();
    const index = await buildIndex({ 'app/api/ok.py': text }, config);
    const result = migrateEndpoint('app/api/ok.py', text, index, config, { function: 'ok' });
    assert.strictEqual(result.ok, true);
    assert.strictEqual(result.text, text);
    assert.strictEqual(result.edit, undefined);
    assert.deepStrictEqual(result.applied, []);
    assert.deepStrictEqual(result.notDone, []);
  });

  it('switches a sync service with an async twin to the twin (import and call, awaited)', async () => {
    const files = workspace({
      'app/services/user.py': py`
        from sqlalchemy.orm import Session


        class UserService:
            def get_stats(self, db: Session, user_id: int):
                return {}


        user_service = UserService()
      `,
      'app/services/async_user.py': py`
        from sqlalchemy.ext.asyncio import AsyncSession


        class AsyncUserService:
            async def get_stats(self, db: AsyncSession, user_id: int):
                return {}


        async_user_service = AsyncUserService()
      `,
      'app/api/stats.py': py`
        from fastapi import APIRouter, Depends
        from sqlalchemy.orm import Session

        from app.db.session import get_db
        from app.services.user import user_service

        router = APIRouter()


        @router.get("/stats")
        def stats(user_id: int, db: Session = Depends(get_db)):
            return user_service.get_stats(db, user_id)
      `,
    });
    const config = makeConfig();
    const index = await buildIndex(files, config);
    const result = migrateEndpoint('app/api/stats.py', files['app/api/stats.py'], index, config, { function: 'stats' });
    assert.strictEqual(
      result.text,
      py`
        from fastapi import APIRouter, Depends
        from sqlalchemy.orm import Session
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.db.session import get_db, get_async_db
        from app.services.async_user import async_user_service

        router = APIRouter()


        @router.get("/stats")
        async def stats(user_id: int, db: AsyncSession = Depends(get_async_db)):
            return await async_user_service.get_stats(db, user_id)
      `,
    );
    assert.deepStrictEqual(result.notDone, []);
  });
});

describe('findEndpoints', () => {
  const files: Files = {
    'app/main.py': py`
      from fastapi import FastAPI

      from app.api.users import router as users_router

      app = FastAPI()
      app.include_router(users_router, prefix="/api/v1")
    `,
    'app/api/users.py': py`
      from fastapi import APIRouter

      router = APIRouter(prefix="/users")


      @router.get("/me")
      def read_me():
          return {}


      @router.patch("/me")
      def update_me():
          return {}


      @router.get("/{user_id}")
      def read_user(user_id: int):
          return {}
    `,
  };

  it('matches "METHOD /full/path", a suffix without the mount prefix, file:function and a bare name', async () => {
    const index = await buildIndex(files);
    const names = (spec: string) => findEndpoints(index, spec).map((m) => `${m.label} ${m.path}:${m.function}`);
    assert.deepStrictEqual(names('GET /api/v1/users/me'), ['GET /api/v1/users/me app/api/users.py:read_me']);
    assert.deepStrictEqual(names('get /users/me'), ['GET /api/v1/users/me app/api/users.py:read_me']);
    assert.deepStrictEqual(names('PATCH /users/me'), ['PATCH /api/v1/users/me app/api/users.py:update_me']);
    assert.deepStrictEqual(names('app/api/users.py:read_user'), ['GET /api/v1/users/{user_id} app/api/users.py:read_user']);
    assert.deepStrictEqual(names('read_user'), ['GET /api/v1/users/{user_id} app/api/users.py:read_user']);
    assert.deepStrictEqual(names('DELETE /users/me'), []);
    assert.deepStrictEqual(names('GET /me/x'), []);
  });
});

describe('migrate endpoint: all-or-nothing', () => {
  it('with no async session dependency changes nothing and says how to get one (Set up async infrastructure)', async () => {
    const onlySync = py`
      from sqlalchemy.orm import Session


      def get_db():
          yield Session()
    `;
    const files = workspace({ 'app/db/session.py': onlySync });
    const config = makeConfig();
    const index = await buildIndex(files, config);
    const result = migrateEndpoint('app/api/users.py', USERS_CONSISTENT, index, config, { function: 'read_me' });
    assert.strictEqual(result.ok, false);
    assert.strictEqual(result.text, USERS_CONSISTENT);
    assert.strictEqual(result.edit, undefined);
    assert.deepStrictEqual(result.applied, []);
    const lines = result.notDone.map((n) => `${n.line}: ${n.message}`);
    assert.match(lines[0], /^13: `read_me` not migrated, nothing was changed/);
    const session = result.notDone.find((n) => n.code === 'AM103');
    assert.ok(session, lines.join('\n'));
    assert.strictEqual(session.line, 13);
    assert.match(session.message, /no async session dependency: .*run "Set up async infrastructure" \(`async-migrate init-async`, or the editor command asyncMigrate\.initAsync\), then migrate this endpoint again/);
    // The query is listed too: it cannot become `await db.execute(...)` on the sync Session.
    assert.ok(result.notDone.some((n) => n.code === 'AM101' && n.line === 14), lines.join('\n'));
  });

  it('a handler that is already async with a sync Session and no async dependency is left as it is', async () => {
    const text = USERS_CONSISTENT.replace('def read_me', 'async def read_me');
    const files = workspace({ 'app/db/session.py': 'def get_db():\n    yield None\n', 'app/api/users.py': text });
    const config = makeConfig();
    const index = await buildIndex(files, config);
    const result = migrateEndpoint('app/api/users.py', text, index, config, { function: 'read_me' });
    assert.strictEqual(result.ok, false);
    assert.strictEqual(result.text, text);
    assert.ok(result.notDone.some((n) => n.code === 'AM103' && /Set up async infrastructure/.test(n.message)));
  });
});
