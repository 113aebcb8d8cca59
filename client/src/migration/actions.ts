// The checklist's actions: create the endpoint branch, write the analysis document, migrate
// the endpoint (diff preview, then one WorkspaceEdit), run the endpoint's tests in a VS Code
// task and record the result, create a locust file, copy a curl line, review
// `git diff main...HEAD`. Programs run only through execFile / ProcessExecution with argument
// arrays, never a shell, and never in an untrusted workspace.
import * as path from 'path';
import * as vscode from 'vscode';
import { EXECUTING_ACTIONS, type ActionId, type ChecklistModel, type EndpointRef, type MigratePreview, type TestRun } from '../../../server/src/lsp/migration-protocol';
import { curlCommand, locustFile, splitCommandLine } from '../../../server/src/project/migration-templates';
import { GitError, createEndpointBranch, diffAgainstMain, userName } from './git';
import type { MigrationClient } from './lsp';
import { actionTitle } from './strings';

const t = vscode.l10n.t;

export const PREVIEW_SCHEME = 'async-migrate-preview';

export interface ActionOptions {
  /** Migrate: apply without asking (tests, keybindings). */
  confirm?: boolean;
}

export interface ActionOutcome {
  ok: boolean;
  /** Shown in the sidebar (and as a notification for errors). */
  message?: string;
  /** Extra data for tests (the branch created, the test run, …). */
  data?: unknown;
}

/** Read-only documents with the migrated text, shown on the right of the preview diff. */
export class PreviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private counter = 0;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  add(original: vscode.Uri, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: original.path, query: String(++this.counter) });
    this.texts.set(uri.toString(), text);
    // Keep the last few previews only.
    while (this.texts.size > 10) this.texts.delete(this.texts.keys().next().value as string);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

export function folderOf(ref: EndpointRef): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === ref.folder || f.uri.toString() === vscode.Uri.parse(ref.folder).toString());
}

/** A workspace-relative POSIX path inside the folder (undefined for anything that escapes it). */
export function insideFolder(folder: vscode.WorkspaceFolder, rel: string): vscode.Uri | undefined {
  if (!rel || path.posix.isAbsolute(rel) || rel.split('/').includes('..')) return undefined;
  return vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
}

export class MigrationActions {
  private readonly running = new Map<string, Set<ActionId>>();
  private readonly busyChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeBusy = this.busyChanged.event;

  constructor(
    private readonly lsp: MigrationClient,
    private readonly previews: PreviewDocuments,
    private readonly log: (line: string) => void,
  ) {}

  busy(ref: EndpointRef | undefined): ActionId[] {
    return ref ? [...(this.running.get(`${ref.folder}\0${ref.id}`) ?? [])] : [];
  }

