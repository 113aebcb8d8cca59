import * as assert from 'assert';
import { analyze, py, ruleTester } from '../helpers';

const syncService = py`
  class UserService:
      def get_user(self, db, user_id):
          return db.query(User).filter(User.id == user_id).first()

      def list_users(self, db):
          return db.query(User).all()


  user_service = UserService()
`;
const asyncService = py`
  class AsyncUserService:
      async def get_user(self, db, user_id):
          return await db.get(User, user_id)


  async_user_service = AsyncUserService()
`;

const chatService = py`
  class ChatService:
      def send(self, db, text):
          return text


  chat_service = ChatService()
`;

ruleTester('AM202', {
  valid: [
    {
      name: 'a name imported inside another function is not visible here (near miss: no import in scope)',
      files: {
        'app/services/chat.py': chatService,
        'app/api/chat.py': py`
          def warm_up():
              from app.services.chat import chat_service
              return chat_service

          async def endpoint(db, chat_service):
              return await chat_service.send(db, "hi")

          async def other(db):
              return await chat_service.send(db, "hi")
        `,
      },
      path: 'app/api/chat.py',
    },
    {
      name: 'a function-local import rebound in the function is not resolved through the import',
      files: {
        'app/services/chat.py': chatService,
        'app/api/chat.py': py`
          async def endpoint(db, factory):
              from app.services.chat import chat_service
              for chat_service in factory():
                  await chat_service.send(db, "hi")
        `,
      },
      path: 'app/api/chat.py',
    },
    {
      name: 'awaiting the async twin',
      files: {
        'app/services/async_user.py': asyncService,
        'app/api/users.py': py`
          from app.services.async_user import async_user_service

          async def endpoint(db, user_id):
              return await async_user_service.get_user(db, user_id)
        `,
      },
      path: 'app/api/users.py',
    },
    {
      name: 'sync functions that may return awaitables stay silent',
      code: py`
        import asyncio
        from typing import Awaitable
        from mylib import magic

        async def work():
            return 1

        def wrapper():
            return work()

        def annotated() -> Awaitable[int]:
            ...

        def scheduled():
            return asyncio.ensure_future(work())

        def via_param(db):
            return db.execute("select 1")

        @magic
        def decorated():
            return 1

        class Ticket:
            def __await__(self):
                yield

        def ticket() -> Ticket:
            return Ticket()

        async def caller():
            await wrapper()
            await annotated()
            await scheduled()
            await via_param(None)
            await decorated()
            await ticket()
            await unknown()
      `,
    },
    {
      name: 'self method overridden as async in a subclass',
      code: py`
        class Base:
            def load(self):
                return None

            async def run(self):
                return await self.load()

        class Child(Base):
            async def load(self):
                return 1
      `,
    },
  ],
  invalid: [
    {
      name: 'await on a sync method reached through a function-local import (the way around circular imports)',
      files: {
        'app/services/chat.py': chatService,
        'app/api/chat.py': py`
          class Room:
              async def post(self, db, text):
                  from app.services.chat import chat_service
                  return await chat_service.send(db, text)
        `,
      },
      path: 'app/api/chat.py',
      errors: ['4:16'],
      message: '`chat_service.send(…)` is awaited but `ChatService.send` is a plain `def`',
      output: py`
        class Room:
            async def post(self, db, text):
                from app.services.chat import chat_service
                return chat_service.send(db, text)
      `,
    },
    {
      name: 'through `import a.b.c` and a relative import inside functions, and in a function nested in the importing one',
      files: {
        'app/services/chat.py': chatService,
        'app/api/chat.py': py`
          async def by_module(db):
              import app.services.chat
              return await app.services.chat.chat_service.send(db, "x")

          async def by_relative(db):
              from ..services.chat import chat_service as chat
              async def inner():
                  return await chat.send(db, "y")
              return await inner()
        `,
      },
      path: 'app/api/chat.py',
      errors: ['3:12', '8:16'],
    },
    {
      name: 'awaiting a sync service imported through a package star re-export (corpus: clinic-api)',
      files: {
        'app/services/user.py': syncService,
        'app/services/async_user.py': asyncService,
        'app/services/__init__.py': 'from .user import *\nfrom .async_user import *\n',
        'app/api/users.py': py`
          from app import services

          async def my_endpoint(db, id):
              return {"user": await services.user_service.get_user(db, id)}
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:21'],
      message: "can't be used in 'await' expression",
    },
    {
      name: 'seed error 1: awaiting the sync service switches to the async twin',
      files: {
        'app/services/user.py': syncService,
        'app/services/async_user.py': asyncService,
        'app/api/users.py': py`
          from app.services.user import user_service  # sync

          async def my_endpoint(db, id):
              user = await user_service.get_user(db, id)
              return user
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:12'],
      message: "can't be used in 'await' expression",
      output: py`
        from app.services.async_user import async_user_service  # sync

        async def my_endpoint(db, id):
            user = await async_user_service.get_user(db, id)
            return user
      `,
    },
    {
      name: 'no twin method: remove the await',
      files: {
        'app/services/user.py': syncService,
        'app/services/async_user.py': asyncService,
        'app/api/users.py': py`
          from app.services.user import user_service

          async def listing(db):
              users = await (user_service.list_users(db))
              return users
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:13'],
      output: py`
        from app.services.user import user_service

        async def listing(db):
            users = (user_service.list_users(db))
            return users
      `,
    },
    {
      name: 'relative import keeps its style; the sync import stays while other code uses it',
      files: {
        'app/__init__.py': '',
        'app/services/__init__.py': '',
        'app/services/user.py': syncService,
        'app/services/async_user.py': asyncService,
        'app/api/__init__.py': '',
        'app/api/users.py': py`
          from ..services.user import user_service

          async def one(db):
              return await user_service.get_user(db, 1)

          def legacy(db):
              return user_service.get_user(db, 2)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:12'],
      output: py`
        from ..services.user import user_service
        from ..services.async_user import async_user_service

        async def one(db):
            return await async_user_service.get_user(db, 1)

        def legacy(db):
            return user_service.get_user(db, 2)
      `,
    },
    {
      name: 'a package __init__ re-exporting both twins: the twin is imported from the package too',
      files: {
        'app/__init__.py': '',
        'app/services/__init__.py': 'from .user import user_service\nfrom .async_user import async_user_service\n',
        'app/services/user.py': syncService,
        'app/services/async_user.py': asyncService,
        'app/api/users.py': py`
          from app.services import user_service

          async def one(db):
              return await user_service.get_user(db, 1)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:12'],
      output: py`
        from app.services import async_user_service

        async def one(db):
            return await async_user_service.get_user(db, 1)
      `,
    },
    {
      name: 'module-level sync functions (plain and twin-named)',
      files: {
        'app/core/security.py': py`
          def decode_token(token: str) -> dict:
              return {"sub": token}
        `,
        'app/crud/user.py': 'def get_user(db, user_id):\n    return None\n',
        'app/crud/async_user.py': 'async def get_user(db, user_id):\n    return None\n',
        'app/api/auth.py': py`
          from app.core.security import decode_token
          from app.crud.user import get_user

          async def refresh(token, db):
              payload = await decode_token(token)
              return await get_user(db, payload["sub"])
        `,
      },
      path: 'app/api/auth.py',
      errors: ['5:15', '6:12'],
      output: py`
        from app.core.security import decode_token
        from app.crud.async_user import get_user

        async def refresh(token, db):
            payload = decode_token(token)
            return await get_user(db, payload["sub"])
      `,
    },
    {
      name: 'await on a sync self method and a local instance',
      code: py`
        class Repo:
            def fetch(self, key):
                return key

            async def handler(self):
                return await self.fetch(1)

        async def use():
            repo = Repo()
            return await repo.fetch(2) ** 2
      `,
      errors: ['6:16', '10:12'],
      output: py`
        class Repo:
            def fetch(self, key):
                return key

            async def handler(self):
                return self.fetch(1)

        async def use():
            repo = Repo()
            return repo.fetch(2) ** 2
      `,
    },
    {
      name: 'awaiting a sync generator: reported without a fix',
      code: py`
        def rows():
            yield 1

        async def use():
            return await rows()
      `,
      errors: ['5:12'],
      message: 'sync generator',
    },
  ],
});

describe('AM202 details', () => {
  it('points at the sync definition and at the async twin', async () => {
    const findings = await analyze(
      {
        'app/services/user.py': syncService,
        'app/services/async_user.py': asyncService,
        'app/api/users.py': 'from app.services.user import user_service\n\nasync def f(db):\n    return await user_service.get_user(db, 1)\n',
      },
      { select: ['AM202'], only: 'app/api/users.py' },
    );
    assert.strictEqual(findings.length, 1);
    assert.deepStrictEqual(
      findings[0].related?.map((r) => `${r.path}:${r.range.start.line + 1}:${r.range.start.character + 1}`),
      ['app/services/user.py:2:9', 'app/services/async_user.py:2:15'],
    );
    assert.strictEqual(findings[0].fix?.applicability, 'safe');
  });
});
