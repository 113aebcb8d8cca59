// Loads a workspace from disk for the CLI, the language server's indexer and benchmarks:
// finds Python files, reads them defensively, and builds the workspace index.
import * as fs from 'fs';
import * as path from 'path';
import { type AsyncMigrateConfig, type ConfigProblem, type ScopedConfig, loadPyprojectConfig, scopeOf } from '../analysis/config';
import { analyzeFile, parseSource, summarizeSource, type RunOptions } from '../analysis/engine';
import { PROJECT_MARKERS, discoverImportRoots, normalizeRoot } from '../analysis/import-roots';
import { matchesGlob } from '../analysis/glob';
import { initParser } from '../analysis/parser';
import type { SourceFile } from '../analysis/source';
import type { Finding } from '../analysis/types';
import { WorkspaceIndex } from '../analysis/workspace';

/** Files above this size are skipped with a message (generated code, data dumps). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface ReadResult {
  text?: string;
  /** Set when the file was not read. */
  skipped?: string;
  /** A note about a file that was read anyway (e.g. invalid UTF-8). */
  warning?: string;
}

export function decodePythonBytes(bytes: Uint8Array): ReadResult {
  if (bytes.length > MAX_FILE_BYTES) return { skipped: `file is ${(bytes.length / 1024 / 1024).toFixed(1)} MB, above the ${MAX_FILE_BYTES / 1024 / 1024} MB limit` };
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return { skipped: 'binary file (contains NUL bytes)' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '') };
  } catch {
    const declared = declaredEncoding(bytes);
    if (declared) {
      try {
        const text = new TextDecoder(declared.encoding, { fatal: true }).decode(bytes);
        return { text, warning: `encoded as ${declared.encoding} (declared on line ${declared.line}); analysed, but fixes are not written back to it` };
      } catch {
        /* unknown or wrong declaration: fall through */
      }
    }
    return { text: new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, ''), warning: 'not valid UTF-8; invalid bytes were read as U+FFFD' };
  }
}

/** Python codec names → the labels TextDecoder knows (latin-1 → latin1, cp1252 → windows-1252). */
function whatwgEncoding(name: string): string {
  const n = name.toLowerCase().replace(/_/g, '-');
  if (/^(latin-?1|l1|iso-?8859-1)$/.test(n)) return 'latin1';
  const cp = /^(?:cp|windows-)(\d+)$/.exec(n);
  return cp ? `windows-${cp[1]}` : n;
}

