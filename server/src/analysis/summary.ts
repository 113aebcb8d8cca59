// Per-module facts the workspace index needs for cross-file resolution. Summaries are plain
// data (no tree references), so a file's tree can be freed once its summary is taken.
import { type Chunk, type ChunkedText, type RetainedVersions, chunksOf, retainVersions, reusableVersions } from './chunks';
import type { Node } from './parser';
import type { SourceFile } from './source';
import type { Range } from './types';
import { children, dottedName, isAsyncFunction, decoratorsOf, keywordArgument, stringValue } from './syntax';
import { extractRoutes, type RouteSummary, type RouterSummary, type IncludeSummary } from './routes';
import { sessionEffects, type SessionEffects } from './session-effects';
import { TreeIndex } from './tree-index';
import { StatementMemo, rowAt } from './statement-memo';

export interface ImportBinding {
  /** Name bound in this module. */
  local: string;
  /** Absolute dotted module imported from. */
  module: string;
  /** For `from m import name`: the imported name; undefined for `import m`. */
  name?: string;
  line: number;
  /** Offsets of the whole import statement. */
  statementStart: number;
  statementEnd: number;
  /**
   * How the module is reached, when not by a plain import statement: under `if TYPE_CHECKING:`
   * (never at run time), named in a string (`importlib.import_module("app.x")`, `"app.x:obj"`;
   * `name` is the part after the colon), or a dynamic `import_module(f"app.plugins.{name}")`
   * (`module` is then the literal package prefix: any module below it may be the one).
   */
  via?: 'type-checking' | 'string' | 'dynamic';
  /** The import statement sits inside a function or class body (it runs when that code runs). */
  nested?: boolean;
}

export interface FunctionSummary {
  name: string;
  isAsync: boolean;
  line: number;
  /** Offsets of the name identifier. */
  nameStart: number;
  nameEnd: number;
  params: string[];
  /** Parameters that have a default value (so a call may leave them out). */
  defaults?: string[];
  /** Contains `yield` (generator / dependency). */
  isGenerator: boolean;
  /** Return annotation text if any. */
  returns?: string;
  decorators: string[];
  /** 0-based range of the name (for related information pointing at the definition). */
  nameRange?: Range;
  /** Annotation text by parameter name, for annotated parameters. */
  paramAnnotations?: Record<string, string>;
  /** Dotted callee names of `return <call>(...)` in the body (nested scopes excluded; '' when not a name). */
  returnCalls?: string[];
  /** The body mentions something that creates an awaitable (create_task, ensure_future, run_in_executor, Future…). */
  createsAwaitables?: boolean;
  /** Writes, commits and hand-offs of the session parameters (AM106, AM107). */
  sessionEffects?: SessionEffects;
}

export interface RelationshipSummary {
  target?: string;
  /** true for one-to-many / many-to-many (uselist), false for scalar, undefined when unknown. */
  collection?: boolean;
  lazy?: string;
}

export interface ClassSummary {
  name: string;
  line: number;
  bases: string[];
  methods: Record<string, FunctionSummary>;
  relationships: Record<string, RelationshipSummary>;
  /** __tablename__ present or a declarative base: a mapped model. */
  isModel: boolean;
  /** 0-based range of the class name. */
  nameRange?: Range;
  /** Non-method names bound in the class body, and names assigned on `self.`/`cls.` in its methods. */
  attributes?: string[];
  /** Members may be created at run time: `__getattr__`, a metaclass, an unknown class decorator, `setattr(self, …)`. */
  dynamicMembers?: boolean;
  /** Class attributes bound once in the class body to a plain string literal (`API_V1_STR: str = "/api/v1"`). */
  stringConstants?: Record<string, string>;
  /**
   * What `self.x = …` assigns, for attributes assigned one way only: `call:<dotted callee>`
   * (`self.redis = aioredis.from_url(…)`) or `type:<annotation>` (`self.redis = redis` with
   * `redis: Redis` a parameter). Read by other files through module-level instances (`cache.redis`).
   */
  attributeSources?: Record<string, string>;
}

export type VariableKind =
  | 'asyncRedis'
  | 'syncRedis'
  | 'asyncSessionFactory'
  | 'syncSessionFactory'
  | 'asyncEngine'
  | 'syncEngine'
  | 'asyncHttpClient'
  | 'other';

export interface VariableSummary {
  name: string;
  line: number;
  /** Callee of the assigned call (`UserService`, `redis.asyncio.Redis.from_url`), if any. */
  callee?: string;
  /** Keyword `class_=` of a sessionmaker call, if any. */
  classKeyword?: string;
  /** Annotation text, if annotated. */
  annotation?: string;
  /** Name on the right side when it is a plain alias (`x = y`). */
  aliasOf?: string;
  /** The value when bound once, at module level, to a plain string literal (`API_V1 = "/api/v1"`). */
  stringValue?: string;
  /** `expire_on_commit=` of a session factory call: the literal's value, null when not a literal; absent when not given. */
  expireOnCommit?: boolean | null;
}

export interface ModuleSummary {
  path: string;
  moduleName: string;
  isPackage: boolean;
  imports: ImportBinding[];
  functions: Record<string, FunctionSummary>;
  classes: Record<string, ClassSummary>;
  variables: Record<string, VariableSummary>;
  routers: RouterSummary[];
  routes: RouteSummary[];
  includes: IncludeSummary[];
  hasSyntaxErrors: boolean;
  /** Every name bound at module level (definitions, assignments incl. tuple targets, imports, for/with targets, `global`). */
  definedNames?: string[];
  /** Module names may be created at run time: a star import, a module `__getattr__`, `globals()` / `sys.modules` tricks. */
  dynamicNames?: boolean;
  /** Static `__all__` entries, if any. */
  exports?: string[];
  /** `from m import *` statements (`local` and `name` are '*'), kept apart from `imports`. */
  starImports?: ImportBinding[];
  /** Import statements below module level (in functions, class bodies, loops): importers, not module names. */
  nestedImports?: ImportBinding[];
  /** Module paths named in strings (`via` 'string' or 'dynamic'): importers to check before deleting a module. */
  stringImports?: ImportBinding[];
}

const POSITION_KEYS = new Set(['line', 'nameStart', 'nameEnd', 'statementStart', 'statementEnd', 'start', 'end', 'outerStart']);
const positionFreeJsons = new WeakMap<object, string>();

