// The seed's success metrics as data ("Plan de migración incremental"): the share of endpoints
// async at the end of phases 2, 3, 5 and 6 (weeks 3, 4, 7 and 10 from the start), and the
// per-endpoint latency goal (P95 −20 %). No imports: shared by the engine, the CLI, the server,
// the charts and the webview bundle.

export interface PhaseTarget {
  /** Phase of the seed's plan that ends with this target. */
  phase: number;
  /** Week (from the start of the migration) the phase ends. */
  week: number;
  /** Percent of endpoints async at that point. */
  percent: number;
  /** Which endpoints the seed measures: the critical ones (tier 1) or all. */
  scope: 'tier1' | 'all';
}

export const PHASE_TARGETS: readonly PhaseTarget[] = [
  { phase: 2, week: 3, percent: 40, scope: 'tier1' },
  { phase: 3, week: 4, percent: 60, scope: 'all' },
  { phase: 5, week: 7, percent: 80, scope: 'all' },
  { phase: 6, week: 10, percent: 100, scope: 'all' },
];

/** The seed's per-endpoint success metric: P95 latency −20 %. */
export const P95_TARGET_CHANGE = -0.2;

/** Target percent due by `week` weeks after the start (the plan as a step function). */
export function targetAt(week: number): number {
  let out = 0;
  for (const t of PHASE_TARGETS) if (week >= t.week) out = t.percent;
  return out;
}
