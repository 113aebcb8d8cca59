import * as assert from 'assert';
import { parseSource } from '../../../server/src/analysis/engine';
import { FileFacts } from '../../../server/src/analysis/semantics';
import { buildIndex, makeConfig, py, ruleTester } from '../helpers';

const header = `from redis.asyncio import Redis

redis = Redis.from_url("redis://localhost")
`;

ruleTester('AM302', {
  valid: [
    {
      name: 'an attribute assigned a sync client in one branch and an async one in another is unknown',
      files: {
        'app/__init__.py': '',
        'app/svc.py': 'import redis\nimport redis.asyncio as aioredis\n\n\nclass Svc:\n    def __init__(self, fast):\n        if fast:\n            self.client = aioredis.from_url("redis://")\n        else:\n            self.client = redis.from_url("redis://")\n\n\nsvc = Svc(True)\n',
        'app/api.py': 'from app.svc import svc\n\n\nasync def read():\n    return svc.client.get("x")\n',
      },
      path: 'app/api.py',
    },
    {
      name: 'awaited commands',
      code: header + py`

        async def cache_user(user_id, payload):
            await redis.set(f"user:{user_id}", payload, ex=60)
            data = await redis.get(f"user:{user_id}")
            return (await redis.get("x")).decode()
      `,
    },
    {
      name: 'pipeline commands are buffered, only execute() is awaited',
      code: header + py`

        async def bump(keys):
            pipe = redis.pipeline()
            for k in keys:
                pipe.incr(k)
                pipe.expire(k, 60)
            await pipe.execute()
            async with redis.pipeline(transaction=True) as tx:
                tx.set("a", 1)
                tx.get("a")
                await tx.execute()
      `,
    },
    {
      name: 'passed to asyncio.gather / create_task, collected, or assigned then awaited',
      code: header + py`
        import asyncio

        async def many(keys):
            values = await asyncio.gather(*[redis.get(k) for k in keys])
            task = asyncio.create_task(redis.publish("ch", "hi"))
            coros = []
            for k in keys:
                coros.append(redis.delete(k))
            await asyncio.gather(*coros)
            pending = redis.get("x")
            value = await pending
            await asyncio.wait_for(redis.get("slow"), timeout=1)
            return values, task, value
      `,
    },
    {
      name: 'a coroutine kept across loop iterations and awaited before being replaced',
      code: header + py`

        async def chain(keys):
            pending = None
            for k in keys:
                if pending is not None:
                    await pending
                pending = redis.delete(k)
      `,
    },
    {
      name: 'a plain def returning the awaitable for its caller to await',
      code: header + py`

        def get_cached(key):
            return redis.get(f"cache:{key}")

        async def use():
            return await get_cached("a")
      `,
    },
    {
      name: 'scan_iter is an async iterator, pubsub/lock/pipeline are objects',
      code: header + py`

        async def walk():
            async for key in redis.scan_iter(match="a:*"):
                print(key)
            pubsub = redis.pubsub()
            async with redis.lock("job"):
                pass
      `,
    },
    {
      name: 'sync client: nothing to await',
      code: py`
        import redis as redis_lib

        client = redis_lib.Redis()

        def f():
            client.set("a", 1)
            return client.get("a")
      `,
    },
    {
      name: 'unknown receiver (a dict / a service) stays silent',
      code: py`
        async def f(cache, settings: dict):
            cache.set("a", 1)
            return settings.get("a")
      `,
    },
    {
      name: 'a lambda producing coroutines is a factory',
      code: header + py`

        async def f(retry):
            return await retry(lambda: redis.get("a"))
      `,
    },
  ],
  invalid: [
    {
      name: 'a command on `cache.redis` (async client set in the class of a module-level instance, another file)',
      files: {
        'app/__init__.py': '',
        'app/cache.py': 'import redis.asyncio as aioredis\n\n\nclass CacheService:\n    def __init__(self):\n        self.redis = aioredis.from_url("redis://")\n\n\ncache = CacheService()\n',
        'app/api.py': 'from app.cache import cache\n\n\nasync def read():\n    value = cache.redis.get("x")\n    return value\n',
      },
      path: 'app/api.py',
      errors: ['5:13'],
      output: 'from app.cache import cache\n\n\nasync def read():\n    value = await cache.redis.get("x")\n    return value\n',
    },
    {
      name: 'seed error 4: statement and assignment',
      code: header + py`

        async def cache_user(key, value):
            redis.set(key, value)  # no hace nada
            data = redis.get(key)
            return data
      `,
      errors: ['6:5', '7:12'],
      message: '`redis.set()` on an async Redis client is not awaited',
      output: header + py`

        async def cache_user(key, value):
            await redis.set(key, value)  # no hace nada
            data = await redis.get(key)
            return data
      `,
    },
    {
      name: 'precedence: method call on the result gets parentheses',
      code: header + py`

        async def name(key):
            return redis.get(key).decode()
      `,
      errors: ['6:12'],
      output: header + py`

        async def name(key):
            return (await redis.get(key)).decode()
      `,
    },
    {
      name: 'a condition, a subscript and an argument',
      code: header + py`
        import json

        async def f(key):
            if redis.exists(key):
                return json.loads(redis.get(key))
            return redis.hgetall(key)["a"]
      `,
      errors: ['7:8', '8:27', '9:12'],
      output: header + py`
        import json

        async def f(key):
            if await redis.exists(key):
                return json.loads(await redis.get(key))
            return (await redis.hgetall(key))["a"]
      `,
    },
    {
      name: 'returned from an async def: the caller gets a coroutine, not the value',
      code: header + py`

        async def ttl(key):
            return redis.ttl(key)
      `,
      errors: ['6:12'],
      output: header + py`

        async def ttl(key):
            return await redis.ttl(key)
      `,
    },
    {
      name: 'assigned and never awaited',
      code: header + py`

        async def f():
            pending = redis.incr("hits")
            print(pending)
      `,
      errors: ['6:15'],
      output: header + py`

        async def f():
            pending = await redis.incr("hits")
            print(pending)
      `,
    },
    {
      name: 'a name re-bound elsewhere is not "awaited later"',
      code: header + py`

        async def f(key):
            data = None
            data = redis.get(key)
            return data
      `,
      errors: ['7:12'],
    },
    {
      name: 'self attribute holding an annotated async client, and an annotated parameter',
      code: py`
        from redis.asyncio import Redis

        class Cache:
            def __init__(self, client: Redis):
                self.client = client

            async def put(self, key, value):
                self.client.setex(key, 60, value)

        async def touch(r: Redis, key):
            r.expire(key, 30)
      `,
      errors: ['8:9', '11:5'],
      output: py`
        from redis.asyncio import Redis

        class Cache:
            def __init__(self, client: Redis):
                self.client = client

            async def put(self, key, value):
                await self.client.setex(key, 60, value)

        async def touch(r: Redis, key):
            await r.expire(key, 30)
      `,
    },
    {
      name: 'client created in __init__ as self attribute',
      code: py`
        import redis.asyncio as aioredis

        class ActivityFeed:
            def __init__(self, url):
                self.redis = aioredis.from_url(url)

            async def push(self, gym_id, item):
                self.redis.lpush(f"feed:{gym_id}", item)
      `,
      errors: ['8:9'],
      output: py`
        import redis.asyncio as aioredis

        class ActivityFeed:
            def __init__(self, url):
                self.redis = aioredis.from_url(url)

            async def push(self, gym_id, item):
                await self.redis.lpush(f"feed:{gym_id}", item)
      `,
    },
    {
      name: 'configured dependency and configured name',
      code: py`
        from fastapi import Depends

        async def endpoint(cache=Depends(get_async_redis)):
            cache.lpush("queue", "job")
            aredis.publish("events", "x")
      `,
      errors: ['4:5', '5:5'],
      output: py`
        from fastapi import Depends

        async def endpoint(cache=Depends(get_async_redis)):
            await cache.lpush("queue", "job")
            await aredis.publish("events", "x")
      `,
    },
    {
      name: 'in a plain def: reported without a fix',
      code: header + py`

        def warm(key):
            redis.set(key, 1)
      `,
      errors: ['6:5'],
      output: header + py`

        def warm(key):
            redis.set(key, 1)
      `,
    },
    {
      name: 'at module level: reported without a fix',
      code: header + py`
        redis.flushdb()
      `,
      errors: ['4:1'],
      output: header + py`
        redis.flushdb()
      `,
    },
    {
      name: 'in a generator expression: no fix (would make an async generator)',
      code: header + py`

        async def any_exists(keys):
            return any(redis.exists(k) for k in keys)
      `,
      errors: ['6:16'],
      output: header + py`

        async def any_exists(keys):
            return any(redis.exists(k) for k in keys)
      `,
    },
    {
      name: 'client imported from another module',
      files: {
        'app/core/redis.py': py`
          import redis.asyncio as aioredis

          client = aioredis.from_url("redis://")
        `,
        'app/services/stats.py': py`
          from app.core.redis import client

          async def hit(gym_id):
              client.zincrby("gyms", 1, gym_id)
        `,
      },
      path: 'app/services/stats.py',
      errors: ['4:5'],
      output: py`
        from app.core.redis import client

        async def hit(gym_id):
            await client.zincrby("gyms", 1, gym_id)
      `,
    },
  ],
});

