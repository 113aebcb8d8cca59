// What an expression or a call resolves to, beyond module-level names: function locals and
// parameters (annotations, `Depends(...)`), `self`/`cls`, attributes assigned on `self`,
// `super()`, and functions nested in the current function. Used by the await/twin rules
// (AM201–AM205). Everything answers undefined when the evidence is not there.
import { annotationAlternatives, annotationType } from './annotation';
import type { Node } from './parser';
import type { FileFacts, FunctionFacts, LocalBinding, ParamFacts } from './semantics';
import { functionSummary, type ClassSummary, type FunctionSummary, type ModuleSummary } from './summary';
import { children, decoratorsOf, dottedName, isAsyncFunction, unparen } from './syntax';
import { chunksOf } from './chunks';
import { StatementMemo } from './statement-memo';
import { TreeIndex } from './tree-index';
import { moduleHasTwins } from './twin-names';
import type { ResolvedSymbol, WorkspaceIndex } from './workspace';
import { lastStartingAtOrBefore } from './sorted';

const MAX_DEPTH = 6;

/** A workspace function or method reached by a call. */
export interface Callable {
  /** Module defining the function. */
  module: string;
  /** Path of that module's file ('' when unknown). */
  path: string;
  /** For methods: the class defining it (maybe a base class of the receiver's class). */
  className?: string;
  name: string;
  fn: FunctionSummary;
  /** The resolved receiver for `receiver.method(...)`. */
  receiver?: ResolvedSymbol;
  /** The receiver is `self`/`cls`/`super()`: subclasses may override the method. */
  viaSelf?: boolean;
  /** A function nested in a function of this file. */
  local?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Decorators

function decoratorName(text: string): string {
  return text.replace(/^@\s*/, '').replace(/\(.*$/s, '').replace(/\s+/g, '');
}

const ROUTE_DECORATOR = /\.(get|post|put|patch|delete|head|options|trace|api_route|websocket|route|on_event|middleware|exception_handler)$/;
/** Decorators that return the same kind of callable they wrap (a coroutine function stays one). */
const PRESERVING = new Set([
  'staticmethod', 'classmethod', 'abstractmethod', 'abc.abstractmethod', 'override', 'typing.override', 'typing_extensions.override',
  'final', 'typing.final', 'functools.wraps', 'wraps', 'functools.cache', 'cache', 'functools.lru_cache', 'lru_cache',
  'pytest.fixture', 'pytest_asyncio.fixture', 'overload', 'typing.overload', 'deprecated', 'typing_extensions.deprecated', 'warnings.deprecated',
]);

/** True when every decorator is known to keep the function's calling convention. */
export function decoratorsPreserve(decorators: readonly string[]): boolean {
  return decorators.every((d) => {
    const name = decoratorName(d);
    return PRESERVING.has(name) || ROUTE_DECORATOR.test(name) || /^pytest\.mark\./.test(name);
  });
}

/** `async def` (not an async generator) whose decorators cannot have changed what a call returns. */
export function isCoroutineFunction(fn: FunctionSummary): boolean {
  return fn.isAsync && !fn.isGenerator && decoratorsPreserve(fn.decorators);
}

const AWAITABLE_HEAD = /^(typing\.|asyncio\.|collections\.abc\.|concurrent\.futures\.)?(Awaitable|Coroutine|Future|Task|Deferred|Any|AsyncIterator|AsyncIterable|AsyncGenerator|object)$/;

/** True when a return annotation says the result may be awaitable (Awaitable, Coroutine, Task, Future, Any…). */
export function annotationMayBeAwaitable(annotation: string): boolean {
  return annotationAlternatives(annotation).some((alt) => AWAITABLE_HEAD.test(alt.replace(/\[.*$/s, '').trim()));
}

/**
 * A plain `def` whose call returns something that cannot be awaited, with evidence: decorators
 * known to be inert, no awaitable return annotation, no task/future creation, and no
 * `return other_coroutine()` wrapper.
 */
export function isPlainSyncFunction(index: WorkspaceIndex, callable: Callable): boolean {
  const { fn } = callable;
  if (fn.isAsync || !decoratorsPreserve(fn.decorators)) return false;
  if (fn.returns && annotationMayBeAwaitable(fn.returns)) return false;
  if (fn.returns) {
    // A class with __await__ (its instances are awaitable).
    const cls = annotationClass(index, callable.module, fn.returns);
    if (cls && index.findMethod(cls.sym.module, cls.sym.cls, '__await__')) return false;
  }
  if (fn.createsAwaitables) return false;
  return (fn.returnCalls ?? []).every((dotted) => returnedCallIsPlain(index, callable, dotted));
}

const PLAIN_BUILTINS = new Set(['len', 'str', 'int', 'float', 'bool', 'list', 'dict', 'set', 'tuple', 'sorted', 'sum', 'min', 'max', 'any', 'all', 'repr', 'round', 'abs', 'getattr', 'isinstance', 'enumerate', 'zip', 'map', 'filter', 'range', 'frozenset', 'bytes', 'format', 'next', 'iter', 'super']);
const ASYNC_ANNOTATION = /Async|Awaitable|Coroutine|asyncio|aioredis|aiohttp/;

/**
 * Whether `return <dotted>(...)` in a sync function certainly returns a non-awaitable. Unknown
 * callees count as "maybe awaitable" (a sync wrapper around a coroutine is legitimate).
 */
function returnedCallIsPlain(index: WorkspaceIndex, callable: Callable, dotted: string): boolean {
  if (!dotted) return true; // a method of a call result: `db.query(User).first()`
  if (/^(asyncio|anyio|trio)\./.test(dotted)) return false;
  const parts = dotted.split('.');
  if ((parts[0] === 'self' || parts[0] === 'cls') && callable.className) {
    if (parts.length !== 2) return false; // `self.repo.get(...)`: what self.repo holds is not in the summary
    const cls = index.module(callable.module)?.classes[callable.className];
    const found = cls ? index.findMethod(callable.module, cls, parts[1]) : undefined;
    return !!found && !found.fn.isAsync && decoratorsPreserve(found.fn.decorators);
  }
  if (callable.fn.params.includes(parts[0])) {
    const annotation = callable.fn.paramAnnotations?.[parts[0]];
    return !!annotation && !ASYNC_ANNOTATION.test(annotation);
  }
  if (parts.length === 1 && PLAIN_BUILTINS.has(dotted) && !index.resolveName(callable.module, dotted)) return true;
  const target = index.resolveDotted(callable.module, dotted);
  if (!target) return false;
  switch (target.kind) {
    case 'external':
      return !/^(asyncio|anyio|trio)\./.test(target.dotted);
    case 'class':
      return !index.findMethod(target.module, target.cls, '__await__');
    case 'function':
    case 'method':
      return !target.fn.isAsync && decoratorsPreserve(target.fn.decorators);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Scopes

export type ScopeKind = 'function' | 'lambda' | 'class' | 'comprehension';

export interface ScopeEntry {
  node: Node;
  kind: ScopeKind;
  start: number;
  end: number;
  /** The part evaluated in this scope: a def's/lambda's/class's body; a comprehension minus its first iterable. */
  bodyStart: number;
  bodyEnd: number;
  /** For comprehensions: the first iterable, evaluated in the enclosing scope. */
  outerStart: number;
  outerEnd: number;
  isGeneratorExpression: boolean;
  isAsync: boolean;
  parent: number;
}

const SCOPE_TYPES = ['function_definition', 'lambda', 'class_definition', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression'];

function scopeEntry(node: Node): ScopeEntry {
  const kind: ScopeKind = node.type === 'function_definition' ? 'function' : node.type === 'lambda' ? 'lambda' : node.type === 'class_definition' ? 'class' : 'comprehension';
  let bodyStart = node.startIndex;
  let bodyEnd = node.endIndex;
  let outerStart = -1;
  let outerEnd = -1;
  if (kind === 'comprehension') {
    const first = node.namedChildren.find((c) => c?.type === 'for_in_clause');
    const iterable = first?.childForFieldName('right');
    if (iterable) {
      outerStart = iterable.startIndex;
      outerEnd = iterable.endIndex;
    }
  } else {
    const body = node.childForFieldName('body');
    if (body) {
      bodyStart = body.startIndex;
      bodyEnd = body.endIndex;
    } else bodyStart = bodyEnd = -1;
  }
  return {
    node,
    kind,
    start: node.startIndex,
    end: node.endIndex,
    bodyStart,
    bodyEnd,
    outerStart,
    outerEnd,
    isGeneratorExpression: node.type === 'generator_expression',
    isAsync: kind === 'function' && isAsyncFunction(node),
    parent: -1,
  };
}

/**
 * Every scope of a file by offsets, so "which scopes evaluate this node" is a binary search plus
 * a few parent links instead of a walk up the tree (each `.parent` costs a descent from the root
 * in web-tree-sitter). Built per top-level statement when a lookup first meets it (no scope spans
 * two of them): a keystroke's analysis reads the scopes of the statements it re-analyses only.
 */
export class ScopeMap {
  /** Per top-level statement (by start offset): its scopes sorted by start, `parent` indexing the same list. */
  private readonly perStatement = new Map<number, ScopeEntry[]>();
  private readonly targets = new Map<number, Set<string>>();

  constructor(private readonly facts: FileFacts) {}

  /** The scopes of the top-level statement spanning [start, end]. */
  statementScopes(statement: { start: number; end: number }): ScopeEntry[] {
    let entries = this.perStatement.get(statement.start);
    if (entries) return entries;
    entries = [];
    // One pass over the statement's indexed nodes for all scope types.
    for (const node of this.facts.nodes.nodesOfTypeStartingIn(SCOPE_TYPES, statement.start, statement.end)) entries.push(scopeEntry(node));
    entries.sort((a, b) => a.start - b.start || b.end - a.end);
    const stack: number[] = [];
    entries.forEach((e, i) => {
      while (stack.length && !(entries![stack[stack.length - 1]].start <= e.start && e.end <= entries![stack[stack.length - 1]].end)) stack.pop();
      e.parent = stack.length ? stack[stack.length - 1] : -1;
      stack.push(i);
    });
    this.perStatement.set(statement.start, entries);
    return entries;
  }

  /** Every scope of the file (indexes every top-level statement). */
  allEntries(): ScopeEntry[] {
    return chunksOf(this.facts.file).flatMap((statement) => this.statementScopes(statement));
  }

  /** Scopes evaluating the range [start, end), innermost first. */
  scopesAt(start: number, end: number, self?: Node): ScopeEntry[] {
    const out: ScopeEntry[] = [];
    for (const statement of this.facts.nodes.statementsMeeting(start, end)) {
      const entries = this.statementScopes(statement);
      const found = lastStartingAtOrBefore(entries.length, (i) => entries[i].start, start);
      for (let i = found; i >= 0; i = entries[i].parent) {
        const e = entries[i];
        if (!(e.start <= start && end <= e.end) || (self && e.node.id === self.id)) continue;
        const inOuter = e.outerStart >= 0 && e.outerStart <= start && end <= e.outerEnd;
        const inBody = e.bodyStart >= 0 && e.bodyStart <= start && end <= e.bodyEnd;
        if (e.kind === 'comprehension' ? !inOuter : inBody) out.push(e);
      }
    }
    return out;
  }

  scopesOf(node: Node): ScopeEntry[] {
    return this.scopesAt(node.startIndex, node.endIndex, node);
  }

  /** Names bound by a comprehension's `for` targets. */
  comprehensionTargets(entry: ScopeEntry): Set<string> {
    let names = this.targets.get(entry.node.id);
    if (!names) {
      names = new Set<string>();
      for (const clause of children(entry.node)) if (clause.type === 'for_in_clause') collectTargets(clause.childForFieldName('left'), names);
      this.targets.set(entry.node.id, names);
    }
    return names;
  }
}

const scopeMaps = new WeakMap<FileFacts, ScopeMap>();

export function scopeMap(facts: FileFacts): ScopeMap {
  let map = scopeMaps.get(facts);
  if (!map) scopeMaps.set(facts, (map = new ScopeMap(facts)));
  return map;
}

/** Facts of the function whose body evaluates node (undefined at module level, in a lambda or a class body). */
export function enclosingFunctionFacts(facts: FileFacts, node: Node): FunctionFacts | undefined {
  const first = scopeMap(facts).scopesOf(node).find((e) => e.kind !== 'comprehension');
  return first?.kind === 'function' ? facts.functionFacts(first.node) : undefined;
}

function lambdaBinds(entry: ScopeEntry, name: string): boolean {
  const params = entry.node.childForFieldName('parameters');
  return !!params && new RegExp(`(^|[^\\w])${name}([^\\w]|$)`).test(params.text);
}

/** Names bound in a function other than by `x = …` / `with … as x` (for targets, tuple targets, imports, except-as, walrus, global). */
interface OtherBindings {
  /** Every name bound these ways. */
  all: Set<string>;
  /** Names bound by something other than an import statement (a name in `all` but not here is import-only). */
  nonImport: Set<string>;
}
const otherBindingsCache = new WeakMap<FileFacts, Map<number, OtherBindings>>();

function collectTargets(target: Node | null | undefined, out: Set<string>): void {
  if (!target) return;
  if (target.type === 'identifier') out.add(target.text);
  else if (['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'parenthesized_expression', 'expression_list', 'tuple', 'list', 'as_pattern_target'].includes(target.type)) {
    for (const c of children(target)) collectTargets(c, out);
  }
}

function nearestScope(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return p;
  }
  return undefined;
}

function otherBindings(facts: FileFacts, fn: Node): ReadonlySet<string> {
  return functionOtherBindings(facts, fn).all;
}

/** Whether name is bound in fn only by function-local import statements (so it resolves through them). */
function boundOnlyByLocalImport(facts: FileFacts, fn: Node, name: string): boolean {
  const bindings = functionOtherBindings(facts, fn);
  return bindings.all.has(name) && !bindings.nonImport.has(name);
}

/** Node types that bind names in a function other than `x = …` / `with … as x` (all served by the TreeIndex, no native walk). */
const OTHER_BINDING_INDEXED = ['for_statement', 'import_from_statement', 'import_statement', 'named_expression', 'except_clause', 'global_statement', 'nonlocal_statement', 'function_definition', 'class_definition'];
const TARGET_PATTERNS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern']);

/**
 * The other bindings of one function, computed when first asked (a keystroke re-analyses one
 * definition, so only its functions are asked): the binding nodes inside fn whose innermost
 * non-comprehension scope is fn. Tuple targets are found from their assignment / `with … as`.
 */
function functionOtherBindings(facts: FileFacts, fn: Node): OtherBindings {
  let perFile = otherBindingsCache.get(facts);
  if (!perFile) otherBindingsCache.set(facts, (perFile = new Map()));
  let entry = perFile.get(fn.id);
  if (entry) return entry;
  entry = { all: new Set(), nonImport: new Set() };
  perFile.set(fn.id, entry);
  const body = fn.childForFieldName('body');
  if (!body) return entry;
  const map = scopeMap(facts);
  const ownedByFn = (n: Node) => {
    const owner = map.scopesOf(n).find((e) => e.kind !== 'comprehension');
    return owner?.kind === 'function' && owner.node.id === fn.id;
  };
  const add = (names: Set<string>, isImport: boolean) => {
    for (const name of names) {
      entry!.all.add(name);
      if (!isImport) entry!.nonImport.add(name);
    }
  };
  for (const n of facts.descendantsOfType(body, OTHER_BINDING_INDEXED)) {
    if (!ownedByFn(n)) continue;
    const isImport = n.type === 'import_statement' || n.type === 'import_from_statement';
    const names = new Set<string>();
    switch (n.type) {
      case 'function_definition':
      case 'class_definition':
        names.add(n.childForFieldName('name')?.text ?? '');
        break;
      case 'for_statement':
        collectTargets(n.childForFieldName('left'), names);
        break;
      case 'import_statement':
      case 'import_from_statement':
        for (const item of n.childrenForFieldName('name').concat(n.type === 'import_statement' ? n.namedChildren : [])) {
          if (!item) continue;
          if (item.type === 'aliased_import') names.add(item.childForFieldName('alias')!.text);
          else if (item.type === 'dotted_name') names.add(item.text.split('.')[0]);
        }
        break;
      case 'named_expression':
        names.add(n.childForFieldName('name')?.text ?? '');
        break;
      case 'except_clause':
        for (const c of children(n)) if (c.type === 'as_pattern') collectTargets(c.childForFieldName('alias'), names);
        break;
      case 'global_statement':
      case 'nonlocal_statement':
        for (const c of children(n)) if (c.type === 'identifier') names.add(c.text);
        break;
    }
    add(names, isImport);
  }
  // Tuple targets of assignments / with-as (for targets are handled above; comprehension ones are not the function's).
  for (const holder of facts.descendantsOfType(body, ['assignment', 'as_pattern_target'])) {
    const candidates = holder.type === 'assignment' ? [holder.childForFieldName('left'), holder.childForFieldName('right')] : children(holder);
    for (const target of candidates) {
      if (!target || !TARGET_PATTERNS.has(target.type) || !ownedByFn(target)) continue;
      const names = new Set<string>();
      collectTargets(target, names);
      add(names, false);
    }
  }
  return entry;
}

/** A function_definition nested directly in fn (at any block depth) named name. */
function nestedDef(fn: Node, name: string): Node | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  for (const def of body.descendantsOfType('function_definition')) {
    if (def && def.childForFieldName('name')?.text === name && nearestScope(def)?.id === fn.id) return def;
  }
  return undefined;
}

/** A FunctionSummary for a function defined in this file's tree (nested defs are not in the index). */
export function localFunctionSummary(facts: FileFacts, def: Node): FunctionSummary {
  // A nested def is summarised like a module-level one.
  return functionSummary(def, facts.file);
}

// ---------------------------------------------------------------------------------------------
// Resolution

function sameSymbol(a: ResolvedSymbol, b: ResolvedSymbol): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'instance':
      return b.kind === 'instance' && a.classModule === b.classModule && a.className === b.className;
    case 'external':
      return b.kind === 'external' && a.dotted === b.dotted;
    case 'module':
      return b.kind === 'module' && a.module === b.module;
    default:
      return 'name' in a && 'name' in b && a.module === (b as { module: string }).module && a.name === b.name;
  }
}

/** The class summary for a top-level class_definition node of this file. */
function classSummaryOf(facts: FileFacts, classNode: Node): ClassSummary | undefined {
  const name = classNode.childForFieldName('name')?.text;
  if (!name) return undefined;
  const holder = classNode.parent?.type === 'decorated_definition' ? classNode.parent.parent : classNode.parent;
  if (holder?.type !== 'module') return undefined;
  const mod = facts.index.fileByPath(facts.file.path) ?? facts.index.module(facts.moduleName);
  const cls = mod?.classes[name];
  return cls && cls.line === classNode.startPosition.row + 1 ? cls : undefined;
}

/** For the first parameter of a method: `self` (instance) or `cls` (class) of the enclosing class. */
function selfSymbol(facts: FileFacts, fnNode: Node, paramName: string): ResolvedSymbol | undefined {
  const info = facts.functionFacts(fnNode);
  if (!info.classNode) return undefined;
  const decorators = decoratorsOf(fnNode).map((d) => decoratorName(d.text));
  if (decorators.some((d) => d === 'staticmethod')) return undefined;
  const first = [...info.params.keys()][0];
  if (first !== paramName) return undefined;
  const cls = classSummaryOf(facts, info.classNode);
  if (!cls) return undefined;
  if (decorators.some((d) => d === 'classmethod')) return { kind: 'class', module: facts.moduleName, name: cls.name, cls };
  return { kind: 'instance', module: facts.moduleName, name: paramName, classModule: facts.moduleName, className: cls.name, cls };
}

/**
 * The workspace class an annotation denotes (`X`, `Optional[X]`, `X | None`, `Annotated[X, …]`,
 * `"X"`), and whether it is an instance of it or the class itself (`type[X]`). A container of X
 * (`list[X]`, `Dict[str, X]`) or a union of classes denotes none.
 */
function annotationClass(index: WorkspaceIndex, moduleName: string, annotation: string, options: { yields?: boolean } = {}): { sym: Extract<ResolvedSymbol, { kind: 'class' }>; isClassObject: boolean } | undefined {
  const type = annotationType(annotation, options);
  if (type.kind !== 'instance' && type.kind !== 'class') return undefined;
  const sym = index.resolveDotted(moduleName, type.name);
  return sym?.kind === 'class' ? { sym, isClassObject: type.kind === 'class' } : undefined;
}

function instanceOf(cls: ResolvedSymbol, module: string, name: string): ResolvedSymbol | undefined {
  return cls.kind === 'class' ? { kind: 'instance', module, name, classModule: cls.module, className: cls.name, cls: cls.cls } : undefined;
}

function paramSymbol(facts: FileFacts, param: ParamFacts): ResolvedSymbol | undefined {
  if (param.annotation) {
    const found = annotationClass(facts.index, facts.moduleName, param.annotation.text);
    if (found) return found.isClassObject ? found.sym : instanceOf(found.sym, facts.moduleName, param.name);
    // A container (`list[X]`) is never the dependency's class.
    if (annotationType(param.annotation.text).kind === 'container') return undefined;
  }
  if (param.dependsOn) {
    const dep = facts.index.resolveDotted(facts.moduleName, param.dependsOn);
    if (dep?.kind === 'class') return instanceOf(dep, facts.moduleName, param.name);
    if (dep?.kind === 'function' && dep.fn.returns) {
      const found = annotationClass(facts.index, dep.module, dep.fn.returns, { yields: true });
      if (found && !found.isClassObject) return instanceOf(found.sym, facts.moduleName, param.name);
    }
  }
  return undefined;
}

function valueSymbol(facts: FileFacts, binding: LocalBinding, name: string, depth: number): ResolvedSymbol | undefined {
  if (binding.viaAsync) return undefined;
  const value = unparen(binding.value);
  if (value.type === 'call') {
    const callee = resolveExpression(facts, value.childForFieldName('function'), depth + 1);
    if (callee?.kind === 'class') return instanceOf(callee, facts.moduleName, name);
    if ((callee?.kind === 'function' || callee?.kind === 'method') && !callee.fn.isAsync && callee.fn.returns) {
      const found = annotationClass(facts.index, callee.module, callee.fn.returns);
      if (found) return found.isClassObject ? found.sym : instanceOf(found.sym, facts.moduleName, name);
    }
    return undefined;
  }
  if (value.type === 'identifier' || value.type === 'attribute') return resolveExpression(facts, value, depth + 1);
  return undefined;
}

function bindingsSymbol(facts: FileFacts, bindings: LocalBinding[], name: string, depth: number): ResolvedSymbol | undefined {
  let result: ResolvedSymbol | undefined;
  for (const b of bindings) {
    const sym = valueSymbol(facts, b, name, depth);
    if (!sym) return undefined;
    if (result && !sameSymbol(result, sym)) return undefined;
    result = sym;
  }
  return result;
}

function resolveIdentifier(facts: FileFacts, id: Node, depth: number): ResolvedSymbol | undefined {
  const name = id.text;
  const map = scopeMap(facts);
  const scopes = map.scopesOf(id);
  for (let i = 0; i < scopes.length; i++) {
    const e = scopes[i];
    if (e.kind === 'lambda') {
      if (lambdaBinds(e, name)) return undefined;
      continue;
    }
    if (e.kind === 'comprehension') {
      if (map.comprehensionTargets(e).has(name)) return undefined;
      continue;
    }
    if (e.kind === 'class') {
      // A name used directly in a class body may be a class attribute; class scopes do not reach nested functions.
      if (scopes.slice(0, i).every((x) => x.kind === 'comprehension')) {
        const cls = classSummaryOf(facts, e.node);
        if (!cls || cls.attributes?.includes(name) || cls.methods[name]) return undefined;
      }
      continue;
    }
    const info = facts.functionFacts(e.node);
    const param = info.params.get(name);
    if (param) return selfSymbol(facts, e.node, name) ?? paramSymbol(facts, param);
    const local = info.locals.get(name);
    if (local?.length) return bindingsSymbol(facts, local, name, depth);
    if (otherBindings(facts, e.node).has(name)) {
      // `from app.services.chat import chat_service` inside the function (the usual way around circular imports).
      if (boundOnlyByLocalImport(facts, e.node, name)) return facts.index.resolveThroughImports(facts.localImports(e.node), name);
      const def = nestedDef(e.node, name);
      if (def) return { kind: 'function', module: facts.moduleName, name, fn: localFunctionSummary(facts, def) };
      return undefined;
    }
  }
  return facts.index.resolveName(facts.moduleName, name);
}

/** The function whose local imports bind id's name, when the innermost binding of that name is such an import. */
function localImportOwner(facts: FileFacts, id: Node): Node | undefined {
  const name = id.text;
  const map = scopeMap(facts);
  for (const e of map.scopesOf(id)) {
    if (e.kind === 'lambda' && lambdaBinds(e, name)) return undefined;
    if (e.kind === 'comprehension' && map.comprehensionTargets(e).has(name)) return undefined;
    if (e.kind !== 'function') continue;
    const info = facts.functionFacts(e.node);
    if (info.params.has(name) || info.locals.has(name)) return undefined;
    if (otherBindings(facts, e.node).has(name)) return boundOnlyByLocalImport(facts, e.node, name) ? e.node : undefined;
  }
  return undefined;
}

/** Whether id names something local (parameter, local, nested def…) rather than a module-level name. */
export function isLocalName(facts: FileFacts, id: Node): boolean {
  const name = id.text;
  const map = scopeMap(facts);
  for (const e of map.scopesOf(id)) {
    if (e.kind === 'lambda' && lambdaBinds(e, name)) return true;
    if (e.kind === 'comprehension' && map.comprehensionTargets(e).has(name)) return true;
    if (e.kind === 'function') {
      const info = facts.functionFacts(e.node);
      if (info.params.has(name) || info.locals.has(name) || otherBindings(facts, e.node).has(name)) return true;
    }
  }
  return false;
}

function selfAttribute(facts: FileFacts, self: ResolvedSymbol, attrExpr: Node, depth: number): ResolvedSymbol | undefined {
  const fn = enclosingFunctionFacts(facts, attrExpr);
  if (!fn?.classNode || self.kind !== 'instance') return undefined;
  const object = attrExpr.childForFieldName('object')!.text;
  const attr = attrExpr.childForFieldName('attribute')!.text;
  const key = `${object}.${attr}`;
  const body = fn.classNode.childForFieldName('body');
  const bindings: LocalBinding[] = [];
  for (const stmt of body ? children(body) : []) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type !== 'function_definition') continue;
    const info = facts.functionFacts(def);
    // Only methods whose first parameter has the same name (self) count.
    if ([...info.params.keys()][0] !== object) continue;
    bindings.push(...(info.locals.get(key) ?? []));
  }
  if (!bindings.length) return undefined;
  return bindingsSymbol(facts, bindings, key, depth);
}

/**
 * Resolves an identifier / attribute chain as written at expr, through locals, parameters,
 * `self`, `super()` and module-level names (imports across files).
 */
export function resolveExpression(facts: FileFacts, expr: Node | null | undefined, depth = 0): ResolvedSymbol | undefined {
  if (!expr || depth > MAX_DEPTH) return undefined;
  const node = unparen(expr);
  if (node.type === 'identifier') return resolveIdentifier(facts, node, depth);
  if (node.type !== 'attribute') return undefined;
  const object = unparen(node.childForFieldName('object')!);
  const attr = node.childForFieldName('attribute')!.text;
  if (object.type === 'call' && dottedName(object.childForFieldName('function')) === 'super') return superMember(facts, object, attr);
  // Module chains (`app.services.user.user_service`) go through the index in one piece.
  let root: Node = object;
  while (root.type === 'attribute') root = unparen(root.childForFieldName('object')!);
  if (root.type === 'identifier') {
    const dotted = dottedName(node);
    if (!isLocalName(facts, root)) {
      if (dotted) return facts.index.resolveDotted(facts.moduleName, dotted);
    } else if (dotted) {
      // `import app.services.chat` inside the function: the chain resolves through that import.
      const owner = localImportOwner(facts, root);
      if (owner) return facts.index.resolveThroughImports(facts.localImports(owner), dotted);
    }
  }
  const base = resolveExpression(facts, object, depth + 1);
  if (!base) return undefined;
  const member = facts.index.member(base, attr);
  if (member) return member;
  if (base.kind === 'instance' && object.type === 'identifier' && isSelfParam(facts, object)) {
    return selfAttribute(facts, base, node, depth);
  }
  return undefined;
}

function superMember(facts: FileFacts, superCall: Node, attr: string): ResolvedSymbol | undefined {
  const fn = enclosingFunctionFacts(facts, superCall);
  if (!fn?.classNode) return undefined;
  const cls = classSummaryOf(facts, fn.classNode);
  if (!cls) return undefined;
  for (const base of cls.bases) {
    const resolved = facts.index.resolveDotted(facts.moduleName, base);
    if (resolved?.kind !== 'class') return undefined;
    const found = facts.index.findMethod(resolved.module, resolved.cls, attr);
    if (found) return { kind: 'method', module: found.module, className: found.className, name: attr, fn: found.fn, viaInstance: true };
  }
  return undefined;
}

/** The workspace function or method a call invokes, if known. */
export function resolveCall(facts: FileFacts, call: Node): Callable | undefined {
  const fnNode = call.childForFieldName('function');
  if (!fnNode) return undefined;
  const target = unparen(fnNode);
  const sym = resolveExpression(facts, target);
  if (!sym) return undefined;
  if (sym.kind === 'function') {
    const local = !facts.index.module(sym.module)?.functions[sym.name] || facts.index.module(sym.module)!.functions[sym.name] !== sym.fn;
    return { module: sym.module, path: local ? facts.file.path : (facts.index.module(sym.module)?.path ?? ''), name: sym.name, fn: sym.fn, receiver: sym, local };
  }
  if (sym.kind === 'method') {
    let receiver: ResolvedSymbol | undefined;
    let viaSelf = false;
    if (target.type === 'attribute') {
      const object = unparen(target.childForFieldName('object')!);
      if (object.type === 'call') viaSelf = true; // super()
      else {
        receiver = resolveExpression(facts, object);
        viaSelf = object.type === 'identifier' && receiver !== undefined && receiver.kind !== 'module' && isSelfParam(facts, object);
      }
    }
    return { module: sym.module, path: facts.index.module(sym.module)?.path ?? '', className: sym.className, name: sym.name, fn: sym.fn, receiver, viaSelf };
  }
  return undefined;
}

/** True when id is the first parameter (`self`/`cls`) of the method it is used in. */
export function isSelfParam(facts: FileFacts, id: Node): boolean {
  const fn = enclosingFunctionFacts(facts, id);
  return !!fn?.classNode && [...fn.params.keys()][0] === id.text;
}

/** Where a workspace function is defined, for related information. */
export function definitionLocation(index: WorkspaceIndex, callable: Callable): { path: string; range: NonNullable<FunctionSummary['nameRange']> } | undefined {
  const range = callable.fn.nameRange;
  const path = callable.path || index.module(callable.module)?.path;
  if (!range || !path) return undefined;
  return { path, range };
}

/**
 * Whether `attr` exists on a workspace receiver: true / false with evidence, undefined when it
 * cannot be known (dynamic members, unresolved bases, syntax errors).
 */
export function memberExists(index: WorkspaceIndex, receiver: ResolvedSymbol, attr: string): boolean | undefined {
  if (receiver.kind === 'module') {
    const mod = index.module(receiver.module);
    if (!mod || mod.hasSyntaxErrors || mod.dynamicNames || !mod.definedNames) return undefined;
    if (mod.definedNames.includes(attr) || index.module(`${receiver.module}.${attr}`)) return true;
    if (/^__\w+__$/.test(attr)) return undefined;
    return false;
  }
  if (receiver.kind === 'instance' || receiver.kind === 'class') {
    const module = receiver.kind === 'instance' ? receiver.classModule : receiver.module;
    return classHasMember(index, module, receiver.cls, attr);
  }
  return undefined;
}

function classHasMember(index: WorkspaceIndex, module: string, cls: ClassSummary, attr: string, depth = 0): boolean | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const mod = index.module(module);
  if (!mod || mod.hasSyntaxErrors || cls.dynamicMembers || !cls.attributes) return undefined;
  if (cls.methods[attr] || cls.attributes.includes(attr) || cls.relationships[attr]) return true;
  if (/^__\w+__$/.test(attr)) return undefined;
  for (const base of cls.bases) {
    if (index.isMemberlessBase(module, base)) continue;
    const resolved = index.resolveDotted(module, base);
    if (resolved?.kind !== 'class') return undefined;
    const inBase = classHasMember(index, resolved.module, resolved.cls, attr, depth + 1);
    if (inBase !== false) return inBase;
  }
  return false;
}

