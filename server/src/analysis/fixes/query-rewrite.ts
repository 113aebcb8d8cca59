// The legacy `session.query(M)...` → SQLAlchemy 2.0 `select()` rewriter (spec §1.1).
//
// It edits tokens rather than regenerating text: `db.query` becomes `select` (wrapped in
// `(await db.execute(` … `))`), `.filter` becomes `.where`, and the terminal method is renamed
// or replaced. Everything else — arguments, comments, line breaks — stays byte for byte.
// A chain it cannot translate exactly gets no fix and a reason instead of a wrong rewrite.
import { type Chunk, chunkIndexAt, chunksOf } from '../chunks';
import { analysisChunksOf } from '../class-members';
import type { Node } from '../parser';
import type { RuleContext } from '../rule';
import type { Flavor, FunctionFacts } from '../semantics';
import { decoratorsPreserve, isLocalName, resolveCall, resolveExpression } from '../callee';
import { children, decoratorsOf, dottedName, isAsyncFunction, isBlank, keywordArgument, unparen, walk } from '../syntax';
import { inErrorRegion } from '../source';
import { TreeIndex } from '../tree-index';
import type { ImportBinding } from '../summary';
import type { Fix, TextEdit } from '../types';
import { isAwaitedExpr, makeAsyncEdits, needsParensForAwait } from './await';
import { awaitBlocker, awaitEdits } from './awaiting';
import { ensureFromImport, importedLocalName, moduleImportLocal } from './imports';
import { MAX_OTHER_FILES, groupByFile, otherFileContext, otherFileParsingWorse } from './other-files';
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
import { firstIndexNotBefore } from '../sorted';

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
const TERMINALS = ['all', 'first', 'one', 'one_or_none', 'scalar', 'count', 'get', 'delete', 'update', 'subquery', 'scalar_subquery', 'as_scalar', 'exists'];
/** Terminals that turn the Query into an SQL expression (nothing runs, so nothing is awaited). */
const EXPRESSION_TERMINALS = ['subquery', 'scalar_subquery', 'as_scalar', 'exists'];
/** Terminals whose result is a value (not a Query), so `run_sync(lambda s: ...)` can return it. */
export const VALUE_TERMINALS = ['all', 'first', 'one', 'one_or_none', 'scalar', 'count', 'get', 'delete', 'update'];

const UNSUPPORTED: Record<string, string> = {
  from_self: '`from_self()` on a query built across statements (rewrite it with `.subquery()` and `aliased()`)',
  with_entities: '`with_entities()` on a query built across statements swaps its entities after the fact (start from `select(<entities>)` instead)',
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

/**
 * `X.query(...)` calls in the file (not yet filtered by evidence), found from the text (`.query(`,
 * cheap) and confirmed on the tree one candidate at a time, when a rule asks for its range: a
 * keystroke re-analyses one definition and confirms only its candidates.
 */
interface HeadCandidates {
  /** Offsets of the `query` names, in order. */
  at: number[];
  /** The confirmed head per candidate (null: not a query call), filled when first asked. */
  heads: (LegacyQuery | null | undefined)[];
}

const headCache = new WeakMap<object, HeadCandidates>();

function headCandidates(context: RuleContext): HeadCandidates {
  let cached = headCache.get(context.facts);
  if (!cached) {
    const at: number[] = [];
    for (const match of context.file.text.matchAll(/\.[ \t]*(query)[ \t]*\(/g)) at.push(match.index! + match[0].indexOf('query'));
    headCache.set(context.facts, (cached = { at, heads: new Array(at.length) }));
  }
  return cached;
}

function confirmHead(context: RuleContext, at: number): LegacyQuery | null {
  const name = context.file.root.descendantForIndex(at, at + 5);
  const fn = name?.parent;
  const call = fn?.parent;
  if (name?.type !== 'identifier' || fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.id !== name.id) return null;
  if (call?.type !== 'call' || call.childForFieldName('function')?.id !== fn.id) return null;
  const receiver = fn.childForFieldName('object');
  if (!receiver) return null;
  // A chain with a syntax error anywhere is half-typed code: neither judged nor rewritten.
  const chain = methodChain(call);
  const top = chain.top;
  if (top.hasError) return null;
  return { head: call, receiver, queryName: name, start: call.startIndex, end: top.endIndex, chain };
}

function headsOf(context: RuleContext, candidates: HeadCandidates, indexes: Iterable<number>): LegacyQuery[] {
  const out: LegacyQuery[] = [];
  for (const i of indexes) {
    let head = candidates.heads[i];
    if (head === undefined) head = candidates.heads[i] = confirmHead(context, candidates.at[i]);
    if (head) out.push(head);
  }
  return out;
}

function firstAtOrAfter(sorted: number[], offset: number): number {
  return firstIndexNotBefore(sorted.length, (i) => sorted[i] < offset);
}

function* indexRange(from: number, to: number): Iterable<number> {
  for (let i = from; i < to; i++) yield i;
}

/** Every `X.query(...)` head of the file. */
export function legacyQueryHeads(context: RuleContext): LegacyQuery[] {
  const candidates = headCandidates(context);
  return headsOf(context, candidates, indexRange(0, candidates.at.length));
}

/** The heads whose `query` name lies in [start, end) (every head inside a node's range among them). */
export function legacyQueryHeadsBetween(context: RuleContext, start: number, end: number): LegacyQuery[] {
  const candidates = headCandidates(context);
  return headsOf(context, candidates, indexRange(firstAtOrAfter(candidates.at, start), firstAtOrAfter(candidates.at, end)));
}

/** Whether a chunk is a plain (not `async`) `def`, decorated or not; read when first asked. */
const plainDefCache = new WeakMap<Chunk, boolean>();

/** The module's top-level statements (cached per tree by chunksOf). */
function topLevelStatements(context: RuleContext): Chunk[] {
  return chunksOf(context.file);
}

/** The top-level statement holding offset, if any. */
function topLevelStatementAt(context: RuleContext, offset: number): Chunk | undefined {
  return statementAt(topLevelStatements(context), offset);
}

/** The chunk holding offset, if any. */
function statementAt(chunks: Chunk[], offset: number): Chunk | undefined {
  let i = chunkIndexAt(chunks, offset);
  // Statements sharing a line (`a = 1; b = db.query(M)`): the one whose text holds offset.
  while (i < chunks.length && chunks[i].end <= offset) i++;
  return i < chunks.length && chunks[i].start <= offset ? chunks[i] : undefined;
}

function isPlainDef(context: RuleContext, chunk: Chunk | undefined): boolean {
  if (!chunk || (chunk.type !== 'function_definition' && chunk.type !== 'decorated_definition')) return false;
  let plain = plainDefCache.get(chunk);
  if (plain === undefined) {
    // No child of a definition spans all of it: this is the statement's own node.
    const statement = context.file.root.descendantForIndex(chunk.start, chunk.end);
    const def = statement?.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    plainDefCache.set(chunk, (plain = def?.type === 'function_definition' && !isAsyncFunction(def)));
  }
  return plain;
}

/**
 * The heads a definition-local rule looks at (RuleContext.scoped): those starting in its scope.
 * Candidates are narrowed by the start of their top-level statement first (a head starts in the
 * scope only if its statement does: a head's statement starts at or before it on the same chunk
 * or line), so only those are confirmed on the tree.
 */
export function scopedLegacyQueryHeads(context: RuleContext): LegacyQuery[] {
  const candidates = headCandidates(context);
  const indexes = candidates.at.map((_, i) => i);
  // The unit of the scope is the incremental analysis's chunk (a class's members are chunks of their own).
  const statementStart = (i: number) => statementAt(analysisChunksOf(context.file), candidates.at[i])?.start ?? candidates.at[i];
  return context.scoped(headsOf(context, candidates, context.scoped(indexes, statementStart)), (q) => q.start);
}

/** The heads inside the module's top-level plain `def`s (where a rewrite may read callers). */
export function legacyQueryHeadsInPlainDefs(context: RuleContext): LegacyQuery[] {
  const candidates = headCandidates(context);
  const indexes = candidates.at.map((_, i) => i).filter((i) => isPlainDef(context, topLevelStatementAt(context, candidates.at[i])));
  return headsOf(context, candidates, indexes);
}

/**
 * Whether rewriting q may read the callers of its function, in other top-level definitions: a
 * Query returned from a helper (its callers execute it) and, with `makesAsync`, a plain `def`
 * made async (its callers await it; `makesAsync` is asked only for a query in such a `def`).
 * Both need q directly in a module-level plain `def`, and a returned Query has no terminal call.
 * Decided from q's own definition, so a rule reports these findings from its file-wide part (an
 * edit in a caller changes them) and the others per definition (incremental.ts reuses them).
 */
export function rewriteMayReadCallers(context: RuleContext, q: LegacyQuery, makesAsync: () => boolean): boolean {
  if (!isPlainDef(context, topLevelStatementAt(context, q.start))) return false;
  return !q.chain.calls.some((c) => TERMINALS.includes(c.name)) || makesAsync();
}

/**
 * A query in a lambda written inside `async def` (`key=lambda u: db.query(...)`) on the async
 * function's session: the lambda runs synchronously, but the session is the async function's —
 * AM101's case (refused), not AM102's. A session that is the lambda's own parameter
 * (`db.run_sync(lambda s: s.query(...))`) is a sync session.
 */
export function inLambdaOfAsyncFunction(q: LegacyQuery): boolean {
  return inLambdaOfAsyncFunctionNode(q.head, (dottedName(q.receiver) ?? '').split('.')[0]);
}

function inLambdaOfAsyncFunctionNode(node: Node, root = ''): boolean {
  // Most nodes are in no lambda: told from offsets, before any `.parent` (each descends from the
  // root). A lambda cannot hold a class, so only an innermost lambda can lead to `true`.
  if (TreeIndex.of(node.tree).enclosingScope(node)?.type !== 'lambda') return false;
  let lambda = false;
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'lambda') {
      const params = p.childForFieldName('parameters');
      if (params && walkFind(params, (n) => n.type === 'identifier' && n.text === root)) return false;
      lambda = true;
    } else if (p.type === 'function_definition') return lambda && isAsyncFunction(p);
  }
  return false;
}

