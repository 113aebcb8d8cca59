import * as assert from 'assert';
import { editDistance } from '../../../server/src/analysis/rules/nonexistent-service-member';
import { analyze, py, ruleTester } from '../helpers';

const asyncService = py`
  class AsyncUserService:
      async def get_user(self, db, user_id):
          return None

      async def get_user_by_email(self, db, email):
          return None


  async_user_service = AsyncUserService()
`;
const syncService = py`
  class UserService:
      def get_user(self, db, user_id):
          return None

      def get_user_stats(self, db, user_id):
          return None


  user_service = UserService()
`;
const services = { 'app/services/async_user.py': asyncService, 'app/services/user.py': syncService };

/** A generic base repository and a subclass through a subscripted base (the usual typed-repository layout). */
const repositories = {
  'app/repositories/base.py': py`
    from typing import Generic, TypeVar

    ModelT = TypeVar("ModelT")
    CreateT = TypeVar("CreateT")
    UpdateT = TypeVar("UpdateT")


    class AsyncBaseRepository(Generic[ModelT, CreateT, UpdateT]):
        async def get(self, db, id):
            return None

        async def create(self, db, obj_in):
            return None
  `,
  'app/repositories/user.py': py`
    from app.models import User
    from app.repositories.base import AsyncBaseRepository
    from app.schemas import UserCreate, UserUpdate


    class UserRepository(AsyncBaseRepository[User, UserCreate, UserUpdate]):
        async def by_email(self, db, email):
            return None


    user_repository = UserRepository()
  `,
  'app/models.py': 'class User:\n    pass\n',
  'app/schemas.py': 'class UserCreate:\n    pass\n\n\nclass UserUpdate:\n    pass\n',
};

/** Functions returning containers of a workspace class, and the class itself wrapped in Optional / a string / Annotated. */
const loadTests = py`
  from typing import Annotated, Dict, List, Optional, Sequence


  class LoadTestResult:
      def summary(self):
          return ""


  def run_all() -> Dict[str, LoadTestResult]:
      return {}

  def by_task() -> dict[str, list[LoadTestResult]]:
      return {}

  def as_list() -> List[LoadTestResult]:
      return []

  def as_sequence() -> Sequence[LoadTestResult]:
      return []

  def as_tuple() -> tuple[LoadTestResult, int]:
      return (LoadTestResult(), 1)

  def maybe() -> Optional[LoadTestResult]:
      return None

  def maybe_pipe() -> LoadTestResult | None:
      return None

  def quoted() -> "LoadTestResult":
      return LoadTestResult()

  def annotated() -> Annotated[LoadTestResult, "meta"]:
      return LoadTestResult()
`;

/** A factory declared to return the base class; one subclass has an extra method. */
const llmClients = py`
  from typing import Optional


  class LLMClientBase:
      def send(self, messages):
          return None


  class AnthropicClient(LLMClientBase):
      async def count_tokens(self, model, messages):
          return 0


  class LLMClient:
      @staticmethod
      def create(provider: str) -> Optional[LLMClientBase]:
          return AnthropicClient() if provider == "anthropic" else None
`;

