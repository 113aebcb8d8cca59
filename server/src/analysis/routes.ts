// FastAPI route discovery within one module: routers, decorated handlers, add_api_route and
// include_router calls. Cross-file prefix resolution happens in the endpoints inventory.
import type { Node } from './parser';
import type { SourceFile } from './source';
import { treeCache } from './tree-caches';
import { children, dottedName, keywordArgument, positionalArguments, stringValue, isAsyncFunction } from './syntax';
import { TreeIndex } from './tree-index';
import { type StatementRange, StatementMemo } from './statement-memo';

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

function staticString(node: Node | null | undefined, constants: Constants): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier' && constants.has(node.text)) return constants.get(node.text);
  return stringValue(node);
}

export function prefixInfo(args: Node | null, constants: Constants = new Map()): { prefix: string | null; prefixExpr?: string } {
  const prefix = keywordArgument(args, 'prefix');
  if (!prefix) return { prefix: '' };
  const value = staticString(prefix, constants);
  return value === undefined ? { prefix: null, prefixExpr: prefix.text } : { prefix: value };
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

/** The upper-case `methods=[...]` of api_route / add_api_route; GET when not given. */
function methodsArgument(args: Node | null): string[] {
  const methodsArg = keywordArgument(args, 'methods');
  return methodsArg ? children(methodsArg).map((m) => stringValue(m)?.toUpperCase()).filter((m): m is string => !!m) : ['GET'];
}

export function routeFromDecorator(decorator: Node, constants: Constants = new Map()): DecoratorRoute | undefined {
  const call = decorator.namedChildren.find((c) => c?.type === 'call');
  if (!call) return undefined;
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute') return undefined;
  const method = fn.childForFieldName('attribute')!.text;
  const router = dottedName(fn.childForFieldName('object'));
  if (!router) return undefined;
  const args = call.childForFieldName('arguments');
  const pathArg = positionalArguments(args)[0] ?? keywordArgument(args, 'path');
  const path = pathArg ? (staticString(pathArg, constants) ?? null) : null;
  const pathExpr = path === null ? (pathArg?.text ?? '') : undefined;
  if ((HTTP_METHODS as readonly string[]).includes(method)) return { router, methods: [method.toUpperCase()], path, pathExpr };
  if (method === 'api_route') return { router, methods: methodsArgument(args), path, pathExpr };
  return undefined;
}

/** The summary of handler `def` registered by `route` on `router` (by decorator or add_api_route). */
export function routeSummary(def: Node, route: DecoratorRoute, router: string): RouteSummary {
  const nameNode = def.childForFieldName('name')!;
  return {
    function: nameNode.text,
    methods: route.methods,
    path: route.path,
    ...(route.pathExpr !== undefined ? { pathExpr: route.pathExpr } : {}),
    router,
    line: def.startPosition.row + 1,
    isAsync: isAsyncFunction(def),
    start: def.startIndex,
    end: def.endIndex,
    outerStart: def.parent?.type === 'decorated_definition' ? def.parent.startIndex : def.startIndex,
    nameStart: nameNode.startIndex,
    nameEnd: nameNode.endIndex,
  };
}

export interface ModuleRoutes {
  routers: RouterSummary[];
  routes: RouteSummary[];
  includes: IncludeSummary[];
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
  const functionsByName = new Map<string, Node>();
  /** Module-level `name = callee(...)` bindings other than APIRouter/FastAPI (a Flask app, a Blueprint…). */
  const otherBindings = new Map<string, string>();
  // Only needed once something route-like is found (most modules have none).
  let lazyConstants: Constants | undefined;
  const constants = () => (lazyConstants ??= moduleConstants(file));

  for (const stmt of children(file.root)) {
    if (stmt.type === 'expression_statement') {
      const assign = stmt.namedChild(0);
      if (assign?.type === 'assignment' && assign.childForFieldName('left')?.type === 'identifier') {
        const right = assign.childForFieldName('right');
        const callee = right?.type === 'call' ? dottedName(right.childForFieldName('function')) : undefined;
        const kind = callee?.split('.').pop();
        if (kind === 'APIRouter' || kind === 'FastAPI') {
          routers.push({ name: assign.childForFieldName('left')!.text, kind, ...prefixInfo(right!.childForFieldName('arguments'), constants()), line: stmt.startPosition.row + 1 });
        } else if (callee) otherBindings.set(assign.childForFieldName('left')!.text, callee);
      }
    }
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition') functionsByName.set(def.childForFieldName('name')!.text, def);
    if (stmt.type === 'decorated_definition' && def?.type === 'function_definition') {
      for (const decorator of children(stmt).filter((c) => c.type === 'decorator')) {
        // A route decorator names its HTTP method (or api_route): skip the rest without a look.
        if (!ROUTE_METHOD_WORD.test(decorator.text)) continue;
        const route = routeFromDecorator(decorator, constants());
        if (!route) continue;
        routes.push(routeSummary(def, route, route.router));
      }
    }
  }

  // include_router / add_api_route calls anywhere at module level (also inside `if` blocks);
  // the text tests first avoid looking at every call of the file.
  const mayRegister = file.text.includes('include_router') || file.text.includes('add_api_route');
  for (const node of mayRegister ? TreeIndex.of(file.tree).nodesOfType('call') : []) {
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
      const condition = conditionOf(node);
      if (target) includes.push({ owner, router: target, ...prefixInfo(args, constants()), ...(condition ? { condition } : {}), line: node.startPosition.row + 1 });
    } else if (method === 'add_api_route') {
      const positional = positionalArguments(args);
      const pathArg = positional[0] ?? keywordArgument(args, 'path');
      const endpointArg = positional[1] ?? keywordArgument(args, 'endpoint');
      const handler = endpointArg?.type === 'identifier' ? functionsByName.get(endpointArg.text) : undefined;
      if (!handler) continue;
      const path = pathArg ? (staticString(pathArg, constants()) ?? null) : null;
      const pathExpr = pathArg && path === null ? pathArg.text : undefined;
      routes.push(routeSummary(handler, { router: owner, methods: methodsArgument(args), path, pathExpr }, owner));
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
  for (const stmt of children(file.root)) {
    if (stmt.type === 'import_statement') {
      for (const item of children(stmt)) {
        if (item.type === 'dotted_name') out.set(item.text.split('.')[0], item.text.split('.')[0]);
        else if (item.type === 'aliased_import') {
          const alias = item.childForFieldName('alias')?.text;
          const name = item.childForFieldName('name')?.text;
          if (alias && name) out.set(alias, name);
        }
      }
    } else if (stmt.type === 'import_from_statement') {
      const module = stmt.childForFieldName('module_name');
      if (module?.type !== 'dotted_name') continue; // relative imports are the project's own modules
      for (const item of children(stmt)) {
        if (item.id === module.id) continue;
        if (item.type === 'dotted_name') out.set(item.text, `${module.text}.${item.text}`);
        else if (item.type === 'aliased_import') {
          const alias = item.childForFieldName('alias')?.text;
          const name = item.childForFieldName('name')?.text;
          if (alias && name) out.set(alias, `${module.text}.${name}`);
        }
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
