// Cross-file FastAPI route resolution: which routers include which (include_router chains
// across modules, with their prefixes), and the full path of every route as a client calls it.
// What cannot be known statically (a computed prefix, a prefix that depends on a module-level
// `if`) becomes `{?}` with a note, never a guess.
import type { RouteSummary, RouterSummary } from '../routes';
import type { ClassSummary, ModuleSummary } from '../summary';
import type { WorkspaceIndex } from '../workspace';
import type { ExtraRouting } from './factories';
import type { MountStep } from './types';

/** Routing found outside the module summaries (application factories), by file path. */
export type ExtraRoutingByPath = Map<string, ExtraRouting>;

function withExtras(mod: ModuleSummary, extras?: ExtraRoutingByPath): ModuleSummary {
  const extra = extras?.get(mod.path);
  if (!extra) return mod;
  return { ...mod, routers: [...mod.routers, ...extra.routers], includes: [...mod.includes, ...extra.includes], routes: [...mod.routes, ...extra.routes] };
}

export const UNKNOWN = '{?}';

export interface RouterNode {
  /** `module:name` (the module's path instead of its name when several projects define that name) */
  key: string;
  module: string;
  name: string;
  path: string;
  line: number;
  kind: 'APIRouter' | 'FastAPI' | 'unknown';
  prefix: string | null;
  prefixExpr?: string;
}

export interface IncludeEdge {
  parent: string;
  child: string;
  prefix: string | null;
  prefixExpr?: string;
  condition?: string;
  path: string;
  line: number;
}

export interface Mount {
  /** Prefix to put before a route path registered on the router (its own prefix included). */
  prefix: string;
  known: boolean;
  /** The app (or top router) first, the router itself last. */
  chain: MountStep[];
  /** True when the chain starts at a FastAPI app. */
  mounted: boolean;
  notes: string[];
}

export interface ResolvedRoute {
  route: RouteSummary;
  module: ModuleSummary;
  method: string;
  fullPath: string;
  known: boolean;
  mounted: boolean;
  chain: MountStep[];
  notes: string[];
}

export interface RouterGraph {
  routers: Map<string, RouterNode>;
  edges: IncludeEdge[];
  problems: { path: string; line: number; message: string }[];
}

function routerKey(index: WorkspaceIndex, module: ModuleSummary, name: string): string {
  return `${index.moduleKey(module)}:${name}`;
}

/** Resolves a router expression written in `module` (`router`, `users.router`, `api_router`) to its key. */
export function resolveRouterKey(index: WorkspaceIndex, module: ModuleSummary, dotted: string): string | undefined {
  const local = module.routers.find((r) => r.name === dotted);
  if (local) return routerKey(index, module, local.name);
  // Names resolve as the module's own project sees them (a monorepo's two `app.main`s).
  const view = index.forFile(module.path);
  const sym = view.resolveDotted(module.moduleName, dotted);
  if (sym?.kind !== 'variable' && sym?.kind !== 'instance') return undefined;
  const owner = view.module(sym.module);
  return owner && routerKey(index, owner, sym.name);
}

/** The router node of a key that is not a router defined at module level (an unknown router). */
function unknownRouter(index: WorkspaceIndex, key: string, fallbackPath: string, line: number): RouterNode {
  const cut = key.lastIndexOf(':');
  const [module, name] = [key.slice(0, cut), key.slice(cut + 1)];
  const owner = index.fileByPath(module) ?? index.module(module);
  return { key, module: owner?.moduleName ?? module, name, path: owner?.path ?? fallbackPath, line, kind: 'unknown', prefix: '' };
}

const DOTTED_NAME = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

