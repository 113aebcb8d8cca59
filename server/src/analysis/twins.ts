// Sync/async twin modules (the seed's find_duplicate_services.sh) and, for each sync twin, the
// files that still reach it: "safe to delete" when none do. Pure (the caller reads excluded files
// and configuration files): shared by `async-migrate duplicates` and the migration dashboard
// (CLI and editor).
import { isTestPath } from './infrastructure/async-dependency';
import { deletionVerdict, importersOfModule, sharesApi, type ImportHow } from './rules/duplicate-sync-async-module';
import type { ModuleSummary } from './summary';
import type { WorkspaceIndex } from './workspace';

export interface Importer {
  path: string;
  line: number;
  /** What it imports: `user_service`, or the module itself. */
  names: string[];
  kind: 'code' | 'test' | 'async twin' | 'config';
  /** How it reaches the module: a module-level import, an import inside a function, only under TYPE_CHECKING, or a module path in a string. */
  how: ImportHow;
  /** The file is excluded from analysis by the configuration (still an importer: deleting the module breaks it). */
  excluded?: boolean;
}

export interface TwinPair {
  sync: { module: string; path: string };
  async: { module: string; path: string };
  importers: Importer[];
  safeToDelete: boolean;
}

export interface ConfigText {
  path: string;
  text: string;
}

/** Lines of configuration files naming moduleName (`app.services.user`, `app.services.user:obj`, `app/services/user.py`). */
function configImporters(configs: ConfigText[], moduleName: string, modulePath: string): Importer[] {
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const pattern = new RegExp(`(?<![\\w.])${escape(moduleName)}(?:[.:][\\w.]+)?(?![\\w])|(?<![\\w/.])${escape(modulePath)}(?![\\w])`, 'g');
  const out: Importer[] = [];
  for (const config of configs) {
    const matches = [...config.text.matchAll(pattern)];
    if (!matches.length) continue;
    const line = config.text.slice(0, matches[0].index).split('\n').length;
    out.push({ path: config.path, line, names: [...new Set(matches.map((m) => m[0]))], kind: 'config', how: 'string' });
  }
  return out;
}

export function twinPairs(index: WorkspaceIndex, excluded: ModuleSummary[] = [], configs: ConfigText[] = []): TwinPair[] {
  const pairs: TwinPair[] = [];
  const excludedPaths = new Set(excluded.map((m) => m.path));
  for (const mod of index.modules()) {
    // As the module's own project sees names (a monorepo's projects may share module names).
    const view = index.forFile(mod.path);
    const twin = view.asyncTwinModule(mod.moduleName);
    if (!twin) continue;
    const asyncMod = view.module(twin)!;
    if (!sharesApi(view, mod, asyncMod)) continue;
    const found = importersOfModule(view, mod.moduleName, mod.path, excluded);
    const importers = found.map((i): Importer => {
      const kind: Importer['kind'] = i.path === asyncMod.path ? 'async twin' : isTestPath(i.path) ? 'test' : 'code';
      return { path: i.path, line: i.line, names: i.names, kind, how: i.how, ...(excludedPaths.has(i.path) ? { excluded: true } : {}) };
    });
    importers.push(...configImporters(configs, mod.moduleName, mod.path));
    importers.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const verdict = deletionVerdict([...found, ...importers.filter((i) => i.kind === 'config')]);
    pairs.push({ sync: { module: mod.moduleName, path: mod.path }, async: { module: twin, path: asyncMod.path }, importers, safeToDelete: verdict.safe });
  }
  return pairs.sort((a, b) => a.sync.path.localeCompare(b.sync.path));
}
