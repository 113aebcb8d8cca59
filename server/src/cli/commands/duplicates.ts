// async-migrate duplicates: sync/async twin modules (the seed's find_duplicate_services.sh) and,
// for each sync twin, the files that still import it — "safe to delete" when none do.
import type { OptionSpec } from '../args';
import type { CommandIO } from '../io';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_CONFIG } from '../../analysis/config';
import { parseSource, summarizeSource } from '../../analysis/engine';
import type { ModuleSummary } from '../../analysis/summary';
import { type ConfigText, twinPairs } from '../../analysis/twins';
import { findPythonFiles, readPythonFile } from '../../project';
import type { CliWorkspace } from '../target';
import { plural, prepare } from './workflow-common';

export const DUPLICATES_OPTIONS: OptionSpec[] = [{ name: 'format', type: 'string', metavar: 'text|json', choices: ['text', 'json'], help: 'output format (default: text)' }];

const DESCRIPTION = `Lists modules that exist twice, sync and async (app/services/user.py next to
app/services/async_user.py, following [tool.async-migrate.twins] module-patterns), and for each
sync twin the files that still reach it: imports at any depth (inside functions too), imports
under \`if TYPE_CHECKING:\`, module paths named in strings (\`importlib.import_module(...)\`,
"app.services.user:obj" in settings), and configuration files near the root that name the module
(Procfile, Dockerfile, *.toml/*.ini/*.cfg/*.yaml/*.json/*.env/*.sh: \`celery -A app.services.user\`).
Only a sync twin nothing reaches is safe to delete (the
seed's goal: "0 archivos sync legacy"). With PATHS, only pairs with a file under PATHS.

Exit status: 0, or 2 on a usage or configuration error.`;

/**
 * Summaries of the Python files the configuration excludes from analysis (tests, scripts):
 * they still import sync modules, so "safe to delete" must look at them too.
 */
export function excludedSummaries(ws: CliWorkspace): ModuleSummary[] {
  const all = findPythonFiles(ws.root, { ...ws.config, exclude: DEFAULT_CONFIG.exclude, extendExclude: [], scopes: [] }, undefined, { subprojectConfigs: false });
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

/** Configuration files that may name a module (uvicorn / gunicorn / celery commands, entry points, settings). */
const CONFIG_FILE = /^(Procfile|Dockerfile[^/]*|Makefile|[^/]*\.(toml|ini|cfg|ya?ml|json|conf|env|sh))$/;
const CONFIG_MAX_DEPTH = 3;
const CONFIG_MAX_BYTES = 512 * 1024;

/** Configuration files near the project root (depth ≤ 3; hidden folders, virtualenvs and node_modules skipped). */
export function configTexts(root: string): ConfigText[] {
  const out: ConfigText[] = [];
  const visit = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < CONFIG_MAX_DEPTH && !e.name.startsWith('.') && !/^(node_modules|__pycache__|venv|env|site-packages|dist|build)$/.test(e.name)) visit(abs, depth + 1);
      } else if (e.isFile() && CONFIG_FILE.test(e.name)) {
        try {
          if (fs.statSync(abs).size <= CONFIG_MAX_BYTES) out.push({ path: path.relative(root, abs).split(path.sep).join('/'), text: fs.readFileSync(abs, 'utf8') });
        } catch {
          /* unreadable: not a reference we can see */
        }
      }
    }
  };
  visit(root, 0);
  return out;
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const ctx = await prepare(io, 'duplicates', argv, DUPLICATES_OPTIONS, 'async-migrate duplicates [options] [PATHS...]', DESCRIPTION);
  if (typeof ctx === 'number') return ctx;
  const { ws } = ctx;
  const targets = new Set(ws.targets);
  let pairs = twinPairs(ws.project.index, excludedSummaries(ws), configTexts(ws.root));
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
      const runtime = p.importers.filter((i) => i.how === 'import' || i.how === 'local import').length;
      lines.push(
        runtime
          ? `  ${d(p.sync.path)} is still imported by ${plural(runtime, 'file')}${runtime < p.importers.length ? ` (and named by ${plural(p.importers.length - runtime, 'other file')})` : ''}:`
          : `  not safe to delete ${d(p.sync.path)}: nothing imports it at run time, but ${plural(p.importers.length, 'file')} name${p.importers.length === 1 ? 's' : ''} it (check before deleting):`,
      );
      for (const i of p.importers) {
        const how = i.how === 'local import' ? 'inside a function' : i.how === 'type-checking' ? 'only under TYPE_CHECKING' : i.how === 'string' ? 'named as a string' : '';
        const tags = [how, i.kind === 'code' ? '' : i.kind, i.excluded ? 'excluded from analysis' : ''].filter(Boolean).join(', ');
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
