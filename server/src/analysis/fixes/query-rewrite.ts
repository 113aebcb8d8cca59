// The legacy `session.query(M)...` → SQLAlchemy 2.0 `select()` rewriter (spec §1.1).
//
// It edits tokens rather than regenerating text: `db.query` becomes `select` (wrapped in
// `(await db.execute(` … `))`), `.filter` becomes `.where`, and the terminal method is renamed
// or replaced. Everything else — arguments, comments, line breaks — stays byte for byte.
// A chain it cannot translate exactly gets no fix and a reason instead of a wrong rewrite.
import type { Node } from '../parser';
import type { RuleContext } from '../rule';
import type { Flavor, FunctionFacts } from '../semantics';
import { children, dottedName, unparen, walk } from '../syntax';
import type { Fix, TextEdit } from '../types';
import { needsParensForAwait } from './await';
import { ensureFromImport, importedLocalName, moduleImportLocal } from './imports';
import {
  calleeLast,
  classOf,
  joinsCollection,
  keywordArgs,
  methodChain,
  outerParens,
  positionalArgs,
  relationshipOf,
  type MethodCall,
} from './query-models';

export type QueryMode = 'await' | 'sync';

/** Query methods that carry over onto select(), with their select() name. */
const STEP_RENAMES: Record<string, string> = {
  filter: 'where',
  where: 'where',
  filter_by: 'filter_by',
  join: 'join',
  outerjoin: 'outerjoin',
  order_by: 'order_by',
  limit: 'limit',
  offset: 'offset',
  slice: 'slice',
  distinct: 'distinct',
  group_by: 'group_by',
  having: 'having',
  options: 'options',
  select_from: 'select_from',
  with_for_update: 'with_for_update',
  execution_options: 'execution_options',
  prefix_with: 'prefix_with',
  suffix_with: 'suffix_with',
  correlate: 'correlate',
};

/** Methods that end a chain by executing it (or turning it into a subquery). */
const TERMINALS = ['all', 'first', 'one', 'one_or_none', 'scalar', 'count', 'get', 'delete', 'update', 'subquery', 'scalar_subquery', 'as_scalar'];
/** Terminals whose result is a value (not a Query), so `run_sync(lambda s: ...)` can return it. */
export const VALUE_TERMINALS = ['all', 'first', 'one', 'one_or_none', 'scalar', 'count', 'get', 'delete', 'update'];

const UNSUPPORTED: Record<string, string> = {
  from_self: '`from_self()` has no `select()` equivalent (rewrite it with `.subquery()` and `aliased()`)',
  exists: '`Query.exists()` wraps the whole query in EXISTS (write `select(exists().where(...))` by hand)',
  with_entities: '`with_entities()` swaps the selected entities mid-chain (start from `select(<entities>)` instead)',
  add_columns: '`add_columns()` changes the row shape mid-chain (list the columns in `select(...)` instead)',
  add_entity: '`add_entity()` changes the row shape mid-chain (list the entities in `select(...)` instead)',
  yield_per: '`yield_per()` streams rows (with `AsyncSession` use `await db.stream(stmt)`)',
  populate_existing: '`populate_existing()` becomes `.execution_options(populate_existing=True)`',
  enable_eagerloads: '`enable_eagerloads()` has no `select()` equivalent',
  params: '`params()` binds values at execution (pass them to `execute(stmt, params)`)',
  union: 'compound queries are written `union(select(...), select(...))`',
  union_all: 'compound queries are written `union_all(select(...), select(...))`',
  intersect: 'compound queries are written `intersect(select(...), select(...))`',
  except_: 'compound queries are written `except_(select(...), select(...))`',
  with_parent: '`with_parent()` becomes `.where(with_parent(obj, Model.rel))`',
  autoflush: '`autoflush()` is a session setting in 2.0 style',
  reset_joinpoint: '`reset_joinpoint()` has no `select()` equivalent',
  select_entity_from: '`select_entity_from()` has no `select()` equivalent',
  with_polymorphic: '`Query.with_polymorphic()` becomes `select(with_polymorphic(...))`',
  statement: 'the chain reads `.statement`',
};

/** Receiver names that, with a model-looking first argument, are evidence of a session. */
const SESSION_NAMES = new Set(['db', 'session', 'db_session', 'dbsession', 'sess', 's', 'async_session', 'async_db', 'sync_session', 'orm_session', 'database_session']);

/** Column-producing helpers accepted as `query()` arguments. */
const ENTITY_CALLS = ['aliased', 'with_polymorphic'];

class Refusal extends Error {}

// Answers that depend only on the (immutable) file, shared by all fixes built for it.
const fileCaches = new WeakMap<object, Map<string, unknown>>();

function perFile<T>(file: object, key: string, compute: () => T): T {
  let cache = fileCaches.get(file);
  if (!cache) fileCaches.set(file, (cache = new Map()));
  if (!cache.has(key)) cache.set(key, compute());
  return cache.get(key) as T;
}

function refuse(reason: string): never {
  throw new Refusal(reason);
}

export interface LegacyQuery {
  /** The `X.query(...)` call. */
  head: Node;
  receiver: Node;
  queryName: Node;
  /** Offsets of the head and of the whole chain (plain numbers: node reads cross into wasm). */
  start: number;
  end: number;
  /** `methodChain(head)`, computed once (it climbs `.parent`, which descends from the root). */
  chain: ReturnType<typeof methodChain>;
}

/** `X.query(...)` calls in the file (not yet filtered by evidence). */
const headCache = new WeakMap<object, LegacyQuery[]>();

