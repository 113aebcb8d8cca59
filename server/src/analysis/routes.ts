// FastAPI route discovery within one module: routers, decorated handlers, add_api_route and
// include_router calls. Cross-file prefix resolution happens in the endpoints inventory.
import type { Node } from './parser';
import type { SourceFile } from './source';
import { treeCache } from './tree-caches';
import { children, dottedName, keywordArgument, positionalArguments, stringValue, isAsyncFunction } from './syntax';
import { TreeIndex } from './tree-index';
import { type StatementRange, StatementMemo, rowAt } from './statement-memo';

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options', 'head', 'trace'] as const;

export interface RouterSummary {
  /** Module-level variable name. */
  name: string;
  kind: 'APIRouter' | 'FastAPI';
  /** Static prefix; '' when none; null when not static (computed). */
  prefix: string | null;
  /** Source text of the prefix expression when it is not static. */
  prefixExpr?: string;
  line: number;
}

export interface RouteSummary {
  /** Handler function name. */
  function: string;
  /** Upper-case HTTP methods. */
  methods: string[];
  /** Path as written on the decorator; null when not a static string. */
  path: string | null;
  /** Source text of the path expression when it is not static. */
  pathExpr?: string;
  /** Dotted name of the router/app object the route is registered on. */
  router: string;
  line: number;
  isAsync: boolean;
  /** Offsets of the function_definition (without decorators). */
  start: number;
  end: number;
  /** Offsets of the whole decorated definition. */
  outerStart: number;
  nameStart: number;
  nameEnd: number;
}

export interface IncludeSummary {
  /** The router/app include_router is called on. */
  owner: string;
  /** The included router expression (dotted), e.g. `users.router`. */
  router: string;
  prefix: string | null;
  /** Source text of the prefix expression when it is not static. */
  prefixExpr?: string;
  /** Set when the call only runs under a module-level condition (`if settings.X`, `else of if …`, `try`). */
  condition?: string;
  line: number;
}

/** Module-level names bound exactly once to a plain string literal (`API_V1 = "/api/v1"`). */
export type Constants = Map<string, string>;

/**
 * An argument as written (a path, a prefix): a literal's value, or a name resolved against the
 * module's constants when the routes are assembled (constants span statements, so a statement's
 * remembered facts hold the name, not its value).
 */
interface ArgumentText {
  identifier?: string;
  literal?: string;
  text: string;
}

function argumentText(node: Node | null | undefined): ArgumentText | undefined {
  return node ? { identifier: node.type === 'identifier' ? node.text : undefined, literal: stringValue(node), text: node.text } : undefined;
}

function staticArgument(arg: ArgumentText, constants: Constants): string | undefined {
  return arg.identifier !== undefined && constants.has(arg.identifier) ? constants.get(arg.identifier) : arg.literal;
}

/** A `prefix=` argument's value ('' when absent), or null and its text when not static. */
function prefixOf(prefix: ArgumentText | undefined, constants: Constants): { prefix: string | null; prefixExpr?: string } {
  if (!prefix) return { prefix: '' };
  const value = staticArgument(prefix, constants);
  return value === undefined ? { prefix: null, prefixExpr: prefix.text } : { prefix: value };
}

/** A path argument's value, or null and its text ('' when absent) when not static. */
function pathOf(path: ArgumentText | undefined, constants: Constants): { path: string | null; pathExpr?: string } {
  const value = path ? (staticArgument(path, constants) ?? null) : null;
  return { path: value, pathExpr: value === null ? (path?.text ?? '') : undefined };
}

export function prefixInfo(args: Node | null, constants: Constants = new Map()): { prefix: string | null; prefixExpr?: string } {
  return prefixOf(argumentText(keywordArgument(args, 'prefix')), constants);
}

/** Statements whose assignments are all in a function or class: never a module-level binding. */
const DEFINITIONS = new Set(['function_definition', 'class_definition', 'decorated_definition']);

/** The module-level `name = value` bindings of a top-level statement (value: a string literal's, else undefined), remembered by its text. */
const statementBindings = new StatementMemo<[string, string | undefined][]>();

