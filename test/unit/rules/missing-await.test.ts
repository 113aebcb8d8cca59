import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { applyEdits } from '../../../server/src/analysis/fixes/edits';
import { analyze, fix, py, ruleTester, skipOrFailInCi } from '../helpers';

const asyncService = py`
  class AsyncUserService:
      async def get_user(self, db, user_id):
          return None

      async def list_users(self, db):
          return []

      async def stream_users(self, db):
          yield None

      def cache_key(self, user_id):
          return f"user:{user_id}"


  async_user_service = AsyncUserService()


  async def count_users(db):
      return 0
`;

ruleTester('AM201', {
  valid: [
    {
      name: 'awaited service call',
      files: {
        'app/services/async_user.py': asyncService,
        'app/api/users.py': py`
          from app.services.async_user import async_user_service, count_users

          async def read_user(db, user_id: int):
              user = await async_user_service.get_user(db, user_id)
              total = (await count_users(db)) + 1
              return user, total
        `,
      },
      path: 'app/api/users.py',
    },
    {
      name: 'coroutines handed to asyncio and collected for gather',
      files: {
        'app/services/async_user.py': asyncService,
        'app/api/users.py': py`
          import asyncio
          from app.services.async_user import async_user_service, count_users

          async def both(db, ids):
              a, b = await asyncio.gather(async_user_service.get_user(db, 1), count_users(db))
              task = asyncio.create_task(count_users(db))
              coros = [async_user_service.get_user(db, i) for i in ids]
              results = await asyncio.gather(*coros)
              await asyncio.wait_for(count_users(db), timeout=5)
              pending = count_users(db)
              await pending
              return a, b, results, await task

          def main():
              asyncio.run(count_users(None))
              loop = asyncio.get_event_loop()
              loop.run_until_complete(count_users(None))
        `,
      },
      path: 'app/api/users.py',
    },
    {
      name: 'sync wrapper returning the coroutine, lambdas, async generators, sync methods',
      files: {
        'app/services/async_user.py': asyncService,
        'app/api/users.py': py`
          from app.services.async_user import async_user_service, count_users

          def users_coro(db):
              return count_users(db)

          factory = lambda db: count_users(db)

          async def stream(db):
              async for u in async_user_service.stream_users(db):
                  print(u)
              key = async_user_service.cache_key(1)
              return key
        `,
      },
      path: 'app/api/users.py',
    },
    {
      name: 'AsyncSession methods that are not coroutines, sync Session untouched',
      code: py`
        from sqlalchemy.ext.asyncio import AsyncSession
        from sqlalchemy.orm import Session

        async def create(db: AsyncSession, user):
            db.add(user)
            db.add_all([user])
            db.expunge(user)
            async with db.begin():
                pass
            await db.commit()

        def legacy(db: Session, user):
            db.add(user)
            db.commit()
      `,
    },
    {
      name: 'unknown receivers and unknown callees stay silent',
      code: py`
        async def handler(svc, runner):
            svc.get_user(1)
            runner(something())
      `,
    },
    {
      name: 'decorated async function with an unknown decorator',
      code: py`
        from mylib import magic

        @magic
        async def f():
            return 1

        async def g():
            f()
      `,
    },
    {
      name: 'aiohttp request used as an async context manager',
      code: py`
        import aiohttp

        async def fetch(url):
            async with aiohttp.ClientSession() as session:
                async with session.get(url) as resp:
                    return await resp.text()
      `,
    },
    {
      name: 'coroutines stored in names and handed to a `*aws: Awaitable[...]` parameter (corpus: aio-crawler tests)',
      code: py`
        import asyncio
        from typing import Awaitable

        async def first_completed(*aws: Awaitable[int], timeout: float | None = None):
            done, _ = await asyncio.wait([asyncio.ensure_future(a) for a in aws], timeout=timeout)
            return done

        async def compute() -> int:
            return 1

        async def main():
            slow = compute()
            fast = compute()
            return await first_completed(slow, fast, timeout=1)
      `,
    },
    {
      name: 'coroutines passed by keyword into `**jobs: Awaitable[...]`',
      code: py`
        from typing import Awaitable

        async def run_all(**jobs: Awaitable[int]) -> dict:
            return {name: await job for name, job in jobs.items()}

        async def compute() -> int:
            return 1

        async def main():
            return await run_all(a=compute(), b=compute())
      `,
    },
  ],
  invalid: [
    {
      name: 'a coroutine only handed to a logger is never awaited (corpus: scripts/celery_async_bridge.py)',
      code: py`
        import logging

        log = logging.getLogger(__name__)

        async def fan_out(urls):
            return []

        def broadcast(urls):
            results = fan_out(urls)
            log.info("broadcast queued: %s", results)
            logging.warning("also %s", fan_out(urls))
            return None
      `,
      errors: ['9:15', '11:32'],
    },
    {
      name: 'a coroutine passed into a `*values: str` parameter is still reported',
      code: py`
        def describe(*values: str) -> str:
            return ", ".join(map(str, values))

        async def compute() -> int:
            return 1

        async def main():
            return describe("x", compute())
      `,
      errors: ['8:26'],
    },
    {
      name: 'seed error 2: service call through a module-level instance imported from another file',
      files: {
        'app/services/async_user.py': asyncService,
        'app/api/users.py': py`
          from app.services.async_user import async_user_service

          async def read_user(db, user_id: int):
              user = async_user_service.get_user(db, user_id)
              return user
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:12'],
      message: '`AsyncUserService.get_user` is `async def`',
      output: py`
        from app.services.async_user import async_user_service

        async def read_user(db, user_id: int):
            user = await async_user_service.get_user(db, user_id)
            return user
      `,
    },
    {
      name: 'precedence: attribute, subscript, call, not, power, argument, condition, return',
      files: {
        'app/services/async_user.py': asyncService,
        'app/api/users.py': py`
          from app.services.async_user import async_user_service as svc, count_users

          async def handler(db):
              name = svc.get_user(db, 1).name
              first = svc.list_users(db)[0]
              if not count_users(db):
                  return None
              squared = count_users(db) ** 2
              power = 2 ** count_users(db)
              total = 1 + count_users(db)
              print(count_users(db), key=count_users(db))
              while count_users(db) > 3:
                  break
              return count_users(db)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:12', '5:13', '6:12', '8:15', '9:18', '10:17', '11:11', '11:32', '12:11', '14:12'],
      output: py`
        from app.services.async_user import async_user_service as svc, count_users

        async def handler(db):
            name = (await svc.get_user(db, 1)).name
            first = (await svc.list_users(db))[0]
            if not await count_users(db):
                return None
            squared = (await count_users(db)) ** 2
            power = 2 ** await count_users(db)
            total = 1 + await count_users(db)
            print(await count_users(db), key=await count_users(db))
            while await count_users(db) > 3:
                break
            return await count_users(db)
      `,
    },
    {
      name: 'AsyncSession coroutine methods (annotation, Depends, async with factory)',
      code: py`
        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.db import get_async_db, AsyncSessionLocal

        async def update(user, db: AsyncSession = Depends(get_async_db)):
            db.add(user)
            db.commit()
            db.refresh(user)
            return user

        async def job():
            async with AsyncSessionLocal() as session:
                result = session.execute(stmt)
                return result.scalars().all()
      `,
      errors: ['7:5', '8:5', '13:18'],
      output: py`
        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.db import get_async_db, AsyncSessionLocal

        async def update(user, db: AsyncSession = Depends(get_async_db)):
            db.add(user)
            await db.commit()
            await db.refresh(user)
            return user

        async def job():
            async with AsyncSessionLocal() as session:
                result = await session.execute(stmt)
                return result.scalars().all()
      `,
    },
    {
      name: 'self method and local instance',
      code: py`
        class AsyncRepo:
            async def fetch(self, key):
                return key

            async def fetch_twice(self, key):
                first = self.fetch(key)
                return first

        async def use():
            repo = AsyncRepo()
            value = repo.fetch(1)
            return value
      `,
      errors: ['6:17', '11:13'],
      output: py`
        class AsyncRepo:
            async def fetch(self, key):
                return key

            async def fetch_twice(self, key):
                first = await self.fetch(key)
                return first

        async def use():
            repo = AsyncRepo()
            value = await repo.fetch(1)
            return value
      `,
    },
    {
      name: 'relative import and package __init__ re-export',
      files: {
        'app/__init__.py': '',
        'app/services/__init__.py': 'from .async_user import async_user_service\n',
        'app/services/async_user.py': asyncService,
        'app/api/__init__.py': '',
        'app/api/users.py': py`
          from ..services import async_user_service
          from ..services.async_user import count_users

          async def handler(db):
              async_user_service.get_user(db, 1)
              n = count_users(db)
              return n
        `,
      },
      path: 'app/api/users.py',
      errors: ['5:5', '6:9'],
      output: py`
        from ..services import async_user_service
        from ..services.async_user import count_users

        async def handler(db):
            await async_user_service.get_user(db, 1)
            n = await count_users(db)
            return n
      `,
    },
    {
      name: 'httpx.AsyncClient requests',
      code: py`
        import httpx

        async def ping(url):
            async with httpx.AsyncClient() as client:
                r = client.get(url)
                return r.status_code
      `,
      errors: ['5:13'],
      output: py`
        import httpx

        async def ping(url):
            async with httpx.AsyncClient() as client:
                r = await client.get(url)
                return r.status_code
      `,
    },
    {
      name: 'a plain def caller: no fix, unsafe "make async" suggestion only',
      files: {
        'app/services/async_user.py': asyncService,
        'app/api/users.py': py`
          from app.services.async_user import count_users

          def report(db):
              n = count_users(db)
              return n + 1
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:9'],
      message: 'must become `async def`',
      output: py`
        from app.services.async_user import count_users

        def report(db):
            n = count_users(db)
            return n + 1
      `,
    },
    {
      name: 'the unsafe suggestion is not applied even with --unsafe-fixes (suggestions are explicit only)',
      files: {
        'app/services/async_user.py': asyncService,
        'app/api/users.py': py`
          from app.services.async_user import count_users

          def report(db):
              count_users(db)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:5'],
      unsafe: true,
      output: py`
        from app.services.async_user import count_users

        def report(db):
            count_users(db)
      `,
    },
    {
      name: 'assigned but never awaited later; returned from async def',
      code: py`
        async def helper():
            return 1

        async def caller():
            pending = helper()
            print(pending)
            return helper()
      `,
      errors: ['5:15', '7:12'],
    },
    {
      name: 'a coroutine passed to a builtin or a class',
      code: py`
        from fastapi.responses import JSONResponse

        async def helper():
            return 1

        async def caller():
            print(helper())
            return JSONResponse(content=helper())
      `,
      errors: ['7:11', '8:33'],
    },
    {
      name: 'generator expression and module level: reported without a fix',
      code: py`
        async def ok(x):
            return True

        async def caller(xs):
            return any(ok(x) for x in xs)

        ok(1)
      `,
      errors: ['5:16', '7:1'],
      output: py`
        async def ok(x):
            return True

        async def caller(xs):
            return any(ok(x) for x in xs)

        ok(1)
      `,
    },
    {
      name: 'nested async def helper and Depends() of a factory returning the service',
      files: {
        'app/services/async_user.py': asyncService,
        'app/api/deps.py': py`
          from app.services.async_user import AsyncUserService

          def get_user_service() -> AsyncUserService:
              return AsyncUserService()
        `,
        'app/api/users.py': py`
          from fastapi import Depends
          from app.api.deps import get_user_service

          async def handler(db, svc=Depends(get_user_service)):
              async def inner():
                  return 1
              inner()
              return svc.get_user(db, 1)
        `,
      },
      path: 'app/api/users.py',
      errors: ['7:5', '8:12'],
    },
    {
      name: 'suppressed with a comment',
      code: py`
        async def helper():
            return 1

        async def caller():
            helper()  # async-migrate: ignore[AM201]
            helper()
      `,
      errors: ['6:5'],
    },
  ],
});

describe('AM201 details', () => {
  it('points at the async definition in another file', async () => {
    const findings = await analyze(
      {
        'app/services/async_user.py': asyncService,
        'app/api/users.py': 'from app.services.async_user import async_user_service\n\nasync def f(db):\n    async_user_service.get_user(db, 1)\n',
      },
      { select: ['AM201'], only: 'app/api/users.py' },
    );
    assert.strictEqual(findings.length, 1);
    assert.deepStrictEqual(findings[0].related?.map((r) => [r.path, r.range.start.line, r.range.start.character]), [['app/services/async_user.py', 1, 14]]);
  });

  it('offers "make async" for a plain def caller; applying it gives valid Python', async () => {
    const files = {
      'app/services/async_user.py': asyncService,
      'app/api/users.py': 'from app.services.async_user import count_users\n\ndef report(db):\n    return count_users(db).real\n',
    };
    const [finding] = await analyze(files, { select: ['AM201'], only: 'app/api/users.py' });
    assert.ok(!finding.fix);
    assert.strictEqual(finding.suggestions?.length, 1);
    assert.strictEqual(finding.suggestions![0].applicability, 'unsafe');
    const text = applyEdits(files['app/api/users.py'], finding.suggestions![0].edits);
    assert.strictEqual(text, 'from app.services.async_user import count_users\n\nasync def report(db):\n    return (await count_users(db)).real\n');
  });

  it('a test function made async gets the pytest-asyncio marker', async () => {
    const files = {
      'app/services/async_user.py': asyncService,
      'tests/test_users.py': 'from app.services.async_user import count_users\n\n\ndef test_count():\n    assert count_users(None) == 0\n',
    };
    const [finding] = await analyze(files, { select: ['AM201'], only: 'tests/test_users.py' });
    const text = applyEdits(files['tests/test_users.py'], finding.suggestions![0].edits);
    assert.strictEqual(text, 'from app.services.async_user import count_users\nimport pytest\n\n\n@pytest.mark.asyncio\nasync def test_count():\n    assert await count_users(None) == 0\n');
  });

  it('precedence fixes compile with CPython (when python3 is available)', async function () {
    try {
      execFileSync('python3', ['--version']);
    } catch {
      skipOrFailInCi(this, 'python3 is not on PATH');
    }
    const src = py`
      async def c():
          return [1]

      async def handler(x):
          a = c().count
          b = c()[0]
          d = c() ** 2
          e = 2 ** c()
          f = not c()
          g = -c()
          h = x(*c(), **c())
          i = f"{c()}"
          j = [y for y in c()]
          with c() as k:
              pass
          return c() if c() else c()
    `;
    const out = await fix({ 'app/m.py': src }, 'app/m.py', { select: ['AM201'] });
    assert.ok(!out.includes('= c()'), out);
    execFileSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: out });
    execFileSync('python3', ['-c', 'import sys; compile(sys.stdin.read(), "m", "exec")'], { input: out });
  });
});

