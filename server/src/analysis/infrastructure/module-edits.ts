// Small building blocks for edits that add module-level code (Set up async infrastructure):
// top-level statements by name, insertion points after a statement, imports collected per file
// and emitted once, and same-point insertions merged in the order they were made.
import { ensureFromImport, importedLocalName } from '../fixes/imports';
import type { Node } from '../parser';
import type { SourceFile } from '../source';
import { children } from '../syntax';
import type { ImportBinding, ModuleSummary } from '../summary';
import type { TextEdit } from '../types';
import type { WorkspaceIndex } from '../workspace';

/** The top-level statement `name = <call>` / `name: T = <call>` and its call, if name is bound that way at module level. */
export function topLevelAssignment(file: SourceFile, name: string): { statement: Node; call?: Node } | undefined {
  for (const statement of children(file.root)) {
    if (statement.type !== 'expression_statement') continue;
    const assignment = statement.namedChild(0);
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    if (left?.type !== 'identifier' || left.text !== name) continue;
    const right = assignment.childForFieldName('right');
    return { statement, call: right?.type === 'call' ? right : undefined };
  }
  return undefined;
}

/** The top-level `def name` (or its decorated definition) whose name starts at nameStart. */
export function topLevelFunction(file: SourceFile, nameStart: number): { definition: Node; fn: Node } | undefined {
  for (const statement of children(file.root)) {
    const fn = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (fn?.type === 'function_definition' && fn.childForFieldName('name')?.startIndex === nameStart) return { definition: statement, fn };
  }
  return undefined;
}

/** Offset just after the line on which offset lies (after its newline). */
export function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

export function newlineOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Whether a name is bound at module level (definitions, assignments, imports). */
export function definesName(file: SourceFile, name: string): boolean {
  for (const statement of children(file.root)) {
    const node = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if ((node?.type === 'function_definition' || node?.type === 'class_definition') && node.childForFieldName('name')?.text === name) return true;
    if (node?.type === 'expression_statement' && node.namedChild(0)?.type === 'assignment' && node.namedChild(0)!.childForFieldName('left')?.text === name) return true;
    if ((node?.type === 'import_from_statement' || node?.type === 'import_statement') && new RegExp(`\\b${name}\\b`).test(node.text)) return true;
  }
  return false;
}

/**
 * Edits for one file: imports are collected per module (`from m import a, b` written once) and
 * emitted by `finish`, insertions at the same offset are concatenated in the order added.
 */
export class FileEdits {
  private readonly inserts: TextEdit[] = [];
  private readonly imports = new Map<string, string[]>();

  constructor(readonly file: SourceFile) {}

  get newline(): string {
    return newlineOf(this.file.text);
  }

  insert(offset: number, text: string): void {
    this.inserts.push({ start: offset, end: offset, newText: text });
  }

  /**
   * The local name of `module.name` here, importing it when needed (`spelling` is `Name` or
   * `Name as Alias`; the result is the name to write in code).
   */
  importName(module: string, spelling: string): string {
    const [name, alias] = spelling.split(/\s+as\s+/);
    const existing = importedLocalName(this.file, module, name);
    if (existing) return existing;
    const wanted = this.imports.get(module) ?? [];
    if (!wanted.includes(spelling)) wanted.push(spelling);
    this.imports.set(module, wanted);
    return alias ?? name;
  }

  get empty(): boolean {
    return !this.inserts.length && !this.imports.size;
  }

  /** The edits of several drafts of one file (imports written once, insertions in order). */
  static combine(parts: FileEdits[]): TextEdit[] {
    if (!parts.length) return [];
    const all = new FileEdits(parts[0].file);
    for (const p of parts) {
      all.inserts.push(...p.inserts);
      for (const [module, names] of p.imports) {
        const wanted = all.imports.get(module) ?? [];
        for (const n of names) if (!wanted.includes(n)) wanted.push(n);
        all.imports.set(module, wanted);
      }
    }
    return all.finish();
  }

  /** All edits, non-overlapping, sorted by offset. */
  finish(): TextEdit[] {
    const edits: TextEdit[] = [];
    for (const [module, names] of this.imports) {
      const edit = ensureFromImport(this.file, module, names.join(', '));
      if (edit) edits.push(edit);
    }
    edits.push(...this.inserts);
    const merged: TextEdit[] = [];
    for (const edit of edits) {
      const same = merged.find((m) => m.start === edit.start && m.end === edit.end && m.start === m.end);
      if (same) same.newText += edit.newText;
      else merged.push({ ...edit });
    }
    return merged.sort((a, b) => a.start - b.start);
  }
}

/** The text of a `from … import` module as written at the binding (keeps relative imports). */
function fromModuleText(file: SourceFile, binding: ImportBinding): string {
  const statement = children(file.root).find((s) => s.startIndex === binding.statementStart);
  return statement?.childForFieldName('module_name')?.text.replace(/\s+/g, '') ?? binding.module;
}

/** `name` or, when taken at module level, `async_name…`; undefined when every candidate is taken. */
export function freeName(file: SourceFile, ...candidates: string[]): string | undefined {
  return candidates.find((c) => !definesName(file, c));
}

/** The spelling, in `into`, of a name defined in `owner` next to `sibling` (which `into` reaches as `siblingSpelling`). */
export function spellNextTo(index: WorkspaceIndex, into: FileEdits, owner: ModuleSummary, name: string, siblingSpelling: string): string | undefined {
  if (into.file.path === owner.path) return name;
  if (siblingSpelling.includes('.')) return siblingSpelling.replace(/[^.]+$/, name);
  const binding = index.fileByPath(into.file.path)?.imports.find((b) => b.local === siblingSpelling);
  if (binding?.name !== undefined) return into.importName(fromModuleText(into.file, binding), name);
  // Not imported under that name: import from the owner module by its absolute name.
  return into.importName(owner.moduleName, name);
}

export interface InitAsyncPart {
  /** present: nothing to add; added: part of the edit; missing: could not be set up (message says why). */
  status: 'present' | 'added' | 'missing';
  message: string;
}

/** Opens a workspace file for editing (its text read once), or undefined when it cannot be read. */
export type OpenForEdit = (path: string) => FileEdits | undefined;

/** Edits of one part, kept apart until the part succeeds (a part that gives up leaves nothing behind). */
export class EditDraft {
  readonly files = new Map<string, FileEdits>();
  constructor(private readonly read: (path: string) => SourceFile | undefined) {}
  open: OpenForEdit = (path) => {
    let edits = this.files.get(path);
    if (!edits) {
      const file = this.read(path);
      if (!file) return undefined;
      edits = new FileEdits(file);
      this.files.set(path, edits);
    }
    return edits;
  };
}
