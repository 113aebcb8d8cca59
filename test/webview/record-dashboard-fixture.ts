// Re-records test/webview/fixtures/dashboard-model.json: the real dashboard model from the
// language server on a temporary copy of examples/gym-app with a scripted git history (one
// endpoint module migrated per commit; fixed dates and authors, so the commits are the same on
// every run), with P95 before/after recorded for three endpoints and "before" for a fourth.
//   npx tsx test/webview/record-dashboard-fixture.ts
// test/unit/migration/webview-fixtures.test.ts records it again and fails when the committed
// file no longer matches what the server sends.
import * as fs from 'fs';
import * as path from 'path';
import { makeGymAppHistory } from '../unit/dashboard/history-repo';
import { LspClient, REPO } from '../unit/lsp/client';

export const DASHBOARD_FIXTURE_FILE = path.join(__dirname, 'fixtures', 'dashboard-model.json');

export async function recordDashboardModel(): Promise<unknown> {
  const root = makeGymAppHistory(path.join(REPO, 'examples/gym-app'));
  const c = new LspClient({ root });
  try {
    await c.initialize();
    await c.waitIndexed();
    const folder = c.uri('').replace(/\/$/, '');
    const metrics: [string, number, number][] = [
      ['GET /api/v1/users/me', 180, 120],
      ['GET /api/v1/events', 240, 210],
      ['GET /api/v1/schedule/sessions', 320, 250],
    ];
    for (const [id, before, after] of metrics) {
      await c.conn.sendRequest('asyncMigrate/recordMetrics', { folder, id, phase: 'before', sample: { p50: before / 3, p95: before, p99: before * 2 } });
      await c.conn.sendRequest('asyncMigrate/recordMetrics', { folder, id, phase: 'after', sample: { p50: after / 3, p95: after, p99: after * 2 } });
    }
    await c.conn.sendRequest('asyncMigrate/recordMetrics', { folder, id: 'POST /api/v1/attendance/checkin', phase: 'before', sample: { p50: 40, p95: 150, p99: 300 } });
    const result = (await c.conn.sendRequest('asyncMigrate/dashboard', { folder, history: true })) as { ok: boolean; model: unknown; error?: string };
    if (!result.ok) throw new Error(result.error);
    return result.model;
  } finally {
    await c.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  fs.writeFileSync(DASHBOARD_FIXTURE_FILE, JSON.stringify(await recordDashboardModel(), null, 1) + '\n');
  console.log(`wrote ${path.relative(REPO, DASHBOARD_FIXTURE_FILE)}`);
}

if (require.main === module) void main();
