// One workspace folder as the server sees it: its root, configuration (pyproject.toml merged
// with editor settings), workspace index and indexing state.
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { type AsyncMigrateConfig, type ConfigProblem, type ScopedConfig, loadPyprojectConfig } from '../analysis/config';
import { type SourceTexts, WorkspaceIndex } from '../analysis/workspace';
import { readPythonFile, withLayout } from '../project';
import type { IndexingState } from './protocol';
import { DEFAULT_SERVER_SETTINGS, type ServerSettings, resolveSettings } from './settings';

export class Folder {
  baseConfig: AsyncMigrateConfig;
  baseProblems: ConfigProblem[] = [];
  rawSettings: unknown = undefined;
  settings: ServerSettings = { ...DEFAULT_SERVER_SETTINGS };
  config: AsyncMigrateConfig;
  settingsProblems: ConfigProblem[] = [];
  /** Import roots found in the folder when it was last listed (undefined before the first indexing). */
  importRoots: string[] | undefined = undefined;
  /** Sub-projects' own `[tool.async-migrate]` found when the folder was last listed (editor settings not applied). */
  listedScopes: ScopedConfig[] = [];
  index: WorkspaceIndex;
  state: IndexingState = 'starting';
  filesIndexed = 0;
  filesTotal = 0;
  skipped = 0;
  /** Bumped to abandon a running indexing pass (re-index after a pyproject change). */
  epoch = 0;
  /** Resolves when the current indexing pass completes. */
  ready: Promise<void>;
  /** The text of an open editor buffer of the folder, by workspace-relative path (set by the server). */
  openText: (rel: string) => string | undefined = () => undefined;
  /** What fixes editing other files read (WorkspaceIndex.sources): open buffers first, else the file on disk. */
  readonly sources: SourceTexts = {
    textOf: (rel) => {
      const open = this.openText(rel);
      if (open !== undefined) return open;
      const abs = this.absPath(rel);
      if (!abs) return undefined;
      // Re-read only when the file changed on disk (the engine may ask on every keystroke).
      let stat: fs.Stats;
      try {
        stat = fs.statSync(abs);
      } catch {
        this.diskTexts.delete(rel);
        return undefined;
      }
      const known = this.diskTexts.get(rel);
      if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known.text;
      const text = readPythonFile(abs).text;
      if (text === undefined) this.diskTexts.delete(rel);
      else this.diskTexts.set(rel, { mtimeMs: stat.mtimeMs, size: stat.size, text });
      return text;
    },
  };
  private readonly diskTexts = new Map<string, { mtimeMs: number; size: number; text: string }>();
  private resolveReady!: () => void;

  constructor(
    readonly uri: string,
    /** File system root; undefined for the pseudo folder holding files outside every folder. */
    readonly root: string | undefined,
    readonly name: string,
  ) {
    this.baseConfig = loadPyprojectConfig(undefined).config;
    this.config = this.baseConfig;
    this.index = new WorkspaceIndex(this.config);
    this.index.sources = this.sources;
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    if (!root) this.markReady();
  }

  static fromUri(uri: string, name?: string): Folder {
    let root: string | undefined;
    try {
      root = uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
    } catch {
      root = undefined;
    }
    return new Folder(uri, root, name ?? (root ? path.basename(root) : uri));
  }

  /** Starts a new indexing pass; returns its epoch. */
  beginIndexing(): number {
    this.epoch++;
    if (this.state === 'ready') this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    this.state = 'indexing';
    this.filesIndexed = 0;
    this.filesTotal = 0;
    this.skipped = 0;
    return this.epoch;
  }

  markReady(): void {
    this.state = 'ready';
    this.resolveReady();
  }

  /** Recomputes config from the pyproject text and the raw editor settings; returns the problems. */
  applyConfig(pyprojectText: string | undefined): ConfigProblem[] {
    const loaded = loadPyprojectConfig(pyprojectText, 'pyproject.toml');
    this.baseConfig = loaded.config;
    this.baseProblems = loaded.problems;
    return this.applySettings(this.rawSettings);
  }

  applySettings(raw: unknown): ConfigProblem[] {
    this.rawSettings = raw;
    const resolved = resolveSettings(this.baseConfig, raw);
    this.settings = resolved.server;
    this.settingsProblems = resolved.problems;
    this.config = this.withFolderLayout(resolved.config);
    this.index.config = this.config;
    return [...this.baseProblems, ...this.settingsProblems];
  }

  /** The folder's import roots and sub-project configurations (each with the editor settings layered over it, like the root's). */
  private withFolderLayout(config: AsyncMigrateConfig): AsyncMigrateConfig {
    if (!this.importRoots) return config;
    const scopes = this.listedScopes.map((s) => ({ dir: s.dir, config: resolveSettings(s.config, this.rawSettings).config }));
    return withLayout(config, this.importRoots, scopes);
  }

  /** Whether a listing found other import roots or sub-project configurations than the folder has. */
  layoutDiffers(roots: string[], scopes: readonly ScopedConfig[]): boolean {
    const key = (list: readonly ScopedConfig[]) => JSON.stringify(list.map((s) => [s.dir, s.config]));
    return !this.importRoots || this.importRoots.join('\0') !== roots.join('\0') || key(this.listedScopes) !== key(scopes);
  }

  /**
   * Sets the import roots discovered in the folder (analysis/import-roots.ts) and its
   * sub-projects' own configurations; true when either changed.
   */
  setLayout(roots: string[], scopes: readonly ScopedConfig[]): boolean {
    if (!this.layoutDiffers(roots, scopes)) return false;
    this.importRoots = roots;
    this.listedScopes = scopes.map((s) => ({ dir: s.dir, config: s.config }));
    this.applySettings(this.rawSettings);
    return true;
  }

  /** Workspace-relative POSIX path of an absolute file path inside this folder, else undefined. */
  relativePath(fsPath: string): string | undefined {
    if (!this.root) return undefined;
    const rel = path.relative(this.root, fsPath);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  uriOf(relPath: string): string {
    if (!this.root) return relPath;
    return pathToFileURL(path.join(this.root, ...relPath.split('/'))).toString();
  }

  absPath(relPath: string): string | undefined {
    return this.root ? path.join(this.root, ...relPath.split('/')) : undefined;
  }
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