export function legacyQueryHeads(context: RuleContext): LegacyQuery[] {
  const cached = headCache.get(context.facts);
  if (cached) return cached;
  const out: LegacyQuery[] = [];
  headCache.set(context.facts, out);
  // Found from the text (`.query(`), then confirmed on the tree: cheaper than visiting every call.
  const { text, root } = context.file;
  for (const match of text.matchAll(/\.[ \t]*(query)[ \t]*\(/g)) {
    const at = match.index! + match[0].indexOf('query');
    const name = root.descendantForIndex(at, at + 5);
    const fn = name?.parent;
    const call = fn?.parent;
    if (name?.type !== 'identifier' || fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.id !== name.id) continue;
    if (call?.type !== 'call' || call.childForFieldName('function')?.id !== fn.id) continue;
    const receiver = fn.childForFieldName('object');
    if (!receiver) continue;
    // A chain with a syntax error anywhere is half-typed code: neither judged nor rewritten.
    const chain = methodChain(call);
    const top = chain.top;
    if (top.hasError) continue;
    out.push({ head: call, receiver, queryName: name, start: call.startIndex, end: top.endIndex, chain });
  }
  return out;
}

/** True when node looks like a mapped class, a column or a SQL function: `User`, `User.id`, `func.count(...)`. */
function looksLikeEntityOrColumn(context: RuleContext, node: Node | undefined): boolean {
  if (!node) return false;
  const n = unparen(node);
  if (n.type === 'identifier' || n.type === 'attribute') {
    const model = classOf(context.facts, n);
    if (model) return true;
    const parts = (dottedName(n) ?? '').split('.');
    const last = parts.at(-1) ?? '';
    if (/^[A-Z]/.test(last)) return true;
    if (parts.length >= 2 && /^[A-Z]/.test(parts.at(-2) ?? '')) return true;
    return isModelVariableName(n);
  }
  if (n.type === 'call') {
    const callee = dottedName(n.childForFieldName('function')) ?? '';
    return /(^|\.)func\./.test(callee) || ENTITY_CALLS.includes(calleeLast(n) ?? '') || /\.label$/.test(callee);
  }
  return false;
}

/** `model`, `self.model`, `user_model`: the generic-repository convention for a mapped class. */
function isModelVariableName(n: Node): boolean {
  const last = (dottedName(n) ?? '').split('.').at(-1) ?? '';
  return /^(model|[a-z_]*_model)$/.test(last);
}

/**
 * Whether `X.query(...)` is a SQLAlchemy session query, and of which flavor: the session flavor
 * when semantics knows it, else 'unknown' when the receiver is named like a session and the first
 * argument looks like a model or column; undefined when there is no such evidence.
 */
const evidenceCache = new WeakMap<LegacyQuery, { flavor: Flavor | 'unknown' } | null>();

export function sessionEvidence(context: RuleContext, q: LegacyQuery): { flavor: Flavor | 'unknown' } | undefined {
  // Heads are per FileFacts, so the answer is too (AM101 and AM102 both ask).
  let cached = evidenceCache.get(q);
  if (cached === undefined) evidenceCache.set(q, (cached = computeSessionEvidence(context, q) ?? null));
  return cached ?? undefined;
}

function computeSessionEvidence(context: RuleContext, q: LegacyQuery): { flavor: Flavor | 'unknown' } | undefined {
  const receiver = q.receiver;
  if (receiver.type !== 'identifier' && receiver.type !== 'attribute') return undefined;
  const args = q.head.childForFieldName('arguments');
  const first = args ? positionalArgs(args)[0] : undefined;
  if (!first) return undefined;
  // A receiver known to be a session is evidence enough; a session-like name needs a model-like argument.
  const flavor = context.facts.sessionFlavor(receiver);
  if (flavor) return { flavor };
  if (!looksLikeEntityOrColumn(context, first)) return undefined;
  const last = (dottedName(receiver) ?? '').split('.').at(-1) ?? '';
  return SESSION_NAMES.has(last) ? { flavor: 'unknown' } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Shapes: what a query returns (single entity → scalars; several / columns → rows) and whether
// the legacy Query would have de-duplicated it.

interface Shape {
  /** One full entity: results are read through `.scalars()`. */
  single: boolean;
  /** At least one full entity is selected (legacy Query then de-duplicates rows). */
  hasEntity: boolean;
  args: Node[];
  /** The sole argument when it is a class (for `select_from(M)`, `delete(M)`, `get(M, pk)`). */
  model?: Node;
}

type ArgKind = 'entity' | 'column' | 'unknown';

function argKind(context: RuleContext, node: Node, fn: FunctionFacts | undefined): ArgKind {
  const n = unparen(node);
  if (n.type === 'identifier' || n.type === 'attribute') {
    if (classOf(context.facts, n)) return 'entity';
    if (n.type === 'identifier') {
      const binding = fn?.locals.get(n.text);
      if (binding?.length === 1 && binding[0].value.type === 'call' && ENTITY_CALLS.includes(calleeLast(binding[0].value) ?? '')) return 'entity';
      if (binding?.length || fn?.params.has(n.text)) return isModelVariableName(n) ? 'entity' : 'unknown';
      if (/^[A-Z]/.test(n.text)) return 'entity';
      return isModelVariableName(n) ? 'entity' : 'unknown';
    }
    const object = n.childForFieldName('object')!;
    const attr = n.childForFieldName('attribute')!.text;
    const owner = classOf(context.facts, object);
    if (owner) return relationshipOf(context.facts, owner, attr) ? 'unknown' : 'column';
    if (isModelVariableName(n)) return 'entity';
    if (/^[A-Z]/.test(attr)) return 'entity';
    const ownerLast = (dottedName(object) ?? '').split('.').at(-1) ?? '';
    if (/^[A-Z]/.test(ownerLast) || object.type === 'attribute' || isModelVariableName(object)) return 'column';
    return 'unknown';
  }
  if (n.type === 'call') {
    const last = calleeLast(n) ?? '';
    if (ENTITY_CALLS.includes(last)) return 'entity';
    if (/^[A-Z]/.test(last)) return 'unknown';
    return 'column';
  }
  if (n.type === 'keyword_argument' || n.type === 'list_splat' || n.type === 'dictionary_splat') return 'unknown';
  return 'column';
}

function shapeOf(context: RuleContext, headArgs: Node, fn: FunctionFacts | undefined): Shape | { unknown: string } {
  if (keywordArgs(headArgs).length || children(headArgs).some((a) => a.type === 'list_splat')) return { unknown: 'the query() arguments are dynamic' };
  const args = positionalArgs(headArgs);
  if (!args.length) return { unknown: 'query() has no entities' };
  const kinds = args.map((a) => argKind(context, a, fn));
  const hasEntity = kinds.includes('entity');
  if (args.length === 1) {
    if (kinds[0] === 'unknown') return { unknown: `cannot tell whether \`${args[0].text}\` is a model or a column` };
    return { single: kinds[0] === 'entity', hasEntity, args, model: kinds[0] === 'entity' ? args[0] : undefined };
  }
  if (!hasEntity && kinds.includes('unknown')) return { unknown: `cannot tell whether \`${args[kinds.indexOf('unknown')].text}\` is a model or a column` };
  return { single: false, hasEntity, args };
}

const SUBQUERY_METHODS = ['in_', 'not_in', 'notin_', 'any', 'has', 'exists'];

/** Names of model-looking identifiers used in clauses (outside options()), minus the selected ones. */
function mentionsOtherEntities(context: RuleContext, steps: MethodCall[], shape: Shape): boolean {
  const own = new Set(shape.args.map((a) => unparen(a).text));
  let found = false;
  const visit = (root: Node) =>
    walk(root, (n) => {
      if (found) return false;
      const type = n.type;
      // Subqueries (`in_(...)`, `any(...)`, `has(...)`) add no FROM entries, hence no duplicates.
      if (type === 'call' && SUBQUERY_METHODS.includes(calleeLast(n) ?? '')) return false;
      // `models.Post` written module-qualified.
      if (type === 'attribute' && /^[A-Z]/.test(n.childForFieldName('attribute')?.text ?? '') && !own.has(n.text)) {
        if (classOf(context.facts, n)?.cls.isModel) found = true;
        return;
      }
      if (type !== 'identifier') return;
      // Cheap text test first: `.parent` descends from the root.
      const text = n.text;
      if (own.has(text) || !/^[A-Z]/.test(text)) return;
      const parent = n.parent!;
      // Attribute names (`.id`) and keyword names (`name=`) are not tables.
      if (parent.type === 'attribute' && parent.childForFieldName('attribute')?.id === n.id) return;
      if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.id === n.id) return;
      const model = classOf(context.facts, n);
      if (model?.cls.isModel || (!model && /^[A-Z][A-Za-z0-9]*$/.test(text) && !/^[A-Z0-9_]+$/.test(text))) found = true;
    });
  for (const step of steps) if (step.name !== 'options') visit(step.args);
  return found;
}

/**
 * `.unique()` is needed where the legacy Query would have de-duplicated (it does so whenever a
 * full entity is selected) and duplicates are possible: joins, other tables in the WHERE, several
 * entities — and always for a joined-eager-loaded collection, where 2.0 raises without it.
 */
function needsUnique(context: RuleContext, shape: Shape, steps: MethodCall[]): boolean {
  if (steps.some((s) => s.name === 'options' && joinsCollection(context.facts, s.args))) return true;
  if (!shape.hasEntity) return false;
  if (shape.args.length > 1) return true;
  if (steps.some((s) => s.name === 'join' || s.name === 'outerjoin' || s.name === 'select_from')) return true;
  return mentionsOtherEntities(context, steps, shape);
}

function checkStep(step: MethodCall): void {
  if (step.name === 'join' || step.name === 'outerjoin') {
    const positional = positionalArgs(step.args);
    if (positional.some((a) => a.type === 'string' || a.type === 'concatenated_string')) refuse(`\`.${step.name}()\` with a string relationship name is legacy-only (use the attribute, e.g. \`User.posts\`)`);
    if (positional.length > 2) refuse(`\`.${step.name}()\` with several targets is legacy-only (chain one join per target)`);
    for (const kw of keywordArgs(step.args)) {
      const name = kw.childForFieldName('name')?.text ?? '';
      if (name !== 'isouter' && name !== 'full') refuse(`\`.${step.name}(${name}=...)\` has no \`select()\` equivalent`);
    }
  }
}

/** Splits a chain into statement steps, then a terminal (or an unsupported method). */
function splitChain(calls: MethodCall[]): { steps: MethodCall[]; terminal?: MethodCall } {
  const steps: MethodCall[] = [];
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    if (STEP_RENAMES[call.name]) {
      steps.push(call);
      continue;
    }
    if (TERMINALS.includes(call.name)) return { steps, terminal: call };
    refuse(UNSUPPORTED[call.name] ?? `\`.${call.name}()\` is not a Query method the rewriter knows`);
  }
  return { steps };
}

