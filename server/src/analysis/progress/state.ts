// The tool-owned, machine-readable state in progress.md: per endpoint (keyed by its id
// `METHOD /full/path`) the manual checklist marks, the last test run, latency metrics, owner
// and notes. Unknown keys are kept as they are (a newer tool version, a hand addition).
import { type ParsedJson, parseJsonWithLines } from './json';

export interface ChecklistMark {
  done: boolean;
  by?: string;
  /** ISO 8601 */
  at?: string;
  [key: string]: unknown;
}

export interface TestRun {
  passed: boolean;
  at: string;
  command: string;
  exitCode?: number;
  durationMs?: number;
  [key: string]: unknown;
}

export interface MetricPair {
  before?: number;
  after?: number;
  [key: string]: unknown;
}

export interface EndpointState {
  checklist?: Record<string, ChecklistMark>;
  tests?: { lastRun?: TestRun; [key: string]: unknown };
  /** Latency in ms (p50/p95/p99), error rate in %, throughput in req/s: before and after. */
  metrics?: { p50?: MetricPair; p95?: MetricPair; p99?: MetricPair; errorRate?: MetricPair; throughput?: MetricPair; [key: string]: MetricPair | unknown };
  owner?: string;
  notes?: string;
  [key: string]: unknown;
}

export interface OrphanedEntry {
  note: string;
  /** ISO date the endpoint stopped being found. */
  since: string;
  state: EndpointState;
}

export interface ProgressState {
  version: 1;
  endpoints: Record<string, EndpointState>;
  orphaned: Record<string, OrphanedEntry>;
  [key: string]: unknown;
}

export const STATE_VERSION = 1;

export function emptyState(): ProgressState {
  return { version: 1, endpoints: {}, orphaned: {} };
}

