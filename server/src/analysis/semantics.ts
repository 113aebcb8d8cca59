// Per-file facts rules share: functions and their async-ness, what a local name holds
// (AsyncSession vs Session, async vs sync Redis), canonical dotted names through imports.
// Everything answers "unknown" (undefined) when the evidence is not there.
import { annotationType } from './annotation';
import type { AsyncMigrateConfig } from './config';
import { type Chunk, chunkIndexAt } from './chunks';
import { analysisChunksOf } from './class-members';
import type { Node } from './parser';
import type { SourceFile } from './source';
import { calledNameOffsets, children, dottedName, isAsyncFunction, isIdentifierChar, keywordArgument, walk } from './syntax';
import { TreeIndex } from './tree-index';
import { IMPORT_TYPES, importBindings, type FunctionSummary, type ImportBinding } from './summary';
import { redisClientFlavor, type ResolvedSymbol, type WorkspaceIndex } from './workspace';
import { firstIndexNotBefore, someInRange } from './sorted';

/** What a rule's outer loop is limited to (RuleContext.scoped, rule.ts). */
export interface NodeScope {
  scoped<T>(nodes: T[], startOf?: (node: T) => number): T[];
}

export type Flavor = 'async' | 'sync';

export interface ParamFacts {
  name: string;
  node: Node;
  annotation?: Node;
  defaultValue?: Node;
  /** The dependency function name in `Depends(fn)` (default or inside Annotated[...]). */
  dependsOn?: string;
}

/** What a local name was bound to inside a function. */
export interface LocalBinding {
  /** The node bound: assignment right side, or the with-item's value. */
  value: Node;
  /** True for `async with X() as name` / `name = await X()`. */
  viaAsync: boolean;
  /** The statement binding it. */
  statement: Node;
}

export interface FunctionFacts {
  node: Node;
  name: string;
  isAsync: boolean;
  /** The class the function is a method of, if any. */
  classNode?: Node;
  params: Map<string, ParamFacts>;
  locals: Map<string, LocalBinding[]>;
}

/** The class fn is directly a method of (its body holds fn, possibly decorated), if any. */
function enclosingClassOf(fn: Node): Node | undefined {
  // Each `.parent` descends from the root in web-tree-sitter: ask for each one once.
  const direct = fn.parent;
  const parent = direct?.type === 'decorated_definition' ? direct.parent : direct;
  const grand = parent?.type === 'block' ? parent.parent : null;
  return grand?.type === 'class_definition' ? grand : undefined;
}

function paramFacts(param: Node): ParamFacts | undefined {
  let nameNode: Node | undefined;
  let annotation: Node | undefined;
  let defaultValue: Node | undefined;
  switch (param.type) {
    case 'identifier':
      nameNode = param;
      break;
    case 'typed_parameter':
      nameNode = children(param).find((c) => c.type === 'identifier');
      annotation = param.childForFieldName('type') ?? undefined;
      break;
    case 'default_parameter':
      nameNode = param.childForFieldName('name') ?? undefined;
      defaultValue = param.childForFieldName('value') ?? undefined;
      break;
    case 'typed_default_parameter':
      nameNode = param.childForFieldName('name') ?? undefined;
      annotation = param.childForFieldName('type') ?? undefined;
      defaultValue = param.childForFieldName('value') ?? undefined;
      break;
    default:
      return undefined;
  }
  if (!nameNode) return undefined;
  const facts: ParamFacts = { name: nameNode.text, node: param, annotation, defaultValue };
  const dependsCall = (n: Node | undefined): string | undefined => {
    if (n?.type !== 'call') return undefined;
    const callee = dottedName(n.childForFieldName('function'));
    if (!callee || !/(^|\.)Depends$/.test(callee)) return undefined;
    const args = n.childForFieldName('arguments');
    const first = args ? (children(args).find((a) => a.type !== 'keyword_argument') ?? keywordArgument(args, 'dependency')) : undefined;
    return dottedName(first);
  };
  facts.dependsOn = dependsCall(defaultValue);
  // Only an annotation that mentions `Depends` can hold a dependency (the walk costs more than the text).
  if (!facts.dependsOn && annotation && annotation.text.includes('Depends')) {
    // Annotated[AsyncSession, Depends(get_async_db)]
    walk(annotation, (n) => {
      if (facts.dependsOn) return false;
      const dep = dependsCall(n);
      if (dep) facts.dependsOn = dep;
    });
  }
  return facts;
}