// ---------------------------------------------------------------------------------------------
// Edit building.

interface Plan {
  edits: TextEdit[];
  imports: Set<string>;
}

class Builder {
  readonly edits: TextEdit[] = [];
  readonly importNames = new Set<string>();
  /** The function the query is written in, looked up once. */
  readonly fn: FunctionFacts | undefined;
  private readonly shadowCache = new Map<string, boolean>();
  constructor(
    readonly context: RuleContext,
    readonly near: Node,
  ) {
    this.fn = context.facts.enclosingFunction(near);
  }

  private shadowed(name: string): boolean {
    let hit = this.shadowCache.get(name);
    if (hit === undefined) {
      hit = this.context.facts.isShadowedLocally(this.near, name);
      this.shadowCache.set(name, hit);
    }
    return hit;
  }

  replace(start: number, end: number, newText: string): void {
    this.edits.push({ start, end, newText });
  }

  /** The local spelling of a sqlalchemy name (`select`, `func`…), recording the import it needs. */
  sqla(name: string): string {
    const { file, index } = this.context;
    const shadowed = this.shadowed(name);
    const existing = perFile(file, `imported:${name}`, () => importedLocalName(file, 'sqlalchemy', name));
    if (existing && !this.shadowed(existing)) return existing;
    if (!shadowed) {
      const bound = perFile(file, `bound:${name}`, () => index.resolveName(file.moduleName, name));
      if (!bound) {
        this.importNames.add(name);
        return name;
      }
      if (bound.kind === 'external' && new RegExp(`^(sqlalchemy|sqlmodel)(\\.[\\w.]+)?\\.${name}$`).test(bound.dotted)) return name;
    }
    const module = perFile(file, 'module:sqlalchemy', () => moduleImportLocal(file, 'sqlalchemy'));
    if (module && !this.shadowed(module)) return `${module}.${name}`;
    const alias = `sa_${name}`;
    if (this.shadowed(alias) || index.resolveName(file.moduleName, alias)) refuse(`the name \`${name}\` is already taken here`);
    this.importNames.add(`${name} as ${alias}`);
    return alias;
  }

