// Sync/async twin modules (the seed's find_duplicate_services.sh) and, for each sync twin, the
// files that still import it: "safe to delete" when none do. Pure: shared by `async-migrate
// duplicates` and the migration dashboard (CLI and editor).
import { isTestPath } from './infrastructure/async-dependency';
import { sharesApi } from './rules/duplicate-sync-async-module';
import type { ModuleSummary } from './summary';
import type { WorkspaceIndex } from './workspace';

export interface Importer {
  path: string;
  line: number;
  /** What it imports: `user_service`, or the module itself. */
  names: string[];
  kind: 'code' | 'test' | 'async twin';
  /** The file is excluded from analysis by the configuration (still an importer: deleting the module breaks it). */
  excluded?: boolean;
}

export interface TwinPair {
  sync: { module: string; path: string };
  async: { module: string; path: string };
  importers: Importer[];
  safeToDelete: boolean;
}

export function twinPairs(index: WorkspaceIndex, excluded: ModuleSummary[] = []): TwinPair[] {
  const pairs: TwinPair[] = [];
  for (const mod of index.modules()) {
    const twin = index.asyncTwinModule(mod.moduleName);
    if (!twin) continue;
    const asyncMod = index.module(twin)!;
    if (!sharesApi(index, mod, asyncMod)) continue;
    const byFile = new Map<string, Importer>();
    for (const { module: importer, binding } of index.importersOf(mod.moduleName)) {
      if (importer.path === mod.path) continue;
      const name = binding.module === mod.moduleName ? (binding.name ?? binding.module) : binding.local;
      const existing = byFile.get(importer.path);
      if (existing) {
        if (!existing.names.includes(name)) existing.names.push(name);
        existing.line = Math.min(existing.line, binding.line);
        continue;
      }
      const kind: Importer['kind'] = importer.path === asyncMod.path ? 'async twin' : isTestPath(importer.path) ? 'test' : 'code';
      byFile.set(importer.path, { path: importer.path, line: binding.line, names: [name], kind });
    }
    for (const other of excluded) {
      const bindings = other.imports.filter((b) => b.module === mod.moduleName || (b.name && `${b.module}.${b.name}` === mod.moduleName));
      if (!bindings.length) continue;
      byFile.set(other.path, {
        path: other.path,
        line: Math.min(...bindings.map((b) => b.line)),
        names: [...new Set(bindings.map((b) => (b.module === mod.moduleName ? (b.name ?? b.module) : b.local)))],
        kind: isTestPath(other.path) ? 'test' : 'code',
        excluded: true,
      });
    }
    const importers = [...byFile.values()].sort((a, b) => a.path.localeCompare(b.path));
    pairs.push({ sync: { module: mod.moduleName, path: mod.path }, async: { module: twin, path: asyncMod.path }, importers, safeToDelete: importers.length === 0 });
  }
  return pairs.sort((a, b) => a.sync.path.localeCompare(b.sync.path));
}
