// AM105 lazy-load-in-async: a relationship read in async code on an object loaded through an
// AsyncSession by a query of the same function that does not eager-load it — the implicit lazy
// load raises MissingGreenlet, the most asked-about async SQLAlchemy failure.
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import type { FunctionFacts } from '../semantics';
import { children, unparen } from '../syntax';
import type { TextEdit } from '../types';
import { ensureFromImport, importedLocalName } from '../fixes/imports';
import { EAGER_LAZY_STRATEGIES, EAGER_LOADERS, classOf, keywordArgs, loaderCalls, loaderTarget, methodChain, outerParens, positionalArgs, relationshipOf, workspaceRelationshipNames, type ModelRef } from '../fixes/query-models';
import { descendants, executionOf, statementCalls, statementOf, type StatementSource } from '../fixes/query-results';

/** Session methods whose awaited result may hold ORM objects. */
const LOADING_METHODS = ['execute', 'scalars', 'scalar', 'get'];

/** Lazy strategies that do not emit a lazy SELECT on access (or fail differently). */
const NOT_LAZY_SELECT = [...EAGER_LAZY_STRATEGIES, 'raise', 'raise_on_sql', 'noload', 'dynamic', 'write_only'];

/** Where the objects came from: the query a fix adds `selectinload` to. */
interface LoadSource {
  model: ModelRef;
  /** The model as written in the query (`ClassSession`, `models.User`). */
  modelText: string;
  /** Relationship names the query already loads eagerly. */
  eager: Set<string>;
  /** A wildcard loader option (`selectinload('*')`, `raiseload('*')`) decides for every relationship. */
  wildcard: boolean;
  statement?: StatementSource;
  get?: Node;
  anchor: Node;
}

type State = 'result' | 'scalars' | 'many' | 'one';

interface Loaded {
  state: State;
  source: LoadSource;
}

