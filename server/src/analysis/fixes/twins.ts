// Sync ↔ async twins (services/user.py:user_service ↔ services/async_user.py:async_user_service)
// for a resolved call, and the edits that switch a call site / an import to the async twin.
import { syncSessionArgument } from '../async-evidence';
import { type Callable, isCoroutineFunction, isLocalName } from '../callee';
import type { Node } from '../parser';
import type { FileFacts } from '../semantics';
import type { SourceFile } from '../source';
import type { FunctionSummary, ImportBinding, ModuleSummary } from '../summary';
import { children } from '../syntax';
import type { TextEdit } from '../types';
import type { ResolvedSymbol, WorkspaceIndex } from '../workspace';
import { twinHolderCandidates, twinMethodNames } from '../twin-names';
import { ensureFromImport } from './imports';

/** The async twin of what a sync call reaches. */
export interface AsyncTwin {
  /** Module the twin symbol is found in (imported from there). */
  module: string;
  /** Name of the twin symbol in that module (`async_user_service`, `AsyncUserService`, `get_user`). */
  name: string;
  /** The symbol as resolved in `module`. */
  symbol: ResolvedSymbol;
  /** The twin coroutine function / method. */
  fn: FunctionSummary;
  className?: string;
  /** Path of the file defining fn. */
  path: string;
  /** What the call is made through: the module-level instance, class or function that gets replaced. */
  syncSymbol: ResolvedSymbol & { name: string; module: string };
}

/** The module-level thing a call goes through (instance variable, class or function), if it is one. */
type Holder = Extract<ResolvedSymbol, { kind: 'instance' | 'class' | 'function' }>;

function syncHolder(index: WorkspaceIndex, callable: Callable): Holder | undefined {
  const r = callable.receiver;
  if (!r || callable.local || callable.viaSelf) return undefined;
  if (r.kind === 'instance') return index.module(r.module)?.variables[r.name] ? r : undefined;
  if (r.kind === 'class' || r.kind === 'function') return r;
  return undefined;
}

export function sameSymbol(a: ResolvedSymbol | undefined, b: ResolvedSymbol | undefined): boolean {
  if (!a || !b || a.kind !== b.kind) return false;
  if (a.kind === 'module' || a.kind === 'external') return JSON.stringify(a) === JSON.stringify(b);
  return (a as { module: string }).module === (b as { module: string }).module && (a as { name: string }).name === (b as { name: string }).name;
}

/** The async twin service (instance / class / function) of what a sync call goes through, even without the method. */
export function serviceTwinOf(index: WorkspaceIndex, callable: Callable): { module: string; name: string; symbol: ResolvedSymbol } | undefined {
  if (callable.fn.isAsync) return undefined;
  const holder = syncHolder(index, callable);
  if (!holder || holder.kind === 'function') return undefined;
  for (const { module, name } of twinHolderCandidates(index, holder.module, holder.name, holder.kind)) {
    const symbol = index.resolveName(module, name);
    if (symbol && symbol.kind === holder.kind && !sameSymbol(symbol, holder)) return { module, name, symbol };
  }
  return undefined;
}

/** The async twin of a sync workspace call, when one exists with an async method/function of the same name. */
export function asyncTwinOf(index: WorkspaceIndex, callable: Callable): AsyncTwin | undefined {
  if (callable.fn.isAsync) return undefined;
  const holder = syncHolder(index, callable);
  if (!holder) return undefined;
  for (const { module, name } of twinHolderCandidates(index, holder.module, holder.name, holder.kind)) {
    const symbol = index.resolveName(module, name);
    if (!symbol || sameSymbol(symbol, holder)) continue;
    if (holder.kind === 'function' && symbol.kind === 'function' && isCoroutineFunction(symbol.fn)) {
      return { module, name, symbol, fn: symbol.fn, path: index.module(symbol.module)?.path ?? '', syncSymbol: holder };
    }
    if ((holder.kind === 'instance' && symbol.kind === 'instance') || (holder.kind === 'class' && symbol.kind === 'class')) {
      const found = index.findMethod(symbol.kind === 'instance' ? symbol.classModule : symbol.module, symbol.cls, callable.name);
      if (found && isCoroutineFunction(found.fn)) {
        return { module, name, symbol, fn: found.fn, className: found.className, path: index.module(found.module)?.path ?? '', syncSymbol: holder };
      }
    }
  }
  return undefined;
}

/**
 * Why switching call to an async twin would hand it a sync Session (the `async def` twin would
 * `await` its methods: `TypeError`), or undefined. The other fact a switch relies on — the call
 * binds to the twin's parameters — is call-binding.ts's switchBindingNote.
 */
