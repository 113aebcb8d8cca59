// The seed's six-step per-endpoint checklist ("Checklist para cada endpoint"). Item ids are
// stable: they key the persisted state in progress.md. Automatic items are computed from the
// analysis (live); manual items are ticked by people and persisted.
import type { Endpoint, ServiceDependency } from '../endpoints/types';
import type { EndpointState } from './state';

export type ChecklistKind = 'auto' | 'manual';

export interface ChecklistItemDef {
  id: string;
  step: number;
  title: string;
  kind: ChecklistKind;
  /** Not needed for the step to count as done (e.g. the optional load test). */
  optional?: boolean;
}

export interface ChecklistStepDef {
  step: number;
  id: string;
  title: string;
}

export const CHECKLIST_STEPS: readonly ChecklistStepDef[] = [
  { step: 1, id: 'prep', title: 'Preparation' },
  { step: 2, id: 'analysis', title: 'Dependency analysis' },
  { step: 3, id: 'migration', title: 'Migration' },
  { step: 4, id: 'testing', title: 'Testing' },
  { step: 5, id: 'review', title: 'Code review & merge' },
  { step: 6, id: 'deploy', title: 'Deploy & monitor' },
];

export const CHECKLIST_ITEMS: readonly ChecklistItemDef[] = [
  { id: 'prep.branch', step: 1, kind: 'manual', title: 'Branch async/endpoint-{name}-{date} created from an up-to-date main' },
  { id: 'prep.services', step: 1, kind: 'auto', title: 'Services used identified' },
  { id: 'prep.twins', step: 1, kind: 'auto', title: 'Async versions of the services available' },
  { id: 'analysis.dependencies', step: 2, kind: 'auto', title: 'Services, repositories, external APIs, DB queries and Redis use analysed' },
  { id: 'analysis.doc', step: 2, kind: 'manual', title: 'Analysis written to docs/async-migration/endpoints/<endpoint>.md' },
  { id: 'migration.imports', step: 3, kind: 'auto', title: 'No sync service imports (async twins used)' },
  { id: 'migration.async-def', step: 3, kind: 'auto', title: 'Handler is async def' },
  { id: 'migration.session', step: 3, kind: 'auto', title: 'AsyncSession = Depends(...) instead of a sync Session' },
  { id: 'migration.awaits', step: 3, kind: 'auto', title: 'Service calls awaited, no sync service on the event loop' },
  { id: 'migration.queries', step: 3, kind: 'auto', title: 'select() queries (no db.query())' },
  { id: 'migration.redis', step: 3, kind: 'auto', title: 'Redis operations awaited, no KEYS' },
  { id: 'testing.unit', step: 4, kind: 'manual', title: 'Unit tests pass (pytest tests/api/test_{endpoint}.py -v)' },
  { id: 'testing.integration', step: 4, kind: 'manual', title: 'Integration tests pass' },
  { id: 'testing.load', step: 4, kind: 'manual', title: 'Load test (locust), optional for critical endpoints', optional: true },
  { id: 'testing.manual', step: 4, kind: 'manual', title: 'Manual check with curl' },
  { id: 'review.self', step: 5, kind: 'manual', title: 'Self-review of git diff main...HEAD' },
  { id: 'review.premerge', step: 5, kind: 'auto', title: 'Pre-merge list: no db.query(), no sync Session, services async, Redis awaited, no utcnow(), tests pass' },
  { id: 'review.approvals', step: 5, kind: 'manual', title: 'Approved by 2+ reviewers and merged' },
  { id: 'deploy.staging', step: 6, kind: 'manual', title: 'Deployed to staging' },
  { id: 'deploy.monitor', step: 6, kind: 'manual', title: 'Error log, P50/P95/P99 latency, error rate and throughput watched' },
  { id: 'deploy.production', step: 6, kind: 'manual', title: 'Deployed to production' },
];

export interface ChecklistItemResult extends ChecklistItemDef {
  done: boolean;
  /** For automatic items: what is still open ("2 × AM101"). */
  detail?: string;
  by?: string;
  at?: string;
}

export interface ChecklistResult {
  items: ChecklistItemResult[];
  /** Steps whose required items are all done. */
  stepsDone: number;
  stepsTotal: number;
  complete: boolean;
  manualDone: number;
  manualTotal: number;
}

/** What automatic items need from an endpoint (a subset of Endpoint). */
export type ChecklistFacts = Pick<Endpoint, 'isAsync' | 'findings' | 'dependencies'>;

/** "Services used" (step 1): what the handler calls directly, without its own helpers (ServiceDependency.local). */
export function servicesUsed(deps: ChecklistFacts['dependencies']): ServiceDependency[] {
  return deps.services.filter((s) => s.depth === 1 && !s.local);
}

