/**
 * Smoke test: proves the tests run inside a real VS Code extension host with
 * the full `vscode` API, a workspace folder, working editors and commands, and
 * that the extension under development is loaded.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { RESULT_FILE, screenshot, underCodeServerLauncher, waitFor, workspaceRoot } from './harness';

const EXTENSION_ID = 'async-migrate.async-migrate';

describe('smoke: real VS Code host', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs in VS Code 1.100 (code-server) or a desktop VS Code', () => {
    if (underCodeServerLauncher()) {
      assert.ok(vscode.version.startsWith('1.100'), `vscode.version is ${vscode.version}`);
    } else {
      assert.match(vscode.version, /^1\.\d+\./);
    }
  });

  it('inherits the launcher environment in the extension host', function () {
    if (!underCodeServerLauncher()) this.skip();
    assert.ok(RESULT_FILE && RESULT_FILE.length > 0);
    assert.ok(process.env.ASYNC_MIGRATE_SCREENSHOT_DIR !== undefined);
  });

  it('has the workspace folder open', () => {
    const folders = vscode.workspace.workspaceFolders;
    assert.ok(folders && folders.length === 1, `workspaceFolders: ${JSON.stringify(folders?.map((f) => f.uri.toString()))}`);
    assert.strictEqual(folders[0].uri.scheme, 'file');
    assert.ok(fs.existsSync(folders[0].uri.fsPath), `${folders[0].uri.fsPath} exists in the extension host`);
  });

  it('finds and opens a Python file from the workspace in an editor', async () => {
    const files = await vscode.workspace.findFiles('**/*.py', '**/{node_modules,.venv,venv}/**', 1);
    assert.ok(files.length === 1, `no .py file found under ${workspaceRoot().fsPath}`);
    const doc = await vscode.workspace.openTextDocument(files[0]);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    assert.strictEqual(editor.document.languageId, 'python');
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), files[0].toString());

    // A built-in command that round-trips through the workbench (renderer).
    await vscode.commands.executeCommand('editor.action.selectAll');
    const lastLine = doc.lineAt(doc.lineCount - 1);
    await waitFor(
      () => editor.selection.start.line === 0 && editor.selection.end.isEqual(lastLine.range.end),
      5_000,
      'editor.action.selectAll to select the whole document',
    );

    const png = await screenshot('smoke-python-editor');
    if (underCodeServerLauncher()) {
      assert.ok(png && fs.existsSync(png), `screenshot written: ${png}`);
      assert.ok(fs.statSync(png).size > 1000, 'screenshot is not empty');
    }
  });

  it('executes built-in commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('workbench.action.closeAllEditors'));
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await waitFor(() => vscode.window.activeTextEditor?.document.isUntitled, 5_000, 'an untitled editor');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it(`loads the extension under development (${EXTENSION_ID})`, async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded; loaded: ${vscode.extensions.all
      .filter((e) => !e.id.startsWith('vscode.'))
      .map((e) => e.id)
      .join(', ')}`);
    assert.strictEqual(ext.packageJSON.name, 'async-migrate');
    await ext.activate();
    assert.ok(ext.isActive, 'extension is active after activate()');
  });
});