function moduleConstants(file: SourceFile): Constants {
  const seen = new Map<string, string | null>();
  const nodes = TreeIndex.of(file.tree);
  const text = file.text;
  const bindingsOf = (statement: StatementRange): [string, string | undefined][] => {
    // Definitions, and most other statements (comments, imports, calls), bind nothing here.
    if (DEFINITIONS.has(statement.type) || !text.slice(statement.start, statement.end).includes('=')) return [];
    const out: [string, string | undefined][] = [];
    for (const node of nodes.nodesOfTypeStartingIn('assignment', statement.start, statement.end)) {
      if (insideFunctionOrClass(node)) continue;
      const left = node.childForFieldName('left');
      if (left?.type !== 'identifier') continue;
      out.push([left.text, stringValue(node.childForFieldName('right'))]);
    }
    return out;
  };
  for (const { value: bindings } of statementBindings.valuesOf(file, bindingsOf)) {
    // Bound twice (or conditionally to something else): not a constant.
    for (const [name, value] of bindings) seen.set(name, seen.has(name) || value === undefined ? null : value);
  }
  const out: Constants = new Map();
  for (const [k, v] of seen) if (v !== null) out.set(k, v);
  return out;
}

/** The module-level control flow a statement depends on, if any. */
function conditionOf(node: Node): string | undefined {
  const parts: string[] = [];
  let child = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    if (p.type === 'if_statement' && child.type === 'block') parts.push(`if ${p.childForFieldName('condition')?.text ?? '?'}`);
    else if (p.type === 'elif_clause') parts.push(`elif ${p.childForFieldName('condition')?.text ?? '?'}`);
    else if (p.type === 'else_clause' && p.parent?.type === 'if_statement') parts.push(`else of if ${p.parent.childForFieldName('condition')?.text ?? '?'}`);
    else if (p.type === 'try_statement') parts.push('try');
    else if (p.type === 'for_statement' || p.type === 'while_statement') parts.push(p.type === 'for_statement' ? 'for loop' : 'while loop');
  }
  return parts.length ? parts.reverse().join(' / ') : undefined;
}

const ROUTE_METHOD_WORD = new RegExp(`\\b(${[...HTTP_METHODS, 'api_route'].join('|')})\\b`);

/** What a route decorator (`@router.get("/x")`, `@app.api_route(..., methods=[...])`) registers. */
export interface DecoratorRoute {
  router: string;
  methods: string[];
  path: string | null;
  pathExpr?: string;
}

/** A route decorator as written (its path not yet resolved against the module's constants). */
interface DecoratorRouteText {
  router: string;
  methods: string[];
  path?: ArgumentText;
}

/** The upper-case `methods=[...]` of api_route / add_api_route; GET when not given. */
function methodsArgument(args: Node | null): string[] {
  const methodsArg = keywordArgument(args, 'methods');
  return methodsArg ? children(methodsArg).map((m) => stringValue(m)?.toUpperCase()).filter((m): m is string => !!m) : ['GET'];
}

function decoratorRouteText(decorator: Node): DecoratorRouteText | undefined {
  const call = decorator.namedChildren.find((c) => c?.type === 'call');
  if (!call) return undefined;
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute') return undefined;
  const method = fn.childForFieldName('attribute')!.text;
  const router = dottedName(fn.childForFieldName('object'));
  if (!router) return undefined;
  const args = call.childForFieldName('arguments');
  const path = argumentText(positionalArguments(args)[0] ?? keywordArgument(args, 'path'));
  if ((HTTP_METHODS as readonly string[]).includes(method)) return { router, methods: [method.toUpperCase()], path };
  if (method === 'api_route') return { router, methods: methodsArgument(args), path };
  return undefined;
}

function resolveDecoratorRoute(route: DecoratorRouteText, constants: Constants): DecoratorRoute {
  return { router: route.router, methods: route.methods, ...pathOf(route.path, constants) };
}

export function routeFromDecorator(decorator: Node, constants: Constants = new Map()): DecoratorRoute | undefined {
  const route = decoratorRouteText(decorator);
  return route && resolveDecoratorRoute(route, constants);
}

