// `npm run eval:real`: the engine on real public FastAPI + SQLAlchemy backends (test/real/projects.json),
// pinned by commit. Per project: crashes, time, findings per rule (from the repository root, from the
// backend folder, and for sub-paths like `check app` vs `check .`), the fix invariant after `fix` and
// after `fix --unsafe-fixes` on a temporary copy, and the "safe to delete" claims checked by an
// independent import scan. Compares the counts with test/real/snapshot.json (--update rewrites it).
//
// Needs the projects' git objects: a local mirror (ASYNC_MIGRATE_MIRROR, default /work/.mirror, laid
// out as <owner>+<name>/repo) or internet access for `git clone`. Not part of `npm test`.
// Writes only under .eval-real/ (git-ignored) and, with --update, test/real/snapshot.json.
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AuditResult } from './eval-real/audit';
import { type ImportRef, importersOf, scanImports } from './eval-real/import-scan';
import { diffSnapshots, stableStringify, type Snapshot } from './eval-real/snapshot';

const REPO = path.resolve(__dirname, '..');
const PROJECTS_FILE = path.join(REPO, 'test/real/projects.json');
const SNAPSHOT_FILE = path.join(REPO, 'test/real/snapshot.json');
const WORK = path.join(REPO, '.eval-real');
const CLI = path.join(REPO, 'bin/async-migrate.js');
const TSX = path.join(REPO, 'node_modules/.bin/tsx');
const PYTHON = process.env.ASYNC_MIGRATE_PYTHON ?? '/usr/bin/python3';
const MAX_BUFFER = 1024 * 1024 * 1024;
/** Down to each project's rule counts, one rule per line (a changed count is a one-line diff). */
const SNAPSHOT_EXPANDED_LEVELS = 4;

interface ProjectSpec {
  name: string;
  repo: string;
  commit: string;
  flavor: 'sync' | 'mid-migration' | 'async';
  typed: boolean;
  redis: boolean;
  layout: string;
  note: string;
  backend?: string;
  subsets?: string[];
  exclude?: string[];
}

interface CliFinding {
  path: string;
  line: number;
  column: number;
  code: string;
  message: string;
}