function walkFind(node: Node, test: (n: Node) => boolean): boolean {
  let found = false;
  walk(node, (n) => {
    if (found || test(n)) found = true;
    return !found;
  });
  return found;
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
  // Error recovery is not trusted to lex names whole: a file with syntax errors is always walked.
  const prefilter = !context.file.root.hasError;
  for (const step of steps) if (step.name !== 'options' && (!prefilter || mayNameOtherEntity(step.args.text, own))) visit(step.args);
  return found;
}

/**
 * False only when mentionsOtherEntities' walk cannot find anything in text (read before any
 * node is): every capitalised name in it is one of the selected entities or a constant
 * (`True`, `False`, `None`) and none follows a `.` (the walk would judge the whole attribute).
 * Names are read as runs of ASCII identifier characters; a run touching any other character
 * (part of a longer Unicode name, or after a zero-width blank) and a comment (it could hide a
 * `.` before a name) make the text walked.
 */
function mayNameOtherEntity(text: string, own: ReadonlySet<string>): boolean {
  if (text.includes('#')) return true;
  for (const match of text.matchAll(/[A-Za-z0-9_]+/g)) {
    const name = match[0];
    const c = name.charCodeAt(0);
    if (c < 65 || c > 90) continue;
    const start = match.index!;
    if (text.charCodeAt(start - 1) > 127 || text.charCodeAt(start + name.length) > 127) return true;
    let k = start - 1;
    while (k >= 0 && isBlank(text.charCodeAt(k))) k--;
    if (text[k] === '.') return true;
    if (!own.has(name) && name !== 'True' && name !== 'False' && name !== 'None') return true;
  }
  return false;
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

/**
 * `.unique()` before `scalar_one_or_none()`: the legacy `one()` behind `Query.scalar()` de-duplicated
 * entity rows first, so a join that repeats one entity returned it instead of raising.
 */
function scalarNeedsUnique(context: RuleContext, shape: Shape | { unknown: string }, steps: MethodCall[], headArgs: Node): boolean {
  if (!('unknown' in shape)) return needsUnique(context, shape, steps);
  // An unknown argument only matters where rows could repeat an entity.
  const args = positionalArgs(headArgs);
  const assumeEntity: Shape = { single: args.length === 1, hasEntity: true, args };
  if (needsUnique(context, assumeEntity, steps)) refuse(`${shape.unknown}, so whether the legacy \`.scalar()\` de-duplicated rows is unknown`);
  return false;
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

interface SplitChain {
  steps: MethodCall[];
  terminal?: MethodCall;
  /** `.with_entities(A, B)`: the entities `select()` starts from instead of `query()`'s. */
  projection?: MethodCall;
}

/**
 * Splits a chain into statement steps, then a terminal (or an unsupported method). A
 * `with_entities()` is accepted only where the caller can move its entities into `select()`.
 */
function splitChain(calls: MethodCall[], allowProjection = false): SplitChain {
  const steps: MethodCall[] = [];
  let projection: MethodCall | undefined;
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    if (STEP_RENAMES[call.name]) {
      steps.push(call);
      continue;
    }
    if (call.name === 'with_entities' && allowProjection) {
      checkProjection(call, steps, projection);
      projection = call;
      continue;
    }
    if (TERMINALS.includes(call.name)) return { steps, terminal: call, projection };
    refuse(UNSUPPORTED[call.name] ?? `\`.${call.name}()\` is not a Query method the rewriter knows`);
  }
  return { steps, projection };
}

/**
 * `with_entities()` replaces the selected entities and keeps criteria, order and paging, which is
 * `select(<entities>)` with the same steps — except for steps resolved against the replaced
 * entities: joins (their left side), `select_from`, loader options and `filter_by`.
 */
function checkProjection(call: MethodCall, before: MethodCall[], previous: MethodCall | undefined): void {
  if (previous) refuse('`with_entities()` twice in one chain');
  const bound = before.find((s) => ['join', 'outerjoin', 'select_from', 'options', 'filter_by'].includes(s.name));
  if (bound) refuse(`\`.${bound.name}()\` before \`with_entities()\` was resolved against the replaced entities (move it after, or start from \`select(<entities>)\`)`);
  if (!positionalArgs(call.args).length) refuse('`with_entities()` without entities');
  if (hasComments(call.args)) refuse('comments inside `with_entities()` would be lost');
}

// ---------------------------------------------------------------------------------------------
// Edit building.

interface Plan {
  /** A title saying more than the default (a fix that also edits the callers). */
  title?: string;
  edits: TextEdit[];
  imports: Set<string>;
  /** Names to import from `sqlalchemy.orm` (`aliased`). */
  ormImports?: Set<string>;
  /** The same for other files the fix edits (a helper's callers in other modules). */
  others?: OtherFilePlan[];
}

interface OtherFilePlan {
  context: RuleContext;
  edits: TextEdit[];
  imports?: Set<string>;
  ormImports?: Set<string>;
}

class Builder {
  readonly edits: TextEdit[] = [];
  readonly importNames = new Set<string>();
  readonly ormImportNames = new Set<string>();
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
    // Several terminals of one query group may ask for the same edit (a generator written as a list).
    if (this.edits.some((e) => e.start === start && e.end === end && e.newText === newText)) return;
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

  /** The local spelling of a `sqlalchemy.orm` name (`aliased`), recording the import it needs. */
  orm(name: string): string {
    const { file, index } = this.context;
    const existing = perFile(file, `imported-orm:${name}`, () => importedLocalName(file, 'sqlalchemy.orm', name));
    if (existing && !this.shadowed(existing)) return existing;
    if (this.shadowed(name) || index.resolveName(file.moduleName, name)) refuse(`the name \`${name}\` is already taken here`);
    this.ormImportNames.add(name);
    return name;
  }

  private readonly children = new Map<string, Builder>();

  /** The builder of edits to another file's nodes (its imports are that file's). */
  forFile(other: RuleContext, near: Node): Builder {
    if (other.file.path === this.context.file.path) return this;
    let child = this.children.get(other.file.path);
    if (!child) this.children.set(other.file.path, (child = new Builder(other, near)));
    return child;
  }

  plan(): Plan {
    const others = [...this.children.values()].map((c): OtherFilePlan => ({ context: c.context, edits: c.edits, imports: c.importNames, ormImports: c.ormImportNames }));
    return { edits: this.edits, imports: this.importNames, ormImports: this.ormImportNames, others: others.length ? others : undefined };
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

/** Builtins that consume a whole iterable before returning: a list in place of a generator changes nothing they return. */
const FULL_CONSUMERS = ['sum', 'list', 'tuple', 'set', 'frozenset', 'sorted', 'min', 'max', 'dict'];

interface AwaitPlacement {
  /** Why `await` cannot go there. */
  forbidden?: string;
  /** A generator expression to write as a list comprehension, so `await` may go inside it. */
  listify?: Node;
}

/**
 * Where `await` may go inside `async def`. Not in a lambda (it runs when called). Not in a
 * generator expression, where it would make an async generator — except in its first iterable,
 * which Python evaluates at once in the enclosing function, and when the generator is the whole
 * argument of a builtin that consumes it all (`sum(...)`, `list(...)`, `sorted(...)`, `"".join(...)`):
 * written as a list comprehension, the same values are computed in the same order.
 */
function awaitPlacement(context: RuleContext, node: Node): AwaitPlacement {
  let listify: Node | undefined;
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return { listify };
    if (p.type === 'lambda') return { forbidden: 'the query runs inside a lambda, which runs whenever it is called and cannot `await` (move the query out of the lambda, or into an `async def`)' };
    if (p.type !== 'generator_expression') continue;
    const firstIterable = p.namedChildren.find((c) => c?.type === 'for_in_clause')?.childForFieldName('right');
    if (firstIterable && firstIterable.startIndex <= node.startIndex && node.endIndex <= firstIterable.endIndex) continue;
    if (listify || !consumedWhole(context, p)) return { forbidden: 'the query runs inside a generator expression, where `await` would make it an async generator (and its consumer may stop early)' };
    listify = p;
  }
  return { listify };
}

/** The generator expression is the only argument of a builtin that consumes it all (or, with `orShortCircuit`, `any`/`all`). */
function consumedWhole(context: RuleContext, genexp: Node, orShortCircuit = false): boolean {
  let call = genexp.parent;
  if (call?.type === 'argument_list') {
    if (positionalArgs(call).length !== 1 || positionalArgs(call)[0].id !== genexp.id) return false;
    call = call.parent;
  }
  if (call?.type !== 'call') return false;
  const fn = call.childForFieldName('function');
  if (fn?.type === 'attribute') return fn.childForFieldName('attribute')?.text === 'join' && fn.childForFieldName('object')?.type === 'string';
  if (fn?.type !== 'identifier' || !(FULL_CONSUMERS.includes(fn.text) || (orShortCircuit && ['any', 'all'].includes(fn.text)))) return false;
  // A local (parameter, nested def, import, loop target…) or module-level binding is not the builtin.
  return !isLocalName(context.facts, fn) && !context.index.resolveName(context.file.moduleName, fn.text);
}

/** Refuses where `await` cannot go; writes a consumed generator expression as a list comprehension. */
function placeAwait(b: Builder, node: Node): void {
  const placement = awaitPlacement(b.context, node);
  if (placement.forbidden) refuse(placement.forbidden);
  const genexp = placement.listify;
  if (!genexp) return;
  // `sum(x for x in y)`: the call's own parentheses; `sorted((x for x in y), key=k)`: the generator's.
  const shared = genexp.parent?.type === 'call';
  b.replace(genexp.startIndex, genexp.startIndex + 1, shared ? '([' : '[');
  b.replace(genexp.endIndex - 1, genexp.endIndex, shared ? '])' : ']');
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
  /** The whole statement head when it is not `select` followed by the original arguments (`select(alias)`). */
  headText?: string;
}

const SCALAR_RENAMES: Record<string, string> = { all: 'scalars().all', first: 'scalars().first', one: 'scalar_one', one_or_none: 'scalar_one_or_none' };
/**
 * Result methods for terminals whose 2.0 name does not depend on the shape. `Query.scalar()` was
 * `one()` then the first column, with no rows giving None: exactly `Result.scalar_one_or_none()`,
 * which raises `MultipleResultsFound` on several rows as the legacy method did.
 */
const RESULT_RENAMES: Record<string, string> = { scalar: 'scalar_one_or_none' };

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
  // Looked up only where written: an execution alone (a helper's caller) needs no `select` import.
  const select = () => b.sqla('select');
  removeExistingAwait(b, ctx);
  // Replaces the terminal call with `tail`, keeping comments written between the statement and it.
  const replaceTerminal = (tail: string) => {
    const t = terminal!;
    const dotStart = t.dot?.startIndex ?? t.nameNode.startIndex;
    if (text.slice(span.end, dotStart).trim() === '') b.replace(span.end, t.call.endIndex, tail);
    else b.replace(dotStart, t.call.endIndex, tail);
  };
  const head = (prefix: string, selectText = span.selectText) => b.replace(span.start, span.headEnd, prefix + (span.headText ?? selectText));
  switch (kind) {
    case 'all':
    case 'first':
    case 'one':
    case 'one_or_none':
    case 'scalar':
    case 'iterate': {
      const open = mode === 'await' ? `(await ${receiver}.execute(` : `${receiver}.execute(`;
      const close = mode === 'await' ? '))' : ')';
      // Legacy first() applied LIMIT 1 to the statement; keep that (and its cost).
      const limit = kind === 'first' ? '.limit(1)' : '';
      head(open, span.selectText && select());
      const uniquePart = unique ? 'unique().' : '';
      if (kind === 'iterate') {
        b.replace(span.end, span.end, limit + close + (unique ? '.unique()' : '') + (shape.single ? '.scalars()' : ''));
      } else {
        b.replace(span.end, span.end, limit + close);
        const name = RESULT_RENAMES[kind] ?? (shape.single ? SCALAR_RENAMES[kind] : kind);
        if (uniquePart || name !== kind) b.replace(terminal!.nameNode.startIndex, terminal!.nameNode.endIndex, uniquePart + name);
      }
      return;
    }
    case 'count': {
      const paren = mode === 'await' && usedAsPrimary(ctx.outer);
      const func = b.sqla('func');
      const countSelect = `${select()}(${func}.count()).select_from`;
      if (simpleCount) {
        head(`${paren ? '(' : ''}${aw}${receiver}.scalar(`, countSelect);
        replaceTerminal(paren ? '))' : ')');
      } else {
        head(`${paren ? '(' : ''}${aw}${receiver}.scalar(${countSelect}(`, span.selectText && select());
        replaceTerminal(`.subquery()))${paren ? ')' : ''}`);
      }
      return;
    }
    case 'subquery': {
      head('', span.selectText && select());
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
  return planned(context, q, mode, () => planRewrite(context, q, mode));
}

/** A plan turned into a fix (with its imports), or a refusal with its reason (and, awaited, a run_sync suggestion). */
function planned(context: RuleContext, q: LegacyQuery, mode: QueryMode, plan: () => Plan): RewriteResult {
  try {
    const p = plan();
    const edits = withImports(context, p.edits, p.imports, p.ormImports);
    const title = p.title ?? (mode === 'await' ? 'Rewrite as awaited select() (SQLAlchemy 2.0)' : 'Rewrite as select() (SQLAlchemy 2.0)');
    const fix: Fix = { title, applicability: 'safe', edits };
    if (p.others?.length) {
      fix.otherFiles = groupByFile(new Map(p.others.map((o) => [o.context.file.path, { text: o.context.file.text, edits: withImports(o.context, o.edits, o.imports, o.ormImports) }])));
      const worse = otherFileParsingWorse(context, fix.otherFiles);
      if (worse) refuse(`the edit would make \`${worse}\` parse worse (it has syntax errors: fix them first)`);
    }
    return { fix };
  } catch (error) {
    if (error instanceof Refusal) return { noFixReason: error.message, suggestion: mode === 'await' ? runSyncSuggestion(context, q) : undefined };
    throw error;
  }
}

/**
 * A query on an AsyncSession inside a plain `def`: the function becomes `async def`, the query is
 * rewritten awaited, and every call of the function (all in this file, each in an `async def`
 * body) is awaited — one edit. Refused, naming the caller, where a caller cannot await.
 */
export function rewriteInPlainFunction(context: RuleContext, q: LegacyQuery): RewriteResult {
  return planned(context, q, 'await', () => planMakeAsync(context, q));
}

function planMakeAsync(context: RuleContext, q: LegacyQuery): Plan {
  const { facts, file } = context;
  const fn = facts.enclosingFunction(q.head);
  if (!fn || fn.isAsync) refuse('the query is not directly in the body of a plain `def` (a lambda or a class body cannot be made async)');
  const name = fn.name;
  if (fn.classNode) refuse(`\`${name}\` is a method, whose callers cannot all be found; make it async and await its callers by hand`);
  if (!isModuleLevel(fn)) refuse(`\`${name}\` is a nested function; make it async and await its callers by hand`);
  if (!decoratorsPreserve(decoratorsOf(fn.node).map((d) => d.text))) refuse(`\`${name}\` is decorated, so what its callers receive once it is async is not known`);
  let generator = false;
  walk(fn.node.childForFieldName('body')!, (n) => {
    if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition') return false;
    if (n.type === 'yield') generator = true;
    return !generator;
  });
  if (generator) refuse(`\`${name}\` is a generator (made async it would become an async generator)`);
  // Every call in the workspace is awaited in the same edit, other files included.
  const callEdits: TextEdit[] = [];
  const otherEdits = new Map<RuleContext, TextEdit[]>();
  let awaited = 0;
  for (const { context: where, call, where: path } of callsInWorkspace(context, fn, 'is imported by other files')) {
    // Named only when refusing (climbing `.parent` descends from the root each time).
    const who = () => {
      const at = call.startPosition.row + 1;
      let def: Node | null = call.parent;
      while (def && def.type !== 'function_definition') def = def.parent;
      const caller = def?.childForFieldName('name')?.text;
      const line = path ? `${path}:${at}` : `line ${at}`;
      return caller ? `\`${caller}\` (${line})` : line;
    };
    if (isAwaitedExpr(call)) refuse(`${who()} already awaits \`${name}\`, which is sync`);
    const blocker = awaitBlocker(where.facts, call);
    if (blocker) refuse(`${who()} calls \`${name}\` and cannot await it once it is async: ${blocker}`);
    const edits = awaitEdits(call);
    awaited++;
    if (!path) callEdits.push(...edits);
    else otherEdits.set(where, [...(otherEdits.get(where) ?? []), ...edits]);
  }
  const plan = planRewrite(context, q, 'await');
  const elsewhere = [...otherEdits.values()].reduce((n, edits) => n + edits.filter((e) => e.newText.startsWith('await') || e.newText.startsWith('(await')).length, 0);
  const across = elsewhere ? `, ${elsewhere} in other files,` : '';
  const title = awaited ? `Make \`${name}\` async, await its ${awaited} call(s)${across} and rewrite as awaited select()` : `Make \`${name}\` async and rewrite as awaited select()`;
  const others = [...(plan.others ?? []), ...[...otherEdits].map(([other, edits]): OtherFilePlan => ({ context: other, edits }))];
  return { ...plan, title, edits: [...plan.edits, ...makeAsyncEdits(file, fn.node), ...callEdits], others: others.length ? others : undefined };
}

/** edits plus the imports they need in context's file. */
function withImports(context: RuleContext, edits: TextEdit[], imports: Set<string> | undefined, ormImports: Set<string> | undefined): TextEdit[] {
  const ormNames = [...(ormImports ?? [])].join(', ');
  const ormEdit = ormNames ? perFile(context.file, `orm-edit:${ormNames}`, () => ensureFromImport(context.file, 'sqlalchemy.orm', ormNames)) : undefined;
  return [...edits, ...mergeInsertions([importEdit(context, imports ?? new Set()), ormEdit])];
}

/** Import edits, with two new import lines at the same place written as one insertion (edits of one fix must not overlap). */
function mergeInsertions(edits: (TextEdit | undefined)[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    if (!e) continue;
    const same = out.find((o) => o.start === o.end && e.start === e.end && o.start === e.start);
    if (same) same.newText += e.newText;
    else out.push({ ...e });
  }
  return out;
}

/**
 * The rewrite of a Query returned from a plain function (the helper then returns a `Select` and
 * its callers execute it); undefined when the chain is not such a return. The helper itself stays
 * sync either way: building a statement needs no session.
 */
export function rewriteQueryHelper(context: RuleContext, q: LegacyQuery): RewriteResult | undefined {
  const split = (() => {
    try {
      return splitChain(q.chain.calls);
    } catch {
      return undefined;
    }
  })();
  if (!split || split.terminal || q.chain.danglingAttribute) return undefined;
  const outer = chainContext(split.steps.at(-1)?.call ?? q.head).outer;
  if (outer.parent?.type === 'return_statement') return rewriteLegacyQuery(context, q, 'sync');
  // `q = db.query(M)` … `return q`: the same, built over several statements.
  const name = assignedNameOf(outer)?.text;
  const body = context.facts.enclosingFunction(q.head)?.node.childForFieldName('body');
  const returnsName = !!name && !!body && context.facts.descendantsOfType(body, 'return_statement').some((r) => r.namedChild(0)?.type === 'identifier' && r.namedChild(0)?.text === name);
  return returnsName ? rewriteLegacyQuery(context, q, 'sync') : undefined;
}

function planRewrite(context: RuleContext, q: LegacyQuery, mode: QueryMode): Plan {
  const b = new Builder(context, q.head);
  const receiver = q.receiver.text;
  const headArgs = q.head.childForFieldName('arguments');
  if (!headArgs || headArgs.type !== 'argument_list') refuse('query() has no argument list');
  const chain = q.chain;
  if (chain.calls.some((c) => c.name === 'from_self')) return planFromSelf(b, q, mode);
  // Calls and attributes after the terminal (`.first().name`) apply to the result, not the Query.
  const { steps, terminal, projection } = splitChain(chain.calls, true);
  if (!terminal && chain.danglingAttribute) refuse(`the chain reads \`.${chain.danglingAttribute.childForFieldName('attribute')?.text}\` from the Query`);
  // The entities select() starts from: with_entities()'s when the chain has one.
  const entityArgs = projection?.args ?? headArgs;
  const lastStep = [...steps, ...(projection ? [projection] : [])].sort((a, c) => a.call.endIndex - c.call.endIndex).at(-1);
  const top = terminal ? terminal.call : (lastStep?.call ?? q.head);
  const ctx = chainContext(top);
  if (mode === 'await' && !EXPRESSION_TERMINALS.includes(terminal?.name ?? '')) {
    if (!(terminal === undefined && usedAsInSubquery(ctx.outer))) placeAwait(b, q.head);
  }
  nestedQueriesFixable(context, q, mode);
  if (projection) moveProjection(b, q, projection, terminal);
  const stmtEnd = (lastStep?.call ?? q.head).endIndex;
  const span: StatementSpan = { start: q.receiver.startIndex, headEnd: q.queryName.endIndex, selectText: 'select', end: stmtEnd };

  if (!terminal) {
    if (iteratedDirectly(ctx.outer)) {
      const shape = requireShape(b, entityArgs, 'iterating');
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
    if (name && projection) refuse(UNSUPPORTED.with_entities);
    if (name) return planGroup(b, q, steps, name, mode);
    if (ctx.outer.parent?.type === 'return_statement' && !projection) return planHelper(b, q, steps);
    refuse('the Query object itself is passed on or returned (migrate its users together, then build a `select()`)');
  }

  switch (terminal.name) {
    case 'all':
    case 'first':
    case 'one':
    case 'one_or_none': {
      const shape = requireShape(b, entityArgs, `\`.${terminal.name}()\``);
      renameSteps(b, steps);
      emitTerminal(b, span, terminal.name, terminal, receiver, mode, shape, needsUnique(context, shape, steps), ctx, false);
      return b.plan();
    }
    case 'scalar': {
      const shape = shapeOf(context, entityArgs, b.fn);
      const unique = scalarNeedsUnique(context, shape, steps, entityArgs);
      renameSteps(b, steps);
      emitTerminal(b, span, 'scalar', terminal, receiver, mode, 'unknown' in shape ? { single: false, hasEntity: false, args: [] } : shape, unique, ctx, false);
      return b.plan();
    }
    case 'count': {
      const shape = shapeOf(context, entityArgs, b.fn);
      // count() counted the rows of the whole query as a subquery; a plain
      // `select(func.count()).select_from(M).where(...)` counts the same only for one model and filters.
      const simple = !('unknown' in shape) && shape.single && !!shape.model && argKind(context, shape.model, b.fn) === 'entity' && steps.every((s) => ['filter', 'where', 'filter_by'].includes(s.name));
      renameSteps(b, steps);
      emitTerminal(b, span, 'count', terminal, receiver, mode, { single: false, hasEntity: false, args: [] }, false, ctx, simple);
      return b.plan();
    }
    case 'exists':
      checkExists(b, entityArgs, steps, terminal);
      renameSteps(b, steps);
      emitTerminal(b, span, 'subquery', terminal, receiver, mode, { single: false, hasEntity: false, args: [] }, false, ctx, false);
      return b.plan();
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

/**
 * `db.query(M)....with_entities(A, B)...` → `select(A, B)...`: the entities move into the head and
 * the call is removed (with the line break before it when it stands on its own line).
 */
function moveProjection(b: Builder, q: LegacyQuery, projection: MethodCall, terminal: MethodCall | undefined): void {
  if (terminal && ['get', 'delete', 'update'].includes(terminal.name)) refuse(`\`.${terminal.name}()\` after \`with_entities()\` has no statement equivalent`);
  b.replace(q.head.childForFieldName('arguments')!.startIndex, q.head.childForFieldName('arguments')!.endIndex, projection.args.text);
  const text = b.context.file.text;
  const before = projection.attribute.childForFieldName('object')!.endIndex;
  const dotStart = projection.dot?.startIndex ?? projection.nameNode.startIndex;
  b.replace(text.slice(before, dotStart).trim() === '' ? before : dotStart, projection.call.endIndex, '');
}

/**
 * `Query.exists()` is `EXISTS (SELECT 1 FROM <entity> WHERE ...)` without eager loads; 2.0's
 * `Select.exists()` is the same test when FROM comes from mapped entities or their columns (not
 * from a bare SQL function, whose FROM the legacy method took from elsewhere) and no loader option is
 * set (the legacy method dropped them).
 */
function checkExists(b: Builder, entityArgs: Node, steps: MethodCall[], terminal: MethodCall): void {
  if (children(terminal.args).length) refuse('`.exists()` with arguments');
  if (steps.some((s) => s.name === 'options')) refuse('`.options()` before `.exists()` (the legacy method dropped eager loads)');
  const args = positionalArgs(entityArgs);
  const kinds = args.map((a) => argKind(b.context, a, b.fn));
  if (!args.length || kinds.some((k) => k === 'unknown') || args.some((a) => unparen(a).type === 'call' && kinds[args.indexOf(a)] !== 'entity')) {
    refuse('`.exists()` over something other than mapped entities or their columns (its FROM is not known)');
  }
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
  const nested = legacyQueryHeadsBetween(context, q.start, q.end).filter((n) => n !== q && n.start > q.start && n.end <= q.end && n.receiver.text === q.receiver.text);
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
// from_self(): the inner query becomes a subquery the outer one selects from through `aliased()`.
//
//   return db.query(User).filter(a).from_self().order_by(User.id).all()
// →
//   user_subq = aliased(User, select(User).where(a).subquery())
//   return (await db.execute(select(user_subq).order_by(user_subq.id))).scalars().all()
//
// Legacy from_self() adapted the entity's columns in the outer criteria to the subquery; the alias
// does the same explicitly. Exact only for one entity and outer steps that name nothing else.

const FROM_SELF_OUTER_STEPS = ['filter', 'where', 'filter_by', 'order_by', 'limit', 'offset', 'slice', 'distinct'];
const FROM_SELF_TERMINALS = ['all', 'first', 'one', 'one_or_none', 'scalar', 'count'];

function planFromSelf(b: Builder, q: LegacyQuery, mode: QueryMode): Plan {
  const { context } = b;
  const calls = q.chain.calls;
  const at = calls.findIndex((c) => c.name === 'from_self');
  const fromSelf = calls[at];
  if (calls.slice(at + 1).some((c) => c.name === 'from_self')) refuse('`from_self()` twice in one chain');
  if (children(fromSelf.args).length) refuse('`from_self()` with entities (select them from the subquery by hand)');
  const inner = splitChain(calls.slice(0, at));
  const outer = splitChain(calls.slice(at + 1));
  if (inner.terminal || inner.projection) refuse('`from_self()` after a terminal');
  if (inner.steps.some((s) => s.name === 'options')) refuse('loader options inside `from_self()` (the legacy subquery dropped them)');
  const terminal = outer.terminal;
  if (!terminal) refuse('`from_self()` without a terminal (`.all()`, `.first()`, …) in the same chain');
  if (!FROM_SELF_TERMINALS.includes(terminal.name)) refuse(`\`.${terminal.name}()\` after \`from_self()\``);
  const badOuter = outer.steps.find((s) => !FROM_SELF_OUTER_STEPS.includes(s.name));
  if (badOuter) refuse(`\`.${badOuter.name}()\` after \`from_self()\` (only filters, order and paging are adapted to the subquery here)`);
  const headArgs = q.head.childForFieldName('arguments')!;
  const shape = shapeOf(context, headArgs, b.fn);
  if ('unknown' in shape || !shape.single || !shape.model) refuse('`from_self()` over something other than one mapped entity');
  const model = unparen(shape.model);
  if (mentionsOtherEntities(context, outer.steps, shape)) refuse('the criteria after `from_self()` name other tables, which the legacy method did not adapt the same way');
  if (hasComments(q.chain.top)) refuse('comments inside the chain would be lost');
  if (mode === 'await') placeAwait(b, q.head);
  nestedQueriesFixable(context, q, mode);
  const innerEndOffset = (inner.steps.at(-1)?.call ?? q.head).endIndex;
  if (legacyQueryHeadsBetween(context, q.start, q.end).some((n) => n !== q && n.start > q.start && n.start < innerEndOffset)) refuse('a legacy query nested inside `from_self()`\'s inner query');
  const ctx = chainContext(terminal.call);
  const hoist = hoistPoint(context, ctx.outer, q.start);

  // The inner statement, written out: the session head becomes select(), steps are renamed.
  const text = context.file.text;
  const innerEnd = (inner.steps.at(-1)?.call ?? q.head).endIndex;
  const innerEdits: TextEdit[] = [{ start: q.receiver.startIndex, end: q.queryName.endIndex, newText: b.sqla('select') }];
  for (const step of inner.steps) {
    checkStep(step);
    const renamed = STEP_RENAMES[step.name];
    if (renamed !== step.name) innerEdits.push({ start: step.nameNode.startIndex, end: step.nameNode.endIndex, newText: renamed });
  }
  let innerText = '';
  let cursor = q.receiver.startIndex;
  for (const e of innerEdits.sort((x, y) => x.start - y.start)) {
    innerText += text.slice(cursor, e.start) + e.newText;
    cursor = e.end;
  }
  innerText += text.slice(cursor, innerEnd);
  // Written on one line: a break before `.step` goes, any other becomes a space.
  if (/\n/.test(innerText)) innerText = innerText.replace(/\s*\n\s*(?=\.)/g, '').replace(/\s*\n\s*/g, ' ');

  const alias = freshName(b, hoist.statement, `${snakeCase(model.text.split('.').at(-1)!)}_subq`);
  const aliased = b.orm('aliased');
  b.replace(hoist.lineStart, hoist.lineStart, `${hoist.indent}${alias} = ${aliased}(${model.text}, ${innerText}.subquery())\n`);
  // The outer steps read the alias where they named the entity.
  for (const step of outer.steps) {
    for (const use of entityUses(step.args, model.text)) b.replace(use.startIndex, use.endIndex, alias);
  }
  renameSteps(b, outer.steps);
  const unique = needsUnique(context, shape, [...inner.steps, ...outer.steps]);
  const span: StatementSpan = { start: q.receiver.startIndex, headEnd: fromSelf.call.endIndex, selectText: 'select', end: (outer.steps.at(-1)?.call ?? fromSelf.call).endIndex, headText: `${b.sqla('select')}(${alias})` };
  const outShape: Shape = { single: true, hasEntity: true, args: [] };
  emitTerminal(b, span, terminal.name as TerminalKind, terminal, q.receiver.text, mode, outShape, unique, ctx, false);
  return b.plan();
}

/** Nodes in args spelling the entity (`User`, `models.User`), not attribute names or keywords. */
function entityUses(args: Node, entity: string): Node[] {
  const out: Node[] = [];
  walk(args, (n) => {
    if ((n.type === 'identifier' || n.type === 'attribute') && n.text === entity) {
      const parent = n.parent!;
      const isAttributeName = parent.type === 'attribute' && parent.childForFieldName('attribute')?.id === n.id;
      const isKeywordName = parent.type === 'keyword_argument' && parent.childForFieldName('name')?.id === n.id;
      if (!isAttributeName && !isKeywordName) out.push(n);
      return false;
    }
  });
  return out;
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A local name free in the function (and the module) for a hoisted statement. */
function freshName(b: Builder, near: Node, base: string): string {
  const { context } = b;
  const taken = (name: string) => context.facts.isShadowedLocally(near, name) || !!context.index.resolveName(context.file.moduleName, name) || b.fn?.params.has(name) || b.fn?.locals.has(name);
  for (let i = 1; i < 10; i++) {
    const name = i === 1 ? base : `${base}${i}`;
    if (!taken(name)) return name;
  }
  refuse(`no free name for the subquery alias (\`${base}\` is taken)`);
}

const HOISTABLE_STATEMENTS = ['expression_statement', 'return_statement'];
/** Expressions that may skip or repeat part of their operands: a value hoisted out of them could run when it did not. */
const CONDITIONAL_EXPRESSIONS = ['conditional_expression', 'boolean_operator', 'lambda', 'generator_expression', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension'];

/**
 * Where a statement built from the query can be inserted before the statement holding it: exact
 * only when the query runs once, unconditionally, and nothing written before it in that
 * statement has effects (so building it earlier changes no order of evaluation).
 */
function hoistPoint(context: RuleContext, outer: Node, queryStart: number): { statement: Node; lineStart: number; indent: string } {
  let statement: Node | undefined;
  for (let n: Node | null = outer; n; n = n.parent) {
    const parent = n.parent;
    if (CONDITIONAL_EXPRESSIONS.includes(n.type)) refuse('the query sits in a conditional, a comprehension or a lambda, so building its subquery before the statement could change what runs');
    if (parent && (parent.type === 'block' || parent.type === 'module')) {
      statement = n;
      break;
    }
    if (n.type === 'function_definition' || n.type === 'class_definition') break;
  }
  if (!statement) refuse('the query is not in a simple statement, so its subquery cannot be built before it');
  // An `if` condition and a `for` iterable run once, before anything else in their statement.
  const within = (field: string) => {
    const part = statement!.childForFieldName(field);
    return !!part && part.startIndex <= queryStart && queryStart < part.endIndex;
  };
  const headerPart = (statement.type === 'if_statement' && within('condition')) || (statement.type === 'for_statement' && within('right'));
  if (!HOISTABLE_STATEMENTS.includes(statement.type) && !headerPart) refuse(`the query is in a \`${statement.type.replace(/_statement$/, '')}\` statement, so its subquery cannot be built before it`);
  let effect: Node | undefined;
  walk(statement.type === 'for_statement' ? statement.childForFieldName('right')! : statement, (n) => {
    if (effect || n.startIndex >= queryStart) return false;
    if (n.endIndex > queryStart) return; // an ancestor of the query: look inside
    if (['call', 'await', 'yield', 'named_expression', 'lambda'].includes(n.type)) effect = n;
    return !effect;
  });
  if (effect) refuse(`\`${shorten(effect.text)}\` runs before the query in the same statement, so its subquery cannot be built first`);
  const text = context.file.text;
  const lineStart = text.lastIndexOf('\n', statement.startIndex - 1) + 1;
  const indent = text.slice(lineStart, statement.startIndex);
  if (indent.trim() !== '') refuse('the statement does not start its line');
  return { statement, lineStart, indent };
}

// ---------------------------------------------------------------------------------------------
// A Query built in one function and finished in another:
//
//   def active_users(db): return db.query(User).filter(User.active)
//   users = active_users(db).order_by(User.id).all()
// →
//   def active_users(db): return select(User).where(User.active)
//   users = (await db.execute(active_users(db).order_by(User.id))).scalars().all()
//
// One edit for the helper and every call, so it is offered only when every caller is in this file
// (the engine's fixes edit one file), each finishes the query in a way `select()` has, and each runs
// it on a session it can use: awaited only on an argument proven to be an AsyncSession.

interface HelperCall {
  call: Node;
  /** The builder of the caller's file (the helper's own, or another file's). */
  builder: Builder;
  /** Where the caller runs the Query: the chain on the call itself, or the uses of the name it keeps it in. */
  executions: GroupTerminal[];
  /** `q = q.filter(...)` steps when the caller keeps the Query in a name. */
  stepUses: MethodCall[][];
  session: Node;
  mode: QueryMode;
}

function planHelper(b: Builder, q: LegacyQuery, helperSteps: MethodCall[]): Plan {
  const finish = helperPlan(b, q, helperSteps);
  b.replace(q.receiver.startIndex, q.queryName.endIndex, b.sqla('select'));
  renameSteps(b, helperSteps);
  return finish();
}

/**
 * Checks the helper returning the Query and finds its callers; the returned function then emits
 * each caller's execution (the helper's own head and steps are the caller's to rewrite).
 */
function helperPlan(b: Builder, q: LegacyQuery, helperSteps: MethodCall[]): () => Plan {
  const { context } = b;
  const fn = b.fn;
  if (!fn) refuse('the Query object itself is returned outside a function');
  if (fn.classNode) refuse(`the Query is returned by the method \`${fn.name}\`, whose callers cannot all be found (migrate them together, then build a \`select()\`)`);
  if (!isModuleLevel(fn)) refuse(`the Query is returned by the nested function \`${fn.name}\``);
  if (fn.isAsync) refuse(`the Query is returned by \`async def ${fn.name}\` (its callers await a Query)`);
  if (fn.node.childForFieldName('return_type')) refuse(`\`${fn.name}\` declares its return type; change it with the callers by hand`);
  const decorators = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent : undefined;
  if (decorators) refuse(`\`${fn.name}\` is decorated, so what its callers receive is not known`);
  // The helper's session must be one of its parameters: each caller then names the session to run on.
  if (q.receiver.type !== 'identifier' || !fn.params.has(q.receiver.text)) refuse(`the Query returned by \`${fn.name}\` runs on \`${q.receiver.text}\`, which is not one of its parameters`);
  const paramNodes = children(fn.node.childForFieldName('parameters')!).filter((p) => p.type !== 'comment');
  if (paramNodes.some((p) => ['list_splat_pattern', 'dictionary_splat_pattern', 'keyword_separator', 'positional_separator'].includes(p.type))) refuse(`\`${fn.name}\` takes \`*\`/\`**\` or positional/keyword-only parameters`);
  const paramIndex = paramNodes.findIndex((p) => (p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChild(0)))?.text === q.receiver.text);
  if (paramIndex < 0) refuse(`cannot find \`${q.receiver.text}\` among the parameters of \`${fn.name}\``);

  // Every caller in the workspace executes the Select: callers in other files are edited too.
  const line = (n: Node) => n.startPosition.row + 1;
  const found = callsInWorkspace(context, fn, 'returns a Query used in other files');
  const calls = found.map((c) => naming(c.where, () => helperCall(b.forFile(c.context, c.call), fn.name, c.call, paramIndex, q.receiver.text, line)));
  if (!calls.length) refuse(`\`${fn.name}\` returns a Query and has no caller in the workspace to migrate with it`);
  const elsewhere = found.filter((c) => c.where).length;

  const headArgs = q.head.childForFieldName('arguments')!;
  const shape = shapeOf(context, headArgs, fn);
  nestedQueriesFixable(context, q, 'sync');
  return () => {
    for (const c of calls) {
      const cb = c.builder;
      const where = found.find((f) => f.call.id === c.call.id && f.context === cb.context)?.where ?? '';
      naming(where, () => {
        for (const steps of c.stepUses) renameSteps(cb, steps);
        // As for a query built over several statements: every step the caller adds counts for each execution.
        const ownSteps = [...c.stepUses.flat(), ...c.executions.flatMap((e) => e.steps)];
        const callerSteps = [...helperSteps, ...ownSteps];
        // Steps are judged by the facts of the file they are written in.
        const stepsUnique = (judge: (ctx: RuleContext, steps: MethodCall[]) => boolean) =>
          cb === b ? judge(context, callerSteps) : judge(context, helperSteps) || judge(cb.context, ownSteps);
        for (const e of c.executions) {
          if (['all', 'first', 'one', 'one_or_none', 'iterate'].includes(e.kind) && 'unknown' in shape) refuse(`${shape.unknown}, so the result form (\`.scalars()\` or rows) at line ${line(e.root)} is unknown`);
          if (e.terminal?.name === 'exists') checkExists(b, headArgs, callerSteps, e.terminal);
          const unique =
            e.kind === 'scalar'
              ? stepsUnique((ctx, steps) => scalarNeedsUnique(ctx, shape, steps, headArgs))
              : !('unknown' in shape) && stepsUnique((ctx, steps) => needsUnique(ctx, shape, steps));
          if (c.mode === 'await') placeAwait(cb, e.root);
          renameSteps(cb, e.steps);
          const span: StatementSpan = { start: e.root.startIndex, headEnd: e.root.startIndex, selectText: '', end: (e.steps.at(-1)?.call ?? e.root).endIndex };
          const known: Shape = 'unknown' in shape ? { single: false, hasEntity: false, args: [] } : shape;
          emitTerminal(cb, span, e.kind, e.terminal, c.session.text, c.mode, known, unique, e.ctx, false);
        }
      });
    }
    const across = elsewhere ? `, ${elsewhere} in other files` : '';
    return { ...b.plan(), title: `Return a select() from \`${fn.name}\` and execute it at its ${calls.length} call${calls.length === 1 ? '' : 's'}${across} (SQLAlchemy 2.0)` };
  };
}

/** A call of a module-level function found in the workspace, with the context of its file. */
interface WorkspaceCall {
  context: RuleContext;
  call: Node;
  /** The caller's file when it is not the function's own (refusals name it), else ''. */
  where: string;
}

/** Runs part of a plan for a caller in another file: its refusals name that file. */
function naming<T>(where: string, part: () => T): T {
  if (!where) return part();
  try {
    return part();
  } catch (error) {
    if (error instanceof Refusal) refuse(`in \`${where}\`: ${error.message}`);
    throw error;
  }
}

/** The other files importing the function (or its module), with their import bindings; refuses a name exported in `__all__`. */
function importersInOtherFiles(context: RuleContext, name: string): Map<string, ImportBinding[]> {
  const { index, file } = context;
  const moduleName = index.fileByPath(file.path)?.moduleName ?? file.moduleName;
  const elsewhere = [
    ...index.importersOf(`${moduleName}.${name}`),
    ...index.importersOf(moduleName).filter((i) => i.binding.name === undefined || i.binding.module !== moduleName),
  ].filter((i) => i.module.path !== file.path);
  // Listed in `__all__`: a public name, possibly called from outside the workspace.
  if (new RegExp(`^__all__\\b[^\\n]*(\\n[ \\t]+[^\\n]*)*['"]${name}['"]`, 'm').test(file.text)) refuse(`\`${name}\` is exported in \`__all__\`, so it may have callers outside the workspace`);
  const out = new Map<string, ImportBinding[]>();
  for (const i of elsewhere.sort((a, b) => (a.module.path < b.module.path ? -1 : a.module.path > b.module.path ? 1 : a.binding.line - b.binding.line))) {
    const list = out.get(i.module.path);
    if (!list) out.set(i.module.path, [i.binding]);
    else if (!list.includes(i.binding)) list.push(i.binding);
  }
  return out;
}

/**
 * Every call of fn in the workspace: in this file, and in the other files that import it — read
 * through the texts the host supplies (WorkspaceIndex.sources). Refuses, naming the files, where
 * a use cannot be followed (no texts, an import in a string or under TYPE_CHECKING, an import
 * inside a function, the function used as a value).
 */
function callsInWorkspace(context: RuleContext, fn: FunctionFacts, what: string): WorkspaceCall[] {
  const calls: WorkspaceCall[] = callsInFile(context, fn).map((call) => ({ context, call, where: '' }));
  const importers = importersInOtherFiles(context, fn.name);
  if (!importers.size) return calls;
  const listed = [...importers].map(([path, bindings]) => `${path}:${bindings[0].line}`).join(', ');
  if (!context.index.sources) refuse(`\`${fn.name}\` ${what} (${listed}), whose texts this analysis was not given: migrate them together by hand`);
  if (importers.size > MAX_OTHER_FILES) refuse(`\`${fn.name}\` ${what}: ${importers.size} files (${listed}), more than one fix should edit; migrate it by hand`);
  for (const [path, bindings] of importers) {
    for (const binding of bindings) {
      const at = `\`${path}\` line ${binding.line}`;
      if (binding.via === 'type-checking') refuse(`${at} imports \`${fn.name}\` under \`if TYPE_CHECKING:\`, so its uses cannot all be followed`);
      if (binding.via) refuse(`${at} names the module in a string, so its uses of \`${fn.name}\` cannot be followed`);
      if (binding.nested) refuse(`${at} imports it inside a function or class; move that import to the top of the module first`);
    }
    const other = otherFileContext(context, path);
    if (!other) refuse(`\`${fn.name}\` ${what} (${path}), whose text is not available`);
    for (const call of naming(path, () => callsInOtherFile(context, other, fn.name))) calls.push({ context: other, call, where: path });
  }
  return calls;
}

const IMPORT_STATEMENTS = ['import_statement', 'import_from_statement', 'future_import_statement'];

/** callsInOtherFile's answers per other file's context (reused while that context is: same text, same index content). */
const otherFileCalls = new WeakMap<RuleContext, Map<string, Node[] | { refusal: string }>>();

/** The calls in another file of the function `name` defined in home's file (by name, by alias or through its module). */
function callsInOtherFile(home: RuleContext, other: RuleContext, name: string): Node[] {
  let answers = otherFileCalls.get(other);
  if (!answers) otherFileCalls.set(other, (answers = new Map()));
  const key = `${home.file.path}\0${name}`;
  let answer = answers.get(key);
  if (!answer) {
    try {
      answer = findCallsInOtherFile(home, other, name);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      answer = { refusal: error.message };
    }
    answers.set(key, answer);
  }
  if ('refusal' in answer) refuse(answer.refusal);
  return answer;
}

function findCallsInOtherFile(home: RuleContext, other: RuleContext, name: string): Node[] {
  const homeModule = home.index.fileByPath(home.file.path)?.moduleName ?? home.file.moduleName;
  const summary = other.index.fileByPath(other.file.path);
  // The local names the function may be bound to: its own (star imports, `module.name`) and aliases.
  const locals = new Set([name]);
  for (const b of summary?.imports ?? []) if (b.name === name) locals.add(b.local);
  const { text, root } = other.file;
  const out: Node[] = [];
  // Found from the text, then confirmed on the tree: cheaper than visiting every identifier.
  for (const local of locals) {
    for (const match of text.matchAll(new RegExp(`(?<![\\w.])${local}\\b|(?<=\\.[ \\t]*)${local}\\b`, 'g'))) {
      const use = root.descendantForIndex(match.index!, match.index! + local.length);
      if (use?.type !== 'identifier' || use.text !== local) continue;
      let holder = use.parent;
      while (holder && (holder.type === 'dotted_name' || holder.type === 'aliased_import')) holder = holder.parent;
      if (holder && IMPORT_STATEMENTS.includes(holder.type)) continue;
      const parent = use.parent!;
      if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.id === use.id) continue;
      const expr = parent.type === 'attribute' && parent.childForFieldName('attribute')?.id === use.id ? parent : use;
      const sym = resolveExpression(other.facts, expr);
      if (sym?.kind !== 'function' || sym.name !== name || (sym.module !== homeModule && other.index.module(sym.module)?.path !== home.file.path)) continue;
      const call = expr.parent?.type === 'call' && expr.parent.childForFieldName('function')?.id === expr.id ? expr.parent : undefined;
      if (!call) refuse(`\`${name}\` is used as a value on line ${use.startPosition.row + 1}, so not every caller can be migrated`);
      // Half-typed code in the other file is neither judged nor edited.
      if (inErrorRegion(call) || methodChain(call).top.hasError) refuse(`the call of \`${name}\` on line ${use.startPosition.row + 1} has a syntax error around it`);
      out.push(call);
    }
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}

/** Every call of fn in this file; refuses where the name is used otherwise (passed as a value) or may mean something else. */
function callsInFile(context: RuleContext, fn: FunctionFacts): Node[] {
  const { facts, file } = context;
  const nameNode = fn.node.childForFieldName('name')!;
  const out: Node[] = [];
  for (const use of facts.descendantsOfType(file.root, 'identifier')) {
    if (use.text !== fn.name || use.id === nameNode.id) continue;
    const parent = use.parent!;
    if (parent.type === 'attribute' && parent.childForFieldName('attribute')?.id === use.id) continue;
    if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.id === use.id) continue;
    const call = parent.type === 'call' && parent.childForFieldName('function')?.id === use.id ? parent : undefined;
    const at = use.startPosition.row + 1;
    if (!call) refuse(`\`${fn.name}\` is used as a value on line ${at}, so not every caller can be migrated`);
    const target = resolveCall(facts, call);
    if (!target || target.fn.nameStart !== nameNode.startIndex) refuse(`the call of \`${fn.name}\` on line ${at} may not be this function`);
    out.push(call);
  }
  return out;
}

/** A module-level function (possibly decorated), not a method or a nested function. */
function isModuleLevel(fn: FunctionFacts): boolean {
  const holder = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent.parent : fn.node.parent;
  return !fn.classNode && holder?.type === 'module';
}

/** One call of the helper, the chain finishing it, and the session it runs on (and how). */
function helperCall(b: Builder, helper: string, call: Node, paramIndex: number, paramName: string, line: (n: Node) => number): HelperCall {
  const { facts } = b.context;
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list' || children(args).some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) refuse(`the call of \`${helper}\` on line ${line(call)} has dynamic arguments`);
  const positional = positionalArgs(args);
  const session = paramIndex < positional.length ? positional[paramIndex] : keywordArgument(args, paramName);
  if (!session) refuse(`the call of \`${helper}\` on line ${line(call)} does not pass \`${paramName}\``);
  // The session is named twice (as the receiver and as the argument): only a plain name or attribute.
  if (session.type !== 'identifier' && !(session.type === 'attribute' && /^[\w.]+$/.test(session.text))) refuse(`the call of \`${helper}\` on line ${line(call)} passes the session as an expression`);
  const chain = methodChain(call);
  const split = splitChain(chain.calls);
  const executions: GroupTerminal[] = [];
  let stepUses: MethodCall[][] = [];
  if (split.terminal) {
    if (['get', 'delete', 'update'].includes(split.terminal.name)) refuse(`\`.${split.terminal.name}()\` on the Query from \`${helper}\` (line ${line(call)}) has no \`select()\` equivalent`);
    executions.push({ root: call, steps: split.steps, terminal: split.terminal, kind: groupTerminalKind(split.terminal), ctx: chainContext(split.terminal.call) });
  } else {
    if (chain.danglingAttribute) refuse(`line ${line(call)} reads \`.${chain.danglingAttribute.childForFieldName('attribute')?.text}\` from the Query of \`${helper}\``);
    const ctx = chainContext(chain.top);
    const kept = ctx.existingAwait ? undefined : assignedNameOf(ctx.outer);
    const callerFn = facts.enclosingFunction(call);
    if (iteratedDirectly(ctx.outer)) executions.push({ root: call, steps: split.steps, kind: 'iterate', ctx });
    else if (kept && callerFn && !split.steps.length) {
      // `query = helper(db)`, then `query = query.filter(...)`, `query.count()`, `query.all()`.
      const uses = groupUses(callerFn, kept);
      if (uses.returns.length) refuse(`the Query from \`${helper}\` is returned again on line ${line(uses.returns[0])} (migrate that helper first)`);
      if (!uses.terminals.length) refuse(`the Query from \`${helper}\` kept in \`${kept.text}\` on line ${line(call)} is never executed there`);
      executions.push(...uses.terminals);
      stepUses = uses.stepUses;
    } else refuse(`the Query from \`${helper}\` is passed on or kept on line ${line(call)} (only callers that finish it in one chain, or keep it in a local name and finish it there, are migrated)`);
  }
  if (executions.some((e) => e.ctx.existingAwait)) refuse(`the call of \`${helper}\` on line ${line(call)} is already awaited`);
  // Executing needs a session the caller can use: awaited only on a proven AsyncSession.
  const flavor = facts.sessionFlavor(session);
  const callerAsync = facts.inAsyncFunction(call);
  let mode: QueryMode;
  if (callerAsync && flavor === 'async') mode = 'await';
  else if (!callerAsync && flavor !== 'async' && !inLambdaOfAsyncFunctionNode(call)) mode = 'sync';
  else refuse(`the caller on line ${line(call)} runs the Query on \`${session.text}\`, ${callerAsync ? 'which is not proven to be an AsyncSession (an awaited execute needs one)' : 'an AsyncSession, in a plain `def` (make it async first)'}`);
  // The session is named again where the kept Query runs: it must still be the same object there.
  if (stepUses.length || executions.some((e) => e.root.id !== call.id)) {
    const callerFn = facts.enclosingFunction(call);
    if (session.type !== 'identifier' || callerFn?.locals.has(session.text)) refuse(`\`${session.text}\` may be rebound before the Query kept from \`${helper}\` runs (line ${line(call)})`);
  }
  return { call, builder: b, executions, stepUses, session, mode };
}

// ---------------------------------------------------------------------------------------------
// Queries built over several statements: q = db.query(M); q = q.filter(...); return q.all()

/**
 * The uses of a Query held in a local name (`q = <query>` at nameNode) inside fnFacts: steps added
 * by reassignment (`q = q.filter(...)`), executions (`q.all()`, `for x in q`) and `return q`.
 * Refuses any other use (passed on, read as an attribute, used in a nested function…).
 */
function groupUses(fnFacts: FunctionFacts, nameNode: Node): { stepUses: MethodCall[][]; terminals: GroupTerminal[]; returns: Node[] } {
  const name = nameNode.text;
  if (fnFacts.params.has(name)) refuse(`\`${name}\` is also a parameter`);
  const headStatement = nameNode.parent!;
  const body = fnFacts.node.childForFieldName('body')!;
  const stepUses: MethodCall[][] = [];
  const terminals: GroupTerminal[] = [];
  const returns: Node[] = [];
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
    // `return q` from a helper: it returns a select() and its callers execute it.
    if (ctx.outer.id === occ.id && occ.parent?.type === 'return_statement' && !split.steps.length) {
      returns.push(occ);
      continue;
    }
    refuse(`\`${name}\` is passed on or returned as a Query (line ${line(occ)})`);
  }
  return { stepUses, terminals, returns };
}


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
  const { stepUses, terminals, returns } = groupUses(fnFacts, nameNode);
  const line = (n: Node) => n.startPosition.row + 1;
  if (returns.length) {
    if (terminals.length) refuse(`the query in \`${name}\` is both executed and returned as a Query (line ${line(returns[0])})`);
    const helperSteps = [...headSteps, ...stepUses.flat()];
    const finish = helperPlan(b, q, helperSteps);
    b.replace(q.receiver.startIndex, q.queryName.endIndex, b.sqla('select'));
    renameSteps(b, headSteps);
    for (const steps of stepUses) renameSteps(b, steps);
    return finish();
  }
  if (!terminals.length) refuse(`the query in \`${name}\` is never executed in this function`);

  const shape = shapeOf(context, q.head.childForFieldName('arguments')!, fnFacts);
  const allSteps = [...headSteps, ...stepUses.flat(), ...terminals.flatMap((t) => t.steps)];
  for (const t of terminals) {
    if (t.terminal?.name === 'exists') checkExists(b, q.head.childForFieldName('arguments')!, allSteps, t.terminal);
    if (['all', 'first', 'one', 'one_or_none', 'iterate'].includes(t.kind) && 'unknown' in shape) refuse(`${shape.unknown}, so the result form (\`.scalars()\` or rows) is unknown`);
    if (mode === 'await') placeAwait(b, t.root);
  }
  const knownShape: Shape = 'unknown' in shape ? { single: false, hasEntity: false, args: [] } : shape;
  const unique = 'unknown' in shape
    ? terminals.some((t) => t.kind === 'scalar') && scalarNeedsUnique(context, shape, allSteps, q.head.childForFieldName('arguments')!)
    : needsUnique(context, knownShape, allSteps);

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
    case 'exists':
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
  if (q.receiver.type !== 'identifier' && !(q.receiver.type === 'attribute' && q.receiver.childForFieldName('object')?.text === 'self')) return undefined;
  const placement = awaitPlacement(context, q.head);
  if (placement.forbidden) {
    // No await at the query (a lambda, a generator that may stop early): the whole expression
    // holding it runs on the sync session instead, exactly as the legacy code ran.
    if (!context.facts.inAsyncFunction(q.head) && !inLambdaOfAsyncFunction(q)) return undefined;
    const whole = statementExpression(q.head);
    if (!whole || !runsUnchangedInLambda(whole, q.receiver.text) || !evaluatedWithin(context, q.head, whole)) return undefined;
    return runSyncFix(context, q, whole.startIndex, whole, `Run the whole expression through ${q.receiver.text}.run_sync()`);
  }
  if (!context.facts.inAsyncFunction(q.head) || placement.listify) return undefined;
  // The outermost legacy chain only: a nested one is covered by its outer chain's suggestion.
  const statement = topLevelStatementAt(context, q.start);
  for (const outer of statement ? legacyQueryHeadsBetween(context, statement.start, statement.end) : legacyQueryHeads(context)) {
    if (outer !== q && outer.start < q.start && outer.end >= q.end && outer.receiver.text === q.receiver.text) return undefined;
  }
  // The lambda returns the first value-producing call; anything after it applies to that value.
  const valueCall = q.chain.calls.find((c) => VALUE_TERMINALS.includes(c.name));
  if (!valueCall) return undefined;
  return runSyncFix(context, q, q.receiver.startIndex, valueCall.call, `Run the legacy query through ${q.receiver.text}.run_sync()`);
}

/** `await X.run_sync(lambda s: <text of [start, top.end) with every use of X written s>)` in place of that range. */
function runSyncFix(context: RuleContext, q: LegacyQuery, start: number, top: Node, title: string): Fix {
  const ctx = chainContext(top);
  const text = context.file.text;
  // Every use of the session inside the range becomes the lambda's sync session.
  const uses: Node[] = [];
  let usesS = false;
  const visit = (n: Node) => {
    if (n.startIndex >= start && n.type === q.receiver.type && n.text === q.receiver.text && !(n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.id === n.id)) {
      uses.push(n);
      return;
    }
    if (n.type === 'identifier' && n.text === 's') usesS = true;
    for (const c of children(n)) visit(c);
  };
  visit(top);
  const param = usesS ? 'sync_session' : 's';
  let body = '';
  let cursor = start;
  for (const use of uses.sort((a, b) => a.startIndex - b.startIndex)) {
    body += text.slice(cursor, use.startIndex) + param;
    cursor = use.endIndex;
  }
  body += text.slice(cursor, top.endIndex);
  const paren = usedAsPrimary(ctx.outer);
  const edits: TextEdit[] = [];
  if (ctx.existingAwait) edits.push({ start: ctx.existingAwait.startIndex, end: ctx.existingAwait.namedChild(0)!.startIndex, newText: '' });
  edits.push({ start, end: top.endIndex, newText: `${paren ? '(' : ''}await ${q.receiver.text}.run_sync(lambda ${param}: ${body})${paren ? ')' : ''}` });
  return { title, applicability: 'safe', edits };
}

/**
 * Every lambda and generator between node and whole runs before whole's value is returned: a
 * generator consumed by a builtin (`sum`, `any`, `sorted`…), a lambda given as `key=` to
 * `sorted`/`min`/`max`/`.sort()`. A lazy one (`map(lambda…)`, a generator returned) would run
 * after `run_sync()` returned, outside it.
 */
function evaluatedWithin(context: RuleContext, node: Node, whole: Node): boolean {
  for (let p = node.parent; p && p.startIndex >= whole.startIndex && p.endIndex <= whole.endIndex; p = p.parent) {
    if (p.type === 'generator_expression' && !consumedWhole(context, p, true)) return false;
    if (p.type === 'lambda') {
      const kw = p.parent;
      if (kw?.type !== 'keyword_argument' || kw.childForFieldName('name')?.text !== 'key') return false;
      const call = kw.parent?.parent;
      const fn = call?.type === 'call' ? call.childForFieldName('function') : undefined;
      const eager = fn?.type === 'identifier' ? ['sorted', 'min', 'max'].includes(fn.text) && !isLocalName(context.facts, fn) && !context.index.resolveName(context.file.moduleName, fn.text) : fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'sort';
      if (!eager) return false;
    }
    if (p.id === whole.id) break;
  }
  return true;
}

/** The whole expression of the statement holding node (a return value, an assignment's right side, an expression statement). */
function statementExpression(node: Node): Node | undefined {
  for (let n = node; n.parent; n = n.parent) {
    const parent = n.parent;
    if (parent.type === 'expression_statement' || parent.type === 'return_statement') return n.type === 'assignment' ? undefined : n;
    if (parent.type === 'assignment' || parent.type === 'augmented_assignment') return parent.childForFieldName('right')?.id === n.id ? n : undefined;
    if (['block', 'module', 'function_definition', 'class_definition'].includes(parent.type)) return undefined;
  }
  return undefined;
}

/** An expression that can move into `lambda s: ...` unchanged: no await/yield/walrus, and no inner lambda rebinding the session's name. */
function runsUnchangedInLambda(expr: Node, receiver: string): boolean {
  const root = receiver.split('.')[0];
  let ok = true;
  walk(expr, (n) => {
    if (!ok) return false;
    if (['await', 'yield', 'named_expression'].includes(n.type)) ok = false;
    if (n.type === 'lambda' && walkFind(n.childForFieldName('parameters') ?? n, (p) => p.type === 'identifier' && p.text === root) && n.childForFieldName('parameters')) ok = false;
    return ok;
  });
  return ok;
}