/** Name(s) bound by an assignment target / with alias (only plain identifiers are tracked). */
function boundName(target: Node | null | undefined): string | undefined {
  return target?.type === 'identifier' ? target.text : target?.type === 'attribute' && target.childForFieldName('object')?.text === 'self' ? target.text : undefined;
}

/** The canonical dotted name of a resolved symbol (`time.sleep`, `app.services.user.UserService.get`). */
function canonicalName(sym: ResolvedSymbol | undefined): string | undefined {
  if (!sym) return undefined;
  switch (sym.kind) {
    case 'external':
      return sym.dotted;
    case 'module':
      return sym.module;
    case 'function':
    case 'class':
      return `${sym.module}.${sym.name}`;
    case 'method':
      return `${sym.module}.${sym.className}.${sym.name}`;
    default:
      return undefined;
  }
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Whether the code point at text[i] (a surrogate pair read whole) is a letter, a number or `_`; false outside the text. */
function wordCharAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return isIdentifierChar(c);
  if (Number.isNaN(c)) return false;
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(i)!));
}

/** Whether the code point ending at text[i - 1] is a letter, a number or `_`. */
function wordCharBefore(text: string, i: number): boolean {
  if (i <= 0) return false;
  const c = text.charCodeAt(i - 1);
  if (c < 128) return isIdentifierChar(c);
  const low = c >= 0xdc00 && c <= 0xdfff && i >= 2 ? text.charCodeAt(i - 2) : -1;
  return wordCharAt(text, low >= 0xd800 && low <= 0xdbff ? i - 2 : i - 1);
}

/**
 * Sorted offsets where one of names is written as a whole word (no letter, number or `_` on
 * either side): the matches of `(?<![\p{L}\p{N}_])(?:a|b)(?![\p{L}\p{N}_])`, found with
 * `indexOf` (the regular expression cost a scan of the file per code point).
 */
export function wordOffsets(text: string, names: ReadonlySet<string>): number[] {
  const out: number[] = [];
  for (const name of names) {
    if (!name) continue;
    for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + 1)) {
      if (!wordCharBefore(text, i) && !wordCharAt(text, i + name.length)) out.push(i);
    }
  }
  return names.size > 1 ? out.sort((a, b) => a - b) : out;
}

export class FileFacts {
  private readonly functionCache = new Map<number, FunctionFacts>();
  /** One native traversal for every common node type, shared with the summary of the same tree. */
  readonly nodes: TreeIndex;

  /** The index as the file's own project sees it (a monorepo's `app.x` is this project's). */
  readonly index: WorkspaceIndex;

  constructor(
    readonly file: SourceFile,
    index: WorkspaceIndex,
    readonly config: AsyncMigrateConfig,
  ) {
    this.index = index.forFile(file.path);
    this.nodes = TreeIndex.of(file.tree);
  }

  get moduleName(): string {
    return this.file.moduleName;
  }

  /** Every call node in the file, in document order (collected once). */
  calls(): Node[] {
    return this.nodesOfType('call');
  }

  /**
   * Nodes of the given types, in document order (cached; do not mutate). Served by the tree's
   * TreeIndex: walking the tree from JS node by node, or one native query per type, is slow.
   */
  nodesOfType(...types: string[]): Node[] {
    return this.nodes.nodesOfType(...types);
  }

  private statements?: Chunk[];

  /**
   * `context.scoped(this.nodesOfType(type))` for an indexed type, without indexing the top-level
   * statements outside the scope (TreeIndex indexes a statement when a query meets it): in a
   * keystroke's analysis, the nodes of the edited definitions only.
   */
  scopedNodesOfType(context: NodeScope, type: string): Node[] {
    const statements = (this.statements ??= analysisChunksOf(this.file));
    // The statements starting in the scope hold (at least) every node the scope keeps.
    const candidates = context.scoped(statements, (c) => c.start);
    if (candidates.length === statements.length) return context.scoped(this.nodesOfType(type));
    return context.scoped(this.nodesOfTypeIn(type, candidates));
  }

  /** The nodes of an indexed type starting in the given chunks (sorted), in document order. */
  private nodesOfTypeIn(type: string, chunks: Chunk[]): Node[] {
    const nodes: Node[] = [];
    let from = 0;
    for (const c of chunks) {
      // Chunks sharing a line overlap by their lineEnd: never hand a node out twice.
      nodes.push(...this.nodes.nodesOfTypeStartingIn(type, Math.max(from, c.start), c.lineEnd));
      from = Math.max(from, c.lineEnd + 1);
    }
    return nodes;
  }