  plan(): Plan {
    return { edits: this.edits, imports: this.importNames };
  }
}

function importEdit(context: RuleContext, names: Set<string>): TextEdit | undefined {
  if (!names.size) return undefined;
  // One edit for all names, so fixes needing the same names share (and de-duplicate) it.
  const order = ['select', 'func', 'delete', 'update'];
  const rank = (n: string) => order.indexOf(n.split(' ')[0]);
  const joined = [...names].sort((a, b) => rank(a) - rank(b)).join(', ');
  return perFile(context.file, `edit:${joined}`, () => ensureFromImport(context.file, 'sqlalchemy', joined));
}

/** The expression context of a chain: the node the chain's value flows into (skipping parentheses and an `await`). */
interface ChainContext {
  /** The outermost node standing for the chain's value. */
  outer: Node;
  /** An `await` already written in front of the chain (half-migrated code). */
  existingAwait?: Node;
}

function chainContext(top: Node): ChainContext {
  let outer = outerParens(top);
  let existingAwait: Node | undefined;
  if (outer.parent?.type === 'await') {
    existingAwait = outer.parent;
    outer = outerParens(existingAwait);
  }
  return { outer, existingAwait };
}

/** `await x` must be parenthesised when the value is then used as a primary (one rule for every fix). */
const usedAsPrimary = needsParensForAwait;

function valueUnused(outer: Node): boolean {
  return outer.parent?.type === 'expression_statement';
}

/** Where `await` may not go even inside `async def`: generator expressions and lambdas. */
function awaitForbidden(node: Node): string | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return undefined;
    if (p.type === 'lambda') return 'the query runs inside a lambda, where `await` is not allowed';
    if (p.type === 'generator_expression') return 'the query runs inside a generator expression, where `await` would make it an async generator';
  }
  return undefined;
}

function removeExistingAwait(b: Builder, ctx: ChainContext): void {
  if (!ctx.existingAwait) return;
  const operand = ctx.existingAwait.namedChild(0);
  if (operand) b.replace(ctx.existingAwait.startIndex, operand.startIndex, '');
}

type TerminalKind = 'all' | 'first' | 'one' | 'one_or_none' | 'iterate' | 'scalar' | 'count' | 'subquery';

interface StatementSpan {
  /** Replaces [start, headEnd) — `db.query` for a direct chain; empty (insertion) for a name. */
  start: number;
  headEnd: number;
  /** The text standing for `select` at the head (empty for a query held in a name). */
  selectText: string;
  /** End of the statement expression (after its last step). */
  end: number;
}

const SCALAR_RENAMES: Record<string, string> = { all: 'scalars().all', first: 'scalars().first', one: 'scalar_one', one_or_none: 'scalar_one_or_none' };

/**
 * Emits the edits turning `<statement>.<terminal>()` into its 2.0 execution form.
 * `receiver` is the session text, `simpleCount` the `select(func.count()).select_from(M)` form.
 */
