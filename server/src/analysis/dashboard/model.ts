// The migration dashboard's data (spec §2 "Migration dashboard"): the share of endpoints async
// now and at sampled commits (the burn-up), open findings per rule and tier, the endpoints with
// the most open findings, AM701's sync twins (safe to delete or still imported) and P95 latency
// before/after from progress.md against the seed's −20 %. Pure: the inventory, the state and
// the history come from the caller (the history is read from git by project/git-history.ts).
import { summarizeProgress } from '../progress/render';
import type { ProgressState } from '../progress/state';
import type { Inventory, Tier } from '../endpoints/types';
import type { TwinPair } from '../twins';
import { P95_TARGET_CHANGE, PHASE_TARGETS, type PhaseTarget } from './targets';

export interface TierShare {
  tier: Tier;
  total: number;
  async: number;
  /** async / total in percent, one decimal (0 when there is none). */
  percent: number;
}

/** How many endpoints are `async def`, overall and per tier. */
export interface AsyncShare {
  total: number;
  async: number;
  percent: number;
  tiers: TierShare[];
}

export interface HistorySample {
  /** Full commit hash. */
  commit: string;
  /** Committer date (ISO 8601, as git prints it). */
  date: string;
  subject: string;
  /** Null when the commit could not be analysed (see error). */
  share: AsyncShare | null;
  error?: string;
}

export interface History {
  /** Oldest first; the last one is the branch head. */
  samples: HistorySample[];
  /** First-parent commits on the branch (what the samples were picked from). */
  commits: number;
  /** Date the plan's clock starts (the last sample before the share of async endpoints first grew). */
  start?: string;
  /** Why there is no history (not a git repository, no commits). */
  note?: string;
}

export interface RuleCount {
  code: string;
  rule: string;
  /** Distinct open findings (one finding in a service shared by several endpoints counts once). */
  count: number;
  /** Distinct findings reached from the endpoints of each tier [tier 1, tier 2, tier 3]. */
  byTier: [number, number, number];
}

export interface BlockerRow {
  id: string;
  method: string;
  route: string;
  function: string;
  path: string;
  /** 1-based line of the handler. */
  line: number;
  tier: Tier;
  status: string;
  /** Open findings in the handler and the code it calls, and how many are errors. */
  findings: number;
  errors: number;
  codes: Record<string, number>;
  reasons: string[];
}

export interface TwinRow {
  sync: string;
  async: string;
  /** Files that still import the sync twin (empty: safe to delete). */
  importers: string[];
  safeToDelete: boolean;
}

export interface LatencyRow {
  id: string;
  tier: Tier;
  /** P95 in ms. */
  before: number;
  after: number;
  /** (after − before) / before: −0.25 = 25 % faster. */
  change: number;
  met: boolean;
}

export interface DashboardModel {
  share: AsyncShare;
  statuses: { sync: number; inProgress: number; migrated: number; verified: number };
  findingsByRule: RuleCount[];
  /** Distinct open findings per tier. */
  findingsByTier: { tier: Tier; count: number }[];
  /** Endpoints with the most open findings (at most MAX_BLOCKERS, none without findings). */
  blockers: BlockerRow[];
  twins: TwinRow[];
  /** Endpoints with P95 recorded before and after, by id. */
  latency: LatencyRow[];
  /** Endpoints with a P95 before but none after yet. */
  latencyPending: string[];
  targets: readonly PhaseTarget[];
  p95Target: number;
  history?: History;
}

export const MAX_BLOCKERS = 10;
const TIERS: readonly Tier[] = [1, 2, 3];

function percent(n: number, total: number): number {
  return total ? Math.round((n / total) * 1000) / 10 : 0;
}

/** The share of async endpoints in an inventory (what the burn-up plots per commit). */
export function asyncShare(inventory: Pick<Inventory, 'endpoints'>): AsyncShare {
  const list = inventory.endpoints;
  const tiers = TIERS.map((tier) => {
    const of = list.filter((e) => e.tier === tier);
    const n = of.filter((e) => e.isAsync).length;
    return { tier, total: of.length, async: n, percent: percent(n, of.length) };
  });
  const n = list.filter((e) => e.isAsync).length;
  return { total: list.length, async: n, percent: percent(n, list.length), tiers };
}