/** Whether cls (in module) derives, through workspace bases, from the class target.name in target.module. */
function derivesFrom(index: WorkspaceIndex, module: string, cls: ClassSummary, target: { module: string; name: string }, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  for (const base of cls.bases) {
    const resolved = index.resolveDotted(module, base);
    if (resolved?.kind !== 'class') continue;
    if ((resolved.module === target.module && resolved.name === target.name) || derivesFrom(index, resolved.module, resolved.cls, target, depth + 1)) return true;
  }
  return false;
}

/**
 * Whether a workspace subclass of the class defines attr: a value declared as the base class
 * (`-> LLMClientBase`, a factory returning one of its subclasses) may well have it.
 */
export function subclassDefines(index: WorkspaceIndex, module: string, className: string, attr: string): boolean {
  for (const mod of index.modules()) {
    for (const cls of Object.values(mod.classes)) {
      if (!(cls.methods[attr] || cls.attributes?.includes(attr) || cls.relationships[attr])) continue;
      if (derivesFrom(index, mod.moduleName, cls, { module, name: className })) return true;
    }
  }
  return false;
}

/** Every member name of a workspace receiver (for "did you mean"). */
export function memberNames(index: WorkspaceIndex, receiver: ResolvedSymbol): string[] {
  if (receiver.kind === 'module') {
    const mod = index.module(receiver.module);
    const subs = index.modules().filter((m) => m.moduleName.startsWith(receiver.module + '.') && !m.moduleName.slice(receiver.module.length + 1).includes('.'));
    return [...(mod?.definedNames ?? []), ...subs.map((m) => m.moduleName.split('.').pop()!)];
  }
  if (receiver.kind !== 'instance' && receiver.kind !== 'class') return [];
  const out = new Set<string>();
  const visit = (module: string, cls: ClassSummary, depth: number) => {
    if (depth > MAX_DEPTH) return;
    Object.keys(cls.methods).forEach((m) => out.add(m));
    (cls.attributes ?? []).forEach((a) => out.add(a));
    for (const base of cls.bases) {
      const resolved = index.resolveDotted(module, base);
      if (resolved?.kind === 'class') visit(resolved.module, resolved.cls, depth + 1);
    }
  };
  visit(receiver.kind === 'instance' ? receiver.classModule : receiver.module, receiver.cls, 0);
  return [...out];
}

