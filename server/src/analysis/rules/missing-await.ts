// AM201 missing-await: a coroutine that is created and never awaited (seed error 2).
import {
  type Callable,
  calleeLastName,
  definitionLocation,
  fileFunctionNames,
  resolveCall,
  resolveExpression,
  workspaceNames,
} from '../callee';
import { ASYNC_SESSION_COROUTINES, asyncReceiverProof, coroutineFunctionProof } from '../async-evidence';
import { insertAwaitEdits, isAwaitedExpr, makeAsyncEdits, scopeOf } from '../fixes/await';
import { awaitBlocker } from '../fixes/awaiting';
import type { Node } from '../parser';
import type { Report, Rule, RuleContext } from '../rule';
import type { FileFacts } from '../semantics';
import { children, dottedName, unparen } from '../syntax';
import { ensureModuleImport, moduleImportLocal } from '../fixes/imports';
import type { SourceFile } from '../source';
import type { RelatedInfo, TextEdit } from '../types';

/** httpx.AsyncClient / aiohttp.ClientSession request methods (awaited, or `async with` for aiohttp). */
const HTTP_COROUTINES: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'send', 'aclose', 'close', 'ws_connect']);
/** Standard-library coroutine functions (by canonical name). */
const EXTERNAL_COROUTINES = new Set([
  'asyncio.sleep', 'asyncio.to_thread', 'asyncio.wait_for', 'asyncio.wait', 'asyncio.open_connection', 'asyncio.start_server',
  'asyncio.create_subprocess_exec', 'asyncio.create_subprocess_shell',
]);
const EXTERNAL_COROUTINE_NAMES = new Set([...EXTERNAL_COROUTINES].map((n) => n.split('.').pop()!));

