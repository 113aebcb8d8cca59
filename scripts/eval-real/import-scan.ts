// An import scanner written independently of the engine (line-based, no tree-sitter, no
// WorkspaceIndex): the referee for "safe to delete". It over-approximates on purpose — an absolute
// import resolves against every ancestor directory of the importing file, as some sys.path could
// make it — so a module it finds no importer for is really unimported.
import * as path from 'path';

export type ImportKind = 'import' | 'function-local' | 'type-checking' | 'conditional' | 'relative' | 'string';

export interface ImportRef {
  /** Importing file (root-relative, POSIX). */
  file: string;
  /** 1-based line of the statement or string. */
  line: number;
  kind: ImportKind;
  /** Candidate module paths the reference may load (root-relative, without `.py`): `a/b/c` for `a.b.c`. */
  candidates: string[];
  /** The statement or string as written (one line). */
  text: string;
}

const STRING_MODULE = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?::[\w.]+)?$/;
/** `"report.py"`, `"stock.xlsx"`: file names, not module paths. */
const FILE_NAME = /\.(py|pyc|pyi|txt|md|rst|json|ya?ml|toml|ini|cfg|csv|tsv|xlsx?|html?|xml|log|db|sqlite3?|sql|sh|png|jpe?g|gif|svg|pdf|zip|gz|tar|env|lock|js|ts|css)$/i;

/** `a.b.c` → `a`, `a.b`, `a.b.c` (each is imported by `import a.b.c`). */
function prefixes(dotted: string): string[] {
  const parts = dotted.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/**
 * Directories an absolute import in a file under fileDir may start from: every ancestor that is
 * not itself a package (a script's own folder, a monorepo's backend folder, the repository root),
 * as some `sys.path` entry could make it. A package's folder is never one (Python 3 has no
 * implicit relative imports), so `import litellm` inside a package does not load its sibling
 * `litellm.py`.
 */
function importRoots(fileDir: string, isPackageDir: (dir: string) => boolean): string[] {
  const out: string[] = [];
  for (let dir = fileDir; ; dir = path.posix.dirname(dir)) {
    const d = dir === '.' ? '' : dir;
    if (d === '' || !isPackageDir(d)) out.push(d);
    if (d === '' || dir === '/') break;
  }
  return out;
}

function join(dir: string, rel: string): string {
  return dir ? `${dir}/${rel}` : rel;
}

/** Logical lines: backslash continuations and open brackets join physical lines. */
function logicalLines(text: string): { line: number; text: string; indent: number }[] {
  const out: { line: number; text: string; indent: number }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    const parts = [lines[i]];
    let depth = 0;
    const count = (s: string) => {
      const code = s.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '').replace(/#.*/, '');
      for (const ch of code) {
        if (ch === '(' || ch === '[' || ch === '{') depth++;
        else if (ch === ')' || ch === ']' || ch === '}') depth--;
      }
      return code;
    };
    let code = count(lines[i]);
    // Parts are joined once at the end: a literal spanning thousands of lines stays linear.
    while ((depth > 0 || /\\\s*$/.test(code)) && i + 1 < lines.length) {
      parts[parts.length - 1] = parts[parts.length - 1].replace(/\\\s*$/, '');
      i++;
      parts.push(lines[i].trim());
      code = count(lines[i]);
    }
    const current = parts.join(' ');
    out.push({ line: start + 1, text: current, indent: /^[ \t]*/.exec(current)![0].replace(/\t/g, '    ').length });
  }
  return out;
}

/** What encloses an indented statement: the nearest less-indented block openers. */
function enclosingKind(lines: { text: string; indent: number }[], index: number): ImportKind {
  let indent = lines[index].indent;
  let kind: ImportKind = 'import';
  for (let i = index - 1; i >= 0 && indent > 0; i--) {
    const l = lines[i];
    if (!l.text.trim() || l.text.trim().startsWith('#') || l.indent >= indent) continue;
    indent = l.indent;
    const head = l.text.trim();
    if (/^if\s+(typing\.)?TYPE_CHECKING\b/.test(head)) return 'type-checking';
    if (/^(async\s+)?def\s/.test(head)) return 'function-local';
    if (/^(try|except|if|elif|else|with|for|while)\b/.test(head) && kind === 'import') kind = 'conditional';
  }
  return kind;
}