function emitTerminal(
  b: Builder,
  span: StatementSpan,
  kind: TerminalKind,
  terminal: MethodCall | undefined,
  receiver: string,
  mode: QueryMode,
  shape: Shape,
  unique: boolean,
  ctx: ChainContext,
  simpleCount: boolean,
): void {
  const text = b.context.file.text;
  const aw = mode === 'await' ? 'await ' : '';
  const select = b.sqla('select');
  removeExistingAwait(b, ctx);
  // Replaces the terminal call with `tail`, keeping comments written between the statement and it.
  const replaceTerminal = (tail: string) => {
    const t = terminal!;
    const dotStart = t.dot?.startIndex ?? t.nameNode.startIndex;
    if (text.slice(span.end, dotStart).trim() === '') b.replace(span.end, t.call.endIndex, tail);
    else b.replace(dotStart, t.call.endIndex, tail);
  };
  const head = (prefix: string, selectText = span.selectText) => b.replace(span.start, span.headEnd, prefix + selectText);
  switch (kind) {
    case 'all':
    case 'first':
    case 'one':
    case 'one_or_none':
    case 'iterate': {
      const open = mode === 'await' ? `(await ${receiver}.execute(` : `${receiver}.execute(`;
      const close = mode === 'await' ? '))' : ')';
      // Legacy first() applied LIMIT 1 to the statement; keep that (and its cost).
      const limit = kind === 'first' ? '.limit(1)' : '';
      head(open, span.selectText && select);
      const uniquePart = unique ? 'unique().' : '';
      if (kind === 'iterate') {
        b.replace(span.end, span.end, limit + close + (unique ? '.unique()' : '') + (shape.single ? '.scalars()' : ''));
      } else {
        b.replace(span.end, span.end, limit + close);
        const name = shape.single ? SCALAR_RENAMES[kind] : kind;
        if (uniquePart || name !== kind) b.replace(terminal!.nameNode.startIndex, terminal!.nameNode.endIndex, uniquePart + name);
      }
      return;
    }
    case 'scalar': {
      const paren = mode === 'await' && usedAsPrimary(ctx.outer);
      head(`${paren ? '(' : ''}${aw}${receiver}.scalar(`, span.selectText && select);
      replaceTerminal(paren ? '))' : ')');
      return;
    }
    case 'count': {
      const paren = mode === 'await' && usedAsPrimary(ctx.outer);
      const func = b.sqla('func');
      const countSelect = `${select}(${func}.count()).select_from`;
      if (simpleCount) {
        head(`${paren ? '(' : ''}${aw}${receiver}.scalar(`, countSelect);
        replaceTerminal(paren ? '))' : ')');
      } else {
        head(`${paren ? '(' : ''}${aw}${receiver}.scalar(${countSelect}(`, span.selectText && select);
        replaceTerminal(`.subquery()))${paren ? ')' : ''}`);
      }
      return;
    }
    case 'subquery': {
      head('', span.selectText && select);
      if (terminal?.name === 'as_scalar') b.replace(terminal.nameNode.startIndex, terminal.nameNode.endIndex, 'scalar_subquery');
      return;
    }
  }
}

function renameSteps(b: Builder, steps: MethodCall[]): void {
  for (const step of steps) {
    checkStep(step);
    const renamed = STEP_RENAMES[step.name];
    if (renamed !== step.name) b.replace(step.nameNode.startIndex, step.nameNode.endIndex, renamed);
  }
}

/** Whether the chain top sits where iterating it is the only use (`for x in <chain>:`). */
function iteratedDirectly(outer: Node): boolean {
  const parent = outer.parent;
  return (parent?.type === 'for_statement' || parent?.type === 'for_in_clause') && parent.childForFieldName('right')?.id === outer.id;
}

/** A chain with no terminal used as `Column.in_(<query>)`: the Query stands for its SELECT. */
function usedAsInSubquery(outer: Node): boolean {
  const args = outer.parent;
  if (args?.type !== 'argument_list') return false;
  const call = args.parent;
  const fn = call?.childForFieldName('function');
  return fn?.type === 'attribute' && ['in_', 'not_in', 'notin_'].includes(fn.childForFieldName('attribute')?.text ?? '');
}

// ---------------------------------------------------------------------------------------------
// Entry point.

export interface RewriteResult {
  fix?: Fix;
  noFixReason?: string;
  suggestion?: Fix;
}

/** Rewrites one `X.query(...)` chain (or the query group it starts) for mode; never throws. */
export function rewriteLegacyQuery(context: RuleContext, q: LegacyQuery, mode: QueryMode): RewriteResult {
  try {
    const plan = planRewrite(context, q, mode);
    const importEdits = importEdit(context, plan.imports);
    const edits = importEdits ? [...plan.edits, importEdits] : plan.edits;
    const title = mode === 'await' ? 'Rewrite as awaited select() (SQLAlchemy 2.0)' : 'Rewrite as select() (SQLAlchemy 2.0)';
    return { fix: { title, applicability: 'safe', edits } };
  } catch (error) {
    if (error instanceof Refusal) return { noFixReason: error.message, suggestion: mode === 'await' ? runSyncSuggestion(context, q) : undefined };
    throw error;
  }
}

