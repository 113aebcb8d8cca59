import * as assert from 'assert';
import { analyze, fix, py, ruleTester } from '../helpers';

const syncService = py`
  class UserService:
      def get_user(self, db, user_id):
          return db.query(User).filter(User.id == user_id).first()

      def list_users(self, db):
          return db.query(User).all()

      def export_csv(self, db):
          return ""


  user_service = UserService()
`;
const asyncService = py`
  class AsyncUserService:
      async def get_user(self, db, user_id):
          return await db.get(User, user_id)

      async def list_users(self, db):
          return []


  async_user_service = AsyncUserService()
`;
const services = { 'app/services/user.py': syncService, 'app/services/async_user.py': asyncService };

ruleTester('AM203', {
  valid: [
    {
      name: 'sync service in sync code is fine (FastAPI runs def endpoints in a threadpool)',
      files: {
        ...services,
        'app/api/users.py': py`
          from app.services.user import user_service

          def list_users(db):
              return user_service.list_users(db)
        `,
      },
      path: 'app/api/users.py',
    },
    {
      name: 'a sync service without async twin',
      files: {
        'app/services/billing.py': 'class BillingService:\n    def charge(self, x):\n        return x\n\nbilling_service = BillingService()\n',
        'app/api/pay.py': py`
          from app.services.billing import billing_service

          async def pay(x):
              return billing_service.charge(x)
        `,
      },
      path: 'app/api/pay.py',
    },
    {
      name: 'the async twin itself',
      files: {
        ...services,
        'app/api/users.py': py`
          from app.services.async_user import async_user_service

          async def one(db):
              return await async_user_service.get_user(db, 1)
        `,
      },
      path: 'app/api/users.py',
    },
    {
      name: 'the sync twin module in a package __init__ is a re-export, not a leftover',
      files: {
        ...services,
        'app/services/__init__.py': 'from .user import user_service\nfrom .async_user import async_user_service\n',
      },
      path: 'app/services/__init__.py',
    },
  ],
  invalid: [
    {
      name: 'unawaited sync call in async code: switch to the awaited twin (import and call)',
      files: {
        ...services,
        'app/api/users.py': py`
          from fastapi import APIRouter
          from app.services.user import user_service

          router = APIRouter()

          @router.get("/{user_id}")
          async def read_user(user_id: int, db):
              user = user_service.get_user(db, user_id)
              return user
        `,
      },
      path: 'app/api/users.py',
      // the import (every use is async) and the call
      errors: ['2:31', '8:12'],
      output: py`
        from fastapi import APIRouter
        from app.services.async_user import async_user_service

        router = APIRouter()

        @router.get("/{user_id}")
        async def read_user(user_id: int, db):
            user = await async_user_service.get_user(db, user_id)
            return user
      `,
    },
    {
      name: 'mixed sync and async uses: only the async call, the sync import stays',
      files: {
        ...services,
        'app/api/users.py': py`
          from app.services.user import user_service

          async def one(db):
              return user_service.get_user(db, 1).name

          def legacy(db):
              return user_service.list_users(db)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:12'],
      output: py`
        from app.services.user import user_service
        from app.services.async_user import async_user_service

        async def one(db):
            return (await async_user_service.get_user(db, 1)).name

        def legacy(db):
            return user_service.list_users(db)
      `,
    },
    {
      name: 'the twin lacks the method: reported without a fix',
      files: {
        ...services,
        'app/api/users.py': py`
          from app.services.user import user_service

          async def export(db):
              return user_service.export_csv(db)

          def legacy(db):
              return user_service.list_users(db)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:12'],
      message: 'has no `async def export_csv`',
    },
    {
      name: 'several async calls: one module-wide switch, applied once',
      files: {
        ...services,
        'app/api/users.py': py`
          from app.services.user import user_service, UserService

          async def both(db):
              a = user_service.get_user(db, 1)
              b = await user_service.list_users(db)
              return a, b, UserService
        `,
      },
      path: 'app/api/users.py',
      errors: ['1:31', '4:9'], // the awaited call is AM202's (it crashes), but the module-wide switch still fixes it
      output: py`
        from app.services.user import UserService
        from app.services.async_user import async_user_service

        async def both(db):
            a = await async_user_service.get_user(db, 1)
            b = await async_user_service.list_users(db)
            return a, b, UserService
      `,
    },
    {
      name: 'a module-level function twin with the same name is imported under an alias while sync code still uses it',
      files: {
        'app/crud/user.py': 'def get_user(db, user_id):\n    return None\n',
        'app/crud/async_user.py': 'async def get_user(db, user_id):\n    return None\n',
        'app/api/users.py': py`
          from app.crud.user import get_user

          async def one(db):
              return get_user(db, 1)

          def two(db):
              return get_user(db, 2)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:12'],
      output: py`
        from app.crud.user import get_user
        from app.crud.async_user import get_user as async_get_user

        async def one(db):
            return await async_get_user(db, 1)

        def two(db):
            return get_user(db, 2)
      `,
    },
    {
      name: 'a leftover unused sync import next to its twin is removed',
      files: {
        ...services,
        'app/api/users.py': py`
          from app.services.user import user_service
          from app.services.async_user import async_user_service

          async def one(db):
              return await async_user_service.get_user(db, 1)
        `,
      },
      path: 'app/api/users.py',
      errors: ['1:31'],
      output: py`
        from app.services.async_user import async_user_service

        async def one(db):
            return await async_user_service.get_user(db, 1)
      `,
    },
    {
      name: 'twin naming is configurable',
      config: { twins: { 'module-patterns': ['{name}_aio'], 'name-patterns': ['{name}_aio'] } },
      files: {
        'app/services/user.py': syncService,
        'app/services/user_aio.py': asyncService.replace(/async_user_service/g, 'user_service_aio'),
        'app/api/users.py': py`
          from app.services.user import user_service

          async def one(db):
              return user_service.get_user(db, 1)
        `,
      },
      path: 'app/api/users.py',
      errors: ['1:31', '4:12'],
      output: py`
        from app.services.user_aio import user_service_aio

        async def one(db):
            return await user_service_aio.get_user(db, 1)
      `,
    },
  ],
});

describe('AM203 with AM202 (fix-all over both rules)', () => {
  it('seed error 1 fixed end to end in one run', async () => {
    const files = {
      ...services,
      'app/api/users.py': py`
        from app.services.user import user_service

        async def my_endpoint(db, id):
            user = await user_service.get_user(db, id)
            users = user_service.list_users(db)
            return user, users
      `,
    };
    const out = await fix(files, 'app/api/users.py', { select: ['AM202', 'AM203'] });
    assert.strictEqual(
      out,
      py`
        from app.services.async_user import async_user_service

        async def my_endpoint(db, id):
            user = await async_user_service.get_user(db, id)
            users = await async_user_service.list_users(db)
            return user, users
      `,
    );
    const after = await analyze({ ...files, 'app/api/users.py': out }, { select: ['AM201', 'AM202', 'AM203'], only: 'app/api/users.py' });
    assert.deepStrictEqual(after.map((f) => f.code), []);
  });
});

// The twin switch writes `await` on the async twin: it is offered only when the call fits the
// twin (arguments bind, no sync Session handed to an `async def` that would await it).
const SESSION_IMPORTS = 'from fastapi import Depends\nfrom sqlalchemy.orm import Session\nfrom sqlalchemy.ext.asyncio import AsyncSession\nfrom app.services.user import user_service\n\n';
ruleTester('AM203', {
  valid: [],
  invalid: [
    {
      name: 'a sync Session argument: reported, no switch (the twin would await a sync Session)',
      files: {
        ...services,
        'app/api/users.py': SESSION_IMPORTS + py`
          async def one(db: Session, user_id: int):
              return user_service.get_user(db, user_id)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:31', '7:12'],
      message: 'import its async twin `async_user_service`',
      output: SESSION_IMPORTS + py`
        async def one(db: Session, user_id: int):
            return user_service.get_user(db, user_id)
      `,
    },
    {
      name: 'arguments that do not bind to the twin: reported, no switch',
      files: {
        ...services,
        'app/api/users.py': SESSION_IMPORTS + py`
          async def one(db: AsyncSession):
              return user_service.export_csv(db)
        `,
        'app/services/async_user.py': asyncService.replace('async def list_users(self, db):', 'async def export_csv(self, db, fmt):'),
      },
      path: 'app/api/users.py',
      errors: ['4:31', '7:12'],
      output: SESSION_IMPORTS + py`
        async def one(db: AsyncSession):
            return user_service.export_csv(db)
      `,
    },
    {
      name: 'near miss: an AsyncSession argument that binds is switched and awaited',
      files: {
        ...services,
        'app/api/users.py': SESSION_IMPORTS + py`
          async def one(db: AsyncSession, user_id: int):
              return user_service.get_user(db, user_id)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:31', '7:12'],
      output: 'from fastapi import Depends\nfrom sqlalchemy.orm import Session\nfrom sqlalchemy.ext.asyncio import AsyncSession\nfrom app.services.async_user import async_user_service\n\n' + py`
        async def one(db: AsyncSession, user_id: int):
            return await async_user_service.get_user(db, user_id)
      `,
    },
  ],
});

describe('AM203 twin switch preconditions', () => {
  it('names the missing fact when a sync Session is passed', async () => {
    const files = { ...services, 'app/api/users.py': SESSION_IMPORTS + 'async def one(db: Session):\n    return user_service.get_user(db, 1)\n' };
    const [finding] = (await analyze(files, { select: ['AM203'], only: 'app/api/users.py' })).filter((f) => f.code === 'AM203');
    assert.strictEqual(finding.fix, undefined);
    assert.match(finding.noFixReason ?? '', /`db` is a sync `Session`, which the async twin `AsyncUserService.get_user` cannot await/);
    assert.strictEqual(await fix(files, 'app/api/users.py', { unsafe: true }), files['app/api/users.py'], 'no fix of any rule awaits the twin with a sync Session');
  });
});

const DRIFTED = {
        'app/services/booking.py': 'class BookingService:\n    def create_booking(self, db, booking_in):\n        return None\n\n\nbooking_service = BookingService()\n',
        'app/services/async_booking.py': 'class AsyncBookingService:\n    async def create_booking(self, db, *, slot_id, member_id):\n        return None\n\n\nasync_booking_service = AsyncBookingService()\n',
        'app/api/bookings.py': 'from app.services.booking import booking_service\n\n\nasync def book(db, booking_in):\n    return booking_service.create_booking(db, booking_in=booking_in)\n',
      };

describe('AM203 and a twin whose signature drifted', () => {
  it('reports the call with both signatures and offers no switch (import or call)', async () => {
    const findings = await analyze(DRIFTED, { select: ['AM203'], only: 'app/api/bookings.py' });
    const call = findings.find((f) => f.range.start.line === 4);
    assert.ok(call, findings.map((f) => f.message).join('\n'));
    assert.match(call.message, /does not fit the twin's signature \(it has no parameter `booking_in`\): `BookingService.create_booking\(self, db, booking_in\)` vs `AsyncBookingService.create_booking\(self, db, \*, slot_id, member_id\)`/);
    assert.ok(findings.every((f) => !f.fix), 'no fix on the import or the call');
  });
});
