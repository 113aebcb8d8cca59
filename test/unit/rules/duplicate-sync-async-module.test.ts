import * as assert from 'assert';
import { analyze, py, ruleTester } from '../helpers';

const syncUser = py`
  """Sync user service (legacy)."""
  class UserService:
      def get_user(self, db, user_id):
          return None

  user_service = UserService()
`;
const asyncUser = py`
  class AsyncUserService:
      async def get_user(self, db, user_id):
          return None

  async_user_service = AsyncUserService()
`;

ruleTester('AM701', {
  valid: [
    {
      name: 'a module without a twin',
      files: { 'app/services/gym.py': 'def f():\n    return 1\n', 'app/services/async_user.py': asyncUser },
      path: 'app/services/gym.py',
    },
    {
      name: 'the async twin itself is not reported',
      files: { 'app/services/user.py': syncUser, 'app/services/async_user.py': asyncUser },
      path: 'app/services/async_user.py',
    },
    {
      name: 'same-package modules named like twins that share no API are not twins (corpus: legacy-crm utils.py / async_utils.py)',
      files: {
        'crm/utils.py': py`
          import logging
          from typing import TypeVar

          T = TypeVar("T")
          log = logging.getLogger(__name__)

          def slugify(value: str) -> str:
              return value.lower()

          def chunked(items, size):
              return [items[i : i + size] for i in range(0, len(items), size)]
        `,
        'crm/async_utils.py': py`
          import asyncio
          import logging
          from typing import TypeVar

          T = TypeVar("T")
          log = logging.getLogger(__name__)

          def run_in_thread(fn):
              async def wrapper(*args):
                  return await asyncio.to_thread(fn, *args)
              return wrapper

          async def gather_limited(limit, coros):
              return await asyncio.gather(*coros)
        `,
        'crm/api.py': 'from crm.utils import slugify\n',
      },
      path: 'crm/utils.py',
    },
    {
      name: 'a twin in another package does not pair',
      files: { 'app/services/user.py': syncUser, 'app/repositories/async_user.py': asyncUser },
      path: 'app/services/user.py',
    },
  ],
  invalid: [
    {
      name: 'a package star re-export is an importer: not "safe to delete" (corpus: clinic-api)',
      files: {
        'app/services/user.py': syncUser,
        'app/services/async_user.py': asyncUser,
        'app/services/__init__.py': 'from .user import *\nfrom .async_user import *\n',
        'app/api/users.py': 'from app.services import user_service\n',
      },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: '1 module still imports it: app/services/__init__.py',
    },
    {
      name: 'still imported: lists the importers',
      files: {
        'app/services/user.py': syncUser,
        'app/services/async_user.py': asyncUser,
        'app/api/users.py': 'from app.services.user import user_service\n',
        'app/api/context.py': 'from app.services import user\n',
        'app/api/me.py': 'from app.services.async_user import async_user_service\n',
      },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: 'app/services/user.py has an async twin app/services/async_user.py; 2 modules still import it: app/api/context.py, app/api/users.py',
    },
    {
      name: 'one importer (singular), {name}_async pattern, no docstring',
      files: {
        'app/repositories/gym.py': 'def get_gym(db, gym_id):\n    return None\n',
        'app/repositories/gym_async.py': 'async def get_gym(db, gym_id):\n    return None\n',
        'app/api/gyms.py': 'import app.repositories.gym\n',
      },
      path: 'app/repositories/gym.py',
      errors: ['1:1'],
      message: '1 module still imports it: app/api/gyms.py',
    },
    {
      name: 'an import inside a function body is an importer: not "safe to delete" (the common way around circular imports)',
      files: {
        'app/services/user.py': syncUser,
        'app/services/async_user.py': asyncUser,
        'app/api/users.py': py`
          from app.services.async_user import async_user_service

          class Notifier:
              def send(self, user_id):
                  from app.services.user import user_service
                  return user_service.get_user(None, user_id)
        `,
      },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: '1 module still imports it: app/api/users.py (inside a function)',
    },
    {
      name: 'try/except ImportError and relative imports at any depth are importers',
      files: {
        'app/services/user.py': syncUser,
        'app/services/async_user.py': asyncUser,
        'app/services/reports.py': py`
          def build():
              try:
                  from .user import user_service
              except ImportError:
                  user_service = None
              return user_service
        `,
      },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: '1 module still imports it: app/services/reports.py (inside a function)',
    },
    {
      name: 'imported only under TYPE_CHECKING: says so, not safe to delete',
      files: {
        'app/services/user.py': syncUser,
        'app/services/async_user.py': asyncUser,
        'app/api/users.py': py`
          from typing import TYPE_CHECKING

          if TYPE_CHECKING:
              from app.services.user import UserService
          else:
              UserService = object

          def describe(service: "UserService") -> str:
              return "user"
        `,
      },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: 'no module imports it at run time, but it is imported only under TYPE_CHECKING by app/api/users.py',
    },
    {
      name: 'the else branch of `if TYPE_CHECKING:` runs: a run-time importer',
      files: {
        'app/services/user.py': syncUser,
        'app/services/async_user.py': asyncUser,
        'app/api/users.py': py`
          import typing

          if typing.TYPE_CHECKING:
              pass
          else:
              from app.services.user import user_service
        `,
      },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: '1 module still imports it: app/api/users.py',
    },
    {
      name: 'named in importlib.import_module("…"): check before deleting',
      files: {
        'app/services/user.py': syncUser,
        'app/services/async_user.py': asyncUser,
        'app/plugins.py': py`
          import importlib

          def load():
              return importlib.import_module("app.services.user")
        `,
      },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: 'no module imports it at run time, but it is named as a string in app/plugins.py: check before deleting',
    },
    {
      name: 'a relative import_module(".user", "app.services") and a "module:attr" string (uvicorn / celery style) are string importers',
      files: {
        'app/services/user.py': syncUser,
        'app/services/async_user.py': asyncUser,
        'app/loader.py': 'from importlib import import_module\n\nmod = import_module(".user", package="app.services")\n',
        'app/celery_app.py': 'TASKS = {"sync-users": {"task": "app.services.user:user_service"}}\n',
      },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: 'named as a string in app/celery_app.py, app/loader.py: check before deleting',
    },
    {
      name: 'import_module(f"app.services.{name}") may load any module of the package',
      files: {
        'app/services/user.py': syncUser,
        'app/services/async_user.py': asyncUser,
        'app/registry.py': 'import importlib\n\ndef service(name):\n    return importlib.import_module(f"app.services.{name}")\n',
      },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: 'named as a string in app/registry.py: check before deleting',
    },
    {
      name: 'a run-time importer plus a TYPE_CHECKING-only one: both said',
      files: {
        'app/services/user.py': syncUser,
        'app/services/async_user.py': asyncUser,
        'app/api/a.py': 'from app.services.user import user_service\n',
        'app/api/b.py': 'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.services import user\n',
      },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: '1 module still imports it: app/api/a.py; also imported only under TYPE_CHECKING by app/api/b.py',
    },
    {
      name: 'near miss: strings and imports naming other modules do not count — safe to delete',
      files: {
        'app/services/user.py': syncUser,
        'app/services/async_user.py': asyncUser,
        'app/api/users.py': py`
          import importlib

          def load():
              from app.services.async_user import async_user_service
              importlib.import_module("app.services.async_user")
              return "app.services.user_helpers", "app.services", "user", async_user_service
        `,
      },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: 'no module imports it anymore: safe to delete',
    },
    {
      name: 'no importers left: safe to delete',
      files: {
        'app/services/user.py': syncUser,
        'app/services/async_user.py': asyncUser,
        'app/api/users.py': 'from app.services.async_user import async_user_service\n',
      },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: 'no module imports it anymore: safe to delete',
    },
    {
      name: 'configured twin pattern',
      config: { twins: { 'module-patterns': ['{name}_aio'] } },
      files: { 'app/services/user.py': syncUser, 'app/services/user_aio.py': asyncUser },
      path: 'app/services/user.py',
      errors: ['1:1'],
      message: 'has an async twin app/services/user_aio.py',
    },
  ],
});

