// "Is this proven async?" — the one place every fix that writes `await` (or `async for`) asks
// (PRODUCT.md §1.2). A fix states the fact it relies on; when the fact does not hold the finding
// may still be reported (a sync Session in `async def` blocks the loop) but gets no edit.
//
// Proof, in evidence order: an annotation, a `Depends(...)` whose dependency is known, a factory /
// constructor call, a module-level variable whose kind the summary knows, a configured name.
// A name guess (`db`, `session`) is never proof.
//
// Who asks (every fix that writes `await`): AM101 and the awaited query rewrite (session), AM201
// (session, HTTP client, coroutine function), AM302 and AM301's `async for` (Redis), AM204's
// rename and AM202/AM203's twin switch (coroutine function, no sync Session argument — with
// call-binding.ts). AM601 awaits only the `asyncio.sleep` / `asyncio.to_thread` call it writes,
// and AM205 adds no `await`. "Migrate this endpoint" combines these fixes and then refuses any
// handler that is not consistent. fix-invariant.ts checks the result independently.
import { annotationType } from './annotation';
import { enclosingFunctionFacts, isCoroutineFunction } from './callee';
import type { Node } from './parser';
import { isAwaitedExpr } from './fixes/await';
import type { FileFacts, FunctionFacts } from './semantics';
import type { FunctionSummary } from './summary';
import { unparen } from './syntax';

/** AsyncSession methods that return coroutines (add/add_all/expunge/begin/in_transaction… do not). */
export const ASYNC_SESSION_COROUTINES: ReadonlySet<string> = new Set([
  'execute', 'scalar', 'scalars', 'get', 'get_one', 'commit', 'rollback', 'flush', 'refresh', 'merge', 'delete', 'close',
  'run_sync', 'stream', 'stream_scalars', 'connection', 'invalidate', 'reset',
]);

export type ReceiverKind = 'session' | 'redis' | 'http';

export type AsyncProof =
  | { proven: true; fact: string }
  /** knownSync: the engine has evidence the receiver is sync (not merely unknown). */
  | { proven: false; knownSync: boolean; reason: string };

const WHAT: Record<ReceiverKind, { async: string; sync: string }> = {
  session: { async: 'an `AsyncSession`', sync: 'a sync `Session`' },
  redis: { async: 'an async Redis client', sync: 'a sync Redis client' },
  http: { async: 'an async HTTP client', sync: 'a sync HTTP client' },
};

const ASYNC_HTTP_CLIENTS = new Set(['httpx.AsyncClient', 'aiohttp.ClientSession']);

/** Whether expr holds an async HTTP client (httpx.AsyncClient, aiohttp.ClientSession): annotation, construction, module variable. */
function isAsyncHttpClient(facts: FileFacts, expr: Node): boolean {
  if (expr.type === 'identifier') {
    const fn = enclosingFunctionFacts(facts, expr);
    const param = fn?.params.get(expr.text);
    if (param) {
      // Read as a type: `list[httpx.AsyncClient]` holds clients, it is not one.
      const type = param.annotation ? annotationType(param.annotation.text) : undefined;
      if (type?.kind !== 'instance') return false;
      const sym = facts.index.resolveDotted(facts.moduleName, type.name);
      return sym?.kind === 'external' && ASYNC_HTTP_CLIENTS.has(sym.dotted);
    }
    const bindings = fn?.locals.get(expr.text);
    if (bindings?.length) {
      return bindings.every((b) => {
        const value = unparen(b.value);
        return value.type === 'call' && ASYNC_HTTP_CLIENTS.has(facts.canonical(value.childForFieldName('function')) ?? '');
      });
    }
  }
  const sym = expr.type === 'identifier' || expr.type === 'attribute' ? facts.resolve(expr) : undefined;
  return sym?.kind === 'variable' && sym.variableKind === 'asyncHttpClient';
}

/** Whether the object a method is called on is proven async (an AsyncSession, an async Redis client). */
export function asyncReceiverProof(facts: FileFacts, receiver: Node, kind: ReceiverKind): AsyncProof {
  const node = unparen(receiver);
  const flavor = kind === 'session' ? facts.sessionFlavor(node) : kind === 'redis' ? facts.redisFlavor(node) : isAsyncHttpClient(facts, node) ? 'async' : undefined;
  if (flavor === 'async') return { proven: true, fact: `\`${node.text}\` is ${WHAT[kind].async}` };
  if (flavor === 'sync') return { proven: false, knownSync: true, reason: `\`${node.text}\` is ${WHAT[kind].sync}: awaiting its calls raises \`TypeError\`` };
  return { proven: false, knownSync: false, reason: `nothing proves \`${node.text}\` is ${WHAT[kind].async} (an annotation, an async dependency or an async factory would)` };
}

