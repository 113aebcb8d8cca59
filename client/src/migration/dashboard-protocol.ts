// The message protocol between the extension and the migration dashboard webview, validated in
// both directions like the checklist's (protocol.ts): the webview renders code data (endpoint
// ids, paths), so neither side acts on or renders a message it has not checked.
// Plain TypeScript, no `vscode` import: bundled into the webview script too.
import type { DashboardModel } from '../../../server/src/lsp/migration-protocol';
import { type Strings, isArr, isInt, isObj, isStr, isStrArr, isStrings } from './protocol';

export type { DashboardModel, Strings };

export interface DashboardState {
  strings: Strings;
  /** Name of the workspace folder shown. */
  folder: string;
  /** Null until the first model arrives (see error). */
  model: DashboardModel | null;
  /** The burn-up history: being computed, there, or unavailable. */
  history: 'loading' | 'ready' | 'error';
  error?: string;
}

export type ToDashboard = { type: 'state'; state: DashboardState } | { type: 'progress'; percent: number; message: string };

export type FromDashboard = { type: 'ready' } | { type: 'refresh' } | { type: 'openEndpoint'; id: string } | { type: 'openFile'; path: string };

// ------------------------------------------------------------------ validation

const isNum = (v: unknown, min = -1e12, max = 1e12): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const isTier = (v: unknown) => v === 1 || v === 2 || v === 3;
const isArrOf = (v: unknown, each: (x: unknown) => boolean, max?: number) => isArr(v, (x): x is unknown => each(x), max);

function isTierShare(v: unknown): boolean {
  return isObj(v) && isTier(v.tier) && isInt(v.total) && isInt(v.async) && isNum(v.percent, 0, 100);
}

function isShare(v: unknown): boolean {
  return isObj(v) && isInt(v.total) && isInt(v.async) && isNum(v.percent, 0, 100) && isArrOf(v.tiers, isTierShare, 3);
}

function isSample(v: unknown): boolean {
  return isObj(v) && isStr(v.commit, 64) && /^[0-9a-f]+$/.test(v.commit) && isStr(v.date, 40) && !Number.isNaN(Date.parse(v.date)) && isStr(v.subject) && (v.share === null || isShare(v.share)) && (v.error === undefined || isStr(v.error));
}

function isHistory(v: unknown): boolean {
  return isObj(v) && isArrOf(v.samples, isSample, 200) && isInt(v.commits) && (v.start === undefined || (isStr(v.start, 40) && !Number.isNaN(Date.parse(v.start)))) && (v.note === undefined || isStr(v.note));
}

function isCodes(v: unknown): boolean {
  return isObj(v) && Object.entries(v).every(([k, n]) => k.length <= 20 && isInt(n));
}

export function isDashboardModel(v: unknown): v is DashboardModel {
  if (!isObj(v)) return false;
  const st = v.statuses;
  return (
    isShare(v.share) &&
    isObj(st) &&
    isInt(st.sync) &&
    isInt(st.inProgress) &&
    isInt(st.migrated) &&
    isInt(st.verified) &&
    isArrOf(v.findingsByRule, (r) => isObj(r) && isStr(r.code, 20) && isStr(r.rule, 200) && isInt(r.count) && isArrOf(r.byTier, (n) => isInt(n), 3) && (r.byTier as unknown[]).length === 3, 200) &&
    isArrOf(v.findingsByTier, (t) => isObj(t) && isTier(t.tier) && isInt(t.count), 3) &&
    isArrOf(
      v.blockers,
      (b) => isObj(b) && isStr(b.id) && isStr(b.method, 20) && isStr(b.route) && isStr(b.function) && isStr(b.path, 2000) && isInt(b.line) && isTier(b.tier) && isStr(b.status, 40) && isInt(b.findings) && isInt(b.errors) && isCodes(b.codes) && isStrArr(b.reasons),
      100,
    ) &&
    isArrOf(v.twins, (t) => isObj(t) && isStr(t.sync, 2000) && isStr(t.async, 2000) && isStrArr(t.importers) && typeof t.safeToDelete === 'boolean', 1000) &&
    isArrOf(v.latency, (l) => isObj(l) && isStr(l.id) && isTier(l.tier) && isNum(l.before, 0) && isNum(l.after, 0) && isNum(l.change) && typeof l.met === 'boolean') &&
    isStrArr(v.latencyPending) &&
    isArrOf(v.targets, (t) => isObj(t) && isInt(t.phase, 1, 20) && isNum(t.week, 0, 520) && isNum(t.percent, 0, 100) && (t.scope === 'tier1' || t.scope === 'all'), 20) &&
    isNum(v.p95Target, -1, 1) &&
    (v.history === undefined || isHistory(v.history))
  );
}

function isState(v: unknown): v is DashboardState {
  return (
    isObj(v) &&
    isStrings(v.strings) &&
    isStr(v.folder, 1000) &&
    (v.model === null || isDashboardModel(v.model)) &&
    (v.history === 'loading' || v.history === 'ready' || v.history === 'error') &&
    (v.error === undefined || isStr(v.error))
  );
}

export function parseToDashboard(v: unknown): ToDashboard | undefined {
  if (!isObj(v)) return undefined;
  if (v.type === 'state') return isState(v.state) ? { type: 'state', state: v.state } : undefined;
  if (v.type === 'progress') return isNum(v.percent, 0, 100) && isStr(v.message, 500) ? { type: 'progress', percent: v.percent, message: v.message } : undefined;
  return undefined;
}

/** Validates a message from the webview; a fresh object with only the known fields, or undefined. */
export function parseFromDashboard(v: unknown): FromDashboard | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'ready':
    case 'refresh':
      return { type: v.type };
    case 'openEndpoint':
      return isStr(v.id, 2000) && v.id.length > 0 ? { type: 'openEndpoint', id: v.id } : undefined;
    case 'openFile':
      return isStr(v.path, 2000) && v.path.length > 0 ? { type: 'openFile', path: v.path } : undefined;
    default:
      return undefined;
  }
}
