import * as assert from 'assert';
import { analyze, fix, py, ruleTester } from '../helpers';

ruleTester('AM205', {
  valid: [
    {
      name: 'await in async def, nested async def in a def, lambdas and async generator expressions',
      code: py`
        async def ok(x):
            return await x

        def outer():
            async def inner(y):
                async with y:
                    async for z in y:
                        await z
            return inner

        def gen(xs):
            return (await x for x in xs)

        def agen(xs):
            return (x async for x in xs)
      `,
    },
    {
      name: 'module-level await (notebooks / asyncio REPL) is not a function to fix',
      code: 'import asyncio\nawait asyncio.sleep(1)\n',
    },
  ],
  invalid: [
    {
      name: 'seed-style half-done migration: the body is async, the signature is not (nothing calls it: safe)',
      code: py`
        from sqlalchemy import select

        def get_user(db, user_id):
            result = await db.execute(select(User).where(User.id == user_id))
            return result.scalar_one_or_none()
      `,
      errors: ['4:14'],
      message: "SyntaxError: 'await' outside async function",
      output: py`
        from sqlalchemy import select

        async def get_user(db, user_id):
            result = await db.execute(select(User).where(User.id == user_id))
            return result.scalar_one_or_none()
      `,
    },
    {
      name: 'async with / async for / async comprehension / await in a list comprehension',
      code: py`
        def handler(client, items):
            async with client:
                pass
            async for item in items:
                pass
            a = [x async for x in items]
            return [await x for x in items]
      `,
      errors: ['2:5', '4:5', '6:12', '7:13'],
      output: py`
        async def handler(client, items):
            async with client:
                pass
            async for item in items:
                pass
            a = [x async for x in items]
            return [await x for x in items]
      `,
    },
    {
      name: 'a route handler is made async safely (FastAPI calls it)',
      code: py`
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/users/{user_id}")
        def read_user(user_id: int, db=None):
            return await db.get(User, user_id)
      `,
      errors: ['7:12'],
      output: py`
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/users/{user_id}")
        async def read_user(user_id: int, db=None):
            return await db.get(User, user_id)
      `,
    },
    {
      name: 'a function with unawaited callers in the file: unsafe, not applied by safe fix-all',
      code: py`
        def load(db):
            return await db.scalar(1)

        def caller(db):
            return load(db)
      `,
      errors: ['2:12'],
      message: '1 call in this file must then await it',
      output: py`
        def load(db):
            return await db.scalar(1)

        def caller(db):
            return load(db)
      `,
    },
    {
      name: 'callers in the file already await it (a half-done migration): the fix is safe',
      code: py`
        def load(db):
            return await db.scalar(1)

        async def caller(db):
            return await load(db)
      `,
      errors: ['2:12'],
      output: py`
        async def load(db):
            return await db.scalar(1)

        async def caller(db):
            return await load(db)
      `,
    },
    {
      name: 'a pytest test gets the asyncio marker',
      files: {
        'tests/test_users.py': py`
          import pytest

          def test_get(client):
              resp = await client.get("/users/1")
              assert resp.status_code == 200
        `,
      },
      errors: ['4:12'],
      output: py`
        import pytest

        @pytest.mark.asyncio
        async def test_get(client):
            resp = await client.get("/users/1")
            assert resp.status_code == 200
      `,
    },
  ],
});

describe('AM205 details', () => {
  it('lists the modules importing the function and makes the fix unsafe', async () => {
    const files = {
      'app/services/stats.py': 'def compute(db):\n    return await db.scalar(1)\n',
      'app/api/a.py': 'from app.services.stats import compute\n\ndef a(db):\n    n = compute(db)\n    return n + 1\n',
    };
    const [finding] = await analyze(files, { select: ['AM205'], only: 'app/services/stats.py' });
    assert.strictEqual(finding.fix?.applicability, 'unsafe');
    assert.match(finding.message, /1 importing module/);
    assert.deepStrictEqual(finding.related?.map((r) => `${r.path}:${r.range.start.line + 1} ${r.message}`), ['app/api/a.py:1 imports `compute`: its calls of `compute` will need `await`']);
    const out = await fix(files, 'app/services/stats.py', { select: ['AM205'], unsafe: true });
    assert.strictEqual(out, 'async def compute(db):\n    return await db.scalar(1)\n');
    // Once async, AM201 reports the caller in the importing module.
    const after = await analyze({ ...files, 'app/services/stats.py': out }, { select: ['AM201'], only: 'app/api/a.py' });
    assert.deepStrictEqual(after.map((f) => `${f.code} ${f.range.start.line + 1}`), ['AM201 4']);
  });

  it('one finding per await, all with the same fix', async () => {
    const findings = await analyze({ 'app/m.py': 'def f(a, b):\n    await a\n    await b\n' }, { select: ['AM205'] });
    assert.strictEqual(findings.length, 2);
    assert.deepStrictEqual(findings[0].fix, findings[1].fix);
  });
});
