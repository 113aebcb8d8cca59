// The dashboard model (analysis/dashboard/model.ts) on examples/gym-app and on hand-made
// inventories, and the SVG charts (analysis/dashboard/charts.ts): deterministic bytes, titles
// and descriptions, table alternatives, hostile names escaped, English strings in step with the
// editor's localized table.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CHART_STRINGS, burnupChart, dashboardCharts, findingsChart, latencyChart, svgText } from '../../../server/src/analysis/dashboard/charts';
import { type DashboardModel, type History, asyncShare, buildDashboard, migrationStart } from '../../../server/src/analysis/dashboard/model';
import { PHASE_TARGETS, targetAt } from '../../../server/src/analysis/dashboard/targets';
import { buildInventory } from '../../../server/src/analysis/endpoints/inventory';
import type { Endpoint, Inventory } from '../../../server/src/analysis/endpoints/types';
import { emptyState, type ProgressState } from '../../../server/src/analysis/progress/state';
import { twinPairs } from '../../../server/src/analysis/twins';
import { loadProject } from '../../../server/src/project';

const REPO = path.resolve(__dirname, '..', '..', '..');
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

async function gymApp(): Promise<{ inventory: Inventory; model: DashboardModel; twins: ReturnType<typeof twinPairs> }> {
  const project = await loadProject(path.join(REPO, 'examples/gym-app'));
  const inventory = buildInventory(project.index, project.config, { getText: (p) => project.texts.get(p) });
  const twins = twinPairs(project.index);
  return { inventory, twins, model: buildDashboard({ inventory, twins }) };
}

/** A minimal endpoint for hand-made inventories. */
function endpoint(id: string, tier: 1 | 2 | 3, isAsync: boolean, findings: Endpoint['findings'] = []): Endpoint {
  const [method, route] = id.split(' ');
  const dependencies = { services: [], externalSdks: [], db: { sessions: [], legacyQueries: 0, modernQueries: 0 }, redis: { calls: 0, flavors: [] } };
  return { id, method, route, tier, isAsync, findings, findingCodes: {}, dependencies, status: isAsync ? 'migrated' : 'sync', statusReasons: [], path: 'app/api.py', line: 1, function: 'h' } as unknown as Endpoint;
}

const HISTORY: History = {
  commits: 4,
  start: '2026-01-05T12:00:00+00:00',
  samples: [
    { commit: 'a'.repeat(40), date: '2026-01-05T12:00:00+00:00', subject: 'sync', share: { total: 4, async: 0, percent: 0, tiers: [{ tier: 1, total: 2, async: 0, percent: 0 }, { tier: 2, total: 1, async: 0, percent: 0 }, { tier: 3, total: 1, async: 0, percent: 0 }] } },
    { commit: 'b'.repeat(40), date: '2026-01-19T12:00:00+00:00', subject: 'one', share: { total: 4, async: 1, percent: 25, tiers: [{ tier: 1, total: 2, async: 1, percent: 50 }, { tier: 2, total: 1, async: 0, percent: 0 }, { tier: 3, total: 1, async: 0, percent: 0 }] } },
    { commit: 'c'.repeat(40), date: '2026-01-26T12:00:00+00:00', subject: 'broken', share: null, error: 'git cat-file exited with 128' },
    { commit: 'd'.repeat(40), date: '2026-02-02T12:00:00+00:00', subject: 'three', share: { total: 4, async: 3, percent: 75, tiers: [{ tier: 1, total: 2, async: 2, percent: 100 }, { tier: 2, total: 1, async: 1, percent: 100 }, { tier: 3, total: 1, async: 0, percent: 0 }] } },
  ],
};

