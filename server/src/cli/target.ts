// What a CLI run works on: the workspace root (findWorkspaceRoot), the whole-root index
// (cross-file rules need every module, whatever PATHS name), and the subset of files the user named.
import * as fs from 'fs';
import * as path from 'path';
import { type AsyncMigrateConfig, type ConfigProblem, formatProblem } from '../analysis/config';
import { parseSource, summarizeSource, type RunOptions } from '../analysis/engine';
import type { Finding } from '../analysis/types';
import { type LoadedProject, type SkippedFile, analyzeProjectFile, analyzeProjectFiles, findWorkspaceRoot, isInside, loadConfig, loadProject, readPythonFile } from '../project';
import { UsageError } from './args';
import type { CommandIO } from './io';

export interface CliWorkspace {
  /** Absolute project root. */
  root: string;
  project: LoadedProject;
  config: AsyncMigrateConfig;
  /** Root-relative POSIX paths of the readable files to analyse (sorted). */
  targets: string[];
  /** Files under PATHS that were not read, and notes about files read anyway. */
  skipped: SkippedFile[];
  warnings: SkippedFile[];
  /** How to show a root-relative path to the user (relative to the working directory). */
  display(rel: string): string;
  /** Absolute path of a root-relative path. */
  absolute(rel: string): string;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** The configuration has problems: each is printed and the command exits 2 (never silently ignored). */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export interface OpenOptions {
  /**
   * Keep the parsed trees of the files under PATHS for their analysis (within the project's
   * memory budget), so each is parsed once; analyse them with analyzeTargets/analyzeTarget.
   */
  keepTargets?: boolean;
}

/**
 * Loads the configuration and indexes the project for the given PATHS (none = the whole root).
 * Throws UsageError for bad paths and ConfigError for configuration problems.
 */
export async function openWorkspace(io: CommandIO, paths: string[], options: OpenOptions = {}): Promise<CliWorkspace> {
  const absPaths = paths.map((p) => path.resolve(io.cwd, p));
  for (let i = 0; i < absPaths.length; i++) {
    if (!fs.existsSync(absPaths[i])) throw new UsageError(`path not found: ${paths[i]}`);
  }
  const root = findWorkspaceRoot(io.cwd, paths[0]);
  for (let i = 0; i < absPaths.length; i++) {
    if (!isInside(root, absPaths[i])) throw new UsageError(`${paths[i]} is outside the project root ${root} (run async-migrate once per project)`);
  }
  // Asked once per finding by the formatters: each file's name is computed once.
  const displayNames = new Map<string, string>();
  const display = (rel: string) => {
    let shown = displayNames.get(rel);
    if (shown === undefined) displayNames.set(rel, (shown = toPosix(path.relative(io.cwd, path.join(root, rel))) || '.'));
    return shown;
  };
  const absolute = (rel: string) => path.join(root, rel);
  const { config: loadedConfig, problems } = loadConfig(root);
  // Each problem names its file as the user sees it (`backend/pyproject.toml` for a sub-project's).
  const displayed = (list: ConfigProblem[]) => list.map((p) => ({ ...p, source: /(^|\/)pyproject\.toml$/.test(p.source) ? display(p.source) : p.source }));
  if (problems.length) throw new ConfigError(displayed(problems));
  const roots = absPaths.length ? absPaths.map((p) => toPosix(path.relative(root, p))) : [''];
  const under = (rel: string) => roots.some((r) => r === '' || rel === r || rel.startsWith(r + '/'));
  const project = await loadProject(root, { config: loadedConfig, onProgress: progressReporter(io, 'indexing'), keep: options.keepTargets ? under : undefined });
  if (project.configProblems.length) throw new ConfigError(displayed(project.configProblems));
  // With the import roots filled in: every file is named the same whatever PATHS were given.
  const config = project.config;
  io.progress?.('');
  // Files named explicitly are analysed even when excluded or not ending in .py (like ruff).
  for (let i = 0; i < absPaths.length; i++) {
    const rel = roots[i];
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absPaths[i]);
    } catch {
      continue;
    }
    if (!stat.isFile() || project.texts.has(rel) || project.skipped.some((s) => s.path === rel)) continue;
    const read = readPythonFile(absPaths[i]);
    if (read.skipped || read.text === undefined) project.skipped.push({ path: rel, reason: read.skipped ?? 'unreadable' });
    else {
      if (read.warning) project.warnings.push({ path: rel, reason: read.warning });
      project.texts.set(rel, read.text);
      const { file } = parseSource(rel, read.text, config);
      let keep = false;
      try {
        project.index.upsert(summarizeSource(file));
        keep = !!options.keepTargets;
        if (keep) project.kept.set(rel, file);
      } finally {
        if (!keep) file.dispose();
      }
    }
  }
  const targets = [...project.texts.keys()].filter(under).sort();
  const skipped = project.skipped.filter((s) => under(s.path));
  const warnings = project.warnings.filter((s) => under(s.path));
  return { root, project, config, targets, skipped, warnings, display, absolute };
}

/** A throttled "verb done/total file" status line on a terminal's stderr; undefined otherwise. */
export function progressReporter(io: CommandIO, verb: string): ((done: number, total: number, file: string) => void) | undefined {
  if (!io.progress) return undefined;
  let lastShown = 0;
  return (done, total, file) => {
    const now = Date.now();
    if (now - lastShown < 50 && done < total) return;
    lastShown = now;
    io.progress!(`${verb} ${done}/${total} ${file}`);
  };
}

/** Findings of one file (its kept tree is used and released); an engine failure becomes one AM000 finding instead of aborting the run. */
export function analyzeTarget(ws: CliWorkspace, rel: string, options: RunOptions): Finding[] {
  return analyzeProjectFile(ws.project, rel, options);
}

/** Findings of every target, in order, with an "analysing" status line; releases the kept trees. */
export function analyzeTargets(ws: CliWorkspace, io: CommandIO, options: RunOptions): Finding[] {
  const findings = analyzeProjectFiles(ws.project, ws.targets, options, progressReporter(io, 'analysing'));
  io.progress?.('');
  return findings;
}

/** `CI=true` (GitHub Actions, GitLab, most CI services) implies --ci. */
export function ciFromEnv(env: Record<string, string | undefined>): boolean {
  const v = env.CI?.trim().toLowerCase();
  return !!v && v !== 'false' && v !== '0' && v !== 'no';
}

/** Validates --select / --ignore values: codes or prefixes that match at least one rule, or ALL. */
export function validateCodes(flag: string, values: string[] | undefined, known: readonly string[]): string[] | undefined {
  if (!values) return undefined;
  return values.map((raw) => {
    const v = raw.toUpperCase();
    if (v === 'ALL') return v;
    if (!/^AM\d{0,3}$/.test(v) || !known.some((code) => code.startsWith(v))) {
      throw new UsageError(`${flag}: "${raw}" matches no rule (codes: ${known.join(', ')}; prefixes like AM1 work too)`);
    }
    return v;
  });
}