function planRewrite(context: RuleContext, q: LegacyQuery, mode: QueryMode): Plan {
  const b = new Builder(context, q.head);
  const receiver = q.receiver.text;
  const headArgs = q.head.childForFieldName('arguments');
  if (!headArgs || headArgs.type !== 'argument_list') refuse('query() has no argument list');
  const chain = q.chain;
  // Calls and attributes after the terminal (`.first().name`) apply to the result, not the Query.
  const { steps, terminal } = splitChain(chain.calls);
  if (!terminal && chain.danglingAttribute) refuse(`the chain reads \`.${chain.danglingAttribute.childForFieldName('attribute')?.text}\` from the Query`);
  const top = terminal ? terminal.call : (steps.at(-1)?.call ?? q.head);
  const ctx = chainContext(top);
  if (mode === 'await' && !['subquery', 'scalar_subquery', 'as_scalar'].includes(terminal?.name ?? '')) {
    const forbidden = awaitForbidden(q.head);
    if (forbidden && !(terminal === undefined && usedAsInSubquery(ctx.outer))) refuse(forbidden);
  }
  nestedQueriesFixable(context, q, mode);
  const stmtEnd = (steps.at(-1)?.call ?? q.head).endIndex;
  const span: StatementSpan = { start: q.receiver.startIndex, headEnd: q.queryName.endIndex, selectText: 'select', end: stmtEnd };

  if (!terminal) {
    if (iteratedDirectly(ctx.outer)) {
      const shape = requireShape(b, headArgs, 'iterating');
      renameSteps(b, steps);
      emitTerminal(b, span, 'iterate', undefined, receiver, mode, shape, needsUnique(context, shape, steps), ctx, false);
      return b.plan();
    }
    if (usedAsInSubquery(ctx.outer)) {
      renameSteps(b, steps);
      emitTerminal(b, span, 'subquery', undefined, receiver, mode, { single: false, hasEntity: false, args: [] }, false, ctx, false);
      return b.plan();
    }
    const name = assignedNameOf(ctx.outer);
    if (name) return planGroup(b, q, steps, name, mode);
    refuse('the Query object itself is passed on or returned (migrate its users together, then build a `select()`)');
  }

  switch (terminal.name) {
    case 'all':
    case 'first':
    case 'one':
    case 'one_or_none': {
      const shape = requireShape(b, headArgs, `\`.${terminal.name}()\``);
      renameSteps(b, steps);
      emitTerminal(b, span, terminal.name, terminal, receiver, mode, shape, needsUnique(context, shape, steps), ctx, false);
      return b.plan();
    }
    case 'scalar': {
      renameSteps(b, steps);
      emitTerminal(b, span, 'scalar', terminal, receiver, mode, { single: false, hasEntity: false, args: [] }, false, ctx, false);
      return b.plan();
    }
    case 'count': {
      const shape = shapeOf(context, headArgs, b.fn);
      // count() counted the rows of the whole query as a subquery; a plain
      // `select(func.count()).select_from(M).where(...)` counts the same only for one model and filters.
      const simple = !('unknown' in shape) && shape.single && !!shape.model && argKind(context, shape.model, b.fn) === 'entity' && steps.every((s) => ['filter', 'where', 'filter_by'].includes(s.name));
      renameSteps(b, steps);
      emitTerminal(b, span, 'count', terminal, receiver, mode, { single: false, hasEntity: false, args: [] }, false, ctx, simple);
      return b.plan();
    }
    case 'subquery':
    case 'scalar_subquery':
    case 'as_scalar':
      if (positionalArgs(terminal.args).length || keywordArgs(terminal.args).length) {
        if (terminal.name !== 'subquery') refuse(`\`.${terminal.name}()\` with arguments`);
      }
      renameSteps(b, steps);
      emitTerminal(b, span, 'subquery', terminal, receiver, mode, { single: false, hasEntity: false, args: [] }, false, ctx, false);
      return b.plan();
    case 'get':
      return planGet(b, q, steps, terminal, mode, ctx);
    case 'delete':
    case 'update':
      return planDml(b, q, steps, terminal, mode, ctx);
  }
  refuse(`\`.${terminal.name}()\` is not supported`);
}

function requireShape(b: Builder, headArgs: Node, what: string): Shape {
  const shape = shapeOf(b.context, headArgs, b.fn);
  if ('unknown' in shape) refuse(`${shape.unknown}, so the result form of ${what} (\`.scalars()\` or rows) is unknown`);
  return shape;
}

function assignedNameOf(outer: Node): Node | undefined {
  const parent = outer.parent;
  if (parent?.type !== 'assignment' || parent.childForFieldName('right')?.id !== outer.id) return undefined;
  const left = parent.childForFieldName('left');
  return left?.type === 'identifier' ? left : undefined;
}

/** Nested legacy queries inside the chain's arguments must themselves be rewritable. */
function nestedQueriesFixable(context: RuleContext, q: LegacyQuery, mode: QueryMode): void {
  const nested = legacyQueryHeads(context).filter((n) => n !== q && n.start > q.start && n.end <= q.end && n.receiver.text === q.receiver.text);
  for (const inner of nested) {
    try {
      planRewrite(context, inner, mode);
    } catch (error) {
      if (error instanceof Refusal) refuse(`it contains a legacy query that cannot be rewritten (\`${shorten(inner.head.text)}\`: ${error.message})`);
      throw error;
    }
  }
}

function shorten(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > 60 ? one.slice(0, 57) + '…' : one;
}

/** `X.query(M).get(pk)` → `await X.get(M, pk)` (options carried as `options=[...]`). */
function planGet(b: Builder, q: LegacyQuery, steps: MethodCall[], terminal: MethodCall, mode: QueryMode, ctx: ChainContext): Plan {
  const { context } = b;
  const headArgs = positionalArgs(q.head.childForFieldName('arguments')!);
  if (headArgs.length !== 1 || argKind(context, headArgs[0], b.fn) !== 'entity') refuse('`.get()` needs a single model in query()');
  if (steps.some((s) => s.name !== 'options')) refuse('`.get()` after filters or joins has no `Session.get()` equivalent');
  const pk = positionalArgs(terminal.args);
  if (pk.length !== 1 || keywordArgs(terminal.args).length) refuse('`.get()` with unexpected arguments');
  const options = steps.flatMap((s) => children(s.args));
  if (options.some((o) => o.type === 'keyword_argument')) refuse('`.options()` with keyword arguments');
  if (hasComments(terminal.call)) refuse('comments inside the chain would be lost');
  const optionsText = options.length ? `, options=[${options.map((o) => o.text).join(', ')}]` : '';
  const aw = mode === 'await' ? 'await ' : '';
  const paren = mode === 'await' && usedAsPrimary(ctx.outer);
  removeExistingAwait(b, ctx);
  b.replace(q.receiver.startIndex, terminal.call.endIndex, `${paren ? '(' : ''}${aw}${q.receiver.text}.get(${headArgs[0].text}, ${pk[0].text}${optionsText})${paren ? ')' : ''}`);
  return b.plan();
}

