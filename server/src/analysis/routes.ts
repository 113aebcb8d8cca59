// FastAPI route discovery within one module: routers, decorated handlers, add_api_route and
// include_router calls. Cross-file prefix resolution happens in the endpoints inventory.
import type { Node } from './parser';
import type { SourceFile } from './source';
import { children, dottedName, keywordArgument, positionalArguments, stringValue, isAsyncFunction } from './syntax';
import { TreeIndex } from './tree-index';

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

function moduleConstants(root: Node): Constants {
  const seen = new Map<string, string | null>();
  for (const node of TreeIndex.of(root.tree).nodesOfType('assignment')) {
    if (insideFunctionOrClass(node)) continue;
    const left = node.childForFieldName('left');
    if (left?.type !== 'identifier') continue;
    const value = stringValue(node.childForFieldName('right'));
    // Bound twice (or conditionally to something else): not a constant.
    seen.set(left.text, seen.has(left.text) || value === undefined ? null : value);
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

export function routeFromDecorator(decorator: Node, constants: Constants = new Map()): { router: string; methods: string[]; path: string | null; pathExpr?: string } | undefined {
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
  if (method === 'api_route') {
    const methodsArg = keywordArgument(args, 'methods');
    const methods = methodsArg ? children(methodsArg).map((m) => stringValue(m)?.toUpperCase()).filter((m): m is string => !!m) : ['GET'];
    return { router, methods, path, pathExpr };
  }
  return undefined;
}

export interface ModuleRoutes {
  routers: RouterSummary[];
  routes: RouteSummary[];
  includes: IncludeSummary[];
}

const routesByTree = new WeakMap<SourceFile['tree'], ModuleRoutes>();

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
  // Only needed once something route-like is found (most modules have none).
  let lazyConstants: Constants | undefined;
  const constants = () => (lazyConstants ??= moduleConstants(file.root));

  for (const stmt of children(file.root)) {
    if (stmt.type === 'expression_statement') {
      const assign = stmt.namedChild(0);
      if (assign?.type === 'assignment' && assign.childForFieldName('left')?.type === 'identifier') {
        const right = assign.childForFieldName('right');
        const callee = right?.type === 'call' ? dottedName(right.childForFieldName('function')) : undefined;
        const kind = callee?.split('.').pop();
        if (kind === 'APIRouter' || kind === 'FastAPI') {
          routers.push({ name: assign.childForFieldName('left')!.text, kind, ...prefixInfo(right!.childForFieldName('arguments'), constants()), line: stmt.startPosition.row + 1 });
        }
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
        const nameNode = def.childForFieldName('name')!;
        routes.push({
          function: nameNode.text,
          methods: route.methods,
          path: route.path,
          ...(route.pathExpr !== undefined ? { pathExpr: route.pathExpr } : {}),
          router: route.router,
          line: def.startPosition.row + 1,
          isAsync: isAsyncFunction(def),
          start: def.startIndex,
          end: def.endIndex,
          outerStart: stmt.startIndex,
          nameStart: nameNode.startIndex,
          nameEnd: nameNode.endIndex,
        });
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
      const methodsArg = keywordArgument(args, 'methods');
      const methods = methodsArg ? children(methodsArg).map((m) => stringValue(m)?.toUpperCase()).filter((m): m is string => !!m) : ['GET'];
      const nameNode = handler.childForFieldName('name')!;
      routes.push({
        function: nameNode.text,
        methods,
        path: pathArg ? (staticString(pathArg, constants()) ?? null) : null,
        ...(pathArg && staticString(pathArg, constants()) === undefined ? { pathExpr: pathArg.text } : {}),
        router: owner,
        line: handler.startPosition.row + 1,
        isAsync: isAsyncFunction(handler),
        start: handler.startIndex,
        end: handler.endIndex,
        outerStart: handler.parent?.type === 'decorated_definition' ? handler.parent.startIndex : handler.startIndex,
        nameStart: nameNode.startIndex,
        nameEnd: nameNode.endIndex,
      });
    }
  }
  return { routers, routes, includes };
}

function insideFunctionOrClass(node: Node): boolean {
  const nodes = TreeIndex.of(node.tree);
  let scope = nodes.enclosingScope(node);
  while (scope?.type === 'lambda') scope = nodes.enclosingScope(scope.node);
  return scope !== undefined;
}
