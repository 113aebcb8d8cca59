// The checklist webview in headless Chromium: replays message sequences recorded from the real
// language server (fixtures/checklist-models.json), and checks rendering of the six steps,
// toggles by mouse and keyboard, the messages posted back, hostile strings, the strict CSP,
// Restricted Mode, Spanish strings, and screenshots in light, dark and high-contrast themes.
import * as assert from 'assert';
import * as fs from 'fs';
import type { Browser } from 'playwright-core';
import { parseFromWebview, parseToWebview } from '../../client/src/migration/protocol';
import type { ChecklistModel } from '../../server/src/lsp/migration-protocol';
import { type ThemeName, type WebviewPage, fixtures, launch, loadStrings, openWebview, screenshot, state, violations } from './support';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('checklist webview (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let w: WebviewPage;
  const { fresh, worked, activityFeed } = fixtures();

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    w = await openWebview(browser, 'dark');
  });
  afterEach(async function () {
    const problems = await violations(w);
    await w.page.context().close();
    if (this.currentTest?.state === 'passed') assert.deepStrictEqual(problems, [], 'no CSP violations, page errors or console errors');
  });

  const text = (selector: string) => w.page.locator(selector).allInnerTexts();

  it('posts ready on load and renders nothing before the first state', async () => {
    assert.deepStrictEqual(await w.posted(), [{ type: 'ready' }]);
    assert.strictEqual(await w.page.locator('#root > *').count(), 0);
  });

  it('the recorded fixtures are valid protocol messages', () => {
    for (const model of [fresh, worked, activityFeed]) assert.ok(parseToWebview(state(model)), `${model.ref.id} validates`);
  });

  it('shows the empty state with a picker that posts "pick"', async () => {
    await w.send(state(null));
    assert.match((await text('.empty'))[0], /Put the cursor inside a FastAPI route handler/);
    await w.clearPosted();
    await w.page.getByRole('button', { name: 'Choose another endpoint' }).click();
    assert.deepStrictEqual(await w.posted(), [{ type: 'pick' }]);
  });

  it('renders the endpoint header and the six steps with their items', async () => {
    await w.send(state(fresh));
    const title = (await text('h2.endpoint-title'))[0];
    assert.match(title, /POST\s+\/api\/v1\/attendance\/checkin/);
    assert.match((await text('.tier'))[0], /Tier 1/);
    assert.match((await text('.tier-reason'))[0], /check-in/);
    assert.match((await text('.status'))[0], /sync/);
    const headings = await text('section.step h3');
    assert.strictEqual(headings.length, 6);
    ['1. Preparation', '2. Dependency analysis', '3. Migration', '4. Testing', '5. Code review & merge', '6. Deploy & monitor'].forEach((h, i) => assert.ok(headings[i].startsWith(h), `${headings[i]} starts with ${h}`));
    for (const step of fresh.steps) {
      const rendered = await w.page.locator(`section[data-step="${step.id}"] li.item`).count();
      assert.strictEqual(rendered, step.items.length, `${step.id} items`);
      for (const item of step.items) {
        const li = w.page.locator(`li.item[data-item="${item.id}"]`);
        if (item.kind === 'manual') {
          const box = li.getByRole('checkbox');
          assert.strictEqual(await box.getAttribute('aria-checked'), String(item.done), item.id);
          assert.strictEqual(await box.getAttribute('tabindex'), '0');
        } else {
          assert.strictEqual(await li.locator('.auto-mark').first().getAttribute('role'), 'img');
          assert.strictEqual(await li.locator('.auto-mark').first().getAttribute('aria-label'), item.done ? 'Automatic check, done' : 'Automatic check, not done yet');
        }
      }
      assert.match((await text(`section[data-step="${step.id}"] .progress`))[0], new RegExp(`^${step.done}/${step.total}$`));
    }
    // Step 3: per-rule counts and jump-to links.
    const queries = fresh.steps[2].items.find((i) => i.id === 'migration.queries')!;
    const li = w.page.locator('li.item[data-item="migration.queries"]');
    assert.strictEqual((await li.locator('.count').innerText()).trim(), String(queries.count));
    assert.strictEqual(await li.locator('button.location').count(), queries.locations!.length);
    assert.match(await li.locator('.code-chip').first().innerText(), /AM102 × 2/);
    // Actions of every step.
    const actions = await w.page.locator('button[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    assert.deepStrictEqual(actions, ['createBranch', 'writeDoc', 'migrate', 'runTests', 'createLocust', 'copyCurl', 'openDiff']);
    assert.match((await text('section[data-step="prep"] p'))[0], /async\/endpoint-attendance-checkin-/);
  });

  it('toggles a manual item with the mouse and posts it', async () => {
    await w.send(state(fresh));
    await w.clearPosted();
    const box = w.page.locator('li.item[data-item="testing.integration"]').getByRole('checkbox');
    await box.click();
    assert.strictEqual(await box.getAttribute('aria-checked'), 'true', 'optimistic update');
    assert.deepStrictEqual(await w.posted(), [{ type: 'toggle', endpoint: fresh.ref, item: 'testing.integration', done: true }]);
    await box.click();
    assert.deepStrictEqual((await w.posted())[1], { type: 'toggle', endpoint: fresh.ref, item: 'testing.integration', done: false });
    // Clicking the label of an automatic item posts nothing.
    await w.clearPosted();
    await w.page.locator('li.item[data-item="migration.queries"] .label').click();
    assert.deepStrictEqual(await w.posted(), []);
  });

  it('is keyboard-operable: Tab reaches the checkboxes, Space and Enter toggle, focus survives a re-render', async () => {
    await w.send(state(fresh));
    await w.clearPosted();
    // Tab from the top until the Preparation branch checkbox has focus.
    await w.page.locator('body').click({ position: { x: 2, y: 2 } });
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await w.page.keyboard.press('Tab');
      found = await w.page.evaluate(() => document.activeElement?.getAttribute('data-focus') === 'item:prep.branch');
    }
    assert.ok(found, 'Tab reaches the branch checkbox');
    const outline = await w.page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notStrictEqual(outline, 'none', 'visible focus outline');
    await w.page.keyboard.press('Space');
    assert.deepStrictEqual(await w.posted(), [{ type: 'toggle', endpoint: fresh.ref, item: 'prep.branch', done: true }]);
    // The extension answers with the new state: focus stays on the same checkbox.
    const ticked = clone(fresh);
    ticked.steps[0].items.find((i) => i.id === 'prep.branch')!.done = true;
    await w.send(state(ticked));
    assert.strictEqual(await w.page.evaluate(() => document.activeElement?.getAttribute('data-focus')), 'item:prep.branch');
    assert.strictEqual(await w.page.evaluate(() => document.activeElement?.getAttribute('aria-checked')), 'true');
    await w.page.keyboard.press('Enter');
    assert.deepStrictEqual((await w.posted())[1], { type: 'toggle', endpoint: fresh.ref, item: 'prep.branch', done: false });
    // Tab onwards reaches the next manual checkbox and then a location button.
    await w.page.keyboard.press('Tab');
    const next = await w.page.evaluate(() => document.activeElement?.getAttribute('data-focus'));
    assert.ok(next && next !== 'item:prep.branch', `focus moved on (${next})`);
  });

  it('posts actions, jump-to locations and "open handler"', async () => {
    await w.send(state(fresh));
    await w.clearPosted();
    await w.page.locator('button[data-action="createBranch"]').click();
    await w.page.locator('button[data-action="migrate"]').click();
    await w.page.locator('li.item[data-item="migration.queries"] button.location').nth(1).click();
    await w.page.locator('header button.link').click();
    assert.deepStrictEqual(await w.posted(), [
      { type: 'action', endpoint: fresh.ref, action: 'createBranch' },
      { type: 'action', endpoint: fresh.ref, action: 'migrate' },
      { type: 'reveal', endpoint: fresh.ref, item: 'migration.queries', index: 1 },
      { type: 'openHandler', endpoint: fresh.ref },
    ]);
    for (const m of await w.posted()) assert.ok(parseFromWebview(m), `the extension accepts ${JSON.stringify(m)}`);
  });

  it('shows busy actions and notices', async () => {
    await w.send(state(fresh, { busy: ['runTests'] }));
    const run = w.page.locator('button[data-action="runTests"]');
    assert.strictEqual(await run.isDisabled(), true);
    assert.strictEqual(await run.getAttribute('aria-busy'), 'true');
    assert.strictEqual(await run.innerText(), 'Running…');
    await w.send({ type: 'busy', busy: [] });
    assert.strictEqual(await run.isDisabled(), false);
    await w.send({ type: 'notice', level: 'error', text: 'Cannot create the branch: the working tree has uncommitted changes (app/x.py)' });
    assert.match(await w.page.getByRole('alert').first().innerText(), /uncommitted changes/);
    assert.match(await w.page.locator('#announce').innerText(), /uncommitted changes/);
  });

  it('disables the executing actions in Restricted Mode and says why', async () => {
    await w.send(state(fresh, { trusted: false }));
    assert.match((await text('.banner.warning'))[0], /Restricted Mode/);
    for (const id of ['createBranch', 'runTests', 'openDiff']) {
      const b = w.page.locator(`button[data-action="${id}"]`);
      assert.strictEqual(await b.isDisabled(), true, `${id} disabled`);
      assert.strictEqual(await b.getAttribute('title'), 'Disabled in Restricted Mode');
    }
    for (const id of ['writeDoc', 'migrate', 'createLocust', 'copyCurl']) assert.strictEqual(await w.page.locator(`button[data-action="${id}"]`).isDisabled(), false, `${id} enabled`);
    assert.strictEqual(await w.page.locator('.blocked-reason').count(), 3);
  });

  it('shows test runs, latency before/after and the P95 target', async () => {
    await w.send(state(worked));
    assert.match((await text('.test-result'))[0], /Last run failed \(exit code 1\) after 4\.2 s/);
    const rows = await w.page.locator('.metrics tbody tr').allInnerTexts();
    assert.strictEqual(rows.length, 5);
    assert.match(rows[1], /P95 \(ms\)\s+210\s+150/);
    // 210 → 150 = −28.6 %: the −20 % target is met.
    assert.match((await text('.p95'))[0], /P95 change: −28\.6 %.*target met/);
    const branch = w.page.locator('li.item[data-item="prep.branch"]');
    assert.match(await branch.innerText(), /ticked by Ana García/);
    assert.match(await branch.innerText(), /async\/endpoint-attendance-checkin-2026-01-12/);
  });

  it('validates and posts recorded latency', async () => {
    await w.send(state(worked));
    await w.clearPosted();
    await w.page.getByLabel('P50 (ms)').fill('20');
    await w.page.getByLabel('P95 (ms)').fill('-5');
    await w.page.getByRole('button', { name: 'Record latency' }).click();
    assert.deepStrictEqual(await w.posted(), [], 'nothing posted for invalid numbers');
    assert.match(await w.page.locator('.form-error').innerText(), /Enter P50, P95 and P99/);
    assert.strictEqual(await w.page.getByLabel('P95 (ms)').getAttribute('aria-invalid'), 'true');
    assert.strictEqual(await w.page.getByLabel('P50 (ms)').inputValue(), '20', 'typed values survive the re-render');
    await w.page.getByLabel('P95 (ms)').fill('95');
    await w.page.getByLabel('P99 (ms)').fill('180.5');
    await w.page.getByLabel('Throughput (req/s)').fill('500');
    await w.page.getByLabel('Measured').selectOption('after');
    await w.page.getByLabel('P99 (ms)').press('Enter');
    assert.deepStrictEqual(await w.posted(), [{ type: 'metrics', endpoint: worked.ref, phase: 'after', sample: { p50: 20, p95: 95, p99: 180.5, throughput: 500 } }]);
    assert.strictEqual(await w.page.locator('.form-error').count(), 0);
  });

  it('ignores malformed messages', async () => {
    await w.send(state(fresh));
    const before = await w.page.locator('#root').innerHTML();
    const broken = clone(fresh) as unknown as Record<string, unknown>;
    delete broken.steps;
    await w.send(state(broken as unknown as ChecklistModel));
    await w.send({ type: 'state', state: { strings: {}, trusted: 'yes', model: null, busy: [] } });
    await w.send({ type: 'nope' });
    await w.send('state');
    await w.send(null);
    assert.strictEqual(await w.page.locator('#root').innerHTML(), before);
    // Each one was recognised and dropped (one warning each), and none made the script throw.
    assert.deepStrictEqual(await violations(w), []);
    assert.deepStrictEqual(w.warnings, Array(5).fill('async-migrate checklist: ignored a malformed message'));
  });

  it('renders hostile strings as text: no element, no script, no dialog', async () => {
    const hostile = clone(fresh);
    const img = '<img src=x onerror=alert(1)>';
    const script = '"><script>alert(2)</script>';
    hostile.endpoint.function = img;
    hostile.endpoint.route = `/api/v1/${script}`;
    hostile.endpoint.method = `POST<b>`;
    hostile.endpoint.tierReason = `tier 1: <svg onload=alert(3)>`;
    hostile.endpoint.statusReasons = ['<iframe src=javascript:alert(4)>'];
    hostile.endpoint.path = `app/${img}.py`;
    hostile.endpoint.routeNote = '<a href=javascript:alert(5)>x</a>';
    hostile.templates.branch = `async/${script}`;
    hostile.templates.testCommand = `pytest ${img}`;
    hostile.progressError = '<style>body{display:none}</style>';
    const item = hostile.steps[2].items.find((i) => i.id === 'migration.queries')!;
    item.facts = [img, script];
    item.locations = [{ path: `app/${img}.py`, line: 3, character: 1, code: '<b>AM1</b>', text: script }];
    item.codes = { '<i>x</i>': 1 };
    const manual = hostile.steps[0].items.find((i) => i.id === 'prep.branch')!;
    manual.done = true;
    manual.by = img;
    manual.at = script;
    manual.note = script;
    manual.title = img;
    hostile.steps[0].title = script;
    const msg = state(hostile, { strings: { ...loadStrings('en'), 'step.prep': `<img src=y onerror=alert(6)> {0}` } });
    assert.ok(parseToWebview(msg), 'still a valid message: data is data');
    await w.send(msg);
    await w.send({ type: 'notice', level: 'error', text: `${img}${script}` });
    const counts = await w.page.evaluate(() => ({
      img: document.querySelectorAll('img').length,
      scripts: document.querySelectorAll('script').length,
      svg: document.querySelectorAll('svg').length,
      iframe: document.querySelectorAll('iframe').length,
      a: document.querySelectorAll('a').length,
      style: document.querySelectorAll('style').length,
      b: document.querySelectorAll('b, i').length,
      handlers: Array.from(document.querySelectorAll('*')).filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith('on'))).length,
    }));
    assert.deepStrictEqual(counts, { img: 0, scripts: 1, svg: 0, iframe: 0, a: 0, style: 0, b: 0, handlers: 0 });
    const body = await w.page.locator('body').innerText();
    for (const s of [img, '<script>alert(2)</script>', '<svg onload=alert(3)>', '<iframe src=javascript:alert(4)>', '<b>AM1</b>']) assert.ok(body.includes(s), `shows ${s} as text`);
    assert.ok(await w.page.locator('body').isVisible(), 'the injected <style> did not apply');
    await w.page.waitForTimeout(200);
    assert.deepStrictEqual(w.dialogs, [], 'no alert() ran');
  });

  it('renders the strings it is given (Spanish)', async () => {
    await w.send(state(worked, { strings: loadStrings('es') }));
    const headings = await text('section.step h3');
    ['1. Preparación', '2. Análisis de dependencias', '3. Migración', '4. Testing', '5. Code review y merge', '6. Deploy y monitorización'].forEach((h, i) => assert.ok(headings[i].startsWith(h), headings[i]));
    assert.match(await w.page.locator('button[data-action="createBranch"]').innerText(), /Crear rama/);
    assert.match((await text('.p95'))[0], /objetivo cumplido/);
    await w.send(state(activityFeed, { strings: loadStrings('es') }));
    assert.strictEqual(activityFeed.endpoint.status, 'in progress');
    assert.match((await text('.status'))[0], /en curso/);
  });
});

