// The endpoint inventory / per-endpoint checklist extensions to LSP: request and notification
// names and their payloads. Plain data only (no vscode / vscode-languageserver imports), so the
// server (migration-requests.ts), the VS Code client (client/src/migration/**), the webview and
// tests share one definition.
//
// Endpoints are addressed by `EndpointRef`: the workspace folder URI plus the inventory's stable
// endpoint id (`METHOD /full/path`). Checklist item ids are stable strings persisted in
// docs/async-migration/progress.md, so never rename one.

import type { DashboardModel } from '../analysis/dashboard/model';
import { P95_TARGET_CHANGE } from '../analysis/dashboard/targets';

export const MIGRATION_REQUESTS = {
  /** { folder?: string } → EndpointsResult: inventory rows for the tree (every folder when omitted). */
  endpoints: 'asyncMigrate/endpoints',
  /** EndpointAtParams → EndpointRef | null: the endpoint whose handler contains the position. */
  endpointAt: 'asyncMigrate/endpointAt',
  /** EndpointRef → ChecklistModel | null. */
  checklist: 'asyncMigrate/checklist',
  /** SetChecklistItemParams → MutationResult (persists a manual item in progress.md). */
  setChecklistItem: 'asyncMigrate/setChecklistItem',
  /** RecordTestRunParams → MutationResult. */
  recordTestRun: 'asyncMigrate/recordTestRun',
  /** RecordMetricsParams → MutationResult. */
  recordMetrics: 'asyncMigrate/recordMetrics',
  /** EndpointRef → WriteDocResult: writes docs/async-migration/endpoints/<endpoint>.md. */
  writeEndpointDoc: 'asyncMigrate/writeEndpointDoc',
  /** EndpointRef → MigratePreview: the combined "Migrate this endpoint" edit, not applied. */
  migratePreview: 'asyncMigrate/migratePreview',
  /** DashboardParams → DashboardResult: the migration dashboard of a folder (dashboard-requests.ts); `$/progress` on workDoneToken while the history is computed. */
  dashboard: 'asyncMigrate/dashboard',
} as const;

/** Server → client: the inventory or the findings it depends on (or progress.md) changed. */
export const INVENTORY_CHANGED_NOTIFICATION = 'asyncMigrate/inventoryChanged';

export interface InventoryChangedParams {
  /** Folder URI whose inventory changed. */
  folder: string;
  /** Bumped on every change of that folder (monotonic per server run). */
  generation: number;
}

export interface EndpointRef {
  /** Workspace folder URI. */
  folder: string;
  /** Inventory endpoint id (`POST /api/v1/attendance/checkin`). */
  id: string;
}

export type Tier = 1 | 2 | 3;
export type EndpointStatus = 'sync' | 'in progress' | 'migrated' | 'verified';

export interface EndpointRow {
  id: string;
  method: string;
  route: string;
  function: string;
  /** Workspace-relative POSIX path of the handler file. */
  path: string;
  uri: string;
  /** 0-based line and character of the handler's name (where "open" puts the cursor). */
  line: number;
  character: number;
  isAsync: boolean;
  tier: Tier;
  tierReason: string;
  status: EndpointStatus;
  statusReasons: string[];
  /** Open findings in the handler and the code it calls. */
  findings: number;
  errors: number;
  findingCodes: Record<string, number>;
  phase: number;
  routeNote?: string;
}

export interface FolderEndpoints {
  folder: string;
  name: string;
  /** 'indexing' while the folder's first indexing pass runs (rows may be incomplete). */
  state: 'starting' | 'indexing' | 'ready';
  endpoints: EndpointRow[];
  /** Endpoints already `async def` (in progress, migrated or verified). */
  asyncCount: number;
  problems: { path: string; line: number; message: string }[];
  /** Set when the inventory could not be built (engine missing, internal error). */
  error?: string;
}

export interface EndpointsResult {
  folders: FolderEndpoints[];
}

