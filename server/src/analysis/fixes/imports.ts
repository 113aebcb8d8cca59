// Import edits for fixes: extend an existing `from m import …` line, else add one line next
// to related imports. Each helper returns at most one edit and nothing when already imported.
import type { Node } from '../parser';
import type { SourceFile } from '../source';
import { children } from '../syntax';
import type { TextEdit } from '../types';

// A SourceFile's tree never changes, so its import statements are collected once per file
// (rules building many fixes would otherwise re-walk the module for each one).
const importsCache = new WeakMap<SourceFile, Node[]>();

function topLevelImports(file: SourceFile): Node[] {
  let imports = importsCache.get(file);
  if (!imports) {
    imports = [];
    for (const n of children(file.root)) {
      const type = n.type;
      if (type !== 'import_statement' && type !== 'import_from_statement' && type !== 'future_import_statement') continue;
      imports.push(n);
      importTypes.set(n, type);
    }
    importsCache.set(file, imports);
  }
  return imports;
}

// What is read from each of those statements, once per statement for the same reason (the
// statements are the cached nodes above, so they key these maps).
const importTypes = new WeakMap<Node, string>();
const fromModules = new WeakMap<Node, string | undefined>();
const namesOfImport = new WeakMap<Node, ImportedName[]>();
const modulesOfImport = new WeakMap<Node, { module: string; local: string }[]>();

/** The type of one of topLevelImports' statements. */
function typeOf(stmt: Node): string {
  return importTypes.get(stmt)!;
}

interface ImportedName {
  name: string;
  local: string;
  node: Node;
}

function fromModuleText(stmt: Node): string | undefined {
  if (!fromModules.has(stmt)) fromModules.set(stmt, stmt.childForFieldName('module_name')?.text.replace(/\s+/g, ''));
  return fromModules.get(stmt);
}

function importedNames(stmt: Node): ImportedName[] {
  let names = namesOfImport.get(stmt);
  if (!names) {
    names = stmt.childrenForFieldName('name').filter((n): n is Node => !!n).map((n) =>
      n.type === 'aliased_import'
        ? { name: n.childForFieldName('name')!.text, local: n.childForFieldName('alias')!.text, node: n }
        : { name: n.text, local: n.text, node: n },
    );
    namesOfImport.set(stmt, names);
  }
  return names;
}

/** `import a.b, c as d` → [{ module: 'a.b', local: 'a.b' }, { module: 'c', local: 'd' }]. */
function importedModules(stmt: Node): { module: string; local: string }[] {
  let modules = modulesOfImport.get(stmt);
  if (!modules) {
    modules = [];
    for (const item of children(stmt)) {
      if (item.type === 'dotted_name') modules.push({ module: item.text, local: item.text });
      else if (item.type === 'aliased_import') modules.push({ module: item.childForFieldName('name')!.text, local: item.childForFieldName('alias')!.text });
    }
    modulesOfImport.set(stmt, modules);
  }
  return modules;
}

/** Where a new import line goes: after the last top-level import, else after the docstring / comments at the top. */
function newImportOffset(file: SourceFile, near?: (stmt: Node) => boolean): number {
  const imports = topLevelImports(file);
  const preferred = near ? imports.filter(near) : [];
  const anchor = (preferred.length ? preferred : imports).at(-1);
  if (anchor) return lineEndAfter(file, anchor.endIndex);
  // After a module docstring, if any.
  const first = children(file.root)[0];
  if (first?.type === 'expression_statement' && first.namedChild(0)?.type === 'string') return lineEndAfter(file, first.endIndex);
  // After leading comment lines (shebang, encoding, license header).
  let offset = 0;
  for (const line of file.text.split('\n')) {
    if (/^\s*#/.test(line)) offset += line.length + 1;
    else break;
  }
  return Math.min(offset, file.text.length);
}

function lineEndAfter(file: SourceFile, offset: number): number {
  const nl = file.text.indexOf('\n', offset);
  return nl === -1 ? file.text.length : nl + 1;
}

function newline(file: SourceFile): string {
  return file.text.includes('\r\n') ? '\r\n' : '\n';
}

/** The local name under which `module.name` is available at top level, if imported. */
export function importedLocalName(file: SourceFile, module: string, name: string): string | undefined {
  for (const stmt of topLevelImports(file)) {
    if (typeOf(stmt) === 'import_from_statement' && fromModuleText(stmt) === module) {
      const hit = importedNames(stmt).find((n) => n.name === name);
      if (hit) return hit.local;
    }
  }
  return undefined;
}

/** True when `import module` (or `import module as x`) is present; returns the local name. */
export function moduleImportLocal(file: SourceFile, module: string): string | undefined {
  for (const stmt of topLevelImports(file)) {
    if (typeOf(stmt) !== 'import_statement') continue;
    const hit = importedModules(stmt).find((m) => m.module === module);
    if (hit) return hit.local;
  }
  return undefined;
}

/** Ensures `from module import name`; extends an existing from-import of the module when there is one. */
export function ensureFromImport(file: SourceFile, module: string, name: string): TextEdit | undefined {
  if (importedLocalName(file, module, name)) return undefined;
  const existing = topLevelImports(file).find((s) => typeOf(s) === 'import_from_statement' && fromModuleText(s) === module && !s.text.includes('*'));
  if (existing) {
    const names = importedNames(existing);
    const last = names.at(-1)!.node;
    return { start: last.endIndex, end: last.endIndex, newText: `, ${name}` };
  }
  const root = module.split('.')[0];
  const offset = newImportOffset(file, (s) => (typeOf(s) === 'import_from_statement' ? fromModuleText(s) : children(s)[0]?.text)?.split('.')[0] === root);
  return { start: offset, end: offset, newText: `from ${module} import ${name}${newline(file)}` };
}

/** Ensures `import module`. */
export function ensureModuleImport(file: SourceFile, module: string): TextEdit | undefined {
  if (moduleImportLocal(file, module)) return undefined;
  const offset = newImportOffset(file, (s) => typeOf(s) === 'import_statement');
  return { start: offset, end: offset, newText: `import ${module}${newline(file)}` };
}