  /**
   * A prefilter for the calls a rule reads: false for a call whose callee cannot end with a name
   * `wanted` accepts, read from the text (syntax.ts calledNameOffsets). Only where it pays: a file
   * without syntax errors (error recovery builds calls the text does not spell) read whole (`whole`
   * false: a few statements are cheaper to read than the text).
   */
  callMayName(wanted: (name: string) => boolean, whole: boolean): (call: Node) => boolean {
    if (!whole || this.file.root.hasError) return () => true;
    const offsets = calledNameOffsets(this.file.text, wanted);
    if (!offsets) return () => true;
    return (call) => someInRange(offsets, call.startIndex, this.nodes.endIndexOf(call));
  }

  /**
   * The nodes of an indexed type in the statements (analysis chunks) whose text mentions one of
   * `names` as a whole word, in document order: a file-wide query about a few names costs a text
   * search per keystroke, not an index of the whole tree.
   */
  nodesOfTypeMentioning(type: string, names: ReadonlySet<string>): Node[] {
    if (!names.size) return [];
    const statements = (this.statements ??= analysisChunksOf(this.file));
    const mentioning: Chunk[] = [];
    for (const at of wordOffsets(this.file.text, names)) {
      const k = chunkIndexAt(statements, at);
      // Its statement is taken, or the match lies between statements (in no node).
      if (k >= statements.length || statements[k] === mentioning.at(-1) || statements[k].start > at) continue;
      mentioning.push(statements[k]);
    }
    return this.nodesOfTypeIn(type, mentioning);
  }

  /** `node.descendantsOfType(types)` without another native traversal (document order, node included). */
  descendantsOfType(node: Node, types: string | readonly string[]): Node[] {
    return this.nodes.descendantsOfType(node, types);
  }

  /** `dottedName(call.childForFieldName('function'))`, usually read from the text (cached per call). */
  calleeName(call: Node): string | undefined {
    return this.nodes.callee(call).dotted;
  }

  /** The last name of a call's callee (`f` in `a.b.f(...)` and in `x().f(...)`), cached per call. */
  calleeLastName(call: Node): string | undefined {
    return this.nodes.callee(call).last;
  }

  /** Facts for the function that directly encloses node (lambdas count as "no function"). */
  enclosingFunction(node: Node): FunctionFacts | undefined {
    const scope = this.nodes.enclosingScope(node);
    return scope?.type === 'function_definition' ? this.functionFacts(scope.node) : undefined;
  }

  /**
   * The function whose parameters and locals give `name` its value where node reads it: a lambda
   * that does not bind the name is transparent (it closes over the function's `db`).
   */
  closureFunction(node: Node, name: string): FunctionFacts | undefined {
    let scope = this.nodes.enclosingScope(node);
    while (scope?.type === 'lambda') {
      const params = scope.node.childForFieldName('parameters');
      let binds = false;
      if (params) walk(params, (n) => !(binds ||= n.type === 'identifier' && n.text === name));
      if (binds) return undefined;
      scope = this.nodes.enclosingScope(scope.node);
    }
    return scope?.type === 'function_definition' ? this.functionFacts(scope.node) : undefined;
  }

  /** True when node runs inside an `async def` body (not inside a nested def or lambda). */
  inAsyncFunction(node: Node): boolean {
    return this.enclosingFunction(node)?.isAsync ?? false;
  }

  /** The innermost function_definition, lambda or class_definition containing node. */
  private nearestScope(node: Node): Node | undefined {
    return this.nodes.enclosingScope(node)?.node;
  }

  functionFacts(fn: Node): FunctionFacts {
    let facts = this.functionCache.get(fn.id);
    if (facts) return facts;
    const params = new Map<string, ParamFacts>();
    const paramList = fn.childForFieldName('parameters');
    for (const p of paramList ? children(paramList) : []) {
      const pf = paramFacts(p);
      if (pf) params.set(pf.name, pf);
    }
    // The name, the class and the locals are computed on first use: many functions are only
    // asked about their parameters or whether they are async.
    let name: string | undefined;
    let classNode: Node | null | undefined;
    let locals: Map<string, LocalBinding[]> | undefined;
    const owner = this;
    facts = {
      node: fn,
      get name() {
        return (name ??= fn.childForFieldName('name')?.text ?? '');
      },
      isAsync: isAsyncFunction(fn),
      get classNode() {
        if (classNode === undefined) classNode = enclosingClassOf(fn) ?? null;
        return classNode ?? undefined;
      },
      params,
      get locals() {
        return (locals ??= owner.localsOf(fn));
      },
    };
    this.functionCache.set(fn.id, facts);
    return facts;
  }

