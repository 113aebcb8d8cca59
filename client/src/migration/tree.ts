// The Endpoints tree: tier → file → endpoint (a folder level first in multi-root workspaces),
// status icons, finding counts, the tier reason as tooltip, "12 / 36 async (33 %)" as the view
// description. Refreshed on the server's inventoryChanged notification (only while visible;
// once on becoming visible otherwise).
import * as path from 'path';
import * as vscode from 'vscode';
import type { EndpointRow, EndpointStatus, FolderEndpoints, Tier } from '../../../server/src/lsp/migration-protocol';
import type { MigrationClient } from './lsp';
import { statusLabel } from './strings';

const t = vscode.l10n.t;

export type EndpointNode =
  | { kind: 'folder'; folder: FolderEndpoints }
  | { kind: 'tier'; folder: FolderEndpoints; tier: Tier; rows: EndpointRow[] }
  | { kind: 'file'; folder: FolderEndpoints; tier: Tier; path: string; rows: EndpointRow[] }
  | { kind: 'endpoint'; folder: FolderEndpoints; row: EndpointRow };

export const STATUS_ICONS: Record<EndpointStatus, { icon: string; color?: string }> = {
  sync: { icon: 'circle-large-outline', color: 'disabledForeground' },
  'in progress': { icon: 'sync', color: 'charts.yellow' },
  migrated: { icon: 'pass', color: 'testing.iconPassed' },
  verified: { icon: 'verified-filled', color: 'charts.green' },
};

export function tierTitle(tier: Tier): string {
  switch (tier) {
    case 1:
      return t('Tier 1: critical');
    case 2:
      return t('Tier 2: important');
    case 3:
      return t('Tier 3: secondary');
  }
}

function tierTooltip(tier: Tier): string {
  switch (tier) {
    case 1:
      return t('High traffic, read-mostly, few dependencies: migrate first.');
    case 2:
      return t('Medium frequency, mixed reads and writes, some external APIs.');
    case 3:
      return t('Low frequency or complex (admin, billing, webhooks, many external SDKs): migrate last.');
  }
}

export function asyncSummary(asyncCount: number, total: number): string {
  const pct = total ? Math.round((asyncCount / total) * 100) : 0;
  return t('{0} / {1} async ({2} %)', asyncCount, total, pct);
}

export function findingsText(n: number): string {
  return n === 1 ? t('1 finding') : t('{0} findings', n);
}

export class EndpointsTree implements vscode.TreeDataProvider<EndpointNode> {
  private readonly changed = new vscode.EventEmitter<EndpointNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loadedEmitter = new vscode.EventEmitter<void>();
  /** Fires after every load of the inventory. */
  readonly onDidLoad = this.loadedEmitter.event;
  private folders: FolderEndpoints[] = [];
  private view: vscode.TreeView<EndpointNode> | undefined;
  private stale = true;
  private loading: Promise<void> | undefined;
  private loaded = false;

  constructor(private readonly lsp: MigrationClient) {}

  attach(view: vscode.TreeView<EndpointNode>): vscode.Disposable {
    this.view = view;
    return view.onDidChangeVisibility((e) => {
      if (e.visible && this.stale) this.refresh();
    });
  }

  /** False once the inventory was loaded and has no routes. */
  get hasRoutes(): boolean {
    return !this.loaded || this.rows.length > 0;
  }

  get rows(): EndpointRow[] {
    return this.folders.flatMap((f) => f.endpoints);
  }

  get description(): string | undefined {
    return this.view?.description;
  }

  /** Reloads now when visible (or when never loaded), else on becoming visible. */
  refresh(): void {
    this.stale = true;
    if (this.view && !this.view.visible && this.loaded) return;
    void this.load();
  }

  /** Loads the inventory from the server and redraws. */
  async load(): Promise<void> {
    if (this.loading) {
      // One reload after the running one, with the latest data.
      await this.loading;
      if (!this.stale) return;
    }
    this.stale = false;
    this.loading = (async () => {
      try {
        const result = await this.lsp.endpoints();
        if (result) {
          this.folders = result.folders;
          this.loaded = true;
        }
      } catch (error) {
        this.folders = [{ folder: '', name: '', state: 'ready', endpoints: [], asyncCount: 0, problems: [], error: error instanceof Error ? error.message : String(error) }];
      }
      this.updateChrome();
      this.changed.fire(undefined);
      this.loadedEmitter.fire();
    })();
    try {
      await this.loading;
    } finally {
      this.loading = undefined;
    }
  }

  private updateChrome(): void {
    const total = this.rows.length;
    const asyncCount = this.folders.reduce((n, f) => n + f.asyncCount, 0);
    const indexing = this.folders.some((f) => f.state !== 'ready') || !this.loaded;
    let state: 'loading' | 'empty' | 'ready' | 'error';
    if (total) state = 'ready';
    else if (this.folders.some((f) => f.error)) state = 'error';
    else state = indexing ? 'loading' : 'empty';
    void vscode.commands.executeCommand('setContext', 'asyncMigrate.inventory', state);
    if (this.view) {
      this.view.description = total ? asyncSummary(asyncCount, total) : undefined;
      this.view.message = state === 'error' ? t('The endpoint inventory could not be built: {0}', this.folders.find((f) => f.error)?.error ?? '') : undefined;
    }
  }