function eagerNames(context: RuleContext, model: ModelRef, argsNodes: Node[]): { eager: Set<string>; wildcard: boolean } {
  const eager = new Set<string>();
  let wildcard = false;
  for (const args of argsNodes) {
    for (const call of loaderCalls(args, [...EAGER_LOADERS, 'lazyload', 'raiseload', 'noload', 'defaultload'])) {
      let target = loaderTarget(call);
      if (!target) continue;
      // Loader criteria and subtypes still name the relationship: `Model.rel.and_(…)`, `Model.rel.of_type(X)`.
      while (target.type === 'call') {
        const fn = target.childForFieldName('function');
        if (fn?.type !== 'attribute' || !['and_', 'of_type'].includes(fn.childForFieldName('attribute')?.text ?? '')) break;
        target = fn.childForFieldName('object')!;
      }
      if (target.type === 'string') {
        const path = target.text.replace(/^[rbuRBU]*['"]+|['"]+$/g, '');
        if (path === '*') wildcard = true;
        else eager.add(path.split('.')[0]);
        continue;
      }
      if (target.type !== 'attribute') continue;
      const owner = classOf(context.facts, target.childForFieldName('object'));
      // Chained loaders (`joinedload(A.b).selectinload(B.c)`) target other classes.
      if (owner && owner.cls !== model.cls && owner.cls.name !== model.cls.name) continue;
      eager.add(target.childForFieldName('attribute')!.text);
    }
  }
  return { eager, wildcard };
}

function selectSource(context: RuleContext, statement: StatementSource): LoadSource | undefined {
  const args = statement.select.childForFieldName('arguments');
  const positional = args ? positionalArgs(args) : [];
  if (positional.length !== 1 || keywordArgs(args!).length) return undefined;
  const model = classOf(context.facts, positional[0]);
  if (!model) return undefined;
  const options = statementCalls(statement).filter((c) => c.name === 'options').map((c) => c.args);
  return { model, modelText: positional[0].text, ...eagerNames(context, model, options), statement, anchor: statement.select };
}

function getSource(context: RuleContext, call: Node, args: Node): LoadSource | undefined {
  const first = positionalArgs(args)[0];
  const model = classOf(context.facts, first);
  if (!model) return undefined;
  const options = keywordArgs(args).find((k) => k.childForFieldName('name')?.text === 'options')?.childForFieldName('value');
  return { model, modelText: first.text, ...eagerNames(context, model, options ? [options] : []), get: call, anchor: call };
}

/** What an expression holds: an awaited result, its scalars, a list of objects, or one object. */
function loadedBy(context: RuleContext, fn: FunctionFacts, node: Node, awaited: boolean, depth = 0): Loaded | undefined {
  if (depth > 6) return undefined;
  let n = unparen(node);
  if (n.type === 'await') {
    awaited = true;
    n = unparen(n.namedChild(0)!);
  }
  // Peel method calls off the outside: `(await db.execute(s)).scalars().all()` → base + [scalars, all].
  const methods: string[] = [];
  let base = n;
  for (;;) {
    const exec = base.type === 'call' ? executionOf(base, ['execute', 'scalars', 'scalar', 'get']) : undefined;
    if (exec) break;
    const callee = base.type === 'call' ? base.childForFieldName('function') : undefined;
    if (callee?.type !== 'attribute') break;
    methods.unshift(callee.childForFieldName('attribute')!.text);
    base = unparen(callee.childForFieldName('object')!);
    if (base.type === 'await') {
      awaited = true;
      base = unparen(base.namedChild(0)!);
    }
  }
  let loaded: Loaded | undefined;
  if (base.type === 'call') {
    const exec = executionOf(base, ['execute', 'scalars', 'scalar', 'get']);
    // Evidence of an AsyncSession: the execution is awaited.
    if (!exec || !awaited || context.facts.sessionFlavor(exec.session) === 'sync') return undefined;
    if (exec.method === 'get') {
      const source = getSource(context, base, exec.args);
      loaded = source && { state: 'one', source };
    } else {
      const statement = statementOf(context.facts, positionalArgs(exec.args)[0]);
      const source = statement && selectSource(context, statement);
      const state: State = exec.method === 'execute' ? 'result' : exec.method === 'scalars' ? 'scalars' : 'one';
      loaded = source && { state, source };
    }
  } else if (base.type === 'identifier') {
    loaded = variableLoaded(context, fn, base, depth);
  }
  if (!loaded) return undefined;
  let state: State | undefined = loaded.state;
  for (const method of methods) state = state && step(state, method);
  return state && { state, source: loaded.source };
}

function step(state: State, method: string): State | undefined {
  if (state === 'result') {
    if (method === 'unique') return 'result';
    if (method === 'scalars') return 'scalars';
    if (method === 'scalar_one' || method === 'scalar_one_or_none' || method === 'scalar') return 'one';
    return undefined;
  }
  if (state === 'scalars') {
    if (method === 'unique') return 'scalars';
    if (method === 'all' || method === 'fetchall') return 'many';
    if (method === 'first' || method === 'one' || method === 'one_or_none') return 'one';
  }
  return undefined;
}

function variableLoaded(context: RuleContext, fn: FunctionFacts, name: Node, depth: number): Loaded | undefined {
  const bindings = fn.locals.get(name.text);
  if (bindings?.length !== 1 || bindings[0].statement.startIndex > name.startIndex) return undefined;
  return loadedBy(context, fn, bindings[0].value, bindings[0].viaAsync, depth + 1);
}

interface TrackedObject {
  name: string;
  source: LoadSource;
  /** Where reads count: the function body, a for body, or a comprehension. */
  scope: Node;
  after: number;
}

function trackedObjects(context: RuleContext, fn: FunctionFacts): TrackedObject[] {
  const out: TrackedObject[] = [];
  for (const [name, bindings] of fn.locals) {
    if (bindings.length !== 1 || name.includes('.')) continue;
    const loaded = loadedBy(context, fn, bindings[0].value, bindings[0].viaAsync);
    if (loaded?.state === 'one') out.push({ name, source: loaded.source, scope: fn.node, after: bindings[0].statement.endIndex });
  }
  // From the node index (no native traversal of the function per call).
  for (const loop of context.facts.descendantsOfType(fn.node, ['for_statement', 'for_in_clause'])) {
    const left = loop.childForFieldName('left');
    const right = loop.childForFieldName('right');
    if (left?.type !== 'identifier' || !right || fn.locals.has(left.text)) continue;
    if (context.facts.enclosingFunction(loop)?.node.id !== fn.node.id) continue;
    const loaded = loadedBy(context, fn, right, false);
    if (loaded && (loaded.state === 'scalars' || loaded.state === 'many')) {
      const scope = loop.type === 'for_statement' ? loop.childForFieldName('body')! : loop.parent!;
      out.push({ name: left.text, source: loaded.source, scope, after: 0 });
    }
  }
  return out;
}

/** `obj.rel` reads in scope (not assignments, not inside nested functions). */
function relationshipReads(scope: Node, name: string, after: number): Node[] {
  const out: Node[] = [];
  for (const n of descendants(scope, ['attribute'])) {
    if (n.startIndex < after) continue;
    const object = n.childForFieldName('object');
    if (object?.type !== 'identifier' || object.text !== name) continue;
    const parent = n.parent;
    const assigned = (parent?.type === 'assignment' || parent?.type === 'augmented_assignment') && parent.childForFieldName('left')?.id === n.id;
    if (!assigned && parent?.type !== 'delete_statement') out.push(n);
  }
  return out;
}

/** `await db.refresh(obj, ["rel"])` loads rel explicitly: object name → refreshed relationship names. */
function refreshedRelationships(fn: FunctionFacts): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!fn.node.text.includes('refresh')) return out;
  for (const call of descendants(fn.node, ['call'])) {
    const callee = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'refresh' || !args) continue;
    const target = positionalArgs(args)[0]?.text;
    if (!target) continue;
    const names = out.get(target) ?? new Set<string>();
    for (const m of args.text.matchAll(/['"](\w+)['"]/g)) names.add(m[1]);
    out.set(target, names);
  }
  return out;
}

const selectinloadCache = new WeakMap<object, { text: string; edit?: TextEdit } | null>();

/** How to spell `selectinload` here, plus the import it needs (once per file). */
function selectinloadName(context: RuleContext): { text: string; edit?: TextEdit } | undefined {
  let cached = selectinloadCache.get(context.file);
  if (cached === undefined) selectinloadCache.set(context.file, (cached = computeSelectinloadName(context) ?? null));
  return cached ?? undefined;
}

function computeSelectinloadName(context: RuleContext): { text: string; edit?: TextEdit } | undefined {
  const local = importedLocalName(context.file, 'sqlalchemy.orm', 'selectinload');
  if (local) return { text: local };
  const bound = context.index.resolveName(context.file.moduleName, 'selectinload');
  if (bound && !(bound.kind === 'external' && /^sqlalchemy(\.\w+)*\.selectinload$/.test(bound.dotted))) return undefined;
  if (bound) return { text: 'selectinload' };
  return { text: 'selectinload', edit: ensureFromImport(context.file, 'sqlalchemy.orm', 'selectinload') };
}

/** Adds `selectinload(M.rel)` to the query: into its `.options(...)` or `options=[...]`, else a new `.options(...)`. */
function eagerLoadEdits(context: RuleContext, source: LoadSource, rel: string): TextEdit[] | undefined {
  const loader = selectinloadName(context);
  if (!loader) return undefined;
  const option = `${loader.text}(${source.modelText}.${rel})`;
  const imports = loader.edit ? [loader.edit] : [];
  if (source.statement) {
    const options = methodChain(source.statement.select).calls.filter((c) => c.name === 'options' && c.call.endIndex <= source.statement!.base.endIndex).at(-1);
    const last = options ? children(options.args).filter((a) => a.type !== 'comment').at(-1) : undefined;
    if (options && last) return [{ start: last.endIndex, end: last.endIndex, newText: `, ${option}` }, ...imports];
    const end = source.statement.base.endIndex;
    return [{ start: end, end, newText: `.options(${option})` }, ...imports];
  }
  const args = source.get!.childForFieldName('arguments')!;
  const existing = keywordArgs(args).find((k) => k.childForFieldName('name')?.text === 'options')?.childForFieldName('value');
  if (existing) {
    if (existing.type !== 'list') return undefined;
    const last = children(existing).filter((a) => a.type !== 'comment').at(-1);
    if (!last) return [{ start: existing.startIndex + 1, end: existing.startIndex + 1, newText: option }, ...imports];
    return [{ start: last.endIndex, end: last.endIndex, newText: `, ${option}` }, ...imports];
  }
  const lastArg = children(args).filter((a) => a.type !== 'comment').at(-1)!;
  return [{ start: lastArg.endIndex, end: lastArg.endIndex, newText: `, options=[${option}]` }, ...imports];
}

function check(context: RuleContext): void {
  const { facts, file } = context;
  // A finding reads a workspace relationship by name: without one in the text there is none.
  const relationshipNames = workspaceRelationshipNames(facts);
  if (!relationshipNames.some((name) => file.text.includes(name))) return;
  // Only functions that await a session execution can hold loaded objects.
  const candidates = new Map<number, FunctionFacts>();
  for (const call of facts.scopedNodesOfType(context, 'call')) {
    // The callee's last name comes from the text (cached): most calls are skipped without the tree.
    const last = facts.calleeLastName(call);
    if (last === undefined || !LOADING_METHODS.includes(last)) continue;
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'attribute') continue;
    if (outerParens(call).parent?.type !== 'await') continue;
    const fn = facts.enclosingFunction(call);
    if (fn?.isAsync) candidates.set(fn.node.id, fn);
  }
  for (const fn of candidates.values()) {
    const fnNode = fn.node;
    // The reads are inside the function (offsets into the text: no wasm call for its text).
    const fnText = file.text.slice(fnNode.startIndex, facts.nodes.endIndexOf(fnNode));
    if (!relationshipNames.some((name) => fnText.includes(name))) continue;
    const objects = trackedObjects(context, fn);
    if (!objects.length) continue;
    const refreshes = refreshedRelationships(fn);
    for (const obj of objects) {
      const { source } = obj;
      if (source.wildcard) continue;
      const refreshed = refreshes.get(obj.name) ?? new Set<string>();
      const seen = new Set<string>();
      for (const read of relationshipReads(obj.scope, obj.name, obj.after)) {
        const relName = read.childForFieldName('attribute')!.text;
        if (seen.has(relName) || source.eager.has(relName) || refreshed.has(relName)) continue;
        const rel = relationshipOf(facts, source.model, relName);
        if (!rel || (rel.lazy && NOT_LAZY_SELECT.includes(rel.lazy))) continue;
        if (facts.enclosingFunction(read)?.node.id !== fnNode.id) continue;
        seen.add(relName);
        const edits = eagerLoadEdits(context, source, relName);
        const loadedAt = file.rangeOf(source.anchor.startIndex, source.anchor.endIndex);
        context.report({
          node: read,
          message: `\`${read.text}\` lazy-loads the \`${source.model.cls.name}.${relName}\` relationship, which raises MissingGreenlet in async code: the query that loaded \`${obj.name}\` (line ${loadedAt.start.line + 1}) does not eager-load it — add \`.options(selectinload(${source.modelText}.${relName}))\``,
          fix: edits ? { title: `Eager-load ${source.modelText}.${relName} with selectinload()`, applicability: 'safe', edits } : undefined,
          noFixReason: edits ? undefined : 'the query\'s options cannot be extended automatically',
          related: [{ path: file.path, range: loadedAt, message: `\`${obj.name}\` is loaded here without \`${relName}\`` }],
        });
      }
    }
  }
}

export const lazyLoadInAsync: Rule = {
  code: 'AM105',
  name: 'lazy-load-in-async',
  defaultSeverity: 'error',
  fix: 'always',
  docs: {
    what: 'Reports a relationship attribute read inside `async def` on an object loaded in the same function through an awaited `select(Model)` query (`(await db.execute(...)).scalar_one()`, `result.scalars().first()`, `for u in result.scalars():`, `await db.scalar(...)`, `await db.get(Model, id)`), when neither the query nor the relationship (`lazy="selectin"/"joined"/"subquery"/"immediate"`) loads it eagerly.',
    why: 'In async SQLAlchemy an unloaded relationship cannot be fetched implicitly: the attribute access would have to do IO without `await`, so it raises `sqlalchemy.exc.MissingGreenlet` ("greenlet_spawn has not been called"). It is the most asked-about failure when moving endpoints to `AsyncSession`, and it only shows up at run time, on the first request that touches the relationship.',
    example: 'result = await db.execute(select(ClassSession).where(ClassSession.id == session_id))\nclass_session = result.scalar_one_or_none()\nregistered = [p for p in class_session.participations if p.status == "registered"]',
    useInstead: 'result = await db.execute(\n    select(ClassSession).where(ClassSession.id == session_id).options(selectinload(ClassSession.participations))\n)\nclass_session = result.scalar_one_or_none()\nregistered = [p for p in class_session.participations if p.status == "registered"]',
    limits: [
      'Only objects loaded in the same function are followed; objects returned by services, passed as parameters, or reached through another relationship are not reported.',
      'Relationships are known from the workspace models; objects from `select()` of several entities are not tracked.',
      'A relationship already loaded by an earlier query into the same session (identity map), or via `await obj.awaitable_attrs.rel`, is not recognised unless `await db.refresh(obj, ["rel"])` is used.',
    ],
  },
  locality: 'definition',
  check,
};