// ---------------------------------------------------------------------------------------------
// Cheap pre-filters: names worth resolving at all

export interface WorkspaceNames {
  /** Names of `async def` functions and methods anywhere in the workspace. */
  asyncNames: Set<string>;
  /** Names of plain `def` functions and methods anywhere in the workspace. */
  syncNames: Set<string>;
  /** Plain `def` names reachable through a module that has an async twin (AM203 candidates). */
  twinSyncNames: Set<string>;
}

const namesCache = new WeakMap<WorkspaceIndex, { generation: number; config: unknown; names: WorkspaceNames }>();
/** Per-module async/sync def names (a summary is immutable, so this is computed once per summary). */
const moduleNamesCache = new WeakMap<ModuleSummary, { async: string[]; sync: string[] }>();

function moduleDefNames(mod: ModuleSummary): { async: string[]; sync: string[] } {
  let names = moduleNamesCache.get(mod);
  if (!names) {
    names = { async: [], sync: [] };
    const fns = [...Object.values(mod.functions), ...Object.values(mod.classes).flatMap((c) => Object.values(c.methods))];
    for (const fn of fns) (fn.isAsync ? names.async : names.sync).push(fn.name);
    moduleNamesCache.set(mod, names);
  }
  return names;
}

/**
 * Workspace-wide name sets, recomputed when the index content changes (names and twins do not
 * depend on positions: re-summarising the edited file on each keystroke keeps them).
 */