describe('dashboard model', function () {
  this.timeout(30_000);

  it('examples/gym-app: the share of async endpoints, overall and per tier, matches the inventory', async () => {
    const { inventory, model } = await gymApp();
    assert.strictEqual(model.share.total, inventory.endpoints.length);
    assert.strictEqual(model.share.async, inventory.endpoints.filter((e) => e.isAsync).length);
    for (const t of model.share.tiers) {
      const of = inventory.endpoints.filter((e) => e.tier === t.tier);
      assert.strictEqual(t.total, of.length, `tier ${t.tier}`);
      assert.strictEqual(t.async, of.filter((e) => e.isAsync).length, `tier ${t.tier}`);
    }
    // The numbers `async-migrate progress` prints for the example (23 / 37, tier 1 21 / 32).
    assert.deepStrictEqual([model.share.async, model.share.total, model.share.percent], [23, 37, 62.2]);
    assert.deepStrictEqual(model.share.tiers.map((t) => [t.async, t.total]), [[21, 32], [1, 1], [1, 4]]);
    const st = model.statuses;
    assert.strictEqual(st.sync + st.inProgress + st.migrated + st.verified, 37);
  });

  it('examples/gym-app: findings per rule are counted once, per tier once within the tier', async () => {
    const { inventory, model } = await gymApp();
    const total = model.findingsByRule.reduce((a, r) => a + r.count, 0);
    assert.strictEqual(total, 43, 'the remaining findings `progress` reports');
    for (const r of model.findingsByRule) {
      assert.ok(r.byTier.reduce((a, n) => a + n, 0) >= r.count, `${r.code}: a finding reached from two tiers counts in both`);
      assert.ok(r.byTier.every((n) => n <= r.count), r.code);
    }
    const sorted = [...model.findingsByRule].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
    assert.deepStrictEqual(model.findingsByRule.map((r) => r.code), sorted.map((r) => r.code));
    // Tier 2 has one endpoint and no findings; tier 1 has the most.
    const tierCount = (t: number) => model.findingsByTier.find((x) => x.tier === t)!.count;
    assert.strictEqual(tierCount(2), new Set(inventory.endpoints.filter((e) => e.tier === 2).flatMap((e) => e.findings.map((f) => `${f.path}:${f.start}:${f.code}`))).size);
    assert.ok(tierCount(1) > tierCount(3));
  });

  it('examples/gym-app: blockers are the endpoints with the most open errors, then findings; AM701 twins say which are safe to delete', async () => {
    const { model } = await gymApp();
    assert.ok(model.blockers.length > 0 && model.blockers.length <= 10);
    for (let i = 1; i < model.blockers.length; i++) {
      const [a, b] = [model.blockers[i - 1], model.blockers[i]];
      assert.ok(a.errors > b.errors || (a.errors === b.errors && a.findings >= b.findings), `${a.id} before ${b.id}`);
    }
    assert.ok(model.blockers.every((b) => b.findings > 0));
    assert.deepStrictEqual(
      model.twins.map((t) => [t.sync, t.safeToDelete, t.importers.length]),
      [
        ['app/services/activity_feed_service.py', false, 2],
        ['app/services/event.py', true, 0],
        ['app/services/user.py', false, 2],
      ],
    );
  });

  it('P95 before/after from progress.md against −20 %: met, not met, pending, and bad values ignored', () => {
    const inventory = { endpoints: [endpoint('GET /a', 1, true), endpoint('GET /b', 1, true), endpoint('GET /c', 2, true), endpoint('GET /d', 3, false), endpoint('GET /e', 1, true)], phases: [], problems: [], generation: 0 } as Inventory;
    const state: ProgressState = emptyState();
    state.endpoints['GET /a'] = { metrics: { p95: { before: 200, after: 150 } } }; // −25 %: met
    state.endpoints['GET /b'] = { metrics: { p95: { before: 100, after: 80 } } }; // −20 %: met (boundary)
    state.endpoints['GET /c'] = { metrics: { p95: { before: 100, after: 95 } } }; // −5 %: not met
    state.endpoints['GET /d'] = { metrics: { p95: { before: 120 } } }; // pending
    state.endpoints['GET /e'] = { metrics: { p95: { before: 'fast' as unknown as number, after: 10 } } }; // ignored
    const model = buildDashboard({ inventory, state });
    assert.deepStrictEqual(
      model.latency.map((r) => [r.id, r.change, r.met]),
      [
        ['GET /a', -0.25, true],
        ['GET /b', -0.2, true],
        ['GET /c', -0.05, false],
      ],
    );
    assert.deepStrictEqual(model.latencyPending, ['GET /d']);
  });

  it('an empty inventory gives zeros, not NaN', () => {
    const share = asyncShare({ endpoints: [] });
    assert.deepStrictEqual([share.total, share.async, share.percent], [0, 0, 0]);
    assert.ok(share.tiers.every((t) => t.percent === 0));
  });

  it('the plan: targets 40/60/80/100 % at weeks 3/4/7/10 as a step function; the clock starts before the first growth', () => {
    assert.deepStrictEqual(PHASE_TARGETS.map((t) => [t.week, t.percent]), [[3, 40], [4, 60], [7, 80], [10, 100]]);
    assert.deepStrictEqual([0, 2.9, 3, 3.5, 4, 6.99, 7, 10, 52].map(targetAt), [0, 0, 40, 40, 60, 60, 80, 100, 100]);
    assert.strictEqual(migrationStart(HISTORY.samples), HISTORY.samples[0].date);
    const late = clone(HISTORY.samples);
    late.unshift({ ...late[0], commit: 'e'.repeat(40), date: '2025-12-01T00:00:00+00:00' });
    assert.strictEqual(migrationStart(late), HISTORY.samples[0].date, 'the last sample before the share grew');
    assert.strictEqual(migrationStart([]), undefined);
  });
});