ruleTester('AM204', {
  valid: [
    {
      name: 'an attribute assigned something that is not a workspace class stays unknown',
      files: {
        'app/__init__.py': '',
        'app/svc.py': 'import httpx\n\n\nclass OrderService:\n    def __init__(self):\n        self.client = httpx.AsyncClient()\n\n\norder_service = OrderService()\n',
        'app/api.py': 'from app.svc import order_service\n\n\nasync def f():\n    return await order_service.client.get_async("x")\n',
      },
      path: 'app/api.py',
    },
    {
      name: 'a value declared as a base class (a factory) may be a subclass that defines the member (real-code false positive)',
      files: {
        'app/llm.py': llmClients,
        'app/agent.py': py`
          from app.llm import LLMClient

          async def count(model, messages):
              client = LLMClient.create("anthropic")
              return await client.count_tokens(model=model, messages=messages)
        `,
      },
      path: 'app/agent.py',
    },
    {
      name: 'PEP 695 `type X[T] = …` and `type X = …` aliases are definitions (importing them raises nothing)',
      files: {
        'app/kit/sorting.py': py`
          from enum import StrEnum

          type Sorting[PE: StrEnum] = tuple[PE, bool]
          type SortingList = list[Sorting]

          if True:
              type Nested = int
        `,
        'app/kit/pagination.py': 'type Alias[T = int] = list[T]\n',
        'app/api/items.py': py`
          from app.kit.sorting import Nested, Sorting, SortingList
          from app.kit.pagination import Alias
        `,
      },
      path: 'app/api/items.py',
    },
    {
      name: 'PEP 695 generic classes and functions; members inherited through a subscripted generic base (across files)',
      files: {
        ...repositories,
        'app/kit/repo.py': py`
          class Repo[T]:
              def get(self, id: int) -> T | None:
                  return None

          def first[T](items: list[T]) -> T:
              return items[0]

          repo = Repo()
        `,
        'app/api/users.py': py`
          from app.kit import repo as repo_module
          from app.kit.repo import first, repo
          from app.repositories.user import user_repository

          async def read(db, id, email):
              repo.get(id)
              repo_module.first([1])
              await user_repository.by_email(db, email)
              await user_repository.create(db, {})
              return await user_repository.get(db, id)
        `,
      },
      path: 'app/api/users.py',
    },
    {
      name: 'a container of a class is not the class: dict/list/tuple/Sequence methods are not reported (real-code false positive)',
      files: {
        'app/load.py': loadTests,
        'app/report.py': py`
          from app.load import as_list, as_sequence, as_tuple, by_task, run_all

          def report():
              results = run_all()
              for name, result in results.items():
                  print(name, result)
              grouped = by_task()
              grouped.values()
              items = as_list()
              items.append(None)
              seq = as_sequence()
              seq.index(None)
              pair = as_tuple()
              pair.count(1)
              return list(results.values())
        `,
      },
      path: 'app/report.py',
    },
    {
      name: 'existing members, inherited members, class attributes and self-assigned attributes',
      files: {
        ...services,
        'app/services/base.py': py`
          class Base:
              def ping(self):
                  return 1
        `,
        'app/services/other.py': py`
          from app.services.base import Base

          class Other(Base):
              handler = print
              def __init__(self):
                  self.callback = print
              def run(self):
                  return 1

          other = Other()
          other.ping()
          other.handler()
          other.callback()
          other.run()
        `,
      },
      path: 'app/services/other.py',
    },
    {
      name: 'unknown bases, __getattr__, metaclass, decorators: stay silent',
      code: py`
        from pydantic import BaseModel
        from mylib import register

        class Model(BaseModel):
            pass

        class Dyn:
            def __getattr__(self, name):
                return lambda: name

        class Meta(type):
            pass

        class WithMeta(metaclass=Meta):
            pass

        @register
        class Registered:
            pass

        Model().anything()
        Dyn().anything()
        WithMeta().anything()
        Registered().anything()
      `,
    },
    {
      name: 'self calls (may come from subclasses or mixins) and parameters are not checked',
      code: py`
        class Mixin:
            def run(self):
                return self.provided_by_subclass()

        def use(svc: Mixin):
            return svc.whatever()
      `,
    },
    {
      name: 'importing existing names, submodules, re-exports; modules with star imports',
      files: {
        ...services,
        'app/services/__init__.py': 'from .user import *\n',
        'app/api/users.py': py`
          from app.services.async_user import async_user_service, AsyncUserService
          from app.services import user, async_user, user_service
          from app.services.user import UserService
        `,
      },
      path: 'app/api/users.py',
    },
    {
      name: 'a name a star import does not export (`__all__`) is not resolved through it',
      files: {
        'app/services/async_user.py': '__all__ = ["AsyncUserService"]\n' + asyncService,
        'app/services/__init__.py': 'from .async_user import *\n',
        'app/api/users.py': py`
          from app.services import async_user_service

          async def read_user(db, user_id):
              return await async_user_service.get_user_async(db, user_id)
        `,
      },
      path: 'app/api/users.py',
    },
  ],
  invalid: [
    {
      name: 'through an instance created in __init__ of a module-level service in another file (`order_service.repo.get_async`)',
      files: {
        'app/__init__.py': '',
        'app/repo.py': 'class OrderRepository:\n    async def get(self, db, id):\n        ...\n',
        'app/svc.py': 'from app.repo import OrderRepository\n\n\nclass OrderService:\n    def __init__(self):\n        self.repo = OrderRepository()\n\n\norder_service = OrderService()\n',
        'app/api.py': 'from app.svc import order_service\n\n\nasync def f(db):\n    return await order_service.repo.get_async(db, 1)\n',
      },
      path: 'app/api.py',
      errors: ['5:37'],
      message: '`order_service.repo` (an instance of `OrderRepository`) has no member `get_async`',
    },
    {
      name: 'near miss of the factory: a member neither the declared class nor any subclass defines',
      files: {
        'app/llm.py': llmClients,
        'app/agent.py': py`
          from app.llm import LLMClient

          async def count(model, messages):
              client = LLMClient.create("anthropic")
              return await client.count_token(model=model, messages=messages)
        `,
      },
      path: 'app/agent.py',
      errors: ['5:25'],
      message: '`client` (an instance of `LLMClientBase`) has no member `count_token`',
    },
    {
      name: 'near miss of the PEP 695 alias: a name the module does not define',
      files: {
        'app/kit/sorting.py': 'type Sorting[PE] = tuple[PE, bool]\n',
        'app/api/items.py': 'from app.kit.sorting import Sortng\n',
      },
      path: 'app/api/items.py',
      errors: ['1:29'],
      message: 'does not define `Sortng`: this import raises `ImportError`; did you mean `Sorting`?',
    },
    {
      name: 'a missing member reached through a function-local import; the same call where the name is not imported stays silent',
      files: {
        ...services,
        'app/api/users.py': py`
          async def read(db, user_id):
              from app.services.async_user import async_user_service
              return await async_user_service.get_user_async(db, user_id)

          async def elsewhere(db, user_id, async_user_service):
              return await async_user_service.get_user_async(db, user_id)
        `,
      },
      path: 'app/api/users.py',
      errors: ['3:37'],
      message: 'has no member `get_user_async`: this call raises `AttributeError`; did you mean `get_user`?',
    },
    {
      name: 'near miss of the subscripted base: a member neither the subclass nor its generic base defines',
      files: {
        ...repositories,
        'app/api/users.py': py`
          from app.repositories.user import user_repository

          async def read(db, id):
              return await user_repository.gett(db, id)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:34'],
      message: '`user_repository` (an instance of `UserRepository`) has no member `gett`',
    },
    {
      name: 'Optional[X], X | None, "X" and Annotated[X, …] are X: a missing member is reported',
      files: {
        'app/load.py': loadTests,
        'app/report.py': py`
          from app.load import annotated, maybe, maybe_pipe, quoted

          def report():
              a = maybe()
              a.summry()
              b = maybe_pipe()
              b.summary()
              c = quoted()
              c.totals()
              d = annotated()
              return d.summary()
        `,
      },
      path: 'app/report.py',
      errors: ['5:7', '9:7'],
      message: 'has no member `summry`',
    },
    {
      name: 'a missing member on an instance re-exported by a package star import (corpus: clinic-api)',
      files: {
        ...services,
        'app/services/__init__.py': 'from .user import *\nfrom .async_user import *\n',
        'app/api/login.py': py`
          from app.services import async_user_service as users

          async def login(db, form):
              account = await users.get_user_by_mail(db, form.email)
              return account is not None
        `,
      },
      path: 'app/api/login.py',
      errors: ['4:27'],
      message: 'did you mean `get_user_by_email`?',
    },
    {
      name: 'a twin-named method that does not exist (get_user_async → get_user, safe)',
      files: {
        ...services,
        'app/api/users.py': py`
          from app.services.async_user import async_user_service

          async def read_user(db, user_id):
              return await async_user_service.get_user_async(db, user_id)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:37'],
      message: 'did you mean `get_user`?',
      output: py`
        from app.services.async_user import async_user_service

        async def read_user(db, user_id):
            return await async_user_service.get_user(db, user_id)
      `,
    },
    {
      name: 'a misspelt import: renamed with its uses (edit distance: unsafe)',
      files: {
        ...services,
        'app/api/users.py': py`
          from app.services.async_user import async_user_serviec

          async def read_user(db, user_id):
              return await async_user_serviec.get_user(db, user_id)
        `,
      },
      path: 'app/api/users.py',
      errors: ['1:37'],
      unsafe: true,
      output: py`
        from app.services.async_user import async_user_service

        async def read_user(db, user_id):
            return await async_user_service.get_user(db, user_id)
      `,
    },
    {
      name: 'the unsafe rename is not applied by a safe fix-all',
      files: {
        ...services,
        'app/api/users.py': 'from app.services.async_user import async_user_serviec as svc\n',
      },
      path: 'app/api/users.py',
      errors: ['1:37'],
      output: 'from app.services.async_user import async_user_serviec as svc\n',
    },
    {
      name: 'importing the sync name from the async module: the twin name (safe), alias kept',
      files: {
        ...services,
        'app/api/users.py': py`
          from app.services.async_user import user_service as svc

          async def read_user(db, user_id):
              return await svc.get_user(db, user_id)
        `,
      },
      path: 'app/api/users.py',
      errors: ['1:37'],
      output: py`
        from app.services.async_user import async_user_service as svc

        async def read_user(db, user_id):
            return await svc.get_user(db, user_id)
      `,
    },
    {
      name: 'a method only the sync twin has: no rename, the message says why',
      files: {
        ...services,
        'app/api/users.py': py`
          from app.services.async_user import async_user_service

          async def stats(db, user_id):
              return await async_user_service.get_user_stats(db, user_id)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:37'],
      message: 'exists only in the sync twin',
    },
    {
      name: 'module attribute calls, local instances, relative imports',
      files: {
        'app/__init__.py': '',
        'app/services/__init__.py': '',
        ...services,
        'app/api/__init__.py': '',
        'app/api/users.py': py`
          from ..services import async_user
          from ..services.async_user import AsyncUserService, get_users

          async def read(db):
              svc = AsyncUserService()
              await svc.fetch_user(db, 1)
              return await async_user.get_usr(db, 1)
        `,
      },
      path: 'app/api/users.py',
      errors: ['2:53', '6:15', '7:29'],
    },
  ],
});

describe('AM204 details', () => {
  it('edit distance counts transpositions as one edit', () => {
    assert.strictEqual(editDistance('serviec', 'service'), 1);
    assert.strictEqual(editDistance('get_usr', 'get_user'), 1);
    assert.strictEqual(editDistance('abc', 'xyz'), 3);
  });

  it('relates the finding to the class definition', async () => {
    const findings = await analyze(
      { ...services, 'app/api/users.py': 'from app.services.async_user import async_user_service\nasync_user_service.nope()\n' },
      { select: ['AM204'], only: 'app/api/users.py' },
    );
    assert.deepStrictEqual(findings.map((f) => f.related?.map((r) => `${r.path}:${r.range.start.line + 1}`)), [['app/services/async_user.py:1']]);
  });
});

// Issue 10 §1: the rename must pick a member whose async-ness and parameters fit the call.
// A class with a plain `def get_stats(self, db: Session)` and async methods of the same stem.
const MIXED_SERVICE = py`
  from sqlalchemy.orm import Session
  from sqlalchemy.ext.asyncio import AsyncSession

  class StatsService:
      def get_stats(self, db: Session, user_id: int):
          return None

      async def get_stats_for_gym(self, db: AsyncSession, gym_id: int):
          return None

      async def aget_stat(self, db: AsyncSession, user_id: int, period: str):
          return None

  stats_service = StatsService()
`;

function endpoint(body: string): Record<string, string> {
  return { 'app/services/stats.py': MIXED_SERVICE, 'app/api/stats.py': `from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.services.stats import stats_service\n\n${body}` };
}

ruleTester('AM204', {
  valid: [],
  invalid: [
    {
      name: 'awaited `get_stats_async(db, …)` is not renamed to the plain `def get_stats` (it would await a sync result)',
      files: endpoint(py`
        async def read(db: AsyncSession, user_id: int):
            return await stats_service.get_stats_async(db, user_id)
      `),
      path: 'app/api/stats.py',
      errors: ['5:32'],
      message: '`get_stats` exists but does not fit this call (the call is awaited but `get_stats` is a plain `def`',
      output: `from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.services.stats import stats_service\n\n${py`
        async def read(db: AsyncSession, user_id: int):
            return await stats_service.get_stats_async(db, user_id)
      `}`,
    },
    {
      name: 'an async member whose parameters do not bind is not a rename target either',
      files: endpoint(py`
        async def read(db: AsyncSession, user_id: int):
            return await stats_service.aget_stats(db, user_id)
      `),
      path: 'app/api/stats.py',
      errors: ['5:32'],
      output: `from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.services.stats import stats_service\n\n${py`
        async def read(db: AsyncSession, user_id: int):
            return await stats_service.aget_stats(db, user_id)
      `}`,
    },
    {
      name: 'near miss: the async member fits (awaited, binds) and is the rename',
      files: endpoint(py`
        async def read(db: AsyncSession, user_id: int):
            return await stats_service.aget_stats(db, user_id, period="week")
      `),
      path: 'app/api/stats.py',
      errors: ['5:32'],
      unsafe: true,
      output: `from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.services.stats import stats_service\n\n${py`
        async def read(db: AsyncSession, user_id: int):
            return await stats_service.aget_stat(db, user_id, period="week")
      `}`,
    },
    {
      name: 'near miss: an unawaited sync call is renamed to the plain `def` twin name',
      files: endpoint(py`
        def read(db, user_id: int):
            return stats_service.get_stats_async(db, user_id)
      `),
      path: 'app/api/stats.py',
      errors: ['5:26'],
      output: `from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.services.stats import stats_service\n\n${py`
        def read(db, user_id: int):
            return stats_service.get_stats(db, user_id)
      `}`,
    },
  ],
});