describe('AM701 details', () => {
  it('points at the twin in related[0], tags a deletable module unnecessary, and spans the docstring', async () => {
    const files = {
      'app/services/user.py': syncUser,
      'app/services/async_user.py': asyncUser,
    };
    const [finding] = (await analyze(files, { select: ['AM701'] })).filter((f) => f.code === 'AM701');
    assert.strictEqual(finding.path, 'app/services/user.py');
    assert.strictEqual(finding.severity, 'info');
    assert.strictEqual(finding.related?.[0].path, 'app/services/async_user.py');
    assert.deepStrictEqual(finding.tags, ['unnecessary']);
    assert.strictEqual(files['app/services/user.py'].slice(finding.start, finding.end), '"""Sync user service (legacy)."""');
    assert.strictEqual(finding.fix, undefined);
  });

  it('a module still imported is not tagged unnecessary; the range is the first line', async () => {
    const files = {
      'app/services/user.py': 'import logging\n\nlogger = logging.getLogger(__name__)\n\n\nclass UserService:\n    pass\n',
      'app/services/async_user.py': asyncUser,
      'app/services/async_user_helpers.py': 'from app.services.user import logger\n',
    };
    const [finding] = (await analyze(files, { select: ['AM701'] })).filter((f) => f.code === 'AM701');
    assert.strictEqual(finding.tags, undefined);
    assert.strictEqual(files['app/services/user.py'].slice(finding.start, finding.end), 'import logging');
    assert.match(finding.message, /1 module still imports it: app\/services\/async_user_helpers\.py/);
  });

  it('caps the importer list', async () => {
    const files: Record<string, string> = { 'app/services/user.py': syncUser, 'app/services/async_user.py': asyncUser };
    for (let i = 0; i < 7; i++) files[`app/api/e${i}.py`] = 'from app.services.user import user_service\n';
    const [finding] = (await analyze(files, { select: ['AM701'] })).filter((f) => f.code === 'AM701');
    assert.match(finding.message, /7 modules still import it: app\/api\/e0\.py, app\/api\/e1\.py, app\/api\/e2\.py, app\/api\/e3\.py, app\/api\/e4\.py, and 2 more$/);
  });
});