/** Where a handler is: offsets from its top-level statement's start, rows from its first row. */
type HandlerPlace = Pick<RouteSummary, 'function' | 'isAsync' | 'start' | 'end' | 'outerStart' | 'nameStart' | 'nameEnd'> & { row: number };

function handlerPlace(def: Node, offset: number, row: number): HandlerPlace | undefined {
  const nameNode = def.childForFieldName('name');
  if (!nameNode) return undefined;
  return {
    function: nameNode.text,
    row: def.startPosition.row - row,
    isAsync: isAsyncFunction(def),
    start: def.startIndex - offset,
    end: def.endIndex - offset,
    outerStart: (def.parent?.type === 'decorated_definition' ? def.parent.startIndex : def.startIndex) - offset,
    nameStart: nameNode.startIndex - offset,
    nameEnd: nameNode.endIndex - offset,
  };
}

/** The route of `handler` (placed in a statement starting at offset, on row) registered by `route` on `router`. */
function placedRoute(handler: HandlerPlace, route: DecoratorRoute, router: string, offset: number, row: number): RouteSummary {
  return {
    function: handler.function,
    methods: route.methods,
    path: route.path,
    ...(route.pathExpr !== undefined ? { pathExpr: route.pathExpr } : {}),
    router,
    line: row + handler.row + 1,
    isAsync: handler.isAsync,
    start: offset + handler.start,
    end: offset + handler.end,
    outerStart: offset + handler.outerStart,
    nameStart: offset + handler.nameStart,
    nameEnd: offset + handler.nameEnd,
  };
}

/** The summary of handler `def` registered by `route` on `router` (by decorator or add_api_route). */
export function routeSummary(def: Node, route: DecoratorRoute, router: string): RouteSummary {
  return placedRoute(handlerPlace(def, 0, 0)!, route, router, 0, 0);
}

export interface ModuleRoutes {
  routers: RouterSummary[];
  routes: RouteSummary[];
  includes: IncludeSummary[];
}

/** An `include_router` / `add_api_route` call at module level, as written (row from its statement's first row). */
type RegistrationText =
  | { kind: 'include'; owner: string; router: string; prefix?: ArgumentText; condition?: string; row: number }
  | { kind: 'add'; owner: string; methods: string[]; path?: ArgumentText; endpoint?: string };

/**
 * What one top-level statement contributes to its module's routes, relative to the statement's
 * start (offsets) and first row: a function of its text alone, so remembered by it (a keystroke
 * reads the statement it changed; the others' facts come from the memo and are placed anew).
 */
interface StatementRoutes {
  /** `name = APIRouter(...)` / `FastAPI(...)`. */
  router?: { name: string; kind: 'APIRouter' | 'FastAPI'; prefix?: ArgumentText; row: number };
  /** `name = callee(...)` with another callee (a Flask app, a Blueprint…). */
  binding?: [name: string, callee: string];
  /** A top-level function (decorated or not): its routes, or the endpoint an add_api_route names. */
  handler?: HandlerPlace;
  decoratorRoutes?: DecoratorRouteText[];
  registrations?: RegistrationText[];
  /** A top-level import statement's local name → imported dotted name pairs (moduleImports). */
  imports?: [local: string, dotted: string][];
}

const NO_ROUTES: StatementRoutes = {};
const statementRoutes = new StatementMemo<StatementRoutes>();
const REGISTRATION = /include_router|add_api_route/;
/** The node types routeFactsOf reads, all starting a top-level statement but call. */
const ROUTE_NODE_TYPES: readonly string[] = ['decorated_definition', 'function_definition', 'assignment', 'import_statement', 'import_from_statement', 'call'];

