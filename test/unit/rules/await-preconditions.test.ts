// PRODUCT.md §1.2 across the rules whose fix writes `await`: the same receiver written three ways
// — proven async, known sync, unknown — and what each rule does with it. `await` is written only
// on the proven-async one; a known-sync one is reported where it blocks the loop (AM101) or not at
// all (nothing to await); an unknown one never gets an `await`.
import * as assert from 'assert';
import { analyze, fix, py } from '../helpers';

const MODELS = py`
  from sqlalchemy import Column, Integer
  from sqlalchemy.orm import declarative_base

  Base = declarative_base()


  class User(Base):
      __tablename__ = "users"
      id = Column(Integer, primary_key=True)
`;

const HEADER = py`
  import redis
  from redis import asyncio as aioredis
  from sqlalchemy.ext.asyncio import AsyncSession
  from sqlalchemy.orm import Session
  from app.models import User
`;

interface Row {
  rule: string;
  receiver: 'proven async' | 'known sync' | 'unknown';
  /** The function under test (its body uses `db` / `r`). */
  body: string;
  reported: boolean;
  /** Text that must be in the file after `fix --unsafe-fixes` (undefined: the file is unchanged). */
  fixedTo?: string;
}

const ROWS: Row[] = [
  { rule: 'AM101', receiver: 'proven async', body: 'async def f(db: AsyncSession):\n    return db.query(User).all()\n', reported: true, fixedTo: 'return (await db.execute(select(User))).scalars().all()' },
  { rule: 'AM101', receiver: 'known sync', body: 'async def f(db: Session):\n    return db.query(User).all()\n', reported: true },
  // A name is evidence of a legacy query inside `async def` (reported), never of an AsyncSession.
  { rule: 'AM101', receiver: 'unknown', body: 'async def f(db):\n    return db.query(User).all()\n', reported: true },
  { rule: 'AM201', receiver: 'proven async', body: 'async def f(db: AsyncSession):\n    db.commit()\n', reported: true, fixedTo: 'await db.commit()' },
  { rule: 'AM201', receiver: 'known sync', body: 'async def f(db: Session):\n    db.commit()\n', reported: false },
  { rule: 'AM201', receiver: 'unknown', body: 'async def f(db):\n    db.commit()\n', reported: false },
  { rule: 'AM302', receiver: 'proven async', body: 'async def f():\n    r = aioredis.from_url("redis://")\n    r.set("k", 1)\n', reported: true, fixedTo: 'await r.set("k", 1)' },
  { rule: 'AM302', receiver: 'known sync', body: 'async def f():\n    r = redis.Redis()\n    r.set("k", 1)\n', reported: false },
  { rule: 'AM302', receiver: 'unknown', body: 'async def f(r):\n    r.set("k", 1)\n', reported: false },
  { rule: 'AM301', receiver: 'proven async', body: 'async def f():\n    r = aioredis.from_url("redis://")\n    return await r.keys("a:*")\n', reported: true, fixedTo: '[k async for k in r.scan_iter(match="a:*", count=100)]' },
  { rule: 'AM301', receiver: 'known sync', body: 'async def f():\n    r = redis.Redis()\n    return r.keys("a:*")\n', reported: true, fixedTo: 'list(r.scan_iter(match="a:*", count=100))' },
  { rule: 'AM301', receiver: 'unknown', body: 'async def f(r):\n    return await r.keys("a:*")\n', reported: false },
];

describe('fixes write `await` only on a receiver proven async (one table over AM101, AM201, AM301, AM302)', () => {
  for (const row of ROWS) {
    it(`${row.rule}, ${row.receiver} receiver → ${row.reported ? 'reported' : 'silent'}, ${row.fixedTo ? 'fixed' : 'no edit'}`, async () => {
      const text = `${HEADER}\n\n${row.body}`;
      const files = { 'app/api.py': text, 'app/models.py': MODELS };
      const findings = (await analyze(files, { select: [row.rule], only: 'app/api.py' })).filter((f) => f.code === row.rule);
      assert.strictEqual(findings.length, row.reported ? 1 : 0, findings.map((f) => f.message).join('\n'));
      const fixed = await fix(files, 'app/api.py', { select: [row.rule], unsafe: true });
      if (row.fixedTo) assert.ok(fixed.includes(row.fixedTo), fixed);
      else assert.strictEqual(fixed, text);
      if (!row.fixedTo && row.reported) assert.ok(findings[0].noFixReason, 'a finding without a fix says why');
    });
  }
});
