import * as assert from 'assert';
import { analyze, py, ruleTester, type Files } from '../helpers';

const SESSION = py`
  from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
  from sqlalchemy.orm import sessionmaker

  engine = create_async_engine("sqlite+aiosqlite://")
  AsyncSessionLocal = sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


  async def get_async_db():
      async with AsyncSessionLocal() as session:
          yield session


  async def get_committing_db():
      async with AsyncSessionLocal() as session:
          yield session
          await session.commit()


  async def get_transaction_db():
      async with AsyncSessionLocal.begin() as session:
          yield session
`;

const REPOSITORY = py`
  from sqlalchemy import update
  from app.models import Booking


  class AsyncBookingRepository:
      async def cancel(self, db, booking):
          booking.status = "cancelled"
          await db.flush()

      async def cancel_and_commit(self, db, booking):
          booking.status = "cancelled"
          await db.commit()

      async def close_all(self, db):
          await db.execute(update(Booking).values(status="closed"))

      async def get(self, db, id):
          return await db.get(Booking, id)


  async_booking_repository = AsyncBookingRepository()
`;

const SERVICE = py`
  from app.repositories.booking import async_booking_repository


  class AsyncBookingService:
      async def cancel(self, db, id):
          booking = await async_booking_repository.get(db, id)
          await async_booking_repository.cancel(db, booking)


  async_booking_service = AsyncBookingService()
`;

function app(handler: string): Files {
  return {
    'app/__init__.py': '',
    'app/models.py': 'class Booking:\n    pass\n',
    'app/db/__init__.py': '',
    'app/db/session.py': SESSION,
    'app/repositories/__init__.py': '',
    'app/repositories/booking.py': REPOSITORY,
    'app/services/__init__.py': '',
    'app/services/booking.py': SERVICE,
    'app/api/bookings.py':
      'from fastapi import APIRouter, Depends\nfrom sqlalchemy.ext.asyncio import AsyncSession\n\nfrom app.db.session import get_async_db, get_committing_db, get_transaction_db\nfrom app.models import Booking\nfrom app.repositories.booking import async_booking_repository\nfrom app.services.booking import async_booking_service\n\nrouter = APIRouter()\n\n\n' +
      handler,
  };
}
const PATH = 'app/api/bookings.py';
const LINE = 13; // first line of the handler body below the decorator and def

