// The "Async Migration" activity-bar container: the Endpoints tree and the per-endpoint
// Checklist webview, following the endpoint under the cursor. Registered with one call from
// client/src/extension.ts.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { COMMANDS } from '../../../server/src/lsp/protocol';
import type { ActionId, ChecklistModel, EndpointRef, EndpointRow } from '../../../server/src/lsp/migration-protocol';
import { type ActionOptions, MigrationActions, PREVIEW_SCHEME, PreviewDocuments } from './actions';
import { ChecklistViewProvider, openAt } from './checklistView';
import { DashboardPanel } from './dashboardPanel';
import { MigrationClient } from './lsp';
import { isActionId, isEndpointRef, parseFromWebview } from './protocol';
import { statusLabel } from './strings';
import { type EndpointNode, EndpointsTree, STATUS_ICONS, findingsText, tierTitle } from './tree';

const t = vscode.l10n.t;

export const VIEW_ENDPOINTS = 'asyncMigrate.endpoints';
export const VIEW_CHECKLIST = 'asyncMigrate.checklist';
/** Delay after the last cursor move before asking which endpoint it is in (ms). */
const FOLLOW_DELAY_MS = 150;

/** What tests read through the `asyncMigrate.internal.migrationState` command. */
export interface MigrationState {
  ref: EndpointRef | undefined;
  model: ChecklistModel | null;
  treeDescription: string | undefined;
  endpoints: number;
  checklistVisible: boolean;
  posted: number;
  lastPosted: unknown;
  /** The last cursor position looked up and the endpoint found there (null: outside every handler). */
  lastLookup?: { uri: string; line: number; character: number; ref: EndpointRef | null };
  /** The endpoint quick pick while it is open: its endpoints, and how many items VS Code reports active (it has drawn them). */
  endpointPick?: { endpoints: number; active: number };
}