export interface EndpointAtParams {
  uri: string;
  /** 0-based LSP position. */
  line: number;
  character: number;
}

// ------------------------------------------------------------------ checklist model
// Steps and items come from the engine's checklist (server/src/analysis/progress/checklist.ts):
// their ids are stable and key the state persisted in progress.md.

export type ActionId = 'createBranch' | 'writeDoc' | 'migrate' | 'runTests' | 'createLocust' | 'copyCurl' | 'openDiff' | 'recordMetrics';
export const ACTION_IDS: readonly ActionId[] = ['createBranch', 'writeDoc', 'migrate', 'runTests', 'createLocust', 'copyCurl', 'openDiff', 'recordMetrics'];
/** Actions that run programs (git, the test command): disabled in untrusted workspaces. */
export const EXECUTING_ACTIONS: ReadonlySet<ActionId> = new Set<ActionId>(['createBranch', 'runTests', 'openDiff']);
/** The actions offered by each step (1-based step number). */
export const STEP_ACTIONS: Record<number, readonly ActionId[]> = {
  1: ['createBranch'],
  2: ['writeDoc'],
  3: ['migrate'],
  4: ['runTests', 'createLocust', 'copyCurl'],
  5: ['openDiff'],
  6: ['recordMetrics'],
};

/** A place to jump to (a finding, a service definition). */
export interface JumpLocation {
  /** Workspace-relative POSIX path. */
  path: string;
  /** 0-based. */
  line: number;
  character: number;
  /** Rule code for findings. */
  code?: string;
  /** Short text (the finding's message, or the symbol). */
  text: string;
}

export interface ChecklistCheck {
  /** Stable id of one automatic sub-check (`noDbQuery`, …: the seed's pre-merge list). */
  id: string;
  done: boolean;
  count?: number;
}

export interface ChecklistItem {
  /** Stable engine id (`migration.queries`). */
  id: string;
  kind: 'auto' | 'manual';
  done: boolean;
  optional?: boolean;
  /** The engine's English title (the client localizes by id and falls back to this). */
  title: string;
  /** The engine's English detail of what is still open (a fallback; the view shows counts). */
  detail?: string;
  /** Open findings the item counts (rule items). */
  count?: number;
  /** Rule codes the item counts, with how many each. */
  codes?: Record<string, number>;
  /** Code identifiers to show under the item (service names, SDK calls, …): never localized. */
  facts?: string[];
  /** Jump targets (at most MAX_LOCATIONS). */
  locations?: JumpLocation[];
  /** Automatic sub-checks shown under the item (the pre-merge list). */
  checks?: ChecklistCheck[];
  /** Manual items: who ticked it, when (ISO) and a note (the branch name). */
  by?: string;
  at?: string;
  note?: string;
}

export const MAX_LOCATIONS = 20;

export interface ChecklistStep {
  /** Stable engine id (`prep`, `analysis`, `migration`, `testing`, `review`, `deploy`). */
  id: string;
  /** 1-based position in the checklist. */
  number: number;
  title: string;
  items: ChecklistItem[];
  actions: ActionId[];
  /** Every non-optional item is done. */
  complete: boolean;
  done: number;
  total: number;
}

export interface TestRun {
  passed: boolean;
  exitCode: number | null;
  durationMs: number;
  command: string;
  /** ISO time the run ended. */
  at: string;
}

export interface LatencySample {
  p50: number;
  p95: number;
  p99: number;
  /** Percent of failed requests (0–100). */
  errorRate?: number;
  /** Requests per second. */
  throughput?: number;
  /** ISO time it was recorded. */
  at?: string;
}

export interface Metrics {
  before?: LatencySample;
  after?: LatencySample;
}

/** The seed's per-endpoint success metric (P95 −20 %): analysis/dashboard/targets.ts. */
export { P95_TARGET_CHANGE };