function routeFactsOf(file: SourceFile, statement: StatementRange): StatementRoutes {
  const text = file.text.slice(statement.start, statement.end);
  const type = statement.type;
  const registers = REGISTRATION.test(text);
  const relevant = registers || type === 'decorated_definition' || type === 'function_definition' || type === 'import_statement' || type === 'import_from_statement' || (type === 'expression_statement' && text.includes('='));
  if (!relevant) return NO_ROUTES;
  const nodes = TreeIndex.of(file.tree).nodesOfTypeStartingIn(ROUTE_NODE_TYPES, statement.start, statement.end);
  const top = nodes.find((n) => n.startIndex === statement.start && n.type !== 'call');
  const offset = statement.start;
  const row = rowAt(file, offset);
  const facts: StatementRoutes = {};
  if (type === 'expression_statement' && top?.type === 'assignment' && top.childForFieldName('left')?.type === 'identifier') {
    const name = top.childForFieldName('left')!.text;
    const right = top.childForFieldName('right');
    const callee = right?.type === 'call' ? dottedName(right.childForFieldName('function')) : undefined;
    const kind = callee?.split('.').pop();
    if (kind === 'APIRouter' || kind === 'FastAPI') facts.router = { name, kind, prefix: argumentText(keywordArgument(right!.childForFieldName('arguments'), 'prefix')), row: 0 };
    else if (callee) facts.binding = [name, callee];
  }
  if (top && type === top.type && (type === 'decorated_definition' || type === 'function_definition')) {
    const def = type === 'decorated_definition' ? top.childForFieldName('definition') : top;
    if (def?.type === 'function_definition') {
      facts.handler = handlerPlace(def, offset, row);
      for (const decorator of type === 'decorated_definition' ? children(top).filter((c) => c.type === 'decorator') : []) {
        // A route decorator names its HTTP method (or api_route): skip the rest without a look.
        if (!ROUTE_METHOD_WORD.test(decorator.text)) continue;
        const route = decoratorRouteText(decorator);
        if (route) (facts.decoratorRoutes ??= []).push(route);
      }
    }
  }
  if (top && type === top.type && (type === 'import_statement' || type === 'import_from_statement')) facts.imports = importPairs(top);
  // include_router / add_api_route calls anywhere at module level (also inside `if` blocks).
  if (registers) {
    for (const node of nodes) {
      if (node.type !== 'call') continue;
      if (!/\.(include_router|add_api_route)\s*\($/.test(file.text.slice(node.startIndex, node.childForFieldName('arguments')?.startIndex ?? node.startIndex) + '(')) continue;
      if (insideFunctionOrClass(node)) continue;
      const fn = node.childForFieldName('function');
      if (fn?.type !== 'attribute') continue;
      const method = fn.childForFieldName('attribute')!.text;
      const owner = dottedName(fn.childForFieldName('object'));
      const args = node.childForFieldName('arguments');
      if (!owner) continue;
      if (method === 'include_router') {
        const target = dottedName(positionalArguments(args)[0] ?? keywordArgument(args, 'router'));
        if (target) (facts.registrations ??= []).push({ kind: 'include', owner, router: target, prefix: argumentText(keywordArgument(args, 'prefix')), condition: conditionOf(node), row: node.startPosition.row - row });
      } else if (method === 'add_api_route') {
        const positional = positionalArguments(args);
        const endpoint = positional[1] ?? keywordArgument(args, 'endpoint');
        (facts.registrations ??= []).push({ kind: 'add', owner, methods: methodsArgument(args), path: argumentText(positional[0] ?? keywordArgument(args, 'path')), endpoint: endpoint?.type === 'identifier' ? endpoint.text : undefined });
      }
    }
  }
  return Object.keys(facts).length ? facts : NO_ROUTES;
}

const routesByTree = treeCache<ModuleRoutes>();

/** Routers, routes and include_router calls of a module (computed once per tree; do not mutate). */
export function extractRoutes(file: SourceFile): ModuleRoutes {
  let result = routesByTree.get(file.tree);
  if (!result) routesByTree.set(file.tree, (result = computeRoutes(file)));
  return result;
}

function computeRoutes(file: SourceFile): ModuleRoutes {
  const routers: RouterSummary[] = [];
  const routes: RouteSummary[] = [];
  const includes: IncludeSummary[] = [];
  const handlers = new Map<string, { handler: HandlerPlace; offset: number; row: number }>();
  /** Module-level `name = callee(...)` bindings other than APIRouter/FastAPI (a Flask app, a Blueprint…). */
  const otherBindings = new Map<string, string>();
  // Only needed once something route-like is found (most modules have none).
  let lazyConstants: Constants | undefined;
  const constants = () => (lazyConstants ??= moduleConstants(file));
  const statements = statementRoutes.valuesOf(file, (statement) => routeFactsOf(file, statement));
  const rowOf = (offset: number) => rowAt(file, offset);
  for (const { statement, value: facts } of statements) {
    if (facts === NO_ROUTES) continue;
    if (facts.router) routers.push({ name: facts.router.name, kind: facts.router.kind, ...prefixOf(facts.router.prefix, constants()), line: rowOf(statement.start) + facts.router.row + 1 });
    else if (facts.binding) otherBindings.set(...facts.binding);
    if (!facts.handler) continue;
    const row = facts.decoratorRoutes ? rowOf(statement.start) : -1;
    handlers.set(facts.handler.function, { handler: facts.handler, offset: statement.start, row });
    for (const route of facts.decoratorRoutes ?? []) routes.push(placedRoute(facts.handler, resolveDecoratorRoute(route, constants()), route.router, statement.start, row));
  }
  for (const { statement, value: facts } of statements) {
    for (const call of facts.registrations ?? []) {
      if (call.kind === 'include') {
        includes.push({ owner: call.owner, router: call.router, ...prefixOf(call.prefix, constants()), ...(call.condition ? { condition: call.condition } : {}), line: rowOf(statement.start) + call.row + 1 });
        continue;
      }
      const target = call.endpoint !== undefined ? handlers.get(call.endpoint) : undefined;
      if (!target) continue;
      const { path } = pathOf(call.path, constants());
      routes.push(placedRoute(target.handler, { router: call.owner, methods: call.methods, path, pathExpr: call.path && path === null ? call.path.text : undefined }, call.owner, target.offset, target.row < 0 ? rowOf(target.offset) : target.row));
    }
  }
  return { routers, routes: withoutForeignRoutes(file, routes, otherBindings), includes };
}

/** WSGI frameworks: each `async def` view runs in its own event loop, in the request's worker thread. */
const WSGI_FRAMEWORK = /^(flask|flask_smorest|apiflask)(\.|$)/;
const VIEW_DECORATOR = new RegExp(`^(${[...HTTP_METHODS, 'route'].join('|')})$`);
const wsgiViewsByTree = treeCache<Set<number>>();

/**
 * Start offsets of the functions registered as views of a WSGI app or blueprint (Flask:
 * `@app.route`, `@bp.get`…), where a blocking call in an `async def` view holds up that request
 * only, not a shared event loop.
 */
export function wsgiViewStarts(file: SourceFile): Set<number> {
  let result = wsgiViewsByTree.get(file.tree);
  if (result) return result;
  result = new Set<number>();
  wsgiViewsByTree.set(file.tree, result);
  if (!/\b(flask|flask_smorest|apiflask)\b/.test(file.text)) return result;
  const imports = moduleImports(file);
  const canonical = (dotted: string) => {
    const [head, ...rest] = dotted.split('.');
    const base = imports.get(head);
    return base ? [base, ...rest].join('.') : dotted;
  };
  const bindings = new Map<string, string>();
  for (const stmt of children(file.root)) {
    const assign = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (assign?.type !== 'assignment' || assign.childForFieldName('left')?.type !== 'identifier') continue;
    const right = assign.childForFieldName('right');
    const callee = right?.type === 'call' ? dottedName(right.childForFieldName('function')) : undefined;
    if (callee) bindings.set(assign.childForFieldName('left')!.text, canonical(callee));
  }
  const imported = [...imports.values()];
  const wsgiModule = imported.some((m) => WSGI_FRAMEWORK.test(m)) && !imported.some((m) => /^(fastapi|quart|starlette)(\.|$)/.test(m));
  for (const stmt of children(file.root)) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : null;
    if (def?.type !== 'function_definition' || !isAsyncFunction(def)) continue;
    for (const decorator of children(stmt).filter((c) => c.type === 'decorator')) {
      const call = decorator.namedChildren.find((c) => c?.type === 'call');
      const fn = call?.childForFieldName('function');
      if (fn?.type !== 'attribute' || !VIEW_DECORATOR.test(fn.childForFieldName('attribute')!.text)) continue;
      const root = dottedName(fn.childForFieldName('object'))?.split('.')[0];
      if (!root) continue;
      const binding = bindings.get(root);
      if (binding !== undefined ? WSGI_FRAMEWORK.test(binding) : wsgiModule) result.add(def.startIndex);
    }
  }
  return result;
}