  private localsOf(fn: Node): Map<string, LocalBinding[]> {
    const locals = new Map<string, LocalBinding[]>();
    const add = (name: string | undefined, binding: LocalBinding) => {
      if (!name) return;
      const list = locals.get(name) ?? [];
      list.push(binding);
      locals.set(name, list);
    };
    const body = fn.childForFieldName('body');
    if (body) {
      for (const n of this.nodes.descendantsOfType(body, ['assignment', 'with_statement'])) {
        if (this.nearestScope(n)?.id !== fn.id) continue;
        if (n.type === 'assignment') {
          let value = n.childForFieldName('right');
          if (!value) continue;
          let viaAsync = false;
          if (value.type === 'await') {
            viaAsync = true;
            value = value.namedChild(0) ?? value;
          }
          add(boundName(n.childForFieldName('left')), { value, viaAsync, statement: n });
        } else {
          const isAsync = n.firstChild?.type === 'async';
          const withBody = n.childForFieldName('body');
          for (const item of this.nodes.descendantsOfType(n, 'as_pattern')) {
            // Only the with-items themselves, not `as` patterns nested in the with body.
            if (withBody && item.startIndex >= withBody.startIndex) continue;
            const value = item.namedChild(0);
            const target = item.childForFieldName('alias');
            const name = target ? (target.namedChild(0)?.type === 'identifier' ? target.namedChild(0)!.text : boundName(target)) : undefined;
            if (value) add(name, { value, viaAsync: isAsync, statement: n });
          }
        }
      }
    }
    return locals;
  }

  private readonly localImportsByFunction = new Map<number, ImportBinding[]>();

  /**
   * Import bindings of the statements directly in fn's body (not in nested defs): a name
   * imported inside `f` is visible in `f` and the functions nested in it, not in `g`. Read from
   * fn's own statement (cached per function): a keystroke's analysis indexes only what it edits.
   */
  localImports(fn: Node): ImportBinding[] {
    let list = this.localImportsByFunction.get(fn.id);
    if (list) return list;
    list = [];
    if (this.mentionsImport(fn.startIndex, this.nodes.endIndexOf(fn)) && fn.type === 'function_definition') {
      const isPackage = /(^|\/)__init__\.pyi?$/.test(this.file.path);
      for (const stmt of this.nodes.descendantsOfType(fn, IMPORT_TYPES)) {
        if (this.nodes.enclosingScope(stmt)?.node.id !== fn.id) continue;
        list.push(...importBindings(stmt, this.file, isPackage).filter((b) => b.local !== '*'));
      }
    }
    this.localImportsByFunction.set(fn.id, list);
    return list;
  }

  /** Whether the top-level statement holding node mentions `import`, by statement start. */
  private readonly statementImports = new Map<number, boolean>();

  /**
   * False when no function around node can import a name: the top-level statement holding it
   * never says `import` (most statements; skips the walk over the enclosing functions).
   */
  private mayImportLocally(node: Node): boolean {
    // An empty node at a statement's edge may belong to the statement before.
    if (node.startIndex === this.nodes.endIndexOf(node)) return true;
    const statement = this.nodes.statementAround(node.startIndex);
    if (!statement) return false;
    let mentions = this.statementImports.get(statement.start);
    if (mentions === undefined) this.statementImports.set(statement.start, (mentions = this.mentionsImport(statement.start, statement.end)));
    return mentions;
  }

  /** Offsets of the word `import` in the file's text (read once). */
  private importWords?: number[];

  /** Whether the text in [start, end) contains the word `import`. */
  private mentionsImport(start: number, end: number): boolean {
    const at = (this.importWords ??= [...this.file.text.matchAll(/import/g)].map((m) => m.index!));
    const i = firstIndexNotBefore(at.length, (k) => at[k] < start);
    return i < at.length && at[i] < end;
  }

  /** Resolves `dotted` as written at node: through the enclosing functions' own imports, else module-level names. */
  private resolveDottedAt(node: Node | null | undefined, dotted: string): ResolvedSymbol | undefined {
    const root = dotted.split('.')[0];
    if (node && this.isShadowedLocally(node, root)) return undefined;
    if (node && this.mayImportLocally(node)) {
      for (let fn = this.enclosingFunction(node); fn; fn = this.enclosingFunction(fn.node)) {
        const imports = this.localImports(fn.node);
        if (imports.some((b) => b.local.split('.')[0] === root)) return this.index.resolveThroughImports(imports, dotted);
      }
    }
    return this.index.resolveDotted(this.moduleName, dotted);
  }

