// Import roots and module names, found the way mypy and pyright find them (PRODUCT.md §1.3).
// The one place that decides which directories are import roots and what a file's module name is;
// the Node layer only lists the files and project markers it reads from disk.
//
// Roots:
//  - the directory above the top of each package's `__init__.py` chain (mypy's crawl), so
//    `backend/app/__init__.py` makes `backend/` a root and `backend/app/x.py` is `app.x`;
//  - every directory holding a project marker (pyproject.toml, setup.cfg, setup.py), and the
//    workspace root itself;
//  - `src/` beside a marker (or at the workspace root) when it is not itself a package (src layout);
//  - `[tool.async-migrate] src`: explicit roots, which win over the discovered ones.
// A file's module name is relative to the deepest root holding it (the deepest explicit one when
// any holds it); that root is the file's project, which the index prefers when two projects of one
// workspace define the same module name (a monorepo with `backend/app` and `worker/app`).
// A file is also importable under its names relative to the other roots holding it ("aliases"):
// with namespace packages (a directory without `__init__.py`) Python resolves `app.api.x` from the
// project root even when mypy's crawl names the file `api.x`, so both resolve.
import type { AsyncMigrateConfig } from './config';

/** Files whose directory is a Python project root. */
export const PROJECT_MARKERS = ['pyproject.toml', 'setup.cfg', 'setup.py'] as const;

export interface ModuleNames {
  /** Dotted module name relative to the file's root ('' for a root's own `__init__.py`). */
  moduleName: string;
  isPackage: boolean;
  /** The import root the name is relative to ('' = the workspace root): the file's project. */
  root: string;
  /** Importable names of the file relative to the other roots holding it. */
  aliases: string[];
}

function parentOf(dir: string): string {
  const i = dir.lastIndexOf('/');
  return i < 0 ? '' : dir.slice(0, i);
}

/** A root as written in configuration (`./backend/`, `.`) → a workspace-relative POSIX directory ('' = the root). */
export function normalizeRoot(root: string): string {
  const r = root.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return r === '.' ? '' : r;
}

function isUnder(relPath: string, root: string): boolean {
  return root === '' || relPath.startsWith(root + '/');
}

const PACKAGE_INIT = /(^|\/)__init__\.pyi?$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The import roots of a workspace from its Python files (workspace-relative POSIX paths, excluded
 * ones left out) and the directories holding a project marker. Sorted; always holds ''.
 */
export function discoverImportRoots(pythonFiles: Iterable<string>, projectDirs: Iterable<string> = []): string[] {
  const files = [...pythonFiles];
  const packages = new Set<string>();
  for (const file of files) if (PACKAGE_INIT.test(file)) packages.add(parentOf(file));
  const roots = new Set<string>(['']);
  const topOf = new Map<string, string>();
  const top = (dir: string): string => {
    let found = topOf.get(dir);
    if (found === undefined) {
      const parent = parentOf(dir);
      found = dir !== '' && packages.has(parent) ? top(parent) : dir;
      topOf.set(dir, found);
    }
    return found;
  };
  for (const pkg of packages) {
    const t = top(pkg);
    // A workspace root that is itself a package has no root inside the workspace above it.
    if (t !== '') roots.add(parentOf(t));
  }
  const projects = new Set(['', ...[...projectDirs].map(normalizeRoot)]);
  for (const dir of projects) {
    roots.add(dir);
    const src = dir ? `${dir}/src` : 'src';
    if (!packages.has(src) && files.some((f) => f.startsWith(src + '/'))) roots.add(src);
  }
  return [...roots].sort();
}

/** The roots a file's names are computed from: explicit `src` first, then the discovered ones. */
function rootsOf(config: Pick<AsyncMigrateConfig, 'src' | 'importRoots'>): { explicit: string[]; all: string[] } {
  const explicit = config.src.map(normalizeRoot).filter((r) => r !== '');
  return { explicit, all: [...new Set([...explicit, ...(config.importRoots ?? []), ''])] };
}

function nameUnder(relPath: string, root: string): string {
  const rest = root === '' ? relPath : relPath.slice(root.length + 1);
  return rest.replace(/\.pyi?$/, '').replace(/(^|\/)__init__$/, '').split('/').filter(Boolean).join('.');
}

function deepest(roots: string[]): string | undefined {
  let best: string | undefined;
  for (const r of roots) if (best === undefined || r.length > best.length) best = r;
  return best;
}

/** The module names of a workspace-relative file under the configured and discovered roots. */
export function moduleNamesOf(relPath: string, config: Pick<AsyncMigrateConfig, 'src' | 'importRoots'>): ModuleNames {
  const posix = relPath.replace(/\\/g, '/');
  const { explicit, all } = rootsOf(config);
  const holding = all.filter((r) => isUnder(posix, r));
  const root = deepest(explicit.filter((r) => isUnder(posix, r))) ?? deepest(holding) ?? '';
  const moduleName = nameUnder(posix, root);
  const aliases: string[] = [];
  // Deepest root first: the most specific alias leads.
  for (const other of [...holding].sort((a, b) => b.length - a.length)) {
    if (other === root) continue;
    const alias = nameUnder(posix, other);
    if (alias && alias !== moduleName && !aliases.includes(alias) && alias.split('.').every((p) => IDENTIFIER.test(p))) aliases.push(alias);
  }
  return { moduleName, isPackage: PACKAGE_INIT.test(posix), root, aliases };
}