/** Web frameworks whose `@app.get(...)` decorators look like FastAPI's but are not FastAPI routes. */
const FOREIGN_FRAMEWORK = /^(flask|flask_smorest|apiflask|quart|sanic|aiohttp\.web|bottle|ninja|litestar|starlite|robyn|blacksheep|falcon|tornado|django)(\.|$)/;

/** Local name → imported dotted name, for the module's top-level imports (`from flask import Blueprint` → Blueprint: flask.Blueprint). */
function moduleImports(file: SourceFile): Map<string, string> {
  const out = new Map<string, string>();
  for (const { value } of statementRoutes.valuesOf(file, (statement) => routeFactsOf(file, statement))) for (const [local, dotted] of value.imports ?? []) out.set(local, dotted);
  return out;
}

/** The local name → imported dotted name pairs of an import statement, in order. */
function importPairs(stmt: Node): [string, string][] {
  const out: [string, string][] = [];
  if (stmt.type === 'import_statement') {
    for (const item of children(stmt)) {
      if (item.type === 'dotted_name') out.push([item.text.split('.')[0], item.text.split('.')[0]]);
      else if (item.type === 'aliased_import') {
        const alias = item.childForFieldName('alias')?.text;
        const name = item.childForFieldName('name')?.text;
        if (alias && name) out.push([alias, name]);
      }
    }
  } else if (stmt.type === 'import_from_statement') {
    const module = stmt.childForFieldName('module_name');
    if (module?.type !== 'dotted_name') return out; // relative imports are the project's own modules
    for (const item of children(stmt)) {
      if (item.id === module.id) continue;
      if (item.type === 'dotted_name') out.push([item.text, `${module.text}.${item.text}`]);
      else if (item.type === 'aliased_import') {
        const alias = item.childForFieldName('alias')?.text;
        const name = item.childForFieldName('name')?.text;
        if (alias && name) out.push([alias, `${module.text}.${name}`]);
      }
    }
  }
  return out;
}