// test/real/REVIEW.md class 3: a factory's definition beats its configured name
// (`get_redis_client` is in redis.sync-dependencies): the awaited result of an `async def` declared
// or built to return an async client is an async client; one returning a workspace class is none.
const ASYNC_FACTORY = 'import redis.asyncio as aioredis\n\n\nasync def get_redis_client() -> aioredis.Redis:\n    return aioredis.from_url("redis://localhost")\n';
const UNANNOTATED_ASYNC_FACTORY = 'import redis.asyncio as aioredis\n\n\nasync def get_redis_client():\n    return aioredis.from_url("redis://localhost")\n';
const WRAPPER_FACTORY = 'import redis.asyncio as aioredis\n\n\nclass Cache:\n    def __init__(self) -> None:\n        self._client = aioredis.Redis()\n\n    async def set(self, key: str, value: str) -> None:\n        await self._client.set(key, value)\n\n\nasync def get_redis_client() -> Cache:\n    return Cache()\n';
const SYNC_FACTORY = 'import redis\n\n\ndef get_redis_client() -> redis.Redis:\n    return redis.Redis()\n';
const factoryCase = (factory: string, use: string): { files: Record<string, string>; path: string } => ({
  files: { 'app/__init__.py': '', 'app/cache.py': factory, 'app/jobs.py': `from app.cache import get_redis_client\n\n\n${use}` },
  path: 'app/jobs.py',
});
ruleTester('AM302', {
  valid: [
    { name: 'near miss: the factory returns a workspace wrapper class, not a Redis client', ...factoryCase(WRAPPER_FACTORY, 'async def remember(key):\n    client = await get_redis_client()\n    client.set(key, "1")\n') },
    { name: 'near miss: the async factory called without await holds a coroutine, not a client', ...factoryCase(ASYNC_FACTORY, 'async def remember(key):\n    pending = get_redis_client()\n    pending.set(key, "1")\n') },
    { name: 'near miss: a plain def declared to return a sync client', ...factoryCase(SYNC_FACTORY, 'async def remember(key):\n    client = get_redis_client()\n    client.set(key, "1")\n') },
  ],
  invalid: [
    {
      name: 'the awaited result of `async def get_redis_client() -> aioredis.Redis` is an async client (its name is configured sync)',
      ...factoryCase(ASYNC_FACTORY, 'async def remember(key):\n    client = await get_redis_client()\n    client.set(key, "1")\n'),
      errors: ['6:5'],
      output: 'from app.cache import get_redis_client\n\n\nasync def remember(key):\n    client = await get_redis_client()\n    await client.set(key, "1")\n',
    },
    {
      name: 'unannotated: every `return` builds an async client',
      ...factoryCase(UNANNOTATED_ASYNC_FACTORY, 'async def remember(key):\n    client = await get_redis_client()\n    client.set(key, "1")\n'),
      errors: ['6:5'],
      output: 'from app.cache import get_redis_client\n\n\nasync def remember(key):\n    client = await get_redis_client()\n    await client.set(key, "1")\n',
    },
    {
      name: 'as a FastAPI dependency (FastAPI awaits it)',
      ...factoryCase(ASYNC_FACTORY, 'from fastapi import Depends\n\n\nasync def endpoint(client=Depends(get_redis_client)):\n    client.lpush("queue", "job")\n'),
      errors: ['8:5'],
      output: 'from app.cache import get_redis_client\n\n\nfrom fastapi import Depends\n\n\nasync def endpoint(client=Depends(get_redis_client)):\n    await client.lpush("queue", "job")\n',
    },
  ],
});