  /** Resolves an identifier/attribute chain written in this file through the workspace index. */
  resolve(expr: Node | null | undefined): ResolvedSymbol | undefined {
    const dotted = dottedName(expr);
    if (!dotted || dotted.startsWith('self.')) return undefined;
    return this.resolveDottedAt(expr, dotted);
  }

  /** `resolve(call.childForFieldName('function'))`, with the callee's name read from the text. */
  resolveCallee(call: Node): ResolvedSymbol | undefined {
    const dotted = this.calleeName(call);
    if (!dotted || dotted.startsWith('self.')) return undefined;
    // The callee sits in the call's scope: shadowing and local imports are the same for both nodes.
    return this.resolveDottedAt(call, dotted);
  }

  /** `canonical(call.childForFieldName('function'))`, with the callee's name read from the text. */
  canonicalCallee(call: Node): string | undefined {
    return canonicalName(this.resolveCallee(call));
  }

  /** Canonical dotted name of an external or workspace callee (`time.sleep`, `datetime.datetime.utcnow`). */
  canonical(expr: Node | null | undefined): string | undefined {
    return canonicalName(this.resolve(expr));
  }

  /** True when name is a parameter or local of the function enclosing node (so module-level resolution does not apply). */
  isShadowedLocally(node: Node, name: string): boolean {
    for (let fn = this.enclosingFunction(node); fn; fn = this.enclosingFunction(fn.node)) {
      if (fn.params.has(name) || fn.locals.has(name)) return true;
    }
    return false;
  }

  private annotationFlavor(annotation: Node | undefined, types: { async: string[]; sync: string[] }): Flavor | undefined {
    if (!annotation) return undefined;
    // A container of sessions / clients (`list[Session]`) is not one.
    if (annotationType(annotation.text).kind === 'container') return undefined;
    // Strip Optional[...] / Annotated[...] / X | None wrappers by looking at every name inside.
    let found: Flavor | undefined;
    walk(annotation, (n) => {
      if (found) return false;
      const dotted = n.type === 'identifier' || n.type === 'attribute' ? dottedName(n) : undefined;
      if (!dotted) return;
      const canonical = this.index.resolveDotted(this.moduleName, dotted);
      const full = canonical?.kind === 'external' ? canonical.dotted : canonical?.kind === 'class' ? `${canonical.module}.${canonical.name}` : dotted;
      // A bare configured name (`Session`) counts unless the import says it is another
      // library's class of that name (`from requests import Session`).
      const foreign = canonical?.kind === 'external' && full !== dotted && !/^(sqlalchemy|redis|aioredis)(\.|$)/.test(full);
      const matches = (t: string) => full === t || (!foreign && dotted === t) || (t.includes('.') ? full.endsWith('.' + t) : !foreign && full.endsWith('.' + t));
      if (types.async.some(matches)) found = 'async';
      else if (types.sync.some(matches)) found = 'sync';
      if (found) return false;
      if (n.type === 'attribute') return false;
    });
    return found;
  }

  private sessionAnnotationFlavor(annotation: Node | undefined): Flavor | undefined {
    const { session } = this.config;
    return this.annotationFlavor(annotation, { async: session.asyncTypes, sync: session.syncTypes });
  }

  /** Whether expr (a name like `db`, or `self.db`) holds an AsyncSession or a sync Session. */
  sessionFlavor(expr: Node, depth = 0): Flavor | undefined {
    if (depth > 4) return undefined;
    if (expr.type === 'attribute' && expr.childForFieldName('object')?.text !== 'self') return this.extensionSessionFlavor(expr);
    const name = expr.type === 'identifier' ? expr.text : expr.type === 'attribute' && expr.childForFieldName('object')?.text === 'self' ? expr.text : undefined;
    if (!name) return undefined;
    const fn = this.closureFunction(expr, name.split('.')[0]);
    if (fn) {
      const param = fn.params.get(name);
      if (param) {
        const byAnnotation = this.sessionAnnotationFlavor(param.annotation);
        if (byAnnotation) return byAnnotation;
        if (param.dependsOn) return this.sessionDependencyFlavor(param.dependsOn);
        return undefined;
      }
      const bindings = fn.locals.get(name);
      if (bindings?.length) {
        const flavors = new Set(bindings.map((b) => this.sessionValueFlavor(b, depth)));
        return flavors.size === 1 ? [...flavors][0] : undefined;
      }
      if (name.startsWith('self.') && fn.classNode) return this.selfAttributeFlavor(fn.classNode, name, (n, d) => this.sessionFlavor(n, d), depth);
    }
    return undefined;
  }

