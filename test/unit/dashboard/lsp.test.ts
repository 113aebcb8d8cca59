// `asyncMigrate/dashboard` over a real LSP connection (the server through tsx) on a scripted
// temporary git repository: the snapshot, the history with `$/progress` on the client's token,
// the latency recorded through the checklist request, and bad parameters.
import * as assert from 'assert';
import * as fs from 'fs';
import { type DashboardResult, MIGRATION_REQUESTS, type MutationResult } from '../../../server/src/lsp/migration-protocol';
import { LspClient } from '../lsp/client';
import { HISTORY_STEPS, makeHistoryRepo } from './history-repo';

describe('LSP: asyncMigrate/dashboard', function () {
  this.timeout(60_000);
  let root: string;
  let client: LspClient;
  let folder: string;
  const dashboard = (params: unknown) => client.conn.sendRequest(MIGRATION_REQUESTS.dashboard, params) as Promise<DashboardResult>;

  before(async () => {
    root = makeHistoryRepo();
    client = new LspClient({ root });
    await client.initialize();
    await client.waitIndexed();
    folder = client.uri('').replace(/\/$/, '');
  });
  after(async () => {
    await client?.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers the snapshot without history', async () => {
    const r = await dashboard({ folder });
    assert.strictEqual(r.ok, true, r.error);
    assert.deepStrictEqual([r.model!.share.async, r.model!.share.total], [4, 4]);
    assert.strictEqual(r.model!.history, undefined);
  });

  it('computes the history with $/progress begin, reports and end on the client token', async () => {
    const token = 'dashboard-test-token';
    const r = await dashboard({ folder, history: true, workDoneToken: token });
    assert.strictEqual(r.ok, true, r.error);
    assert.deepStrictEqual(r.model!.history!.samples.map((s) => s.share?.percent), HISTORY_STEPS.map((s) => s.percent));
    await client.waitFor(() => client.progress.some((p) => p.token === token && p.value.kind === 'end'), 5000, 'progress end');
    const kinds = client.progress.filter((p) => p.token === token).map((p) => p.value.kind);
    assert.strictEqual(kinds[0], 'begin');
    assert.strictEqual(kinds[kinds.length - 1], 'end');
    const reports = client.progress.filter((p) => p.token === token && p.value.kind === 'report');
    assert.ok(reports.length >= 1, 'reports while computing');
    assert.ok(reports.every((p, i) => i === 0 || (p.value.percentage ?? 0) >= (reports[i - 1].value.percentage ?? 0)), 'percentages never go back');
  });

  it('P95 recorded through the checklist request shows up against −20 %', async () => {
    const id = 'GET /api/users/me';
    for (const [phase, p95] of [['before', 200], ['after', 120]] as const) {
      const m = (await client.conn.sendRequest(MIGRATION_REQUESTS.recordMetrics, { folder, id, phase, sample: { p50: 50, p95, p99: 400 } })) as MutationResult;
      assert.strictEqual(m.ok, true, m.error);
    }
    const r = await dashboard({ folder });
    assert.deepStrictEqual(r.model!.latency.map((l) => [l.id, l.before, l.after, l.change, l.met]), [[id, 200, 120, -0.4, true]]);
  });

  it('bad parameters get an error answer, never a crash', async () => {
    assert.match((await dashboard(null)).error ?? '', /expected \{ folder/);
    assert.match((await dashboard({ folder: 'file:///nowhere' })).error ?? '', /no workspace folder file:\/\/\/nowhere/);
    assert.strictEqual((await dashboard({ folder })).ok, true, 'the server still answers');
  });
});
