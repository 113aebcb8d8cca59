// Endpoint status: sync → in progress → migrated → verified, computed from the analysis and,
// for "verified", from the checklist state people keep in progress.md.
import { evaluateChecklist } from '../progress/checklist';
import type { EndpointState } from '../progress/state';
import type { Finding } from '../types';
import type { EndpointDependencies, EndpointStatus } from './types';

export interface StatusInput {
  isAsync: boolean;
  findings: Finding[];
  dependencies: EndpointDependencies;
}

function codeCounts(findings: Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  return [...counts].map(([c, n]) => `${n} × ${c}`).join(', ');
}

/** Why an async handler is not yet migrated (empty = migrated). */
export function blockers(input: StatusInput): string[] {
  if (!input.isAsync) return ['handler is still def'];
  const out: string[] = [];
  const errors = input.findings.filter((f) => f.severity === 'error');
  if (errors.length) out.push(`open errors: ${codeCounts(errors)}`);
  const deps = input.dependencies;
  const haveCode = (code: string) => errors.some((f) => f.code === code);
  if (deps.db.sessions.includes('sync') && !haveCode('AM103')) out.push('receives a sync Session');
  for (const s of deps.services.filter((d) => d.blocking)) {
    out.push(`calls sync ${s.name} on the event loop${s.twin ? ` (async version: ${s.twin.name})` : ' (no async version yet)'}`);
  }
  return out;
}

export function computeStatus(input: StatusInput, state: EndpointState | undefined): { status: EndpointStatus; reasons: string[] } {
  if (!input.isAsync) return { status: 'sync', reasons: ['handler is still def'] };
  const open = blockers(input);
  if (open.length) return { status: 'in progress', reasons: open };
  const checklist = evaluateChecklist(input, state);
  if (checklist.complete) return { status: 'verified', reasons: [] };
  const missing = checklist.items.filter((i) => !i.done && !i.optional).map((i) => i.id);
  return { status: 'migrated', reasons: [`checklist ${checklist.stepsDone}/${checklist.stepsTotal} steps; open: ${missing.join(', ')}`] };
}