/** Callees (by last name) that take a coroutine and run, schedule or collect it. */
const CONSUMERS = new Set([
  'gather', 'create_task', 'ensure_future', 'wait_for', 'wait', 'shield', 'as_completed', 'run', 'run_until_complete',
  'run_coroutine_threadsafe', 'iscoroutine', 'isawaitable', 'Task', 'append', 'extend', 'add', 'insert', 'put', 'put_nowait',
  'start_soon', 'spawn', 'timeout',
]);
/** Builtins that certainly do not await their argument. */
const BUILTINS = new Set([
  'print', 'len', 'str', 'int', 'float', 'bool', 'list', 'dict', 'set', 'tuple', 'repr', 'sorted', 'sum', 'any', 'all', 'max',
  'min', 'isinstance', 'getattr', 'hasattr', 'enumerate', 'zip', 'map', 'filter', 'iter', 'next', 'abs', 'round', 'format',
  'hash', 'type', 'vars',
]);
/** Expressions a value flows through unchanged into a collection (collected coroutines are awaited later, e.g. by gather). */
const COLLECTIONS = new Set(['list', 'tuple', 'set', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression', 'expression_list', 'list_splat']);
const AWAITABLE_PARAM = /\b(Awaitable|Coroutine|Future|Task)\b/;
const AWAITABLE_PARAM_NAME = /^(coro|coroutine|awaitable|aw|task|fut|future)s?$|_(coro|coroutine|awaitable|task)s?$/;

type Source =
  | { kind: 'workspace'; callable: Callable; what: string }
  | { kind: 'session' | 'http' | 'external'; what: string };

function lastName(callee: Node | null): string | undefined {
  if (!callee) return undefined;
  if (callee.type === 'identifier') return callee.text;
  if (callee.type === 'attribute') return callee.childForFieldName('attribute')!.text;
  return undefined;
}

function coroutineSource(facts: FileFacts, call: Node): Source | undefined {
  const callee = call.childForFieldName('function');
  if (!callee) return undefined;
  const callable = resolveCall(facts, call);
  if (callable) {
    if (!coroutineFunctionProof(callable.fn, callable.name).proven) return undefined;
    const owner = callable.className ? `${callable.className}.${callable.name}` : callable.name;
    return { kind: 'workspace', callable, what: `\`${owner}\` is \`async def\`` };
  }
  const canonical = EXTERNAL_COROUTINE_NAMES.has(calleeLastName(call) ?? '') ? facts.canonical(callee) : undefined;
  if (canonical && EXTERNAL_COROUTINES.has(canonical)) return { kind: 'external', what: `\`${canonical}()\` is a coroutine function` };
  if (callee.type !== 'attribute') return undefined;
  const method = callee.childForFieldName('attribute')!.text;
  const receiver = unparen(callee.childForFieldName('object')!);
  if (ASYNC_SESSION_COROUTINES.has(method) && asyncReceiverProof(facts, receiver, 'session').proven) {
    return { kind: 'session', what: `\`${receiver.text}\` is an \`AsyncSession\` and \`${method}()\` is a coroutine` };
  }
  if (HTTP_COROUTINES.has(method) && asyncReceiverProof(facts, receiver, 'http').proven) {
    return { kind: 'http', what: `\`${receiver.text}\` is an async HTTP client and \`${method}()\` is a coroutine` };
  }
  return undefined;
}

/** The argument's parameter in a workspace function, by position or keyword. */
function parameterFor(callable: Callable, args: Node, arg: Node): string | undefined {
  const params = callable.fn.params;
  if (arg.parent?.type === 'keyword_argument') {
    const name = arg.parent.childForFieldName('name')?.text;
    // `f(x=coro())` on `def f(**kwargs)`: the value lands in kwargs.
    return name && !params.includes(name) ? (params.find((p) => p.startsWith('**')) ?? name) : name;
  }
  const positional = args.type === 'argument_list' ? children(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment') : [args];
  const index = positional.findIndex((a) => a.id === arg.id);
  if (index < 0 || positional.slice(0, index).some((a) => a.type === 'list_splat')) return undefined;
  // Positional slots end at `*`, `*args` or `**kwargs`; `*args` takes every remaining positional argument.
  const skipSelf = callable.className && callable.receiver && (callable.receiver.kind === 'instance' || callable.viaSelf) && !callable.fn.decorators.includes('staticmethod') ? 1 : 0;
  const slots = params.filter((p) => p !== '/');
  const end = slots.findIndex((p) => p.startsWith('*'));
  const position = index + skipSelf;
  if (end < 0 || position < end) return slots[position];
  return slots[end].startsWith('**') || slots[end] === '*' ? undefined : slots[end];
}

const LOG_METHODS = new Set(['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log']);

/** `log.info(...)`, `logging.warning(...)`: a logger formats its arguments, it never awaits them. */
function loggingCall(facts: FileFacts, callee: Node | null): boolean {
  if (callee?.type !== 'attribute' || !LOG_METHODS.has(callee.childForFieldName('attribute')!.text)) return false;
  const receiver = unparen(callee.childForFieldName('object')!);
  const sym = receiver.type === 'identifier' || receiver.type === 'attribute' ? facts.resolve(receiver) : undefined;
  if (sym?.kind === 'external') return /^(logging|structlog|loguru)(\.|$)/.test(sym.dotted);
  if (sym?.kind === 'variable') return /(^|\.)(getLogger|get_logger)$/.test(sym.variable.callee ?? '');
  return /^(self\.)?_*(log|logger)$/i.test(receiver.text);
}

/** True when the call receiving value as an argument runs/schedules/collects it, or may (unknown callee). */
function argumentConsumed(facts: FileFacts, outer: Node, value: Node): boolean {
  const callee = outer.childForFieldName('function');
  const name = lastName(callee);
  if (name && CONSUMERS.has(name)) return true;
  const args = outer.childForFieldName('arguments');
  const callable = resolveCall(facts, outer);
  if (callable && args) {
    const param = args.type === 'argument_list' ? parameterFor(callable, args, value) : parameterFor(callable, args, args);
    if (!param) return true;
    const annotation = callable.fn.paramAnnotations?.[param];
    if (annotation) return AWAITABLE_PARAM.test(annotation);
    return AWAITABLE_PARAM_NAME.test(param.replace(/^\*+/, ''));
  }
  if (loggingCall(facts, callee)) return false;
  const resolved = resolveExpression(facts, callee);
  if (resolved?.kind === 'class' || resolved?.kind === 'external') return false;
  if (callee?.type === 'identifier' && BUILTINS.has(callee.text) && !resolved) return false;
  // An unknown callee may well await what it is given: stay silent.
  return true;
}

/** The node whose parent uses the value of expr (climbing parentheses and conditional branches). */
function valueHolder(expr: Node): Node {
  let node = expr;
  while (node.parent && (node.parent.type === 'parenthesized_expression' || (node.parent.type === 'conditional_expression' && node.parent.namedChild(1)?.id !== node.id))) node = node.parent;
  return node;
}

/** True when a use of a name holding the coroutine awaits, schedules, returns or hands it on. */
function consumingUse(facts: FileFacts, use: Node): boolean {
  if (isAwaitedExpr(use)) return true;
  const node = valueHolder(use);
  const parent = node.parent;
  if (!parent) return false;
  if (COLLECTIONS.has(parent.type) || (parent.type === 'pair' && parent.parent?.type === 'dictionary_comprehension')) return true;
  switch (parent.type) {
    case 'return_statement':
    case 'yield':
      return !scopeOf(use, facts).isAsync;
    case 'attribute':
      // Driving the coroutine by hand (`coro.send(None)`, `coro.close()`).
      return parent.childForFieldName('object')?.id === node.id && ['send', 'throw', 'close', '__await__'].includes(parent.childForFieldName('attribute')!.text);
    case 'assignment':
    case 'augmented_assignment':
    case 'named_expression':
    case 'for_statement':
    case 'for_in_clause':
      return true;
    case 'keyword_argument':
      return parent.parent?.type === 'argument_list' && argumentConsumed(facts, parent.parent.parent!, node);
    case 'argument_list':
      return argumentConsumed(facts, parent.parent!, node);
    case 'with_item':
    case 'as_pattern':
      return true;
  }
  return false;
}

/** Whether an unawaited coroutine call is used correctly where it stands. */
function legitimate(facts: FileFacts, call: Node, scopeIsAsync: boolean): boolean {
  // Climb out of collections: what matters is what happens to the collection.
  let node = valueHolder(call);
  let collected = false;
  // (`*coro` itself unpacks a coroutine: a bug; `*[coros…]` hands the collection on.)
  while (node.parent && (COLLECTIONS.has(node.parent.type) || (node.parent.type === 'pair' && node.parent.parent?.type === 'dictionary_comprehension')) && (collected || node.parent.type !== 'list_splat')) {
    node = valueHolder(node.parent);
    collected = true;
  }
  const parent = node.parent;
  if (!parent) return false;
  if (collected && ['return_statement', 'yield', 'for_statement', 'for_in_clause'].includes(parent.type)) return true;
  switch (parent.type) {
    case 'call':
      // `f(x for x in xs)`: the generator is the whole argument list.
      return parent.childForFieldName('arguments')?.id === node.id && argumentConsumed(facts, parent, node);
    case 'argument_list':
      return argumentConsumed(facts, parent.parent!, node);
    case 'keyword_argument':
      return parent.parent?.type === 'argument_list' && argumentConsumed(facts, parent.parent.parent!, node);
    case 'return_statement':
    case 'yield':
      // A plain def may hand the coroutine to its caller; an async def returning one is a bug.
      return !scopeIsAsync;
    case 'with_item':
    case 'as_pattern': {
      const withStatement = parent.type === 'with_item' ? parent.parent?.parent : parent.parent?.parent?.parent;
      return withStatement?.type === 'with_statement' && withStatement.firstChild?.type === 'async';
    }
    case 'for_statement':
      return parent.firstChild?.type === 'async';
    case 'augmented_assignment':
    case 'named_expression':
      return true;
    case 'assignment': {
      if (parent.childForFieldName('right')?.id !== node.id) return true;
      const left = parent.childForFieldName('left');
      if (left?.type !== 'identifier') return true; // `self.task = …`, `d[k] = …`, tuples: cannot follow
      return assignedAndConsumedLater(facts, parent, left.text);
    }
  }
  return false;
}

function assignedAndConsumedLater(facts: FileFacts, assignment: Node, name: string): boolean {
  const scope = scopeOf(assignment, facts);
  const body = scope.node?.childForFieldName('body') ?? facts.file.root;
  for (const id of body.descendantsOfType('identifier')) {
    if (!id || id.text !== name || id.startIndex < assignment.endIndex) continue;
    if (id.parent?.type === 'attribute' && id.parent.childForFieldName('attribute')?.id === id.id) continue;
    if (id.parent?.type === 'keyword_argument' && id.parent.childForFieldName('name')?.id === id.id) continue;
    if (consumingUse(facts, id)) return true;
  }
  return false;
}

/** `if __name__ == "__main__":` around node. */
function underMainGuard(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'if_statement' && /^__name__\s*==\s*["']__main__["']$|^["']__main__["']\s*==\s*__name__$/.test(p.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

/** Edits wrapping a statement-level call (or `x = call`) in `asyncio.run(...)`, plus `import asyncio`. */
function asyncioRunEdits(file: SourceFile, call: Node): TextEdit[] | undefined {
  const holder = valueHolder(call);
  const parent = holder.parent;
  const statementLevel = parent?.type === 'expression_statement' || (parent?.type === 'assignment' && parent.childForFieldName('right')?.id === holder.id && parent.parent?.type === 'expression_statement');
  if (!statementLevel || holder.id !== call.id) return undefined;
  const local = moduleImportLocal(file, 'asyncio');
  const edits: TextEdit[] = [
    { start: call.startIndex, end: call.startIndex, newText: `${local ?? 'asyncio'}.run(` },
    { start: call.endIndex, end: call.endIndex, newText: ')' },
  ];
  if (!local) {
    const imp = ensureModuleImport(file, 'asyncio');
    if (imp) edits.push(imp);
  }
  return edits;
}

function check(context: RuleContext): void {
  const { facts, file, index } = context;
  const names = workspaceNames(index);
  const local = fileFunctionNames(facts);
  const coroutineName = (last: string) => names.asyncNames.has(last) || local.async.has(last) || ASYNC_SESSION_COROUTINES.has(last) || HTTP_COROUTINES.has(last) || EXTERNAL_COROUTINE_NAMES.has(last);
  // A call holding no such name is skipped before its callee is read (most calls of a file).
  const mayName = facts.callMayName(coroutineName, !context.partial);
  for (const call of facts.scopedNodesOfType(context, 'call')) {
    if (!mayName(call)) continue;
    const last = calleeLastName(call);
    if (!last || !coroutineName(last)) continue;
    if (isAwaitedExpr(call)) continue;
    const source = coroutineSource(facts, call);
    if (!source) continue;
    const scope = scopeOf(call, facts);
    if (scope.kind === 'lambda') continue; // a coroutine factory
    if (legitimate(facts, call, scope.isAsync)) continue;
    const calleeText = dottedName(call.childForFieldName('function')) ?? call.childForFieldName('function')!.text;
    const related: RelatedInfo[] = [];
    if (source.kind === 'workspace') {
      const where = definitionLocation(index, source.callable);
      if (where) related.push({ ...where, message: `\`${source.callable.name}\` is defined as \`async def\` here` });
    }
    let message = `\`${calleeText}(…)\` is not awaited: ${source.what}, so this only creates a coroutine that never runs`;
    const report: Report = { node: call, message, related: related.length ? related : undefined };
    const blocker = awaitBlocker(facts, call);
    if (!blocker) {
      report.fix = { title: `Insert \`await\` before \`${calleeText}(…)\``, applicability: 'safe', edits: insertAwaitEdits(call) };
    } else if (scope.kind === 'function' && !scope.isAsync && !scope.inGenerator) {
      const fnName = scope.node!.childForFieldName('name')?.text ?? '';
      report.message = `${message}; the caller \`${fnName}\` is a plain \`def\` and must become \`async def\` to await it (and its own callers must await it)`;
      report.noFixReason = `\`await\` is not valid in the plain \`def ${fnName}\``;
      report.suggestions = [
        {
          title: `Make \`${fnName}\` async and await \`${calleeText}(…)\``,
          applicability: 'unsafe',
          edits: [...makeAsyncEdits(file, scope.node!), ...insertAwaitEdits(call)],
        },
      ];
      const run = asyncioRunEdits(file, call);
      if (run) report.suggestions.push({ title: `Run it to completion with \`asyncio.run(${calleeText}(…))\` (only where no event loop is running)`, applicability: 'unsafe', edits: run });
    } else if (scope.kind === 'module' && !scope.inGenerator && asyncioRunEdits(file, call)) {
      // A script entry point: `asyncio.run()` is the boundary between sync and async code.
      const guarded = underMainGuard(call);
      report.message = `${message}; at module level run it with \`asyncio.run(…)\``;
      report.fix = { title: `Run it with \`asyncio.run(${calleeText}(…))\``, applicability: guarded ? 'safe' : 'unsafe', edits: asyncioRunEdits(file, call)! };
    } else {
      report.noFixReason = `cannot insert \`await\`: ${blocker}`;
    }
    context.report(report);
  }
}

export const missingAwait: Rule = {
  code: 'AM201',
  name: 'missing-await',
  defaultSeverity: 'error',
  fix: 'sometimes',
  docs: {
    what: 'Reports a call that creates a coroutine and never awaits it: a workspace `async def` function or method (resolved across files, through module-level instances like `async_user_service`, local instances, `self`, annotated parameters and `Depends(...)`), an `AsyncSession` coroutine method (`execute`, `scalar`, `scalars`, `get`, `commit`, `rollback`, `flush`, `refresh`, `merge`, `delete`, `close`, `run_sync`, `stream`, `connection` …), a request on an async HTTP client (`httpx.AsyncClient`, `aiohttp.ClientSession`), or an asyncio coroutine function (`asyncio.sleep`, `asyncio.to_thread`, `asyncio.wait_for`…) — as a statement, an assignment, a return from an `async def`, a condition or an argument.',
    why: 'Calling an `async def` only creates a coroutine object: nothing runs until it is awaited. `user = async_user_service.get_user(db, id)` binds a coroutine (always truthy, no attributes of a user), `db.commit()` silently commits nothing, and Python only prints "coroutine was never awaited" at garbage collection, far from the bug. The seed lists it as common error 2; it multiplies when sync and async services coexist during a migration.',
    example: 'from app.services.async_user import async_user_service\n\nasync def read_user(user_id: int, db: AsyncSession = Depends(get_async_db)):\n    user = async_user_service.get_user(db, user_id)\n    db.commit()\n    return user',
    useInstead: 'from app.services.async_user import async_user_service\n\nasync def read_user(user_id: int, db: AsyncSession = Depends(get_async_db)):\n    user = await async_user_service.get_user(db, user_id)\n    await db.commit()\n    return user',
    limits: [
      'Not reported where an unawaited coroutine is correct: passed to `asyncio.gather`/`create_task`/`ensure_future`/`wait_for`/`shield`/`run`/`run_until_complete`, collected in a list/tuple/comprehension or with `.append()`, used in `async with`/`async for`, returned from a plain `def` (a wrapper), inside a lambda, or assigned to a name that is later awaited or handed on.',
      'A coroutine passed to a function the engine cannot resolve is not reported (that function may await it); passed to a builtin, a class, an external function or a workspace function whose parameter is not annotated as awaitable, it is.',
      '`async def` functions with decorators other than well-known ones (staticmethod, classmethod, abstractmethod, functools.wraps/cache/lru_cache, route decorators, pytest fixtures/marks) are not reported: the decorator may change what a call returns. Async generators (`async def` with `yield`) return async iterators, not coroutines, and are never reported.',
      'Inside a plain `def` there is no automatic fix: "make the function async" and "run it with `asyncio.run()`" are offered as unsafe suggestions (every caller of a function made async needs `await` too; `asyncio.run()` fails inside a running event loop). A statement-level call at module level is wrapped in `asyncio.run(...)` (safe under `if __name__ == "__main__":`, unsafe elsewhere). In a class body and inside generator expressions there is no fix.',
      'Receivers are followed through module-level instances, local assignments, `self` attributes assigned in the class, annotated parameters and `Depends()` of a function whose return annotation names the class; anything else is unknown and not reported.',
    ],
  },
  locality: 'definition',
  check,
};
