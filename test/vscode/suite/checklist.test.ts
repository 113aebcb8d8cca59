/**
 * The Endpoints tree and the Checklist sidebar in a real VS Code, on examples/gym-app: the tree
 * (tiers, files, endpoints, the "N / M async" description), the checklist following the cursor
 * between two endpoints, a manual tick written to docs/async-migration/progress.md, "Migrate
 * this endpoint" turning step 3 green, the git actions against a temporary repository, and
 * screenshots of the sidebar. The workspace is the launcher's temporary copy of the example app
 * (progress.md, the analysis doc and the locust file are written there, never into the checkout).
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { GitError, createEndpointBranch, currentBranch } from '../../../client/src/migration/git';
import type { MigrationState } from '../../../client/src/migration/index';
import type { ChecklistModel, EndpointRef } from '../../../server/src/lsp/migration-protocol';
import { openFile, screenshot, sleep, waitFor, workspaceRoot } from './harness';

const EXTENSION_ID = 'async-migrate.async-migrate';
const ATTENDANCE = 'app/api/v1/endpoints/attendance.py';
const CHECKIN = 'POST /api/v1/attendance/checkin';
const QR = 'POST /api/v1/attendance/checkin/qr';

const state = () => vscode.commands.executeCommand<MigrationState>('asyncMigrate.internal.migrationState');
const item = (model: ChecklistModel, id: string) => model.steps.flatMap((s) => s.items).find((i) => i.id === id);
const step = (model: ChecklistModel, id: string) => model.steps.find((s) => s.id === id)!;

function lineOf(editor: vscode.TextEditor, needle: string): number {
  for (let i = 0; i < editor.document.lineCount; i++) if (editor.document.lineAt(i).text.includes(needle)) return i;
  throw new Error(`"${needle}" not found in ${editor.document.uri.fsPath}`);
}

async function moveCursor(editor: vscode.TextEditor, line: number, character = 8): Promise<void> {
  const p = new vscode.Position(line, character);
  editor.selection = new vscode.Selection(p, p);
  editor.revealRange(new vscode.Range(p, p), vscode.TextEditorRevealType.InCenter);
}

async function waitForModel(predicate: (m: ChecklistModel) => boolean, what: string, timeoutMs = 20_000): Promise<ChecklistModel> {
  let last: MigrationState | undefined;
  try {
    return await waitFor(
      async () => {
        last = await state();
        return last.model && predicate(last.model) ? last.model : undefined;
      },
      timeoutMs,
      what,
      100,
    );
  } catch (error) {
    const m = last?.model;
    const summary = m ? `${m.ref.id}: ${m.steps.map((s) => `${s.id} ${s.done}/${s.total} [${s.items.map((i) => `${i.id}=${i.done}`).join(' ')}]`).join('; ')}` : 'no model';
    throw new Error(`${(error as Error).message}\nlast: ${summary}`);
  }
}

describe('Endpoints tree and Checklist sidebar', function () {
  this.timeout(120_000);
  const root = () => workspaceRoot().fsPath;
  let attendanceBefore = '';

  before(async () => {
    // The test profile has files.autoSave = off (the launcher's settings): edits stay unsaved.
    assert.strictEqual(vscode.workspace.getConfiguration('files').get('autoSave'), 'off');
    attendanceBefore = fs.readFileSync(path.join(root(), ATTENDANCE), 'utf8');
    const ext = vscode.extensions.getExtension<{ ready: Promise<void> }>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    const api = await ext.activate();
    await api.ready;
    await vscode.commands.executeCommand('workbench.view.extension.asyncMigration');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert').then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // "Migrate this endpoint" is an edit to review, never a save.
    assert.strictEqual(fs.readFileSync(path.join(root(), ATTENDANCE), 'utf8'), attendanceBefore, `${ATTENDANCE} was saved to disk by the migration`);
  });

  it('lists the endpoints by tier and file, with the async share as the view description', async () => {
    const tiers = await waitFor(
      async () => {
        const children = await vscode.commands.executeCommand<{ node: { kind: string; tier?: number }; item: vscode.TreeItem }[]>('asyncMigrate.internal.treeChildren');
        // The tree fills in while the workspace is indexed: wait for all three tiers.
        return children.length === 3 ? children : undefined;
      },
      60_000,
      'the Endpoints tree to show tiers 1, 2 and 3',
      250,
    );
    assert.deepStrictEqual(
      tiers.map((c) => c.node.tier),
      [1, 2, 3],
    );
    assert.match(String(tiers[0].item.label), /Tier 1/);
    const files = await vscode.commands.executeCommand<{ node: { kind: string; path: string }; item: vscode.TreeItem }[]>('asyncMigrate.internal.treeChildren', tiers[0].node);
    const attendance = files.find((f) => f.node.path === ATTENDANCE);
    assert.ok(attendance, `attendance.py under tier 1 (${files.map((f) => f.node.path).join(', ')})`);
    const endpoints = await vscode.commands.executeCommand<{ node: { row: { id: string; status: string } }; item: vscode.TreeItem }[]>('asyncMigrate.internal.treeChildren', attendance!.node);
    const checkin = endpoints.find((e) => e.node.row.id === CHECKIN)!;
    assert.ok(checkin);
    assert.strictEqual(checkin.item.label, CHECKIN);
    assert.match(String(checkin.item.description), /checkin · \d+ findings/);
    assert.strictEqual((checkin.item.iconPath as vscode.ThemeIcon).id, 'circle-large-outline', 'sync icon');
    assert.strictEqual(checkin.item.contextValue, 'endpoint.sync');
    assert.strictEqual(checkin.item.command?.command, 'asyncMigrate.endpoints.open');
    const s = await state();
    assert.ok(s.endpoints >= 30, `${s.endpoints} endpoints`);
    assert.match(s.treeDescription ?? '', /^\d+ \/ \d+ async \(\d+ %\)$/);
  });

  it('follows the cursor from one endpoint to another', async () => {
    const editor = await openFile(ATTENDANCE);
    await moveCursor(editor, lineOf(editor, 'user_service.get_user(db, body.user_id)'));
    const first = await waitForModel((m) => m.ref.id === CHECKIN, 'the checklist of POST /checkin');
    assert.strictEqual(first.endpoint.function, 'checkin');
    assert.strictEqual(first.steps.length, 6);
    await moveCursor(editor, lineOf(editor, 'async_user_service.get_user(db, user_id)'));
    const second = await waitForModel((m) => m.ref.id === QR, 'the checklist of POST /checkin/qr');
    assert.strictEqual(second.endpoint.isAsync, true);
    // Outside every handler the sidebar keeps the last endpoint: once the lookup at 1:1 has been
    // answered (no endpoint there), the checklist still shows POST /checkin/qr.
    await moveCursor(editor, 0, 0);
    const lookup = await waitFor(async () => {
      const l = (await state()).lastLookup;
      return l && l.uri === editor.document.uri.toString() && l.line === 0 && l.character === 0 ? l : undefined;
    }, 10_000, 'the endpoint lookup at 1:1');
    assert.strictEqual(lookup.ref, null);
    assert.strictEqual((await state()).ref?.id, QR);
    // Back into the first.
    await moveCursor(editor, lineOf(editor, 'def checkin('), 6);
    await waitForModel((m) => m.ref.id === CHECKIN, 'back to POST /checkin');
    // The webview got the state (it is re-sent whenever the view is shown).
    await vscode.commands.executeCommand('asyncMigrate.checklist.focus');
    await waitFor(async () => {
      const s = await state();
      const last = s.lastPosted as { type?: string; state?: { model?: { ref?: EndpointRef } } } | undefined;
      return s.checklistVisible && last?.type === 'state' && last.state?.model?.ref?.id === CHECKIN;
    }, 20_000, 'the webview to receive the checklist of POST /checkin');
    await sleep(1500); // let the webview paint
    await screenshot('checklist');
  });

  it('writes a ticked manual item to docs/async-migration/progress.md', async () => {
    const { model } = await state();
    assert.ok(model);
    await vscode.commands.executeCommand('asyncMigrate.internal.checklistMessage', { type: 'toggle', endpoint: model.ref, item: 'testing.integration', done: true });
    const file = path.join(root(), 'docs/async-migration/progress.md');
    const text = await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8'), 10_000, 'progress.md');
    assert.ok(text.includes(`"${CHECKIN}"`), 'the endpoint is in the state block');
    assert.match(text, /"testing\.integration": \{[^}]*"done": true/);
    const after = await waitForModel((m) => item(m, 'testing.integration')?.done === true, 'the ticked item in the sidebar');
    assert.strictEqual(item(after, 'testing.integration')!.kind, 'manual');
    // Untick: written as well.
    await vscode.commands.executeCommand('asyncMigrate.internal.checklistMessage', { type: 'toggle', endpoint: model.ref, item: 'testing.integration', done: false });
    await waitFor(() => /"testing\.integration": \{[^}]*"done": false/.test(fs.readFileSync(file, 'utf8')), 10_000, 'the untick in progress.md');
  });

  it('"Migrate this endpoint" turns the Migration step green (buffer only, reverted afterwards)', async () => {
    const editor = await openFile(ATTENDANCE);
    const original = editor.document.getText();
    await moveCursor(editor, lineOf(editor, 'user_service.get_user(db, body.user_id)'));
    const before = await waitForModel((m) => m.ref.id === CHECKIN, 'POST /checkin');
    assert.strictEqual(step(before, 'migration').complete, false);
    assert.strictEqual(item(before, 'migration.async-def')!.done, false);
    const outcome = await vscode.commands.executeCommand<{ ok: boolean; message?: string }>('asyncMigrate.internal.checklistAction', 'migrate', { confirm: false });
    assert.ok(outcome.ok, outcome.message);
    assert.match(editor.document.getText(), /async def checkin\(/);
    assert.ok(editor.document.isDirty, 'applied as an edit, not saved');
    const after = await waitForModel((m) => m.ref.id === CHECKIN && step(m, 'migration').complete, 'every Migration item done', 30_000);
    assert.ok(step(after, 'migration').items.every((i) => i.done && !i.count));
    await moveCursor(editor, lineOf(editor, 'async def checkin('), 12);
    await sleep(800);
    await screenshot('checklist-after-migrate');
    // Undo: the file on disk was never written.
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.strictEqual(editor.document.getText(), original);
    await waitForModel((m) => m.ref.id === CHECKIN && !step(m, 'migration').complete, 'step 3 open again after the revert', 30_000);
  });

  it('"Migrate this endpoint" from the tree\'s context menu runs the language server\'s command', async () => {
    const editor = await openFile(ATTENDANCE);
    const original = editor.document.getText();
    const tiers = await vscode.commands.executeCommand<{ node: { kind: string } }[]>('asyncMigrate.internal.treeChildren');
    const files = await vscode.commands.executeCommand<{ node: { path: string } }[]>('asyncMigrate.internal.treeChildren', tiers[0].node);
    const endpoints = await vscode.commands.executeCommand<{ node: { row: { id: string } } }[]>('asyncMigrate.internal.treeChildren', files.find((f) => f.node.path === ATTENDANCE)!.node);
    const node = endpoints.find((e) => e.node.row.id === CHECKIN)!.node;
    await vscode.commands.executeCommand('asyncMigrate.endpoints.migrate', node);
    await waitFor(() => /async def checkin\(/.test(editor.document.getText()), 10_000, 'the handler rewritten');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.strictEqual(editor.document.getText(), original);
  });

  it('picks any endpoint from the quick pick', async () => {
    const picked = vscode.commands.executeCommand<EndpointRef | undefined>('asyncMigrate.checklist.pick');
    // Ready once VS Code reports an active endpoint: the inventory is loaded and drawn in the pick.
    await waitFor(async () => {
      const open = (await state()).endpointPick;
      return !!open && open.endpoints > 0 && open.active > 0;
    }, 20_000, 'the quick pick to show the endpoints with one active');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const ref = await picked;
    assert.ok(ref, 'an endpoint was picked');
    const s = await state();
    assert.strictEqual(s.ref?.id, ref.id, 'the checklist shows the picked endpoint');
    assert.strictEqual(s.model?.ref.id, ref.id);
    // Back to POST /checkin for the next tests.
    await vscode.commands.executeCommand('asyncMigrate.internal.showEndpoint', { folder: ref.folder, id: CHECKIN });
  });

  it('records latency before / after sent by the form', async () => {
    const { model } = await state();
    assert.ok(model && model.ref.id === CHECKIN);
    await vscode.commands.executeCommand('asyncMigrate.internal.checklistMessage', { type: 'metrics', endpoint: model.ref, phase: 'before', sample: { p50: 40, p95: 200, p99: 400 } });
    await vscode.commands.executeCommand('asyncMigrate.internal.checklistMessage', { type: 'metrics', endpoint: model.ref, phase: 'after', sample: { p50: 30, p95: 150, p99: 300, errorRate: 0.05 } });
    const after = await waitForModel((m) => m.metrics.after?.p95 === 150, 'the metrics in the model');
    assert.deepStrictEqual(after.metrics, { before: { p50: 40, p95: 200, p99: 400 }, after: { p50: 30, p95: 150, p99: 300, errorRate: 0.05 } });
    assert.match(fs.readFileSync(path.join(root(), 'docs/async-migration/progress.md'), 'utf8'), /"p95": \{"after": 150, "before": 200\}/);
    // A malformed message changes nothing.
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('asyncMigrate.internal.checklistMessage', { type: 'metrics', endpoint: model.ref, phase: 'after', sample: { p50: -1, p95: 1, p99: 1 } })), /malformed/);
  });

  it('writes the analysis document, creates a locust file and copies a curl line', async () => {
    try {
      await waitForModel((m) => m.ref.id === CHECKIN, 'POST /checkin');
      const doc = await vscode.commands.executeCommand<{ ok: boolean; message?: string }>('asyncMigrate.internal.checklistAction', 'writeDoc');
      assert.ok(doc.ok, doc.message);
      const docFile = path.join(root(), 'docs/async-migration/endpoints/attendance-checkin.md');
      assert.match(fs.readFileSync(docFile, 'utf8'), /### Services[\s\S]*user_service\.get_user/);
      assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, docFile, 'the document is opened');
      await waitForModel((m) => item(m, 'analysis.doc')?.done === true && m.doc.exists, 'the analysis.doc item ticked');

      const locust = await vscode.commands.executeCommand<{ ok: boolean; message?: string; data: { path: string; created: boolean } }>('asyncMigrate.internal.checklistAction', 'createLocust');
      assert.ok(locust.ok, locust.message);
      assert.deepStrictEqual(locust.data, { path: 'tests/load/test_attendance_checkin_load.py', created: true });
      assert.match(fs.readFileSync(path.join(root(), locust.data.path), 'utf8'), /class AttendanceCheckinUser\(HttpUser\)/);
      const again = await vscode.commands.executeCommand<{ data: { created: boolean } }>('asyncMigrate.internal.checklistAction', 'createLocust');
      assert.strictEqual(again.data.created, false, 'an existing file is opened, not overwritten');

      const curl = await vscode.commands.executeCommand<{ ok: boolean; message?: string; data?: { curl: string } }>('asyncMigrate.internal.checklistAction', 'copyCurl');
      assert.ok(curl.ok, curl.message);
      assert.strictEqual(curl.data?.curl, `curl -sS -g -X POST http://localhost:8000/api/v1/attendance/checkin -H 'Content-Type: application/json' -d '{}'`);
      assert.strictEqual(await vscode.env.clipboard.readText(), curl.data?.curl);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('runs the endpoint tests in a VS Code task and records pass / fail from the exit code', async () => {
    const config = vscode.workspace.getConfiguration('asyncMigrate');
    const previous = config.inspect<string>('testCommand')?.globalValue;
    const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    try {
      await config.update('testCommand', `${python} -m pytest tests/api/test_{endpoint}.py -q -p no:cacheprovider`, vscode.ConfigurationTarget.Global);
      await waitForModel((m) => m.ref.id === CHECKIN && m.templates.testCommand.startsWith(python), 'the configured test command');
      const passed = await vscode.commands.executeCommand<{ ok: boolean; message?: string; data: { passed: boolean; exitCode: number | null; durationMs: number } }>('asyncMigrate.internal.checklistAction', 'runTests');
      assert.ok(passed.ok, passed.message);
      assert.strictEqual(passed.data.exitCode, 0);
      const model = await waitForModel((m) => m.lastTestRun?.passed === true, 'a passing run recorded');
      assert.strictEqual(model.lastTestRun!.command, `${python} -m pytest tests/api/test_attendance.py -q -p no:cacheprovider`);
      assert.strictEqual(item(model, 'testing.unit')!.done, true);

      await config.update('testCommand', `${python} -c 'import sys; sys.exit(3)'`, vscode.ConfigurationTarget.Global);
      await waitForModel((m) => m.templates.testCommand.includes('sys.exit(3)'), 'the failing test command');
      const failed = await vscode.commands.executeCommand<{ ok: boolean; data: { passed: boolean; exitCode: number | null } }>('asyncMigrate.internal.checklistAction', 'runTests');
      assert.strictEqual(failed.ok, false);
      assert.deepStrictEqual([failed.data.passed, failed.data.exitCode], [false, 3]);
      await waitForModel((m) => m.lastTestRun?.passed === false && m.lastTestRun.exitCode === 3, 'a failing run recorded');
    } finally {
      await config.update('testCommand', previous, vscode.ConfigurationTarget.Global);
    }
  });

  it('names the branch from the template and creates it in a temporary repository; refuses a dirty tree', async () => {
    const { model } = await state();
    assert.ok(model);
    assert.match(model.templates.branch, /^async\/endpoint-attendance-checkin-\d{4}-\d{2}-\d{2}$/);
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'am-vscode-git-'));
    try {
      const run = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
      run('init', '-q', '-b', 'main');
      fs.writeFileSync(path.join(repo, 'app.py'), 'def checkin():\n    pass\n');
      run('add', '.');
      run('commit', '-q', '-m', 'init');
      fs.appendFileSync(path.join(repo, 'app.py'), '# wip\n');
      await assert.rejects(createEndpointBranch(repo, model.templates.branch), (e: unknown) => e instanceof GitError && e.reason === 'dirty');
      run('checkout', '--', 'app.py');
      const result = await createEndpointBranch(repo, model.templates.branch);
      assert.strictEqual(result.branch, model.templates.branch);
      assert.strictEqual(await currentBranch(repo), model.templates.branch);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});
