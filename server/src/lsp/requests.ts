// async-migrate's custom requests. This is the extension point for the sidebar / tree view:
// the endpoint inventory and per-endpoint checklist requests (server/src/analysis/endpoints/**)
// are registered here, next to the status request, each through `guard` so a failure is logged
// and answered with the fallback instead of crashing the server.
import { describeTree } from './document';
import type { AsyncMigrateServer } from './server';
import { STATUS_REQUEST, type StatusPayload, SYNTAX_TREE_REQUEST } from './protocol';

export type Guard = <A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R | Promise<R>) => (...args: A) => Promise<R>;

export function registerRequests(server: AsyncMigrateServer, guard: Guard): void {
  const c = server.connection;

  c.onRequest(
    STATUS_REQUEST,
    guard('status', null as StatusPayload | null, () => server.status()),
  );

  c.onRequest(
    SYNTAX_TREE_REQUEST,
    guard('syntaxTree', null as { version: number; tree: string; nodes: string; incrementalParses: number } | null, (params: { uri: string }) => {
      const doc = server.docs.get(params?.uri);
      if (!doc) return null;
      const folder = server.folderOf(doc.uri);
      const file = doc.file(folder.config);
      return { version: doc.version, tree: file.root.toString(), nodes: describeTree(file.root), incrementalParses: doc.incrementalParses };
    }),
  );

  // Extension point: register `asyncMigrate/endpoints` (inventory of a folder) and
  // `asyncMigrate/checklist` (the endpoint under a position) here once the endpoints engine
  // exists, e.g.
  //   c.onRequest('asyncMigrate/endpoints', guard('endpoints', [], (p: { uri?: string }) => …));
  // Use server.folderOf(uri).index / .config, and server.docs for unsaved text.
  const migration = require('./migration-requests').registerMigrationRequests(server, guard); // endpoints tree + checklist sidebar (migration-requests.ts)
  require('./dashboard-requests').registerDashboardRequests(server, guard, migration); // migration dashboard (dashboard-requests.ts)
}
