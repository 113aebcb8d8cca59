// AM203's evidence beyond module/instance twins (issue: "catch the bugs real migrations ship"):
// (a) an AsyncSession handed to a sync function whose parameter is a sync Session, twin or not;
// (b) method-level twins in the same class; (c) a sync service class built with an AsyncSession.
import { py, ruleTester } from '../helpers';

const USER_SERVICE = py`
  from sqlalchemy.orm import Session

  from app.models import User


  class UserService:
      def get_user_by_email(self, db: Session, email: str):
          return db.query(User).filter(User.email == email).first()

      def count_active(self, db, gym_id):
          return db.query(User).filter(User.gym_id == gym_id).count()

      def label(self, name: str):
          return name.title()

      def get_user(self, db, user_id):
          return db.query(User).get(user_id)

      async def get_user_async(self, db, user_id):
          return await db.get(User, user_id)

      async def update_user(self, db, user_id):
          user = self.get_user(db, user_id)
          return user

      async def fetch(self, db, user_id):
          return self.get_user(db, user_id=user_id)


  user_service = UserService()


  class ReportService:
      def __init__(self, db: Session):
          self.db = db


  class Pure:
      def __init__(self, session):
          self.session = session
`;

const HEAD = 'from fastapi import Depends\nfrom sqlalchemy.ext.asyncio import AsyncSession\nfrom sqlalchemy.orm import Session\n\nfrom app.db import get_async_db, get_db\nfrom app.services.user import Pure, ReportService, user_service\n\n\n';
const files = (body: string) => ({
  'app/__init__.py': '',
  'app/models.py': 'class User:\n    pass\n',
  'app/db.py': 'from sqlalchemy.ext.asyncio import AsyncSession\nfrom sqlalchemy.orm import Session\n\n\ndef get_db() -> Session:\n    ...\n\n\nasync def get_async_db() -> AsyncSession:\n    ...\n',
  'app/services/__init__.py': '',
  'app/services/user.py': USER_SERVICE,
  'app/api/users.py': HEAD + body,
});
const PATH = 'app/api/users.py';