  async run(action: ActionId, model: ChecklistModel, options: ActionOptions = {}): Promise<ActionOutcome> {
    const ref = model.ref;
    if (EXECUTING_ACTIONS.has(action) && !vscode.workspace.isTrusted) {
      return { ok: false, message: t('"{0}" runs programs and is disabled in Restricted Mode. Trust this workspace to use it.', actionTitle(action)) };
    }
    const folder = folderOf(ref);
    if (!folder) return { ok: false, message: t('The folder of this endpoint is not open any more.') };
    const key = `${ref.folder}\0${ref.id}`;
    const set = this.running.get(key) ?? new Set<ActionId>();
    if (set.has(action)) return { ok: false, message: t('Already running.') };
    set.add(action);
    this.running.set(key, set);
    this.busyChanged.fire();
    try {
      switch (action) {
        case 'createBranch':
          return await this.createBranch(folder, model);
        case 'writeDoc':
          return await this.writeDoc(folder, model);
        case 'migrate':
          return await this.migrate(model, options);
        case 'runTests':
          return await this.runTests(folder, model);
        case 'createLocust':
          return await this.createLocust(folder, model);
        case 'copyCurl':
          return await this.copyCurl(model);
        case 'openDiff':
          return await this.openDiff(folder);
        default:
          return { ok: false, message: t('Enter the numbers in the form of step 6.') };
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log(`[checklist] ${action} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
      return { ok: false, message: t('{0} failed: {1}', actionTitle(action), message) };
    } finally {
      set.delete(action);
      if (!set.size) this.running.delete(key);
      this.busyChanged.fire();
    }
  }

  private async createBranch(folder: vscode.WorkspaceFolder, model: ChecklistModel): Promise<ActionOutcome> {
    const cwd = folder.uri.fsPath;
    const branch = model.templates.branch;
    try {
      const result = await createEndpointBranch(cwd, branch);
      const by = await userName(cwd);
      const marked = await this.lsp.setChecklistItem(model.ref, 'prep.branch', true, { note: branch, ...(by ? { by } : {}) });
      const notes = result.notes.length ? ` (${result.notes.join('; ')})` : '';
      const message = t('Created branch {0} from an up-to-date main{1}.', branch, notes);
      if (marked && !marked.ok) return { ok: false, message: `${message} ${marked.error ?? ''}`.trim(), data: result };
      return { ok: true, message, data: result };
    } catch (error) {
      if (error instanceof GitError) return { ok: false, message: t('Cannot create the branch: {0}', error.message), data: { reason: error.reason } };
      throw error;
    }
  }

  private async writeDoc(folder: vscode.WorkspaceFolder, model: ChecklistModel): Promise<ActionOutcome> {
    const result = await this.lsp.writeEndpointDoc(model.ref);
    if (!result) return { ok: false, message: t('The language server is not running.') };
    if (!result.ok || !result.path) return { ok: false, message: result.error ?? t('The analysis document could not be written.') };
    const uri = insideFolder(folder, result.path);
    if (uri) await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.Active });
    return { ok: true, message: t('Wrote {0}.', result.path), data: result };
  }

  async migrate(model: ChecklistModel, options: ActionOptions = {}): Promise<ActionOutcome> {
    const preview: MigratePreview | undefined = await this.lsp.migratePreview(model.ref);
    if (!preview) return { ok: false, message: t('The language server is not running.') };
    if (!preview.ok || !preview.uri || preview.before === undefined || preview.after === undefined) return { ok: false, message: preview.error ?? t('Nothing to migrate.') };
    const original = vscode.Uri.parse(preview.uri);
    const right = this.previews.add(original, preview.after);
    const name = path.posix.basename(original.path);
    await vscode.commands.executeCommand('vscode.diff', original, right, t('{0} ↔ migrated {1} (preview)', name, model.endpoint.function), { preview: true });
    const summary = [...(preview.applied ?? []).map((a) => `✓ ${a}`), ...(preview.notDone ?? []).map((n) => `✗ ${n}`)].join('\n');
    if (options.confirm !== false) {
      const apply = t('Apply');
      const choice = await vscode.window.showInformationMessage(t('Apply the migration of {0} {1}?', model.endpoint.method, model.endpoint.route), { modal: true, detail: summary }, apply);
      if (choice !== apply) return { ok: false, message: t('Migration not applied.') };
    }
    const document = await vscode.workspace.openTextDocument(original);
    if (document.getText() !== preview.before) return { ok: false, message: t('{0} changed since the preview; run "Migrate this endpoint" again.', name) };
    const edit = new vscode.WorkspaceEdit();
    for (const e of preview.edits ?? []) {
      edit.replace(original, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
    }
    // Not a "refactoring": VS Code would save the file (files.refactoring.autoSave); the user reviews first.
    const applied = await vscode.workspace.applyEdit(edit);
    if (!applied) return { ok: false, message: t('VS Code did not apply the migration.') };
    await vscode.window.showTextDocument(document, { preview: false });
    const left = preview.notDone?.length ? ` ${t('Left to do by hand: {0}', preview.notDone.join('; '))}` : '';
    return { ok: true, message: t('Migrated {0}: review the change and save.', model.endpoint.function) + left, data: { applied: preview.applied, notDone: preview.notDone } };
  }

  private async runTests(folder: vscode.WorkspaceFolder, model: ChecklistModel): Promise<ActionOutcome> {
    const command = model.templates.testCommand;
    let argv: string[];
    try {
      argv = splitCommandLine(command);
    } catch (error) {
      return { ok: false, message: t('Cannot run the test command: {0}', (error as Error).message) };
    }
    if (!argv.length) return { ok: false, message: t('The test command (asyncMigrate.testCommand) is empty.') };
    const run = await runTestTask(folder, model, argv);
    const result = await this.lsp.recordTestRun(model.ref, { ...run, command });
    const seconds = (run.durationMs / 1000).toFixed(1);
    const message = run.passed ? t('Tests passed in {0} s.', seconds) : t('Tests failed (exit code {0}) after {1} s.', run.exitCode ?? '?', seconds);
    if (result && !result.ok) return { ok: false, message: `${message} ${result.error ?? ''}`.trim(), data: run };
    return { ok: run.passed, message, data: run };
  }

  private async createLocust(folder: vscode.WorkspaceFolder, model: ChecklistModel): Promise<ActionOutcome> {
    const rel = model.templates.locustFile;
    const uri = insideFolder(folder, rel);
    if (!uri) return { ok: false, message: t('Invalid path {0}.', rel) };
    let exists = true;
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      exists = false;
    }
    if (!exists) await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(locustFile(model.endpoint)));
    await vscode.window.showTextDocument(uri, { preview: false });
    return { ok: true, message: exists ? t('{0} already exists; opened it.', rel) : t('Created {0}. Run it with: locust -f {0}', rel), data: { path: rel, created: !exists } };
  }

  private async copyCurl(model: ChecklistModel): Promise<ActionOutcome> {
    const line = curlCommand(model.endpoint);
    await vscode.env.clipboard.writeText(line);
    return { ok: true, message: t('Copied to the clipboard: {0}', line), data: { curl: line } };
  }

  private async openDiff(folder: vscode.WorkspaceFolder): Promise<ActionOutcome> {
    try {
      const diff = await diffAgainstMain(folder.uri.fsPath);
      if (!diff.trim()) return { ok: true, message: t('No changes between main and HEAD yet.') };
      const document = await vscode.workspace.openTextDocument({ content: diff, language: 'diff' });
      await vscode.window.showTextDocument(document, { preview: false });
      return { ok: true, message: t('Opened git diff main...HEAD.') };
    } catch (error) {
      if (error instanceof GitError) return { ok: false, message: t('Cannot show the diff: {0}', error.message) };
      throw error;
    }
  }
}

/** Runs argv as a VS Code task (a process, no shell) in the folder; resolves with the result. */
async function runTestTask(folder: vscode.WorkspaceFolder, model: ChecklistModel, argv: string[]): Promise<Omit<TestRun, 'command'>> {
  const runId = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const definition = { type: 'asyncMigrate', endpoint: model.ref.id, run: runId };
  const task = new vscode.Task(
    definition,
    folder,
    t('Tests of {0} {1}', model.endpoint.method, model.endpoint.route),
    'async-migrate',
    new vscode.ProcessExecution(argv[0], argv.slice(1), { cwd: folder.uri.fsPath }),
    [],
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, showReuseMessage: false };
  const mine = (e: { execution: vscode.TaskExecution }) => (e.execution.task.definition as { run?: string }).run === runId;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const subscriptions: vscode.Disposable[] = [];
    let settled = false;
    const finish = (exitCode: number | null) => {
      if (settled) return;
      settled = true;
      subscriptions.forEach((s) => s.dispose());
      resolve({ passed: exitCode === 0, exitCode, durationMs: Date.now() - started, at: new Date().toISOString() });
    };
    subscriptions.push(
      vscode.tasks.onDidEndTaskProcess((e) => {
        if (mine(e)) finish(typeof e.exitCode === 'number' ? e.exitCode : null);
      }),
      // A process that never started (command not found) ends the task without a process end.
      vscode.tasks.onDidEndTask((e) => {
        if (mine(e)) setTimeout(() => finish(null), 1000);
      }),
    );
    vscode.tasks.executeTask(task).then(undefined, (error) => {
      subscriptions.forEach((s) => s.dispose());
      reject(error);
    });
  });
}
