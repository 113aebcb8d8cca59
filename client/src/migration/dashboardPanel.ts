// The Migration dashboard (a WebviewPanel: "Async Migrate: Open Migration Dashboard", and the
// Endpoints view title): the snapshot first (inventory, findings, twins, latency), then the
// burn-up history, which the server computes from git with `$/progress` (shown as a progress
// bar in the panel). Same security rules as the checklist: strict CSP with a nonce, DOM built
// from validated messages only, theme colours, localized strings sent by the extension.
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import type { DashboardModel, DashboardResult } from '../../../server/src/lsp/migration-protocol';
import { insideFolder } from './actions';
import { openAt } from './checklistView';
import { type DashboardState, type FromDashboard, type ToDashboard, parseFromDashboard } from './dashboard-protocol';
import { checklistHtml as shellHtml, makeNonce } from './html';
import type { MigrationClient } from './lsp';
import { dashboardStrings } from './strings';

const t = vscode.l10n.t;
export const DASHBOARD_VIEW_TYPE = 'asyncMigrate.dashboard';

export class DashboardPanel {
  private static current: DashboardPanel | undefined;
  private model: DashboardModel | null = null;
  private history: DashboardState['history'] = 'loading';
  private error: string | undefined;
  private ready = false;
  private snapshotSeq = 0;
  private historySeq = 0;
  private historyRun: Promise<void> | undefined;
  /** The last messages posted to the webview (tests). */
  readonly posted: ToDashboard[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  /** Opens (or reveals) the dashboard of a folder. */
  static show(extensionUri: vscode.Uri, lsp: MigrationClient, folder: vscode.WorkspaceFolder, log: (line: string) => void): DashboardPanel {
    const open = DashboardPanel.current;
    if (open && open.folder.uri.toString() === folder.uri.toString()) {
      open.panel.reveal();
      return open;
    }
    open?.panel.dispose();
    DashboardPanel.current = new DashboardPanel(extensionUri, lsp, folder, log);
    return DashboardPanel.current;
  }

  static get shown(): DashboardPanel | undefined {
    return DashboardPanel.current;
  }

  private readonly panel: vscode.WebviewPanel;

  private constructor(
    extensionUri: vscode.Uri,
    private readonly lsp: MigrationClient,
    readonly folder: vscode.WorkspaceFolder,
    private readonly log: (line: string) => void,
  ) {
    const media = vscode.Uri.joinPath(extensionUri, 'media', 'dashboard');
    const built = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    const base = vscode.Uri.joinPath(extensionUri, 'media', 'webview-base.css');
    this.panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, t('Migration dashboard: {0}', folder.name), vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), built],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'async-migration.svg');
    const webview = this.panel.webview;
    webview.html = shellHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce((n) => crypto.randomBytes(n)),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(built, 'dashboard.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dashboard.css')).toString(),
      baseStyleUri: webview.asWebviewUri(base).toString(),
      lang: vscode.env.language,
      title: t('Migration dashboard: {0}', folder.name),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw) => void this.receive(raw)),
      // Hidden panels lose their DOM (no retainContextWhenHidden): the script says "ready" again.
      this.panel.onDidChangeViewState(() => {
        if (!this.panel.visible) this.ready = false;
      }),
      this.panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.load()),
    );
    void this.load();
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  get state(): { model: DashboardModel | null; history: DashboardState['history']; error?: string } {
    return { model: this.model, history: this.history, ...(this.error ? { error: this.error } : {}) };
  }

  /** Resolves when the history being computed now (if any) is there. */
  async settled(): Promise<void> {
    await this.historyRun;
  }

  private dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    for (const d of this.disposables) d.dispose();
    this.snapshotSeq++; // late answers are dropped
    this.historySeq++;
  }

  /** The snapshot now, then (unless keepHistory) the burn-up history with progress. */
  async load(keepHistory = false): Promise<void> {
    const seq = ++this.snapshotSeq;
    if (!(await this.lsp.whenRunning(60_000))) {
      this.error = t('The language server is not running.');
      this.history = 'error';
      this.postState();
      return;
    }
    if (!keepHistory && !vscode.workspace.isTrusted) {
      // Reading the history runs git in the folder: not in Restricted Mode (like the checklist's git actions).
      this.historySeq++;
      this.history = 'error';
      this.error = t('Restricted Mode: the burn-up reads the git history and is disabled. Trust this workspace to see it.');
    } else if (!keepHistory) {
      // The history runs alongside; a newer snapshot never drops it (separate sequence).
      this.history = 'loading';
      this.historyRun = this.loadHistory(++this.historySeq);
    }
    const snapshot = await this.request(false);
    if (seq !== this.snapshotSeq) return;
    if (!snapshot.ok || !snapshot.model) {
      this.error = snapshot.error ?? t('The language server is not running.');
      this.postState();
      return;
    }
    if (this.history !== 'error') this.error = undefined;
    const history = this.model?.history;
    this.model = history ? { ...snapshot.model, history } : snapshot.model;
    this.postState();
    await this.historyRun;
  }

  private async loadHistory(seq: number): Promise<void> {
    const token = `asyncMigrate.dashboard.${crypto.randomBytes(8).toString('hex')}`;
    const sub = this.lsp.onWorkDone(token, (value) => {
      if (seq !== this.historySeq || value.kind === 'end') return;
      const percent = typeof value.percentage === 'number' ? Math.max(0, Math.min(100, value.percentage)) : 0;
      this.post({ type: 'progress', percent, message: value.message ?? '' });
    });
    try {
      const result = await this.request(true, token);
      if (seq !== this.historySeq) return;
      if (result.ok && result.model?.history) {
        this.model = { ...(this.model ?? result.model), history: result.model.history };
        this.history = 'ready';
      } else {
        this.history = 'error';
        this.error = result.error;
      }
      this.postState();
    } finally {
      sub.dispose();
    }
  }

  private async request(history: boolean, workDoneToken?: string): Promise<DashboardResult> {
    const folder = this.folder.uri.toString();
    try {
      return (await this.lsp.dashboard({ folder, history, ...(workDoneToken ? { workDoneToken } : {}) })) ?? { ok: false, folder, name: this.folder.name, error: t('The language server is not running.') };
    } catch (error) {
      return { ok: false, folder, name: this.folder.name, error: error instanceof Error ? error.message : String(error) };
    }
  }

  postState(): void {
    this.post({ type: 'state', state: { strings: dashboardStrings(), folder: this.folder.name, model: this.model, history: this.history, ...(this.error ? { error: this.error } : {}) } });
  }

  private post(message: ToDashboard): void {
    this.posted.push(message);
    if (this.posted.length > 200) this.posted.shift();
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseFromDashboard(raw);
    if (!message) {
      this.log(`[dashboard] ignored a malformed message from the webview: ${String(JSON.stringify(raw)).slice(0, 500)}`);
      return;
    }
    await this.handle(message);
  }

  /** Handles a validated message from the webview (also the entry point for tests). */
  async handle(message: FromDashboard): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.postState();
        return;
      case 'refresh':
        await this.load();
        return;
      case 'openEndpoint': {
        // Only endpoints the dashboard shows; the line is the model's, never the message's.
        const row = this.model?.blockers.find((b) => b.id === message.id);
        const uri = row && insideFolder(this.folder, row.path);
        if (row && uri) await openAt(uri, Math.max(0, row.line - 1), 0);
        return;
      }
      case 'openFile': {
        const known = this.model?.twins.some((x) => x.sync === message.path || x.async === message.path || x.importers.includes(message.path));
        const uri = known ? insideFolder(this.folder, message.path) : undefined;
        if (uri) await vscode.window.showTextDocument(uri, { preview: false });
        return;
      }
    }
  }
}