ruleTester('AM203', {
  valid: [
    { name: 'a sync helper called with a sync session', files: files('def read(db: Session = Depends(get_db)):\n    return user_service.get_user_by_email(db, "a@b.c")\n'), path: PATH },
    { name: 'a sync session in async code is AM103\'s, not this', files: files('async def read(db: Session = Depends(get_db)):\n    return user_service.count_active(db, 1)\n'), path: PATH },
    { name: 'a sync function that does not take the session', files: files('async def read(name: str, db: AsyncSession = Depends(get_async_db)):\n    return user_service.label(name)\n'), path: PATH },
    { name: 'awaited: AM202 reports it (await on a plain def)', files: files('async def read(db: AsyncSession = Depends(get_async_db)):\n    return await user_service.get_user_by_email(db, "a@b.c")\n'), path: PATH },
    {
      name: 'a sync helper annotated `Session` that only reads attributes works on an AsyncSession too',
      files: { ...files('async def read(db: AsyncSession = Depends(get_async_db)):\n    return is_postgres(db)\n'), 'app/api/users.py': HEAD.replace('from app.services.user', 'from app.util import is_postgres\nfrom app.services.user') + 'async def read(db: AsyncSession = Depends(get_async_db)):\n    return is_postgres(db)\n', 'app/util.py': 'from sqlalchemy.orm import Session\n\n\ndef is_postgres(session: Session) -> bool:\n    return session.bind.dialect.name == "postgresql"\n' },
      path: PATH,
    },
    {
      name: 'a parameter annotated AsyncSession | Session',
      files: { ...files(''), 'app/api/users.py': HEAD.replace('from app.services.user', 'from app.util import queue_of\nfrom app.services.user') + 'async def read(db: AsyncSession = Depends(get_async_db)):\n    return queue_of(db)\n', 'app/util.py': 'from sqlalchemy.ext.asyncio import AsyncSession\nfrom sqlalchemy.orm import Session\n\n\ndef queue_of(session: AsyncSession | Session):\n    return session.execute(1)\n' },
      path: PATH,
    },
    {
      name: 'inside the async twin, calling its sync original is its implementation',
      code: 'class P:\n    def models(self):\n        return []\n\n    async def models_async(self):\n        return self.models()\n',
    },
    {
      name: 'a subclass overrides the sync method; the base\'s async twin is not its twin',
      code: 'class Base:\n    def window(self, name):\n        return 1\n\n    async def window_async(self, name):\n        return 1\n\n\nclass Ollama(Base):\n    def window(self, name):\n        return len(name)\n\n    async def models(self):\n        return self.window("x")\n',
    },
    { name: 'a class whose __init__ takes an unannotated, unused-as-sync session', files: files('async def read(db: AsyncSession = Depends(get_async_db)):\n    return Pure(db)\n'), path: PATH },
    {
      name: 'a method twin that exists but with another signature: reported elsewhere, no switch here',
      files: {
        'app/__init__.py': '',
        'app/svc.py': 'class S:\n    def get(self, db, id):\n        return db.query(1)\n\n    async def get_async(self, db, *, key):\n        ...\n\n    async def run(self, db):\n        await self.get_async(db, key=1)\n',
      },
      path: 'app/svc.py',
    },
  ],
  invalid: [
    {
      name: '(a) AsyncSession into `db: Session`, no twin needed',
      files: files('async def update_profile(db: AsyncSession = Depends(get_async_db)):\n    user = user_service.get_user_by_email(db, email="a@b.c")\n    return user\n'),
      path: PATH,
      errors: ['10:12'],
      message: 'hands the AsyncSession `db` to the sync `UserService.get_user_by_email`, whose `db` is annotated `Session` and used as a sync session',
    },
    {
      name: '(a) AsyncSession into a parameter used as a sync session (db.query)',
      files: files('async def count(db: AsyncSession = Depends(get_async_db)):\n    return user_service.count_active(db, 1)\n'),
      path: PATH,
      errors: ['10:12'],
      message: 'whose `db` is used as a sync session',
    },
    {
      name: '(c) a sync service class built with an AsyncSession',
      files: files('async def report(db: AsyncSession = Depends(get_async_db)):\n    return ReportService(db)\n'),
      path: PATH,
      errors: ['10:12'],
      message: 'builds the sync `ReportService` with the AsyncSession `db`',
    },
    {
      name: '(b) method-level twin through self in the same class: switch and await',
      code: USER_SERVICE.replace('from app.models import User\n', 'User = object\n'),
      errors: ['23:16', '27:16'],
      message: '`self.get_user(…)` calls the sync `UserService.get_user` from async code, blocking the event loop; `UserService` has its async twin `get_user_async`',
      output: USER_SERVICE.replace('from app.models import User\n', 'User = object\n').replace('user = self.get_user(db, user_id)', 'user = await self.get_user_async(db, user_id)').replace('return self.get_user(db, user_id=user_id)', 'return await self.get_user_async(db, user_id=user_id)'),
    },
    {
      name: '(b) method twin through a module-level instance, `aget_user` pattern',
      code: 'class Repo:\n    def get_user(self, db, id):\n        return db.query(1).first()\n\n    async def aget_user(self, db, id):\n        ...\n\n\nrepo = Repo()\n\n\nasync def read(db):\n    return repo.get_user(db, 1)\n',
      errors: ['13:12'],
      output: 'class Repo:\n    def get_user(self, db, id):\n        return db.query(1).first()\n\n    async def aget_user(self, db, id):\n        ...\n\n\nrepo = Repo()\n\n\nasync def read(db):\n    return await repo.aget_user(db, 1)\n',
    },
  ],
});

ruleTester('AM202', {
  valid: [],
  invalid: [
    {
      name: 'awaiting a sync method whose same-class async twin exists: switch to the twin, keep the await',
      code: 'class S:\n    def _compute_stats(self, db):\n        return db.query(1).all()\n\n    async def _compute_stats_async(self, db):\n        ...\n\n    async def dashboard(self, db):\n        return await self._compute_stats(db)\n',
      errors: ['9:16'],
      message: 'use its async twin `S._compute_stats_async`',
      output: 'class S:\n    def _compute_stats(self, db):\n        return db.query(1).all()\n\n    async def _compute_stats_async(self, db):\n        ...\n\n    async def dashboard(self, db):\n        return await self._compute_stats_async(db)\n',
    },
  ],
});