/**
 * Every import statement (at any depth) and dotted-module string of one file. isPackageDir says
 * which root-relative folders hold an `__init__.py` (default: none, the widest resolution).
 */
export function scanImports(file: string, text: string, isPackageDir: (dir: string) => boolean = () => false): ImportRef[] {
  const refs: ImportRef[] = [];
  const dir = path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file);
  const packageDir = dir; // a relative import starts from the file's own package (also for __init__.py)
  const lines = logicalLines(text);
  const roots = importRoots(dir, isPackageDir);
  const absolute = (dotted: string) => roots.flatMap((a) => prefixes(dotted).map((p) => join(a, p.replace(/\./g, '/'))));
  lines.forEach((l, i) => {
    const stmt = l.text.trim();
    let m: RegExpExecArray | null;
    if ((m = /^from\s+(\.*)([\w.]*)\s+import\s+(.+)$/.exec(stmt))) {
      const dots = m[1].length;
      const mod = m[2];
      const names = m[3]
        .replace(/#.*/, '')
        .replace(/[()]/g, '')
        .split(',')
        .map((s) => s.trim().split(/\s+as\s+/)[0].trim())
        .filter((s) => /^\w+$/.test(s));
      let candidates: string[];
      let kind = enclosingKind(lines, i);
      if (dots > 0) {
        let base = packageDir;
        for (let d = 1; d < dots; d++) base = path.posix.dirname(base) === '.' ? '' : path.posix.dirname(base);
        const modPath = mod ? join(base, mod.replace(/\./g, '/')) : base;
        candidates = [...(mod ? prefixes(mod).map((p) => join(base, p.replace(/\./g, '/'))) : []), ...names.map((n) => join(modPath, n))];
        if (kind === 'import') kind = 'relative';
      } else {
        candidates = [...absolute(mod), ...names.flatMap((n) => absolute(`${mod}.${n}`))];
      }
      refs.push({ file, line: l.line, kind, candidates: [...new Set(candidates)], text: stmt.slice(0, 160) });
    } else if ((m = /^import\s+(.+)$/.exec(stmt))) {
      const mods = m[1]
        .replace(/#.*/, '')
        .split(',')
        .map((s) => s.trim().split(/\s+as\s+/)[0].trim())
        .filter((s) => /^[\w.]+$/.test(s));
      refs.push({ file, line: l.line, kind: enclosingKind(lines, i), candidates: [...new Set(mods.flatMap(absolute))], text: stmt.slice(0, 160) });
    }
  });
  // Dotted module paths in strings: importlib.import_module("a.b"), "a.b:obj", mock.patch("a.b.f").
  const stringRe = /(["'])([A-Za-z_][\w.:]*)\1/g;
  const lineStarts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  let sm: RegExpExecArray | null;
  while ((sm = stringRe.exec(text))) {
    const value = sm[2];
    if (!STRING_MODULE.test(value) || FILE_NAME.test(value)) continue;
    const dotted = value.split(':')[0];
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= sm.index) lo = mid;
      else hi = mid - 1;
    }
    refs.push({ file, line: lo + 1, kind: 'string', candidates: [...new Set(absolute(dotted))], text: sm[0] });
  }
  return refs;
}

/** Root-relative module path (no `.py`; a package's `__init__.py` is its directory) of a Python file. */
export function modulePathOf(file: string): string {
  const noExt = file.replace(/\.py$/, '');
  return noExt.endsWith('/__init__') ? noExt.slice(0, -'/__init__'.length) : noExt === '__init__' ? '' : noExt;
}

/** Importers of each target file among the scanned references (a file never imports itself). */
export function importersOf(targets: readonly string[], refs: readonly ImportRef[]): Map<string, ImportRef[]> {
  const byModule = new Map<string, string>();
  for (const t of targets) byModule.set(modulePathOf(t), t);
  const out = new Map<string, ImportRef[]>(targets.map((t) => [t, []]));
  for (const ref of refs) {
    const hit = new Set<string>();
    for (const c of ref.candidates) {
      const target = byModule.get(c);
      if (target && target !== ref.file && !hit.has(target)) {
        hit.add(target);
        out.get(target)!.push(ref);
      }
    }
  }
  return out;
}
