// What a function does with the SQLAlchemy sessions it is given: writes (add, delete, flush,
// bulk update/insert/delete …), commits, and the calls it hands a session to. Summarised per
// function for AM106 (a write no one commits) and AM107 (objects expired by a commit), and
// read in order inside a handler.
import type { Node } from './parser';
import { children, dottedName, isIdentifierChar } from './syntax';
import { someInRange } from './sorted';
import { TreeIndex } from './tree-index';

/** Session methods that leave pending changes the next commit writes (or flush writes now). */
const WRITE_METHODS = new Set(['add', 'add_all', 'delete', 'flush', 'merge', 'bulk_save_objects', 'bulk_insert_mappings', 'bulk_update_mappings']);
/** Statements that change rows when executed. */
const WRITE_STATEMENTS = new Set(['update', 'insert', 'delete']);
/** Parameters summarised as sessions: annotated `…Session…`, or named like one (`db`, `session`, `db_session`…). */
const SESSION_PARAM_NAME = /(^|_)(db|session|sess)(_|$)/i;

export type SessionEvent =
  | { kind: 'write'; session: string; call: Node; method: string }
  | { kind: 'commit'; session: string; call: Node }
  | { kind: 'refresh'; session: string; call: Node; target?: string }
  /** Any other method call on the session (`query`, `get`, `execute` of a select …). */
  | { kind: 'use'; session: string; call: Node; method: string }
  /** A call that receives the session as an argument (position among the call's positionals, or keyword). */
  | { kind: 'handoff'; session: string; call: Node; callee: string; position?: number; keyword?: string };

export interface SessionDelegate {
  callee: string;
  /** The caller's parameter handed on. */
  param: string;
  position?: number;
  keyword?: string;
}

export interface SessionEffects {
  /** Parameters the function writes through directly. */
  writes?: string[];
  /** Parameters the function commits. */
  commits?: string[];
  /** Parameters used as a sync `Session`: `.query(…)`, or `.execute/.commit/.get/…` not awaited. */
  syncUses?: string[];
  /** Calls the function hands a session parameter to. */
  delegates?: SessionDelegate[];
  /** A generator dependency that commits after its `yield` (or yields inside `session.begin()`). */
  commitsOnExit?: boolean;
  /** Dotted callee of the factory whose session a generator dependency yields (`AsyncSessionLocal`). */
  yieldsSessionFrom?: string;
}

/** The innermost statement-level call chain's root call: `update(M)` in `update(M).where(...).values(...)`. */
function rootCall(node: Node | null | undefined): Node | undefined {
  let n = node;
  while (n?.type === 'call') {
    const fn = n.childForFieldName('function');
    if (fn?.type === 'attribute' && fn.childForFieldName('object')?.type === 'call') n = fn.childForFieldName('object');
    else return n;
  }
  return undefined;
}

function isWriteStatement(arg: Node | undefined): boolean {
  if (!arg) return false;
  const root = rootCall(arg);
  const name = root ? dottedName(root.childForFieldName('function'))?.split('.').pop() : undefined;
  if (name && WRITE_STATEMENTS.has(name)) return true;
  // text("UPDATE …") / "DELETE FROM …"
  return /^(\w+\.)?text\(\s*[rRbBfFuU]?["']{1,3}\s*(update|insert|delete)\b/i.test(arg.text);
}

/** The events of fn's own scope (nested functions excluded) for the given session names, in order. */
export function sessionEvents(fn: Node, sessions: ReadonlySet<string>): SessionEvent[] {
  const body = fn.childForFieldName('body');
  if (!body || !sessions.size) return [];
  // Every event names a session as an identifier inside its call: calls without one are skipped
  // before any node of theirs is read (most calls of a body).
  const mentions = identifierMentions(body.text, body.startIndex, sessions, !fn.tree.rootNode.hasError);
  if (!mentions.length) return [];
  const nodes = TreeIndex.of(fn.tree);
  const events: SessionEvent[] = [];
  for (const call of nodes.descendantsOfType(body, 'call')) {
    if (!someInRange(mentions, call.startIndex, call.endIndex)) continue;
    if (nodes.enclosingScope(call)?.node.id !== fn.id) continue;
    const callee = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    if (callee?.type === 'attribute') {
      const receiver = callee.childForFieldName('object');
      const method = callee.childForFieldName('attribute')?.text ?? '';
      if (receiver?.type === 'identifier' && sessions.has(receiver.text)) {
        const session = receiver.text;
        const first = args ? children(args).find((a) => a.isNamed && a.type !== 'keyword_argument' && a.type !== 'comment') : undefined;
        if (WRITE_METHODS.has(method) || (method === 'execute' && isWriteStatement(first))) events.push({ kind: 'write', session, call, method });
        else if (method === 'commit') events.push({ kind: 'commit', session, call });
        else if (method === 'refresh') events.push({ kind: 'refresh', session, call, target: first?.type === 'identifier' ? first.text : undefined });
        else events.push({ kind: 'use', session, call, method });
        continue;
      }
    }
    if (args?.type !== 'argument_list') continue;
    let position = 0;
    for (const arg of children(args)) {
      if (!arg.isNamed || arg.type === 'comment') continue;
      if (arg.type === 'keyword_argument') {
        const value = arg.childForFieldName('value');
        if (value?.type === 'identifier' && sessions.has(value.text)) {
          events.push({ kind: 'handoff', session: value.text, call, callee: dottedName(callee) ?? '', keyword: arg.childForFieldName('name')?.text });
        }
        continue;
      }
      if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') break; // positions unknown from here
      if (arg.type === 'identifier' && sessions.has(arg.text)) events.push({ kind: 'handoff', session: arg.text, call, callee: dottedName(callee) ?? '', position });
      position++;
    }
  }
  return events;
}

/**
 * The offsets (sorted, from `base`) where one of names is written in text: a superset of the
 * identifiers spelled so. With `whole`, only where no ASCII identifier character stands on either
 * side (a parse without errors lexes identifiers whole; error recovery is not trusted to).
 */
function identifierMentions(text: string, base: number, names: ReadonlySet<string>, whole: boolean): number[] {
  const offsets: number[] = [];
  for (const name of names) {
    if (!name) continue;
    for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + 1)) {
      if (!whole || (!isIdentifierChar(text.charCodeAt(i - 1)) && !isIdentifierChar(text.charCodeAt(i + name.length)))) offsets.push(base + i);
    }
  }
  return names.size > 1 ? offsets.sort((a, b) => a - b) : offsets;
}

