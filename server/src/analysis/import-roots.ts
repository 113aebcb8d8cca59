// Import roots and module names, found the way mypy and pyright find them (PRODUCT.md §1.3).
// The one place that decides which directories are import roots and what a file's module name is;
// the Node layer only lists the files and project markers it reads from disk.
//
// Roots:
//  - the directory above the top of each package's `__init__.py` chain (mypy's crawl), so
//    `backend/app/__init__.py` makes `backend/` a root and `backend/app/x.py` is `app.x` — unless
//    that directory sits inside a regular package (then it is a namespace subpackage of it);
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

/** Top-level standard-library modules (Python 3.11's sys.stdlib_module_names, public ones). */
const STDLIB = new Set(
  (
    'abc aifc argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii bisect ' +
    'builtins bz2 cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys ' +
    'compileall concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes curses ' +
    'dataclasses datetime dbm decimal difflib dis distutils doctest email encodings ensurepip enum ' +
    'errno faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc genericpath ' +
    'getopt getpass gettext glob graphlib grp gzip hashlib heapq hmac html http imaplib imghdr imp ' +
    'importlib inspect io ipaddress itertools json keyword linecache locale logging lzma mailbox ' +
    'mailcap marshal math mimetypes mmap modulefinder msvcrt multiprocessing netrc nis nntplib nt ' +
    'ntpath numbers opcode operator optparse os ossaudiodev pathlib pdb pickle pickletools pipes ' +
    'pkgutil platform plistlib poplib posix posixpath pprint profile pstats pty pwd py_compile pyclbr ' +
    'pydoc pyexpat queue quopri random re readline reprlib resource rlcompleter runpy sched secrets ' +
    'select selectors shelve shlex shutil signal site smtpd smtplib sndhdr socket socketserver spwd ' +
    'sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string stringprep struct ' +
    'subprocess sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib tempfile termios ' +
    'textwrap threading time timeit tkinter token tokenize tomllib trace traceback tracemalloc tty ' +
    'turtle types typing unicodedata unittest urllib uu uuid venv warnings wave weakref webbrowser ' +
    'winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo '
  ).split(' '),
);

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
  const insidePackage = (dir: string): boolean => {
    for (let d = dir; d !== ''; ) {
      d = parentOf(d);
      if (packages.has(d)) return true;
    }
    return false;
  };
  for (const pkg of packages) {
    const t = top(pkg);
    // A workspace root that is itself a package has no root inside the workspace above it; a
    // directory without __init__.py inside a regular package is a namespace subpackage of it
    // (`registry/core/` in `registry/core/http/__init__.py`), not a root: else its modules would
    // be named `http`, `types`… and shadow the standard library.
    if (t !== '' && !insidePackage(parentOf(t))) roots.add(parentOf(t));
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

/** A name that would hide a standard-library module (`types`, `http.client`) if it were importable as such. */
function shadowsStdlib(name: string): boolean {
  return STDLIB.has(name.split('.')[0]);
}

/**
 * The module names of a workspace-relative file under the configured and discovered roots. A
 * discovered root below the workspace root never names a file like a standard-library module:
 * `app/types.py` under a namespace `app/` is `app.types`, never `types` (Python, run from the
 * project, imports the standard library's).
 */
export function moduleNamesOf(relPath: string, config: Pick<AsyncMigrateConfig, 'src' | 'importRoots'>): ModuleNames {
  const posix = relPath.replace(/\\/g, '/');
  const { explicit, all } = rootsOf(config);
  const deepestFirst = (roots: string[]) => roots.filter((r) => isUnder(posix, r)).sort((a, b) => b.length - a.length);
  const holding = deepestFirst(all);
  const usable = (r: string) => r === '' || explicit.includes(r) || !shadowsStdlib(nameUnder(posix, r));
  const root = deepestFirst(explicit)[0] ?? holding.find(usable) ?? '';
  const moduleName = nameUnder(posix, root);
  const aliases: string[] = [];
  // Deepest root first: the most specific alias leads.
  for (const other of holding) {
    if (other === root || !usable(other)) continue;
    const alias = nameUnder(posix, other);
    if (alias && alias !== moduleName && !aliases.includes(alias) && alias.split('.').every((p) => IDENTIFIER.test(p))) aliases.push(alias);
  }
  return { moduleName, isPackage: PACKAGE_INIT.test(posix), root, aliases };
}
