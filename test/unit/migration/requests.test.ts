// The endpoint inventory / checklist requests over a real LSP connection (the server run
// through tsx) on a copy of examples/gym-app: rows for the tree, the endpoint under a position,
// the six-step checklist with live automatic items, manual items / test runs / metrics
// persisted in progress.md, the analysis document, the migrate preview and the
// inventoryChanged notification.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CHECKLIST_ITEMS, evaluateChecklist } from '../../../server/src/analysis/progress/checklist';
import type { Endpoint } from '../../../server/src/analysis/endpoints/types';
import type { Finding } from '../../../server/src/analysis/types';
import {
  type ChecklistModel,
  type EndpointRef,
  type EndpointsResult,
  INVENTORY_CHANGED_NOTIFICATION,
  type InventoryChangedParams,
  MIGRATION_REQUESTS,
  type MigratePreview,
  type MutationResult,
  type WriteDocResult,
} from '../../../server/src/lsp/migration-protocol';
import { DOC_END, DOC_START, ITEM_CODES, applyLspEdits, mergeAnalysisDoc } from '../../../server/src/lsp/migration-requests';
import { readProgress } from '../../../server/src/project/progress-file';
import { LspClient, REPO } from '../lsp/client';

const CHECKIN = 'POST /api/v1/attendance/checkin';
const ATTENDANCE = 'app/api/v1/endpoints/attendance.py';

function copyGymApp(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'am-checklist-'));
  fs.cpSync(path.join(REPO, 'examples/gym-app'), root, { recursive: true, filter: (src) => !/__pycache__|\.pytest_cache/.test(src) });
  return root;
}