/** A PEP 263 `# -*- coding: latin-1 -*-` declaration on line 1 or 2, if any. */
function declaredEncoding(bytes: Uint8Array): { encoding: string; line: number } | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 400)).split(/\r?\n/).slice(0, 2);
  for (let i = 0; i < head.length; i++) {
    const m = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.exec(head[i]);
    if (m) return { encoding: whatwgEncoding(m[1]), line: i + 1 };
    // The declaration may only follow a comment or blank first line.
    if (i === 0 && !/^[ \t\f]*(#.*)?$/.test(head[i])) break;
  }
  return undefined;
}

export function readPythonFile(absPath: string): ReadResult {
  try {
    const stat = fs.statSync(absPath);
    if (stat.size > MAX_FILE_BYTES) return { skipped: `file is ${(stat.size / 1024 / 1024).toFixed(1)} MB, above the ${MAX_FILE_BYTES / 1024 / 1024} MB limit` };
    return decodePythonBytes(fs.readFileSync(absPath));
  } catch (error) {
    return { skipped: `cannot read: ${(error as Error).message}` };
  }
}

/** Whether a workspace-relative path is excluded: by its nearest sub-project's globs (relative to it), else the root's. */
export function isExcluded(relPath: string, config: AsyncMigrateConfig): boolean {
  const scope = scopeOf(config, relPath);
  const own = scope ? scope.config : config;
  const rel = scope ? relPath.slice(scope.dir.length + 1) : relPath;
  return own.exclude.some((g) => matchesGlob(rel, g)) || own.extendExclude.some((g) => matchesGlob(rel, g));
}

/** A sub-project's own configuration as read from its pyproject.toml. */
export interface ListedScope extends ScopedConfig {
  /** Its problems, each naming the file (`backend/pyproject.toml`). */
  problems: ConfigProblem[];
}

export interface WorkspaceListing {
  /** Workspace-relative POSIX paths of the Python files (sorted). */
  files: string[];
  /** Workspace-relative directories holding a project marker (pyproject.toml, setup.cfg, setup.py). */
  projectDirs: string[];
  /** Sub-projects (below the root) whose pyproject.toml has a `[tool.async-migrate]` table, shallowest first. */
  scopes: ListedScope[];
}

export interface ListOptions {
  /** Read the sub-projects' own `[tool.async-migrate]` (default true); false applies config everywhere. */
  subprojectConfigs?: boolean;
}

/** A sub-project's `[tool.async-migrate]` in dir (workspace-relative), if its pyproject.toml has one (or mentions one but is not valid TOML). */
function readScope(root: string, dir: string): ListedScope | undefined {
  const label = `${dir}/pyproject.toml`;
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, ...label.split('/')), 'utf8');
  } catch {
    return undefined;
  }
  const loaded = loadPyprojectConfig(text, label);
  // A pyproject.toml we cannot parse matters only when it holds our table (a vendored package's does not).
  const ours = loaded.hasTable || (loaded.problems.length > 0 && /tool\s*\.\s*["']?async-migrate/.test(text));
  return ours ? { dir, config: loaded.config, problems: loaded.problems } : undefined;
}

/**
 * The Python files under root and the project directories among them, skipping excluded paths.
 * A sub-project's own `[tool.async-migrate]` decides what is excluded below it (ruff's nearest
 * configuration), with globs relative to its folder.
 */
export function listWorkspace(root: string, config: AsyncMigrateConfig, within: string[] = [root], options: ListOptions = {}): WorkspaceListing {
  const out = new Set<string>();
  const projectDirs = new Set<string>();
  const scopes: ListedScope[] = [];
  // The listing's own view: the root's configuration plus the sub-projects found so far (a
  // folder's pyproject.toml is read before anything below it is visited).
  const scoped: AsyncMigrateConfig = { ...config, scopes: [] };
  const visit = (abs: string) => {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(abs);
    } catch {
      return;
    }
    if (stat.isSymbolicLink()) return;
    if (rel && isExcluded(rel, scoped)) return;
    if (stat.isDirectory()) {
      const base = path.basename(abs);
      if (rel && (base.startsWith('.') || base === 'node_modules' || base === '__pycache__')) return;
      let entries: string[];
      try {
        entries = fs.readdirSync(abs);
      } catch {
        return;
      }
      if (entries.some((e) => (PROJECT_MARKERS as readonly string[]).includes(e))) projectDirs.add(rel);
      if (rel && options.subprojectConfigs !== false && entries.includes('pyproject.toml') && !scopes.some((s) => s.dir === rel)) {
        const scope = readScope(root, rel);
        if (scope) {
          scopes.push(scope);
          scoped.scopes!.push(scope);
        }
      }
      for (const e of entries.sort()) visit(path.join(abs, e));
    } else if (stat.isFile() && abs.endsWith('.py')) out.add(rel);
  };
  for (const p of within) visit(path.resolve(p));
  scopes.sort((a, b) => a.dir.length - b.dir.length || (a.dir < b.dir ? -1 : 1));
  return { files: [...out].sort(), projectDirs: [...projectDirs].sort(), scopes };
}

/** Workspace-relative POSIX paths of the Python files under root (sorted). */
export function findPythonFiles(root: string, config: AsyncMigrateConfig, within: string[] = [root], options: ListOptions = {}): string[] {
  return listWorkspace(root, config, within, options).files;
}

/**
 * The configuration with the workspace's layout filled in: its import roots (the rules are in
 * analysis/import-roots.ts) and its sub-projects' own configurations. Module names are one
 * workspace-wide notion, so every sub-project's configuration shares the roots, and a
 * sub-project's `src` entries count from its folder (`src = ["src"]` in backend/ is `backend/src`).
 */
export function withImportRoots(config: AsyncMigrateConfig, listing: Pick<WorkspaceListing, 'files' | 'projectDirs'> & { scopes?: readonly ScopedConfig[] }): AsyncMigrateConfig {
  return withLayout(config, discoverImportRoots(listing.files, listing.projectDirs), listing.scopes ?? []);
}

