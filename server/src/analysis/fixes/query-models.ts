// ORM knowledge shared by the query rewriter and the AM104/AM105 rules: which names are mapped
// model classes, what their relationships are, and small chain-walking helpers.
import type { Node } from '../parser';
import type { FileFacts } from '../semantics';
import type { ClassSummary, RelationshipSummary } from '../summary';
import { children, dottedName, positionalArguments, unparen, walk } from '../syntax';

export interface ModelRef {
  module: string;
  cls: ClassSummary;
}

const classCache = new WeakMap<FileFacts, Map<number, ModelRef | null>>();

/** The workspace class `expr` names (`User`, `models.User`), if any (cached per node: rules ask often). */
export function classOf(facts: FileFacts, expr: Node | null | undefined): ModelRef | undefined {
  if (!expr || (expr.type !== 'identifier' && expr.type !== 'attribute')) return undefined;
  let cache = classCache.get(facts);
  if (!cache) classCache.set(facts, (cache = new Map()));
  const cached = cache.get(expr.id);
  if (cached !== undefined) return cached ?? undefined;
  // Only names bound to a class at module level can be one; skip the scope walk otherwise.
  const dotted = dottedName(expr);
  const head = dotted ? facts.index.resolveName(facts.moduleName, dotted.split('.')[0]) : undefined;
  const sym = head && (head.kind === 'class' || head.kind === 'module' || head.kind === 'external') ? facts.resolve(expr) : undefined;
  const model = sym?.kind === 'class' ? { module: sym.module, cls: sym.cls } : undefined;
  cache.set(expr.id, model ?? null);
  return model;
}

