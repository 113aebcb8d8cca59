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
import type { FileFacts } from './semantics';
import type { FunctionSummary } from './summary';
import { unparen } from './syntax';

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
