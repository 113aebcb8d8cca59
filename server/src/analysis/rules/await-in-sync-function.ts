// AM205 await-in-sync-function: `await` / `async with` / `async for` in a plain `def`.
import { type Callable, decoratorsPreserve, resolveCall, scopeMap } from '../callee';
import { isAwaitedExpr, makeAsyncEdits, scopeOf } from '../fixes/await';
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import type { FileFacts } from '../semantics';
import { decoratorsOf, dottedName } from '../syntax';
import type { RelatedInfo } from '../types';
import { firstIndexNotBefore } from '../sorted';
import { type StatementRange, StatementMemo } from '../statement-memo';

const CONSUMERS = new Set(['run', 'run_until_complete', 'gather', 'create_task', 'ensure_future', 'wait_for', 'shield', 'run_coroutine_threadsafe']);
const ROUTE = /\.(get|post|put|patch|delete|head|options|api_route|websocket|route)\s*\(/;

interface Offender {
  node: Node;
  what: string;
  /** CPython's SyntaxError message. */
  error: string;
}

/**
 * The bodies of a statement's plain `def`s, merged into sorted disjoint ranges: an offender's
 * innermost function can be a plain `def` only inside one, so the others are skipped unread.
 */
function plainDefBodies(facts: FileFacts, statement: StatementRange): { start: number; end: number }[] {
  const bodies = scopeMap(facts)
    .statementScopes(statement)
    .filter((e) => e.kind === 'function' && !e.isAsync && e.bodyStart >= 0)
    .map((e) => ({ start: e.bodyStart, end: e.bodyEnd }))
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const b of bodies) {
    const last = merged.at(-1);
    if (last && b.start <= last.end) last.end = Math.max(last.end, b.end);
    else merged.push({ ...b });
  }
  return merged;
}

function inRanges(ranges: { start: number; end: number }[], offset: number): boolean {
  const i = firstIndexNotBefore(ranges.length, (k) => ranges[k].end < offset);
  return i < ranges.length && ranges[i].start <= offset;
}

const ASYNC_CONSTRUCT_TYPES = ['await', 'with_statement', 'for_statement', 'for_in_clause'];
const ASYNC_WITH_OR_FOR = /\basync\s+(with|for)\b/;

/** The async constructs of a top-level statement inside plain `def` bodies, which Python only accepts inside `async def`. */
function asyncConstructsIn(facts: FileFacts, statement: StatementRange): Offender[] {
  const out: Offender[] = [];
  const text = facts.file.text.slice(statement.start, statement.end);
  if (!text.includes('await') && !ASYNC_WITH_OR_FOR.test(text)) return out;
  const bodies = plainDefBodies(facts, statement);
  if (!bodies.length) return out;
  for (const n of facts.nodes.nodesOfTypeStartingIn(ASYNC_CONSTRUCT_TYPES, statement.start, statement.end)) {
    if (!inRanges(bodies, n.startIndex) || !n.isNamed) continue; // the `await` keyword token has the same type name
    if (n.type === 'await') out.push({ node: n, what: '`await`', error: "'await' outside async function" });
    else if (n.type === 'with_statement' && n.firstChild?.type === 'async') out.push({ node: n.firstChild, what: '`async with`', error: "'async with' outside async function" });
    else if (n.type === 'for_statement' && n.firstChild?.type === 'async') out.push({ node: n.firstChild, what: '`async for`', error: "'async for' outside async function" });
    else if (n.type === 'for_in_clause' && n.firstChild?.type === 'async') {
      out.push({ node: n, what: 'an async comprehension', error: 'asynchronous comprehension outside of an asynchronous function' });
    }
  }
  return out;
}

/** Whether a top-level statement holds an async construct in a plain `def` body, remembered by the statement's text. */
const statementHasOffenders = new StatementMemo<boolean>();

/** The async constructs of the file inside plain `def` bodies (a keystroke reads the tree of the statement it changed only). */
function asyncConstructs(facts: FileFacts): Offender[] {
  const text = facts.file.text;
  if (!text.includes('await') && !ASYNC_WITH_OR_FOR.test(text)) return [];
  const out: Offender[] = [];
  const flagged = statementHasOffenders.valuesOf(facts.file, (statement) => asyncConstructsIn(facts, statement).length > 0);
  for (const { statement, value } of flagged) if (value) out.push(...asyncConstructsIn(facts, statement));
  return out;
}

/** Calls in this file of the function fnNode that do not await it (they break once it is async). */
function unawaitedCallersInFile(facts: FileFacts, fnNode: Node): Node[] {
  const name = fnNode.childForFieldName('name')?.text;
  if (!name) return [];
  const out: Node[] = [];
  // Only statements spelling the name can call it (a whole-file index of calls is not needed).
  for (const call of facts.nodesOfTypeMentioning('call', new Set([name]))) {
    const fn = call.childForFieldName('function');
    const last = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
    if (last !== name || isAwaitedExpr(call)) continue;
    const target: Callable | undefined = resolveCall(facts, call);
    if (!target || target.fn.nameStart !== fnNode.childForFieldName('name')!.startIndex || target.path !== facts.file.path) continue;
    // Handed to asyncio.run()/gather()…: an async boundary, fine once it is a coroutine.
    const holder = call.parent?.type === 'argument_list' ? call.parent.parent : undefined;
    const holderName = holder ? dottedName(holder.childForFieldName('function'))?.split('.').pop() : undefined;
    if (holderName && CONSUMERS.has(holderName)) continue;
    out.push(call);
  }
  return out;
}