function hasComments(node: Node): boolean {
  if (node.type === 'comment') return true;
  return node.children.some((c) => !!c && hasComments(c));
}

/** `.filter(...).delete()` / `.update({...})` → `X.execute(delete(M).where(...))`, with `.rowcount` when the value is used. */
function planDml(b: Builder, q: LegacyQuery, steps: MethodCall[], terminal: MethodCall, mode: QueryMode, ctx: ChainContext): Plan {
  const { context } = b;
  const headArgs = positionalArgs(q.head.childForFieldName('arguments')!);
  if (headArgs.length !== 1 || argKind(context, headArgs[0], b.fn) !== 'entity') refuse(`\`.${terminal.name}()\` needs a single model in query()`);
  const bad = steps.find((s) => !['filter', 'where', 'filter_by'].includes(s.name));
  if (bad) refuse(`\`.${bad.name}()\` before a bulk \`.${terminal.name}()\` has no \`${terminal.name}()\` statement equivalent`);
  const args = children(terminal.args);
  if (args.some((a) => a.type === 'comment')) refuse('comments inside the arguments would be lost');
  const kwargs = keywordArgs(terminal.args);
  const positional = positionalArgs(terminal.args);
  let sync: string | undefined;
  for (const kw of kwargs) {
    const name = kw.childForFieldName('name')!.text;
    if (name === 'synchronize_session') sync = kw.childForFieldName('value')!.text;
    else if (name === 'values' && terminal.name === 'update' && !positional.length) positional.push(kw.childForFieldName('value')!);
    else refuse(`\`.${terminal.name}(${name}=...)\` has no statement equivalent`);
  }
  let middle = '';
  if (terminal.name === 'update') {
    if (positional.length !== 1) refuse('`.update()` needs exactly one values argument');
    middle = `.values(${positional[0].text})`;
  } else if (positional.length) refuse('`.delete()` with positional arguments');
  if (sync !== undefined) middle += `.execution_options(synchronize_session=${sync})`;
  const stmtName = b.sqla(terminal.name);
  const used = !valueUnused(ctx.outer);
  const awaitPrefix = mode === 'await' ? 'await ' : '';
  // Query.delete()/update() returned the matched row count; the statement's result carries it.
  const open = used ? (mode === 'await' ? `(await ${q.receiver.text}.execute(` : `${q.receiver.text}.execute(`) : `${awaitPrefix}${q.receiver.text}.execute(`;
  const close = used ? (mode === 'await' ? ')).rowcount' : ').rowcount') : ')';
  renameSteps(b, steps);
  removeExistingAwait(b, ctx);
  b.replace(q.receiver.startIndex, q.queryName.endIndex, open + stmtName);
  const span = (steps.at(-1)?.call ?? q.head).endIndex;
  const dotStart = terminal.dot?.startIndex ?? terminal.nameNode.startIndex;
  if (context.file.text.slice(span, dotStart).trim() === '') b.replace(span, terminal.call.endIndex, middle + close);
  else b.replace(dotStart, terminal.call.endIndex, middle + close);
  return b.plan();
}

// ---------------------------------------------------------------------------------------------
// Queries built over several statements: q = db.query(M); q = q.filter(...); return q.all()

interface GroupTerminal {
  root: Node;
  steps: MethodCall[];
  terminal?: MethodCall;
  kind: TerminalKind;
  ctx: ChainContext;
}