  getChildren(node?: EndpointNode): EndpointNode[] {
    if (!node) {
      if (!this.loaded && !this.loading) void this.load();
      const withRows = this.folders.filter((f) => f.endpoints.length);
      if (!withRows.length) return [];
      if (this.folders.length > 1) return withRows.map((folder) => ({ kind: 'folder', folder }));
      return this.tiers(withRows[0]);
    }
    switch (node.kind) {
      case 'folder':
        return this.tiers(node.folder);
      case 'tier': {
        const byFile = new Map<string, EndpointRow[]>();
        for (const row of node.rows) byFile.set(row.path, [...(byFile.get(row.path) ?? []), row]);
        return [...byFile].map(([p, rows]) => ({ kind: 'file', folder: node.folder, tier: node.tier, path: p, rows }));
      }
      case 'file':
        return node.rows.map((row) => ({ kind: 'endpoint', folder: node.folder, row }));
      default:
        return [];
    }
  }

  private tiers(folder: FolderEndpoints): EndpointNode[] {
    const out: EndpointNode[] = [];
    for (const tier of [1, 2, 3] as Tier[]) {
      const rows = folder.endpoints.filter((r) => r.tier === tier);
      if (rows.length) out.push({ kind: 'tier', folder, tier, rows });
    }
    return out;
  }

  getTreeItem(node: EndpointNode): vscode.TreeItem {
    switch (node.kind) {
      case 'folder': {
        const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `folder:${node.folder.folder}`;
        item.iconPath = vscode.ThemeIcon.Folder;
        item.description = asyncSummary(node.folder.asyncCount, node.folder.endpoints.length);
        item.contextValue = 'folder';
        return item;
      }
      case 'tier': {
        const item = new vscode.TreeItem(tierTitle(node.tier), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `tier:${node.folder.folder}:${node.tier}`;
        item.iconPath = new vscode.ThemeIcon(node.tier === 1 ? 'flame' : node.tier === 2 ? 'layers' : 'archive');
        item.description = asyncSummary(node.rows.filter((r) => r.isAsync).length, node.rows.length);
        item.tooltip = tierTooltip(node.tier);
        item.contextValue = 'tier';
        return item;
      }
      case 'file': {
        const item = new vscode.TreeItem(path.posix.basename(node.path), vscode.TreeItemCollapsibleState.Expanded);
        // The file's own icon (Python) from the icon theme.
        if (node.rows[0]?.uri) item.resourceUri = vscode.Uri.parse(node.rows[0].uri);
        item.id = `file:${node.folder.folder}:${node.tier}:${node.path}`;
        item.label = path.posix.basename(node.path);
        item.description = path.posix.dirname(node.path);
        item.iconPath = vscode.ThemeIcon.File;
        item.tooltip = node.path;
        item.contextValue = 'file';
        return item;
      }
      case 'endpoint':
        return this.endpointItem(node.folder, node.row);
    }
  }

  private endpointItem(folder: FolderEndpoints, row: EndpointRow): vscode.TreeItem {
    const item = new vscode.TreeItem(`${row.method} ${row.route}`, vscode.TreeItemCollapsibleState.None);
    item.id = `endpoint:${folder.folder}:${row.id}`;
    const status = STATUS_ICONS[row.status];
    item.iconPath = new vscode.ThemeIcon(status.icon, status.color ? new vscode.ThemeColor(status.color) : undefined);
    const parts = [row.function];
    if (row.findings) parts.push(findingsText(row.findings));
    item.description = parts.join(' · ');
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendText(`${row.method} ${row.route}`);
    tooltip.appendMarkdown('\n\n');
    tooltip.appendText(`${statusLabel(row.status)} · ${row.tierReason}`);
    if (row.statusReasons.length) {
      tooltip.appendMarkdown('\n\n');
      tooltip.appendText(row.statusReasons.join('; '));
    }
    const codes = Object.entries(row.findingCodes);
    if (codes.length) {
      tooltip.appendMarkdown('\n\n');
      tooltip.appendText(codes.map(([c, n]) => `${c} × ${n}`).join(', '));
    }
    tooltip.appendMarkdown('\n\n');
    tooltip.appendText(`${row.function} — ${row.path}:${row.line + 1}`);
    if (row.routeNote) {
      tooltip.appendMarkdown('\n\n');
      tooltip.appendText(row.routeNote);
    }
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `${row.method} ${row.route}, ${statusLabel(row.status)}, ${row.tierReason}${row.findings ? `, ${findingsText(row.findings)}` : ''}` };
    item.contextValue = `endpoint.${row.status.replace(/\s+/g, '-')}`;
    item.command = { command: 'asyncMigrate.endpoints.open', title: t('Open handler'), arguments: [{ folder: folder.folder, row }] };
    return item;
  }

  /** The tree node of an endpoint (for TreeView.reveal). */
  nodeOf(folderUri: string, id: string): EndpointNode | undefined {
    const folder = this.folders.find((f) => f.folder === folderUri);
    const row = folder?.endpoints.find((r) => r.id === id);
    return folder && row ? { kind: 'endpoint', folder, row } : undefined;
  }

  getParent(node: EndpointNode): EndpointNode | undefined {
    if (node.kind === 'endpoint') {
      const rows = node.folder.endpoints.filter((r) => r.tier === node.row.tier && r.path === node.row.path);
      return { kind: 'file', folder: node.folder, tier: node.row.tier, path: node.row.path, rows };
    }
    if (node.kind === 'file') return { kind: 'tier', folder: node.folder, tier: node.tier, rows: node.folder.endpoints.filter((r) => r.tier === node.tier) };
    if (node.kind === 'tier' && this.folders.length > 1) return { kind: 'folder', folder: node.folder };
    return undefined;
  }
}