function countCodes(facts: ChecklistFacts, codes: string[]): { n: number; text: string } {
  const counts = new Map<string, number>();
  for (const f of facts.findings) if (codes.includes(f.code)) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  const n = [...counts.values()].reduce((a, b) => a + b, 0);
  return { n, text: [...counts].map(([c, k]) => `${k} × ${c}`).join(', ') };
}

function auto(facts: ChecklistFacts, state: EndpointState | undefined): Record<string, { done: boolean; detail?: string }> {
  const deps = facts.dependencies;
  const missingTwins = deps.services.filter((s) => !s.isAsync && !s.twin && s.doesIO);
  const blocking = deps.services.filter((s) => s.blocking);
  const imports = countCodes(facts, ['AM203']);
  const session = countCodes(facts, ['AM103', 'AM106', 'AM107']);
  const awaits = countCodes(facts, ['AM201', 'AM202', 'AM204', 'AM205', 'AM206']);
  const queries = countCodes(facts, ['AM101', 'AM102', 'AM104', 'AM105']);
  const redis = countCodes(facts, ['AM301', 'AM302']);
  const utcnow = countCodes(facts, ['AM401']);
  const syncSession = deps.db.sessions.includes('sync');
  const r: Record<string, { done: boolean; detail?: string }> = {
    'prep.services': { done: true, detail: servicesUsed(deps).map((s) => s.name).join(', ') || 'no workspace services called' },
    'prep.twins': { done: !missingTwins.length, detail: missingTwins.length ? `no async version of ${missingTwins.map((s) => s.name).join(', ')}` : undefined },
    'analysis.dependencies': { done: true },
    'migration.imports': { done: imports.n === 0, detail: imports.text || undefined },
    'migration.async-def': { done: facts.isAsync, detail: facts.isAsync ? undefined : 'handler is still def' },
    'migration.session': { done: session.n === 0 && !syncSession, detail: session.text || (syncSession ? 'receives a sync Session' : undefined) },
    'migration.awaits': {
      done: awaits.n === 0 && (!facts.isAsync ? !deps.services.some((s) => !s.isAsync && s.doesIO && s.depth === 1) : !blocking.length),
      detail: awaits.text || (blocking.length ? `sync ${blocking.map((s) => s.name).join(', ')} on the event loop` : undefined) || (!facts.isAsync && deps.services.some((s) => !s.isAsync && s.doesIO && s.depth === 1) ? 'sync services still called' : undefined),
    },
    'migration.queries': { done: queries.n === 0 && deps.db.legacyQueries === 0, detail: queries.text || (deps.db.legacyQueries ? `${deps.db.legacyQueries} × .query()` : undefined) },
    'migration.redis': { done: redis.n === 0, detail: redis.text || undefined },
  };
  const testsPassed = state?.tests?.lastRun?.passed === true;
  const premergeOpen = ['migration.imports', 'migration.async-def', 'migration.session', 'migration.awaits', 'migration.queries', 'migration.redis'].filter((id) => !r[id].done);
  const premergeDetail = [...premergeOpen.map((id) => CHECKLIST_ITEMS.find((i) => i.id === id)!.title), ...(utcnow.n ? [`${utcnow.n} × utcnow()`] : []), ...(testsPassed ? [] : ['no passing test run recorded'])];
  r['review.premerge'] = { done: !premergeDetail.length, detail: premergeDetail.join('; ') || undefined };
  return r;
}

export function evaluateChecklist(facts: ChecklistFacts, state: EndpointState | undefined): ChecklistResult {
  const computed = auto(facts, state);
  const items: ChecklistItemResult[] = CHECKLIST_ITEMS.map((def) => {
    if (def.kind === 'auto') return { ...def, ...computed[def.id] };
    const mark = state?.checklist?.[def.id];
    let done = mark?.done === true;
    // A recorded passing test run ticks the unit-test item.
    if (def.id === 'testing.unit' && !mark && state?.tests?.lastRun?.passed) done = true;
    return { ...def, done, by: mark?.by, at: mark?.at };
  });
  let stepsDone = 0;
  for (const step of CHECKLIST_STEPS) {
    if (items.filter((i) => i.step === step.step && !i.optional).every((i) => i.done)) stepsDone++;
  }
  const manual = items.filter((i) => i.kind === 'manual' && !i.optional);
  return {
    items,
    stepsDone,
    stepsTotal: CHECKLIST_STEPS.length,
    complete: stepsDone === CHECKLIST_STEPS.length,
    manualDone: manual.filter((i) => i.done).length,
    manualTotal: manual.length,
  };
}
