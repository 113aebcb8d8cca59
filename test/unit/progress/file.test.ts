import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseProgress } from '../../../server/src/analysis/progress/document';
import {
  ProgressParseError,
  progressPath,
  readProgress,
  recordTestRun,
  setChecklistItem,
  updateEndpointState,
  withFileLock,
  writeProgress,
} from '../../../server/src/project/progress-file';
import { py } from '../helpers';
import { inventoryOf } from '../endpoints/helpers';

const APP = {
  'app/main.py': py`
    from fastapi import FastAPI
    app = FastAPI()

    @app.get("/api/v1/users/me")
    async def me():
        return {}

    @app.post("/api/v1/attendance/checkin")
    def checkin():
        return {}
  `,
};

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'am-progress-'));
}

describe('progress.md on disk', () => {
  let root: string;
  beforeEach(() => {
    root = tempRoot();
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('writeProgress creates the file with tables and state; updates keep team edits byte for byte', async () => {
    const inv = await inventoryOf(APP);
    const first = await writeProgress(root, inv);
    assert.ok(first.created);
    const file = progressPath(root);
    assert.strictEqual(file, path.join(root, 'docs', 'async-migration', 'progress.md'));
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /\*\*1 \/ 2 endpoints async \(50 %\)\*\*/);
    assert.match(text, /\| `checkin` \| `POST \/api\/v1\/attendance\/checkin` \| `app\/main.py:9` \| sync \| 0\/6 steps \|/);

    // The team edits the file by hand: a note at the top, text between the regions, a section at the end.
    const doc = parseProgress(text);
    const edited = '> Owner: platform team   \n\n' + text.slice(0, doc.stateRegion!.start) + 'Nota: ¡no tocar!\t\n\n' + text.slice(doc.stateRegion!.start) + '\n## Retro\n\n- semana 1 ok\n';
    fs.writeFileSync(file, edited);
    await setChecklistItem(root, 'GET /api/v1/users/me', 'prep.branch', true, 'ana');
    await writeProgress(root, inv);
    const after = fs.readFileSync(file, 'utf8');
    const afterDoc = parseProgress(after);
    const editedDoc = parseProgress(edited);
    // Outside the regions: identical.
    assert.strictEqual(after.slice(0, afterDoc.tables!.start), edited.slice(0, editedDoc.tables!.start));
    assert.strictEqual(after.slice(afterDoc.tables!.end, afterDoc.stateRegion!.start), edited.slice(editedDoc.tables!.end, editedDoc.stateRegion!.start));
    assert.strictEqual(after.slice(afterDoc.stateRegion!.end), edited.slice(editedDoc.stateRegion!.end));
    assert.strictEqual(afterDoc.state.endpoints['GET /api/v1/users/me'].checklist!['prep.branch'].by, 'ana');
    assert.match(after, /\| `me` \| `GET \/api\/v1\/users\/me` \| `app\/main.py:5` \| migrated \| 2\/6 steps \|/);
  });

  it('a second write with nothing new changes nothing', async () => {
    const inv = await inventoryOf(APP);
    await writeProgress(root, inv);
    const before = fs.readFileSync(progressPath(root), 'utf8');
    const again = await writeProgress(root, inv);
    assert.strictEqual(again.changed, false);
    assert.strictEqual(fs.readFileSync(progressPath(root), 'utf8'), before);
  });

  it('a corrupt state block: clear error, backup of the old file, nothing rewritten; --repair rewrites after a backup', async () => {
    const inv = await inventoryOf(APP);
    await updateEndpointState(root, 'GET /api/v1/users/me', (s) => {
      s.owner = 'ana';
    });
    const file = progressPath(root);
    const corrupt = fs.readFileSync(file, 'utf8').replace('"owner": "ana"', '"owner": "ana" "notes": "x"');
    fs.writeFileSync(file, corrupt);
    await assert.rejects(writeProgress(root, inv), (error: unknown) => {
      assert.ok(error instanceof ProgressParseError);
      assert.strictEqual(error.line, corrupt.split('\n').findIndex((l) => l.includes('"notes": "x"')) + 1);
      assert.match(error.message, /docs\/async-migration\/progress\.md:\d+: the state block is not valid JSON/);
      assert.ok(error.backupPath && /progress\.md\.bak-\d{8}T\d{6}Z/.test(error.backupPath));
      assert.strictEqual(fs.readFileSync(error.backupPath, 'utf8'), corrupt);
      return true;
    });
    assert.strictEqual(fs.readFileSync(file, 'utf8'), corrupt, 'the corrupt file is left as it was');
    await assert.rejects(
      updateEndpointState(root, 'GET /api/v1/users/me', () => undefined),
      (error: unknown) => error instanceof ProgressParseError,
    );
    assert.strictEqual(readProgress(root).error?.kind, 'json');

    const repaired = await writeProgress(root, inv, { repair: true });
    assert.ok(repaired.repaired);
    assert.ok(fs.existsSync(repaired.repaired!.backupPath));
    const after = readProgress(root);
    assert.strictEqual(after.error, undefined);
    assert.deepStrictEqual(after.state.endpoints, {});
    const backups = fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith('progress.md.bak-'));
    assert.ok(backups.length >= 2, 'one backup per failed write, never overwritten');
  });

  it('--repair of merge conflict markers keeps both sides', async () => {
    const inv = await inventoryOf(APP);
    await updateEndpointState(root, 'GET /api/v1/users/me', (s) => {
      s.owner = 'ana';
    });
    const file = progressPath(root);
    const text = fs.readFileSync(file, 'utf8');
    const conflicted = text.replace(
      /    "GET \/api\/v1\/users\/me": \{\n      "owner": "ana"\n    \}/,
      '<<<<<<< HEAD\n    "GET /api/v1/users/me": {\n      "owner": "ana"\n    }\n=======\n    "POST /api/v1/attendance/checkin": {\n      "owner": "bob"\n    }\n>>>>>>> other\n',
    );
    assert.notStrictEqual(conflicted, text);
    fs.writeFileSync(file, conflicted);
    await assert.rejects(writeProgress(root, inv), /merge conflict marker/);
    const result = await writeProgress(root, inv, { repair: true });
    assert.strictEqual(result.repaired?.recovered, true);
    assert.deepStrictEqual(readProgress(root).state.endpoints, {
      'GET /api/v1/users/me': { owner: 'ana' },
      'POST /api/v1/attendance/checkin': { owner: 'bob' },
    });
  });

  it('records test runs and metrics; renamed endpoints keep their state under "orphaned"', async () => {
    await recordTestRun(root, 'GET /api/v1/users/me', { passed: true, command: 'pytest tests/api/test_users.py -v', exitCode: 0 });
    await updateEndpointState(root, 'GET /api/v1/users/me', (s) => {
      s.metrics = { p95: { before: 120, after: 85 } };
    });
    await updateEndpointState(root, 'GET /api/v1/users/old-me', (s) => {
      s.owner = 'carla';
    });
    const written = await writeProgress(root, await inventoryOf(APP), { today: '2025-12-10' });
    assert.deepStrictEqual(written.orphans, { orphaned: ['GET /api/v1/users/old-me'], restored: [] });
    const { state } = readProgress(root);
    assert.strictEqual(state.endpoints['GET /api/v1/users/me'].tests?.lastRun?.passed, true);
    assert.deepStrictEqual(state.endpoints['GET /api/v1/users/me'].metrics, { p95: { before: 120, after: 85 } });
    assert.deepStrictEqual(state.orphaned['GET /api/v1/users/old-me'].state, { owner: 'carla' });
    assert.match(fs.readFileSync(progressPath(root), 'utf8'), /## Orphaned state[\s\S]*`GET \/api\/v1\/users\/old-me` \| 2025-12-10 \| carla/);
  });

  it('the lock: a stale lock (older than 30 s) is broken; a live one makes writers wait and then time out', async () => {
    const file = progressPath(root);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const lock = `${file}.lock`;
    fs.writeFileSync(lock, JSON.stringify({ pid: 999999, host: 'elsewhere', at: 'long ago' }));
    const old = (Date.now() - 60_000) / 1000;
    fs.utimesSync(lock, old, old);
    assert.strictEqual(await withFileLock(file, () => 'ran'), 'ran');
    assert.ok(!fs.existsSync(lock), 'released');

    // A fresh lock held by a live process (this one): the writer waits, then gives up clearly.
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), at: 'now' }));
    const started = Date.now();
    await assert.rejects(withFileLock(file, () => 'never', { timeoutMs: 300 }), /could not lock .*progress\.md\.lock within 0\.3 s \(held by pid \d+/);
    assert.ok(Date.now() - started >= 300);
    fs.unlinkSync(lock);

    // A lock left by a dead process on this machine is stale at once.
    fs.writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), at: 'now' }));
    assert.strictEqual(await withFileLock(file, () => 'ran', { timeoutMs: 1000 }), 'ran');
  });

  it('two processes updating different endpoints 50 times each through the lock lose no update', async function () {
    this.timeout(120_000);
    const worker = path.join(__dirname, '..', '..', 'fixtures', 'endpoints', 'concurrent-writer.ts');
    const tsx = require.resolve('tsx/cjs');
    const run = (id: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['-r', tsx, worker, root, id, '50'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([run('GET /api/v1/users/me'), run('POST /api/v1/attendance/checkin')]);
    for (const r of results) assert.strictEqual(r.code, 0, r.stderr);
    const { state, error } = readProgress(root);
    assert.strictEqual(error, undefined);
    for (const id of ['GET /api/v1/users/me', 'POST /api/v1/attendance/checkin']) {
      assert.strictEqual(state.endpoints[id].counter, 50, `${id}: every read-modify-write kept`);
      assert.strictEqual(Object.keys(state.endpoints[id].checklist ?? {}).length, 50);
    }
    const leftovers = fs.readdirSync(path.dirname(progressPath(root))).filter((f) => f !== 'progress.md');
    assert.deepStrictEqual(leftovers, [], 'no lock or temp file left behind');
  });
});
