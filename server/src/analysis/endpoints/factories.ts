// The application-factory pattern the module summaries do not see:
//
//   def create_app() -> FastAPI:
//       app = FastAPI()
//       app.include_router(api_router, prefix="/api/v1")
//
//       @app.get("/health")
//       async def health(): ...
//       return app
//
// Routers created inside a top-level function get a scoped name (`create_app().app`) so they
// take part in prefix resolution like module-level ones.
import type { Node } from '../parser';
import { type IncludeSummary, type RouteSummary, type RouterSummary, prefixInfo, routeFromDecorator, routeSummary } from '../routes';
import type { SourceFile } from '../source';
import { children, dottedName, keywordArgument, positionalArguments } from '../syntax';

export interface ExtraRouting {
  routers: RouterSummary[];
  includes: IncludeSummary[];
  routes: RouteSummary[];
}

/** Cheap text test: does the file create a router or app inside an indented block? */
export function mayHaveFactories(text: string): boolean {
  return /^[ \t]+[A-Za-z_]\w*\s*(?::[^=\n]+)?=\s*(?:[A-Za-z_][\w.]*\.)?(?:FastAPI|APIRouter)\s*\(/m.test(text);
}

function bodyStatements(fn: Node): Node[] {
  const out: Node[] = [];
  const visit = (block: Node) => {
    for (const stmt of children(block)) {
      out.push(stmt);
      // Descend into control flow inside the factory, not into nested functions or classes.
      if (['if_statement', 'elif_clause', 'else_clause', 'try_statement', 'except_clause', 'finally_clause', 'with_statement', 'for_statement', 'while_statement', 'block'].includes(stmt.type)) visit(stmt);
    }
  };
  const body = fn.childForFieldName('body');
  if (body) visit(body);
  return out;
}

export function extractFactoryRouting(file: SourceFile): ExtraRouting {
  const extra: ExtraRouting = { routers: [], includes: [], routes: [] };
  for (const top of children(file.root)) {
    const fn = top.type === 'decorated_definition' ? top.childForFieldName('definition') : top;
    if (fn?.type !== 'function_definition') continue;
    const fnName = fn.childForFieldName('name')!.text;
    const scoped = (local: string) => `${fnName}().${local}`;
    const locals = new Set<string>();
    const statements = bodyStatements(fn);
    for (const stmt of statements) {
      const assign = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
      if (assign?.type !== 'assignment') continue;
      const left = assign.childForFieldName('left');
      const right = assign.childForFieldName('right');
      if (left?.type !== 'identifier' || right?.type !== 'call') continue;
      const kind = dottedName(right.childForFieldName('function'))?.split('.').pop();
      if (kind !== 'FastAPI' && kind !== 'APIRouter') continue;
      locals.add(left.text);
      extra.routers.push({ name: scoped(left.text), kind, ...prefixInfo(right.childForFieldName('arguments')), line: stmt.startPosition.row + 1 });
    }
    if (!locals.size) continue;
    const nameOf = (dotted: string) => (locals.has(dotted) ? scoped(dotted) : dotted);
    for (const stmt of statements) {
      const call = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
      if (call?.type === 'call') {
        const callee = call.childForFieldName('function');
        const owner = callee?.type === 'attribute' ? dottedName(callee.childForFieldName('object')) : undefined;
        if (owner && locals.has(owner) && callee!.childForFieldName('attribute')?.text === 'include_router') {
          const args = call.childForFieldName('arguments');
          const target = dottedName(positionalArguments(args)[0] ?? keywordArgument(args, 'router'));
          if (target) extra.includes.push({ owner: scoped(owner), router: nameOf(target), ...prefixInfo(args), line: call.startPosition.row + 1 });
        }
      }
      if (stmt.type !== 'decorated_definition') continue;
      const def = stmt.childForFieldName('definition');
      if (def?.type !== 'function_definition') continue;
      for (const decorator of children(stmt).filter((c) => c.type === 'decorator')) {
        const route = routeFromDecorator(decorator);
        if (!route || !locals.has(route.router)) continue;
        extra.routes.push(routeSummary(def, route, scoped(route.router)));
      }
    }
  }
  return extra;
}