export class StateValidationError extends Error {
  constructor(
    readonly problem: string,
    /** 1-based line relative to the JSON text. */
    readonly line: number,
  ) {
    super(problem);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function validateEndpointState(state: unknown, where: (string | number)[], parsed: ParsedJson, label: string): void {
  const line = (p: (string | number)[]) => parsed.lineOf(p) ?? parsed.lineOf(where) ?? 1;
  const fail = (p: (string | number)[], problem: string): never => {
    throw new StateValidationError(`${label}: ${problem}`, line(p));
  };
  if (!isObject(state)) fail(where, `expected an object, got ${typeName(state)}`);
  const s = state as Record<string, unknown>;
  if (s.checklist !== undefined) {
    if (!isObject(s.checklist)) fail([...where, 'checklist'], `"checklist" must be an object of item id → {"done": true|false}, got ${typeName(s.checklist)}`);
    for (const [id, mark] of Object.entries(s.checklist as Record<string, unknown>)) {
      const p = [...where, 'checklist', id];
      if (!isObject(mark)) fail(p, `checklist item "${id}" must be an object like {"done": true}, got ${typeName(mark)}`);
      const m = mark as Record<string, unknown>;
      if (typeof m.done !== 'boolean') fail(m.done === undefined ? p : [...p, 'done'], `checklist item "${id}": "done" must be true or false, got ${m.done === undefined ? 'nothing' : JSON.stringify(m.done)}`);
      for (const k of ['by', 'at'] as const) if (m[k] !== undefined && typeof m[k] !== 'string') fail([...p, k], `checklist item "${id}": "${k}" must be a string`);
    }
  }
  if (s.tests !== undefined) {
    if (!isObject(s.tests)) fail([...where, 'tests'], `"tests" must be an object, got ${typeName(s.tests)}`);
    const run = (s.tests as Record<string, unknown>).lastRun;
    if (run !== undefined) {
      const p = [...where, 'tests', 'lastRun'];
      if (!isObject(run)) fail(p, `"tests.lastRun" must be an object, got ${typeName(run)}`);
      const r = run as Record<string, unknown>;
      if (typeof r.passed !== 'boolean') fail([...p, 'passed'], `"tests.lastRun.passed" must be true or false`);
    }
  }
  if (s.metrics !== undefined) {
    if (!isObject(s.metrics)) fail([...where, 'metrics'], `"metrics" must be an object, got ${typeName(s.metrics)}`);
    for (const [name, pair] of Object.entries(s.metrics as Record<string, unknown>)) {
      const p = [...where, 'metrics', name];
      if (!isObject(pair)) fail(p, `metric "${name}" must be an object like {"before": 120, "after": 90}, got ${typeName(pair)}`);
      for (const k of ['before', 'after']) {
        const v = (pair as Record<string, unknown>)[k];
        if (v !== undefined && v !== null && typeof v !== 'number') fail([...p, k], `metric "${name}.${k}" must be a number, got ${typeName(v)}`);
      }
    }
  }
  for (const k of ['owner', 'notes'] as const) if (s[k] !== undefined && typeof s[k] !== 'string') fail([...where, k], `"${k}" must be a string, got ${typeName(s[k])}`);
}

/** Parses and validates the JSON text of the state block (errors carry lines relative to it). */
export function parseState(json: string): ProgressState {
  if (!json.trim()) return emptyState();
  const parsed = parseJsonWithLines(json);
  const value = parsed.value;
  if (!isObject(value)) throw new StateValidationError(`the state must be a JSON object, got ${typeName(value)}`, parsed.lineOf([]) ?? 1);
  if (value.version !== undefined && value.version !== STATE_VERSION) {
    throw new StateValidationError(`state version ${JSON.stringify(value.version)} is not supported by this async-migrate (it reads version ${STATE_VERSION}); upgrade async-migrate`, parsed.lineOf(['version']) ?? 1);
  }
  const endpoints = value.endpoints ?? {};
  if (!isObject(endpoints)) throw new StateValidationError(`"endpoints" must be an object keyed by endpoint id ("GET /api/v1/users/me"), got ${typeName(endpoints)}`, parsed.lineOf(['endpoints']) ?? 1);
  for (const [id, state] of Object.entries(endpoints)) validateEndpointState(state, ['endpoints', id], parsed, `endpoint "${id}"`);
  const orphaned = value.orphaned ?? {};
  if (!isObject(orphaned)) throw new StateValidationError(`"orphaned" must be an object, got ${typeName(orphaned)}`, parsed.lineOf(['orphaned']) ?? 1);
  for (const [id, entry] of Object.entries(orphaned)) {
    if (!isObject(entry)) throw new StateValidationError(`orphaned "${id}" must be an object`, parsed.lineOf(['orphaned', id]) ?? 1);
    validateEndpointState(entry.state ?? {}, ['orphaned', id, 'state'], parsed, `orphaned "${id}"`);
  }
  return { ...value, version: 1, endpoints: endpoints as Record<string, EndpointState>, orphaned: orphaned as unknown as Record<string, OrphanedEntry> };
}

export interface OrphanChanges {
  /** Ids moved to "orphaned" (no such endpoint in the code any more). */
  orphaned: string[];
  /** Ids moved back from "orphaned" (the endpoint is there again). */
  restored: string[];
}

/**
 * Moves the state of endpoints that no longer exist to `orphaned` (with a note), and back when
 * they reappear. Never deletes anything.
 */
export function reconcileOrphans(state: ProgressState, knownIds: Set<string>, today: string): OrphanChanges {
  const changes: OrphanChanges = { orphaned: [], restored: [] };
  for (const id of Object.keys(state.orphaned)) {
    if (knownIds.has(id) && !state.endpoints[id]) {
      state.endpoints[id] = state.orphaned[id].state ?? {};
      delete state.orphaned[id];
      changes.restored.push(id);
    }
  }
  for (const id of Object.keys(state.endpoints)) {
    if (knownIds.has(id)) continue;
    if (isEmptyState(state.endpoints[id])) {
      delete state.endpoints[id];
      continue;
    }
    state.orphaned[id] = {
      note: 'no endpoint with this id was found (renamed, moved or deleted?); rename the key under "endpoints" to the new id to re-attach this state',
      since: today,
      state: state.endpoints[id],
    };
    delete state.endpoints[id];
    changes.orphaned.push(id);
  }
  return changes;
}

export function isEmptyState(s: EndpointState | undefined): boolean {
  if (!s) return true;
  return Object.entries(s).every(([, v]) => v === undefined || v === '' || (isObject(v) && Object.keys(v).length === 0));
}

function later(a?: string, b?: string): boolean {
  return (a ?? '') >= (b ?? '');
}

/** Merges two endpoint states (used to repair a merge conflict): newest mark per item wins. */
export function mergeEndpointStates(ours: EndpointState, theirs: EndpointState): EndpointState {
  const out: EndpointState = { ...theirs, ...ours };
  const checklist: Record<string, ChecklistMark> = { ...(theirs.checklist ?? {}) };
  for (const [id, mark] of Object.entries(ours.checklist ?? {})) {
    const other = checklist[id];
    checklist[id] = !other || later(mark.at, other.at) ? mark : other;
  }
  if (Object.keys(checklist).length) out.checklist = checklist;
  const runs = [ours.tests?.lastRun, theirs.tests?.lastRun].filter((r): r is TestRun => !!r);
  if (runs.length) out.tests = { ...(theirs.tests ?? {}), ...(ours.tests ?? {}), lastRun: runs.sort((a, b) => (a.at < b.at ? 1 : -1))[0] };
  if (ours.metrics || theirs.metrics) out.metrics = { ...(theirs.metrics ?? {}), ...(ours.metrics ?? {}) };
  if (ours.notes && theirs.notes && ours.notes !== theirs.notes) out.notes = `${ours.notes} / ${theirs.notes}`;
  return out;
}

export function mergeStates(ours: ProgressState, theirs: ProgressState): ProgressState {
  const out: ProgressState = { ...theirs, ...ours, version: 1, endpoints: { ...theirs.endpoints }, orphaned: { ...theirs.orphaned, ...ours.orphaned } };
  for (const [id, s] of Object.entries(ours.endpoints)) out.endpoints[id] = out.endpoints[id] ? mergeEndpointStates(s, out.endpoints[id]) : s;
  return out;
}