  /**
   * `db.session` of fastapi-sqlalchemy (`from fastapi_sqlalchemy import db`) or Flask-SQLAlchemy
   * (`db = SQLAlchemy(app)`): both hand out a sync `Session`.
   */
  private extensionSessionFlavor(expr: Node): Flavor | undefined {
    if (expr.childForFieldName('attribute')?.text !== 'session') return undefined;
    const object = expr.childForFieldName('object');
    if (object?.type !== 'identifier' && object?.type !== 'attribute') return undefined;
    const sym = this.resolve(object);
    if (sym?.kind === 'external') return /^fastapi_sqlalchemy(\.middleware)?\.db$/.test(sym.dotted) ? 'sync' : undefined;
    if (sym?.kind === 'variable' && sym.variable.callee) {
      const factory = this.index.resolveDotted(sym.module, sym.variable.callee);
      if (factory?.kind === 'external' && /^flask_sqlalchemy(\.extension)?\.SQLAlchemy$/.test(factory.dotted)) return 'sync';
    }
    return undefined;
  }

  private sessionValueFlavor(binding: LocalBinding, depth: number): Flavor | undefined {
    const value = binding.value;
    if (value.type === 'identifier' || value.type === 'attribute') return this.sessionFlavor(value, depth + 1);
    if (value.type !== 'call') return undefined;
    const calleeNode = value.childForFieldName('function');
    const callee = dottedName(calleeNode);
    if (!callee) return undefined;
    const sym = this.resolve(calleeNode);
    if (sym?.kind === 'variable') {
      if (sym.variableKind === 'asyncSessionFactory') return 'async';
      if (sym.variableKind === 'syncSessionFactory') return 'sync';
    }
    if (sym?.kind === 'external') {
      if (/^sqlalchemy\.ext\.asyncio\.AsyncSession$/.test(sym.dotted)) return 'async';
      if (/^sqlalchemy\.orm\.Session$/.test(sym.dotted)) return 'sync';
    }
    const last = callee.split('.').pop()!;
    const { session } = this.config;
    if (session.asyncFactories.includes(last)) return 'async';
    if (session.syncFactories.includes(last) && last !== 'sessionmaker') return 'sync';
    if (sym?.kind === 'function') {
      // A helper returning a session: trust its return annotation.
      const ret = sym.fn.returns ?? '';
      if (/AsyncSession/.test(ret)) return 'async';
      if (/\bSession\b/.test(ret)) return 'sync';
    }
    return undefined;
  }

  /**
   * The session a `Depends(dependency)` provides, from the strongest evidence there is (PRODUCT.md
   * §1.2: a declaration beats a guess from a name; what cannot be resolved is unknown). With
   * `declaredOnly`, a guess from the configured names is not enough (the caller holds an explicit
   * annotation that a guess must not overrule).
   */
  sessionDependencyFlavor(dependency: string, declaredOnly = false): Flavor | undefined {
    const evidence = this.sessionDependencyEvidence(dependency);
    return evidence && (evidence.declared || !declaredOnly) ? evidence.flavor : undefined;
  }

  /**
   * Declared: the dependency's return annotation, or a plain `def` dependency with a configured
   * sync name (a sync generator cannot close an AsyncSession). Guessed: a configured async name.
   * An unannotated `async def` with a configured sync name (`async def get_db(): yield
   * AsyncSessionLocal()` is common) and a dependency the workspace does not define (an unresolved
   * import, a library) are unknown.
   */
  private sessionDependencyEvidence(dependency: string): { flavor: Flavor; declared: boolean } | undefined {
    const sym = this.index.resolveDotted(this.moduleName, dependency);
    if (sym?.kind !== 'function' && sym?.kind !== 'method') return undefined;
    const ret = sym.fn.returns ?? '';
    if (/AsyncSession/.test(ret)) return { flavor: 'async', declared: true };
    if (/\bSession\b/.test(ret)) return { flavor: 'sync', declared: true };
    const { session } = this.config;
    const last = dependency.split('.').pop()!;
    if (session.asyncDependencies.includes(last) || last === session.asyncDependency) return { flavor: 'async', declared: false };
    if (session.syncDependencies.includes(last) && !sym.fn.isAsync) return { flavor: 'sync', declared: true };
    return undefined;
  }

