// AM702 sync-endpoint: a FastAPI route handler that is still a plain `def` (a hint that feeds
// the endpoint inventory). The fix only flips `def` → `async def` when nothing else must change.
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import { twinHolderCandidates, twinMethodNames } from '../twin-names';
import { extractRoutes, type RouteSummary } from '../routes';
import type { FunctionFacts } from '../semantics';
import { defKeyword, dottedName, walk } from '../syntax';
import { blockingCall } from './blocking-call-in-async';
import { resolveRoutes } from '../endpoints/routing';
import type { WorkspaceIndex } from '../workspace';

const COMBINED = "use 'Migrate this endpoint' (the combined edit)";

/** Builtins that do no I/O. */
const PURE_BUILTINS = new Set([
  'abs', 'all', 'any', 'bool', 'bytes', 'callable', 'chr', 'dict', 'divmod', 'enumerate', 'filter', 'float', 'format',
  'frozenset', 'getattr', 'hasattr', 'hash', 'int', 'isinstance', 'issubclass', 'iter', 'len', 'list', 'map', 'max',
  'min', 'next', 'ord', 'pow', 'range', 'repr', 'reversed', 'round', 'set', 'setattr', 'slice', 'sorted', 'str', 'sum',
  'tuple', 'type', 'zip',
]);
/** External modules whose functions and classes do no blocking I/O. */
const PURE_MODULES = /^(fastapi|starlette|pydantic|datetime|uuid|json|math|decimal|enum|typing|re|dataclasses|collections|itertools|functools|operator|string|hashlib|base64|secrets|random|statistics|zoneinfo|http)(\.|$)/;
/** Methods on strings/containers/models that do no I/O (`payload.dict()`, `name.lower()`). */
const PURE_METHODS = new Set([
  'dict', 'model_dump', 'model_dump_json', 'json', 'copy', 'model_copy', 'model_validate', 'from_orm', 'parse_obj',
  'lower', 'upper', 'strip', 'lstrip', 'rstrip', 'split', 'join', 'replace', 'startswith', 'endswith', 'format', 'title',
  'encode', 'decode', 'isoformat', 'items', 'keys', 'values', 'get', 'append', 'extend', 'pop', 'update', 'setdefault',
  'count', 'index', 'add', 'discard', 'remove', 'sort',
]);

/** Why making this handler async needs more than `def` → `async def`, or undefined when it does not. */
function blockerOf(context: RuleContext, fn: FunctionFacts): string | undefined {
  const { facts } = context;
  // Sync sessions: the injected `db: Session = Depends(get_db)` or one opened in the body.
  for (const param of fn.params.values()) {
    const name = param.node.type === 'identifier' ? param.node : param.node.childForFieldName('name') ?? param.node.namedChildren.find((c) => c?.type === 'identifier');
    if (name && facts.sessionFlavor(name) === 'sync') return `it uses a sync Session (\`${param.name}\`)`;
    if (name && facts.redisFlavor(name) === 'sync') return `it uses a sync Redis client (\`${param.name}\`)`;
  }
  const body = fn.node.childForFieldName('body');
  if (!body) return 'it has no body';
  const calls: Node[] = [];
  let generator = false;
  walk(body, (n) => {
    if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition') return false;
    if (n.type === 'yield') generator = true;
    if (n.type === 'call') calls.push(n);
  });
  if (generator) return 'it is a generator';
  // The most specific cause first: legacy queries and blocking calls, then sessions/Redis/twins,
  // then any call not known to be free of I/O.
  for (const call of calls) {
    const callee = call.childForFieldName('function');
    if (callee?.type === 'attribute' && callee.childForFieldName('attribute')!.text === 'query') return `it runs a legacy query (\`${callee.text}()\`)`;
    const blocking = blockingCall(facts, call);
    if (blocking) return `it makes a blocking call (${blocking.what})`;
  }
  const reasons = calls.map((call) => callNeedsWork(context, call)).filter((r): r is string => !!r);
  return reasons.find((r) => !r.endsWith('which may do I/O')) ?? reasons[0];
}

/** Why this call would need attention in an async handler, or undefined when it is known to be harmless. */
function callNeedsWork(context: RuleContext, call: Node): string | undefined {
  const { facts, index } = context;
  const callee = call.childForFieldName('function');
  const text = callee?.text ?? call.text;
  if (!callee) return `it calls \`${call.text}\``;
  if (callee.type === 'identifier' && PURE_BUILTINS.has(callee.text) && !facts.resolve(callee) && !facts.isShadowedLocally(callee, callee.text)) return undefined;
  const sym = facts.resolve(callee);
  if (sym?.kind === 'class') return undefined; // a schema / model constructor
  if (sym?.kind === 'external') return PURE_MODULES.test(sym.dotted) ? undefined : `it calls \`${text}()\` (${sym.dotted.split('.')[0]}), which may do I/O`;
  if (sym?.kind === 'function' || sym?.kind === 'method') {
    if (sym.fn.isAsync) return undefined;
    const holder = sym.kind === 'function' ? sym.name : sym.className;
    const hasTwin =
      !!index.asyncTwinModule(sym.module) ||
      twinHolderCandidates(index, sym.module, holder, sym.kind === 'function' ? 'function' : 'class').some((c) => index.resolveName(c.module, c.name)) ||
      (sym.kind === 'method' && twinMethodNames(index, sym.name).some((n) => !!index.module(sym.module)?.classes[sym.className]?.methods[n]));
    return hasTwin ? `it calls the sync \`${text}()\`, which has an async twin` : `it calls the sync \`${text}()\`, which may do I/O`;
  }
  if (callee.type === 'attribute') {
    const method = callee.childForFieldName('attribute')!.text;
    const receiver = callee.childForFieldName('object')!;
    if (receiver.type === 'identifier' || receiver.type === 'attribute') {
      if (facts.sessionFlavor(receiver) === 'sync') return `it uses a sync Session (\`${receiver.text}\`)`;
      if (facts.redisFlavor(receiver)) return `it uses Redis (\`${receiver.text}.${method}()\`)`;
    }
    if (receiver.type === 'string' || PURE_METHODS.has(method)) return undefined;
    return `it calls \`${text}()\`, which may do I/O`;
  }
  return `it calls \`${dottedName(callee) ?? text}()\`, which may do I/O`;
}

