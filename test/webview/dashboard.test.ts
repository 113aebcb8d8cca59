// The migration dashboard webview in headless Chromium, rendering a model recorded from the real
// language server (fixtures/dashboard-model.json: examples/gym-app with a scripted git history):
// the three sections and their charts with table alternatives, the history progress bar,
// keyboard use (Tab order, arrow keys through the burn-up's commits, Enter on links, the tables
// opened from the keyboard), hostile endpoint names, malformed messages, Spanish, the strict CSP,
// and screenshots in light, dark and high-contrast themes (test-results/screenshots/).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { type DashboardModel, type DashboardState, parseFromDashboard, parseToDashboard } from '../../client/src/migration/dashboard-protocol';
import { DASHBOARD, type ThemeName, type WebviewPage, launch, loadStrings, openWebview, screenshot, violations } from './support';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const MODEL = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'dashboard-model.json'), 'utf8')) as DashboardModel;
const WIDE = { width: 900, height: 1000 };

function state(model: DashboardModel | null, overrides: Partial<DashboardState> = {}, lang: 'en' | 'es' = 'en') {
  return { type: 'state', state: { strings: loadStrings(lang, 'dashboard'), folder: 'gym-app', model, history: model?.history ? 'ready' : 'loading', ...overrides } };
}