export function registerMigration(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined, log: (line: string) => void = () => undefined): void {
  const lsp = new MigrationClient(getClient);
  const previews = new PreviewDocuments();
  const actions = new MigrationActions(lsp, previews, log);
  const tree = new EndpointsTree(lsp);
  const treeView = vscode.window.createTreeView(VIEW_ENDPOINTS, { treeDataProvider: tree, showCollapseAll: true });
  void vscode.commands.executeCommand('setContext', 'asyncMigrate.inventory', 'loading');

  let endpointPick: MigrationState['endpointPick'];
  const pick = async (): Promise<EndpointRef | undefined> => {
    const ref = await pickEndpoint(lsp, (observed) => (endpointPick = observed));
    if (ref) await checklist.show(ref);
    return ref;
  };
  const checklist = new ChecklistViewProvider(context.extensionUri, lsp, actions, pick, log, () => tree.hasRoutes);

  context.subscriptions.push(
    treeView,
    tree.attach(treeView),
    vscode.window.registerWebviewViewProvider(VIEW_CHECKLIST, checklist),
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    actions.onDidChangeBusy(() => checklist.postBusy()),
    // The endpoint shown in the checklist is selected in the tree (without taking the focus).
    checklist.onDidShow((ref) => {
      const node = tree.nodeOf(ref.folder, ref.id);
      if (node && treeView.visible) void Promise.resolve(treeView.reveal(node, { select: true, focus: false, expand: true })).catch(() => undefined);
    }),
    // "No routes" vs "put the cursor in a handler": known once the inventory is loaded.
    tree.onDidLoad(() => {
      if (!checklist.current.ref) void checklist.reload();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => checklist.postState()),
  );

  // ------------------------------------------------------------------ refresh

  let refreshTimer: NodeJS.Timeout | undefined;
  const refreshSoon = () => {
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      tree.refresh();
      if (checklist.visible) void checklist.reload();
      // The snapshot follows the code; the history (commits) stays until the panel is refreshed.
      if (DashboardPanel.shown?.visible) void DashboardPanel.shown.load(true);
    }, 50);
  };
  context.subscriptions.push(lsp.onInventoryChanged(() => refreshSoon()), { dispose: () => refreshTimer && clearTimeout(refreshTimer) });
  // progress.md edited outside the editor's language server (git pull, the CLI, a teammate).
  const watcher = vscode.workspace.createFileSystemWatcher('**/docs/async-migration/{progress.md,endpoints/*.md}');
  context.subscriptions.push(watcher, watcher.onDidChange(refreshSoon), watcher.onDidCreate(refreshSoon), watcher.onDidDelete(refreshSoon));
  // Once the server runs, load what is visible.
  void lsp.whenRunning(120_000).then((running) => {
    if (!running) return;
    tree.refresh();
    void follow(vscode.window.activeTextEditor);
  });

  // ------------------------------------------------------------------ follow the cursor

  let followTimer: NodeJS.Timeout | undefined;
  let followSeq = 0;
  let lastLookup: MigrationState['lastLookup'];
  async function follow(editor: vscode.TextEditor | undefined): Promise<void> {
    if (!editor || editor.document.languageId !== 'python' || editor.document.uri.scheme !== 'file') return;
    const seq = ++followSeq;
    const position = editor.selection.active;
    let ref: EndpointRef | null | undefined;
    try {
      ref = await lsp.endpointAt(editor.document.uri.toString(), position);
    } catch (error) {
      log(`[checklist] endpointAt failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (seq !== followSeq) return;
    lastLookup = { uri: editor.document.uri.toString(), line: position.line, character: position.character, ref: ref ?? null };
    // Outside every handler: keep showing the last endpoint (the user may be reading a service).
    if (ref) await checklist.show(ref);
  }
  const followSoon = (editor: vscode.TextEditor | undefined) => {
    if (followTimer) clearTimeout(followTimer);
    followTimer = setTimeout(() => void follow(editor), FOLLOW_DELAY_MS);
  };
  context.subscriptions.push(
    vscode.window.onDidChangeTextEditorSelection((e) => followSoon(e.textEditor)),
    vscode.window.onDidChangeActiveTextEditor((editor) => followSoon(editor)),
    { dispose: () => followTimer && clearTimeout(followTimer) },
  );

  // ------------------------------------------------------------------ commands

  const rowArg = (arg: unknown): { folder: string; row: EndpointRow } | undefined => {
    if (!arg || typeof arg !== 'object') return undefined;
    const a = arg as { kind?: string; folder?: unknown; row?: EndpointRow };
    if (a.kind === 'endpoint' && a.row) return { folder: (a as unknown as { folder: { folder: string } }).folder.folder, row: a.row };
    if (typeof a.folder === 'string' && a.row && typeof a.row.uri === 'string') return { folder: a.folder, row: a.row };
    return undefined;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('asyncMigrate.endpoints.refresh', () => tree.load()),
    vscode.commands.registerCommand('asyncMigrate.endpoints.open', async (arg: unknown) => {
      const target = rowArg(arg);
      if (!target) return;
      await openAt(vscode.Uri.parse(target.row.uri), target.row.line, target.row.character);
      await checklist.show({ folder: target.folder, id: target.row.id });
    }),
    vscode.commands.registerCommand('asyncMigrate.endpoints.showChecklist', async (arg: unknown) => {
      const target = rowArg(arg);
      if (!target) return;
      await checklist.show({ folder: target.folder, id: target.row.id });
      await vscode.commands.executeCommand(`${VIEW_CHECKLIST}.focus`);
    }),
    // "Migrate this endpoint" on a tree item: the language server's command (applies at once).
    vscode.commands.registerCommand('asyncMigrate.endpoints.migrate', async (arg: unknown) => {
      const target = rowArg(arg);
      if (!target) return undefined;
      return vscode.commands.executeCommand(COMMANDS.migrateEndpoint, { uri: target.row.uri, line: target.row.line, character: target.row.character });
    }),
    vscode.commands.registerCommand('asyncMigrate.openDashboard', async (folderUri?: unknown) => {
      const folder = await dashboardFolder(folderUri);
      if (folder) DashboardPanel.show(context.extensionUri, lsp, folder, log);
    }),
    vscode.commands.registerCommand('asyncMigrate.checklist.pick', () => pick()),
    vscode.commands.registerCommand('asyncMigrate.checklist.refresh', () => checklist.reload()),
    // "Migrate this endpoint" with a diff preview, for the endpoint shown in the checklist.
    vscode.commands.registerCommand('asyncMigrate.checklist.migrate', async () => {
      const { model } = checklist.current;
      if (!model) {
        void vscode.window.showInformationMessage(t('Async Migrate: put the cursor in a route handler or pick an endpoint first.'));
        return undefined;
      }
      return checklist.runAction(model, 'migrate');
    }),
    // Test hooks (not in the command palette).
    vscode.commands.registerCommand('asyncMigrate.internal.migrationState', (): MigrationState => {
      const { ref, model } = checklist.current;
      return {
        ref,
        model,
        treeDescription: tree.description,
        endpoints: tree.rows.length,
        checklistVisible: checklist.visible,
        posted: checklist.posted.length,
        lastPosted: checklist.posted[checklist.posted.length - 1],
        lastLookup,
        endpointPick,
      };
    }),
    vscode.commands.registerCommand('asyncMigrate.internal.showEndpoint', async (ref: unknown) => {
      if (!isEndpointRef(ref)) throw new Error('expected { folder, id }');
      await checklist.show(ref, true);
      return checklist.current.model;
    }),
    vscode.commands.registerCommand('asyncMigrate.internal.checklistAction', async (action: unknown, options: ActionOptions = {}) => {
      const { model } = checklist.current;
      if (!model || !isActionId(action)) throw new Error('no endpoint shown, or an unknown action');
      return checklist.runAction(model, action as ActionId, options);
    }),
    vscode.commands.registerCommand('asyncMigrate.internal.checklistMessage', async (message: unknown) => {
      // Goes through the same validation as a message from the webview.
      const parsed = parseFromWebview(message);
      if (!parsed) throw new Error('malformed message');
      await checklist.handle(parsed);
      return checklist.current.model;
    }),
    vscode.commands.registerCommand('asyncMigrate.internal.dashboardState', async (options: { settled?: boolean } = {}) => {
      const panel = DashboardPanel.shown;
      if (!panel) return undefined;
      if (options.settled) await panel.settled();
      return { folder: panel.folder.uri.toString(), visible: panel.visible, ...panel.state, posted: panel.posted.length, lastPosted: panel.posted[panel.posted.length - 1] };
    }),
    vscode.commands.registerCommand('asyncMigrate.internal.treeChildren', async (node?: EndpointNode) => {
      await tree.load();
      return tree.getChildren(node).map((n) => ({ node: n, item: tree.getTreeItem(n) }));
    }),
  );
}

/** The folder whose dashboard to open: the one given (a URI string), the only one, or picked. */
async function dashboardFolder(arg: unknown): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (typeof arg === 'string') return folders.find((f) => f.uri.toString() === arg || f.uri.toString() === vscode.Uri.parse(arg).toString());
  if (folders.length <= 1) {
    if (!folders.length) void vscode.window.showInformationMessage(t('Async Migrate: open a folder to see its migration dashboard.'));
    return folders[0];
  }
  return vscode.window.showWorkspaceFolderPick({ placeHolder: t('Pick the folder whose migration dashboard to open') });
}

async function pickEndpoint(lsp: MigrationClient, observe: (state: MigrationState['endpointPick']) => void): Promise<EndpointRef | undefined> {
  interface Item extends vscode.QuickPickItem {
    ref?: EndpointRef;
  }
  const qp = vscode.window.createQuickPick<Item>();
  let endpoints = 0;
  qp.onDidChangeActive((active) => observe({ endpoints, active: active.length }));
  qp.placeholder = t('Pick an endpoint to show its migration checklist');
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.busy = true;
  qp.show();
  const result = await lsp.endpoints();
  const items: Item[] = [];
  const folders = result?.folders ?? [];
  for (const folder of folders) {
    let lastTier = 0;
    for (const row of folder.endpoints) {
      if (row.tier !== lastTier) {
        items.push({ label: folders.length > 1 ? `${folder.name} · ${tierTitle(row.tier)}` : tierTitle(row.tier), kind: vscode.QuickPickItemKind.Separator });
        lastTier = row.tier;
      }
      items.push({
        label: `$(${STATUS_ICONS[row.status].icon}) ${row.method} ${row.route}`,
        description: row.function,
        detail: `${statusLabel(row.status)} · ${row.path}:${row.line + 1}${row.findings ? ` · ${findingsText(row.findings)}` : ''}`,
        ref: { folder: folder.folder, id: row.id },
      });
    }
  }
  endpoints = items.filter((i) => i.ref).length;
  observe({ endpoints, active: qp.activeItems.length });
  qp.items = items;
  qp.busy = false;
  if (!items.length) qp.placeholder = t('No FastAPI routes found in this workspace.');
  return new Promise((resolve) => {
    let chosen: EndpointRef | undefined;
    qp.onDidAccept(() => {
      chosen = qp.selectedItems[0]?.ref;
      qp.hide();
    });
    qp.onDidHide(() => {
      qp.dispose();
      observe(undefined);
      resolve(chosen);
    });
  });
}
