// Loads a workspace from disk for the CLI, the language server's indexer and benchmarks:
// finds Python files, reads them defensively, and builds the workspace index.
import * as fs from 'fs';
import * as path from 'path';
import { type AsyncMigrateConfig, type ConfigProblem, loadPyprojectConfig } from './analysis/config';
import { parseSource, summarizeSource } from './analysis/engine';
import { matchesGlob } from './analysis/glob';
import { initParser } from './analysis/parser';
import { WorkspaceIndex } from './analysis/workspace';

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
    return { text: new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, ''), warning: 'not valid UTF-8; invalid bytes were read as U+FFFD' };
  }
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

export function isExcluded(relPath: string, config: AsyncMigrateConfig): boolean {
  return config.exclude.some((g) => matchesGlob(relPath, g)) || config.extendExclude.some((g) => matchesGlob(relPath, g));
}

/** Workspace-relative POSIX paths of the Python files under root (sorted). */
export function findPythonFiles(root: string, config: AsyncMigrateConfig, within: string[] = [root]): string[] {
  const out = new Set<string>();
  const visit = (abs: string) => {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(abs);
    } catch {
      return;
    }
    if (stat.isSymbolicLink()) return;
    if (rel && isExcluded(rel, config)) return;
    if (stat.isDirectory()) {
      const base = path.basename(abs);
      if (rel && (base.startsWith('.') || base === 'node_modules' || base === '__pycache__')) return;
      let entries: string[];
      try {
        entries = fs.readdirSync(abs);
      } catch {
        return;
      }
      for (const e of entries.sort()) visit(path.join(abs, e));
    } else if (stat.isFile() && abs.endsWith('.py')) out.add(rel);
  };
  for (const p of within) visit(path.resolve(p));
  return [...out].sort();
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
}

export function loadConfig(root: string): { config: AsyncMigrateConfig; problems: ConfigProblem[] } {
  const file = path.join(root, 'pyproject.toml');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  return loadPyprojectConfig(text, 'pyproject.toml');
}

export interface LoadOptions {
  config?: AsyncMigrateConfig;
  onProgress?: (done: number, total: number, file: string) => void;
}

/** Indexes every Python file under root. */
export async function loadProject(root: string, options: LoadOptions = {}): Promise<LoadedProject> {
  await initParser();
  const absRoot = path.resolve(root);
  const { config, problems } = options.config ? { config: options.config, problems: [] } : loadConfig(absRoot);
  const index = new WorkspaceIndex(config);
  const texts = new Map<string, string>();
  const skipped: SkippedFile[] = [];
  const warnings: SkippedFile[] = [];
  const files = findPythonFiles(absRoot, config);
  files.forEach((rel, i) => {
    const read = readPythonFile(path.join(absRoot, rel));
    if (read.skipped || read.text === undefined) skipped.push({ path: rel, reason: read.skipped ?? 'unreadable' });
    else {
      if (read.warning) warnings.push({ path: rel, reason: read.warning });
      texts.set(rel, read.text);
      const { file } = parseSource(rel, read.text, config);
      try {
        index.upsert(summarizeSource(file));
      } finally {
        file.dispose();
      }
    }
    options.onProgress?.(i + 1, files.length, rel);
  });
  return { root: absRoot, config, configProblems: problems, index, texts, skipped, warnings };
}