describe('migration requests (endpoints tree + checklist sidebar)', function () {
  this.timeout(60_000);
  let root: string;
  let client: LspClient;
  const notes: InventoryChangedParams[] = [];
  let folder: string;
  const ref = (id = CHECKIN): EndpointRef => ({ folder, id });
  const request = <T>(method: string, params: unknown) => client.conn.sendRequest(method, params) as Promise<T>;
  const checklist = (id = CHECKIN) => request<ChecklistModel | null>(MIGRATION_REQUESTS.checklist, ref(id));
  const item = (model: ChecklistModel, id: string) => {
    const found = model.steps.flatMap((s) => s.items).find((i) => i.id === id);
    assert.ok(found, `item ${id}`);
    return found;
  };

  before(async () => {
    root = copyGymApp();
    client = new LspClient({ root });
    client.conn.onNotification(INVENTORY_CHANGED_NOTIFICATION, (p: InventoryChangedParams) => notes.push(p));
    await client.initialize();
    await client.waitIndexed();
    folder = client.uri('').replace(/\/$/, '');
  });

  after(async () => {
    await client?.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('lists every route with tier, status, findings and the handler position', async () => {
    const result = await request<EndpointsResult>(MIGRATION_REQUESTS.endpoints, {});
    assert.strictEqual(result.folders.length, 1);
    const f = result.folders[0];
    assert.strictEqual(f.state, 'ready');
    assert.ok(f.endpoints.length >= 30, `${f.endpoints.length} endpoints`);
    assert.strictEqual(f.asyncCount, f.endpoints.filter((e) => e.isAsync).length);
    const checkin = f.endpoints.find((e) => e.id === CHECKIN)!;
    assert.ok(checkin);
    assert.strictEqual(checkin.tier, 1);
    assert.strictEqual(checkin.status, 'sync');
    assert.strictEqual(checkin.path, ATTENDANCE);
    const text = fs.readFileSync(path.join(root, ATTENDANCE), 'utf8').split('\n');
    assert.strictEqual(text[checkin.line].slice(checkin.character, checkin.character + 'checkin('.length), 'checkin(');
    assert.ok(checkin.findings > 0 && checkin.findingCodes.AM102 > 0, JSON.stringify(checkin.findingCodes));
    // Sorted by tier.
    const tiers = f.endpoints.map((e) => e.tier);
    assert.deepStrictEqual(tiers, [...tiers].sort());
  });

  it('announces the inventory once indexing settled', async () => {
    await client.waitFor(() => notes.some((n) => n.folder === folder), 5000, 'inventoryChanged');
  });

  it('finds the endpoint under a position, and nothing outside handlers', async () => {
    const uri = await client.open(ATTENDANCE);
    const text = fs.readFileSync(path.join(root, ATTENDANCE), 'utf8').split('\n');
    const inside = text.findIndex((l) => l.includes('user_service.get_user(db, body.user_id)'));
    assert.deepStrictEqual(await request(MIGRATION_REQUESTS.endpointAt, { uri, line: inside, character: 8 }), ref());
    const decorator = text.findIndex((l) => l.startsWith('@router.post("/checkin"'));
    assert.deepStrictEqual(await request(MIGRATION_REQUESTS.endpointAt, { uri, line: decorator, character: 2 }), ref(), 'decorators belong to the handler');
    assert.strictEqual(await request(MIGRATION_REQUESTS.endpointAt, { uri, line: 0, character: 0 }), null);
    assert.strictEqual(await request(MIGRATION_REQUESTS.endpointAt, { uri: client.uri('nope.py'), line: 0, character: 0 }), null);
    const qr = text.findIndex((l) => l.includes('async def qr_checkin('));
    assert.deepStrictEqual(await request(MIGRATION_REQUESTS.endpointAt, { uri, line: qr + 3, character: 4 }), ref('POST /api/v1/attendance/checkin/qr'));
  });

  it('builds the six steps with automatic items, counts and jump-to locations', async () => {
    const model = (await checklist())!;
    assert.ok(model);
    assert.deepStrictEqual(
      model.steps.map((s) => s.id),
      ['prep', 'analysis', 'migration', 'testing', 'review', 'deploy'],
    );
    assert.deepStrictEqual(model.steps.map((s) => s.number), [1, 2, 3, 4, 5, 6]);
    assert.deepStrictEqual(model.steps.map((s) => s.actions), [['createBranch'], ['writeDoc'], ['migrate'], ['runTests', 'createLocust', 'copyCurl'], ['openDiff'], ['recordMetrics']]);
    assert.strictEqual(model.endpoint.method, 'POST');
    assert.strictEqual(model.endpoint.route, '/api/v1/attendance/checkin');
    assert.match(model.endpoint.tierReason, /tier 1/);
    const queries = item(model, 'migration.queries');
    assert.strictEqual(queries.kind, 'auto');
    assert.strictEqual(queries.done, false);
    assert.ok(queries.count! >= 2 && queries.codes?.AM102, JSON.stringify(queries));
    assert.ok(queries.locations!.some((l) => l.path === ATTENDANCE && l.code === 'AM102'));
    const asyncDef = item(model, 'migration.async-def');
    assert.strictEqual(asyncDef.done, false);
    assert.strictEqual(asyncDef.locations![0].line, model.endpoint.line);
    const services = item(model, 'prep.services');
    assert.ok(services.facts!.includes('user_service.get_user'), JSON.stringify(services.facts));
    const twins = item(model, 'prep.twins');
    assert.ok(twins.facts!.some((f) => f.startsWith('user_service.get_user → async_user_service')), JSON.stringify(twins.facts));
    const premerge = item(model, 'review.premerge');
    assert.deepStrictEqual(premerge.checks!.map((c) => c.id), ['noDbQuery', 'noSyncSession', 'servicesAsync', 'redisAwaited', 'noUtcnow', 'testsPass', 'noSyncImports']);
    assert.strictEqual(premerge.checks!.find((c) => c.id === 'noUtcnow')!.done, false);
    assert.ok(premerge.locations!.every((l) => l.code === 'AM401'));
    assert.strictEqual(model.templates.testCommand, 'pytest tests/api/test_attendance.py -v');
    assert.match(model.templates.branch, /^async\/endpoint-attendance-checkin-\d{4}-\d{2}-\d{2}$/);
    assert.strictEqual(model.doc.path, 'docs/async-migration/endpoints/attendance-checkin.md');
    assert.strictEqual(model.doc.exists, false);
    assert.strictEqual(item(model, 'testing.load').optional, true);
    const testing = model.steps[3];
    assert.strictEqual(testing.total, testing.items.filter((i) => !i.optional).length);
  });

  it('returns null for an unknown endpoint or folder', async () => {
    assert.strictEqual(await checklist('GET /nope'), null);
    assert.strictEqual(await request(MIGRATION_REQUESTS.checklist, { folder: 'file:///nowhere', id: CHECKIN }), null);
    assert.strictEqual(await request(MIGRATION_REQUESTS.checklist, { bogus: 1 }), null);
  });

  it('persists a manual item in progress.md and announces the change', async () => {
    const before = notes.length;
    const result = await request<MutationResult>(MIGRATION_REQUESTS.setChecklistItem, { ...ref(), item: 'prep.branch', done: true, by: 'Ana', note: 'async/endpoint-attendance-checkin-2026-01-01' });
    assert.deepStrictEqual(result, { ok: true });
    const progress = readProgress(root);
    assert.ok(progress.exists && !progress.error, progress.error?.message);
    const mark = progress.state.endpoints[CHECKIN].checklist!['prep.branch'];
    assert.strictEqual(mark.done, true);
    assert.strictEqual(mark.by, 'Ana');
    assert.strictEqual(mark.note, 'async/endpoint-attendance-checkin-2026-01-01');
    await client.waitFor(() => notes.length > before, 5000, 'inventoryChanged after a tick');
    const model = (await checklist())!;
    const branch = item(model, 'prep.branch');
    assert.strictEqual(branch.done, true);
    assert.strictEqual(branch.by, 'Ana');
    assert.strictEqual(branch.note, 'async/endpoint-attendance-checkin-2026-01-01');
    assert.strictEqual(model.steps[0].complete, true);
    // Untick.
    assert.deepStrictEqual(await request(MIGRATION_REQUESTS.setChecklistItem, { ...ref(), item: 'prep.branch', done: false }), { ok: true });
    assert.strictEqual(item((await checklist())!, 'prep.branch').done, false);
  });

  it('refuses automatic items, unknown items and unknown endpoints', async () => {
    const auto = await request<MutationResult>(MIGRATION_REQUESTS.setChecklistItem, { ...ref(), item: 'migration.queries', done: true });
    assert.strictEqual(auto.ok, false);
    assert.match(auto.error!, /not a manual checklist item/);
    const unknown = await request<MutationResult>(MIGRATION_REQUESTS.setChecklistItem, { ...ref('GET /nope'), item: 'prep.branch', done: true });
    assert.strictEqual(unknown.ok, false);
    assert.match(unknown.error!, /no endpoint/);
    const bad = await request<MutationResult>(MIGRATION_REQUESTS.setChecklistItem, { ...ref(), item: 'prep.branch', done: 'yes' });
    assert.strictEqual(bad.ok, false);
  });

  it('records test runs (the unit-test item follows a passing run)', async () => {
    const at = new Date().toISOString();
    assert.deepStrictEqual(await request(MIGRATION_REQUESTS.recordTestRun, { ...ref(), passed: false, exitCode: 1, durationMs: 2300, command: 'pytest tests/api/test_attendance.py -v', at }), { ok: true });
    let model = (await checklist())!;
    assert.deepStrictEqual(model.lastTestRun, { passed: false, exitCode: 1, durationMs: 2300, command: 'pytest tests/api/test_attendance.py -v', at });
    assert.strictEqual(item(model, 'testing.unit').done, false);
    assert.deepStrictEqual(await request(MIGRATION_REQUESTS.recordTestRun, { ...ref(), passed: true, exitCode: 0, durationMs: 1800, command: 'pytest tests/api/test_attendance.py -v', at }), { ok: true });
    model = (await checklist())!;
    assert.strictEqual(item(model, 'testing.unit').done, true);
    assert.strictEqual(item(model, 'review.premerge').checks!.find((c) => c.id === 'testsPass')!.done, true);
  });

  it('records latency before / after and validates the numbers', async () => {
    assert.deepStrictEqual(await request(MIGRATION_REQUESTS.recordMetrics, { ...ref(), phase: 'before', sample: { p50: 40, p95: 120, p99: 300, errorRate: 0.05 } }), { ok: true });
    assert.deepStrictEqual(await request(MIGRATION_REQUESTS.recordMetrics, { ...ref(), phase: 'after', sample: { p50: 30, p95: 90, p99: 200, throughput: 800 } }), { ok: true });
    const model = (await checklist())!;
    assert.deepStrictEqual(model.metrics, { before: { p50: 40, p95: 120, p99: 300, errorRate: 0.05 }, after: { p50: 30, p95: 90, p99: 200, throughput: 800 } });
    const state = readProgress(root).state.endpoints[CHECKIN];
    assert.deepStrictEqual(state.metrics!.p95, { before: 120, after: 90 });
    const bad = await request<MutationResult>(MIGRATION_REQUESTS.recordMetrics, { ...ref(), phase: 'after', sample: { p50: -1, p95: 1, p99: 1 } });
    assert.strictEqual(bad.ok, false);
  });

  it('reports a corrupt progress.md instead of losing it', async () => {
    const file = path.join(root, 'docs/async-migration/progress.md');
    const good = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, good.replace('"endpoints": {', '"endpoints": {,,'));
      const model = (await checklist())!;
      assert.ok(model.progressError, 'progressError shown');
      const result = await request<MutationResult>(MIGRATION_REQUESTS.setChecklistItem, { ...ref(), item: 'prep.branch', done: true });
      assert.strictEqual(result.ok, false);
      assert.match(result.error!, /a copy was saved to docs\/async-migration\/progress\.md\.bak-/);
    } finally {
      fs.writeFileSync(file, good);
      for (const f of fs.readdirSync(path.dirname(file))) if (f.includes('.bak-')) fs.unlinkSync(path.join(path.dirname(file), f));
    }
  });

  it('writes the analysis document, keeps notes around it and ticks the item', async () => {
    const result = await request<WriteDocResult>(MIGRATION_REQUESTS.writeEndpointDoc, ref());
    assert.strictEqual(result.ok, true, result.error);
    assert.strictEqual(result.path, 'docs/async-migration/endpoints/attendance-checkin.md');
    const file = path.join(root, result.path!);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.includes(DOC_START) && text.includes(DOC_END));
    assert.match(text, /# POST \/api\/v1\/attendance\/checkin \(checkin\)/);
    assert.match(text, /### Services/);
    assert.match(text, /`user_service\.get_user`/);
    assert.match(text, /Legacy `db\.query\(\)` chains: 2/);
    assert.match(text, /AM102/);
    fs.writeFileSync(file, text.replace('## Notes', '## Notes\n\nAsk Marta about the QR reader.'));
    assert.strictEqual((await request<WriteDocResult>(MIGRATION_REQUESTS.writeEndpointDoc, ref())).ok, true);
    const again = fs.readFileSync(file, 'utf8');
    assert.match(again, /Ask Marta about the QR reader\./);
    assert.strictEqual(again.split(DOC_START).length, 2, 'one generated section');
    const model = (await checklist())!;
    assert.strictEqual(item(model, 'analysis.doc').done, true);
    assert.strictEqual(model.doc.exists, true);
  });

  it('previews "Migrate this endpoint" without applying it', async () => {
    const preview = await request<MigratePreview>(MIGRATION_REQUESTS.migratePreview, ref());
    assert.strictEqual(preview.ok, true, preview.error);
    assert.match(preview.after!, /async def checkin\(/);
    assert.strictEqual(preview.before, fs.readFileSync(path.join(root, ATTENDANCE), 'utf8'));
    assert.strictEqual(applyLspEdits(preview.before!, preview.edits!), preview.after);
    assert.ok(preview.applied!.length > 0);
    assert.strictEqual(client.applyEdits.length, 0, 'nothing applied');
  });

  it('updates automatic items live from the editor buffer', async () => {
    const uri = client.uri(ATTENDANCE);
    const before = fs.readFileSync(path.join(root, ATTENDANCE), 'utf8');
    const preview = await request<MigratePreview>(MIGRATION_REQUESTS.migratePreview, ref());
    const count = notes.length;
    await client.change(uri, 2, [{ text: preview.after! }]);
    await client.waitFor(() => notes.length > count, 5000, 'inventoryChanged after an edit');
    const model = (await checklist())!;
    const migration = model.steps.find((s) => s.id === 'migration')!;
    assert.strictEqual(item(model, 'migration.async-def').done, true);
    assert.strictEqual(item(model, 'migration.queries').count, 0, JSON.stringify(item(model, 'migration.queries')));
    assert.ok(migration.done > 2, JSON.stringify(migration.items.map((i) => [i.id, i.done, i.detail])));
    assert.strictEqual(fs.readFileSync(path.join(root, ATTENDANCE), 'utf8'), before, 'disk untouched');
    await client.change(uri, 3, [{ text: before }]);
  });
});

describe('migration requests: helpers', () => {
  it('ITEM_CODES match what the engine counts for each automatic item', () => {
    const endpoint = (codes: string[]): Pick<Endpoint, 'isAsync' | 'findings' | 'dependencies'> => ({
      isAsync: true,
      findings: codes.map((code) => ({ code, severity: 'error' }) as Finding),
      dependencies: { services: [], externalSdks: [], db: { legacyQueries: 0, modernQueries: 0, sessions: [] }, redis: { calls: 0, flavors: [] } },
    });
    const autoIds = CHECKLIST_ITEMS.filter((i) => i.kind === 'auto').map((i) => i.id);
    const allCodes = [...new Set(Object.values(ITEM_CODES).flat()), 'AM401', 'AM501', 'AM601'];
    for (const id of Object.keys(ITEM_CODES)) assert.ok(autoIds.includes(id), `${id} is an automatic engine item`);
    for (const code of allCodes) {
      const result = evaluateChecklist(endpoint([code]), undefined);
      for (const [id, codes] of Object.entries(ITEM_CODES)) {
        const done = result.items.find((i) => i.id === id)!.done;
        assert.strictEqual(done, !codes.includes(code), `${id} with one ${code}`);
      }
    }
  });

  it('merges the generated section into a document', () => {
    const created = mergeAnalysisDoc(undefined, 'A', 'T');
    assert.strictEqual(created, `# T\n\n${DOC_START}\nA\n${DOC_END}\n\n## Notes\n\n`);
    const edited = created.replace('## Notes\n\n', '## Notes\n\nmine\n');
    assert.strictEqual(mergeAnalysisDoc(edited, 'B'), `# T\n\n${DOC_START}\nB\n${DOC_END}\n\n## Notes\n\nmine\n`);
    assert.strictEqual(mergeAnalysisDoc('hand written\n', 'C'), `hand written\n\n${DOC_START}\nC\n${DOC_END}\n`);
  });
});
