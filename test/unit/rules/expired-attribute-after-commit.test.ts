import { py, ruleTester, type Files } from '../helpers';

const SESSION = (factoryArgs: string) => py`
  from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
  from sqlalchemy.orm import sessionmaker

  engine = create_async_engine("sqlite+aiosqlite://")
  AsyncSessionLocal = sessionmaker(${factoryArgs})


  async def get_async_db():
      async with AsyncSessionLocal() as session:
          yield session
`;

const HEAD = 'from fastapi import APIRouter, Depends\nfrom sqlalchemy import select\nfrom sqlalchemy.ext.asyncio import AsyncSession\n\nfrom app.db import AsyncSessionLocal, get_async_db\nfrom app.models import User\n\nrouter = APIRouter()\n\n\n';
const PATH = 'app/api/users.py';

function app(handler: string, factoryArgs = 'engine, class_=AsyncSession'): Files {
  return {
    'app/__init__.py': '',
    'app/db.py': SESSION(factoryArgs),
    'app/models.py': 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n',
    [PATH]: HEAD + handler,
  };
}

const CREATE = '@router.post("/users")\nasync def create(name: str, db: AsyncSession = Depends(get_async_db)):\n    user = User(name=name)\n    db.add(user)\n    await db.commit()\n    return {"id": user.id}\n';
const CREATE_FIXED = '@router.post("/users")\nasync def create(name: str, db: AsyncSession = Depends(get_async_db)):\n    user = User(name=name)\n    db.add(user)\n    await db.commit()\n    await db.refresh(user)\n    return {"id": user.id}\n';

ruleTester('AM107', {
  valid: [
    { name: 'expire_on_commit=False on the factory', files: app(CREATE, 'engine, class_=AsyncSession, expire_on_commit=False'), path: PATH },
    { name: 'refreshed after the commit', files: app(CREATE_FIXED), path: PATH },
    { name: 'read before the commit only', files: app('@router.post("/users")\nasync def create(name: str, db: AsyncSession = Depends(get_async_db)):\n    user = User(name=name)\n    db.add(user)\n    await db.flush()\n    uid = user.id\n    await db.commit()\n    return {"id": uid}\n'), path: PATH },
    { name: 'an attribute set (not read) after the commit', files: app('@router.post("/users")\nasync def create(name: str, db: AsyncSession = Depends(get_async_db)):\n    user = await db.get(User, 1)\n    await db.commit()\n    user.name = name\n    return {"ok": True}\n'), path: PATH },
    { name: 'a commit in one branch, the read after the branch', files: app('@router.post("/users")\nasync def create(name: str, flag: bool, db: AsyncSession = Depends(get_async_db)):\n    user = await db.get(User, 1)\n    if flag:\n        await db.commit()\n        return {"ok": True}\n    return {"id": user.id}\n'), path: PATH },
    { name: 'rebound after the commit', files: app('@router.post("/users")\nasync def create(db: AsyncSession = Depends(get_async_db)):\n    user = await db.get(User, 1)\n    await db.commit()\n    user = await db.get(User, 2)\n    return {"id": user.id}\n'), path: PATH },
    { name: 'a factory expression the engine cannot read', files: app(CREATE, 'engine, class_=AsyncSession, expire_on_commit=settings.EXPIRE'), path: PATH },
    { name: 'a plain value, not an ORM object', files: app('@router.post("/users")\nasync def create(db: AsyncSession = Depends(get_async_db)):\n    data = dict(a=1)\n    await db.commit()\n    return {"a": data.get("a")}\n'), path: PATH },
  ],
  invalid: [
    {
      name: 'added, committed, then read: the refresh fix',
      files: app(CREATE),
      path: PATH,
      errors: ['16:19'],
      message: '`user.id` is read after `await db.commit()`; the commit expired `user` (added by `db.add(user)`) because `AsyncSessionLocal` keeps `expire_on_commit=True`',
      output: HEAD + CREATE_FIXED,
    },
    {
      name: 'loaded with db.get and returned from the route',
      files: app('@router.put("/users/{id}")\nasync def rename(id: int, name: str, db: AsyncSession = Depends(get_async_db)):\n    user = await db.get(User, id)\n    user.name = name\n    await db.commit()\n    return user\n'),
      path: PATH,
      errors: ['16:12'],
      message: '`user` is returned after `await db.commit()` and the response serialisation reads its attributes',
      output: HEAD + '@router.put("/users/{id}")\nasync def rename(id: int, name: str, db: AsyncSession = Depends(get_async_db)):\n    user = await db.get(User, id)\n    user.name = name\n    await db.commit()\n    await db.refresh(user)\n    return user\n',
    },
    {
      name: 'loaded by execute(select).scalar_one() in a plain async function with a local session',
      files: app('async def touch(id: int):\n    async with AsyncSessionLocal() as db:\n        user = (await db.execute(select(User).where(User.id == id))).scalar_one()\n        await db.commit()\n        print(user.name)\n'),
      path: PATH,
      errors: ['15:15'],
      message: 'loaded by `db.execute(…)`',
    },
  ],
});
