/**
 * Restricted Mode (an untrusted workspace): analysis and quick fixes work, nothing executes.
 * Runs only in the second pass of scripts/test-vscode.sh, where workspace trust is enabled and
 * the example folder opens untrusted; skipped in the trusted pass.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { openFile, screenshot, waitFor, waitForDiagnostics } from './harness';

const ATTENDANCE = 'app/api/v1/endpoints/attendance.py';
const CHECKIN = 'POST /api/v1/attendance/checkin';

describe('Restricted Mode', function () {
  this.timeout(120_000);

  before(function () {
    if (vscode.workspace.isTrusted) this.skip();
  });

  it('still analyses: planted findings are reported', async () => {
    const ext = vscode.extensions.getExtension('async-migrate.async-migrate')!;
    await ext.activate();
    const editor = await openFile(ATTENDANCE);
    const diagnostics = await waitForDiagnostics(editor.document.uri, (d) => d.some((x) => x.source === 'async-migrate' && String(typeof x.code === 'object' ? x.code.value : x.code) === 'AM101'));
    assert.ok(diagnostics.length > 0);
    await screenshot('restricted-mode');
  });

  it('refuses the checklist actions that run programs (tests, git), with the reason', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.toString();
    await waitFor(async () => (await vscode.commands.executeCommand('asyncMigrate.internal.showEndpoint', { folder, id: CHECKIN })) ?? undefined, 30_000, 'the checklist model of POST /checkin');
    for (const action of ['runTests', 'createBranch', 'openDiff']) {
      const outcome = await vscode.commands.executeCommand<{ ok: boolean; message?: string }>('asyncMigrate.internal.checklistAction', action);
      assert.strictEqual(outcome.ok, false, `${action} must not run in Restricted Mode`);
      assert.match(outcome.message ?? '', /Restricted Mode/);
    }
    const state = await vscode.commands.executeCommand<{ model?: { trusted?: boolean } }>('asyncMigrate.internal.migrationState');
    assert.strictEqual(state.model?.trusted, false, 'the sidebar is told to disable its executing actions');
  });

  it('still offers the analysis-only actions (copy a curl line)', async () => {
    const outcome = await vscode.commands.executeCommand<{ ok: boolean; data?: { curl: string } }>('asyncMigrate.internal.checklistAction', 'copyCurl');
    assert.strictEqual(outcome.ok, true);
    assert.match(outcome.data?.curl ?? '', /curl .*\/api\/v1\/attendance\/checkin/);
  });
});