function planGroup(b: Builder, q: LegacyQuery, headSteps: MethodCall[], nameNode: Node, mode: QueryMode): Plan {
  const { context } = b;
  const name = nameNode.text;
  const fnFacts = b.fn;
  if (!fnFacts) refuse(`the query is stored in \`${name}\` outside a function`);
  if (fnFacts.params.has(name)) refuse(`\`${name}\` is also a parameter`);
  const headStatement = nameNode.parent!;
  const body = fnFacts.node.childForFieldName('body')!;
  const stepUses: MethodCall[][] = [];
  const terminals: GroupTerminal[] = [];
  const handled = new Set<number>([nameNode.id]);
  const line = (n: Node) => n.startPosition.row + 1;

  const occurrences: Node[] = [];
  walk(body, (n) => {
    const type = n.type;
    if (type === 'function_definition' || type === 'lambda' || type === 'class_definition') {
      let nestedUse: Node | undefined;
      walk(n, (inner) => {
        if (inner.type === 'identifier' && inner.text === name) nestedUse = inner;
        return !nestedUse;
      });
      if (nestedUse) refuse(`\`${name}\` is used in a nested function (line ${line(nestedUse)})`);
      return false;
    }
    if (type === 'identifier' && n.text === name) {
      const parent = n.parent;
      const isAttributeName = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === n.id;
      const isKeywordName = parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === n.id;
      if (!isAttributeName && !isKeywordName) occurrences.push(n);
    }
  });

  for (const occ of occurrences) {
    if (handled.has(occ.id)) continue;
    if (occ.startIndex < headStatement.startIndex) refuse(`\`${name}\` is used before the query is built (line ${line(occ)})`);
    const parent = occ.parent!;
    if (parent.type === 'assignment' && parent.childForFieldName('left')?.id === occ.id) {
      // q = q.filter(...): the right side must extend the same query.
      const right = parent.childForFieldName('right');
      const root = right ? chainRoot(unparen(right)) : undefined;
      if (!root || root.type !== 'identifier' || root.text !== name) refuse(`\`${name}\` is reassigned to something else (line ${line(occ)})`);
      const chain = methodChain(root);
      const split = splitChain(chain.calls);
      if (split.terminal || chain.danglingAttribute || chain.top.id !== unparen(right!).id) refuse(`\`${name}\` is reassigned to a query result (line ${line(occ)})`);
      stepUses.push(split.steps);
      handled.add(root.id);
      continue;
    }
    const chain = methodChain(occ);
    if (chain.danglingAttribute) refuse(`\`${name}.${chain.danglingAttribute.childForFieldName('attribute')?.text}\` reads the Query (line ${line(occ)})`);
    const split = splitChain(chain.calls);
    if (split.terminal) {
      const kind = groupTerminalKind(split.terminal);
      terminals.push({ root: occ, steps: split.steps, terminal: split.terminal, kind, ctx: chainContext(split.terminal.call) });
      continue;
    }
    const ctx = chainContext(chain.top);
    if (iteratedDirectly(ctx.outer)) {
      terminals.push({ root: occ, steps: split.steps, kind: 'iterate', ctx });
      continue;
    }
    refuse(`\`${name}\` is passed on or returned as a Query (line ${line(occ)})`);
  }
  if (!terminals.length) refuse(`the query in \`${name}\` is never executed in this function`);

  const shape = shapeOf(context, q.head.childForFieldName('arguments')!, fnFacts);
  const allSteps = [...headSteps, ...stepUses.flat(), ...terminals.flatMap((t) => t.steps)];
  for (const t of terminals) {
    if (['all', 'first', 'one', 'one_or_none', 'iterate'].includes(t.kind) && 'unknown' in shape) refuse(`${shape.unknown}, so the result form (\`.scalars()\` or rows) is unknown`);
    if (mode === 'await') {
      const forbidden = awaitForbidden(t.root);
      if (forbidden) refuse(forbidden);
    }
  }
  const knownShape: Shape = 'unknown' in shape ? { single: false, hasEntity: false, args: [] } : shape;
  const unique = !('unknown' in shape) && needsUnique(context, knownShape, allSteps);

  b.replace(q.receiver.startIndex, q.queryName.endIndex, b.sqla('select'));
  renameSteps(b, headSteps);
  for (const steps of stepUses) renameSteps(b, steps);
  for (const t of terminals) {
    renameSteps(b, t.steps);
    const span: StatementSpan = { start: t.root.startIndex, headEnd: t.root.startIndex, selectText: '', end: (t.steps.at(-1)?.call ?? t.root).endIndex };
    emitTerminal(b, span, t.kind, t.terminal, q.receiver.text, mode, knownShape, unique, t.ctx, false);
  }
  return b.plan();
}

function groupTerminalKind(terminal: MethodCall): TerminalKind {
  switch (terminal.name) {
    case 'all':
    case 'first':
    case 'one':
    case 'one_or_none':
    case 'scalar':
    case 'count':
      return terminal.name;
    case 'subquery':
    case 'scalar_subquery':
    case 'as_scalar':
      return 'subquery';
    default:
      refuse(`\`.${terminal.name}()\` on a query built across statements has no \`select()\` equivalent`);
  }
}

/** The innermost object of a call/attribute chain: `q.filter(a).order_by(b)` → `q`. */
function chainRoot(node: Node): Node {
  let n = node;
  for (;;) {
    if (n.type === 'call') n = n.childForFieldName('function')!;
    else if (n.type === 'attribute') n = n.childForFieldName('object')!;
    else return n;
  }
}

// ---------------------------------------------------------------------------------------------
// The run_sync fallback: run the original query on the AsyncSession's underlying sync Session.

function runSyncSuggestion(context: RuleContext, q: LegacyQuery): Fix | undefined {
  if (!context.facts.inAsyncFunction(q.head) || awaitForbidden(q.head)) return undefined;
  if (q.receiver.type !== 'identifier' && !(q.receiver.type === 'attribute' && q.receiver.childForFieldName('object')?.text === 'self')) return undefined;
  // The outermost legacy chain only: a nested one is covered by its outer chain's suggestion.
  for (const outer of legacyQueryHeads(context)) {
    if (outer !== q && outer.start < q.start && outer.end >= q.end && outer.receiver.text === q.receiver.text) return undefined;
  }
  // The lambda returns the first value-producing call; anything after it applies to that value.
  const valueCall = q.chain.calls.find((c) => VALUE_TERMINALS.includes(c.name));
  if (!valueCall) return undefined;
  const top = valueCall.call;
  const ctx = chainContext(top);
  const text = context.file.text;
  // Every use of the session inside the chain becomes the lambda's sync session.
  const uses: Node[] = [];
  let usesS = false;
  const visit = (n: Node) => {
    if (n.type === q.receiver.type && n.text === q.receiver.text && !(n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.id === n.id)) {
      uses.push(n);
      return;
    }
    if (n.type === 'identifier' && n.text === 's') usesS = true;
    for (const c of children(n)) visit(c);
  };
  visit(top);
  const param = usesS ? 'sync_session' : 's';
  let body = '';
  let cursor = q.receiver.startIndex;
  for (const use of uses.sort((a, b) => a.startIndex - b.startIndex)) {
    body += text.slice(cursor, use.startIndex) + param;
    cursor = use.endIndex;
  }
  body += text.slice(cursor, top.endIndex);
  const paren = usedAsPrimary(ctx.outer);
  const edits: TextEdit[] = [];
  if (ctx.existingAwait) edits.push({ start: ctx.existingAwait.startIndex, end: ctx.existingAwait.namedChild(0)!.startIndex, newText: '' });
  edits.push({ start: q.receiver.startIndex, end: top.endIndex, newText: `${paren ? '(' : ''}await ${q.receiver.text}.run_sync(lambda ${param}: ${body})${paren ? ')' : ''}` });
  return { title: `Run the legacy query through ${q.receiver.text}.run_sync()`, applicability: 'safe', edits };
}
