// The VS Code extension: a thin client that starts the async-migrate language server
// (dist/server/server.js over IPC) and adds a status bar item, an output channel and a few
// palette commands. All analysis happens in the server.
import * as vscode from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  type ErrorHandlerResult,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { registerCliTasks } from './cli-tasks';
import { COMMANDS, STATUS_NOTIFICATION, STATUS_REQUEST, type StatusPayload } from '../../server/src/lsp/protocol';
import { SERVER_EXEC_ARGV } from '../../server/src/lsp/runtime-flags';

/** Restarts allowed within RESTART_WINDOW_MS before the client gives up. */
export const MAX_RESTARTS = 4;
export const RESTART_WINDOW_MS = 3 * 60 * 1000;

export interface AsyncMigrateApi {
  /** The running language client (replaced on restart). */
  readonly client: LanguageClient | undefined;
  /** The last status the server reported. */
  readonly status: StatusPayload | undefined;
  /** Resolves when the server has started (initialize answered). */
  readonly ready: Promise<void>;
  /** The status bar text, for tests. */
  readonly statusBarText: string;
}

let client: LanguageClient | undefined;
let lastStatus: StatusPayload | undefined;
let statusItem: vscode.StatusBarItem | undefined;
let output: vscode.OutputChannel | undefined;

const t = vscode.l10n.t;

/** The walkthrough's step 2 completes itself when an async session dependency exists (`onContext`). */
let asyncInfrastructureContext: string | undefined;
function publishAsyncInfrastructure(status: StatusPayload | undefined): void {
  const present = status?.folders.some((f) => f.asyncInfrastructure === true);
  const value = present ? 'present' : status?.state === 'ready' ? 'missing' : 'unknown';
  if (value === asyncInfrastructureContext) return;
  asyncInfrastructureContext = value;
  void vscode.commands.executeCommand('setContext', 'asyncMigrate.asyncInfrastructure', value);
}

function renderStatus(): void {
  publishAsyncInfrastructure(lastStatus);
  if (!statusItem) return;
  const s = lastStatus;
  const state = client?.state;
  if (state === State.Stopped && s) {
    statusItem.text = `$(error) ${t('async-migrate: stopped')}`;
    statusItem.tooltip = t('The async-migrate language server is not running. Click to open the Problems view; run "Async Migrate: Restart Server" to start it.');
  } else if (!s || s.state !== 'ready') {
    const counts = s && s.filesTotal ? ` ${s.filesIndexed}/${s.filesTotal}` : '';
    statusItem.text = s?.state === 'indexing' ? `$(sync~spin) ${t('async-migrate: indexing')}${counts}` : '$(sync~spin) async-migrate';
    statusItem.tooltip = t('async-migrate is indexing the Python files of the workspace');
  } else if (s.findings === 0) {
    statusItem.text = '$(check) async-migrate';
    statusItem.tooltip = t('async-migrate {0}: {1} Python files indexed, no findings in the analysed files', s.version, s.filesIndexed);
  } else {
    statusItem.text = `$(warning) async-migrate: ${s.findings === 1 ? t('1 finding') : t('{0} findings', s.findings)}`;
    statusItem.tooltip = t(
      'async-migrate {0}: {1} errors, {2} warnings, {3} hints/info in the analysed files. Click to open the Problems view.',
      s.version,
      s.errors,
      s.warnings,
      s.findings - s.errors - s.warnings,
    );
  }
  statusItem.show();
}

function createErrorHandler(): { error(e: Error): ErrorHandlerResult; closed(): CloseHandlerResult } {
  const closes: number[] = [];
  return {
    error(error: Error): ErrorHandlerResult {
      output?.appendLine(`[client] connection error: ${error?.message ?? error}`);
      return { action: ErrorAction.Continue, handled: true };
    },
    closed(): CloseHandlerResult {
      const now = Date.now();
      closes.push(now);
      while (closes.length && now - closes[0] > RESTART_WINDOW_MS) closes.shift();
      if (closes.length <= MAX_RESTARTS) {
        output?.appendLine(`[client] the server stopped unexpectedly; restarting (${closes.length}/${MAX_RESTARTS} in 3 minutes)`);
        void vscode.window.showWarningMessage(t('Async Migrate: the language server stopped unexpectedly and was restarted ({0}/{1}).', closes.length, MAX_RESTARTS));
        return { action: CloseAction.Restart, handled: true };
      }
      output?.appendLine(`[client] Async Migrate: the language server stopped ${closes.length} times in the last 3 minutes and will not be restarted. See the output for details.`);
      const message = t('Async Migrate: the language server stopped {0} times in the last 3 minutes and will not be restarted. See the output for details.', closes.length);
      const showOutput = t('Show Output');
      const restart = t('Restart');
      void vscode.window.showErrorMessage(message, showOutput, restart).then((choice) => {
        if (choice === showOutput) output?.show(true);
        if (choice === restart) void vscode.commands.executeCommand('asyncMigrate.restartServer');
      });
      renderStatus();
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
}

async function executeServerCommand(command: string, args: Record<string, unknown>): Promise<unknown> {
  if (!client || client.state !== State.Running) {
    void vscode.window.showWarningMessage(t('Async Migrate: the language server is not running.'));
    return undefined;
  }
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [args] });
}

function activePythonEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'python') {
    void vscode.window.showInformationMessage(t('Async Migrate: open a Python file first.'));
    return undefined;
  }
  return editor;
}

export async function activate(context: vscode.ExtensionContext): Promise<AsyncMigrateApi> {
  output = vscode.window.createOutputChannel('Async Migrate');
  context.subscriptions.push(output);

  statusItem = vscode.window.createStatusBarItem('asyncMigrate.status', vscode.StatusBarAlignment.Left, 10);
  statusItem.name = 'Async Migrate';
  statusItem.command = 'workbench.actions.view.problems';
  context.subscriptions.push(statusItem);
  renderStatus();

  const serverModule = context.asAbsolutePath('dist/server/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV] } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
    ],
    outputChannel: output,
    traceOutputChannel: output,
    errorHandler: createErrorHandler(),
    initializationOptions: { isTrusted: vscode.workspace.isTrusted },
  };
  client = new LanguageClient('asyncMigrate', 'Async Migrate', serverOptions, clientOptions);
  const current = client;
  require('./migration').registerMigration(context, () => client, (line: string) => output?.appendLine(line)); // Endpoints tree + Checklist sidebar (client/src/migration)
  registerCliTasks(context);
  context.subscriptions.push(
    current.onDidChangeState(() => renderStatus()),
    current.onNotification(STATUS_NOTIFICATION, (status: StatusPayload) => {
      lastStatus = status;
      renderStatus();
    }),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand('asyncMigrate.restartServer', async () => {
      if (!client) return;
      output?.appendLine('[client] restarting the language server');
      lastStatus = undefined;
      renderStatus();
      if (client.state === State.Stopped) await client.start();
      else await client.restart();
    }),
    vscode.commands.registerCommand('asyncMigrate.showOutput', () => output?.show(true)),
    vscode.commands.registerCommand('asyncMigrate.migrateEndpointAtCursor', async () => {
      const editor = activePythonEditor();
      if (!editor) return undefined;
      const offset = editor.document.offsetAt(editor.selection.active);
      return executeServerCommand(COMMANDS.migrateEndpoint, { uri: editor.document.uri.toString(), offset });
    }),
    vscode.commands.registerCommand('asyncMigrate.initAsync', async () => {
      // The folder of the active file, else the only folder, else the one the user picks.
      const active = vscode.window.activeTextEditor?.document.uri;
      const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? (vscode.workspace.workspaceFolders?.length === 1 ? vscode.workspace.workspaceFolders[0] : await vscode.window.showWorkspaceFolderPick());
      if (!folder) {
        void vscode.window.showInformationMessage(t('Async Migrate: open a folder first.'));
        return undefined;
      }
      return executeServerCommand(COMMANDS.setUpAsyncInfrastructure, { uri: active && vscode.workspace.getWorkspaceFolder(active) === folder ? active.toString() : folder.uri.toString() });
    }),
    vscode.commands.registerCommand('asyncMigrate.fixAllInFile', async () => {
      const editor = activePythonEditor();
      if (!editor) return undefined;
      return executeServerCommand(COMMANDS.fixAll, { uri: editor.document.uri.toString() });
    }),
    vscode.commands.registerCommand('asyncMigrate.fixAllInFileUnsafe', async () => {
      const editor = activePythonEditor();
      if (!editor) return undefined;
      return executeServerCommand(COMMANDS.fixAll, { uri: editor.document.uri.toString(), unsafe: true });
    }),
  );

  const ready = current.start().then(
    async () => {
      try {
        lastStatus = (await current.sendRequest(STATUS_REQUEST)) as StatusPayload;
        renderStatus();
      } catch {
        /* the notification will come */
      }
    },
    (error) => {
      output?.appendLine(`[client] the language server failed to start: ${error?.message ?? error}`);
      void vscode.window.showErrorMessage(t('Async Migrate: the language server failed to start: {0}', error?.message ?? error), t('Show Output')).then((c) => {
        if (c) output?.show(true);
      });
      renderStatus();
    },
  );
  context.subscriptions.push({ dispose: () => void client?.stop().catch(() => undefined) });

  return {
    get client() {
      return client;
    },
    get status() {
      return lastStatus;
    },
    ready,
    get statusBarText() {
      return statusItem?.text ?? '';
    },
  };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop().catch(() => undefined);
}