/** The JSON of (part of) a summary without positions, cached per object (a moved definition keeps it: movePart). */
export function positionFreeJson(value: object): string {
  let json = positionFreeJsons.get(value);
  if (json === undefined) positionFreeJsons.set(value, (json = JSON.stringify(value, (key, v) => (POSITION_KEYS.has(key) ? undefined : v))));
  return json;
}

/** to is from moved: the same position-free JSON (when already computed). */
function keepPositionFreeJson(from: object, to: object): void {
  const json = positionFreeJsons.get(from);
  if (json !== undefined) positionFreeJsons.set(to, json);
}

/** Every binding through which a module reaches other modules: imports at any depth, star imports, strings. */
export function allImportBindings(summary: ModuleSummary): ImportBinding[] {
  return [...summary.imports, ...(summary.starImports ?? []), ...(summary.nestedImports ?? []), ...(summary.stringImports ?? [])];
}

/**
 * The dotted names a binding imports (`from a import b`: `a` and `a.b`; a string `"a.b.c"` names
 * `a`, `a.b` and `a.b.c`, since it may be a module or an attribute of one). Dynamic prefixes are
 * matched apart (`dynamicImportCovers`).
 */
export function importTargets(binding: ImportBinding): string[] {
  if (binding.via === 'dynamic') return [];
  const out = [binding.module];
  if (binding.name && binding.name !== '*') out.push(`${binding.module}.${binding.name}`);
  if (binding.via === 'string') {
    const parts = binding.module.split('.');
    for (let n = parts.length - 1; n >= 1; n--) out.push(parts.slice(0, n).join('.'));
  }
  return out;
}

/** Whether a dynamic `import_module(f"prefix.{…}")` binding may import moduleName. */
export function dynamicImportCovers(binding: ImportBinding, moduleName: string): boolean {
  return binding.via === 'dynamic' && moduleName.startsWith(binding.module + '.');
}

/** Resolves `from ..x import y`'s module part to an absolute dotted name. */
export function resolveRelativeModule(current: string, isPackage: boolean, relative: string): string {
  const dots = /^\.*/.exec(relative)![0].length;
  const rest = relative.slice(dots);
  if (dots === 0) return relative;
  const parts = current ? current.split('.') : [];
  // A package's own name is its directory; a module's is one level deeper.
  const drop = isPackage ? dots - 1 : dots;
  const base = parts.slice(0, Math.max(0, parts.length - drop));
  return [...base, ...(rest ? rest.split('.') : [])].join('.');
}

/** The innermost function/lambda/class containing node (its scope). */
function nearestScope(node: Node): Node | undefined {
  return TreeIndex.of(node.tree).enclosingScope(node)?.node;
}

