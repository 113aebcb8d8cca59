import * as assert from 'assert';
import { applyEdits } from '../../../server/src/analysis/fixes/edits';
import { initParser, parsePython } from '../../../server/src/analysis/parser';
import { analyze, py, ruleTester, type Files } from '../helpers';

ruleTester('AM501', {
  valid: [
    {
      name: 'sync code is out of scope',
      code: py`
        def load():
            try:
                return compute()
            except Exception:
                pass
      `,
    },
    {
      name: 'narrow except, logging handler, re-raise, returning a value',
      code: py`
        import logging
        from sqlalchemy.exc import NoResultFound

        async def f(db):
            try:
                await db.execute(stmt)
            except NoResultFound:
                pass
            try:
                await db.commit()
            except Exception:
                logging.exception("commit failed")
            try:
                await db.flush()
            except Exception:
                raise
            try:
                return await db.scalar(stmt)
            except Exception:
                return []
      `,
    },
    {
      name: 'a module-level class named Exception is not the builtin',
      code: py`
        class Exception(RuntimeError):
            pass

        async def f():
            try:
                await g()
            except Exception:
                pass
      `,
    },
    {
      name: 'a nested plain def inside async def',
      code: py`
        async def outer():
            def inner():
                try:
                    return 1
                except Exception:
                    pass
            return inner
      `,
    },
  ],
  invalid: [
    {
      name: 'seed error 7: except Exception: pass (no automatic fix)',
      code: py`
        async def my_endpoint(db, id):
            try:
                user = await user_service.get_user(db, id)
            except Exception:  # Muy genérico
                pass
            return user
      `,
      errors: ['4:5'],
      message: '`except Exception` in `async def my_endpoint` silently swallows every error',
      output: py`
        async def my_endpoint(db, id):
            try:
                user = await user_service.get_user(db, id)
            except Exception:  # Muy genérico
                pass
            return user
      `,
    },
    {
      name: 'bare except, BaseException, tuple, unused alias, ..., return None and continue',
      code: py`
        async def f(items):
            for item in items:
                try:
                    await item.save()
                except:
                    continue
            try:
                await g()
            except BaseException:
                ...
            try:
                await g()
            except (ValueError, Exception):
                return
            try:
                await g()
            except Exception as e:
                return None
      `,
      errors: ['5:9', '9:5', '13:5', '17:5'],
      message: 'even `asyncio.CancelledError`',
    },
  ],
});

async function suggestionsFor(files: Files, path: string): Promise<{ title: string; output: string }[]> {
  const findings = (await analyze(files, { select: ['AM501'], only: path })).filter((f) => f.code === 'AM501');
  assert.strictEqual(findings.length, 1, findings.map((f) => f.message).join('\n'));
  assert.strictEqual(findings[0].fix, undefined, 'AM501 must never carry an automatic fix');
  return (findings[0].suggestions ?? []).map((s) => ({ title: s.title, output: applyEdits(files[path], s.edits) }));
}

async function parsesClean(text: string): Promise<boolean> {
  await initParser();
  const tree = parsePython(text);
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

describe('AM501 suggestions', () => {
  const services = {
    'app/services/async_user.py': py`
      class AsyncUserService:
          async def get_user(self, db, user_id):
              return None

      async_user_service = AsyncUserService()
    `,
  };

  it('offers "log and re-raise" with the module logger and "narrow to NoResultFound → 404" in a route', async () => {
    const path = 'app/api/users.py';
    const files = {
      ...services,
      [path]: py`
        import logging
        from fastapi import APIRouter, Depends
        from app.services.async_user import async_user_service

        logger = logging.getLogger(__name__)
        router = APIRouter()

        @router.get("/users/{user_id}")
        async def read_user(user_id: int, db=Depends(get_async_db)):
            try:
                user = await async_user_service.get_user(db, user_id)
            except Exception as e:
                pass  # ignore
            return user
      `,
    };
    const suggestions = await suggestionsFor(files, path);
    assert.deepStrictEqual(suggestions.map((s) => s.title), ['Log the exception and re-raise', 'Narrow to NoResultFound and raise HTTPException(404)']);
    assert.strictEqual(
      suggestions[0].output,
      py`
        import logging
        from fastapi import APIRouter, Depends
        from app.services.async_user import async_user_service

        logger = logging.getLogger(__name__)
        router = APIRouter()

        @router.get("/users/{user_id}")
        async def read_user(user_id: int, db=Depends(get_async_db)):
            try:
                user = await async_user_service.get_user(db, user_id)
            except Exception as e:
                logger.exception("Unexpected error in read_user")
                raise  # ignore
            return user
      `,
    );
    assert.strictEqual(
      suggestions[1].output,
      py`
        import logging
        from fastapi import APIRouter, Depends, HTTPException
        from app.services.async_user import async_user_service
        from sqlalchemy.exc import NoResultFound

        logger = logging.getLogger(__name__)
        router = APIRouter()

        @router.get("/users/{user_id}")
        async def read_user(user_id: int, db=Depends(get_async_db)):
            try:
                user = await async_user_service.get_user(db, user_id)
            except NoResultFound:
                raise HTTPException(status_code=404, detail="User not found")  # ignore
            return user
      `,
    );
    for (const s of suggestions) assert.ok(await parsesClean(s.output), `${s.title} must re-parse clean`);
  });

  it('without a logger uses logging.exception and adds import logging; bare except gets a type', async () => {
    const path = 'app/api/gyms.py';
    const files = {
      [path]: py`
        from fastapi import HTTPException
        from sqlalchemy.ext.asyncio import AsyncSession

        async def gym(gym_id: int, db: AsyncSession):
            try:
                row = await db.get(Gym, gym_id)
            except:
                return None
            return row
      `,
    };
    const suggestions = await suggestionsFor(files, path);
    assert.strictEqual(
      suggestions[0].output,
      py`
        from fastapi import HTTPException
        from sqlalchemy.ext.asyncio import AsyncSession
        import logging

        async def gym(gym_id: int, db: AsyncSession):
            try:
                row = await db.get(Gym, gym_id)
            except:
                logging.exception("Unexpected error in gym")
                raise
            return row
      `,
    );
    assert.strictEqual(
      suggestions[1].output,
      py`
        from fastapi import HTTPException
        from sqlalchemy.ext.asyncio import AsyncSession
        from sqlalchemy.exc import NoResultFound

        async def gym(gym_id: int, db: AsyncSession):
            try:
                row = await db.get(Gym, gym_id)
            except NoResultFound:
                raise HTTPException(status_code=404, detail="Not found")
            return row
      `,
    );
    for (const s of suggestions) assert.ok(await parsesClean(s.output), `${s.title} must re-parse clean`);
  });

  it('no 404 suggestion when the try body awaits nothing from a service or session, or outside FastAPI code', async () => {
    const path = 'app/workers/cleanup.py';
    const files = {
      ...services,
      [path]: py`
        from app.services.async_user import async_user_service

        async def sweep(db, sock):
            try:
                await sock.send(b"x")
            except Exception:
                pass
            try:
                await async_user_service.get_user(db, 1)
            except Exception:
                pass
      `,
    };
    const findings = (await analyze(files, { select: ['AM501'], only: path })).filter((f) => f.code === 'AM501');
    assert.deepStrictEqual(findings.map((f) => f.suggestions?.map((s) => s.title)), [['Log the exception and re-raise'], ['Log the exception and re-raise']]);
  });
});
