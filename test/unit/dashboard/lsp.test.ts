// `asyncMigrate/dashboard` over a real LSP connection (the server through tsx) on a scripted
// temporary git repository: the snapshot, the history with `$/progress` on the client's token,
// the latency recorded through the checklist request, and bad parameters; and the editor's
// inventory, asked while the server starts, matching the CLI's once indexed and after a re-index.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { type DashboardModel, buildDashboard } from '../../../server/src/analysis/dashboard/model';
import { buildInventory } from '../../../server/src/analysis/endpoints/inventory';
import { Folder } from '../../../server/src/lsp/folders';
import { type DashboardResult, MIGRATION_REQUESTS, type MutationResult } from '../../../server/src/lsp/migration-protocol';
import { MigrationRequests } from '../../../server/src/lsp/migration-requests';
import { loadProject } from '../../../server/src/project';
import { makeConfig } from '../helpers';
import { LspClient, REPO } from '../lsp/client';
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

describe('LSP: the inventory after indexing', function () {
  this.timeout(60_000);

  it('matches the CLI once indexed, and after a settings change that re-indexes', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'am-reindex-'));
    fs.cpSync(path.join(REPO, 'examples/gym-app'), root, { recursive: true, filter: (src) => !/__pycache__|\.pytest_cache/.test(src) });
    const client = new LspClient({ root });
    try {
      await client.initialize();
      const folder = client.uri('').replace(/\/$/, '');
      const dashboard = async () => ((await client.conn.sendRequest(MIGRATION_REQUESTS.dashboard, { folder })) as DashboardResult).model;
      // The editor asks at once (the Endpoints tree loads while the server starts indexing).
      await dashboard();
      await client.waitIndexed();
      const expected = async (extendExclude: string[]) => {
        const config = makeConfig({ 'extend-exclude': extendExclude });
        const project = await loadProject(root, { config });
        return buildDashboard({ inventory: buildInventory(project.index, config, { getText: (p) => project.texts.get(p) }) });
      };
      const summary = (m: DashboardModel | undefined) => m && { share: m.share.async, statuses: m.statuses, rules: m.findingsByRule.map((r) => `${r.code}:${r.count}`) };
      const before = await dashboard();
      assert.deepStrictEqual(summary(before), summary(await expected([])));
      // A settings change that re-indexes: excluding the sync user service drops its legacy queries.
      const ended = client.progress.filter((p) => p.value.kind === 'end').length;
      client.settings = { extendExclude: ['app/services/user.py'] };
      await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await client.waitFor(() => client.progress.filter((p) => p.value.kind === 'end').length > ended, 20_000, 're-indexing');
      const want = await expected(['app/services/user.py']);
      assert.notDeepStrictEqual(summary(want), summary(before), 'the exclusion changes the numbers');
      assert.deepStrictEqual(summary(await dashboard()), summary(want));
    } finally {
      await client.shutdown();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('MigrationRequests: the analysis cache follows the folder index', () => {
  it('an inventory asked before indexing (empty index) does not leave a stale cache behind once the index is replaced', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'am-cache-'));
    fs.cpSync(path.join(REPO, 'examples/gym-app'), root, { recursive: true, filter: (src) => !/__pycache__|\.pytest_cache/.test(src) });
    try {
      const folder = Folder.fromUri(pathToFileURL(root).toString(), 'gym-app');
      folder.applyConfig(fs.readFileSync(path.join(root, 'pyproject.toml'), 'utf8'));
      const workspace = { folders: new Map([[folder.uri, folder]]), docs: new Map(), logError: () => undefined, log: () => undefined, onFolderChanged: () => ({ dispose() {} }) };
      const connection = { onRequest: () => ({ dispose() {} }), sendNotification: async () => undefined };
      const requests = new MigrationRequests(connection as never, workspace as never, { migrateEdit: () => ({ error: 'unused' }) } as never);
      try {
        // The Endpoints tree asks while the server has not indexed anything yet.
        assert.strictEqual(requests.inventory(folder).inventory.endpoints.length, 0);
        // Indexing replaces the folder's index with a new WorkspaceIndex (same configuration object).
        const project = await loadProject(root, { config: folder.config });
        folder.index = project.index;
        const inventory = requests.inventory(folder).inventory;
        const cli = buildInventory(project.index, folder.config, { getText: (p) => project.texts.get(p) });
        const findings = (inv: typeof cli) => inv.endpoints.map((e) => `${e.id}:${e.findings.length}:${e.status}`);
        assert.ok(cli.endpoints.some((e) => e.findings.length), 'the example has findings');
        assert.deepStrictEqual(findings(inventory), findings(cli));
      } finally {
        requests.dispose();
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