interface Options {
  projects: string[];
  fix: boolean;
  update: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { projects: [], fix: true, update: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--project') options.projects.push(argv[++i] ?? '');
    else if (a.startsWith('--project=')) options.projects.push(a.slice('--project='.length));
    else if (a === '--no-fix') options.fix = false;
    else if (a === '--update') options.update = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: npm run eval:real -- [--project NAME]... [--no-fix] [--update]\n');
      process.exit(0);
    } else {
      process.stderr.write(`eval:real: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Materialising a project at its commit

function git(cwd: string, args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { cwd, input, encoding: 'utf8', maxBuffer: MAX_BUFFER, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function hasCommit(gitDir: string, sha: string): boolean {
  return fs.existsSync(gitDir) && git(gitDir, ['cat-file', '-e', `${sha}^{commit}`]).status === 0;
}

/** A git directory holding the commit: the local mirror, else a bare clone from GitHub. */
function sourceRepository(spec: ProjectSpec): string {
  const mirror = process.env.ASYNC_MIGRATE_MIRROR ?? '/work/.mirror';
  const [owner, name] = spec.repo.split('/');
  const candidates = [`${mirror}/${owner}+${name}/repo`, `${mirror}/${owner}+${name}`, `${mirror}/${owner}/${name}`, `${mirror}/${owner}/${name}.git`];
  for (const c of candidates) if (hasCommit(c, spec.commit)) return c;
  const clone = path.join(WORK, '.clones', `${owner}+${name}.git`);
  if (hasCommit(clone, spec.commit)) return clone;
  const url = `https://github.com/${spec.repo}.git`;
  fs.mkdirSync(path.dirname(clone), { recursive: true });
  const cloned = fs.existsSync(clone) ? git(clone, ['fetch', '--quiet', 'origin', spec.commit]) : git(WORK, ['clone', '--quiet', '--bare', url, clone]);
  if (cloned.status === 0 && hasCommit(clone, spec.commit)) return clone;
  throw new Error(
    `cannot get ${spec.repo} at ${spec.commit}: no local mirror holds it (looked in ${candidates.join(', ')}; set ASYNC_MIGRATE_MIRROR) and cloning ${url} failed (${cloned.stderr.trim().split('\n').pop() || 'no network?'})`,
  );
}

/** .eval-real/<name>: the project's files at its commit (reused while the commit is the same). */
function materialise(spec: ProjectSpec): string {
  const dir = path.join(WORK, spec.name);
  const marker = path.join(WORK, `${spec.name}.commit`);
  if (fs.existsSync(dir) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === spec.commit) return dir;
  const source = sourceRepository(spec);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(marker, { force: true });
  fs.mkdirSync(dir, { recursive: true });
  const excluded = (p: string) => (spec.exclude ?? []).some((e) => p === e || p.startsWith(e + '/'));
  // Snapshots may lack big blobs (or LFS content): leave those files out instead of failing.
  const tree = git(source, ['ls-tree', '-r', '-z', spec.commit]).stdout.split('\0').filter(Boolean);
  const blobs = tree.map((l) => ({ sha: l.split(/\s/)[2], type: l.split(/\s/)[1], path: l.slice(l.indexOf('\t') + 1) })).filter((b) => b.type === 'blob' && !excluded(b.path));
  const check = git(source, ['cat-file', '--batch-check'], blobs.map((b) => b.sha).join('\n') + '\n').stdout.split('\n');
  const missing = new Set(check.filter((l) => l.endsWith(' missing')).map((l) => l.split(' ')[0]));
  const pathspecs = ['.', ...(spec.exclude ?? []).map((e) => `:(exclude)${e}`), ...blobs.filter((b) => missing.has(b.sha)).map((b) => `:(exclude,literal)${b.path}`)];
  const tarFile = path.join(WORK, `${spec.name}.tar`);
  const archive = spawnSync('git', ['archive', '--format=tar', '-o', tarFile, spec.commit, '--', ...pathspecs], { cwd: source, encoding: 'utf8' });
  if (archive.status !== 0) throw new Error(`git archive of ${spec.repo} failed: ${archive.stderr}`);
  const untar = spawnSync('tar', ['-xf', tarFile, '-C', dir], { encoding: 'utf8' });
  fs.rmSync(tarFile, { force: true });
  if (untar.status !== 0) throw new Error(`extracting ${spec.repo} failed: ${untar.stderr}`);
  fs.writeFileSync(marker, spec.commit + '\n');
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Running the CLI

interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function cli(cwd: string, args: string[]): CliRun {
  const start = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: MAX_BUFFER, env: { ...process.env, CI: '' } });
  return { status: r.status ?? 2, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - start };
}

interface Crash {
  where: string;
  detail: string;
}

/** `check --format json` from cwd on paths, findings re-rooted at the project directory. */
function check(dir: string, cwdRel: string, paths: string[], crashes: Crash[]): { findings: CliFinding[]; ms: number } {
  const cwd = path.join(dir, cwdRel);
  const run = cli(cwd, ['check', '--format', 'json', '--exit-zero', ...paths]);
  const where = `check ${paths.join(' ') || '.'} (from ${cwdRel || '.'})`;
  if (run.status !== 0 || /internal error/.test(run.stderr)) crashes.push({ where, detail: `exit ${run.status}: ${run.stderr.trim().slice(0, 500)}` });
  let findings: CliFinding[] = [];
  try {
    findings = (JSON.parse(run.stdout || '[]') as CliFinding[]).map((f) => ({ ...f, path: path.posix.join(cwdRel, f.path) }));
  } catch {
    crashes.push({ where, detail: `output is not JSON: ${run.stdout.slice(0, 200)}` });
  }
  for (const f of findings) if (f.code === 'AM000') crashes.push({ where: `${where}: ${f.path}`, detail: f.message });
  return { findings, ms: run.ms };
}

function countByRule(findings: CliFinding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.code] = (counts[f.code] ?? 0) + 1;
  return counts;
}