  /** `self.x` in a method: look at how __init__ (or any method) assigns it. */
  private selfAttributeFlavor(classNode: Node, name: string, flavorOf: (n: Node, depth: number) => Flavor | undefined, depth: number): Flavor | undefined {
    const body = classNode.childForFieldName('body');
    const flavors = new Set<Flavor | undefined>();
    for (const stmt of body ? children(body) : []) {
      const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
      if (def?.type !== 'function_definition') continue;
      const facts = this.functionFacts(def);
      for (const binding of facts.locals.get(name) ?? []) {
        const value = binding.value;
        if (value.type === 'identifier' || value.type === 'attribute') flavors.add(flavorOf(value, depth + 1));
      }
    }
    flavors.delete(undefined);
    return flavors.size === 1 ? [...flavors][0] : undefined;
  }

  /** Whether expr holds an async or sync Redis client; 'pipeline' results are neither. */
  redisFlavor(expr: Node, depth = 0): Flavor | undefined {
    if (depth > 4) return undefined;
    const { redis } = this.config;
    if (expr.type === 'attribute') {
      const object = expr.childForFieldName('object');
      const last = expr.childForFieldName('attribute')!.text;
      if (object?.text === 'self') {
        const fn = this.enclosingFunction(expr);
        if (fn?.locals.has(expr.text)) return this.redisBindingsFlavor(fn.locals.get(expr.text)!, depth);
        if (fn?.classNode) {
          const viaInit = this.selfAttributeFlavor(fn.classNode, expr.text, (n, d) => this.redisFlavor(n, d), depth);
          if (viaInit) return viaInit;
          const viaCall = this.selfAttributeCallRedisFlavor(fn.classNode, expr.text, depth);
          if (viaCall) return viaCall;
        }
      } else {
        const sym = this.resolve(expr);
        if (sym?.kind === 'variable') return this.variableRedisFlavor(sym.variableKind);
        if (sym?.kind === 'external') return this.externalRedisFlavor(sym.dotted);
        // `cache.redis` with `cache = CacheService()` and `self.redis = aioredis.from_url(…)` there.
        const owner = object ? this.resolve(object) : undefined;
        if (owner?.kind === 'instance') {
          const viaClass = this.classAttributeRedisFlavor(owner.classModule, owner.cls.attributeSources?.[last]);
          if (viaClass) return viaClass;
        }
      }
      if (redis.asyncNames.includes(last)) return 'async';
      if (redis.syncNames.includes(last)) return 'sync';
      return undefined;
    }
    if (expr.type === 'call') {
      // `get_redis_connection("default").keys(...)`: the client is the call's result.
      const sym = this.resolve(expr.childForFieldName('function'));
      return sym?.kind === 'external' ? this.externalRedisFlavor(sym.dotted) : undefined;
    }
    if (expr.type !== 'identifier') return undefined;
    const name = expr.text;
    const fn = this.enclosingFunction(expr);
    if (fn) {
      const param = fn.params.get(name);
      if (param) {
        const byAnnotation = this.annotationFlavor(param.annotation, { async: redis.asyncAnnotations, sync: ['redis.Redis', 'redis.client.Redis', 'redis.StrictRedis'] });
        if (byAnnotation) return byAnnotation;
        if (param.dependsOn) {
          const provider = this.index.resolveDotted(this.moduleName, param.dependsOn);
          const byDefinition = provider?.kind === 'function' || provider?.kind === 'method' ? this.redisFactoryFlavor(provider.module, provider.fn, 'depends') : 'name';
          if (byDefinition !== 'name') return byDefinition;
          const dep = param.dependsOn.split('.').pop()!;
          if (redis.asyncDependencies.includes(dep)) return 'async';
          if (redis.syncDependencies.includes(dep)) return 'sync';
        }
        if (redis.asyncNames.includes(name)) return 'async';
        if (redis.syncNames.includes(name)) return 'sync';
        return undefined;
      }
      const bindings = fn.locals.get(name);
      if (bindings?.length) return this.redisBindingsFlavor(bindings, depth);
    }
    const sym = this.index.resolveName(this.moduleName, name);
    if (sym?.kind === 'variable') {
      const flavor = this.variableRedisFlavor(sym.variableKind);
      if (flavor) return flavor;
    }
    if (redis.asyncNames.includes(name)) return 'async';
    if (redis.syncNames.includes(name)) return 'sync';
    return undefined;
  }