const AWAITABLE_PRODUCERS = /\b(create_task|ensure_future|run_in_executor|run_coroutine_threadsafe|create_future|gather|wait_for|shield|to_thread)\s*\(|\b(asyncio|futures)\.(Future|Task)\s*\(/;

export function functionSummary(fn: Node, file?: SourceFile): FunctionSummary {
  const nameNode = fn.childForFieldName('name')!;
  const params = fn.childForFieldName('parameters');
  const names: string[] = [];
  const defaults: string[] = [];
  const paramAnnotations: Record<string, string> = {};
  for (const p of params ? children(params) : []) {
    // Separators keep their place (`*`, `/`); `*args` / `**kwargs` are named with their stars.
    if (p.type === 'keyword_separator' || p.type === 'positional_separator') {
      names.push(p.type === 'keyword_separator' ? '*' : '/');
      continue;
    }
    const splat = p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' ? p : p.type === 'typed_parameter' ? children(p).find((c) => c.type === 'list_splat_pattern' || c.type === 'dictionary_splat_pattern') : undefined;
    const id = splat ? children(splat).find((c) => c.type === 'identifier') : p.type === 'identifier' ? p : (p.childForFieldName('name') ?? children(p).find((c) => c.type === 'identifier'));
    if (!id) continue;
    const name = splat ? (splat.type === 'list_splat_pattern' ? '*' : '**') + id.text : id.text;
    names.push(name);
    if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') defaults.push(name);
    const type = p.type === 'typed_parameter' || p.type === 'typed_default_parameter' ? p.childForFieldName('type') : null;
    if (type) paramAnnotations[name] = type.text;
  }
  const body = fn.childForFieldName('body');
  const nodes = TreeIndex.of(fn.tree);
  // A yield of this function, not of a nested def/lambda (indexed: no JS tree walk).
  const isGenerator = !!body && nodes.descendantsOfType(body, 'yield').some((y) => nearestScope(y)?.id === fn.id);
  // Callees of `return f(...)` in this function's own scope (a sync wrapper returning a coroutine).
  const returnCalls: string[] = [];
  for (const ret of body ? nodes.descendantsOfType(body, 'return_statement') : []) {
    if (nearestScope(ret)?.id !== fn.id) continue;
    const value = ret.namedChild(0);
    if (value?.type === 'call') returnCalls.push(dottedName(value.childForFieldName('function')) ?? '');
  }
  return {
    name: nameNode.text,
    isAsync: isAsyncFunction(fn),
    line: fn.startPosition.row + 1,
    nameStart: nameNode.startIndex,
    nameEnd: nameNode.endIndex,
    params: names,
    defaults,
    isGenerator,
    returns: fn.childForFieldName('return_type')?.text,
    decorators: decoratorsOf(fn).map((d) => d.text.replace(/^@\s*/, '')),
    nameRange: file ? file.rangeOf(nameNode.startIndex, nameNode.endIndex) : undefined,
    paramAnnotations,
    returnCalls,
    createsAwaitables: body ? AWAITABLE_PRODUCERS.test(body.text) : false,
    sessionEffects: sessionEffects(fn, names, paramAnnotations, isGenerator),
  };
}

/** Identifiers bound by an assignment / for / with target (tuple and list patterns included). */
function targetNames(target: Node | null | undefined, out: Set<string>): void {
  if (!target) return;
  if (target.type === 'identifier') out.add(target.text);
  else if (['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'parenthesized_expression', 'expression_list', 'tuple', 'list', 'as_pattern_target'].includes(target.type)) {
    for (const c of children(target)) targetNames(c, out);
  }
}

const INERT_CLASS_DECORATORS = /^(dataclasses\.)?dataclass\b|^(functools\.)?total_ordering$|^(typing\.)?(final|runtime_checkable)$|^(enum\.)?unique$/;

/** Class attributes (body names + self./cls. assignments) and whether members may be dynamic. */
function classMembers(cls: Node, methods: Record<string, FunctionSummary>): { attributes: string[]; dynamicMembers: boolean; attributeSources?: Record<string, string> } {
  const names = new Set<string>();
  const sources = new Map<string, Set<string>>();
  const body = cls.childForFieldName('body');
  for (const stmt of body ? children(body) : []) {
    if (stmt.type === 'expression_statement') {
      let assign = stmt.namedChild(0);
      while (assign?.type === 'assignment' || assign?.type === 'augmented_assignment') {
        targetNames(assign.childForFieldName('left'), names);
        const right = assign.childForFieldName('right');
        assign = right?.type === 'assignment' ? right : null;
      }
    } else if (stmt.type === 'class_definition') {
      const n = stmt.childForFieldName('name');
      if (n) names.add(n.text);
    } else if (stmt.type === 'decorated_definition') {
      const n = stmt.childForFieldName('definition')?.childForFieldName('name');
      if (n) names.add(n.text);
    }
  }
  let dynamicMembers = !!(methods.__getattr__ || methods.__getattribute__);
  const text = cls.text;
  if (/\bsetattr\s*\(\s*(self|cls)\b|\b(self|cls)\.__dict__/.test(text)) dynamicMembers = true;
  const superclasses = cls.childForFieldName('superclasses');
  if (superclasses && children(superclasses).some((c) => c.type === 'keyword_argument' && c.childForFieldName('name')?.text === 'metaclass')) dynamicMembers = true;
  for (const d of decoratorsOf(cls)) {
    const name = d.text.replace(/^@\s*/, '');
    if (!INERT_CLASS_DECORATORS.test(name)) dynamicMembers = true;
  }
  if (/\b(self|cls)\s*\./.test(text)) {
    const nodes = TreeIndex.of(cls.tree);
    for (const assign of [...nodes.descendantsOfType(cls, 'assignment'), ...nodes.descendantsOfType(cls, 'augmented_assignment')]) {
      const left = assign.childForFieldName('left');
      const targets: Node[] = left && ['pattern_list', 'tuple_pattern'].includes(left.type) ? children(left) : left ? [left] : [];
      for (const t of targets) {
        const object = t.type === 'attribute' ? t.childForFieldName('object') : null;
        if (object?.type === 'identifier' && (object.text === 'self' || object.text === 'cls')) {
          const attr = t.childForFieldName('attribute')!.text;
          names.add(attr);
          const source = targets.length === 1 && object.text === 'self' ? attributeSource(assign, methods) : '?';
          (sources.get(attr) ?? sources.set(attr, new Set()).get(attr)!).add(source ?? '?');
        }
      }
    }
  }
  const attributeSources = Object.fromEntries([...sources].filter(([, set]) => set.size === 1 && !set.has('?')).map(([attr, set]) => [attr, [...set][0]]));
  return { attributes: [...names], dynamicMembers, attributeSources: Object.keys(attributeSources).length ? attributeSources : undefined };
}

/** `call:<callee>` or `type:<annotation>` for `self.x = value`, when the value says what it is. */
function attributeSource(assign: Node, methods: Record<string, FunctionSummary>): string | undefined {
  let right = assign.childForFieldName('right');
  if (right?.type === 'await') right = right.namedChild(0);
  if (right?.type === 'call') {
    const callee = dottedName(right.childForFieldName('function'));
    return callee ? `call:${callee}` : undefined;
  }
  if (right?.type !== 'identifier') return undefined;
  // `self.redis = redis`: the annotation of the method's parameter of that name.
  const scope = TreeIndex.of(assign.tree).enclosingScope(assign)?.node;
  const method = scope?.type === 'function_definition' ? methods[scope.childForFieldName('name')?.text ?? ''] : undefined;
  const annotation = method?.paramAnnotations?.[right.text];
  return annotation ? `type:${annotation}` : undefined;
}

/** The name a `type X = …` / `type X[T] = …` statement binds. */
function typeAliasName(stmt: Node): string | undefined {
  let n = stmt.namedChild(0);
  if (n?.type === 'type') n = n.namedChild(0);
  if (n?.type === 'generic_type') n = n.namedChild(0);
  return n?.type === 'identifier' ? n.text : undefined;
}

/** `type NAME` lines at column 0, for files whose `type` statements the grammar could not parse. */
const TYPE_ALIAS_LINE = /^type[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:\[|=)/gm;

/** The names a module-level statement binds (in order, maybe repeated), whether it creates names dynamically, and its `__all__` lists. */
interface StatementNames {
  names: string[];
  dynamicNames: boolean;
  exports: string[][];
}

function statementNames(stmt: Node): StatementNames {
  const found = new Set<string>();
  const out: StatementNames = { names: [], dynamicNames: false, exports: [] };
  const visit = (stmt: Node): void => {
    switch (stmt.type) {
      case 'function_definition':
      case 'class_definition': {
        const n = stmt.childForFieldName('name');
        if (n) found.add(n.text);
        if (n?.text === '__getattr__' && stmt.type === 'function_definition') out.dynamicNames = true;
        return;
      }
      case 'decorated_definition': {
        const def = stmt.childForFieldName('definition');
        if (def) visit(def);
        return;
      }
      case 'import_from_statement':
        if (children(stmt).some((c) => c.type === 'wildcard_import')) out.dynamicNames = true;
        return;
      case 'expression_statement': {
        let assign = stmt.namedChild(0);
        while (assign?.type === 'assignment' || assign?.type === 'augmented_assignment') {
          const left = assign.childForFieldName('left');
          targetNames(left, found);
          const right = assign.childForFieldName('right');
          if (left?.text === '__all__' && right && (right.type === 'list' || right.type === 'tuple')) {
            out.exports.push(children(right).map((c) => stringValue(c)).filter((v): v is string => v !== undefined));
          }
          assign = right?.type === 'assignment' ? right : null;
        }
        return;
      }
      case 'for_statement':
        targetNames(stmt.childForFieldName('left'), found);
        break;
      case 'with_statement':
        for (const alias of TreeIndex.of(stmt.tree).descendantsOfType(stmt, 'as_pattern_target')) if (nearestScope(alias) === undefined) targetNames(alias, found);
        break;
      case 'except_clause':
        for (const c of children(stmt)) if (c.type === 'as_pattern') targetNames(c.childForFieldName('alias'), found);
        break;
      case 'type_alias_statement': {
        // `type X = …` and PEP 695 `type X[T] = …` (the name is the generic_type's first identifier).
        const name = typeAliasName(stmt);
        if (name) found.add(name);
        return;
      }
    }
    // Compound statements: their blocks bind at module level too.
    for (const c of children(stmt)) {
      if (c.type === 'block' || c.type.endsWith('_clause')) for (const inner of c.type === 'block' ? children(c) : [c]) visit(inner);
    }
  };
  visit(stmt);
  out.names = [...found];
  return out;
}

/** Names bound at module level, and whether the module creates names dynamically. */
function moduleNames(file: SourceFile, summary: ModuleSummary, topLevel: TopLevelStatement[]): { definedNames: string[]; dynamicNames: boolean; exports?: string[] } {
  const names = new Set<string>();
  let dynamicNames = false;
  let exports: string[] | undefined;
  for (const b of summary.imports) names.add(b.local.split('.')[0]);
  for (const { part, facts } of topLevel) {
    if (facts) {
      for (const name of facts.names.names) names.add(name);
      if (facts.names.dynamicNames) dynamicNames = true;
      for (const list of facts.names.exports) exports = [...(exports ?? []), ...list];
    } else if (part?.function || part?.class) {
      const name = (part.function ?? part.class)!.name;
      names.add(name);
      if (name === '__getattr__' && part.function) dynamicNames = true;
    }
  }
  // Each statement's own: a scan of the whole text per keystroke would cost more than the lists.
  for (const { part, facts } of topLevel) for (const name of part ? part.globals : (facts?.globals ?? [])) names.add(name);
  if (/\bglobals\s*\(\s*\)|\bsys\.modules\b/.test(file.text)) dynamicNames = true;
  // Newer syntax the grammar may not know (PEP 695 / 696 aliases with defaults): a `type NAME` line still defines NAME.
  if (file.root.hasError && file.text.includes('type')) for (const m of file.text.matchAll(TYPE_ALIAS_LINE)) names.add(m[1]);
  for (const { part, facts } of topLevel) for (const name of part ? part.walrusNames : (facts?.walrusNames ?? [])) names.add(name);
  return { definedNames: [...names], dynamicNames, exports };
}

/** Names declared by the `global` statements in stmt. */
function globalNames(stmt: Node): string[] {
  const out: string[] = [];
  for (const g of TreeIndex.of(stmt.tree).descendantsOfType(stmt, 'global_statement')) for (const id of children(g)) if (id.type === 'identifier') out.push(id.text);
  return out;
}

/** Names bound at module level by `:=` in stmt (outside any function, lambda or class). */
function moduleWalrusNames(stmt: Node, text: string): string[] {
  // Searched within the statement only (an indexOf from its start would scan the rest of the file when there is none).
  if (!text.slice(stmt.startIndex, stmt.endIndex).includes(':=')) return [];
  const out: string[] = [];
  for (const w of TreeIndex.of(stmt.tree).descendantsOfType(stmt, 'named_expression')) {
    const n = w.childForFieldName('name');
    if (n && nearestScope(w) === undefined) out.push(n.text);
  }
  return out;
}

/** The statement types that import names. */
export const IMPORT_TYPES: readonly string[] = ['import_statement', 'import_from_statement'];

/**
 * What a top-level function or class definition contributes to its module's summary. A pure
 * function of the statement's text (positions aside), so an incremental summary reuses it, moved,
 * while an edit elsewhere leaves the statement unchanged (summarizeIncremental).
 */
export interface DefinitionPart {
  function?: FunctionSummary;
  class?: ClassSummary;
  /** Its import statements (all nested: below module level), in document order. */
  nestedImports: ImportBinding[];
  /** Names its `global` statements declare. */
  globals: string[];
  /** Names bound at module level by `:=` (in a decorator). */
  walrusNames: string[];
}

const DEFINITION_STATEMENTS = new Set(['function_definition', 'class_definition', 'decorated_definition']);

function definitionPart(stmt: Node, file: SourceFile, isPackage: boolean, summarizeMethod?: MethodSummarizer): DefinitionPart {
  const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
  const part: DefinitionPart = { nestedImports: [], globals: [], walrusNames: [] };
  if (def?.type === 'function_definition') part.function = functionSummary(def, file);
  else if (def?.type === 'class_definition') part.class = classSummary(def, file, summarizeMethod);
  const text = file.text;
  // Within the statement only (an indexOf from its start would scan the rest of the file).
  const own = text.slice(stmt.startIndex, stmt.endIndex);
  const mentions = (word: string) => own.includes(word);
  if (mentions('import')) {
    for (const imp of TreeIndex.of(stmt.tree).descendantsOfType(stmt, IMPORT_TYPES)) {
      for (const binding of importBindings(imp, file, isPackage)) if (binding.local !== '*') part.nestedImports.push({ ...binding, nested: true });
    }
  }
  if (mentions('global')) part.globals = globalNames(stmt);
  part.walrusNames = moduleWalrusNames(stmt, text);
  return part;
}

/** A top-level statement and, for a definition, its part of the summary; for any other statement, its facts. */
interface TopLevelStatement {
  stmt: Node;
  part?: DefinitionPart;
  facts?: StatementFacts;
}

function relationshipSummary(call: Node): RelationshipSummary | undefined {
  const callee = dottedName(call.childForFieldName('function'));
  if (!callee || !/(^|\.)relationship$/.test(callee)) return undefined;
  const args = call.childForFieldName('arguments');
  const first = args ? children(args).find((a) => a.type !== 'keyword_argument') : undefined;
  const target = stringValue(first) ?? (first?.type === 'identifier' ? first.text : undefined);
  const lazy = stringValue(keywordArgument(args, 'lazy'));
  const uselist = keywordArgument(args, 'uselist')?.text;
  let collection: boolean | undefined;
  if (uselist === 'False') collection = false;
  else if (uselist === 'True') collection = true;
  else if (keywordArgument(args, 'secondary')) collection = true;
  return { target, collection, lazy };
}

/** Summarises a method: stmt is its statement in the class body (decorators included), def its function_definition. */
type MethodSummarizer = (stmt: Node, def: Node) => FunctionSummary;

function classSummary(cls: Node, file?: SourceFile, summarizeMethod: MethodSummarizer = (_, def) => functionSummary(def, file)): ClassSummary {
  const name = cls.childForFieldName('name')!.text;
  const superclasses = cls.childForFieldName('superclasses');
  // A subscripted base (`AsyncBaseRepository[Model, Schema]`, `Generic[T]`) is its class.
  const bases = superclasses ? children(superclasses).filter((c) => c.type !== 'keyword_argument').map((c) => (c.type === 'subscript' ? (c.childForFieldName('value')?.text ?? c.text) : c.text).replace(/\s+/g, '')) : [];
  const methods: Record<string, FunctionSummary> = {};
  const relationships: Record<string, RelationshipSummary> = {};
  let isModel = false;
  const stringConstants: Record<string, string> = {};
  const boundTwice = new Set<string>();
  const body = cls.childForFieldName('body');
  for (const stmt of body ? children(body) : []) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition') {
      const s = summarizeMethod(stmt, def);
      methods[s.name] = s;
      continue;
    }
    if (stmt.type !== 'expression_statement') continue;
    const assign = stmt.namedChild(0);
    if (assign?.type !== 'assignment') continue;
    const left = assign.childForFieldName('left');
    if (left?.type !== 'identifier') continue;
    if (left.text === '__tablename__' || left.text === '__table__') isModel = true;
    const right = assign.childForFieldName('right');
    const literal = stringValue(right);
    if (literal !== undefined && !boundTwice.has(left.text)) stringConstants[left.text] = literal;
    else delete stringConstants[left.text];
    boundTwice.add(left.text);
    const type = assign.childForFieldName('type');
    let rel = right?.type === 'call' ? relationshipSummary(right) : undefined;
    if (rel || (type && /\bMapped\[/.test(type.text) && right?.type === 'call' && /relationship/.test(right.text))) {
      rel = rel ?? { };
      // `WriteOnlyMapped[X]` / `DynamicMapped[X]`: collections whose attribute never loads (write_only) or is a query (dynamic).
      const special = type ? /\b(WriteOnly|Dynamic)Mapped\[/.exec(type.text) : null;
      if (special) {
        rel.collection = true;
        rel.lazy ??= special[1] === 'WriteOnly' ? 'write_only' : 'dynamic';
      } else if (rel.collection === undefined && type) {
        const m = /Mapped\[\s*(?:typing\.)?(List|list|Set|set|Sequence)\b/.exec(type.text);
        if (m) rel.collection = true;
        else if (/Mapped\[/.test(type.text)) rel.collection = false;
      }
      relationships[left.text] = rel;
    }
  }
  if (bases.some((b) => /(^|\.)(Base|DeclarativeBase|Model)$/.test(b))) isModel = true;
  const nameNode = cls.childForFieldName('name')!;
  const members = classMembers(cls, methods);
  return {
    name,
    line: cls.startPosition.row + 1,
    bases,
    methods,
    relationships,
    isModel,
    nameRange: file ? file.rangeOf(nameNode.startIndex, nameNode.endIndex) : undefined,
    attributes: members.attributes,
    dynamicMembers: members.dynamicMembers,
    ...(Object.keys(stringConstants).length ? { stringConstants } : {}),
    attributeSources: members.attributeSources,
  };
}

/** The names one import statement binds (relative modules made absolute). */
export function importBindings(stmt: Node, file: SourceFile, isPackage: boolean, resolved = true): ImportBinding[] {
  const out: ImportBinding[] = [];
  const base = { line: stmt.startPosition.row + 1, statementStart: stmt.startIndex, statementEnd: stmt.endIndex };
  if (stmt.type === 'import_statement') {
    for (const item of children(stmt)) {
      if (item.type === 'dotted_name') {
        const full = item.text.replace(/\s+/g, '');
        out.push({ ...base, local: full.split('.')[0], module: full.split('.')[0] });
        // Also remember the full dotted module so `a.b.c` attribute chains resolve.
        if (full.includes('.')) out.push({ ...base, local: full, module: full });
      } else if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name')!.text.replace(/\s+/g, '');
        const alias = item.childForFieldName('alias')!.text;
        out.push({ ...base, local: alias, module: name });
      }
    }
  } else if (stmt.type === 'import_from_statement') {
    const moduleNode = stmt.childForFieldName('module_name');
    if (!moduleNode) return out;
    const written = moduleNode.text.replace(/\s+/g, '');
    const module = resolved ? resolveRelativeModule(file.moduleName, isPackage, written) : written;
    if (children(stmt).some((c) => c.type === 'wildcard_import')) return [{ ...base, local: '*', module, name: '*' }];
    for (const item of stmt.childrenForFieldName('name')) {
      if (!item) continue;
      if (item.type === 'dotted_name') out.push({ ...base, local: item.text, module, name: item.text });
      else if (item.type === 'aliased_import') {
        out.push({ ...base, local: item.childForFieldName('alias')!.text, module, name: item.childForFieldName('name')!.text });
      }
    }
  }
  return out;
}

const TYPE_CHECKING = /^(typing\.|typing_extensions\.|t\.)?TYPE_CHECKING$/;
const IDENTIFIER = '[A-Za-z_][A-Za-z0-9_]*';
/** A whole string literal that is a dotted module path, optionally `:attribute` (uvicorn / celery / entry-point style). */
const MODULE_PATH_STRING = new RegExp(`(["'])(${IDENTIFIER}(?:\\.${IDENTIFIER})*)(?::(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?\\1`, 'g');
/** `import_module(<literal>` / `__import__(<literal>`, with an f-string or a relative path and its package. */
const DOTTED_PATH = new RegExp(`^${IDENTIFIER}(\\.${IDENTIFIER})*$`);
const IMPORT_MODULE_CALL = /\b(?:import_module|__import__)\s*\(\s*(f?)(["'])([^"'\n]*)\2(?:\s*,\s*(?:package\s*=\s*)?(?:(["'])([\w.]+)\4|(__package__|__name__)))?/g;

/**
 * Module paths named in strings: `"app.services.user"`, `"app.main:app"` (uvicorn, gunicorn,
 * celery `include=[…]`, settings), `importlib.import_module(".user", "app.services")`, and the
 * literal prefix of `import_module(f"app.plugins.{name}")`. Read from the text: cheap, and a
 * match in a comment only makes "safe to delete" more careful.
 */
/** A dotted module path in a string literal (MODULE_PATH_STRING), by offsets from its statement's start. */
interface ModulePathString {
  start: number;
  end: number;
  module: string;
  name?: string;
}

function modulePathStrings(text: string): ModulePathString[] {
  const out: ModulePathString[] = [];
  for (const m of text.matchAll(MODULE_PATH_STRING)) {
    const [whole, , module, attr] = m;
    if (!module.includes('.') && attr === undefined) continue;
    out.push({ start: m.index!, end: m.index! + whole.length, module, name: attr });
  }
  return out;
}

/** The module path strings of each top-level statement (definitions included) and whether it names import_module / __import__, remembered by its text. */
const statementStrings = new StatementMemo<{ strings: ModulePathString[]; importCall: boolean }>();
const IMPORT_CALL_WORD = /import_module|__import__/;
/** A character a MODULE_PATH_STRING match may hold. */
const PATH_STRING_CHAR = /["'\w.:]/;

/**
 * Whether no match of MODULE_PATH_STRING in the whole text can span two statements: each gap
 * between them is non-empty and holds no character a match may hold (then the matches in the
 * whole text are those in each statement's).
 */
function matchesStayInStatements(text: string, statements: { start: number; end: number }[]): boolean {
  let from = 0;
  for (let k = 0; k <= statements.length; k++) {
    const to = k < statements.length ? statements[k].start : text.length;
    if (to < from || (to === from && k > 0 && k < statements.length)) return false;
    for (let i = from; i < to; i++) if (PATH_STRING_CHAR.test(text[i])) return false;
    if (k < statements.length) from = statements[k].end;
  }
  return true;
}

function stringImports(file: SourceFile, isPackage: boolean): ImportBinding[] {
  const text = file.text;
  const out: ImportBinding[] = [];
  const lineAt = (offset: number) => file.rangeOf(offset, offset).start.line + 1;
  const push = (start: number, end: number, module: string, name: string | undefined) => out.push({ local: '', module, name, line: lineAt(start), statementStart: start, statementEnd: end, via: 'string' });
  const perStatement = statementStrings.valuesOf(file, (s) => {
    const own = text.slice(s.start, s.end);
    return { strings: modulePathStrings(own), importCall: IMPORT_CALL_WORD.test(own) };
  });
  let importCall: boolean;
  if (matchesStayInStatements(text, perStatement.map((s) => s.statement))) {
    for (const { statement, value } of perStatement) for (const s of value.strings) push(statement.start + s.start, statement.start + s.end, s.module, s.name);
    // The words hold no character of a gap, so they lie within one statement.
    importCall = perStatement.some((s) => s.value.importCall);
  } else {
    for (const s of modulePathStrings(text)) push(s.start, s.end, s.module, s.name);
    importCall = IMPORT_CALL_WORD.test(text);
  }
  if (importCall) {
    for (const m of text.matchAll(IMPORT_MODULE_CALL)) {
      const [whole, fstring, , literal, , packageLiteral, packageName] = m;
      const start = m.index!;
      const base = { local: '', line: lineAt(start), statementStart: start, statementEnd: start + whole.length };
      let path = fstring ? literal.slice(0, literal.indexOf('{') < 0 ? literal.length : literal.indexOf('{')) : literal;
      if (path.startsWith('.')) {
        const anchor = packageLiteral ?? (packageName ? file.moduleName : undefined);
        if (anchor === undefined) continue;
        path = resolveRelativeModule(anchor, packageLiteral !== undefined || isPackage || packageName === '__name__', path);
      }
      if (fstring && literal.includes('{')) {
        const prefix = path.replace(/\.?[^.]*$/, '');
        if (DOTTED_PATH.test(prefix)) out.push({ ...base, module: prefix, via: 'dynamic' });
      } else if (literal.startsWith('.') && DOTTED_PATH.test(path)) {
        // Absolute literals are already found as module path strings; relative ones only here.
        out.push({ ...base, module: path, via: 'string' });
      }
    }
  }
  return out;
}

/**
 * What a module-level statement other than a definition contributes to its module's summary,
 * relative to the statement's start (offsets) and first row (lines), with import modules as
 * written (relative ones resolved when placed): a function of its text alone, so remembered by it
 * (statement-memo.ts) and placed anew on each keystroke instead of read from the tree.
 */
interface StatementFacts {
  /** Holds a function or class definition (under `if` / `try`): those are summarised from the tree when placed. */
  definesSomething: boolean;
  /** Its module-level imports, star imports included (`local` '*'), in order. */
  imports: ImportBinding[];
  /** Its module-level `name = …` bindings in order; `stringValue` is set when placed (it depends on earlier bindings). */
  variables: { variable: VariableSummary; literal?: string; topLevel: boolean }[];
  /** Its imports below module level (in a loop, a nested function…). */
  nestedImports: ImportBinding[];
  names: StatementNames;
  globals: string[];
  walrusNames: string[];
}

const statementFacts = new StatementMemo<StatementFacts>();
/** The memo's value for definitions (their parts are summarised apart) and statements not among the root's named children. */
const NO_FACTS = {} as StatementFacts;

/** The module-level statements inside stmt (itself, or those of its blocks: conditional imports and definitions still bind names), with whether they sit under `if TYPE_CHECKING:`. */
function forEachModuleLevel(stmt: Node, leaf: (stmt: Node, typeChecking: boolean) => void, typeChecking = false): void {
  switch (stmt.type) {
    case 'decorated_definition': {
      const def = stmt.childForFieldName('definition');
      if (def) leaf(def, typeChecking);
      return;
    }
    case 'if_statement': {
      // `if TYPE_CHECKING:` imports bind names for annotations but never run.
      const consequence = stmt.childForFieldName('consequence');
      const underTypeChecking = typeChecking || TYPE_CHECKING.test(stmt.childForFieldName('condition')?.text ?? '');
      for (const c of children(stmt)) if (c.type !== 'comment') forEachModuleLevel(c, leaf, c.id === consequence?.id ? underTypeChecking : typeChecking);
      return;
    }
    case 'try_statement':
    case 'with_statement':
    case 'block':
    case 'else_clause':
    case 'elif_clause':
    case 'except_clause':
    case 'finally_clause':
      // Conditional imports / definitions (`try: import x except ImportError`) still bind names.
      for (const c of children(stmt)) if (c.type !== 'comment') forEachModuleLevel(c, leaf, typeChecking);
      return;
    default:
      leaf(stmt, typeChecking);
  }
}

function statementFactsOf(stmt: Node, file: SourceFile, isPackage: boolean): StatementFacts {
  const offset = stmt.startIndex;
  const row = stmt.startPosition.row;
  const relative = (b: ImportBinding): ImportBinding => ({ ...b, line: b.line - row, statementStart: b.statementStart - offset, statementEnd: b.statementEnd - offset });
  const facts: StatementFacts = { definesSomething: false, imports: [], variables: [], nestedImports: [], names: statementNames(stmt), globals: [], walrusNames: [] };
  const moduleLevelImports = new Set<number>();
  forEachModuleLevel(stmt, (leaf, typeChecking) => {
    switch (leaf.type) {
      case 'import_statement':
      case 'import_from_statement':
        moduleLevelImports.add(leaf.startIndex);
        for (const binding of importBindings(leaf, file, isPackage, false)) {
          if (typeChecking) binding.via = 'type-checking';
          facts.imports.push(relative(binding));
        }
        return;
      case 'function_definition':
      case 'class_definition':
        facts.definesSomething = true;
        return;
      case 'expression_statement': {
        const assign = leaf.namedChild(0);
        if (assign?.type !== 'assignment') return;
        const left = assign.childForFieldName('left');
        if (left?.type !== 'identifier') return;
        const right = assign.childForFieldName('right');
        const v: VariableSummary = { name: left.text, line: leaf.startPosition.row + 1 - row };
        const type = assign.childForFieldName('type');
        if (type) v.annotation = type.text;
        if (right?.type === 'call') {
          v.callee = dottedName(right.childForFieldName('function'));
          const classKw = keywordArgument(right.childForFieldName('arguments'), 'class_');
          if (classKw) v.classKeyword = classKw.text;
          const expire = keywordArgument(right.childForFieldName('arguments'), 'expire_on_commit');
          if (expire) v.expireOnCommit = expire.text === 'True' ? true : expire.text === 'False' ? false : null;
        } else if (right && (right.type === 'identifier' || right.type === 'attribute')) {
          v.aliasOf = dottedName(right);
        }
        facts.variables.push({ variable: v, literal: stringValue(right), topLevel: leaf.id === stmt.id });
        return;
      }
    }
  });
  const text = file.text.slice(stmt.startIndex, stmt.endIndex);
  // Imports at any other depth (inside functions to dodge circular imports, in class bodies, loops).
  if (text.includes('import')) {
    for (const imp of TreeIndex.of(file.tree).descendantsOfType(stmt, IMPORT_TYPES)) {
      if (moduleLevelImports.has(imp.startIndex)) continue;
      for (const binding of importBindings(imp, file, isPackage, false)) if (binding.local !== '*') facts.nestedImports.push(relative({ ...binding, nested: true }));
    }
  }
  if (text.includes('global')) facts.globals = globalNames(stmt);
  facts.walrusNames = moduleWalrusNames(stmt, file.text);
  return facts;
}

/** An import binding of a statement's facts, at the statement's place in this version. */
function placeBinding(b: ImportBinding, offset: number, row: number, file: SourceFile, isPackage: boolean): ImportBinding {
  return { ...b, line: b.line + row, statementStart: b.statementStart + offset, statementEnd: b.statementEnd + offset, module: resolveRelativeModule(file.moduleName, isPackage, b.module) };
}

export function summarize(file: SourceFile, isPackage: boolean): ModuleSummary {
  // A summary from scratch reads every definition: index the tree in one traversal, not per statement.
  TreeIndex.of(file.tree).indexAll();
  return summarizeWithParts(file, isPackage, (stmt) => definitionPart(stmt, file, isPackage));
}

function summarizeWithParts(file: SourceFile, isPackage: boolean, partOf: (stmt: Node) => DefinitionPart): ModuleSummary {
  const nodes = children(file.root);
  const byStart = new Map(nodes.map((stmt) => [stmt.startIndex, stmt]));
  // Every other statement's facts, from the memo where its text was seen before.
  const remembered = new Map<number, StatementFacts>();
  for (const { statement, value } of statementFacts.valuesOf(file, (statement) => {
    const stmt = byStart.get(statement.start);
    return stmt && stmt.type === statement.type && !DEFINITION_STATEMENTS.has(stmt.type) ? statementFactsOf(stmt, file, isPackage) : NO_FACTS;
  })) {
    if (value !== NO_FACTS) remembered.set(statement.start, value);
  }
  const topLevel: TopLevelStatement[] = nodes.map((stmt) =>
    DEFINITION_STATEMENTS.has(stmt.type) ? { stmt, part: partOf(stmt) } : { stmt, facts: remembered.get(stmt.startIndex) ?? statementFactsOf(stmt, file, isPackage) },
  );
  const summary: ModuleSummary = {
    path: file.path,
    moduleName: file.moduleName,
    isPackage,
    imports: [],
    functions: {},
    classes: {},
    variables: {},
    routers: [],
    routes: [],
    includes: [],
    hasSyntaxErrors: file.root.hasError,
  };
  const rows = new Map<TopLevelStatement, number>();
  const rowOf = (statement: TopLevelStatement) => {
    let row = rows.get(statement);
    if (row === undefined) rows.set(statement, (row = rowAt(file, statement.stmt.startIndex)));
    return row;
  };
  for (const statement of topLevel) {
    const { stmt, part, facts } = statement;
    if (part) {
      if (part.function) summary.functions[part.function.name] = part.function;
      else if (part.class) summary.classes[part.class.name] = part.class;
      continue;
    }
    if (!facts) continue;
    for (const binding of facts.imports) {
      const placed = placeBinding(binding, stmt.startIndex, rowOf(statement), file, isPackage);
      if (placed.local === '*') (summary.starImports ??= []).push(placed);
      else summary.imports.push(placed);
    }
    for (const { variable, literal, topLevel: atModuleLevel } of facts.variables) {
      const v: VariableSummary = { ...variable, line: variable.line + rowOf(statement) };
      // A name bound twice (or conditionally to something else) is not a constant.
      if (literal !== undefined && !summary.variables[v.name] && atModuleLevel) v.stringValue = literal;
      summary.variables[v.name] = v;
    }
    if (facts.definesSomething) {
      forEachModuleLevel(stmt, (leaf) => {
        if (leaf.type === 'function_definition') {
          const s = functionSummary(leaf, file);
          summary.functions[s.name] = s;
        } else if (leaf.type === 'class_definition') {
          const s = classSummary(leaf, file);
          summary.classes[s.name] = s;
        }
      });
    }
  }
  for (const statement of topLevel) {
    const { stmt, part, facts } = statement;
    const nested = part ? part.nestedImports : (facts?.nestedImports ?? []).map((b) => placeBinding(b, stmt.startIndex, rowOf(statement), file, isPackage));
    if (nested.length) (summary.nestedImports ??= []).push(...nested);
  }
  const strings = stringImports(file, isPackage);
  if (strings.length) summary.stringImports = strings;
  const names = moduleNames(file, summary, topLevel);
  summary.definedNames = names.definedNames;
  summary.dynamicNames = names.dynamicNames;
  if (names.exports) summary.exports = names.exports;
  const routeFacts = extractRoutes(file);
  summary.routers = routeFacts.routers;
  summary.routes = routeFacts.routes;
  summary.includes = routeFacts.includes;
  return summary;
}

/** What the next summary of the same document needs from this one (and from the versions it retains: chunks.ts). */
export interface SummaryState extends ChunkedText, RetainedVersions<SummaryState> {
  readonly path: string;
  readonly moduleName: string;
  readonly isPackage: boolean;
  /** The part of each top-level definition, by its start offset. */
  readonly parts: Map<number, { chunk: Chunk; part: DefinitionPart }>;
  /** The methods of the classes summarised last time, by their statement's type and text (MethodCache). */
  readonly methods: MethodCache;
}

/**
 * Method summaries by their statement's type and text: a method's summary depends on its own
 * statement alone, positions aside, so editing one method of a large class re-summarises that
 * method and re-places the others (placeMethod).
 */
type MethodCache = Map<string, { summary: FunctionSummary; stmtStart: number }>;

/** A cached method summary at its statement's new place (key order kept). */
function placeMethod(cached: { summary: FunctionSummary; stmtStart: number }, stmt: Node, def: Node, file: SourceFile): FunctionSummary {
  const shift = stmt.startIndex - cached.stmtStart;
  const nameStart = cached.summary.nameStart + shift;
  const nameEnd = cached.summary.nameEnd + shift;
  const placed = { ...cached.summary, line: def.startPosition.row + 1, nameStart, nameEnd, nameRange: file.rangeOf(nameStart, nameEnd) };
  keepPositionFreeJson(cached.summary, placed);
  return placed;
}

export interface IncrementalSummary {
  summary: ModuleSummary;
  state: SummaryState;
  /** Top-level definitions summarised again (the others' parts were reused). */
  summarised: number;
  /** Methods of those summarised again (the others were re-placed from the method cache). */
  methodsSummarised: number;
}

/**
 * summarize(file, isPackage), reusing the parts of the top-level definitions an edit left
 * unchanged since `previous` (the state of the same document's last summary) or a version it
 * retains (chunks.ts RetainedVersions), moved by the edit. Equal to a from-scratch summary, key
 * order included (incremental-analysis.test.ts): whatever crosses definitions (imports, module
 * variables and names, routes, string imports) is assembled over the whole module from each
 * statement's facts, remembered by its text (statementFactsOf, routes.ts).
 */
export function summarizeIncremental(file: SourceFile, isPackage: boolean, previous: SummaryState | undefined): IncrementalSummary {
  const chunks = chunksOf(file);
  const reusable = new Map<number, { chunk: Chunk; part: DefinitionPart }>();
  const sameModule = (version: SummaryState) => version.path === file.path && version.moduleName === file.moduleName && version.isPackage === isPackage;
  const versions = reusableVersions(previous, file, chunks, sameModule);
  if (versions.length) {
    const { version: base, move } = versions[0];
    for (const [old, chunk] of move.unchanged) {
      const entry = base.parts.get(old.start);
      if (!entry || entry.chunk !== old) continue;
      // Chunks before the edit kept their offsets; those after it moved by the edit.
      const part = old.start < move.prefix ? entry.part : movePart(entry.part, move.offsetDelta, move.rowDelta, move.lineDelta);
      reusable.set(chunk.start, { chunk, part });
    }
  }
  const byStart = new Map(chunks.map((c) => [c.start, c]));
  const parts = new Map<number, { chunk: Chunk; part: DefinitionPart }>();
  let summarised = 0;
  const methods: MethodCache = new Map();
  let methodsSummarised = 0;
  const summarizeMethod: MethodSummarizer = (stmt, def) => {
    if (stmt.hasError) return functionSummary(def, file);
    const key = `${stmt.type}\u0000${file.text.slice(stmt.startIndex, stmt.endIndex)}`;
    let cached = methods.get(key);
    for (let i = 0; !cached && i < versions.length; i++) cached = versions[i].version.methods.get(key);
    if (cached) {
      methods.set(key, cached);
      return placeMethod(cached, stmt, def, file);
    }
    const summary = functionSummary(def, file);
    methods.set(key, { summary, stmtStart: stmt.startIndex });
    methodsSummarised++;
    return summary;
  };
  const summary = summarizeWithParts(file, isPackage, (stmt) => {
    const reused = reusable.get(stmt.startIndex);
    const chunk = byStart.get(stmt.startIndex);
    let part: DefinitionPart;
    if (reused && reused.chunk.type === stmt.type && reused.chunk.end === stmt.endIndex) part = reused.part;
    else {
      part = definitionPart(stmt, file, isPackage, summarizeMethod);
      summarised++;
    }
    if (chunk) parts.set(chunk.start, { chunk, part });
    return part;
  });
  const state: SummaryState = { text: file.text, chunks, lineStarts: file.lineStarts, path: file.path, moduleName: file.moduleName, isPackage, parts, methods, ...retainVersions(previous) };
  return { summary, state, summarised, methodsSummarised };
}

function moveRange(range: Range, lines: number): Range {
  return { start: { line: range.start.line + lines, character: range.start.character }, end: { line: range.end.line + lines, character: range.end.character } };
}

/** A part moved by `offsets` characters, `rows` tree-sitter rows and `lines` LSP lines (key order kept). */
function movePart(part: DefinitionPart, offsets: number, rows: number, lines: number): DefinitionPart {
  if (!offsets && !rows && !lines) return part;
  const moveFunction = (f: FunctionSummary): FunctionSummary => {
    const moved = { ...f, line: f.line + rows, nameStart: f.nameStart + offsets, nameEnd: f.nameEnd + offsets, nameRange: f.nameRange && moveRange(f.nameRange, lines) };
    keepPositionFreeJson(f, moved);
    return moved;
  };
  const moved: DefinitionPart = { ...part };
  if (part.function) moved.function = moveFunction(part.function);
  if (part.class) {
    const c = part.class;
    moved.class = {
      ...c,
      line: c.line + rows,
      methods: Object.fromEntries(Object.entries(c.methods).map(([name, m]) => [name, moveFunction(m)])),
      nameRange: c.nameRange && moveRange(c.nameRange, lines),
    };
    keepPositionFreeJson(c, moved.class);
  }
  moved.nestedImports = part.nestedImports.map((b) => ({ ...b, line: b.line + rows, statementStart: b.statementStart + offsets, statementEnd: b.statementEnd + offsets }));
  return moved;
}