const findingKey = (f: CliFinding) => `${f.path}:${f.line}:${f.column}:${f.code}`;

/** Findings of a and b on the files under `under` that only one of them has. */
function compareFindings(a: CliFinding[], b: CliFinding[], under: string): { onlyA: CliFinding[]; onlyB: CliFinding[] } {
  const inside = (f: CliFinding) => under === '' || under === '.' || f.path === under || f.path.startsWith(under + '/');
  const keysA = new Set(a.filter(inside).map(findingKey));
  const keysB = new Set(b.filter(inside).map(findingKey));
  return { onlyA: a.filter((f) => inside(f) && !keysB.has(findingKey(f))), onlyB: b.filter((f) => inside(f) && !keysA.has(findingKey(f))) };
}

// ---------------------------------------------------------------------------------------------
// Files, compile check, audit

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.git' && e.name !== 'node_modules') visit(r);
      } else if (e.isFile() && e.name.endsWith('.py')) out.push(r);
    }
  };
  visit('');
  return out.sort();
}

function compileFailures(dir: string, files: string[]): Set<string> {
  const r = spawnSync(PYTHON, [path.join(REPO, 'scripts/eval-real/compile_check.py'), dir], { input: files.join('\n'), encoding: 'utf8', maxBuffer: MAX_BUFFER });
  if (r.status !== 0) throw new Error(`${PYTHON} compile check failed: ${r.stderr}`);
  return new Set(JSON.parse(r.stdout) as string[]);
}

function runAudit(dir: string): AuditResult {
  const r = spawnSync(TSX, [path.join(REPO, 'scripts/eval-real/audit.ts'), dir], { encoding: 'utf8', maxBuffer: MAX_BUFFER });
  if (r.status !== 0) throw new Error(`audit of ${dir} failed: ${r.stderr.slice(0, 2000)}`);
  return JSON.parse(r.stdout) as AuditResult;
}

function hashFiles(dir: string, files: string[]): Map<string, string> {
  return new Map(files.map((f) => [f, crypto.createHash('sha1').update(fs.readFileSync(path.join(dir, f))).digest('hex')]));
}

const AWAIT_KINDS = ['awaitOnPlainDef', 'awaitOnSyncSession', 'awaitOnSyncRedis', 'awaitOnSessionAnnotated'] as const;

/** Sites in after that were not in before (as a multiset of file + awaited text). */
function addedSites(before: AuditResult, after: AuditResult, kind: (typeof AWAIT_KINDS)[number]): string[] {
  const counts = new Map<string, number>();
  for (const s of before[kind]) counts.set(`${s.file}: await ${s.text}`, (counts.get(`${s.file}: await ${s.text}`) ?? 0) + 1);
  const added: string[] = [];
  for (const s of after[kind]) {
    const key = `${s.file}: await ${s.text}`;
    const n = counts.get(key) ?? 0;
    if (n > 0) counts.set(key, n - 1);
    else added.push(key);
  }
  return added;
}

interface FixInvariant {
  changedFiles: number;
  newTreeErrors: string[];
  newCompileFailures: string[];
  awaits: Record<string, [number, number]>;
  addedAwaitSites: Record<string, string[]>;
  am202: [number, number];
  crashes: Crash[];
}

