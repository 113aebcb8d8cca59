import * as assert from 'assert';
import { CHECKLIST_ITEMS, evaluateChecklist } from '../../../server/src/analysis/progress/checklist';
import { emptyState, type ProgressState } from '../../../server/src/analysis/progress/state';
import { py, type Files } from '../helpers';
import { byId, inventoryOf } from './helpers';

const FILES: Files = {
  'app/db.py': py`
    from sqlalchemy.orm import Session
    from sqlalchemy.ext.asyncio import AsyncSession

    def get_db() -> Session:
        ...

    async def get_async_db() -> AsyncSession:
        ...
  `,
  'app/services/user.py': py`
    class UserService:
        def get_user(self, db, user_id):
            return db.query(User).get(user_id)

    user_service = UserService()
  `,
  'app/services/report.py': py`
    def build_report(db):
        return db.query(Report).all()
  `,
  'app/services/async_user.py': py`
    from sqlalchemy import select

    class AsyncUserService:
        async def get_user(self, db, user_id):
            return await db.get(User, user_id)

    async_user_service = AsyncUserService()
  `,
  'app/main.py': py`
    from fastapi import Depends, FastAPI
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import Session
    from app.db import get_async_db, get_db
    from app.services.user import user_service
    from app.services.async_user import async_user_service
    from app.services.report import build_report

    app = FastAPI()

    @app.get("/users/me")
    def sync_me(db: Session = Depends(get_db)):
        return user_service.get_user(db, 1)

    @app.get("/users/{user_id}")
    async def read_user(user_id: int, db: AsyncSession = Depends(get_async_db)):
        return await async_user_service.get_user(db, user_id)

    @app.get("/users/{user_id}/report")
    async def report(user_id: int, db: AsyncSession = Depends(get_async_db)):
        return build_report(db)

    @app.get("/users/{user_id}/legacy")
    async def legacy(user_id: int, db: Session = Depends(get_db)):
        return 1
  `,
};

function allDone(id: string): ProgressState {
  const state = emptyState();
  state.endpoints[id] = {
    checklist: Object.fromEntries(CHECKLIST_ITEMS.filter((i) => i.kind === 'manual').map((i) => [i.id, { done: true, by: 'ana' }])),
    tests: { lastRun: { passed: true, at: '2025-12-09T10:00:00Z', command: 'pytest tests/api/test_users.py -v' } },
  };
  return state;
}

describe('endpoint status', () => {
  it('sync → in progress → migrated → verified', async () => {
    const inv = await inventoryOf(FILES);
    assert.strictEqual(byId(inv, 'GET /users/me').status, 'sync');
    const migrated = byId(inv, 'GET /users/{user_id}');
    assert.strictEqual(migrated.status, 'migrated');
    assert.match(migrated.statusReasons[0], /^checklist 1\/6 steps; open: prep\.branch/);

    const report = byId(inv, 'GET /users/{user_id}/report');
    assert.strictEqual(report.status, 'in progress');
    assert.ok(report.statusReasons.includes('calls sync build_report on the event loop (no async version yet)'), report.statusReasons.join('\n'));

    const legacy = byId(inv, 'GET /users/{user_id}/legacy');
    assert.strictEqual(legacy.status, 'in progress', 'an async handler with a sync Session is not migrated');
    assert.ok(legacy.statusReasons.some((r) => /AM103|sync Session/.test(r)), legacy.statusReasons.join('\n'));

    const verified = await inventoryOf(FILES, { state: allDone('GET /users/{user_id}') });
    assert.strictEqual(byId(verified, 'GET /users/{user_id}').status, 'verified');
    // The same complete checklist does not verify an endpoint that still has work to do.
    const notVerified = await inventoryOf(FILES, { state: allDone('GET /users/{user_id}/report') });
    assert.strictEqual(byId(notVerified, 'GET /users/{user_id}/report').status, 'in progress');
  });

  it('a missing test run keeps the pre-merge item open', async () => {
    const inv = await inventoryOf(FILES);
    const e = byId(inv, 'GET /users/{user_id}');
    const state = allDone(e.id).endpoints[e.id];
    delete state.tests;
    delete state.checklist!['testing.unit'];
    const result = evaluateChecklist(e, state);
    assert.strictEqual(result.complete, false);
    const premerge = result.items.find((i) => i.id === 'review.premerge')!;
    assert.strictEqual(premerge.done, false);
    assert.match(premerge.detail ?? '', /no passing test run recorded/);
    assert.strictEqual(result.stepsDone, 4, 'testing and review steps are open');
  });

  it('checklist automatic items follow the analysis', async () => {
    const inv = await inventoryOf(FILES);
    const sync = evaluateChecklist(byId(inv, 'GET /users/me'), undefined);
    const item = (id: string) => sync.items.find((i) => i.id === id)!;
    assert.strictEqual(item('migration.async-def').done, false);
    assert.strictEqual(item('migration.session').done, false);
    assert.strictEqual(item('migration.queries').done, false);
    assert.strictEqual(item('prep.twins').done, true, 'user_service.get_user has an async version');
    assert.strictEqual(sync.stepsDone, 0);
    const report = evaluateChecklist(byId(inv, 'GET /users/{user_id}/report'), undefined);
    assert.match(report.items.find((i) => i.id === 'prep.twins')!.detail ?? '', /no async version of build_report/);
  });

  it('orders endpoints by tier, then risk (lowest first), and plans phases', async () => {
    const inv = await inventoryOf(FILES);
    const tierOne = inv.endpoints.filter((e) => e.tier === 1);
    for (let i = 1; i < tierOne.length; i++) assert.ok(tierOne[i - 1].risk <= tierOne[i].risk, 'risk ascending within a tier');
    assert.strictEqual(tierOne[0].id, 'GET /users/{user_id}', 'the clean async read is the lowest risk');
    const low = byId(inv, 'GET /users/{user_id}');
    assert.strictEqual(low.phase, 1);
    assert.strictEqual(low.complexity, 'low');
    assert.ok(low.effortHours >= 1);
    const phase1 = inv.phases.find((p) => p.number === 1)!;
    assert.ok(phase1.endpoints.includes(low.id));
    assert.strictEqual(inv.phases.length, 6);
  });
});
