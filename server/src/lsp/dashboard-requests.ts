// `asyncMigrate/dashboard`: the migration dashboard of a workspace folder (spec §2), from the
// inventory the Endpoints tree uses (migration-requests.ts, open buffers included), the state
// in progress.md, the sync/async twin pairs of the index and — when asked — the burn-up history
// read from git (project/git-history.ts, cached per commit), with `$/progress` while it runs.
import type { CancellationToken } from 'vscode-languageserver';
import { buildDashboard } from '../analysis/dashboard/model';
import { twinPairs } from '../analysis/twins';
import { computeHistory } from '../project/git-history';
import { type DashboardParams, type DashboardResult, MIGRATION_REQUESTS } from './migration-protocol';
import type { MigrationRequests } from './migration-requests';
import type { Guard } from './requests';
import type { AsyncMigrateServer } from './server';

export class DashboardRequests {
  constructor(
    private readonly server: AsyncMigrateServer,
    private readonly migration: MigrationRequests,
  ) {}

  register(guard: Guard): void {
    this.server.connection.onRequest(
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
    let history;
    if (p.history) {
      const workDone = p.workDoneToken;
      const progress = workDone !== undefined ? this.server.connection.window.attachWorkDoneProgress(workDone) : await this.server.connection.window.createWorkDoneProgress().catch(() => undefined);
      progress?.begin('Async Migrate: migration history', 0, 'reading git history…', false);
      try {
        history = await computeHistory(folder.root, {
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

/** Registers the request (one call from requests.ts). */
export function registerDashboardRequests(server: AsyncMigrateServer, guard: Guard, migration: MigrationRequests): DashboardRequests {
  const requests = new DashboardRequests(server, migration);
  requests.register(guard);
  return requests;
}
