// `asyncMigrate/dashboard`: the migration dashboard of a workspace folder (spec §2), from the
// inventory the Endpoints tree uses (migration-requests.ts, open buffers included), the state
// in progress.md, the sync/async twin pairs of the index and — when asked — the burn-up history
// read from git (project/git-history.ts, cached per commit), with `$/progress` while it runs.
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { type History, buildDashboard } from '../analysis/dashboard/model';
import { twinPairs } from '../analysis/twins';
import { computeHistoryInWorker } from '../project/git-history';
import type { Guard, Workspace } from './context';
import { type DashboardParams, type DashboardResult, MIGRATION_REQUESTS } from './migration-protocol';
import type { MigrationRequests } from './migration-requests';

export class DashboardRequests {
  constructor(
    private readonly connection: Pick<Connection, 'onRequest' | 'window'>,
    private readonly server: Pick<Workspace, 'folders'>,
    private readonly migration: Pick<MigrationRequests, 'inventory'>,
  ) {}

  register(guard: Guard): void {
    this.connection.onRequest(
      MIGRATION_REQUESTS.dashboard,
      guard('dashboard', { ok: false, folder: '', name: '', error: 'internal error (see the Async Migrate output)' } as DashboardResult, (p: DashboardParams, token?: CancellationToken) => this.dashboard(p, token)),
    );
  }

  async dashboard(p: DashboardParams, token?: CancellationToken): Promise<DashboardResult> {
    if (!p || typeof p.folder !== 'string') return { ok: false, folder: '', name: '', error: 'expected { folder, history? }' };
    const folder = this.server.folders.get(p.folder);
    if (!folder?.root) return { ok: false, folder: p.folder, name: '', error: `no workspace folder ${p.folder}` };
    const base = { folder: folder.uri, name: folder.name };
    if (!folder.settings.enable) return { ...base, ok: false, error: 'async-migrate is disabled for this folder (asyncMigrate.enable)' };
    let history: History | undefined;
    if (p.history) {
      const workDone = p.workDoneToken;
      const progress = workDone !== undefined ? this.connection.window.attachWorkDoneProgress(workDone) : await this.connection.window.createWorkDoneProgress().catch(() => undefined);
      progress?.begin('Async Migrate: migration history', 0, 'reading git history…', false);
      try {
        history = await computeHistoryInWorker(folder.root, {
          onProgress: (done, total, c) => progress?.report(total ? Math.floor((done / total) * 100) : 100, `${done}/${total} · ${c.commit.slice(0, 7)} ${c.date.slice(0, 10)}`),
          isCancelled: () => !!token?.isCancellationRequested,
        });
      } finally {
        progress?.done();
      }
    }
    const cached = this.migration.inventory(folder);
    const model = buildDashboard({ inventory: cached.inventory, state: cached.progress, twins: twinPairs(folder.index), history });
    return { ...base, ok: true, model, generation: cached.inventory.generation };
  }
}
