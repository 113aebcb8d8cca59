// Re-records test/webview/fixtures/checklist-models.json: real checklist models from the
// language server on a copy of examples/gym-app (a fresh endpoint, the same endpoint with a
// ticked item, a failed test run and latency numbers, and an async endpoint with Redis findings).
//   npx tsx test/webview/record-fixtures.ts
// test/unit/migration/webview-fixtures.test.ts records them again and fails when the committed
// file no longer matches what the server sends.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspClient, REPO } from '../unit/lsp/client';

export const FIXTURES_FILE = path.join(__dirname, 'fixtures', 'checklist-models.json');

/** The three checklist models, from the language server on a temporary copy of the example app. */
export async function recordChecklistModels(): Promise<{ fresh: unknown; worked: unknown; activityFeed: unknown }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'am-record-'));
  fs.cpSync(path.join(REPO, 'examples/gym-app'), root, { recursive: true, filter: (s) => !/__pycache__|pytest_cache/.test(s) });
  const c = new LspClient({ root });
  try {
    await c.initialize();
    await c.waitIndexed();
    const folder = c.uri('').replace(/\/$/, '');
    const ref = { folder, id: 'POST /api/v1/attendance/checkin' };
    const fresh = await c.conn.sendRequest('asyncMigrate/checklist', ref);
    await c.conn.sendRequest('asyncMigrate/setChecklistItem', { ...ref, item: 'prep.branch', done: true, by: 'Ana García', note: 'async/endpoint-attendance-checkin-2026-01-12' });
    await c.conn.sendRequest('asyncMigrate/recordTestRun', { ...ref, passed: false, exitCode: 1, durationMs: 4210, command: 'pytest tests/api/test_attendance.py -v', at: '2026-01-12T10:15:00.000Z' });
    await c.conn.sendRequest('asyncMigrate/recordMetrics', { ...ref, phase: 'before', sample: { p50: 48, p95: 210, p99: 480, errorRate: 0.08, throughput: 310 } });
    await c.conn.sendRequest('asyncMigrate/recordMetrics', { ...ref, phase: 'after', sample: { p50: 31, p95: 150, p99: 290, errorRate: 0.05, throughput: 420 } });
    const worked = await c.conn.sendRequest('asyncMigrate/checklist', ref);
    const activityFeed = await c.conn.sendRequest('asyncMigrate/checklist', { folder, id: 'GET /api/v1/activity-feed/summary' });
    const norm = (m: unknown) => JSON.parse(JSON.stringify(m).split(folder).join('file:///workspace/gym-app'));
    return { fresh: norm(fresh), worked: norm(worked), activityFeed: norm(activityFeed) };
  } finally {
    await c.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  fs.writeFileSync(FIXTURES_FILE, JSON.stringify(await recordChecklistModels(), null, 1) + '\n');
  console.log(`wrote ${path.relative(REPO, FIXTURES_FILE)}`);
}

if (require.main === module) void main();
