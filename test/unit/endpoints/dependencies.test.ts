import * as assert from 'assert';
import { AnalysisCache } from '../../../server/src/analysis/endpoints/dependencies';
import { buildInventory } from '../../../server/src/analysis/endpoints/inventory';
import { servicesUsed } from '../../../server/src/analysis/progress/checklist';
import { parseSource, summarizeSource } from '../../../server/src/analysis/engine';
import { buildIndex, makeConfig, py, type Files } from '../helpers';
import { byId, inventoryOf } from './helpers';

const SERVICES: Files = {
  'app/services/user.py': py`
    from app.models import User

    class UserService:
        def get_user(self, db, user_id):
            return db.query(User).filter(User.id == user_id).first()

        def format_name(self, user):
            return user.name.title()

    user_service = UserService()
  `,
  'app/services/async_user.py': py`
    from sqlalchemy import select
    from app.models import User

    class AsyncUserService:
        async def get_user(self, db, user_id):
            result = await db.execute(select(User).where(User.id == user_id))
            return result.scalar_one_or_none()

    async_user_service = AsyncUserService()
  `,
  'app/services/stripe_service.py': py`
    import stripe

    class StripeService:
        def create_customer(self, email):
            return stripe.Customer.create(email=email)

    stripe_service = StripeService()
  `,
  'app/services/billing.py': py`
    from app.services.stripe_service import stripe_service

    def start_subscription(email):
        return stripe_service.create_customer(email)
  `,
  'app/models.py': py`
    class User:
        pass
  `,
};

function appWith(endpoint: string): Files {
  return {
    ...SERVICES,
    'app/main.py': py`
      from fastapi import FastAPI
      from app import endpoints

      app = FastAPI()
      app.include_router(endpoints.router, prefix="/api")
    `,
    'app/endpoints.py': endpoint,
  };
}

