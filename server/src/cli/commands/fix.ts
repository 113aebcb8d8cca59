// async-migrate fix [PATHS…]: apply safe fixes (--unsafe-fixes: also unsafe ones), or print
// them as a unified diff (--diff). `--endpoint SPEC` runs "Migrate this endpoint" instead.
import * as fs from 'fs';
import * as path from 'path';
import { fixAllIncludes, fixText, isInventoryHint, parseSource, summarizeSource, type RunOptions } from '../../analysis/engine';
import { findEndpoints, migrateEndpoint } from '../../analysis/migrate-endpoint';
import type { Finding } from '../../analysis/types';
import { decodePythonBytes } from '../../project';
import type { OptionSpec } from '../args';
import { unifiedDiff } from '../diff';
import { plural } from '../format/report';
import { writeFileAtomic } from '../../project/fs-atomic';
import type { CommandIO } from '../io';
import type { CliWorkspace } from '../target';
import { failUsage, openCommandWorkspace, parseCommandArgs, ruleFilters } from './workflow-common';

export const FIX_OPTIONS: OptionSpec[] = [
  { name: 'unsafe-fixes', type: 'boolean', help: 'also apply unsafe fixes (e.g. utcnow → now(timezone.utc): naive → aware datetimes)' },
  { name: 'diff', type: 'boolean', help: 'print a unified diff of the changes instead of writing them (exit 1 when there are changes)' },
  { name: 'select', type: 'list', metavar: 'CODES', help: 'only fix these rule codes or prefixes (comma-separated)' },
  { name: 'ignore', type: 'list', metavar: 'CODES', help: 'do not fix these rule codes or prefixes' },
  { name: 'endpoint', type: 'string', metavar: 'SPEC', help: 'migrate one endpoint: "GET /users/me", "app/api/users.py:read_me" or a handler name' },
  { name: 'no-utcnow', type: 'boolean', help: 'with --endpoint: leave datetime.utcnow() alone (its fix is unsafe; included by default)' },
  { name: 'exit-zero', type: 'boolean', help: 'exit 0 even when findings remain' },
];

const DESCRIPTION = `Applies automatic fixes in PATHS (default: the project) and writes each file atomically.
Safe fixes only, unless --unsafe-fixes. Hint rules that feed the endpoint inventory (e.g. AM102,
AM702) are not fixed unless selected by exact code with --select, so fix never migrates the whole
code base at once. Prints what changed per file and what could not be fixed.

With --endpoint, migrates one route handler instead ("Migrate this endpoint"): def → async def,
session dependency, query rewrites, awaits, async twins, blocking calls and utcnow, as one edit.

Exit status: 0 nothing left, 1 findings remain (or, with --diff, there are changes), 2 usage or
configuration error.`;

/** "AM101×2, AM401" */
function codeCounts(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([code, n]) => (n > 1 ? `${code}×${n}` : code))
    .join(', ');
}


function whyNotFixed(f: Finding, unsafe: boolean): string {
  if (f.fix && isInventoryHint(f.code)) return `a hint for the inventory: fix it per endpoint (fix --endpoint) or select it explicitly (--select ${f.code})`;
  if (f.fix?.applicability === 'unsafe' && !unsafe) return 'unsafe fix: run with --unsafe-fixes';
  if (f.fix) return 'its fix overlapped another fix or did not apply cleanly; run fix again';
  if (f.noFixReason) return f.noFixReason;
  if (f.suggestions?.length) return `suggestion only: ${f.suggestions[0].title}`;
  return 'no automatic fix';
}

