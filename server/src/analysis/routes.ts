// FastAPI route discovery within one module: routers, decorated handlers, add_api_route and
// include_router calls. Cross-file prefix resolution happens in the endpoints inventory.
import type { Node } from './parser';
import type { SourceFile } from './source';
import { children, dottedName, keywordArgument, positionalArguments, stringValue, isAsyncFunction, walk } from './syntax';

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options', 'head', 'trace'] as const;

export interface RouterSummary {
  /** Module-level variable name. */
  name: string;
  kind: 'APIRouter' | 'FastAPI';
  /** Static prefix; '' when none; null when not static (computed). */
  prefix: string | null;
  line: number;
}

export interface RouteSummary {
  /** Handler function name. */
  function: string;
  /** Upper-case HTTP methods. */
  methods: string[];
  /** Path as written on the decorator; null when not a static string. */
  path: string | null;
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
  line: number;
}

function staticPrefix(args: Node | null): string | null {
  const prefix = keywordArgument(args, 'prefix');
  if (!prefix) return '';
  const value = stringValue(prefix);
  return value === undefined ? null : value;
}

function routeFromDecorator(decorator: Node): { router: string; methods: string[]; path: string | null } | undefined {
  const call = decorator.namedChildren.find((c) => c?.type === 'call');
  if (!call) return undefined;
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute') return undefined;
  const method = fn.childForFieldName('attribute')!.text;
  const router = dottedName(fn.childForFieldName('object'));
  if (!router) return undefined;
  const args = call.childForFieldName('arguments');
  const pathArg = positionalArguments(args)[0] ?? keywordArgument(args, 'path');
  const path = pathArg ? (stringValue(pathArg) ?? null) : null;
  if ((HTTP_METHODS as readonly string[]).includes(method)) return { router, methods: [method.toUpperCase()], path };
  if (method === 'api_route') {
    const methodsArg = keywordArgument(args, 'methods');
    const methods = methodsArg ? children(methodsArg).map((m) => stringValue(m)?.toUpperCase()).filter((m): m is string => !!m) : ['GET'];
    return { router, methods, path };
  }
  return undefined;
}

export function extractRoutes(file: SourceFile): { routers: RouterSummary[]; routes: RouteSummary[]; includes: IncludeSummary[] } {
  const routers: RouterSummary[] = [];
  const routes: RouteSummary[] = [];
  const includes: IncludeSummary[] = [];
  const functionsByName = new Map<string, Node>();

  for (const stmt of children(file.root)) {
    if (stmt.type === 'expression_statement') {
      const assign = stmt.namedChild(0);
      if (assign?.type === 'assignment' && assign.childForFieldName('left')?.type === 'identifier') {
        const right = assign.childForFieldName('right');
        const callee = right?.type === 'call' ? dottedName(right.childForFieldName('function')) : undefined;
        const kind = callee?.split('.').pop();
        if (kind === 'APIRouter' || kind === 'FastAPI') {
          routers.push({ name: assign.childForFieldName('left')!.text, kind, prefix: staticPrefix(right!.childForFieldName('arguments')), line: stmt.startPosition.row + 1 });
        }
      }
    }
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition') functionsByName.set(def.childForFieldName('name')!.text, def);
    if (stmt.type === 'decorated_definition' && def?.type === 'function_definition') {
      for (const decorator of children(stmt).filter((c) => c.type === 'decorator')) {
        const route = routeFromDecorator(decorator);
        if (!route) continue;
        const nameNode = def.childForFieldName('name')!;
        routes.push({
          function: nameNode.text,
          methods: route.methods,
          path: route.path,
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

  // include_router / add_api_route calls anywhere at module level (also inside `if` blocks).
  walk(file.root, (node) => {
    if (node.type === 'function_definition' || node.type === 'class_definition') return false;
    if (node.type !== 'call') return;
    const fn = node.childForFieldName('function');
    if (fn?.type !== 'attribute') return;
    const method = fn.childForFieldName('attribute')!.text;
    const owner = dottedName(fn.childForFieldName('object'));
    const args = node.childForFieldName('arguments');
    if (!owner) return;
    if (method === 'include_router') {
      const target = dottedName(positionalArguments(args)[0] ?? keywordArgument(args, 'router'));
      if (target) includes.push({ owner, router: target, prefix: staticPrefix(args), line: node.startPosition.row + 1 });
    } else if (method === 'add_api_route') {
      const positional = positionalArguments(args);
      const pathArg = positional[0] ?? keywordArgument(args, 'path');
      const endpointArg = positional[1] ?? keywordArgument(args, 'endpoint');
      const handler = endpointArg?.type === 'identifier' ? functionsByName.get(endpointArg.text) : undefined;
      if (!handler) return;
      const methodsArg = keywordArgument(args, 'methods');
      const methods = methodsArg ? children(methodsArg).map((m) => stringValue(m)?.toUpperCase()).filter((m): m is string => !!m) : ['GET'];
      const nameNode = handler.childForFieldName('name')!;
      routes.push({
        function: nameNode.text,
        methods,
        path: pathArg ? (stringValue(pathArg) ?? null) : null,
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
  });
  return { routers, routes, includes };
}