describe('Redis evidence from a factory definition (REVIEW.md class 3)', () => {
  const flavorOfClient = async (factory: string, use: string): Promise<string | undefined> => {
    const { files, path } = factoryCase(factory, use);
    const config = makeConfig();
    const index = await buildIndex(files, config);
    const { file } = parseSource(path, files[path], config);
    try {
      const facts = new FileFacts(file, index, config);
      const client = facts.nodesOfType('identifier').filter((n) => n.text === 'client').pop()!;
      return facts.redisFlavor(client);
    } finally {
      file.dispose();
    }
  };
  const awaited = 'async def remember(key):\n    client = await get_redis_client()\n    await client.set(key, "1")\n';

  it('the REVIEW.md reproduction: an awaited `async def get_redis_client() -> Cache` is not a sync Redis client', async () => {
    assert.strictEqual(await flavorOfClient(WRAPPER_FACTORY, awaited), undefined);
  });

  it('an awaited unannotated `async def get_redis_client()` that builds nothing the engine knows is unknown, not sync by its name', async () => {
    assert.strictEqual(await flavorOfClient('async def get_redis_client():\n    return make()\n', awaited), undefined);
  });

  it('near misses: a plain def with the configured sync name and no annotation stays sync; one declared async-returning is async', async () => {
    assert.strictEqual(await flavorOfClient('def get_redis_client():\n    return make()\n', 'def remember(key):\n    client = get_redis_client()\n    client.set(key, "1")\n'), 'sync');
    assert.strictEqual(await flavorOfClient(ASYNC_FACTORY, awaited), 'async');
  });
});