ruleTester('AM201', {
  valid: [
    { name: 'asyncio.sleep awaited, and a local function named sleep', code: 'import asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n\ndef sleep(x):\n    return x\n\nasync def g():\n    sleep(1)\n' },
  ],
  invalid: [
    {
      name: 'asyncio coroutine functions (asyncio.sleep forgotten in a retry loop)',
      code: py`
        import asyncio
        from asyncio import sleep

        async def retry(fn):
            for attempt in range(3):
                asyncio.sleep(2 ** attempt)
                sleep(1)
            return await asyncio.to_thread(fn)
      `,
      errors: ['6:9', '7:9'],
      output: py`
        import asyncio
        from asyncio import sleep

        async def retry(fn):
            for attempt in range(3):
                await asyncio.sleep(2 ** attempt)
                await sleep(1)
            return await asyncio.to_thread(fn)
      `,
    },
  ],
});

ruleTester('AM201', {
  valid: [],
  invalid: [
    {
      name: 'asyncio.run() boundary: a script entry point runs the coroutine with asyncio.run (safe under the __main__ guard)',
      code: py`
        import sys

        async def main(argv):
            return 0

        if __name__ == "__main__":
            main(sys.argv)
      `,
      errors: ['7:5'],
      message: 'asyncio.run',
      output: py`
        import sys
        import asyncio

        async def main(argv):
            return 0

        if __name__ == "__main__":
            asyncio.run(main(sys.argv))
      `,
    },
    {
      name: 'an unguarded module-level call: the asyncio.run fix is unsafe',
      code: py`
        import asyncio

        async def warm_cache():
            return 0

        warm_cache()
      `,
      errors: ['6:1'],
      unsafe: true,
      output: py`
        import asyncio

        async def warm_cache():
            return 0

        asyncio.run(warm_cache())
      `,
    },
  ],
});

describe('AM201 suggestions in a plain def', () => {
  it('offers "make async" first and "asyncio.run" second, both unsafe', async () => {
    const files = { 'app/jobs.py': 'async def job():\n    return 1\n\ndef cron():\n    result = job()\n    return {"result": result}\n' };
    const [finding] = await analyze(files, { select: ['AM201'] });
    assert.deepStrictEqual(finding.suggestions?.map((s) => [s.applicability, applyEdits(files['app/jobs.py'], s.edits)]), [
      ['unsafe', 'async def job():\n    return 1\n\nasync def cron():\n    result = await job()\n    return {"result": result}\n'],
      ['unsafe', 'import asyncio\nasync def job():\n    return 1\n\ndef cron():\n    result = asyncio.run(job())\n    return {"result": result}\n'],
    ]);
  });
});