describe('dashboard webview (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let w: WebviewPage;

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    w = await openWebview(browser, 'dark', 'en', WIDE, DASHBOARD);
  });
  afterEach(async function () {
    const problems = await violations(w);
    await w.page.context().close();
    if (this.currentTest?.state === 'passed') assert.deepStrictEqual(problems, [], 'no CSP violations, page errors or console errors');
  });

  const text = (selector: string) => w.page.locator(selector).allInnerTexts();
  const focused = () => w.page.evaluate(() => document.activeElement?.getAttribute('data-focus') ?? document.activeElement?.tagName ?? '');

  it('posts ready on load, renders nothing before the first state; the fixture is a valid message', async () => {
    assert.deepStrictEqual(await w.posted(), [{ type: 'ready' }]);
    assert.strictEqual(await w.page.locator('#root > *').count(), 0);
    assert.ok(parseToDashboard(state(MODEL)), 'the recorded model validates');
  });

  it('renders the summary, the burn-up with one point per commit, findings, blockers, twins and latency', async () => {
    await w.send(state(MODEL));
    assert.strictEqual((await text('h1'))[0], 'Migration dashboard: gym-app');
    assert.strictEqual((await text('.summary .headline'))[0], '23 of 37 endpoints async (62.2 %)');
    assert.deepStrictEqual(await text('.tiers li'), ['Tier 1: 21 of 32 async (65.6 %)', 'Tier 2: 1 of 1 async (100 %)', 'Tier 3: 1 of 4 async (25 %)']);
    assert.deepStrictEqual(await text('section.panel h2'), ['Burn-up: the plan against reality', 'Where it hurts now', 'Did it get faster?']);
    // Burn-up: 11 commits, the last at 62.2 %, each point with its commit and values.
    const points = w.page.locator('figure[data-chart="burn-up"] circle.am-point');
    assert.strictEqual(await points.count(), MODEL.history!.samples.length);
    const lastTitle = await points.last().locator('title').textContent();
    assert.match(lastTitle ?? '', /^[0-9a-f]{7} \(2026-02-14\): 62\.2 % async \(23 of 37\); tier 1 65\.6 %, tier 2 100 %, tier 3 25 %$/);
    assert.strictEqual(await w.page.locator('figure[data-chart="burn-up"] polyline.am-plan').count(), 1);
    assert.strictEqual(await w.page.locator('figure[data-chart="burn-up"] svg').getAttribute('role'), 'img');
    assert.match((await text('figure[data-chart="burn-up"] figcaption'))[0], /^23 of 37 endpoints async \(62\.2 %\) at [0-9a-f]{7} 2026-02-14\. Plan \(seed\): phase 2: 40 % by week 3/);
    // Findings per rule: one bar per rule.
    assert.strictEqual(await w.page.locator('figure[data-chart="findings"] g.am-row').count(), MODEL.findingsByRule.length + 3);
    // Blockers and twins.
    assert.strictEqual(await w.page.locator('ol.blockers li').count(), MODEL.blockers.length);
    const first = MODEL.blockers[0];
    assert.ok((await text('ol.blockers li'))[0].includes(`open findings: ${first.findings}, errors: ${first.errors}`));
    // Why each is blocked: the engine's status reasons (an async handler with open errors).
    assert.strictEqual(first.status, 'in progress');
    assert.strictEqual((await text('ol.blockers li .reasons'))[0], first.reasons.join('; '));
    assert.deepStrictEqual(await text('ul.twins > li .safe'), ['safe to delete: nothing imports it any more']);
    assert.match((await text('li[data-twin="app/services/user.py"]'))[0], /still imported \(importers: 2\)/);
    // Latency: two of three met the target; the pending one is listed.
    const latency = w.page.locator('figure[data-chart="latency"] g.am-row');
    assert.strictEqual(await latency.count(), 3);
    assert.strictEqual(await w.page.locator('figure[data-chart="latency"] rect.am-met').count(), 2 + 1, 'two met bars + the legend');
    assert.match((await text('figure[data-chart="latency"] figcaption'))[0], /^2 of 3 endpoints with P95 recorded before and after met the −20 % target\.$/);
    assert.match((await text('#faster'))[0], /Waiting for the P95 after the migration: POST \/api\/v1\/attendance\/checkin/);
  });

  it('each chart has a table alternative with the same numbers', async () => {
    await w.send(state(MODEL));
    const rows = w.page.locator('figure[data-chart="burn-up"] details table tbody tr');
    assert.strictEqual(await rows.count(), MODEL.history!.samples.length);
    const last = await rows.last().locator('th, td').allTextContents();
    assert.deepStrictEqual(last.slice(1, 6), ['2026-02-14', '62.2 % (23/37)', '65.6 % (21/32)', '100 % (1/1)', '25 % (1/4)']);
    const findingRows = await w.page.locator('figure[data-chart="findings"] details tbody tr').count();
    assert.strictEqual(findingRows, MODEL.findingsByRule.length);
    const latencyCells = await w.page.locator('figure[data-chart="latency"] details tbody tr').first().locator('th, td').allTextContents();
    assert.deepStrictEqual(latencyCells, ['GET /api/v1/users/me', '180', '120', '−33.3 %', 'yes']);
  });

  it('shows a progress bar while the history is computed, updated in place by progress messages', async () => {
    const snapshot = clone(MODEL);
    delete snapshot.history;
    await w.send(state(snapshot, { history: 'loading' }));
    const bar = w.page.locator('progress');
    assert.strictEqual(await bar.getAttribute('aria-label'), 'Computing the history');
    assert.strictEqual(await w.page.locator('figure[data-chart="burn-up"]').count(), 0);
    await w.send({ type: 'progress', percent: 45.5, message: '5/11 · abc1234 2026-01-21' });
    assert.strictEqual(await bar.evaluate((b) => (b as HTMLProgressElement).value), 46);
    assert.strictEqual(await bar.getAttribute('aria-valuetext'), '5/11 · abc1234 2026-01-21');
    assert.strictEqual((await text('.loading span'))[0], '46 % · 5/11 · abc1234 2026-01-21');
    await w.send(state(MODEL));
    assert.strictEqual(await w.page.locator('progress').count(), 0);
    assert.strictEqual(await w.page.locator('figure[data-chart="burn-up"] circle.am-point').count(), 11);
    assert.match((await w.page.locator('#announce').textContent()) ?? '', /23 of 37 endpoints async/);
  });

  it('is keyboard-operable: Tab order, arrow keys through the commits (announced), Enter on links and tables', async () => {
    await w.send(state(MODEL));
    await w.page.keyboard.press('Tab');
    assert.strictEqual(await focused(), 'refresh');
    await w.clearPosted();
    await w.page.keyboard.press('Enter');
    assert.deepStrictEqual(await w.posted(), [{ type: 'refresh' }]);
    await w.page.keyboard.press('Tab');
    assert.strictEqual(await focused(), 'chart-burn-up');
    const outline = await w.page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notStrictEqual(outline, 'none', 'visible focus outline');
    await w.page.keyboard.press('ArrowRight');
    const announced = () => w.page.locator('#announce').textContent();
    assert.match((await announced()) ?? '', /^[0-9a-f]{7} \(2026-01-05\): 2\.7 % async \(1 of 37\)/);
    await w.page.keyboard.press('ArrowRight');
    assert.match((await announced()) ?? '', /\(2026-01-09\): 13\.5 % async \(5 of 37\)/);
    await w.page.keyboard.press('End');
    assert.match((await announced()) ?? '', /\(2026-02-14\): 62\.2 % async/);
    assert.strictEqual(await w.page.locator('circle.am-point.am-selected').count(), 1);
    await w.page.keyboard.press('Home');
    assert.match((await announced()) ?? '', /\(2026-01-05\)/);
    // The table alternative opens from the keyboard.
    await w.page.keyboard.press('Tab');
    assert.strictEqual(await focused(), 'table-burn-up');
    await w.page.keyboard.press('Enter');
    assert.strictEqual(await w.page.locator('figure[data-chart="burn-up"] details').getAttribute('open'), '');
    assert.ok(await w.page.locator('figure[data-chart="burn-up"] details table').isVisible());
    // On to the first blocker: Enter opens its handler.
    let steps = 0;
    while ((await focused()) !== 'blocker-0' && steps++ < 10) await w.page.keyboard.press('Tab');
    await w.clearPosted();
    await w.page.keyboard.press('Enter');
    assert.deepStrictEqual(await w.posted(), [{ type: 'openEndpoint', id: MODEL.blockers[0].id }]);
    // A re-render (new state) keeps the focus where it was.
    await w.send(state(MODEL));
    assert.strictEqual(await focused(), 'blocker-0');
    // Twins open their file.
    while ((await focused()) !== 'twin-0' && steps++ < 30) await w.page.keyboard.press('Tab');
    await w.clearPosted();
    await w.page.keyboard.press('Enter');
    assert.deepStrictEqual(await w.posted(), [{ type: 'openFile', path: MODEL.twins[0].sync }]);
    for (const m of await w.posted()) assert.ok(parseFromDashboard(m), 'what the webview posts validates');
  });

  it('hostile endpoint names, paths and commit subjects render as text', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>"onload="alert(3)';
    const model = clone(MODEL);
    model.blockers[0].id = `GET /${hostile}`;
    model.blockers[0].route = `/${hostile}`;
    model.blockers[0].path = `app/${hostile}.py`;
    model.twins[0].sync = `app/${hostile}.py`;
    model.latency[0].id = `GET /${hostile}`;
    model.findingsByRule[0].rule = hostile;
    model.history!.samples[0].subject = hostile;
    model.history!.note = hostile;
    await w.send(state(model));
    assert.strictEqual(await w.page.locator('#root script, #root img, #root [onload], #root [onerror]').count(), 0);
    assert.ok((await text('ol.blockers li'))[0].includes(`/${hostile}`), 'shown literally');
    assert.ok((await w.page.locator('figure[data-chart="latency"] g.am-row title').first().textContent())!.includes(hostile));
    assert.deepStrictEqual(w.dialogs, []);
  });

  it('ignores malformed messages and posts nothing for them', async () => {
    await w.send(state(MODEL));
    const before = await w.page.locator('#root').innerHTML();
    const bad = clone(MODEL) as unknown as Record<string, unknown>;
    (bad.share as Record<string, unknown>).percent = 'lots';
    await w.clearPosted();
    for (const m of [state(bad as unknown as DashboardModel), { type: 'state' }, { type: 'progress', percent: 500, message: 'x' }, { type: 'evil', html: '<b>x</b>' }, 'state']) await w.send(m);
    assert.strictEqual(await w.page.locator('#root').innerHTML(), before);
    assert.deepStrictEqual(await w.posted(), []);
    // Each one was recognised and dropped (one warning each), and none made the script throw.
    assert.deepStrictEqual(await violations(w), []);
    assert.deepStrictEqual(w.warnings, Array(5).fill('async-migrate dashboard: ignored a malformed message'));
  });

  it('shows errors: no model at all, and a history that could not be computed', async () => {
    await w.send(state(null, { history: 'error', error: 'the language server is not running' }));
    assert.match((await text('.banner.error'))[0], /The dashboard could not be computed: the language server is not running/);
    const snapshot = clone(MODEL);
    delete snapshot.history;
    await w.send(state(snapshot, { history: 'error', error: 'git: not found' }));
    assert.match((await text('.banner.error'))[0], /The history could not be computed: git: not found/);
    assert.strictEqual(await w.page.locator('figure[data-chart="burn-up"]').count(), 1, 'an empty burn-up, with the findings and latency below');
  });

  it('speaks Spanish when VS Code does', async () => {
    await w.send(state(MODEL, {}, 'es'));
    assert.strictEqual((await text('h1'))[0], 'Panel de la migración: gym-app');
    assert.strictEqual((await text('.summary .headline'))[0], '23 de 37 endpoints async (62.2 %)');
    assert.deepStrictEqual(await text('section.panel h2'), ['Burn-up: el plan frente a la realidad', 'Dónde duele ahora', '¿Es más rápido?']);
    assert.match((await text('figure[data-chart="latency"] figcaption'))[0], /^2 de 3 endpoints con P95 registrado antes y después cumplieron el objetivo de −20 %\.$/);
    assert.strictEqual(await w.page.locator('figure[data-chart="burn-up"] svg title').first().textContent(), 'Endpoints async a lo largo del tiempo');
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
    it(`screenshot: ${theme} theme`, async () => {
      const page = await openWebview(browser, theme, 'en', WIDE, DASHBOARD);
      try {
        await page.send(state(MODEL));
        // Theme colours reach the charts (CSS variables, no colours of our own).
        const stroke = await page.page.locator('polyline.am-all').evaluate((e) => getComputedStyle(e).stroke);
        const expected = { light: 'rgb(26, 133, 255)', dark: 'rgb(55, 148, 255)', 'high-contrast': 'rgb(55, 148, 255)' }[theme];
        assert.strictEqual(stroke, expected);
        const file = await screenshot(page, `dashboard-${theme}`);
        assert.ok(fs.statSync(file).size > 10_000, `${file} written`);
        assert.deepStrictEqual(await violations(page), []);
      } finally {
        await page.page.context().close();
      }
    });
  }
});