export function hasBom(abs: string): boolean {
  try {
    const fd = fs.openSync(abs, 'r');
    try {
      const head = Buffer.alloc(3);
      return fs.readSync(fd, head, 0, 3, 0) === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Puts a file's on-disk text back into the index (fixText indexed the fixed text, which was not written). */
function reindex(ws: CliWorkspace, rel: string, text: string): void {
  const { file } = parseSource(rel, text, ws.config);
  try {
    ws.project.index.upsert(summarizeSource(file));
  } finally {
    file.dispose();
  }
}

type WriteOutcome = { ok: true } | { ok: false; reason: string };

/** Why rel cannot be written back (not UTF-8, unreadable, changed on disk since it was read as `before`), or its BOM when it can. */
export function writableAs(ws: CliWorkspace, rel: string, before: string): { ok: true; bom: string } | { ok: false; reason: string } {
  if (ws.warnings.some((w) => w.path === rel) || ws.project.warnings.some((w) => w.path === rel)) {
    const warning = [...ws.warnings, ...ws.project.warnings].find((w) => w.path === rel)!;
    return { ok: false, reason: `not written: ${warning.reason} (writing it back as UTF-8 would change its bytes)` };
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(ws.absolute(rel));
  } catch (error) {
    return { ok: false, reason: `not written: cannot re-read the file (${(error as Error).message})` };
  }
  if (decodePythonBytes(bytes).text !== before) return { ok: false, reason: 'not written: the file changed on disk while it was being fixed' };
  return { ok: true, bom: bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? '\uFEFF' : '' };
}

/** Writes a fixed file atomically, keeping its BOM; refuses when the file changed meanwhile or is not UTF-8. */
export function writeFixed(ws: CliWorkspace, rel: string, before: string, after: string): WriteOutcome {
  const abs = ws.absolute(rel);
  const writable = writableAs(ws, rel, before);
  if (!writable.ok) return writable;
  const bom = writable.bom;
  try {
    writeFileAtomic(abs, bom + after);
  } catch (error) {
    return { ok: false, reason: `not written: ${(error as Error).message}` };
  }
  ws.project.texts.set(rel, after);
  return { ok: true };
}

interface FixPlan {
  /** The on-disk text of every file a fix changed (ws.project.texts holds the fixed texts). */
  original: Map<string, string>;
  /** Per target: the findings fixed and those left. */
  results: Map<string, { applied: Finding[]; remaining: Finding[] }>;
  /** Per changed file: the targets whose fixes changed it. */
  editedBy: Map<string, string[]>;
  changed(): string[];
  /** Groups of files changed by one target's fixes together (a fix with Fix.otherFiles). */
  linked(): string[][];
}

/** Fixes every target in memory (ws.project.texts and the index follow the fixed texts). */
function planFixes(ws: CliWorkspace, runOptions: RunOptions, unsafe: boolean, counted: (f: Finding) => boolean, report: (t: string) => void): FixPlan {
  const original = new Map<string, string>();
  const results = new Map<string, { applied: Finding[]; remaining: Finding[] }>();
  const editedBy = new Map<string, string[]>();
  const groups: string[][] = [];
  const texts = ws.project.texts;
  for (const rel of ws.targets) {
    const before = texts.get(rel)!;
    let result;
    try {
      result = fixText(rel, before, ws.project.index, ws.config, { ...runOptions, unsafe, filter: counted, otherFiles: true });
    } catch (error) {
      report(`${ws.display(rel)}: internal error while fixing, file left unchanged: ${(error as Error).message} (please report it)`);
      reindex(ws, rel, before);
      continue;
    }
    results.set(rel, { applied: result.applied, remaining: result.remaining.filter(counted) });
    const changed = new Map([[rel, result.text], ...result.otherTexts]);
    const group: string[] = [];
    for (const [p, text] of changed) {
      if (text === texts.get(p)) continue;
      if (!original.has(p)) original.set(p, texts.get(p)!);
      texts.set(p, text);
      group.push(p);
      editedBy.set(p, [...(editedBy.get(p) ?? []), rel]);
    }
    if (group.length > 1) groups.push(group);
  }
  const changedPaths = () => [...original.keys()].filter((p) => original.get(p) !== texts.get(p)).sort();
  return {
    original,
    results,
    editedBy,
    changed: changedPaths,
    linked() {
      // Groups sharing a file are one group (union by repeated merging; groups are few).
      const merged: Set<string>[] = [];
      for (const g of groups) {
        const set = new Set(g);
        for (let i = merged.length - 1; i >= 0; i--) if ([...merged[i]].some((p) => set.has(p))) for (const p of merged.splice(i, 1)[0]) set.add(p);
        merged.push(set);
      }
      return merged.map((s) => [...s].sort());
    },
  };
}

export async function run(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(io, 'fix', args, FIX_OPTIONS, 'async-migrate fix [options] [PATHS...]', DESCRIPTION);
  if (typeof parsed === 'number') return parsed;
  const o = parsed.options;
  const filters = ruleFilters(io, 'fix', o);
  if (typeof filters === 'number') return filters;
  // ci: hint rules (offInCiByDefault) are fixed only when selected explicitly.
  const runOptions: RunOptions = { ...filters, ci: true };
  if (o['no-utcnow'] && !o.endpoint) return failUsage(io, 'fix', '--no-utcnow only applies with --endpoint');
  const ws = await openCommandWorkspace(io, 'fix', parsed.positionals, () => 'fix the configuration above; nothing was changed');
  if (typeof ws === 'number') return ws;
  if (typeof o.endpoint === 'string') return migrateOne(io, ws, o.endpoint, { diff: !!o.diff, utcnow: !o['no-utcnow'], runOptions });

  const diff = !!o.diff;
  const unsafe = !!o['unsafe-fixes'];
  const report = diff ? (t: string) => io.err(t) : (t: string) => io.out(t);
  // Inventory hints (sync endpoints, legacy queries in sync code) are neither fixed nor "left to fix" here.
  const counted = (f: Finding) => fixAllIncludes(f, runOptions.select);
  // Every file is fixed in memory first (a fix may edit other files: a helper's callers), then
  // the changed files are written; files linked by one fix are written together or not at all.
  const plan = planFixes(ws, runOptions, unsafe, counted, report);
  const unwritable = new Map<string, string>();
  if (!diff) {
    for (const rel of plan.changed()) {
      const writable = writableAs(ws, rel, plan.original.get(rel)!);
      if (!writable.ok) unwritable.set(rel, writable.reason);
    }
    for (const group of plan.linked()) {
      const blocked = group.find((rel) => unwritable.has(rel));
      if (blocked) for (const rel of group) if (!unwritable.has(rel)) unwritable.set(rel, `not written: it belongs to one fix with \`${ws.display(blocked)}\`, which was not written`);
    }
  }
  let fixedTotal = 0;
  let filesChanged = 0;
  const remainingAll: Finding[] = [];
  const reported = new Set<string>();
  const printFile = (rel: string) => {
    if (reported.has(rel)) return;
    reported.add(rel);
    const display = ws.display(rel);
    const before = plan.original.get(rel);
    const after = ws.project.texts.get(rel)!;
    const entry = plan.results.get(rel);
    const applied = entry?.applied ?? [];
    let remaining = entry?.remaining ?? [];
    let notWritten = false;
    if (before !== undefined && before !== after) {
      const by = plan.editedBy.get(rel)?.filter((p) => p !== rel) ?? [];
      const what = [
        applied.length ? `${diff ? 'would fix' : 'fixed'} ${applied.length} (${codeCounts(applied)})` : '',
        by.length ? `${diff ? 'would be edited' : 'edited'} by a fix in ${by.map((p) => ws.display(p)).join(', ')}` : '',
      ].filter(Boolean).join('; ');
      if (diff) {
        const bom = hasBom(ws.absolute(rel)) ? '\uFEFF' : '';
        io.out(unifiedDiff(display, bom + before, bom + after).replace(/\n$/, ''));
        report(`${display}: ${what}`);
        fixedTotal += applied.length;
        filesChanged++;
      } else {
        const written = unwritable.has(rel) ? ({ ok: false, reason: unwritable.get(rel)! } as const) : writeFixed(ws, rel, before, after);
        if (written.ok) {
          report(`${display}: ${what}`);
          fixedTotal += applied.length;
          filesChanged++;
        } else {
          report(`${display}: ${written.reason}`);
          ws.project.texts.set(rel, before);
          reindex(ws, rel, before);
          // Nothing was written: everything found in the original is still there.
          remaining = [...applied, ...remaining].filter(counted);
          notWritten = true;
        }
      }
    }
    remainingAll.push(...remaining);
    for (const f of remaining) {
      report(`  ${display}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.code} ${f.message.replace(/\r?\n/g, ' ')} — not fixed: ${notWritten ? 'the file was not written (see above)' : whyNotFixed(f, unsafe)}`);
    }
  };
  for (const rel of [...ws.targets, ...plan.changed()].sort()) printFile(rel);
  for (const s of ws.skipped) report(`skipped ${ws.display(s.path)}: ${s.reason}`);
  const unsafeLeft = remainingAll.filter((f) => f.fix?.applicability === 'unsafe').length;
  const summary = [
    `${diff ? 'Would fix' : 'Fixed'} ${plural(fixedTotal, 'finding')} in ${plural(filesChanged, 'file')}`,
    remainingAll.length ? `${remainingAll.length} remaining${unsafeLeft && !unsafe ? ` (${unsafeLeft} fixable with --unsafe-fixes)` : ''}` : 'nothing remaining',
  ];
  report(`${summary.join('; ')}.`);
  if (o['exit-zero']) return 0;
  if (diff) return filesChanged ? 1 : 0;
  return remainingAll.length ? 1 : 0;
}

function toRootRelative(io: CommandIO, ws: CliWorkspace, spec: string): string {
  // "path/to/file.py:function" is typed relative to the working directory.
  const m = /^(.+\.pyi?):([A-Za-z_]\w*)$/.exec(spec.trim());
  if (!m) return spec;
  const abs = path.resolve(io.cwd, m[1]);
  const rel = path.relative(ws.root, abs).split(path.sep).join('/');
  return `${rel}:${m[2]}`;
}

async function migrateOne(io: CommandIO, ws: CliWorkspace, spec: string, options: { diff: boolean; utcnow: boolean; runOptions: RunOptions }): Promise<number> {
  const matches = findEndpoints(ws.project.index, toRootRelative(io, ws, spec)).filter((m) => ws.targets.includes(m.path));
  if (!matches.length) {
    io.err(`async-migrate fix: no endpoint matches "${spec}" (use "METHOD /path", "file.py:function" or a handler name; 'async-migrate endpoints' lists them)`);
    return 2;
  }
  if (matches.length > 1) {
    io.err(`async-migrate fix: "${spec}" matches ${matches.length} endpoints; be more specific:\n${matches.map((m) => `  ${m.label}  (${ws.display(m.path)}:${m.line} ${m.function})`).join('\n')}`);
    return 2;
  }
  const [match] = matches;
  const before = ws.project.texts.get(match.path)!;
  const display = ws.display(match.path);
  const report = options.diff ? (t: string) => io.err(t) : (t: string) => io.out(t);
  report(`Migrating ${match.label} (${display}:${match.line} ${match.function})`);
  const result = migrateEndpoint(match.path, before, ws.project.index, ws.config, { function: match.function }, { unsafe: options.utcnow, select: options.runOptions.select, ignore: options.runOptions.ignore });
  if (!result.ok) {
    for (const n of result.notDone) report(`  ${display}:${n.line}: ${n.message}`);
    return 1;
  }
  const changed = result.text !== before;
  if (changed) {
    if (options.diff) {
      const bom = hasBom(ws.absolute(match.path)) ? '\uFEFF' : '';
      io.out(unifiedDiff(display, bom + before, bom + result.text).replace(/\n$/, ''));
    }
    else {
      const written = writeFixed(ws, match.path, before, result.text);
      if (!written.ok) {
        report(`  ${display}: ${written.reason}`);
        return 1;
      }
    }
  }
  if (result.applied.length) for (const a of result.applied) report(`  done: ${a}`);
  else report('  nothing to change automatically');
  for (const n of result.notDone) report(`  todo: ${display}:${n.line}: ${n.message}`);
  report(
    `${!changed ? 'Left unchanged' : options.diff ? 'Would change' : 'Changed'} ${display}; ${result.notDone.length ? `${plural(result.notDone.length, 'item')} left for review` : 'nothing left in the handler'}.`,
  );
  if (options.diff) return changed ? 1 : 0;
  return result.notDone.length ? 1 : 0;
}