/** Methods an AsyncSession only offers as coroutines: called without `await`, the session is a sync one. */
const COROUTINE_METHODS = new Set(['execute', 'commit', 'flush', 'refresh', 'get', 'scalar', 'scalars', 'delete', 'merge', 'rollback', 'close']);

function usedAsSyncSession(event: Exclude<SessionEvent, { kind: 'handoff' }>): boolean {
  const method = event.kind === 'commit' ? 'commit' : event.kind === 'refresh' ? 'refresh' : event.method;
  if (method === 'query') return true;
  return COROUTINE_METHODS.has(method) && event.call.parent?.type !== 'await';
}

/** The factory call bound to `name` by `async with X() as name` / `name = X()` in fn's scope. */
function factoryOf(fn: Node, name: string): string | undefined {
  const nodes = TreeIndex.of(fn.tree);
  for (const target of nodes.descendantsOfType(fn, 'as_pattern_target')) {
    if (target.text !== name) continue;
    const pattern = target.parent;
    const value = pattern?.namedChild(0);
    const root = rootCall(value);
    if (root) return dottedName(root.childForFieldName('function'));
  }
  for (const assign of nodes.descendantsOfType(fn, 'assignment')) {
    if (assign.childForFieldName('left')?.text !== name) continue;
    const right = assign.childForFieldName('right');
    if (right?.type === 'call') return dottedName(right.childForFieldName('function'));
  }
  return undefined;
}

/** Summary of fn's session effects on its parameters (undefined when it has none). */
export function sessionEffects(fn: Node, params: readonly string[], annotations: Record<string, string>, isGenerator: boolean): SessionEffects | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const effects: SessionEffects = {};
  const names = new Set(params.filter((p) => /^\w+$/.test(p) && (SESSION_PARAM_NAME.test(p) || /Session/.test(annotations[p] ?? ''))));
  for (const event of names.size ? sessionEvents(fn, names) : []) {
    if (event.kind === 'write') (effects.writes ??= []).includes(event.session) || effects.writes.push(event.session);
    else if (event.kind === 'commit') (effects.commits ??= []).includes(event.session) || effects.commits.push(event.session);
    else if (event.kind === 'handoff' && event.callee) (effects.delegates ??= []).push({ callee: event.callee, param: event.session, position: event.position, keyword: event.keyword });
    if (event.kind !== 'handoff' && usedAsSyncSession(event)) (effects.syncUses ??= []).includes(event.session) || effects.syncUses.push(event.session);
  }
  if (isGenerator && /\byield\b/.test(body.text)) {
    const nodes = TreeIndex.of(fn.tree);
    const yields = nodes.descendantsOfType(body, 'yield').filter((y) => nodes.enclosingScope(y)?.node.id === fn.id);
    const yielded = yields.map((y) => y.namedChild(0)).find((v) => v?.type === 'identifier');
    if (yielded) {
      const from = factoryOf(fn, yielded.text);
      if (from) effects.yieldsSessionFrom = from;
      const commitsAfter = sessionEvents(fn, new Set([yielded.text])).some((e) => e.kind === 'commit' && yields.some((y) => e.call.startIndex > y.startIndex));
      // `async with factory.begin() as s: yield s` / `async with s.begin(): yield s` commit on a clean exit.
      const inBegin = nodes.descendantsOfType(body, 'with_statement').some((w) => {
        const clause = w.namedChildren.find((c) => c?.type === 'with_clause');
        return !!clause && /\.begin\s*\(/.test(clause.text) && yields.some((y) => y.startIndex > w.startIndex && y.endIndex <= w.endIndex);
      });
      if (commitsAfter || inBegin) effects.commitsOnExit = true;
    }
  }
  return Object.keys(effects).length ? effects : undefined;
}
