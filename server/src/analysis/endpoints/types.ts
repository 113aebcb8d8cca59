// Data shapes of the endpoint inventory (plain data: safe to serialise, send over LSP, cache).
import type { Finding } from '../types';

export type Tier = 1 | 2 | 3;
export type EndpointStatus = 'sync' | 'in progress' | 'migrated' | 'verified';
export const STATUSES: readonly EndpointStatus[] = ['sync', 'in progress', 'migrated', 'verified'];

/** One step of a router mount chain, from the app down to the router that owns the route. */
export interface MountStep {
  /** Router key `module:name`. */
  router: string;
  path: string;
  line: number;
  /** Prefix of this include_router call ('' when none, null when not static). */
  prefix: string | null;
}

export interface ServiceDependency {
  /** As written at the call site, shortened to the last two parts (`user_service.get_user`). */
  name: string;
  /** Canonical dotted name (`app.services.user.UserService.get_user`). */
  qualified: string;
  module: string;
  path: string;
  line: number;
  isAsync: boolean;
  role: 'service' | 'repository' | 'helper';
  /**
   * A helper of the handler rather than a service it uses: defined in the handler's own module,
   * or private (`_cache_key`). Its role is then 'helper'.
   */
  local?: true;
  /** For a sync callee: its async twin when the workspace has one (`async_user_service.get_user`). */
  twin?: { name: string; qualified: string; path: string; line: number };
  /** 1 = called by the handler, 2 = called by a callee, … */
  depth: number;
  /** The dependency that calls this one (depth > 1). */
  via?: string;
  /** True when a sync callee runs on the event loop (called directly from async code). */
  blocking: boolean;
  /** Does IO (DB, Redis or an external SDK), itself or through what it calls. */
  doesIO: boolean;
}

export interface SdkUsage {
  /** Display name from config.externalSdks (`Stripe`). */
  name: string;
  /** The canonical external call (`stripe.Customer.create`). */
  call: string;
  /** The workspace module that makes the call (the handler's own module for direct calls). */
  viaModule: string;
  /** True when the handler itself makes the call. */
  direct: boolean;
  path: string;
  line: number;
}

export interface DbUsage {
  /** Legacy `session.query(...)` chains. */
  legacyQueries: number;
  /** SQLAlchemy 2.0 style: `select(...)`, `session.execute/scalars/scalar/get`. */
  modernQueries: number;
  /** Session flavours received by the handler (`db: Session = Depends(get_db)` → sync). */
  sessions: ('sync' | 'async')[];
}

export interface RedisUsage {
  calls: number;
  flavors: ('sync' | 'async')[];
}

export interface EndpointDependencies {
  services: ServiceDependency[];
  externalSdks: SdkUsage[];
  db: DbUsage;
  redis: RedisUsage;
}

export interface Endpoint {
  /** Stable key: `METHOD /full/path` (or with a ` (function)` suffix if two handlers share it). */
  id: string;
  method: string;
  /** Full path a client calls; `{?}` stands for a part that is not known statically. */
  route: string;
  /** Why the route has a `{?}`, or why it is not mounted. */
  routeNote?: string;
  routeKnown: boolean;
  /** False when the router is never included in a FastAPI app (listed with its own path). */
  mounted: boolean;
  /** Path as written on the decorator (`/checkin`). */
  localPath: string | null;
  function: string;
  /** Workspace-relative POSIX path of the handler file. */
  path: string;
  module: string;
  /** 1-based line of the `def`. */
  line: number;
  /** Offsets of the handler (decorators included) and its name. */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  isAsync: boolean;
  mountChain: MountStep[];
  dependencies: EndpointDependencies;
  /** Open findings in the handler and in the workspace functions it calls (deduplicated). */
  findings: Finding[];
  /** Findings by code, for compact display. */
  findingCodes: Record<string, number>;
  tier: Tier;
  tierReason: string;
  /** True when a configured override decided the tier. */
  tierConfigured: boolean;
  status: EndpointStatus;
  /** Why the status is `in progress` (or what still keeps it from `verified`). */
  statusReasons: string[];
  /** Risk score used for ordering within a tier (higher = riskier). */
  risk: number;
  complexity: 'low' | 'medium' | 'high';
  /** Estimated hours to migrate, following the seed's per-endpoint checklist. */
  effortHours: number;
  /** Phase number in the plan (1-based). */
  phase: number;
  readOnly: boolean;
}

export interface Phase {
  number: number;
  title: string;
  goal: string;
  endpoints: string[];
  effortHours: number;
  /** Endpoints already async (migrated or verified or in progress). */
  async: number;
  done: number;
}

export interface InventoryProblem {
  path: string;
  line: number;
  message: string;
}

export interface Inventory {
  /** Sorted by tier, then risk (lowest first: the order to migrate in), then route. */
  endpoints: Endpoint[];
  phases: Phase[];
  problems: InventoryProblem[];
  generation: number;
}
