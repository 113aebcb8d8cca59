// "Migrate this endpoint" is all-or-nothing (PRODUCT.md §1.2), on the fixtures in
// test/fixtures/migrate-endpoint: where the session can be switched the handler ends consistent
// and *runs* (FastAPI TestClient against SQLite through aiosqlite); where no async session
// dependency exists nothing changes and the output says how to get one.
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { migrateEndpoint } from '../../server/src/analysis/migrate-endpoint';
import { loadProject } from '../../server/src/project';
import { havePython, PYTHON } from './helpers';

const FIXTURES = path.resolve(__dirname, '../fixtures/migrate-endpoint');

describe('migrate endpoint fixtures (all-or-nothing)', function () {
  this.timeout(120000);

  it('no async session dependency: every endpoint is left unchanged, with "Set up async infrastructure" named', async () => {
    const project = await loadProject(path.join(FIXTURES, 'no-async-dependency'));
    const rel = 'app/api/users.py';
    const text = project.texts.get(rel)!;
    for (const handler of ['count_users', 'read_user']) {
      const result = migrateEndpoint(rel, text, project.index, project.config, { function: handler });
      assert.strictEqual(result.ok, false, handler);
      assert.strictEqual(result.text, text, `${handler}: nothing changes`);
      assert.strictEqual(result.edit, undefined);
      assert.match(result.notDone[0].message, new RegExp(`^\`${handler}\` not migrated, nothing was changed`));
      const session = result.notDone.find((n) => n.code === 'AM103');
      assert.ok(session, `${handler}: ${result.notDone.map((n) => n.message).join('\n')}`);
      assert.match(session.message, /no async session dependency: .*`async-migrate init-async`/);
    }
  });

  describe('the session can be switched: consistent and executed', () => {
    let dir = '';
    before(function () {
      if (!havePython(['sqlalchemy', 'fastapi', 'aiosqlite', 'httpx'])) {
        if (process.env.CI === 'true') throw new Error(`${PYTHON} lacks sqlalchemy/fastapi/aiosqlite/httpx`);
        this.skip();
      }
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-migrate-'));
      execFileSync('cp', ['-r', path.join(FIXTURES, 'switch') + '/.', dir]);
    });
    after(() => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('migrates every endpoint (session switched, queries rewritten, session calls awaited) and the app still answers', async () => {
      const rel = 'app/api/users.py';
      for (const handler of ['count_users', 'read_user', 'create_user']) {
        const project = await loadProject(dir);
        const text = project.texts.get(rel)!;
        const result = migrateEndpoint(rel, text, project.index, project.config, { function: handler });
        assert.strictEqual(result.ok, true, `${handler}: ${result.notDone.map((n) => n.message).join('\n')}`);
        assert.deepStrictEqual(result.notDone, [], handler);
        assert.notStrictEqual(result.text, text, handler);
        fs.writeFileSync(path.join(dir, rel), result.text);
      }
      const migrated = fs.readFileSync(path.join(dir, rel), 'utf8');
      assert.doesNotMatch(migrated, /\.query\(|: Session = Depends\(get_db\)/);
      assert.match(migrated, /async def create_user\(name: str, db: AsyncSession = Depends\(get_async_db\)\):\n    user = User\(name=name\)\n    db\.add\(user\)\n    await db\.commit\(\)\n    await db\.refresh\(user\)/);
      const script = [
        'import asyncio, inspect',
        'from fastapi.testclient import TestClient',
        'from app.db import Base, engine',
        'from app.main import app',
        'from app.api import users',
        'for name in ("count_users", "read_user", "create_user"):',
        '    assert inspect.iscoroutinefunction(getattr(users, name)), name',
        'Base.metadata.create_all(engine)',
        'client = TestClient(app)',
        'assert client.get("/users/count").json() == {"count": 0}',
        'created = client.post("/users/", params={"name": "ana"}).json()',
        'assert created["name"] == "ana", created',
        'assert client.get(f"/users/{created[\'id\']}").json() == created',
        'assert client.get("/users/999").status_code == 404',
        'assert client.get("/users/count").json() == {"count": 1}',
        'print("ok")',
      ].join('\n');
      const run = spawnSync(PYTHON, ['-c', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, APP_DB: path.join(dir, 'test.db'), PYTHONPATH: dir } });
      assert.strictEqual(run.status, 0, `${run.stdout}\n${run.stderr}\n--- migrated ---\n${migrated}`);
      assert.match(run.stdout, /ok/);
    });
  });
});