function p95(state: ProgressState | undefined, id: string, phase: 'before' | 'after'): number | undefined {
  const pair = state?.endpoints[id]?.metrics?.p95;
  const v = pair && typeof pair === 'object' ? pair[phase] : undefined;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

export interface DashboardInput {
  inventory: Inventory;
  state?: ProgressState;
  twins?: TwinPair[];
  history?: History;
}

export function buildDashboard(input: DashboardInput): DashboardModel {
  const { inventory, state } = input;
  const summary = summarizeProgress(inventory, state);
  const t = summary.totals;

  // Findings per rule (deduplicated across endpoints) and per tier (deduplicated within it).
  const key = (f: { path: string; start: number; end: number; code: string }) => `${f.path}:${f.start}:${f.end}:${f.code}`;
  const byRule = new Map<string, RuleCount>();
  const seenInTier = TIERS.map(() => new Set<string>());
  for (const e of inventory.endpoints) {
    for (const f of e.findings) {
      const k = key(f);
      const seen = seenInTier[e.tier - 1];
      if (seen.has(k)) continue;
      seen.add(k);
      const entry = byRule.get(f.code) ?? { code: f.code, rule: f.rule, count: 0, byTier: [0, 0, 0] };
      entry.byTier[e.tier - 1]++;
      byRule.set(f.code, entry);
    }
  }
  const totalByRule = new Map(summary.findingsByRule.map((r) => [r.code, r.count]));
  const findingsByRule = [...byRule.values()]
    .map((r) => ({ ...r, count: totalByRule.get(r.code) ?? 0 }))
    .sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));

  const blockers: BlockerRow[] = inventory.endpoints
    .filter((e) => e.findings.length)
    .map((e) => ({
      id: e.id,
      method: e.method,
      route: e.route,
      function: e.function,
      path: e.path,
      line: e.line,
      tier: e.tier,
      status: summary.statuses.get(e.id) ?? e.status,
      findings: e.findings.length,
      errors: e.findings.filter((f) => f.severity === 'error').length,
      codes: { ...e.findingCodes },
      reasons: [...e.statusReasons],
    }))
    .sort((a, b) => b.errors - a.errors || b.findings - a.findings || a.tier - b.tier || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, MAX_BLOCKERS);

  const twins: TwinRow[] = (input.twins ?? []).map((p) => ({ sync: p.sync.path, async: p.async.path, importers: p.importers.map((i) => i.path), safeToDelete: p.safeToDelete }));

  const latency: LatencyRow[] = [];
  const latencyPending: string[] = [];
  for (const e of inventory.endpoints) {
    const before = p95(state, e.id, 'before');
    const after = p95(state, e.id, 'after');
    if (before === undefined) continue;
    if (after === undefined || !(before > 0)) {
      latencyPending.push(e.id);
      continue;
    }
    const change = Math.round(((after - before) / before) * 1000) / 1000;
    latency.push({ id: e.id, tier: e.tier, before, after, change, met: change <= P95_TARGET_CHANGE + 1e-9 });
  }
  latency.sort((a, b) => a.change - b.change || (a.id < b.id ? -1 : 1));

  return {
    share: asyncShare(inventory),
    statuses: { sync: t.sync, inProgress: t.inProgress, migrated: t.migrated, verified: t.verified },
    findingsByRule,
    findingsByTier: TIERS.map((tier) => ({ tier, count: seenInTier[tier - 1].size })),
    blockers,
    twins,
    latency,
    latencyPending,
    targets: PHASE_TARGETS,
    p95Target: P95_TARGET_CHANGE,
    ...(input.history ? { history: input.history } : {}),
  };
}

/**
 * Where the plan's clock starts: the last sample before the share of async endpoints first
 * grew (the migration's first step), else the first sample.
 */
export function migrationStart(samples: readonly HistorySample[]): string | undefined {
  const analysed = samples.filter((s) => s.share);
  if (!analysed.length) return undefined;
  const first = analysed[0].share!;
  const grew = analysed.findIndex((s) => s.share!.async > first.async);
  return (grew > 0 ? analysed[grew - 1] : analysed[0]).date;
}