export function twinSessionMisfit(facts: FileFacts, call: Node, twinLabel: string): string | undefined {
  const syncSession = syncSessionArgument(facts, call);
  return syncSession ? `\`${syncSession.text}\` is a sync \`Session\`, which the async twin \`${twinLabel}\` cannot await: switch the session first ("Migrate this endpoint" does both)` : undefined;
}

export interface MethodTwin {
  /** The async method's name (`get_user_async`). */
  name: string;
  fn: FunctionSummary;
  className: string;
  module: string;
}

/**
 * The async twin of a sync method in the same class hierarchy (`get_user` ↔ `get_user_async`,
 * `aget_user`, `async_get_user`; `[tool.async-migrate.twins] method-patterns`), defined in the
 * class that defines the sync method (looked up from the receiver's class).
 */
export function methodTwinOf(index: WorkspaceIndex, callable: Callable): MethodTwin | undefined {
  if (callable.fn.isAsync || !callable.className) return undefined;
  const r = callable.receiver;
  const owner =
    r?.kind === 'instance' ? { module: r.classModule, cls: r.cls } : r?.kind === 'class' ? { module: r.module, cls: r.cls } : index.module(callable.module)?.classes[callable.className] ? { module: callable.module, cls: index.module(callable.module)!.classes[callable.className] } : undefined;
  if (!owner) return undefined;
  for (const name of twinMethodNames(index, callable.name)) {
    const found = index.findMethod(owner.module, owner.cls, name);
    // Defined beside the sync method: a base class's twin of a method a subclass overrides
    // (`OllamaProvider.get_window` vs `Provider.get_window_async`) does something else.
    if (found && isCoroutineFunction(found.fn) && found.className === callable.className && found.module === callable.module) {
      return { name, fn: found.fn, className: found.className, module: found.module };
    }
  }
  return undefined;
}

/** The top-level `from … import name` binding of local in this file (not `import m`). */
export function fromImportBinding(facts: FileFacts, local: string): ImportBinding | undefined {
  const summary = facts.index.fileByPath(facts.file.path);
  return summary?.imports.filter((b) => b.name !== undefined && b.local === local).at(-1);
}

/** The import_from_statement node and the name node (dotted_name or aliased_import) of a binding. */
export function importNodes(file: SourceFile, binding: ImportBinding): { statement: Node; item: Node } | undefined {
  for (const stmt of children(file.root)) {
    if (stmt.type !== 'import_from_statement' || stmt.startIndex !== binding.statementStart) continue;
    for (const item of stmt.childrenForFieldName('name')) {
      if (!item) continue;
      const local = item.type === 'aliased_import' ? item.childForFieldName('alias')?.text : item.text;
      if (local === binding.local) return { statement: stmt, item };
    }
  }
  return undefined;
}

const usesCache = new WeakMap<FileFacts, Map<string, Node[]>>();

/** Identifier nodes in this file that read the module-level binding `local` (import statements excluded); cached per file. */
export function usesOf(facts: FileFacts, local: string): Node[] {
  let cache = usesCache.get(facts);
  if (!cache) usesCache.set(facts, (cache = new Map()));
  let uses = cache.get(local);
  if (!uses) cache.set(local, (uses = computeUses(facts, local)));
  return uses;
}

function computeUses(facts: FileFacts, local: string): Node[] {
  const out: Node[] = [];
  for (const id of facts.nodesOfType('identifier')) {
    if (id.text !== local) continue;
    const parent = id.parent;
    if (!parent) continue;
    if (parent.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id) continue;
    if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.id === id.id) continue;
    if (parent.type === 'dotted_name' || parent.type === 'aliased_import' || parent.type === 'import_from_statement' || parent.type === 'import_statement') continue;
    if ((parent.type === 'function_definition' || parent.type === 'class_definition') && parent.childForFieldName('name')?.id === id.id) continue;
    if (parent.type === 'parameters' || parent.type === 'default_parameter' || parent.type === 'typed_parameter' || parent.type === 'typed_default_parameter') continue;
    if (isLocalName(facts, id)) continue;
    out.push(id);
  }
  return out;
}

/** Whether a module-level import binding may be removed: nothing else in or outside the file relies on it. */
export function importRemovable(facts: FileFacts, summary: ModuleSummary | undefined, local: string): boolean {
  if (!summary || summary.isPackage || /(^|\/)__init__\.pyi?$/.test(facts.file.path)) return false;
  if (summary.exports?.includes(local)) return false;
  return !facts.index.importersOf(`${facts.moduleName}.${local}`).length;
}