export function workspaceNames(index: WorkspaceIndex): WorkspaceNames {
  const cached = namesCache.get(index);
  if (cached && cached.generation === index.contentGeneration && cached.config === index.config) return cached.names;
  const names: WorkspaceNames = { asyncNames: new Set(), syncNames: new Set(), twinSyncNames: new Set() };
  const addClass = (module: string, cls: ClassSummary, depth = 0) => {
    for (const fn of Object.values(cls.methods)) if (!fn.isAsync) names.twinSyncNames.add(fn.name);
    if (depth > MAX_DEPTH) return;
    for (const base of cls.bases) {
      const resolved = index.resolveDotted(module, base);
      if (resolved?.kind === 'class') addClass(resolved.module, resolved.cls, depth + 1);
    }
  };
  for (const mod of index.modules()) {
    const defs = moduleDefNames(mod);
    for (const n of defs.async) names.asyncNames.add(n);
    for (const n of defs.sync) names.syncNames.add(n);
    if (!moduleHasTwins(index, mod)) continue;
    for (const fn of Object.values(mod.functions)) if (!fn.isAsync) names.twinSyncNames.add(fn.name);
    for (const cls of Object.values(mod.classes)) addClass(mod.moduleName, cls);
    // Instances whose class lives elsewhere (`user_service = UserService()` with an imported class).
    for (const v of Object.keys(mod.variables)) {
      const sym = index.resolveName(mod.moduleName, v);
      if (sym?.kind === 'instance') addClass(sym.classModule, sym.cls);
    }
  }
  namesCache.set(index, { generation: index.contentGeneration, config: index.config, names });
  return names;
}