ruleTester('AM106', {
  valid: [
    {
      name: 'the dependency commits after its yield',
      files: app('@router.post("/b")\nasync def create(db: AsyncSession = Depends(get_committing_db)):\n    db.add(Booking())\n    return {"ok": True}\n'),
      path: PATH,
    },
    {
      name: 'the dependency yields inside session.begin()',
      files: app('@router.post("/b")\nasync def create(db: AsyncSession = Depends(get_transaction_db)):\n    db.add(Booking())\n    return {"ok": True}\n'),
      path: PATH,
    },
    {
      name: 'the handler commits after the write',
      files: app('@router.post("/b")\nasync def create(db: AsyncSession = Depends(get_async_db)):\n    db.add(Booking())\n    await db.commit()\n    return {"ok": True}\n'),
      path: PATH,
    },
    {
      name: 'a flush in the repository followed by a commit in the handler (the caller)',
      files: app('@router.post("/b/{id}/cancel")\nasync def cancel(id: int, db: AsyncSession = Depends(get_async_db)):\n    await async_booking_repository.cancel(db, await db.get(Booking, id))\n    await db.commit()\n    return {"ok": True}\n'),
      path: PATH,
    },
    {
      name: 'the repository commits its own write',
      files: app('@router.post("/b/{id}/cancel")\nasync def cancel(id: int, db: AsyncSession = Depends(get_async_db)):\n    await async_booking_repository.cancel_and_commit(db, await db.get(Booking, id))\n    return {"ok": True}\n'),
      path: PATH,
    },
    {
      name: 'async with db.begin() in the handler',
      files: app('@router.post("/b")\nasync def create(db: AsyncSession = Depends(get_async_db)):\n    async with db.begin():\n        db.add(Booking())\n    return {"ok": True}\n'),
      path: PATH,
    },
    {
      name: 'reads only',
      files: app('@router.get("/b/{id}")\nasync def read(id: int, db: AsyncSession = Depends(get_async_db)):\n    return await async_booking_repository.get(db, id)\n'),
      path: PATH,
    },
    {
      name: 'a dependency the engine cannot read stays silent',
      code: py`
        from fastapi import APIRouter, Depends
        from sqlalchemy.ext.asyncio import AsyncSession
        from somewhere_else import get_async_db

        router = APIRouter()


        @router.post("/b")
        async def create(db: AsyncSession = Depends(get_async_db)):
            db.add(object())
            return {"ok": True}
      `,
    },
    {
      name: 'not a route handler',
      files: app('async def helper(db: AsyncSession = Depends(get_async_db)):\n    db.add(Booking())\n'),
      path: PATH,
    },
  ],
  invalid: [
    {
      name: 'db.add without a commit',
      files: app('@router.post("/b")\nasync def create(db: AsyncSession = Depends(get_async_db)):\n    db.add(Booking())\n    return {"ok": True}\n'),
      path: PATH,
      errors: [`${LINE + 1}:5`],
      message: '`db.add(…)` changes the database but nothing commits afterwards, and the session dependency `get_async_db` (`app.db.session`) does not commit',
    },
    {
      name: 'the issue\'s example: the repository flushes, nobody commits',
      files: app('@router.post("/b/{id}/cancel")\nasync def cancel(id: int, db: AsyncSession = Depends(get_async_db)):\n    await async_booking_repository.cancel(db, await db.get(Booking, id))\n    return {"ok": True}\n'),
      path: PATH,
      errors: [`${LINE + 1}:11`],
      message: 'it writes through `AsyncBookingRepository.cancel`',
    },
    {
      name: 'through a service into the repository (two hops, across files)',
      files: app('@router.post("/b/{id}/cancel")\nasync def cancel(id: int, db: AsyncSession = Depends(get_async_db)):\n    await async_booking_service.cancel(db, id)\n    return {"ok": True}\n'),
      path: PATH,
      errors: [`${LINE + 1}:11`],
      message: '`AsyncBookingService.cancel` → `AsyncBookingRepository.cancel`',
    },
    {
      name: 'a bulk update through execute, written after the last commit',
      files: app('@router.post("/b/close")\nasync def close(db: AsyncSession = Depends(get_async_db)):\n    db.add(Booking())\n    await db.commit()\n    await async_booking_repository.close_all(db)\n    return {"ok": True}\n'),
      path: PATH,
      errors: [`${LINE + 3}:11`],
    },
  ],
});

describe('AM106 suggestion', () => {
  it('inserts `await db.commit()` before the final return (unsafe, never applied by fix-all)', async () => {
    const files = app('@router.post("/b")\nasync def create(db: AsyncSession = Depends(get_async_db)):\n    db.add(Booking())\n    return {"ok": True}\n');
    const [finding] = await analyze(files, { select: ['AM106'], only: PATH });
    assert.ok(finding && !finding.fix);
    const [suggestion] = finding.suggestions ?? [];
    assert.strictEqual(suggestion?.applicability, 'unsafe');
    const text = files[PATH];
    const edit = suggestion.edits[0];
    const fixed = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
    assert.ok(fixed.endsWith('    db.add(Booking())\n    await db.commit()\n    return {"ok": True}\n'), fixed);
    assert.deepStrictEqual(await analyze({ ...files, [PATH]: fixed }, { select: ['AM106'], only: PATH }), []);
  });

  it('is not offered when the handler returns early', async () => {
    const files = app('@router.post("/b")\nasync def create(x: int, db: AsyncSession = Depends(get_async_db)):\n    db.add(Booking())\n    if x:\n        return {"early": True}\n    return {"ok": True}\n');
    const [finding] = await analyze(files, { select: ['AM106'], only: PATH });
    assert.ok(finding);
    assert.deepStrictEqual(finding.suggestions, []);
  });
});