function fixInvariant(dir: string, unsafe: boolean, before: { audit: AuditResult; compileFailed: Set<string>; files: string[]; hashes: Map<string, string> }): FixInvariant {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-real-'));
  try {
    const copy = path.join(tmp, 'project');
    fs.cpSync(dir, copy, { recursive: true });
    const crashes: Crash[] = [];
    const run = cli(copy, ['fix', '--exit-zero', ...(unsafe ? ['--unsafe-fixes'] : [])]);
    if (run.status !== 0 || /internal error/.test(run.stderr)) crashes.push({ where: `fix${unsafe ? ' --unsafe-fixes' : ''}`, detail: `exit ${run.status}: ${run.stderr.trim().slice(0, 500)}` });
    const files = pythonFiles(copy);
    const hashes = hashFiles(copy, files);
    const changedFiles = files.filter((f) => hashes.get(f) !== before.hashes.get(f)).length;
    const audit = runAudit(copy);
    for (const c of audit.crashes) crashes.push({ where: `audit after fix: ${c.file}`, detail: c.error });
    const compileFailed = compileFailures(copy, files);
    const newTreeErrors = Object.keys(audit.treeErrors).filter((f) => audit.treeErrors[f] > (before.audit.treeErrors[f] ?? 0));
    const newCompileFailures = files.filter((f) => compileFailed.has(f) && !before.compileFailed.has(f));
    const awaits: Record<string, [number, number]> = {};
    const addedAwaitSites: Record<string, string[]> = {};
    for (const k of AWAIT_KINDS) {
      awaits[k] = [before.audit[k].length, audit[k].length];
      addedAwaitSites[k] = addedSites(before.audit, audit, k);
    }
    return { changedFiles, newTreeErrors, newCompileFailures, awaits, addedAwaitSites, am202: [before.audit.am202, audit.am202], crashes };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Safe to delete

interface DuplicatePair {
  sync: { module: string; path: string };
  async: { module: string; path: string };
  safeToDelete: boolean;
}

interface Violation {
  module: string;
  importers: { file: string; line: number; kind: string; text: string }[];
}

interface SafeToDeleteResult {
  /** Sync twins `duplicates` (or AM701) calls safe to delete. */
  claimed: string[];
  /** Claimed modules the independent scan finds an importer of. */
  violations: Violation[];
  /** Modules the engine's importer index says nothing imports (what a claim would rest on). */
  unimportedByEngine: number;
  /** Of those, modules the independent scan finds importers of: the importer index's blind spots. */
  hidden: Violation[];
  /** Modules in `hidden` having at least one importer of each kind. */
  hiddenByKind: Record<string, number>;
}

function safeToDelete(dir: string, spec: ProjectSpec, findings: CliFinding[], unimportedByEngine: string[], crashes: Crash[]): SafeToDeleteResult {
  const claimed = new Set<string>();
  for (const cwdRel of ['', ...(spec.backend ? [spec.backend] : [])]) {
    const run = cli(path.join(dir, cwdRel), ['duplicates', '--format', 'json']);
    if (run.status !== 0) {
      crashes.push({ where: `duplicates (from ${cwdRel || '.'})`, detail: `exit ${run.status}: ${run.stderr.trim().slice(0, 500)}` });
      continue;
    }
    try {
      for (const p of JSON.parse(run.stdout) as DuplicatePair[]) if (p.safeToDelete) claimed.add(path.posix.join(cwdRel, p.sync.path));
    } catch {
      crashes.push({ where: `duplicates (from ${cwdRel || '.'})`, detail: 'output is not JSON' });
    }
  }
  for (const f of findings) if (f.code === 'AM701' && /safe to delete/.test(f.message)) claimed.add(f.path);
  const files = pythonFiles(dir);
  const packageDirs = new Set(files.filter((f) => /(^|\/)__init__\.py$/.test(f)).map((f) => path.posix.dirname(f)));
  const refs: ImportRef[] = [];
  for (const file of files) refs.push(...scanImports(file, fs.readFileSync(path.join(dir, file), 'utf8'), (d) => packageDirs.has(d)));
  const importers = importersOf([...new Set([...claimed, ...unimportedByEngine])], refs);
  const withImporters = (modules: Iterable<string>): Violation[] =>
    [...modules]
      .sort()
      .filter((m) => importers.get(m)!.length)
      .map((m) => ({ module: m, importers: importers.get(m)!.map((r) => ({ file: r.file, line: r.line, kind: r.kind, text: r.text })) }));
  const hidden = withImporters(unimportedByEngine);
  const hiddenByKind: Record<string, number> = {};
  for (const h of hidden) for (const kind of new Set(h.importers.map((i) => i.kind))) hiddenByKind[kind] = (hiddenByKind[kind] ?? 0) + 1;
  return { claimed: [...claimed].sort(), violations: withImporters(claimed), unimportedByEngine: unimportedByEngine.length, hidden, hiddenByKind };
}

// ---------------------------------------------------------------------------------------------
// One project

const EMPTY_SAFE_TO_DELETE: SafeToDeleteResult = { claimed: [], violations: [], unimportedByEngine: 0, hidden: [], hiddenByKind: {} };

interface ProjectReport {
  name: string;
  error?: string;
  files: number;
  ms: number;
  crashes: Crash[];
  findings: Record<string, number>;
  findingsFromBackend?: Record<string, number>;
  backendVsRoot?: { onlyInRoot: number; onlyInBackend: number; sample: string[] };
  subsets: Record<string, { missing: number; extra: number; sample: string[] }>;
  safeToDelete: SafeToDeleteResult;
  fix?: { safe: FixInvariant; unsafe: FixInvariant; compileFailedBefore: number; treeErrorFilesBefore: number; awaitSitesBefore: Record<string, string[]> };
  /** Wall time of each step, for finding what is slow. */
  steps: Record<string, number>;
}

const describe = (f: CliFinding) => `${f.path}:${f.line}:${f.column} ${f.code} ${f.message.slice(0, 140)}`;

function evaluate(spec: ProjectSpec, options: Options): ProjectReport {
  const start = Date.now();
  const steps: Record<string, number> = {};
  const timed = <T>(step: string, run: () => T): T => {
    const t = Date.now();
    try {
      return run();
    } finally {
      steps[step] = Date.now() - t;
    }
  };
  const dir = timed('materialise', () => materialise(spec));
  const crashes: Crash[] = [];
  const files = pythonFiles(dir);
  const root = timed('check .', () => check(dir, '', [], crashes));
  const report: ProjectReport = { name: spec.name, files: files.length, ms: 0, crashes, findings: countByRule(root.findings), subsets: {}, safeToDelete: EMPTY_SAFE_TO_DELETE, steps };
  if (spec.backend) {
    const backend = timed(`check . (from ${spec.backend})`, () => check(dir, spec.backend!, [], crashes));
    report.findingsFromBackend = countByRule(backend.findings);
    const { onlyA, onlyB } = compareFindings(root.findings, backend.findings, spec.backend);
    report.backendVsRoot = { onlyInRoot: onlyA.length, onlyInBackend: onlyB.length, sample: [...onlyA.slice(0, 5).map((f) => `root only: ${describe(f)}`), ...onlyB.slice(0, 5).map((f) => `backend only: ${describe(f)}`)] };
  }
  for (const subset of spec.subsets ?? []) {
    const sub = timed(`check ${subset}`, () => check(dir, '', [subset], crashes));
    const { onlyA, onlyB } = compareFindings(root.findings, sub.findings, subset);
    report.subsets[subset] = { missing: onlyA.length, extra: onlyB.length, sample: [...onlyA.slice(0, 5).map((f) => `missing: ${describe(f)}`), ...onlyB.slice(0, 5).map((f) => `extra: ${describe(f)}`)] };
  }
  const audit = timed('audit', () => runAudit(dir));
  for (const c of audit.crashes) crashes.push({ where: `audit: ${c.file}`, detail: c.error });
  report.safeToDelete = timed('safe to delete', () => safeToDelete(dir, spec, root.findings, audit.unimported, crashes));
  if (options.fix) {
    const before = { audit, compileFailed: compileFailures(dir, files), files, hashes: hashFiles(dir, files) };
    const safe = timed('fix invariant', () => fixInvariant(dir, false, before));
    const unsafe = timed('fix --unsafe-fixes invariant', () => fixInvariant(dir, true, before));
    crashes.push(...safe.crashes, ...unsafe.crashes);
    const awaitSitesBefore = Object.fromEntries(AWAIT_KINDS.map((k) => [k, audit[k].map((s) => `${s.file}: await ${s.text}`)]));
    report.fix = { safe, unsafe, compileFailedBefore: before.compileFailed.size, treeErrorFilesBefore: Object.keys(audit.treeErrors).length, awaitSitesBefore };
  }
  report.ms = Date.now() - start;
  return report;
}

// ---------------------------------------------------------------------------------------------
// Snapshot and output

function snapshotOf(spec: ProjectSpec, r: ProjectReport): Snapshot['projects'][string] {
  const entry: Snapshot['projects'][string] = {
    repo: spec.repo,
    commit: spec.commit,
    files: r.files,
    crashes: r.crashes.length,
    findings: r.findings,
    safeToDelete: {
      claimed: r.safeToDelete.claimed.length,
      imported: r.safeToDelete.violations.length,
      unimportedByEngine: r.safeToDelete.unimportedByEngine,
      importedAnyway: r.safeToDelete.hidden.length,
      importedAnywayByKind: r.safeToDelete.hiddenByKind,
    },
    subsets: Object.fromEntries(Object.entries(r.subsets).map(([k, v]) => [k, { missing: v.missing, extra: v.extra }])),
  };
  if (r.findingsFromBackend) entry.findingsFromBackend = r.findingsFromBackend;
  if (r.backendVsRoot) entry.backendVsRoot = { onlyInRoot: r.backendVsRoot.onlyInRoot, onlyInBackend: r.backendVsRoot.onlyInBackend };
  if (r.fix) {
    const inv = (f: FixInvariant) => ({
      changedFiles: f.changedFiles,
      newTreeErrors: f.newTreeErrors.length,
      newCompileFailures: f.newCompileFailures.length,
      am202: { before: f.am202[0], after: f.am202[1] },
      ...Object.fromEntries(AWAIT_KINDS.map((k) => [k, { before: f.awaits[k][0], after: f.awaits[k][1], added: f.addedAwaitSites[k].length }])),
    });
    entry.fix = { safe: inv(r.fix.safe), unsafe: inv(r.fix.unsafe) };
  }
  return entry;
}

function printReport(spec: ProjectSpec, r: ProjectReport): void {
  const out: string[] = [];
  out.push(`\n== ${spec.name} (${spec.repo}@${spec.commit.slice(0, 12)}; ${spec.flavor}${spec.typed ? ', typed' : ''}${spec.redis ? ', Redis' : ''})`);
  if (r.error) {
    out.push(`   ERROR: ${r.error}`);
    process.stdout.write(out.join('\n') + '\n');
    return;
  }
  const rules = (c: Record<string, number>) => Object.keys(c).sort().map((k) => `${k}=${c[k]}`).join(' ') || 'none';
  out.push(`   ${r.files} Python files, ${(r.ms / 1000).toFixed(1)} s, crashes: ${r.crashes.length}`);
  out.push(`   time: ${Object.entries(r.steps).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
  for (const c of r.crashes.slice(0, 10)) out.push(`     CRASH ${c.where}: ${c.detail}`);
  out.push(`   findings (root): ${rules(r.findings)}`);
  if (r.findingsFromBackend) out.push(`   findings (from ${spec.backend}/): ${rules(r.findingsFromBackend)}`);
  if (r.backendVsRoot) {
    out.push(`   root vs ${spec.backend}/ on its files: ${r.backendVsRoot.onlyInRoot} only from root, ${r.backendVsRoot.onlyInBackend} only from the backend folder`);
    for (const s of r.backendVsRoot.sample) out.push(`     ${s}`);
  }
  for (const [subset, d] of Object.entries(r.subsets)) {
    out.push(`   check ${subset} vs check . on ${subset}/: ${d.missing} missing, ${d.extra} extra`);
    for (const s of d.sample) out.push(`     ${s}`);
  }
  out.push(`   safe to delete: ${r.safeToDelete.claimed.length} claimed, ${r.safeToDelete.violations.length} still imported`);
  const importerList = (v: Violation) => v.importers.slice(0, 3).map((i) => `${i.file}:${i.line} [${i.kind}] ${i.text}`).join(' | ');
  for (const v of r.safeToDelete.violations.slice(0, 10)) out.push(`     VIOLATION ${v.module}: ${v.importers.length} importer(s), e.g. ${importerList(v)}`);
  const kinds = Object.keys(r.safeToDelete.hiddenByKind).sort().map((k) => `${k} ${r.safeToDelete.hiddenByKind[k]}`).join(', ');
  out.push(`   importer index: ${r.safeToDelete.unimportedByEngine} modules have no importer for the engine; the scan finds importers of ${r.safeToDelete.hidden.length}${kinds ? ` (${kinds})` : ''}`);
  for (const v of r.safeToDelete.hidden.filter((h) => h.importers.some((i) => i.kind !== 'string')).slice(0, 5)) out.push(`     UNSEEN ${v.module}: ${importerList(v)}`);
  if (r.fix) {
    out.push(`   before fix: ${r.fix.compileFailedBefore} files do not compile with ${PYTHON}, ${r.fix.treeErrorFilesBefore} have tree-sitter errors`);
    for (const [mode, f] of [['fix', r.fix.safe], ['fix --unsafe-fixes', r.fix.unsafe]] as const) {
      const awaits = AWAIT_KINDS.map((k) => `${k} ${f.awaits[k][0]}→${f.awaits[k][1]}`).join(', ');
      out.push(`   ${mode}: ${f.changedFiles} files changed; new parse errors ${f.newTreeErrors.length}, new compile failures ${f.newCompileFailures.length}; AM202 ${f.am202[0]}→${f.am202[1]}; ${awaits}`);
      for (const file of [...f.newTreeErrors, ...f.newCompileFailures].slice(0, 5)) out.push(`     BROKEN ${file}`);
      for (const k of AWAIT_KINDS) for (const s of f.addedAwaitSites[k].slice(0, 3)) out.push(`     ADDED ${k}: ${s}`);
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}

const TRUST_RULES = ['AM101', 'AM103', 'AM201', 'AM202', 'AM203', 'AM204', 'AM205'];
const SYNC_RECEIVER_KINDS = ['awaitOnSyncSession', 'awaitOnSyncRedis', 'awaitOnSessionAnnotated', 'awaitOnPlainDef'] as const;

/** Issue 10's "Done when", measured: every number here has the target 0. */
function printScoreboard(specs: ProjectSpec[], reports: ProjectReport[]): void {
  const specOf = (r: ProjectReport) => specs.find((s) => s.name === r.name)!;
  const ok = reports.filter((r) => !r.error);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const trust = ok.filter((r) => specOf(r).flavor === 'async' && specOf(r).typed);
  const trustCount = (c: Record<string, number> | undefined) => sum(TRUST_RULES.map((k) => c?.[k] ?? 0));
  const lines = [
    '',
    'done-when scoreboard (target: every number 0)',
    `  crashes: ${sum(ok.map((r) => r.crashes.length))}${reports.length > ok.length ? ` (+${reports.length - ok.length} projects not evaluated)` : ''}`,
    `  ${TRUST_RULES.join('/')} on fully async typed projects (${trust.map((r) => r.name).join(', ')}): ${sum(trust.map((r) => trustCount(r.findings)))} from the root, ${sum(trust.map((r) => trustCount(r.findingsFromBackend)))} from the backend folder`,
    `  check <subset> vs check . differences: ${sum(ok.flatMap((r) => Object.values(r.subsets).map((d) => d.missing + d.extra)))}; root vs backend folder: ${sum(ok.map((r) => (r.backendVsRoot ? r.backendVsRoot.onlyInRoot + r.backendVsRoot.onlyInBackend : 0)))}`,
    `  safe-to-delete claims still imported: ${sum(ok.map((r) => r.safeToDelete.violations.length))}; modules unimported for the engine but imported (scan): ${sum(ok.map((r) => r.safeToDelete.hidden.length))}`,
  ];
  const withFix = ok.filter((r) => r.fix);
  if (withFix.length) {
    for (const mode of ['safe', 'unsafe'] as const) {
      const inv = withFix.map((r) => r.fix![mode]);
      const added = SYNC_RECEIVER_KINDS.map((k) => `${k} ${sum(inv.map((f) => f.addedAwaitSites[k].length))}`).join(', ');
      lines.push(`  fix${mode === 'unsafe' ? ' --unsafe-fixes' : ''}: awaits added on sync receivers: ${added}; files that no longer parse ${sum(inv.map((f) => f.newTreeErrors.length))}, no longer compile ${sum(inv.map((f) => f.newCompileFailures.length))}`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(REPO, 'dist/server/cli.js'))) {
    process.stderr.write('eval:real: dist/server/cli.js is missing; run "npm run build" first\n');
    process.exit(2);
  }
  const specs = (JSON.parse(fs.readFileSync(PROJECTS_FILE, 'utf8')) as { projects: ProjectSpec[] }).projects;
  for (const p of options.projects) {
    if (!specs.some((s) => s.name === p)) {
      process.stderr.write(`eval:real: no project named ${p} (known: ${specs.map((s) => s.name).join(', ')})\n`);
      process.exit(2);
    }
  }
  const selected = options.projects.length ? specs.filter((s) => options.projects.includes(s.name)) : specs;
  fs.mkdirSync(WORK, { recursive: true });
  const previous: Snapshot = fs.existsSync(SNAPSHOT_FILE) ? JSON.parse(fs.readFileSync(SNAPSHOT_FILE, 'utf8')) : { projects: {} };
  const current: Snapshot = { projects: {} };
  const reports: ProjectReport[] = [];
  let failed = false;
  const start = Date.now();
  for (const spec of selected) {
    process.stderr.write(`eval:real: ${spec.name}…\n`);
    let report: ProjectReport;
    try {
      report = evaluate(spec, options);
    } catch (error) {
      report = { name: spec.name, error: error instanceof Error ? error.message : String(error), files: 0, ms: 0, crashes: [], findings: {}, subsets: {}, safeToDelete: EMPTY_SAFE_TO_DELETE, steps: {} };
      failed = true;
    }
    reports.push(report);
    printReport(spec, report);
    if (!report.error) current.projects[spec.name] = snapshotOf(spec, report);
    if (report.crashes.length) failed = true;
  }
  fs.writeFileSync(path.join(WORK, 'report.json'), JSON.stringify(reports, null, 2) + '\n');
  printScoreboard(selected, reports);
  const total = reports.reduce((n, r) => n + r.files, 0);
  process.stdout.write(`\n${reports.length} projects, ${total} Python files, ${((Date.now() - start) / 1000).toFixed(0)} s; details in .eval-real/report.json\n`);
  // Compare only what ran this time against the snapshot.
  const comparable: Snapshot = { projects: Object.fromEntries(Object.entries(previous.projects).filter(([name]) => selected.some((s) => s.name === name))) };
  const diff = diffSnapshots(comparable, current);
  process.stdout.write(diff.length ? `\nchanges against test/real/snapshot.json (${diff.length}):\n${diff.map((l) => `  ${l}`).join('\n')}\n` : '\nno changes against test/real/snapshot.json\n');
  if (options.update) {
    const known = new Set(specs.map((s) => s.name));
    const merged: Snapshot = { projects: { ...Object.fromEntries(Object.entries(previous.projects).filter(([n]) => known.has(n))), ...current.projects } };
    fs.writeFileSync(SNAPSHOT_FILE, stableStringify(merged, '  ', '\n', SNAPSHOT_EXPANDED_LEVELS) + '\n');
    process.stdout.write(`wrote ${path.relative(REPO, SNAPSHOT_FILE)}\n`);
  }
  process.exitCode = failed ? 1 : 0;
}

main();
