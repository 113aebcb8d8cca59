// Generates a synthetic FastAPI + SQLAlchemy + Redis workspace of a given size, with the
// proportions of a real backend: ~15% models, ~35% services (some with async twins),
// ~35% endpoint modules, the rest utilities. Deterministic for a given seed.
import * as fs from 'fs';
import * as path from 'path';
import { prng } from '../test/unit/lsp/random-edits';

const NOUNS = ['user', 'gym', 'session', 'event', 'post', 'story', 'membership', 'payment', 'survey', 'trainer', 'class', 'category', 'attendance', 'notification', 'chat', 'module', 'nutrition', 'plan', 'invoice', 'feed'];

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function model(name: string, other: string): string {
  const M = cap(name);
  return `from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Boolean
from sqlalchemy.orm import relationship

from app.db.base import Base


class ${M}(Base):
    __tablename__ = "${name}s"

    id = Column(Integer, primary_key=True, index=True)
    gym_id = Column(Integer, index=True, nullable=False)
    name = Column(String(200), nullable=False)
    active = Column(Boolean, default=True)
    ${other}_id = Column(Integer, ForeignKey("${other}s.id"))
    created_at = Column(DateTime, default=datetime.utcnow)

    items = relationship("${cap(other)}", back_populates="${name}")

    def __repr__(self) -> str:
        return f"<${M} {self.id} {self.name}>"
`;
}

function syncService(name: string, rnd: () => number): string {
  const M = cap(name);
  const methods: string[] = [];
  for (let i = 0; i < 4 + Math.floor(rnd() * 6); i++) {
    methods.push(`    def get_${name}_${i}(self, db: Session, ${name}_id: int, gym_id: int):
        """Fetch one ${name} scoped to the gym."""
        item = db.query(${M}).filter(${M}.id == ${name}_id, ${M}.gym_id == gym_id).first()
        if item is None:
            return None
        cached = redis_client.get(f"${name}:{${name}_id}")
        if cached:
            return cached
        return item

    def list_${name}s_${i}(self, db: Session, gym_id: int, skip: int = 0, limit: int = 50):
        return (
            db.query(${M})
            .filter(${M}.gym_id == gym_id)
            .order_by(${M}.created_at.desc())
            .offset(skip)
            .limit(limit)
            .all()
        )
`);
  }
  return `from sqlalchemy.orm import Session

from app.core.redis import redis_client
from app.models.${name} import ${M}


class ${M}Service:
${methods.join('\n')}

${name}_service = ${M}Service()
`;
}

/** `migrated`: every call awaited and no `keys` (no findings), as in a module that is mostly migrated. */
function asyncService(name: string, rnd: () => number, migrated = false): string {
  const M = cap(name);
  const methods: string[] = [];
  for (let i = 0; i < 4 + Math.floor(rnd() * 6); i++) {
    methods.push(`    async def get_${name}_${i}(self, db: AsyncSession, ${name}_id: int, gym_id: int):
        result = await db.execute(select(${M}).where(${M}.id == ${name}_id, ${M}.gym_id == gym_id))
        item = result.scalar_one_or_none()
        cached = ${i % 3 === 0 && !migrated ? '' : 'await '}async_redis.get(f"${name}:{${name}_id}")
        return cached or item

    async def list_${name}s_${i}(self, db: AsyncSession, gym_id: int):
${migrated ? '' : `        keys = await async_redis.keys("${name}:*")\n`}        result = await db.execute(select(${M}).where(${M}.gym_id == gym_id).limit(50))
        return result.scalars().all()
`);
  }
  return `from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.redis import async_redis
from app.models.${name} import ${M}


class Async${M}Service:
${methods.join('\n')}

async_${name}_service = Async${M}Service()
`;
}

function endpoints(name: string, hasAsyncTwin: boolean, rnd: () => number): string {
  const M = cap(name);
  const routes: string[] = [];
  for (let i = 0; i < 3 + Math.floor(rnd() * 8); i++) {
    const style = rnd();
    if (style < 0.6) {
      routes.push(`@router.get("/${name}s/{${name}_id}/v${i}")
def read_${name}_${i}(${name}_id: int, gym_id: int, db: Session = Depends(get_db)):
    item = ${name}_service.get_${name}_0(db, ${name}_id, gym_id)
    if not item:
        raise HTTPException(status_code=404, detail="${M} not found")
    count = db.query(${M}).filter(${M}.gym_id == gym_id).count()
    return {"item": item, "count": count, "at": datetime.utcnow().isoformat()}
`);
    } else if (style < 0.85 && hasAsyncTwin) {
      routes.push(`@router.get("/${name}s/v${i}")
async def list_${name}s_${i}(gym_id: int, db: AsyncSession = Depends(get_async_db)):
    items = await async_${name}_service.list_${name}s_0(db, gym_id)
    try:
        total = await db.scalar(select(func.count()).select_from(${M}))
    except Exception:
        pass
    return {"items": items}
`);
    } else {
      routes.push(`@router.post("/${name}s/v${i}")
async def create_${name}_${i}(payload: dict, db: Session = Depends(get_db)):
    item = ${M}(**payload)
    db.add(item)
    db.commit()
    time.sleep(0.01)
    users = db.query(${M}).filter(${M}.active == True).all()
    return {"id": item.id, "n": len(users)}
`);
    }
  }
  return `import time
from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.db.session import get_async_db, get_db
from app.models.${name} import ${M}
from app.services.${name} import ${name}_service
${hasAsyncTwin ? `from app.services.async_${name} import async_${name}_service\n` : ''}
router = APIRouter()


${routes.join('\n\n')}`;
}