/** Whether a workspace function is proven to return a coroutine when called. */
export function coroutineFunctionProof(fn: FunctionSummary, label: string): AsyncProof {
  if (isCoroutineFunction(fn)) return { proven: true, fact: `\`${label}\` is \`async def\`` };
  if (!fn.isAsync) return { proven: false, knownSync: true, reason: `\`${label}\` is a plain \`def\`: awaiting its result raises \`TypeError\`` };
  return { proven: false, knownSync: false, reason: fn.isGenerator ? `\`${label}\` is an async generator (iterate it with \`async for\`)` : `a decorator of \`${label}\` may change what a call returns` };
}

/**
 * The first argument of call that holds a sync Session (annotation, dependency or factory says
 * so). An async callee that receives it would `await` a sync Session's methods: a call switched
 * to an async function (twin switch, rename) must not pass one.
 */
export function syncSessionArgument(facts: FileFacts, call: Node): Node | undefined {
  const args = call.childForFieldName('arguments');
  if (args?.type !== 'argument_list') return undefined;
  for (const arg of args.namedChildren) {
    const value = arg?.type === 'keyword_argument' ? arg.childForFieldName('value') : arg;
    if (!value) continue;
    const n = unparen(value);
    if ((n.type === 'identifier' || n.type === 'attribute') && facts.sessionFlavor(n) === 'sync') return n;
  }
  return undefined;
}

/** Session methods that stay plain calls on an AsyncSession (no `await`). */
export const SAME_ON_ASYNC_SESSION: ReadonlySet<string> = new Set(['add', 'add_all', 'expunge', 'expunge_all', 'in_transaction', 'is_modified']);

/** Session methods whose result an AsyncSession enters with `async with` (a sync Session's cannot be). */
const SESSION_CONTEXTS: ReadonlySet<string> = new Set(['begin', 'begin_nested']);

/** Whether call is the context expression of an `async with`. */
function inAsyncWith(call: Node): boolean {
  let n = call.parent;
  if (n?.type === 'as_pattern') n = n.parent;
  if (n?.type !== 'with_item') return false;
  const statement = n.parent?.type === 'with_clause' ? n.parent.parent : n.parent;
  return statement?.type === 'with_statement' && statement.child(0)?.type === 'async';
}

/**
 * Whether the body of fn proves that its parameter `name` holds an AsyncSession at run time,
 * whatever its annotation says: it awaits the session's coroutine methods (`await
 * session.execute(...)` raises `TypeError` on a sync Session), and every other use is a method
 * that is the same on an AsyncSession (`add`). Any other use (`.query`, an un-awaited `execute`,
 * the session passed on or read as a value, a nested function) leaves it unproven.
 */
export function awaitedSessionUseProof(facts: FileFacts, fn: FunctionFacts, name: string): AsyncProof {
  const body = fn.node.childForFieldName('body');
  const line = (n: Node) => `line ${n.startPosition.row + 1}`;
  const unproven = (reason: string): AsyncProof => ({ proven: false, knownSync: false, reason });
  let evidence: string | undefined;
  for (const id of body ? facts.descendantsOfType(body, 'identifier') : []) {
    if (id.text !== name) continue;
    const parent = id.parent;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id) continue;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === id.id) continue;
    if (facts.enclosingFunction(id)?.node.id !== fn.node.id) return unproven(`\`${name}\` is used in a nested function (${line(id)})`);
    const call = parent?.type === 'attribute' && parent.parent?.type === 'call' && parent.parent.childForFieldName('function')?.id === parent.id ? parent.parent : undefined;
    const method = call ? parent!.childForFieldName('attribute')!.text : undefined;
    if (!call || !method) return unproven(`\`${parent?.text ?? name}\` (${line(id)}) is not a session method call`);
    if (SAME_ON_ASYNC_SESSION.has(method)) continue;
    if (ASYNC_SESSION_COROUTINES.has(method) && isAwaitedExpr(call)) {
      evidence ??= `\`await ${name}.${method}(...)\` on ${line(call)}`;
      continue;
    }
    if (SESSION_CONTEXTS.has(method) && inAsyncWith(call)) {
      evidence ??= `\`async with ${name}.${method}()\` on ${line(call)}`;
      continue;
    }
    const why = ASYNC_SESSION_COROUTINES.has(method) ? 'not awaited' : SESSION_CONTEXTS.has(method) ? 'not in `async with`' : 'not a method the engine knows on an `AsyncSession`';
    return unproven(`\`${name}.${method}()\` (${line(id)}) is ${why}`);
  }
  return evidence ? { proven: true, fact: evidence } : unproven(`no method of \`${name}\` is awaited`);
}
