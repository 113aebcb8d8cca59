// Following SQLAlchemy 2.0 statements and their results inside one function:
// `stmt = select(M)...` → `result = await db.execute(stmt)` → `result.scalars().all()`.
// Used by AM104 (joinedload without unique) and AM105 (lazy load in async).
import type { Node } from '../parser';
import type { FileFacts, FunctionFacts } from '../semantics';
import { unparen } from '../syntax';
import { calleeLast, methodChain, outerParens, positionalArgs, type MethodCall } from './query-models';

/** A 2.0 statement: the `select(...)` call it starts from and every chain that builds it. */
export interface StatementSource {
  /** The `select(...)` call at the root. */
  select: Node;
  /** The full chain expression containing `select` (the one a fix edits). */
  base: Node;
  /** Every expression that contributes clauses (the base, plus `stmt = stmt.where(...)` steps). */
  parts: Node[];
  /** The base is held in a variable rebound over several statements. */
  viaVariable: boolean;
}

/** The innermost object of a call/attribute chain: `select(M).where(a).options(b)` → the `select(M)` call. */
export function chainBase(node: Node): Node {
  let n = unparen(node);
  for (;;) {
    if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      if (fn?.type === 'attribute') {
        n = unparen(fn.childForFieldName('object')!);
        continue;
      }
      return n;
    }
    if (n.type === 'attribute') {
      n = unparen(n.childForFieldName('object')!);
      continue;
    }
    return n;
  }
}

function isSelectCall(node: Node): boolean {
  return node.type === 'call' && calleeLast(node) === 'select';
}

/** The statement an `execute(arg)` runs: a select chain written in place or held in a local variable. */
export function statementOf(facts: FileFacts, arg: Node | undefined): StatementSource | undefined {
  if (!arg) return undefined;
  const expr = unparen(arg);
  const root = chainBase(expr);
  if (isSelectCall(root)) return { select: root, base: expr, parts: [expr], viaVariable: false };
  if (root.type !== 'identifier' || expr.id !== root.id) return undefined;
  const fn = facts.enclosingFunction(expr);
  const bindings = fn?.locals.get(root.text);
  if (!bindings?.length) return undefined;
  let base: Node | undefined;
  const parts: Node[] = [];
  for (const binding of bindings) {
    if (binding.statement.startIndex > expr.startIndex) continue;
    const bindingRoot = chainBase(binding.value);
    if (isSelectCall(bindingRoot)) {
      if (base) return undefined; // two different statements: cannot tell which one runs
      base = binding.value;
    } else if (!(bindingRoot.type === 'identifier' && bindingRoot.text === root.text)) return undefined;
    parts.push(binding.value);
  }
  if (!base) return undefined;
  return { select: chainBase(base), base, parts, viaVariable: bindings.length > 1 };
}

/** The method calls of every part of a statement (`.options(...)`, `.where(...)`…). */
export function statementCalls(source: StatementSource): MethodCall[] {
  return source.parts.flatMap((part) => methodChain(chainBase(part)).calls.filter((c) => c.call.endIndex <= part.endIndex));
}

/** `db.execute(...)` and friends, with the node standing for their value (the `await`, without parentheses). */
export interface Execution {
  call: Node;
  method: string;
  session: Node;
  args: Node;
  awaited: boolean;
  /** The expression a result chain starts from: `(await db.execute(s))` or `db.execute(s)`. */
  valueNode: Node;
}

export function executionOf(call: Node, methods: readonly string[]): Execution | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute') return undefined;
  const method = fn.childForFieldName('attribute')!.text;
  if (!methods.includes(method)) return undefined;
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return undefined;
  // A session execution takes a statement; `result.scalars()` / `.scalars(0)` are result methods.
  const first = positionalArgs(args)[0];
  if (!first || first.type === 'integer') return undefined;
  const parent = outerParens(call).parent;
  const awaited = parent?.type === 'await';
  const valueNode = awaited ? outerParensOrSelf(parent!) : outerParensOrSelf(call);
  return { call, method, session: fn.childForFieldName('object')!, args, awaited, valueNode };
}

/** The parenthesised form of node when it is wrapped (a chain then continues on the parentheses). */
function outerParensOrSelf(node: Node): Node {
  return node.parent?.type === 'parenthesized_expression' && node.parent.namedChildCount === 1 ? node.parent : node;
}

export function firstArgument(args: Node): Node | undefined {
  return positionalArgs(args)[0];
}

/** Descendants of the given types, found natively (a JS-side walk would marshal every token). */
export function descendants(node: Node, types: string[]): Node[] {
  return node.descendantsOfType(types).filter((n): n is Node => n !== null);
}

/** Occurrences of a local name inside fn after offset (not in nested functions; not attribute names or keywords). */
export function nameUses(fn: FunctionFacts, name: string, after: number): Node[] {
  const out: Node[] = [];
  const body = fn.node.childForFieldName('body');
  if (!body) return out;
  for (const n of descendants(body, ['identifier'])) {
    if (n.startIndex < after || n.text !== name) continue;
    const parent = n.parent;
    const attributeName = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === n.id;
    const keywordName = parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === n.id;
    if (attributeName || keywordName) continue;
    // Uses inside nested functions or lambdas run at another time; not this result's reads.
    if (insideNestedScope(n, fn.node)) continue;
    out.push(n);
  }
  return out;
}

function insideNestedScope(node: Node, fnNode: Node): boolean {
  for (let p = node.parent; p && p.id !== fnNode.id; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return true;
  }
  return false;
}

/** True when node (or its parenthesised form) is the iterable of a `for` or a comprehension, or passed to list()/tuple()/set()/sorted(). */
export function iteratedAs(node: Node): boolean {
  const outer = outerParens(node);
  const parent = outer.parent;
  if ((parent?.type === 'for_statement' || parent?.type === 'for_in_clause') && parent.childForFieldName('right')?.id === outer.id) return true;
  if (parent?.type === 'argument_list' && positionalArgs(parent).length === 1) {
    const call = parent.parent;
    const callee = call?.childForFieldName('function');
    return callee?.type === 'identifier' && ['list', 'tuple', 'set', 'sorted'].includes(callee.text);
  }
  return false;
}
