import * as assert from 'assert';
import { fix, py, ruleTester } from '../helpers';

ruleTester('AM301', {
  valid: [
    {
      name: "a dict's .keys() is not Redis",
      code: py`
        async def handler(payload: dict):
            data = {"a": 1}
            names = list(data.keys())
            return payload.keys()
      `,
    },
    {
      name: 'unknown receiver stays silent',
      code: py`
        async def handler(cache):
            return await cache.keys("user:*")
      `,
    },
    {
      name: 'scan_iter is already right',
      code: py`
        from redis.asyncio import Redis

        redis = Redis.from_url("redis://")

        async def handler():
            return [k async for k in redis.scan_iter(match="user:*", count=100)]
      `,
    },
    {
      name: 'hkeys is a different (bounded) command',
      code: py`
        import redis.asyncio as aioredis

        r = aioredis.from_url("redis://")

        async def fields(key):
            return await r.hkeys(key)
      `,
    },
    {
      name: 'keys queued on a pipeline is not a client call',
      code: py`
        from redis.asyncio import Redis

        redis = Redis.from_url("redis://")

        async def handler():
            async with redis.pipeline() as pipe:
                pipe.keys("a:*")
                await pipe.execute()
      `,
    },
  ],
  invalid: [
    {
      name: 'through an attribute of a module-level instance in another file (`cache.redis`, set in __init__)',
      files: {
        'app/__init__.py': '',
        'app/cache.py': 'import redis.asyncio as aioredis\n\n\nclass CacheService:\n    def __init__(self):\n        self.redis = aioredis.from_url("redis://")\n\n\ncache = CacheService()\n',
        'app/api.py': 'from app.cache import cache\n\n\nasync def purge():\n    return await cache.redis.keys("user:*")\n',
      },
      path: 'app/api.py',
      errors: ['5:18'],
    },
    {
      name: 'through an attribute set from an annotated `redis: Redis` parameter (redis.asyncio), across files',
      files: {
        'app/__init__.py': '',
        'app/svc.py': 'from redis.asyncio import Redis\n\n\nclass Svc:\n    def __init__(self, client: Redis):\n        self.client = client\n\n\nsvc = Svc(None)\n',
        'app/api.py': 'from app.svc import svc\n\n\nasync def purge():\n    return await svc.client.keys("user:*")\n',
      },
      path: 'app/api.py',
      errors: ['5:18'],
    },
    {
      name: 'django-redis: the raw client from get_redis_connection (local and chained)',
      code: py`
        from django_redis import get_redis_connection

        def stale_sessions():
            conn = get_redis_connection("default")
            first = conn.keys("session:*")
            return first + get_redis_connection("default").keys("lock:*")
      `,
      errors: ['5:13', '6:20'],
      output: py`
        from django_redis import get_redis_connection

        def stale_sessions():
            conn = get_redis_connection("default")
            first = list(conn.scan_iter(match="session:*", count=100))
            return first + list(get_redis_connection("default").scan_iter(match="lock:*", count=100))
      `,
    },
    {
      name: 'seed error 5: awaited keys on an async client',
      code: py`
        from redis.asyncio import Redis

        redis = Redis.from_url("redis://localhost")

        async def gym_users():
            keys = await redis.keys("gym:*:users:*")  # hot path
            return keys
      `,
      errors: ['6:18'],
      message: 'KEYS "gym:*:users:*"',
      output: py`
        from redis.asyncio import Redis

        redis = Redis.from_url("redis://localhost")

        async def gym_users():
            keys = [k async for k in redis.scan_iter(match="gym:*:users:*", count=100)]  # hot path
            return keys
      `,
    },
    {
      name: 'sync client: list(scan_iter(...)), pattern text kept verbatim',
      code: py`
        import redis

        redis_client = redis.Redis(host="localhost")

        def clear_sessions(user_id):
            for key in redis_client.keys(f"session:{user_id}:*"):
                redis_client.delete(key)
      `,
      errors: ['6:16'],
      output: py`
        import redis

        redis_client = redis.Redis(host="localhost")

        def clear_sessions(user_id):
            for key in list(redis_client.scan_iter(match=f"session:{user_id}:*", count=100)):
                redis_client.delete(key)
      `,
    },
    {
      name: 'keys() without a pattern means "*"',
      code: py`
        from redis.asyncio import Redis

        async def count_all(r: Redis):
            return len(await r.keys())
      `,
      errors: ['4:22'],
      message: 'KEYS "*"',
      output: py`
        from redis.asyncio import Redis

        async def count_all(r: Redis):
            return len([k async for k in r.scan_iter(count=100)])
      `,
    },
    {
      name: 'pattern= keyword and a self attribute receiver',
      code: py`
        from redis.asyncio import Redis

        class Feed:
            def __init__(self, redis: Redis):
                self.redis = redis

            async def keys_for(self, gym_id):
                return (await self.redis.keys(pattern=f"feed:{gym_id}:*"))
      `,
      errors: ['8:23'],
      output: py`
        from redis.asyncio import Redis

        class Feed:
            def __init__(self, redis: Redis):
                self.redis = redis

            async def keys_for(self, gym_id):
                return ([k async for k in self.redis.scan_iter(match=f"feed:{gym_id}:*", count=100)])
      `,
    },
    {
      name: 'dependency-injected async client',
      code: py`
        from fastapi import Depends
        from app.core.redis import get_async_redis

        async def purge(redis=Depends(get_async_redis)):
            for key in await redis.keys("cache:*"):
                await redis.delete(key)
      `,
      errors: ['5:22'],
      output: py`
        from fastapi import Depends
        from app.core.redis import get_async_redis

        async def purge(redis=Depends(get_async_redis)):
            for key in [k async for k in redis.scan_iter(match="cache:*", count=100)]:
                await redis.delete(key)
      `,
    },
    {
      name: 'async client not awaited: reported, fixed only after the await exists',
      code: py`
        from redis.asyncio import Redis

        redis = Redis.from_url("redis://")

        async def f():
            pending = redis.keys("a:*")
            return pending
      `,
      errors: ['6:15'],
      output: py`
        from redis.asyncio import Redis

        redis = Redis.from_url("redis://")

        async def f():
            pending = redis.keys("a:*")
            return pending
      `,
    },
    {
      name: 'async client in a multi-file workspace (client defined in another module)',
      files: {
        'app/core/cache.py': py`
          import redis.asyncio as aioredis

          redis_client = aioredis.from_url("redis://")
        `,
        'app/services/feed.py': py`
          from app.core.cache import redis_client

          async def stale_keys():
              return await redis_client.keys("feed:*")
        `,
      },
      path: 'app/services/feed.py',
      errors: ['4:18'],
      output: py`
        from app.core.cache import redis_client

        async def stale_keys():
            return [k async for k in redis_client.scan_iter(match="feed:*", count=100)]
      `,
    },
    {
      name: 'suppressed',
      code: py`
        import redis
        r = redis.Redis()
        a = r.keys("x:*")  # async-migrate: ignore[AM301]
        b = r.keys("y:*")
      `,
      errors: ['4:5'],
    },
  ],
});