describe('dashboard charts (SVG)', function () {
  this.timeout(30_000);

  it('two runs give byte-identical SVG files', async () => {
    const first = (await gymApp()).model;
    const second = (await gymApp()).model;
    for (const m of [first, second]) m.history = clone(HISTORY);
    const a = dashboardCharts(first).map(svgText);
    const b = dashboardCharts(clone(second)).map(svgText);
    assert.strictEqual(a.length, 3);
    a.forEach((text, i) => assert.strictEqual(text, b[i], `chart ${i} differs between runs`));
  });

  it('every chart starts with <title> and <desc>, is role="img" labelled by them, and has a table alternative', async () => {
    const { model } = await gymApp();
    model.history = clone(HISTORY);
    for (const chart of dashboardCharts(model)) {
      const text = svgText(chart);
      assert.match(text, new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" [^>]*role="img" aria-labelledby="${chart.id}-title ${chart.id}-desc"`));
      assert.match(text, new RegExp(`\\n  <title id="${chart.id}-title">[^<]+</title>\\n  <desc id="${chart.id}-desc">[^<]+</desc>\\n  <style>`));
      assert.ok(chart.table.headers.length >= 3 && chart.table.rows.every((r) => r.length === chart.table.headers.length), chart.id);
      assert.ok(text.endsWith('</svg>\n'));
      assert.ok(!/NaN|undefined|Infinity/.test(text), `${chart.id} has no NaN/undefined`);
    }
  });

  it('burn-up: one point per analysed sample at its percent, per-tier lines, the plan as steps, and a table row per sample', () => {
    const model = buildDashboard({ inventory: { endpoints: [], phases: [], problems: [], generation: 0 }, history: clone(HISTORY) });
    const chart = burnupChart(model);
    const text = svgText(chart);
    const points = [...text.matchAll(/<circle class="am-point" cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => Number(m[2]));
    // y = top + ph − p/100·ph with top 24 and ph 232: 0 % at 256, 25 % at 198, 75 % at 82.
    assert.deepStrictEqual(points, [256, 198, 82]);
    assert.match(text, /<polyline class="am-line am-tier1"/);
    assert.match(text, /<polyline class="am-plan" points="[^"]+"/);
    const plan = /<polyline class="am-plan" points="([^"]+)"/.exec(text)![1].split(' ').map((p) => Number(p.split(',')[1]));
    // Levels 0 → 40 → 60 → 80 → 100 %, never going down.
    assert.deepStrictEqual([...new Set(plan)], [256, 163.2, 116.8, 70.4, 24]);
    assert.strictEqual(chart.table.rows.length, 4);
    assert.deepStrictEqual(chart.table.rows[1], ['bbbbbbb', '2026-01-19', '25 % (1/4)', '50 % (1/2)', '0 % (0/1)', '0 % (0/1)', '0 %']);
    assert.match(chart.table.rows[2][2], /not analysed \(git cat-file exited with 128\)/);
    assert.deepStrictEqual(chart.table.rows.map((r) => r[r.length - 1]), ['0 %', '0 %', '40 %', '60 %'], 'the plan at weeks 0, 2, 3 and 4 after the start');
    assert.match(chart.desc, /^3 of 4 endpoints async \(75 %\) at ddddddd 2026-02-02\. Plan \(seed\): phase 2: 40 % by week 3;/);
  });

  it('a commit dated before the one it follows (rebase, clock skew) is not drawn left of it', () => {
    const history = clone(HISTORY);
    history.samples[1].date = '2025-12-24T12:00:00+00:00';
    const text = svgText(burnupChart(buildDashboard({ inventory: { endpoints: [], phases: [], problems: [], generation: 0 }, history })));
    const xs = [...text.matchAll(/<circle class="am-point" cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.strictEqual(xs.length, 3);
    assert.ok(xs[0] <= xs[1] && xs[1] <= xs[2], xs.join(' '));
  });

  it('without history the burn-up says why', () => {
    const model = buildDashboard({ inventory: { endpoints: [], phases: [], problems: [], generation: 0 }, history: { samples: [], commits: 0, note: 'not a git repository' } });
    const chart = burnupChart(model);
    assert.strictEqual(chart.desc, 'No history: not a git repository');
    assert.ok(!/<circle/.test(svgText(chart)));
  });

  it('hostile endpoint names and commit subjects are escaped text, never markup', () => {
    const hostile = '<script>alert(1)</script>"onload="x';
    const inventory = { endpoints: [endpoint(`GET /${hostile}`, 1, true, [{ path: 'a.py', code: 'AM201', rule: 'missing-await', severity: 'error', message: '', start: 0, end: 1, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }])], phases: [], problems: [], generation: 0 } as Inventory;
    const state = emptyState();
    state.endpoints[`GET /${hostile}`] = { metrics: { p95: { before: 100, after: 70 } } };
    const model = buildDashboard({ inventory, state, history: clone(HISTORY) });
    model.history!.samples[0].subject = hostile;
    for (const chart of [findingsChart(model), latencyChart(model), burnupChart(model)]) {
      const text = svgText(chart);
      assert.ok(!text.includes('<script'), chart.id);
      assert.ok(!/ onload=/.test(text), chart.id);
    }
    assert.match(svgText(latencyChart(model)), /&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;onload=&quot;x/);
  });

  it("the editor's localized chart strings have exactly the keys and English text of the engine's table", () => {
    const source = fs.readFileSync(path.join(REPO, 'client/src/migration/strings.ts'), 'utf8');
    const body = source.slice(source.indexOf('export function chartStrings'), source.indexOf('export function dashboardStrings'));
    const entries = [...body.matchAll(/^\s+'?([\w.]+)'?: t\('((?:\\.|[^'])*)'\),$/gm)].map((m) => [m[1], m[2].replace(/\\'/g, "'")]);
    assert.deepStrictEqual(Object.fromEntries(entries), CHART_STRINGS);
  });
});