const localDefsCache = new WeakMap<FileFacts, { async: Set<string>; sync: Set<string> }>();
const statementDefs = new StatementMemo<{ async: string[]; sync: string[] }>();

/** Names of functions defined anywhere in this file (nested ones included), by async-ness. */
const DEF_NAME = /(?:async[ \t]+)?def[ \t]+([\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)/uy;

export function fileFunctionNames(facts: FileFacts): { async: Set<string>; sync: Set<string> } {
  let names = localDefsCache.get(facts);
  if (!names) {
    names = { async: new Set(), sync: new Set() };
    const text = facts.file.text;
    const map = scopeMap(facts);
    // Per top-level statement, remembered by its text: a keystroke reads the scopes of the statement it changed only.
    const perStatement = statementDefs.valuesOf(facts.file, (statement) => {
      const defs = { async: [] as string[], sync: [] as string[] };
      for (const e of map.statementScopes(statement)) {
        if (e.kind !== 'function') continue;
        // Read from the text (`def name(` starts the node): a wasm call per function costs more.
        DEF_NAME.lastIndex = e.start;
        const name = DEF_NAME.exec(text)?.[1] ?? e.node.childForFieldName('name')?.text;
        if (name) (e.isAsync ? defs.async : defs.sync).push(name);
      }
      return defs;
    });
    for (const { value } of perStatement) {
      for (const name of value.async) names.async.add(name);
      for (const name of value.sync) names.sync.add(name);
    }
    localDefsCache.set(facts, names);
  }
  return names;
}

/** The last name of a call's callee (`f` in `a.b.f(...)`), if it is a name (usually read from the text, cached per call). */
export function calleeLastName(call: Node): string | undefined {
  return TreeIndex.of(call.tree).callee(call).last;
}