function utility(i: number): string {
  return `"""Helpers ${i}."""
import json
import logging

logger = logging.getLogger(__name__)


def normalise_${i}(payload: dict) -> dict:
    out = {}
    for key, value in payload.items():
        if isinstance(value, str):
            out[key.lower()] = value.strip()
        elif isinstance(value, dict):
            out[key.lower()] = normalise_${i}(value)
        else:
            out[key.lower()] = value
    return out


def dumps_${i}(data) -> str:
    try:
        return json.dumps(data, default=str)
    except (TypeError, ValueError):
        logger.exception("cannot serialise")
        raise
`;
}

const FIXED: Record<string, string> = {
  'app/__init__.py': '',
  'app/db/__init__.py': '',
  'app/db/base.py': 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n',
  'app/db/session.py': `from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite:///./app.db")
SessionLocal = sessionmaker(bind=engine)
async_engine = create_async_engine("sqlite+aiosqlite:///./app.db")
AsyncSessionLocal = sessionmaker(bind=async_engine, class_=AsyncSession, expire_on_commit=False)


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


async def get_async_db():
    async with AsyncSessionLocal() as session:
        yield session
`,
  'app/core/__init__.py': '',
  'app/core/redis.py': 'import redis\nfrom redis import asyncio as aioredis\n\nredis_client = redis.Redis()\nasync_redis = aioredis.Redis()\n',
};

/** Writes a workspace of about `files` Python files under dir (replacing it). Returns the file count. */
export function generateWorkspace(dir: string, files: number, seed = 42): number {
  fs.rmSync(dir, { recursive: true, force: true });
  const rnd = prng(seed);
  const write = (rel: string, text: string) => {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  };
  for (const [rel, text] of Object.entries(FIXED)) write(rel, text);
  let count = Object.keys(FIXED).length;
  for (let i = 0; count < files; i++) {
    const base = NOUNS[i % NOUNS.length];
    const name = i < NOUNS.length ? base : `${base}${Math.floor(i / NOUNS.length)}`;
    const other = NOUNS[(i + 1) % NOUNS.length] + (i + 1 < NOUNS.length ? '' : `${Math.floor((i + 1) / NOUNS.length)}`);
    const twin = rnd() < 0.5;
    write(`app/models/${name}.py`, model(name, other));
    write(`app/services/${name}.py`, syncService(name, rnd));
    count += 2;
    if (twin && count < files) {
      write(`app/services/async_${name}.py`, asyncService(name, rnd));
      count++;
    }
    if (count < files) {
      write(`app/api/v1/endpoints/${name}.py`, endpoints(name, twin, rnd));
      count++;
    }
    if (count < files && rnd() < 0.3) {
      write(`app/utils/helpers_${name}.py`, utility(i));
      count++;
    }
  }
  return count;
}

/** A single Python file of about `lines` lines (for keystroke benchmarks). */
export function generateLargeFile(lines: number, seed = 7): string {
  const rnd = prng(seed);
  const parts: string[] = [endpoints('user', true, rnd)];
  let n = parts[0].split('\n').length;
  let i = 0;
  while (n < lines) {
    const chunk = i % 2 ? asyncService(`thing${i}`, rnd) : syncService(`thing${i}`, rnd);
    // Keep imports only once: strip the header of later chunks.
    const body = chunk.slice(chunk.indexOf('class '));
    parts.push(body);
    n += body.split('\n').length;
    i++;
  }
  return parts.join('\n\n');
}

/**
 * A file of about `lines` lines with a syntax error near the top (an `if` without its colon) and
 * a few findings with fixes below it (`time.sleep`, an unawaited Redis call, `utcnow`, a
 * swallowed exception): few enough that each fix is checked against the broken file (at most 8
 * in the file, engine.ts), in an otherwise migrated module.
 */
export function generateBrokenFile(lines: number, seed = 11): string {
  const rnd = prng(seed);
  const header = `import time
from datetime import datetime

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.redis import async_redis
from app.db.session import get_async_db
from app.models.thing import Thing

router = APIRouter()


def gym_is_open(gym_id: int) -> bool:
    if gym_id
        return True
    return False
`;
  // 5 fixes and suggestions in the first handler, 2 in the second.
  const fixable = (i: number) => `@router.get("/things/v${i}")
async def read_thing_${i}(thing_id: int, db: AsyncSession = Depends(get_async_db)):
    time.sleep(0.01)
    cached = async_redis.get(f"thing:{thing_id}")
${
  i === 3
    ? `    try:
        result = await db.execute(select(Thing).where(Thing.id == thing_id))
    except Exception:
        pass
    return {"item": cached, "at": datetime.utcnow().isoformat()}`
    : '    return {"item": cached}'
}
`;
  const parts: string[] = [header];
  let n = header.split('\n').length;
  let i = 0;
  while (n < lines) {
    // Two handlers with fixes, a third and two thirds of the way down.
    const service = i === 3 || i === 50 ? '' : asyncService(`thing${i}`, rnd, true);
    const body = service ? service.slice(service.indexOf('class ')) : fixable(i);
    parts.push(body);
    n += body.split('\n').length;
    i++;
  }
  return parts.join('\n\n');
}