describe('endpoint dependency analysis', () => {
  it('lists the services called, with their async twins and whether they block the event loop', async () => {
    const inv = await inventoryOf(
      appWith(py`
        from fastapi import APIRouter, Depends
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.db import get_async_db
        from app.services.user import user_service
        from app.services.async_user import async_user_service

        router = APIRouter()

        @router.get("/users/{user_id}")
        async def read_user(user_id: int, db: AsyncSession = Depends(get_async_db)):
            user = user_service.get_user(db, user_id)
            other = await async_user_service.get_user(db, user_id)
            return user_service.format_name(user)
      `),
    );
    const e = byId(inv, 'GET /api/users/{user_id}');
    const services = Object.fromEntries(e.dependencies.services.map((s) => [s.name, s]));
    assert.deepStrictEqual(Object.keys(services).sort(), ['async_user_service.get_user', 'user_service.format_name', 'user_service.get_user']);
    assert.strictEqual(services['user_service.get_user'].isAsync, false);
    assert.strictEqual(services['user_service.get_user'].twin?.name, 'async_user_service.get_user');
    assert.strictEqual(services['user_service.get_user'].twin?.path, 'app/services/async_user.py');
    assert.strictEqual(services['user_service.get_user'].blocking, true, 'a sync DB call inside async def blocks');
    assert.strictEqual(services['user_service.get_user'].role, 'service');
    assert.strictEqual(services['user_service.get_user'].qualified, 'app.services.user.UserService.get_user');
    assert.strictEqual(services['user_service.format_name'].blocking, false, 'a sync helper without IO does not block');
    assert.strictEqual(services['user_service.format_name'].twin, undefined);
    assert.strictEqual(services['async_user_service.get_user'].isAsync, true);
    assert.deepStrictEqual(e.dependencies.db.sessions, ['async']);
    assert.strictEqual(e.dependencies.db.legacyQueries, 1, 'the legacy query inside user_service.get_user');
    assert.strictEqual(e.dependencies.db.modernQueries, 1, 'the select() inside async_user_service.get_user');
  });

  it('"services used" leaves out the handler\'s own helpers and private functions, not services named like them', async () => {
    const inv = await inventoryOf({
      ...appWith(py`
        from fastapi import APIRouter
        from app.services.user import user_service
        from app.services import cache

        router = APIRouter()

        def _cache_key(user_id):
            return f"user:{user_id}"

        def shape(user):
            return user

        @router.get("/users/{user_id}")
        def read_user(user_id: int, db=None):
            key = _cache_key(user_id)
            cache._remember(key)
            cache.lookup_service(key)
            return shape(user_service.get_user(db, user_id))
      `),
      'app/services/cache.py': py`
        def _remember(key):
            return key

        def lookup_service(key):
            return key
      `,
    });
    const e = byId(inv, 'GET /api/users/{user_id}');
    const roles = Object.fromEntries(e.dependencies.services.map((s) => [s.name, `${s.role}${s.local ? ' local' : ''}`]));
    assert.deepStrictEqual(roles, {
      _cache_key: 'helper local',
      shape: 'helper local',
      'cache._remember': 'helper local',
      'cache.lookup_service': 'service',
      'user_service.get_user': 'service',
    });
    assert.deepStrictEqual(servicesUsed(e.dependencies).map((s) => s.name).sort(), ['cache.lookup_service', 'user_service.get_user']);
  });

  it('reaches external SDKs through services (bounded depth) and names the module that calls them', async () => {
    const inv = await inventoryOf(
      appWith(py`
        from fastapi import APIRouter
        import openai
        from app.services import billing

        router = APIRouter()

        @router.post("/subscribe")
        def subscribe(email: str):
            billing.start_subscription(email)
            return openai.ChatCompletion.create(model="x")
      `),
    );
    const e = byId(inv, 'POST /api/subscribe');
    const sdks = e.dependencies.externalSdks.map((s) => `${s.name} ${s.direct ? 'direct' : `via ${s.viaModule}`} ${s.call}`).sort();
    assert.deepStrictEqual(sdks, ['OpenAI direct openai.ChatCompletion.create', 'Stripe via app.services.stripe_service stripe.Customer.create']);
    const chain = e.dependencies.services.map((s) => `${s.depth} ${s.name}${s.via ? ` <- ${s.via}` : ''}`);
    assert.deepStrictEqual(chain, ['1 billing.start_subscription', '2 stripe_service.create_customer <- billing.start_subscription']);
    assert.ok(e.dependencies.services.every((s) => s.doesIO), 'both reach an SDK');
  });

  it('stops the transitive walk at the depth limit', async () => {
    const files = appWith(py`
      from fastapi import APIRouter
      from app.chain import one

      router = APIRouter()

      @router.get("/deep")
      def deep():
          return one()
    `);
    files['app/chain.py'] = py`
      import stripe

      def one():
          return two()

      def two():
          return three()

      def three():
          return four()

      def four():
          return stripe.Customer.list()
    `;
    const shallow = byId(await inventoryOf(files), 'GET /api/deep');
    assert.deepStrictEqual(shallow.dependencies.services.map((s) => s.name), ['one', 'two', 'three']);
    assert.deepStrictEqual(shallow.dependencies.externalSdks, []);
    const deeper = byId(await inventoryOf(files, { maxDepth: 4 }), 'GET /api/deep');
    assert.deepStrictEqual(deeper.dependencies.externalSdks.map((s) => s.name), ['Stripe']);
  });

  it('counts legacy queries vs select()/execute, the session flavour and Redis use', async () => {
    const inv = await inventoryOf(
      appWith(py`
        from fastapi import APIRouter, Depends
        from redis import Redis
        from sqlalchemy import select
        from sqlalchemy.orm import Session
        from app.db import get_db, get_redis
        from app.models import User

        router = APIRouter()

        @router.get("/legacy")
        def legacy(db: Session = Depends(get_db), redis: Redis = Depends(get_redis)):
            cached = redis.get("k")
            a = db.query(User).all()
            b = db.query(User).count()
            c = db.execute(select(User)).scalars().all()
            redis.set("k", "v")
            return a
      `),
    );
    const e = byId(inv, 'GET /api/legacy');
    assert.deepStrictEqual(e.dependencies.db, { legacyQueries: 2, modernQueries: 1, sessions: ['sync'] });
    assert.strictEqual(e.dependencies.redis.calls, 2);
    assert.deepStrictEqual(e.dependencies.redis.flavors, ['sync']);
  });

  it('attributes findings in the handler and in the functions it calls, not elsewhere in those files', async () => {
    const files = appWith(py`
      from datetime import datetime
      from fastapi import APIRouter
      from app.services import clock

      router = APIRouter()

      @router.get("/now")
      def now():
          return clock.stamp(datetime.utcnow())

      @router.get("/other")
      def other():
          return datetime.utcnow()

      unrelated = datetime.utcnow()
    `);
    files['app/services/clock.py'] = py`
      from datetime import datetime

      def stamp(value):
          return (value, datetime.utcnow())

      def not_called():
          return datetime.utcnow()
    `;
    const inv = await inventoryOf(files, { config: { select: ['AM401'] } });
    const e = byId(inv, 'GET /api/now');
    assert.deepStrictEqual(
      e.findings.map((f) => `${f.code} ${f.path}:${f.range.start.line + 1}`),
      ['AM401 app/endpoints.py:9', 'AM401 app/services/clock.py:4'],
    );
    assert.deepStrictEqual(e.findingCodes, { AM401: 2 });
    assert.strictEqual(byId(inv, 'GET /api/other').findings.length, 1);
  });

  it('caches findings per index generation and recomputes after a change', async () => {
    const files = appWith(py`
      from datetime import datetime
      from fastapi import APIRouter

      router = APIRouter()

      @router.get("/t")
      def t():
          return datetime.utcnow()
    `);
    const config = makeConfig({ select: ['AM401'] });
    const index = await buildIndex(files, config);
    let reads = 0;
    const texts = { ...files };
    const cache = new AnalysisCache(index, config, (p) => {
      reads++;
      return texts[p];
    });
    const first = buildInventory(index, config, { getText: (p) => texts[p], cache });
    assert.strictEqual(byId(first, 'GET /api/t').findings.length, 1);
    const readsAfterFirst = reads;
    const second = buildInventory(index, config, { getText: (p) => texts[p], cache });
    assert.strictEqual(byId(second, 'GET /api/t').findings.length, 1);
    assert.strictEqual(reads, readsAfterFirst, 'same generation: nothing re-read');
    texts['app/endpoints.py'] = texts['app/endpoints.py'].replace('datetime.utcnow()', 'datetime.now()');
    const { file } = parseSource('app/endpoints.py', texts['app/endpoints.py'], config);
    index.upsert(summarizeSource(file));
    file.dispose();
    const third = buildInventory(index, config, { getText: (p) => texts[p], cache });
    assert.strictEqual(byId(third, 'GET /api/t').findings.length, 0);
    assert.ok(reads > readsAfterFirst);
  });
});