function isFrameworkEntryPoint(fnNode: Node, path: string): boolean {
  const decorators = decoratorsOf(fnNode).map((d) => d.text);
  if (decorators.some((d) => ROUTE.test(d))) return true;
  const name = fnNode.childForFieldName('name')?.text ?? '';
  return name.startsWith('test') && (/(^|\/)tests?\//.test(path) || /(^|\/)test_[^/]*\.py$/.test(path));
}

function check(context: RuleContext): void {
  const { facts, file, index } = context;
  const byFunction = new Map<number, Offender[]>();
  const functions = new Map<number, Node>();
  for (const offender of asyncConstructs(facts)) {
    const scope = scopeOf(offender.node, facts);
    if (scope.kind !== 'function' || scope.isAsync) continue;
    if (scope.inGenerator) continue; // `(await x for x in y)` is an async generator expression: valid in a def
    functions.set(scope.node!.id, scope.node!);
    byFunction.set(scope.node!.id, [...(byFunction.get(scope.node!.id) ?? []), offender]);
  }
  for (const [id, offenders] of byFunction) {
    const fnNode = functions.get(id)!;
    const name = fnNode.childForFieldName('name')?.text ?? '';
    const info = facts.functionFacts(fnNode);
    const related: RelatedInfo[] = [];
    const callers = unawaitedCallersInFile(facts, fnNode);
    for (const call of callers) related.push({ path: file.path, range: file.rangeOf(call.startIndex, call.endIndex), message: `calls \`${name}\` without \`await\`: it gets a coroutine once \`${name}\` is async` });
    // Other modules importing it (or its class) will call it too; their call sites are checked by AM201 after the change.
    const summary = index.fileByPath(file.path);
    const importedName = info.classNode ? info.classNode.childForFieldName('name')?.text : name;
    const importers = summary && importedName && fnNode.parent && (fnNode.parent.type === 'module' || fnNode.parent.parent?.type === 'module' || info.classNode)
      ? index.importersOf(`${summary.moduleName}.${importedName}`).filter((i) => i.module.path !== file.path && !i.binding.via)
      : [];
    // Instances of the class are often what gets imported (`user_service = UserService()`).
    if (info.classNode && summary) {
      for (const v of Object.values(summary.variables)) {
        if (v.callee === importedName) importers.push(...index.importersOf(`${summary.moduleName}.${v.name}`).filter((i) => i.module.path !== file.path && !i.binding.via));
      }
    }
    for (const { module, binding } of importers) {
      related.push({ path: module.path, range: { start: { line: binding.line - 1, character: 0 }, end: { line: binding.line - 1, character: 0 } }, message: `imports \`${binding.name}\`: its calls of \`${name}\` will need \`await\`` });
    }
    const entryPoint = isFrameworkEntryPoint(fnNode, file.path);
    const decorated = !decoratorsPreserve(decoratorsOf(fnNode).map((d) => d.text));
    const impact = callers.length + importers.length;
    const safe = entryPoint || (impact === 0 && !decorated);
    const impactText = impact
      ? `; making it async changes what its callers get: ${callers.length ? `${callers.length} call${callers.length === 1 ? '' : 's'} in this file` : ''}${callers.length && importers.length ? ' and ' : ''}${importers.length ? `${importers.length} importing module${importers.length === 1 ? '' : 's'}` : ''} must then await it (or run it with \`asyncio.run()\` outside async code)`
      : '';
    const edits = makeAsyncEdits(file, fnNode);
    for (const offender of offenders) {
      context.report({
        node: offender.node,
        message: `${offender.what} inside the plain \`def ${name}\`: Python rejects the whole module at import time (SyntaxError: ${offender.error})${impactText}`,
        fix: edits.length ? { title: `Make \`${name}\` async`, applicability: safe ? 'safe' : 'unsafe', edits } : undefined,
        related: related.length ? related : undefined,
      });
    }
  }
}

export const awaitInSyncFunction: Rule = {
  code: 'AM205',
  name: 'await-in-sync-function',
  defaultSeverity: 'error',
  fix: 'always',
  docs: {
    what: 'Reports `await`, `async with`, `async for` and async comprehensions inside a plain `def` (not inside a nested `async def`; `await` in a generator expression is valid and not reported).',
    why: 'Python compiles the whole module first: a single `await` in a `def` is a `SyntaxError` ("\'await\' outside async function") that makes every import of the module fail — the app does not start. It is the typical half-done migration step: the body was converted, the signature was not.',
    example: 'def get_user(db: AsyncSession, user_id: int):\n    result = await db.execute(select(User).where(User.id == user_id))\n    return result.scalar_one_or_none()',
    useInstead: 'async def get_user(db: AsyncSession, user_id: int):\n    result = await db.execute(select(User).where(User.id == user_id))\n    return result.scalar_one_or_none()',
    limits: [
      'The fix inserts `async` before `def` (and `@pytest.mark.asyncio` on a test, unless the file shows pytest-asyncio auto mode). It is safe for route handlers and tests, and when nothing in the workspace refers to the function; otherwise it is marked unsafe and the finding lists the calls in this file and the modules importing it, which must then await it (AM201 reports them once the function is async).',
      'Callers in other files are approximated by the modules importing the function (or its class, or an instance of its class): the index keeps per-module summaries, not every call site.',
      'Module-level `await` (notebooks, the asyncio REPL) and `await` inside lambdas are not reported: there is no function to make async.',
    ],
  },
  locality: 'file',
  check,
};
