// Risk, complexity, effort and the phase plan, after the seed's "Plan de migración incremental":
// tier 1 reads and simple endpoints first, then the rest of tier 1, tier 2 by complexity, the
// tier 2 endpoints with external SDKs, and admin & billing (tier 3) last.
import type { Finding } from '../types';
import type { Endpoint, EndpointDependencies, Phase, Tier } from './types';

export interface RiskInput {
  method: string;
  findings: Finding[];
  dependencies: EndpointDependencies;
}

function sdkCount(deps: EndpointDependencies): number {
  return new Set(deps.externalSdks.map((s) => s.name)).size;
}

/** Higher = riskier. Findings weigh by severity, then dependencies and external SDKs. */
export function riskScore(input: RiskInput): number {
  let score = 0;
  for (const f of input.findings) score += f.severity === 'error' ? 3 : f.severity === 'warning' ? 2 : 1;
  const deps = input.dependencies;
  for (const s of deps.services) score += s.isAsync ? 0.5 : !s.doesIO ? 0.25 : s.twin ? 1 : 2;
  score += sdkCount(deps) * 4;
  score += deps.db.legacyQueries;
  if (deps.redis.calls) score += 1;
  if (!isReadOnly(input.method)) score += 1;
  return Math.round(score * 100) / 100;
}

export function isReadOnly(method: string): boolean {
  return /^(GET|HEAD|OPTIONS)$/.test(method);
}

export function complexityOf(risk: number): Endpoint['complexity'] {
  return risk <= 4 ? 'low' : risk <= 12 ? 'medium' : 'high';
}

/**
 * Hours, following the seed's checklist (30 min preparation, 1 h analysis shared by a file's
 * endpoints, migration by what has to change, testing, review): 1 h base plus the work found.
 */
export function estimateEffort(input: RiskInput): number {
  const deps = input.dependencies;
  let hours = 1;
  hours += deps.db.legacyQueries * 0.5;
  const queryCodes = new Set(['AM101', 'AM102']);
  hours += input.findings.filter((f) => !queryCodes.has(f.code)).length * 0.25;
  for (const s of deps.services) if (!s.isAsync && s.doesIO) hours += s.twin ? 0.25 : 1;
  hours += sdkCount(deps) * 2;
  if (deps.redis.calls) hours += 0.5;
  if (!isReadOnly(input.method)) hours += 0.5;
  return Math.round(hours * 2) / 2;
}

interface PhaseDef {
  number: number;
  title: string;
  goal: string;
  test: (e: Endpoint) => boolean;
}

const hasSdk = (e: Endpoint) => e.dependencies.externalSdks.length > 0;

export const PHASES: readonly PhaseDef[] = [
  { number: 1, title: 'Foundation', goal: 'tier 1 reads and simple tier 1 endpoints: the most used paths first (seed success metric: latency −30 %, no production errors)', test: (e) => e.tier === 1 && (e.complexity === 'low' || (e.readOnly && e.complexity === 'medium')) },
  { number: 2, title: 'Core features', goal: 'the rest of tier 1 (writes, more dependencies)', test: (e) => e.tier === 1 },
  { number: 3, title: 'Tier 2, simple', goal: 'tier 2 endpoints without external SDKs and of low complexity', test: (e) => e.tier === 2 && !hasSdk(e) && e.complexity === 'low' },
  { number: 4, title: 'Tier 2, complete modules', goal: 'the remaining tier 2 endpoints without external SDKs', test: (e) => e.tier === 2 && !hasSdk(e) },
  { number: 5, title: 'Complex features', goal: 'tier 2 endpoints that reach external SDKs (wrap sync SDKs with asyncio.to_thread)', test: (e) => e.tier === 2 },
  { number: 6, title: 'Admin & billing', goal: 'tier 3: admin, configuration, billing, webhooks, workers (Stripe is sync: extra care)', test: () => true },
];

export function phaseOf(e: Endpoint): number {
  return PHASES.find((p) => p.test(e))!.number;
}

export function buildPhases(endpoints: Endpoint[]): Phase[] {
  return PHASES.map((def) => {
    const list = endpoints.filter((e) => e.phase === def.number);
    return {
      number: def.number,
      title: def.title,
      goal: def.goal,
      endpoints: list.map((e) => e.id),
      effortHours: list.filter((e) => e.status === 'sync' || e.status === 'in progress').reduce((a, e) => a + e.effortHours, 0),
      async: list.filter((e) => e.isAsync).length,
      done: list.filter((e) => e.status === 'migrated' || e.status === 'verified').length,
    };
  });
}

export function tierLabel(tier: Tier): string {
  return tier === 1 ? 'Tier 1 — critical' : tier === 2 ? 'Tier 2 — important' : 'Tier 3 — secondary';
}
