// async-migrate duplicates: sync/async twin modules (the seed's find_duplicate_services.sh) and,
// for each sync twin, the files that still import it — "safe to delete" when none do.
import type { OptionSpec } from '../args';
import type { CommandIO } from '../io';
import * as path from 'path';
import { DEFAULT_CONFIG } from '../../analysis/config';
import { parseSource, summarizeSource } from '../../analysis/engine';
import { isTestPath } from '../../analysis/infrastructure/async-dependency';
import { sharesApi } from '../../analysis/rules/duplicate-sync-async-module';
import type { ModuleSummary } from '../../analysis/summary';
import type { WorkspaceIndex } from '../../analysis/workspace';
import { findPythonFiles, readPythonFile } from '../../project';
import type { CliWorkspace } from '../target';
import { plural, prepare } from './workflow-common';

export const DUPLICATES_OPTIONS: OptionSpec[] = [{ name: 'format', type: 'string', metavar: 'text|json', choices: ['text', 'json'], help: 'output format (default: text)' }];

const DESCRIPTION = `Lists modules that exist twice, sync and async (app/services/user.py next to
app/services/async_user.py, following [tool.async-migrate.twins] module-patterns), and for each
sync twin the files that still import it. A sync twin nobody imports is safe to delete (the
seed's goal: "0 archivos sync legacy"). With PATHS, only pairs with a file under PATHS.

Exit status: 0, or 2 on a usage or configuration error.`;

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


/**
 * Summaries of the Python files the configuration excludes from analysis (tests, scripts):
 * they still import sync modules, so "safe to delete" must look at them too.
 */
export function excludedSummaries(ws: CliWorkspace): ModuleSummary[] {
  const all = findPythonFiles(ws.root, { ...ws.config, exclude: DEFAULT_CONFIG.exclude, extendExclude: [] });
  const out: ModuleSummary[] = [];
  for (const rel of all) {
    if (ws.project.texts.has(rel)) continue;
    const read = readPythonFile(path.join(ws.root, rel));
    if (read.text === undefined) continue;
    const { file } = parseSource(rel, read.text, ws.config);
    try {
      out.push(summarizeSource(file));
    } finally {
      file.dispose();
    }
  }
  return out;
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

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const ctx = await prepare(io, 'duplicates', argv, DUPLICATES_OPTIONS, 'async-migrate duplicates [options] [PATHS...]', DESCRIPTION);
  if (typeof ctx === 'number') return ctx;
  const { ws } = ctx;
  const targets = new Set(ws.targets);
  let pairs = twinPairs(ws.project.index, excludedSummaries(ws));
  if (ctx.args.positionals.length) pairs = pairs.filter((p) => targets.has(p.sync.path) || targets.has(p.async.path));
  const d = ws.display;
  if (ctx.args.options.format === 'json') {
    io.out(
      JSON.stringify(
        pairs.map((p) => ({
          sync: { module: p.sync.module, path: d(p.sync.path) },
          async: { module: p.async.module, path: d(p.async.path) },
          importers: p.importers.map((i) => ({ ...i, path: d(i.path) })),
          safeToDelete: p.safeToDelete,
        })),
        null,
        2,
      ),
    );
    return 0;
  }
  if (!pairs.length) {
    io.out('no sync/async twin modules found');
    return 0;
  }
  const lines: string[] = [];
  for (const p of pairs) {
    lines.push(`${d(p.sync.path)}  <->  ${d(p.async.path)}`);
    if (p.safeToDelete) lines.push(`  safe to delete ${d(p.sync.path)}: nothing imports it any more`);
    else {
      lines.push(`  ${d(p.sync.path)} is still imported by ${plural(p.importers.length, 'file')}:`);
      for (const i of p.importers) {
        const tags = [i.kind === 'code' ? '' : i.kind, i.excluded ? 'excluded from analysis' : ''].filter(Boolean).join(', ');
        lines.push(`    ${d(i.path)}:${i.line}  ${i.names.join(', ')}${tags ? ` (${tags})` : ''}`);
      }
    }
    lines.push('');
  }
  const safe = pairs.filter((p) => p.safeToDelete).length;
  lines.push(`${plural(pairs.length, 'twin pair')}; ${safe} sync ${safe === 1 ? 'twin is' : 'twins are'} safe to delete`);
  io.out(lines.join('\n'));
  return 0;
}