/** A relationship declared on cls or one of its workspace bases. */
export function relationshipOf(facts: FileFacts, model: ModelRef, name: string, depth = 0): RelationshipSummary | undefined {
  const own = model.cls.relationships[name];
  if (own || depth > 6) return own;
  for (const base of model.cls.bases) {
    const sym = facts.index.resolveDotted(model.module, base);
    if (sym?.kind !== 'class') continue;
    const found = relationshipOf(facts, { module: sym.module, cls: sym.cls }, name, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const relationshipNameCache = new WeakMap<object, { generation: number; names: string[] }>();

/**
 * Every relationship name declared on a workspace class (per index generation): `relationshipOf`
 * finds nothing for any other name, so a text without one of these cannot read a relationship.
 */
export function workspaceRelationshipNames(facts: FileFacts): string[] {
  const { index } = facts;
  const cached = relationshipNameCache.get(index);
  if (cached?.generation === index.generation) return cached.names;
  const names = new Set<string>();
  for (const mod of index.modules()) for (const cls of Object.values(mod.classes)) for (const name of Object.keys(cls.relationships)) names.add(name);
  const entry = { generation: index.generation, names: [...names] };
  relationshipNameCache.set(index, entry);
  return entry.names;
}

/** `User.posts` → the relationship, when `User` is a workspace class with that relationship. */
export function relationshipAttribute(facts: FileFacts, attr: Node): { model: ModelRef; name: string; rel: RelationshipSummary } | undefined {
  if (attr.type !== 'attribute') return undefined;
  const model = classOf(facts, attr.childForFieldName('object'));
  const name = attr.childForFieldName('attribute')?.text;
  if (!model || !name) return undefined;
  const rel = relationshipOf(facts, model, name);
  return rel ? { model, name, rel } : undefined;
}

/**
 * Whether a relationship is a collection: the summary's answer when it has one (uselist,
 * secondary, Mapped[list[...]]), else a plural attribute name (`posts`, `members`) as weaker
 * evidence, since classic `relationship("Post")` declarations do not say.
 */
export function isCollection(rel: RelationshipSummary | undefined, attributeName: string): boolean {
  if (rel?.collection !== undefined) return rel.collection;
  return /[^su]s$|ies$|ses$/.test(attributeName) || /(list|set|collection)$/i.test(attributeName);
}

export const EAGER_LAZY_STRATEGIES = ['selectin', 'joined', 'subquery', 'immediate'];

/** Loader option functions that join a relationship into the same SELECT. */
export const JOINED_LOADERS = ['joinedload', 'contains_eager'];
/** Loader options that load a relationship eagerly (any strategy). */
export const EAGER_LOADERS = ['joinedload', 'selectinload', 'subqueryload', 'immediateload', 'contains_eager'];

/** The last part of a callee name: `orm.joinedload` → `joinedload`. */
export function calleeLast(call: Node): string | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type === 'attribute') return callee.childForFieldName('attribute')?.text;
  return callee?.type === 'identifier' ? callee.text : undefined;
}

/** Every loader-option call (`joinedload(...)`, `.joinedload(...)` chained) inside node. */
export function loaderCalls(node: Node, names: readonly string[]): Node[] {
  const out: Node[] = [];
  walk(node, (n) => {
    if (n.type === 'call') {
      const last = calleeLast(n);
      if (last && names.includes(last)) out.push(n);
    }
  });
  return out;
}

/** The relationship attribute targeted by one loader call: `joinedload(User.posts)` → `User.posts`. */
export function loaderTarget(call: Node): Node | undefined {
  const args = call.childForFieldName('arguments');
  const first = args ? children(args).find((a) => a.type !== 'keyword_argument' && a.type !== 'comment') : undefined;
  return first ? unparen(first) : undefined;
}

/**
 * True when a `joinedload`/`contains_eager` inside node may load a collection: a known
 * collection, or a target the models do not describe (string paths, unknown classes).
 */
export function joinsCollection(facts: FileFacts, node: Node): boolean {
  for (const call of loaderCalls(node, JOINED_LOADERS)) {
    const target = loaderTarget(call);
    if (!target) continue;
    const rel = target.type === 'attribute' ? relationshipAttribute(facts, target) : undefined;
    const name = target.type === 'attribute' ? target.childForFieldName('attribute')!.text : (target.text.replace(/^['"]|['"]$/g, '').split('.').pop() ?? '');
    if (!rel && target.type === 'attribute' && classOf(facts, target.childForFieldName('object'))) {
      // A workspace model without such a relationship: let the unknown case decide by name.
      if (isCollection(undefined, name)) return true;
      continue;
    }
    if (!rel || isCollection(rel.rel, name)) return true;
  }
  return false;
}

/** Method calls chained onto base: `base.a(...).b(...)`; stops at the first attribute that is not called. */
export interface MethodCall {
  name: string;
  nameNode: Node;
  /** The `.` token. */
  dot?: Node;
  attribute: Node;
  call: Node;
  args: Node;
}

export function methodChain(base: Node): { calls: MethodCall[]; top: Node; danglingAttribute?: Node } {
  const calls: MethodCall[] = [];
  let current = base;
  for (;;) {
    const parent = current.parent;
    if (parent?.type !== 'attribute' || parent.childForFieldName('object')?.id !== current.id) break;
    const grand = parent.parent;
    const nameNode = parent.childForFieldName('attribute')!;
    if (grand?.type !== 'call' || grand.childForFieldName('function')?.id !== parent.id) return { calls, top: current, danglingAttribute: parent };
    const args = grand.childForFieldName('arguments');
    if (!args || args.type !== 'argument_list') return { calls, top: current, danglingAttribute: parent };
    const dot = parent.children.find((c) => c?.type === '.') ?? undefined;
    calls.push({ name: nameNode.text, nameNode, dot, attribute: parent, call: grand, args });
    current = grand;
  }
  return { calls, top: current };
}

/** The node whose parent is the chain's real context: skips wrapping parentheses. */
export function outerParens(node: Node): Node {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression' && n.parent.namedChildCount === 1) n = n.parent;
  return n;
}

/** `x = <node>` → x's name node when node is the whole right side of a plain assignment. */
export function assignedName(node: Node): Node | undefined {
  const outer = outerParens(node);
  let parent = outer.parent;
  let value: Node = outer;
  if (parent?.type === 'await') {
    value = parent;
    parent = parent.parent;
  }
  if (parent?.type !== 'assignment' || parent.childForFieldName('right')?.id !== value.id) return undefined;
  const left = parent.childForFieldName('left');
  return left?.type === 'identifier' ? left : undefined;
}

export const positionalArgs = (args: Node): Node[] => positionalArguments(args);

export function keywordArgs(args: Node): Node[] {
  return children(args).filter((a) => a.type === 'keyword_argument');
}