/** "METHOD /full/path" of every handler, resolved across include_router chains once per index content. */
const fullRoutesCache = new WeakMap<WorkspaceIndex, { generation: number; byHandler: Map<string, string[]> }>();

function fullRoutesOf(index: WorkspaceIndex, path: string, handler: string): string[] | undefined {
  let cached = fullRoutesCache.get(index);
  if (!cached || cached.generation !== index.contentGeneration) {
    // handler → full path → methods, rendered "GET, HEAD /api/v1/items".
    const grouped = new Map<string, Map<string, string[]>>();
    for (const r of resolveRoutes(index)) {
      const key = `${r.module.path}:${r.route.function}`;
      const paths = grouped.get(key) ?? new Map<string, string[]>();
      const methods = paths.get(r.fullPath) ?? [];
      if (!methods.includes(r.method)) methods.push(r.method);
      paths.set(r.fullPath, methods);
      grouped.set(key, paths);
    }
    const byHandler = new Map<string, string[]>();
    for (const [key, paths] of grouped) byHandler.set(key, [...paths].map(([p, methods]) => `${methods.join(', ')} ${p}`));
    cached = { generation: index.contentGeneration, byHandler };
    fullRoutesCache.set(index, cached);
  }
  return cached.byHandler.get(`${path}:${handler}`);
}

function describeRoute(context: RuleContext, routes: RouteSummary[]): string {
  const full = fullRoutesOf(context.index, context.file.path, routes[0].function);
  if (full?.length) return full.join(', ');
  const methods = [...new Set(routes.flatMap((r) => r.methods))].join(', ');
  const paths = [...new Set(routes.map((r) => r.path ?? '<dynamic path>'))].join(', ');
  return `${methods} ${paths}`;
}

function check(context: RuleContext): void {
  const { facts, file } = context;
  const byFunction = new Map<number, RouteSummary[]>();
  for (const route of extractRoutes(file).routes) {
    if (route.isAsync) continue;
    const list = byFunction.get(route.start) ?? [];
    list.push(route);
    byFunction.set(route.start, list);
  }
  // Each finding reads its handler and the summary's routes: per definition (in document order).
  const handlers = [...byFunction.values()].sort((a, b) => a[0].start - b[0].start);
  for (const routes of context.scoped(handlers, (rs) => rs[0].start)) {
    const route = routes[0];
    let fnNode: Node | null = file.root.descendantForIndex(route.start, route.start);
    while (fnNode && !(fnNode.type === 'function_definition' && fnNode.startIndex === route.start)) fnNode = fnNode.parent;
    if (!fnNode) continue;
    const fn = facts.functionFacts(fnNode);
    const message = `${describeRoute(context, routes)} is still sync (\`def ${fn.name}\`, run in FastAPI's threadpool); migrate it to \`async def\``;
    const blocker = blockerOf(context, fn);
    const def = defKeyword(fnNode);
    if (blocker || !def) {
      context.report({ start: route.nameStart, end: route.nameEnd, message, noFixReason: `${blocker ?? 'unexpected syntax'}: ${COMBINED}` });
      continue;
    }
    context.report({
      start: route.nameStart,
      end: route.nameEnd,
      message,
      fix: { title: 'Migrate this endpoint (def → async def)', applicability: 'unsafe', edits: [{ start: def.startIndex, end: def.startIndex, newText: 'async ' }] },
    });
  }
}

export const syncEndpoint: Rule = {
  code: 'AM702',
  name: 'sync-endpoint',
  defaultSeverity: 'hint',
  fix: 'sometimes',
  offInCiByDefault: true,
  docs: {
    what: 'Marks every FastAPI route handler (`@router.get/post/…`, `@app.<method>`, `api_route`, `add_api_route`) that is still a plain `def`. It is a hint that feeds the endpoint inventory, not a bug: FastAPI runs `def` endpoints in a threadpool.',
    why: 'The migration goes one endpoint at a time (seed: "Endpoint por endpoint"); seeing which handlers are still sync, in the editor and in the inventory, is how the team tracks what is left.',
    example: '@router.get("/users/me")\ndef get_current_user_info(db: Session = Depends(get_db)):\n    return user_service.get_user(db, current_user.id)',
    useInstead: '@router.get("/users/me")\nasync def get_current_user_info(db: AsyncSession = Depends(get_async_db)):\n    return await async_user_service.get_user(db, current_user.id)',
    limits: [
      'The quick fix only turns `def` into `async def` when nothing else has to change: no sync session, no legacy `query()`, no Redis, no blocking call, no sync service call, and every call in the body known to do no I/O (builtins, schema constructors, FastAPI/pydantic/stdlib helpers). Otherwise use "Migrate this endpoint", which combines the session switch, query rewrites, awaits and async twins in one edit.',
      'The fix is marked unsafe so that fix-all never migrates endpoints in bulk: migrating one is a deliberate step with its own tests (seed checklist).',
      'Off in CI by default; select AM702 explicitly to count sync endpoints there.',
    ],
  },
  locality: 'definition',
  check,
};