/** withImportRoots with the import roots already discovered (the language server keeps them between listings). */
export function withLayout(config: AsyncMigrateConfig, importRoots: string[], scopes: readonly ScopedConfig[]): AsyncMigrateConfig {
  const src = [...new Set([...config.src, ...scopes.flatMap((s) => s.config.src.map(normalizeRoot).filter((r) => r !== '').map((r) => `${s.dir}/${r}`))])];
  const layout = { src, importRoots };
  return { ...config, ...layout, scopes: scopes.map((s) => ({ dir: s.dir, config: { ...s.config, ...layout, scopes: undefined } })) };
}

/** Whether child (an absolute path) is parent or lies under it. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The folder a command run on `firstPath` (default: the working directory) indexes, so that
 * `check app`, `check .` and `check app/api/x.py` see the same modules: the nearest ancestor
 * (inclusive) holding a project marker (pyproject.toml, setup.cfg, setup.py); else the working
 * directory or the directory above the top of the path's `__init__.py` chain, whichever is higher
 * (the chain alone when the path lies outside the working directory). Import roots below it are
 * discovered by loadProject.
 */
export function findWorkspaceRoot(cwd: string, firstPath?: string): string {
  const start = path.resolve(cwd, firstPath ?? '.');
  let isDir = false;
  try {
    isDir = fs.statSync(start).isDirectory();
  } catch {
    /* reported by the caller */
  }
  const base = isDir ? start : path.dirname(start);
  for (let dir = base; ; dir = path.dirname(dir)) {
    if (PROJECT_MARKERS.some((m) => fs.existsSync(path.join(dir, m)))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  const isPackage = (dir: string) => fs.existsSync(path.join(dir, '__init__.py')) || fs.existsSync(path.join(dir, '__init__.pyi'));
  let top = base;
  while (isPackage(top) && path.dirname(top) !== top) top = path.dirname(top);
  const absCwd = path.resolve(cwd);
  if (!isInside(absCwd, start)) return top;
  return isInside(top, absCwd) ? top : absCwd;
}

export interface LoadedProject {
  root: string;
  config: AsyncMigrateConfig;
  configProblems: ConfigProblem[];
  index: WorkspaceIndex;
  /** Text of every indexed file, by workspace-relative path. */
  texts: Map<string, string>;
  skipped: SkippedFile[];
  warnings: SkippedFile[];
  /**
   * Parsed files kept for analysis (LoadOptions.keep), so each is parsed once; analyzeProjectFile
   * releases a file's tree after analysing it, releaseKeptFiles the rest.
   */
  kept: Map<string, SourceFile>;
}

export function loadConfig(root: string): { config: AsyncMigrateConfig; problems: ConfigProblem[] } {
  const file = path.join(root, 'pyproject.toml');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  return loadPyprojectConfig(text, 'pyproject.toml');
}

export interface LoadOptions {
  config?: AsyncMigrateConfig;
  onProgress?: (done: number, total: number, file: string) => void;
  /**
   * Keep the parsed file of these paths (the ones about to be analysed) instead of disposing it
   * after indexing, so analysis does not parse it again. Trees live in wasm memory (about
   * TREE_BYTES_PER_CHAR bytes per character of source), so files are kept only while their
   * estimated total stays within keepBudgetBytes; the others are parsed again when analysed.
   */
  keep?: (rel: string) => boolean;
  /** Default DEFAULT_KEEP_BUDGET_BYTES. */
  keepBudgetBytes?: number;
}

/** Measured on synthetic and real backends: a tree takes ~28 bytes of wasm memory per source character. */
export const TREE_BYTES_PER_CHAR = 28;
/** 64 MiB of trees: ~2.4M characters (~35k lines) of source kept between indexing and analysis. */
export const DEFAULT_KEEP_BUDGET_BYTES = 64 * 1024 * 1024;

/** Indexes every Python file under root. */
export async function loadProject(root: string, options: LoadOptions = {}): Promise<LoadedProject> {
  await initParser();
  const absRoot = path.resolve(root);
  const loaded = options.config ? { config: options.config, problems: [] } : loadConfig(absRoot);
  const listing = listWorkspace(absRoot, loaded.config);
  // Module names follow the workspace's import roots, whatever paths a command names.
  const config = withImportRoots(loaded.config, listing);
  const problems = [...loaded.problems, ...listing.scopes.flatMap((s) => s.problems)];
  const index = new WorkspaceIndex(config);
  const texts = new Map<string, string>();
  // Fixes that also edit other files (a helper's callers) read them here.
  index.sources = { textOf: (rel) => texts.get(rel) };
  const skipped: SkippedFile[] = [];
  const warnings: SkippedFile[] = [];
  const kept = new Map<string, SourceFile>();
  let keepBudget = options.keepBudgetBytes ?? DEFAULT_KEEP_BUDGET_BYTES;
  const files = listing.files;
  files.forEach((rel, i) => {
    const read = readPythonFile(path.join(absRoot, rel));
    if (read.skipped || read.text === undefined) skipped.push({ path: rel, reason: read.skipped ?? 'unreadable' });
    else {
      if (read.warning) warnings.push({ path: rel, reason: read.warning });
      texts.set(rel, read.text);
      const { file } = parseSource(rel, read.text, config);
      let keep = false;
      try {
        index.upsert(summarizeSource(file));
        const cost = read.text.length * TREE_BYTES_PER_CHAR;
        keep = !!options.keep?.(rel) && cost <= keepBudget;
        if (keep) {
          kept.set(rel, file);
          keepBudget -= cost;
        }
      } finally {
        if (!keep) file.dispose();
      }
    }
    options.onProgress?.(i + 1, files.length, rel);
  });
  return { root: absRoot, config, configProblems: problems, index, texts, skipped, warnings, kept };
}

/**
 * Findings of one indexed file (none when it was not read). Uses the tree kept at indexing and
 * releases it, else parses the file. An engine failure becomes one AM000 finding instead of
 * aborting the run.
 */
export function analyzeProjectFile(project: LoadedProject, rel: string, options: RunOptions = {}): Finding[] {
  const text = project.texts.get(rel);
  if (text === undefined) return [];
  let file = project.kept.get(rel);
  project.kept.delete(rel);
  try {
    file ??= parseSource(rel, text, project.config).file;
    return analyzeFile(file, project.index, project.config, options);
  } catch (error) {
    const message = `internal error while analysing this file: ${error instanceof Error ? error.message : String(error)} (please report it)`;
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return [{ path: rel, code: 'AM000', rule: 'internal-error', severity: 'info', message, start: 0, end: 0, range }];
  } finally {
    file?.dispose();
  }
}

/** Findings of files, in order (each file parsed at most once more, kept trees released). */
export function analyzeProjectFiles(project: LoadedProject, rels: readonly string[], options: RunOptions = {}, onProgress?: (done: number, total: number, file: string) => void): Finding[] {
  const findings: Finding[] = [];
  try {
    rels.forEach((rel, i) => {
      for (const f of analyzeProjectFile(project, rel, options)) findings.push(f);
      onProgress?.(i + 1, rels.length, rel);
    });
  } finally {
    releaseKeptFiles(project);
  }
  return findings;
}

/** Disposes the trees kept for analysis that were not analysed. */
export function releaseKeptFiles(project: LoadedProject): void {
  for (const file of project.kept.values()) file.dispose();
  project.kept.clear();
}

export interface CheckProjectOptions extends LoadOptions {
  /** Which indexed files to analyse (default: all). */
  within?: (rel: string) => boolean;
  run?: RunOptions;
  onAnalyzeProgress?: (done: number, total: number, file: string) => void;
}

/**
 * What `async-migrate check` does once its arguments are handled: index every file under root
 * (keeping the trees of the files to analyse, within the budget) and analyse those files.
 */
export async function checkProject(root: string, options: CheckProjectOptions = {}): Promise<{ project: LoadedProject; targets: string[]; findings: Finding[] }> {
  const within = options.within ?? (() => true);
  const project = await loadProject(root, { ...options, keep: options.keep ?? within });
  const targets = [...project.texts.keys()].filter(within).sort();
  const findings = analyzeProjectFiles(project, targets, options.run, options.onAnalyzeProgress);
  return { project, targets, findings };
}