describe('AM301 with AM302 (fix-all)', () => {
  it('an unawaited keys() on an async client gets its await first, then becomes a SCAN comprehension', async () => {
    const code = py`
      from redis.asyncio import Redis

      redis = Redis.from_url("redis://")

      async def purge():
          keys = redis.keys("a:*")
          for key in redis.keys():
              redis.delete(key)
          return keys
    `;
    const fixed = await fix({ 'app/cache.py': code }, 'app/cache.py', { select: ['AM301', 'AM302'] });
    assert.strictEqual(
      fixed,
      py`
        from redis.asyncio import Redis

        redis = Redis.from_url("redis://")

        async def purge():
            keys = [k async for k in redis.scan_iter(match="a:*", count=100)]
            for key in [k async for k in redis.scan_iter(count=100)]:
                await redis.delete(key)
            return keys
      `,
    );
  });
});

// test/real/REVIEW.md class 3: the client comes from awaiting a workspace `async def` factory whose
// configured name (`get_redis_client`) says sync; its definition decides.
const factoryWorkspace = (factory: string, use: string) => ({
  files: { 'app/__init__.py': '', 'app/cache.py': factory, 'app/jobs.py': `from app.cache import get_redis_client\n\n\n${use}` },
  path: 'app/jobs.py',
});
const AWAITED_KEYS = 'async def users():\n    client = await get_redis_client()\n    return await client.keys("user:*")\n';
ruleTester('AM301', {
  valid: [
    {
      name: 'near miss: the awaited factory returns a workspace wrapper class (its own keys method), not a Redis client',
      ...factoryWorkspace('class Cache:\n    async def keys(self, pattern):\n        return []\n\n\nasync def get_redis_client() -> Cache:\n    return Cache()\n', AWAITED_KEYS),
    },
  ],
  invalid: [
    {
      name: 'awaited `async def get_redis_client() -> aioredis.Redis`: an async client, so `async for` over scan_iter',
      ...factoryWorkspace('import redis.asyncio as aioredis\n\n\nasync def get_redis_client() -> aioredis.Redis:\n    return aioredis.from_url("redis://localhost")\n', AWAITED_KEYS),
      errors: ['6:18'],
      output: 'from app.cache import get_redis_client\n\n\nasync def users():\n    client = await get_redis_client()\n    return [k async for k in client.scan_iter(match="user:*", count=100)]\n',
    },
  ],
});