/**
 * Drops routes registered on another framework's app or router: a name bound here to
 * `Flask(...)`, `Blueprint(...)`, `Quart(...)`, `Sanic(...)`, `NinjaAPI(...)`…, or, for a router
 * imported from elsewhere, any route of a module that imports such a framework and not FastAPI.
 */
function withoutForeignRoutes(file: SourceFile, routes: RouteSummary[], otherBindings: Map<string, string>): RouteSummary[] {
  if (!routes.length) return routes;
  const imports = moduleImports(file);
  const canonical = (dotted: string) => {
    const [head, ...rest] = dotted.split('.');
    const base = imports.get(head);
    return base ? [base, ...rest].join('.') : dotted;
  };
  const imported = [...imports.values()];
  const importsFastapi = imported.some((m) => /^(fastapi)(\.|$)/.test(m));
  const importsForeign = imported.some((m) => FOREIGN_FRAMEWORK.test(m) || m === 'aiohttp.web');
  return routes.filter((route) => {
    const root = route.router.split('.')[0];
    const binding = otherBindings.get(root);
    if (binding !== undefined) return !FOREIGN_FRAMEWORK.test(canonical(binding));
    if (imports.has(root) && FOREIGN_FRAMEWORK.test(canonical(route.router))) return false;
    return importsFastapi || !importsForeign;
  });
}

function insideFunctionOrClass(node: Node): boolean {
  const nodes = TreeIndex.of(node.tree);
  let scope = nodes.enclosingScope(node);
  while (scope?.type === 'lambda') scope = nodes.enclosingScope(scope.node);
  return scope !== undefined;
}
