// The endpoint inventory: every FastAPI route handler with its full path, dependencies,
// findings, tier, status and phase. Pure (no fs): the caller supplies file texts.
import type { AsyncMigrateConfig } from '../config';
import type { ProgressState } from '../progress/state';
import type { WorkspaceIndex } from '../workspace';
import { AnalysisCache, DEFAULT_MAX_DEPTH, analyzeEndpoint, type EndpointAnalysis } from './dependencies';
import { buildPhases, complexityOf, estimateEffort, isReadOnly, phaseOf, riskScore } from './plan';
import { extractFactoryRouting, mayHaveFactories } from './factories';
import { type ExtraRoutingByPath, buildRouterGraph, resolveRoutes } from './routing';
import { computeStatus } from './status';
import { decideTier } from './tiers';
import type { Endpoint, Inventory } from './types';

export interface InventoryOptions {
  /** Text of a workspace file (open editor buffer or disk); undefined = not available. */
  getText: (path: string) => string | undefined;
  /** Checklist state from progress.md, for the `verified` status. */
  state?: ProgressState;
  /** Reuse between builds: findings are cached per index generation. */
  cache?: AnalysisCache;
  maxDepth?: number;
}

export function endpointId(method: string, route: string): string {
  return `${method} ${route}`;
}

function compareEndpoints(a: Endpoint, b: Endpoint): number {
  return a.tier - b.tier || a.risk - b.risk || (a.route < b.route ? -1 : a.route > b.route ? 1 : 0) || a.method.localeCompare(b.method) || a.path.localeCompare(b.path) || a.line - b.line;
}

export function buildInventory(index: WorkspaceIndex, config: AsyncMigrateConfig, options: InventoryOptions): Inventory {
  const cache = options.cache ?? new AnalysisCache(index, config, options.getText);
  cache.sync();
  try {
    // Application factories (`def create_app(): app = FastAPI(); app.include_router(...)`).
    const extras: ExtraRoutingByPath = new Map();
    for (const mod of index.modules()) {
      const text = options.getText(mod.path);
      if (!text || !mayHaveFactories(text)) continue;
      const parsed = cache.parsedFile(mod.path);
      if (!parsed) continue;
      const extra = extractFactoryRouting(parsed.file);
      if (extra.routers.length) extras.set(mod.path, extra);
    }
    const graph = buildRouterGraph(index, extras);
    const routes = resolveRoutes(index, graph, extras);
    const analyses = new Map<string, EndpointAnalysis>();
    const endpoints: Endpoint[] = [];
    for (const r of routes) {
      const handlerKey = `${r.module.path}:${r.route.nameStart}`;
      let analysis = analyses.get(handlerKey);
      if (!analysis) {
        analysis = analyzeEndpoint(cache, { path: r.module.path, module: r.module.moduleName, nameStart: r.route.nameStart }, options.maxDepth ?? DEFAULT_MAX_DEPTH);
        analyses.set(handlerKey, analysis);
      }
      const { dependencies, findings } = analysis;
      const base = { method: r.method, route: r.fullPath, path: r.module.path, dependencies, findings };
      const tier = decideTier(base, config.tiers.overrides);
      const risk = riskScore(base);
      const findingCodes: Record<string, number> = {};
      for (const f of findings) findingCodes[f.code] = (findingCodes[f.code] ?? 0) + 1;
      const endpoint: Endpoint = {
        id: endpointId(r.method, r.fullPath),
        method: r.method,
        route: r.fullPath,
        routeKnown: r.known,
        mounted: r.mounted,
        localPath: r.route.path,
        function: r.route.function,
        path: r.module.path,
        module: r.module.moduleName,
        line: r.route.line,
        start: r.route.outerStart,
        end: r.route.end,
        nameStart: r.route.nameStart,
        nameEnd: r.route.nameEnd,
        isAsync: r.route.isAsync,
        mountChain: r.chain,
        dependencies,
        findings,
        findingCodes,
        tier: tier.tier,
        tierReason: tier.reason,
        tierConfigured: tier.configured,
        status: 'sync',
        statusReasons: [],
        risk,
        complexity: complexityOf(risk),
        effortHours: estimateEffort(base),
        phase: 0,
        readOnly: isReadOnly(r.method),
      };
      if (r.notes.length) endpoint.routeNote = r.notes.join('; ');
      endpoints.push(endpoint);
    }
    // Ids must be unique: a second handler on the same METHOD + path (FastAPI serves the first
    // registered one) gets its file and function appended.
    const byId = new Map<string, Endpoint[]>();
    for (const e of endpoints) byId.set(e.id, [...(byId.get(e.id) ?? []), e]);
    for (const [, list] of byId) {
      if (list.length < 2) continue;
      list.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line);
      list.slice(1).forEach((e) => {
        const first = list[0];
        // The same handler mounted twice under the same path is one endpoint for clients.
        e.id = `${e.id} (${e.path}:${e.function})`;
        e.routeNote = [e.routeNote, `duplicate route: ${first.function} in ${first.path}:${first.line} has the same method and path`].filter(Boolean).join('; ');
      });
    }
    for (const e of endpoints) {
      const status = computeStatus(e, options.state?.endpoints[e.id]);
      e.status = status.status;
      e.statusReasons = status.reasons;
      e.phase = phaseOf(e);
    }
    endpoints.sort(compareEndpoints);
    return { endpoints, phases: buildPhases(endpoints), problems: graph.problems, generation: index.generation };
  } finally {
    cache.dispose();
  }
}

/** Endpoints whose handler contains offset in path (the checklist sidebar's "endpoint under the cursor"). */
export function endpointsAt(inventory: Inventory, path: string, offset: number): Endpoint[] {
  return inventory.endpoints.filter((e) => e.path === path && e.start <= offset && offset <= e.end);
}

/** Endpoint lookup by id. */
export function endpointById(inventory: Inventory, id: string): Endpoint | undefined {
  return inventory.endpoints.find((e) => e.id === id);
}