  /** The client a class attribute holds, from its summarised source (`call:…` / `type:…`). */
  private classAttributeRedisFlavor(module: string, source: string | undefined): Flavor | undefined {
    if (!source) return undefined;
    const { redis } = this.config;
    const text = source.slice(source.indexOf(':') + 1);
    if (source.startsWith('type:')) {
      const sym = this.index.resolveDotted(module, text.replace(/^["']|["']$/g, ''));
      const dotted = sym?.kind === 'external' ? sym.dotted : text;
      if (redis.asyncAnnotations.some((a) => dotted === a || dotted.endsWith('.' + a) || a.endsWith('.' + dotted))) return 'async';
      return undefined;
    }
    const sym = this.index.resolveDotted(module, text);
    if (sym?.kind === 'external') return this.externalRedisFlavor(sym.dotted);
    if (sym?.kind === 'variable') return this.variableRedisFlavor(sym.variableKind);
    return undefined;
  }

  /** `self.redis = redis.asyncio.from_url(...)` in any method (usually __init__): the client it creates. */
  private selfAttributeCallRedisFlavor(classNode: Node, name: string, depth: number): Flavor | undefined {
    const body = classNode.childForFieldName('body');
    const bindings: LocalBinding[] = [];
    for (const stmt of body ? children(body) : []) {
      const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
      if (def?.type !== 'function_definition') continue;
      for (const binding of this.functionFacts(def).locals.get(name) ?? []) if (binding.value.type === 'call') bindings.push(binding);
    }
    return bindings.length ? this.redisBindingsFlavor(bindings, depth) : undefined;
  }

  private redisBindingsFlavor(bindings: LocalBinding[], depth: number): Flavor | undefined {
    const flavors = new Set(
      bindings.map((b) => {
        const v = b.value;
        if (v.type === 'identifier' || v.type === 'attribute') return this.redisFlavor(v, depth + 1);
        if (v.type !== 'call') return undefined;
        const calleeNode = v.childForFieldName('function');
        const callee = dottedName(calleeNode);
        if (!callee) return undefined;
        if (/\.pipeline$/.test(callee)) return undefined;
        const sym = this.resolve(calleeNode);
        if (sym?.kind === 'external') return this.externalRedisFlavor(sym.dotted);
        if (sym?.kind === 'function' || sym?.kind === 'method') {
          const byDefinition = this.redisFactoryFlavor(sym.module, sym.fn, b.viaAsync ? 'await' : 'call');
          if (byDefinition !== 'name') return byDefinition;
        }
        const last = callee.split('.').pop()!;
        if (this.config.redis.asyncDependencies.includes(last)) return 'async';
        if (this.config.redis.syncDependencies.includes(last)) return 'sync';
        return undefined;
      }),
    );
    return flavors.size === 1 ? [...flavors][0] : undefined;
  }

  /**
   * The client a workspace factory's result holds, from its definition (evidence before the name,
   * PRODUCT.md §1.3): a return annotation naming a Redis client (a workspace class or anything else
   * is no client), else every `return <constructor>(...)` creating one. An `async def` hands its
   * client out only when awaited (FastAPI awaits a dependency). 'name' when the definition says nothing, so the configured names
   * decide — except a sync name on an `async def` (`async def get_redis_client()`), which is unknown.
   */
  private redisFactoryFlavor(module: string, fn: FunctionSummary, use: 'call' | 'await' | 'depends'): Flavor | undefined | 'name' {
    // A called generator, or an `async def` called without `await`, hands out no client.
    if (use !== 'depends' && (fn.isGenerator || (fn.isAsync && use === 'call'))) return undefined;
    if (fn.returns) {
      // A dependency that yields provides what it yields (`AsyncIterator[Redis]`).
      const type = annotationType(fn.returns, { yields: fn.isGenerator });
      if (type.kind !== 'instance') return undefined;
      const sym = this.index.resolveDotted(module, type.name);
      const dotted = sym?.kind === 'external' ? sym.dotted : type.name;
      if (this.config.redis.asyncAnnotations.includes(dotted)) return 'async';
      // A name that resolves to nothing says nothing: the body and the names decide.
      if (sym) return redisClientFlavor(dotted);
    }
    const returned = new Set(
      (fn.returnCalls ?? []).map((callee) => {
        const sym = callee ? this.index.resolveDotted(module, callee) : undefined;
        return sym?.kind === 'external' ? redisClientFlavor(sym.dotted) : sym?.kind === 'variable' ? this.variableRedisFlavor(sym.variableKind) : undefined;
      }),
    );
    if (returned.size === 1 && !returned.has(undefined)) return [...returned][0];
    if (fn.isAsync && this.config.redis.syncDependencies.includes(fn.name)) return undefined;
    return 'name';
  }

  private variableRedisFlavor(kind: string): Flavor | undefined {
    return kind === 'asyncRedis' ? 'async' : kind === 'syncRedis' ? 'sync' : undefined;
  }

  private externalRedisFlavor(dotted: string): Flavor | undefined {
    return redisClientFlavor(dotted);
  }
}