/** A string class attribute (`API_V1_STR: str = "/api/v1"`) of a class or its workspace bases. */
function classConstant(index: WorkspaceIndex, module: string, cls: ClassSummary, name: string, depth = 0): string | undefined {
  const own = cls.stringConstants?.[name];
  if (own !== undefined || depth > 4) return own;
  for (const base of cls.bases) {
    const resolved = index.resolveDotted(module, base);
    const found = resolved?.kind === 'class' ? classConstant(index, resolved.module, resolved.cls, name, depth + 1) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The value of a prefix written as a constant, resolved across modules: a module constant
 * (`API_V1`, `config.API_V1`, imported or not) or a string class attribute read on the class or
 * on a module-level instance (`settings.API_V1_STR` with `settings = Settings()` or
 * `settings = get_settings()` annotated `-> Settings`). The class attribute's default is taken:
 * an environment variable may override a pydantic setting at run time. undefined otherwise.
 */
export function constantString(index: WorkspaceIndex, module: ModuleSummary, expr: string | undefined): string | undefined {
  if (!expr || !DOTTED_NAME.test(expr)) return undefined;
  const view = index.forFile(module.path);
  const whole = view.resolveDotted(module.moduleName, expr);
  if (whole?.kind === 'variable') return whole.variable.stringValue;
  const cut = expr.lastIndexOf('.');
  if (cut < 0) return undefined;
  const owner = view.resolveDotted(module.moduleName, expr.slice(0, cut));
  const attr = expr.slice(cut + 1);
  if (owner?.kind === 'class') return classConstant(view, owner.module, owner.cls, attr);
  if (owner?.kind === 'instance') return classConstant(view, owner.classModule, owner.cls, attr);
  if (owner?.kind === 'variable' && owner.variable.callee) {
    // `settings = get_settings()` where `def get_settings() -> Settings`.
    const factory = view.resolveDotted(owner.module, owner.variable.callee);
    if (factory?.kind !== 'function') return undefined;
    const returns = factory.fn.returns?.replace(/^["']|["']$/g, '');
    const cls = returns && DOTTED_NAME.test(returns) ? view.resolveDotted(factory.module, returns) : undefined;
    if (cls?.kind === 'class') return classConstant(view, cls.module, cls.cls, attr);
  }
  return undefined;
}

export function buildRouterGraph(index: WorkspaceIndex, extras?: ExtraRoutingByPath): RouterGraph {
  const routers = new Map<string, RouterNode>();
  const edges: IncludeEdge[] = [];
  const problems: RouterGraph['problems'] = [];
  const modules = index.modules().map((m) => withExtras(m, extras));
  const add = (mod: ModuleSummary, r: RouterSummary) => {
    const constant = r.prefix === null ? constantString(index, mod, r.prefixExpr) : undefined;
    routers.set(routerKey(index, mod, r.name), {
      key: routerKey(index, mod, r.name),
      module: mod.moduleName,
      name: r.name,
      path: mod.path,
      line: r.line,
      kind: r.kind,
      ...(constant !== undefined ? { prefix: constant } : { prefix: r.prefix, prefixExpr: r.prefixExpr }),
    });
  };
  for (const mod of modules) for (const r of mod.routers) add(mod, r);
  for (const mod of modules) {
    for (const inc of mod.includes) {
      const parent = resolveRouterKey(index, mod, inc.owner);
      const child = resolveRouterKey(index, mod, inc.router);
      if (!parent || !child) {
        problems.push({ path: mod.path, line: inc.line, message: `cannot resolve ${!parent ? inc.owner : inc.router} in ${inc.owner}.include_router(${inc.router}) to a router` });
        continue;
      }
      for (const key of [parent, child]) {
        if (!routers.has(key)) routers.set(key, unknownRouter(index, key, mod.path, inc.line));
      }
      const constant = inc.prefix === null ? constantString(index, mod, inc.prefixExpr) : undefined;
      const prefix = constant !== undefined ? { prefix: constant } : { prefix: inc.prefix, prefixExpr: inc.prefixExpr };
      edges.push({ parent, child, ...prefix, condition: inc.condition, path: mod.path, line: inc.line });
    }
  }
  return { routers, edges, problems };
}

function ownPrefix(node: RouterNode): { text: string; known: boolean; note?: string } {
  if (node.prefix === null) return { text: UNKNOWN, known: false, note: `the prefix of ${node.name} (${node.path}:${node.line}) is computed (${node.prefixExpr ?? '?'}), not a string literal` };
  return { text: node.prefix, known: true };
}

/**
 * Every way a router is mounted. Include calls of one child by one parent under module-level
 * conditions with different prefixes collapse into one unknown prefix (which one applies depends
 * on run time); unconditional repeated includes are separate mounts (FastAPI serves both).
 */
export function mountsOf(graph: RouterGraph, key: string, visiting: Set<string> = new Set(), memo: Map<string, Mount[]> = new Map()): Mount[] {
  const cached = memo.get(key);
  if (cached) return cached;
  const node = graph.routers.get(key);
  if (!node) return [{ prefix: '', known: true, chain: [], mounted: false, notes: [`router ${key} is not defined at module level`] }];
  const own = ownPrefix(node);
  const self: MountStep = { router: key, path: node.path, line: node.line, prefix: node.prefix };
  if (visiting.has(key)) return [{ prefix: UNKNOWN, known: false, chain: [self], mounted: false, notes: [`include_router cycle through ${node.name} (${node.path})`] }];
  const incoming = graph.edges.filter((e) => e.child === key);
  let result: Mount[];
  if (!incoming.length) {
    const mounted = node.kind === 'FastAPI';
    const notes = own.note ? [own.note] : [];
    if (!mounted) notes.push(`not mounted: ${node.name} (${node.path}:${node.line}) is never included with include_router`);
    result = [{ prefix: own.text, known: own.known, chain: [self], mounted, notes }];
  } else {
    visiting.add(key);
    result = [];
    const byParent = new Map<string, IncludeEdge[]>();
    for (const e of incoming) byParent.set(e.parent, [...(byParent.get(e.parent) ?? []), e]);
    for (const [parent, list] of byParent) {
      const parentMounts = mountsOf(graph, parent, visiting, memo);
      const conditional = list.some((e) => e.condition);
      const prefixes = new Set(list.map((e) => e.prefix));
      let effective: { prefix: string; known: boolean; notes: string[]; edge: IncludeEdge }[];
      if (conditional && prefixes.size > 1) {
        const options = list.map((e) => (e.prefix === null ? e.prefixExpr ?? UNKNOWN : JSON.stringify(e.prefix))).join(' or ');
        const conditions = [...new Set(list.map((e) => e.condition).filter(Boolean))].join('; ');
        effective = [{ prefix: UNKNOWN, known: false, notes: [`the include prefix depends on a condition (${conditions}): ${options} (${list[0].path}:${list[0].line})`], edge: list[0] }];
      } else {
        const seen = new Set<string>();
        effective = [];
        for (const e of list) {
          const sig = `${e.prefix}|${e.prefixExpr}`;
          if (conditional && seen.has(sig)) continue; // if/else including the same router the same way
          seen.add(sig);
          const notes: string[] = [];
          if (e.prefix === null) notes.push(`include prefix ${e.prefixExpr ?? '?'} (${e.path}:${e.line}) is not a string literal`);
          if (e.condition && list.length === 1) notes.push(`mounted only under a condition (${e.condition}) at ${e.path}:${e.line}`);
          effective.push({ prefix: e.prefix === null ? UNKNOWN : e.prefix, known: e.prefix !== null, notes, edge: e });
        }
      }
      for (const pm of parentMounts) {
        for (const eff of effective) {
          result.push({
            prefix: pm.prefix + eff.prefix + own.text,
            known: pm.known && eff.known && own.known,
            chain: [...pm.chain, { router: key, path: eff.edge.path, line: eff.edge.line, prefix: eff.edge.prefix }],
            mounted: pm.mounted,
            notes: [...pm.notes, ...eff.notes, ...(own.note ? [own.note] : [])],
          });
        }
      }
    }
    visiting.delete(key);
  }
  memo.set(key, result);
  return result;
}

/** Every (route, method, mount) of the workspace with its full path. */
export function resolveRoutes(index: WorkspaceIndex, graph: RouterGraph = buildRouterGraph(index), extras?: ExtraRoutingByPath): ResolvedRoute[] {
  const out: ResolvedRoute[] = [];
  const memo = new Map<string, Mount[]>();
  for (const mod of index.modules().map((m) => withExtras(m, extras))) {
    for (const route of mod.routes) {
      const key = resolveRouterKey(index, mod, route.router);
      let mounts: Mount[];
      if (!key) mounts = [{ prefix: '', known: true, chain: [], mounted: false, notes: [`cannot resolve the router ${route.router} the route is registered on`] }];
      else {
        if (!graph.routers.has(key)) graph.routers.set(key, unknownRouter(index, key, mod.path, route.line));
        mounts = mountsOf(graph, key, new Set(), memo);
      }
      const routePath = route.path ?? constantString(index, mod, route.pathExpr) ?? null;
      const pathKnown = routePath !== null;
      const local = routePath ?? UNKNOWN;
      const methods = route.methods.length ? route.methods : ['GET'];
      for (const method of methods) {
        for (const m of mounts) {
          const notes = [...m.notes];
          if (!pathKnown) notes.push(`the route path ${route.pathExpr ?? ''} is not a string literal`.replace('  ', ' '));
          out.push({ route, module: mod, method, fullPath: m.prefix + local, known: m.known && pathKnown, mounted: m.mounted, chain: m.chain, notes });
        }
      }
    }
  }
  return out;
}