export interface ChecklistModel {
  ref: EndpointRef;
  endpoint: EndpointRow & {
    module: string;
    /** Slug of the endpoint in file names and templates (`attendance`, from the handler's file). */
    slug: string;
  };
  steps: ChecklistStep[];
  /** Steps complete / total, and whether the whole checklist is (→ status `verified`). */
  stepsDone: number;
  complete: boolean;
  lastTestRun?: TestRun;
  metrics: Metrics;
  /** Resolved from the configuration (`testCommand`, `branchTemplate`) for this endpoint. */
  templates: {
    /** The test command, `{endpoint}` resolved (`pytest tests/api/test_attendance.py -v`). */
    testCommand: string;
    /** The branch to create today (`async/endpoint-checkin-2026-11-27`). */
    branch: string;
    /** Workspace-relative path of the locust file the template action creates. */
    locustFile: string;
  };
  /** Workspace-relative path of the analysis document and whether it exists. */
  doc: { path: string; exists: boolean };
  /** Inventory generation the model was computed from. */
  generation: number;
  /** A problem reading progress.md (corrupt block, …): shown, never hidden. */
  progressError?: string;
}

export interface SetChecklistItemParams extends EndpointRef {
  item: string;
  done: boolean;
  note?: string;
  /** Who ticked it (git user.name when the client knows it). */
  by?: string;
}

export interface RecordTestRunParams extends EndpointRef, TestRun {}

export interface RecordMetricsParams extends EndpointRef {
  phase: 'before' | 'after';
  sample: LatencySample;
}

export interface MutationResult {
  ok: boolean;
  error?: string;
}

export interface WriteDocResult {
  ok: boolean;
  /** Workspace-relative path written. */
  path?: string;
  uri?: string;
  error?: string;
}

export interface MigratePreview {
  ok: boolean;
  error?: string;
  uri?: string;
  /** The document version the edit applies to (null: the file on disk). */
  version?: number | null;
  /** The whole file before and after. */
  before?: string;
  after?: string;
  /** LSP text edits (0-based positions in `before`). */
  edits?: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[];
  applied?: string[];
  notDone?: string[];
}

// ------------------------------------------------------------------ dashboard

export type { AsyncShare, BlockerRow, DashboardModel, History, HistorySample, LatencyRow, RuleCount, TierShare, TwinRow } from '../analysis/dashboard/model';

export interface DashboardParams {
  /** Workspace folder URI. */
  folder: string;
  /** Also compute the burn-up history from git (slow the first time, then cached per commit). */
  history?: boolean;
  /** LSP work-done token: `$/progress` begin/report/end while the history is computed. */
  workDoneToken?: string | number;
}

export interface DashboardResult {
  ok: boolean;
  error?: string;
  folder: string;
  /** Folder name shown in the panel title. */
  name: string;
  model?: DashboardModel;
  /** Inventory generation the model was computed from. */
  generation?: number;
}

// ------------------------------------------------------------------ shared helpers

/** Relative change of P95 (after vs before): -0.25 = 25 % faster; undefined without both. */
export function p95Change(metrics: Metrics): number | undefined {
  const b = metrics.before?.p95;
  const a = metrics.after?.p95;
  if (b === undefined || a === undefined || !(b > 0)) return undefined;
  return (a - b) / b;
}

export function meetsP95Target(metrics: Metrics): boolean | undefined {
  const change = p95Change(metrics);
  return change === undefined ? undefined : change <= P95_TARGET_CHANGE + 1e-9;
}

export function isLatencySample(value: unknown): value is LatencySample {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0 && x < 1e9;
  if (!num(v.p50) || !num(v.p95) || !num(v.p99)) return false;
  if (v.errorRate !== undefined && !(num(v.errorRate) && (v.errorRate as number) <= 100)) return false;
  if (v.throughput !== undefined && !num(v.throughput)) return false;
  if (v.at !== undefined && typeof v.at !== 'string') return false;
  return true;
}