/** Edits removing one imported name (the whole statement line when it is the only one). */
export function removeImportedName(file: SourceFile, statement: Node, item: Node): TextEdit {
  const items = statement.childrenForFieldName('name').filter((n): n is Node => !!n);
  if (items.length <= 1) {
    let start = statement.startIndex;
    let end = statement.endIndex;
    const lineStart = file.text.lastIndexOf('\n', start - 1) + 1;
    if (/^[ \t]*$/.test(file.text.slice(lineStart, start))) {
      const rest = file.text.slice(end);
      const m = /^[ \t]*(#[^\n]*)?(\r?\n|$)/.exec(rest);
      if (m && !m[1]) {
        start = lineStart;
        end += m[0].length;
      }
    }
    return { start, end, newText: '' };
  }
  const i = items.findIndex((n) => n.id === item.id);
  if (i < items.length - 1) return { start: item.startIndex, end: items[i + 1].startIndex, newText: '' };
  return { start: items[i - 1].endIndex, end: item.endIndex, newText: '' };
}

function lastSegment(dotted: string): string {
  return dotted.split('.').pop()!;
}

/** How to import the twin in this file: the local name to use and the import edits (none when already imported). */
export function twinImport(
  facts: FileFacts,
  twin: AsyncTwin,
  syncBinding: ImportBinding | undefined,
  options: { removeSync: boolean },
): { local: string; edits: TextEdit[] } | undefined {
  const { index, file } = facts;
  const summary = index.fileByPath(file.path);
  // Already imported (any style, any alias)?
  for (const b of summary?.imports ?? []) {
    if (b.name !== undefined && sameSymbol(index.resolveBinding(b), twin.symbol) && !isShadowedAtTop(facts, b.local, b)) {
      const edits: TextEdit[] = [];
      if (options.removeSync && syncBinding) {
        const nodes = importNodes(file, syncBinding);
        if (nodes) edits.push(removeImportedName(file, nodes.statement, nodes.item));
      }
      return { local: b.local, edits };
    }
  }
  const nodes = syncBinding ? importNodes(file, syncBinding) : undefined;
  const removing = options.removeSync && !!nodes;
  // The twin's name must be free in this module (the removed sync name is free too); else import it under an alias.
  const taken = (n: string) => !(removing && n === syncBinding!.local) && (!!summary?.definedNames?.includes(n) || !!index.resolveName(facts.moduleName, n));
  let local = twin.name;
  if (taken(local)) {
    const alias = index.asyncTwinNames(twin.name).find((n) => /^[A-Za-z_]\w*$/.test(n) && !taken(n));
    if (!alias) return undefined;
    local = alias;
  }
  const importText = local === twin.name ? twin.name : `${twin.name} as ${local}`;
  let moduleText = twin.module;
  let written: string | undefined;
  if (syncBinding && nodes) {
    written = nodes.statement.childForFieldName('module_name')!.text.replace(/\s+/g, '');
    if (sameSymbol(index.resolveName(syncBinding.module, twin.name), twin.symbol)) moduleText = written; // package re-export
    else if (syncBinding.module === twin.syncSymbol.module && lastSegment(written) === lastSegment(syncBinding.module) && lastSegment(twin.module) !== lastSegment(written)) {
      moduleText = written.slice(0, written.length - lastSegment(written).length) + lastSegment(twin.module);
    }
  }
  if (removing) {
    // Same module: swap the name in place.
    if (moduleText === written) return { local, edits: [{ start: nodes!.item.startIndex, end: nodes!.item.endIndex, newText: importText }] };
    // Only name of its statement and no import from the twin module yet: replace the statement in place.
    if (nodes!.statement.childrenForFieldName('name').filter(Boolean).length === 1 && !existingFromImport(file, moduleText)) {
      return { local, edits: [{ start: nodes!.statement.startIndex, end: nodes!.statement.endIndex, newText: `from ${moduleText} import ${importText}` }] };
    }
  }
  const edits: TextEdit[] = [];
  const add = ensureFromImport(file, moduleText, importText);
  if (add) edits.push(add);
  if (removing) edits.push(removeImportedName(file, nodes!.statement, nodes!.item));
  return { local, edits };
}

function existingFromImport(file: SourceFile, moduleText: string): boolean {
  return children(file.root).some((s) => s.type === 'import_from_statement' && s.childForFieldName('module_name')?.text.replace(/\s+/g, '') === moduleText);
}

function isShadowedAtTop(facts: FileFacts, local: string, binding: ImportBinding): boolean {
  const summary = facts.index.fileByPath(facts.file.path);
  return !!summary && (!!summary.functions[local] || !!summary.classes[local] || (summary.imports.filter((b) => b.local === local).at(-1) !== binding));
}