describe('checklist webview screenshots (light, dark, high contrast)', function () {
  this.timeout(60_000);
  let browser: Browser;
  const { worked, activityFeed, fresh } = fixtures();
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
    it(`${theme}`, async () => {
      const w = await openWebview(browser, theme);
      try {
        await w.send(state(worked));
        // Focus a checkbox so the focus outline shows in the picture.
        await w.page.locator('li.item[data-item="testing.integration"]').getByRole('checkbox').focus();
        const file = await screenshot(w, `checklist-webview-${theme}`);
        assert.ok(fs.statSync(file).size > 10_000);
        await w.send(state(activityFeed, { trusted: theme !== 'dark' }));
        await screenshot(w, `checklist-webview-async-${theme}`);
        // Colours come from the theme variables.
        const colors = await w.page.evaluate(() => ({ body: getComputedStyle(document.body).color, bg: getComputedStyle(document.body).backgroundColor }));
        assert.notStrictEqual(colors.body, colors.bg);
        assert.deepStrictEqual(await violations(w), []);
      } finally {
        await w.page.context().close();
      }
    });
  }

  it('narrow sidebar (240 px) and empty state', async () => {
    const w = await openWebview(browser, 'dark', 'en', { width: 240, height: 700 });
    try {
      await w.send(state(fresh));
      const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px)`);
      await screenshot(w, 'checklist-webview-narrow');
      await w.send(state(null));
      await screenshot(w, 'checklist-webview-empty');
    } finally {
      await w.page.context().close();
    }
  });
});
