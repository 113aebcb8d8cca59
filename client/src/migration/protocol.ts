// The typed message protocol between the extension and the checklist webview, with runtime
// validation of every message in both directions: the webview is a separate, less trusted
// context (it renders code data), so the extension never acts on a message it has not
// validated, and the webview never renders one it has not validated either.
// Plain TypeScript, no `vscode` import: bundled into the webview script too.
import {
  ACTION_IDS,
  type ActionId,
  type ChecklistModel,
  type EndpointRef,
  isLatencySample,
  type LatencySample,
} from '../../../server/src/lsp/migration-protocol';

export type { ActionId, ChecklistModel, EndpointRef, LatencySample };

/** Localized strings, by key (see client/src/migration/strings.ts). */
export type Strings = Record<string, string>;

export interface ViewState {
  strings: Strings;
  /** vscode.workspace.isTrusted: executing actions are disabled when false. */
  trusted: boolean;
  /** The endpoint shown, or null with the reason in `empty`. */
  model: ChecklistModel | null;
  empty?: 'noEndpoint' | 'noRoutes' | 'starting' | 'error';
  /** Error text when empty === 'error'. */
  error?: string;
  /** Actions running now (their buttons show as busy). */
  busy: ActionId[];
}

// ------------------------------------------------------------------ extension → webview

export type ToWebview =
  | { type: 'state'; state: ViewState }
  | { type: 'busy'; busy: ActionId[] }
  | { type: 'notice'; level: 'info' | 'error'; text: string };

// ------------------------------------------------------------------ webview → extension

export type FromWebview =
  | { type: 'ready' }
  | { type: 'pick' }
  | { type: 'openHandler'; endpoint: EndpointRef }
  | { type: 'toggle'; endpoint: EndpointRef; item: string; done: boolean }
  | { type: 'action'; endpoint: EndpointRef; action: ActionId }
  | { type: 'reveal'; endpoint: EndpointRef; item: string; index: number }
  | { type: 'metrics'; endpoint: EndpointRef; phase: 'before' | 'after'; sample: LatencySample };

// ------------------------------------------------------------------ validation
// (the primitive checks are shared with the dashboard's protocol, dashboard-protocol.ts)

type Obj = Record<string, unknown>;
const MAX_STRING = 10_000;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export function isStr(v: unknown, max = MAX_STRING): v is string {
  return typeof v === 'string' && v.length <= max;
}
function isOptStr(v: unknown): boolean {
  return v === undefined || isStr(v);
}
export function isInt(v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}
function isBool(v: unknown): v is boolean {
  return typeof v === 'boolean';
}
export function isArr<T>(v: unknown, each: (x: unknown) => x is T, max = 10_000): v is T[] {
  return Array.isArray(v) && v.length <= max && v.every(each);
}
export function isStrArr(v: unknown): v is string[] {
  return isArr(v, (x): x is string => isStr(x));
}
export function isActionId(v: unknown): v is ActionId {
  return typeof v === 'string' && (ACTION_IDS as readonly string[]).includes(v);
}
/** Checklist item ids: `step.name` (lower case, dots, dashes). */
export function isItemId(v: unknown): v is string {
  return typeof v === 'string' && /^[a-z][a-z0-9-]*(\.[a-z][a-zA-Z0-9-]*)+$/.test(v) && v.length <= 100;
}

export function isEndpointRef(v: unknown): v is EndpointRef {
  return isObj(v) && isStr(v.folder, 2000) && v.folder.length > 0 && isStr(v.id, 2000) && v.id.length > 0;
}

function isJump(v: unknown): boolean {
  return isObj(v) && isStr(v.path, 2000) && isInt(v.line) && isInt(v.character) && isOptStr(v.code) && isStr(v.text);
}

function isCodes(v: unknown): boolean {
  return isObj(v) && Object.entries(v).every(([k, n]) => k.length <= 20 && isInt(n));
}

function isItem(v: unknown): boolean {
  if (!isObj(v)) return false;
  return (
    isItemId(v.id) &&
    (v.kind === 'auto' || v.kind === 'manual') &&
    isBool(v.done) &&
    (v.optional === undefined || isBool(v.optional)) &&
    isStr(v.title) &&
    isOptStr(v.detail) &&
    (v.count === undefined || isInt(v.count)) &&
    (v.codes === undefined || isCodes(v.codes)) &&
    (v.facts === undefined || isStrArr(v.facts)) &&
    (v.locations === undefined || isArr(v.locations, (x): x is unknown => isJump(x), 1000)) &&
    (v.checks === undefined || isArr(v.checks, (x): x is unknown => isObj(x) && isStr(x.id, 100) && isBool(x.done) && (x.count === undefined || isInt(x.count)))) &&
    isOptStr(v.by) &&
    isOptStr(v.at) &&
    isOptStr(v.note)
  );
}

function isStep(v: unknown): boolean {
  return (
    isObj(v) &&
    isStr(v.id, 100) &&
    isInt(v.number, 1, 100) &&
    isStr(v.title) &&
    isArr(v.items, (x): x is unknown => isItem(x), 200) &&
    isArr(v.actions, isActionId) &&
    isBool(v.complete) &&
    isInt(v.done) &&
    isInt(v.total)
  );
}

const STATUSES = ['sync', 'in progress', 'migrated', 'verified'];

function isEndpoint(v: unknown): boolean {
  return (
    isObj(v) &&
    isStr(v.id) &&
    isStr(v.method, 20) &&
    isStr(v.route) &&
    isStr(v.function) &&
    isStr(v.path) &&
    isStr(v.uri) &&
    isInt(v.line) &&
    isInt(v.character) &&
    isBool(v.isAsync) &&
    (v.tier === 1 || v.tier === 2 || v.tier === 3) &&
    isStr(v.tierReason) &&
    typeof v.status === 'string' &&
    STATUSES.includes(v.status) &&
    isStrArr(v.statusReasons) &&
    isInt(v.findings) &&
    isInt(v.errors) &&
    isCodes(v.findingCodes) &&
    isInt(v.phase) &&
    isOptStr(v.routeNote) &&
    isStr(v.module) &&
    isStr(v.slug)
  );
}

function isTestRun(v: unknown): boolean {
  return isObj(v) && isBool(v.passed) && (v.exitCode === null || isInt(v.exitCode, -1e9, 1e9)) && isInt(v.durationMs) && isStr(v.command) && isStr(v.at, 100);
}

export function isChecklistModel(v: unknown): v is ChecklistModel {
  if (!isObj(v)) return false;
  const metrics = v.metrics;
  const templates = v.templates;
  const doc = v.doc;
  return (
    isEndpointRef(v.ref) &&
    isEndpoint(v.endpoint) &&
    isArr(v.steps, (x): x is unknown => isStep(x), 20) &&
    isInt(v.stepsDone) &&
    isBool(v.complete) &&
    (v.lastTestRun === undefined || isTestRun(v.lastTestRun)) &&
    isObj(metrics) &&
    (metrics.before === undefined || isLatencySample(metrics.before)) &&
    (metrics.after === undefined || isLatencySample(metrics.after)) &&
    isObj(templates) &&
    isStr(templates.testCommand) &&
    isStr(templates.branch) &&
    isStr(templates.locustFile) &&
    isObj(doc) &&
    isStr(doc.path) &&
    isBool(doc.exists) &&
    isInt(v.generation) &&
    isOptStr(v.progressError)
  );
}

export function isStrings(v: unknown): v is Strings {
  return isObj(v) && Object.keys(v).length <= 2000 && Object.entries(v).every(([k, s]) => k.length <= 200 && isStr(s));
}

function isViewState(v: unknown): v is ViewState {
  return (
    isObj(v) &&
    isStrings(v.strings) &&
    isBool(v.trusted) &&
    (v.model === null || isChecklistModel(v.model)) &&
    (v.empty === undefined || v.empty === 'noEndpoint' || v.empty === 'noRoutes' || v.empty === 'starting' || v.empty === 'error') &&
    isOptStr(v.error) &&
    isArr(v.busy, isActionId)
  );
}

/** Validates a message for the webview; undefined when it is not a well-formed ToWebview. */
export function parseToWebview(v: unknown): ToWebview | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'state':
      return isViewState(v.state) ? { type: 'state', state: v.state } : undefined;
    case 'busy':
      return isArr(v.busy, isActionId) ? { type: 'busy', busy: v.busy } : undefined;
    case 'notice':
      return (v.level === 'info' || v.level === 'error') && isStr(v.text) ? { type: 'notice', level: v.level, text: v.text } : undefined;
    default:
      return undefined;
  }
}

/**
 * Validates a message from the webview; undefined when it is not a well-formed FromWebview.
 * Returns a fresh object with only the known fields (nothing else travels further).
 */
export function parseFromWebview(v: unknown): FromWebview | undefined {
  if (!isObj(v)) return undefined;
  const ref = (x: unknown): EndpointRef | undefined => (isEndpointRef(x) ? { folder: x.folder, id: x.id } : undefined);
  switch (v.type) {
    case 'ready':
    case 'pick':
      return { type: v.type };
    case 'openHandler': {
      const endpoint = ref(v.endpoint);
      return endpoint ? { type: 'openHandler', endpoint } : undefined;
    }
    case 'toggle': {
      const endpoint = ref(v.endpoint);
      return endpoint && isItemId(v.item) && isBool(v.done) ? { type: 'toggle', endpoint, item: v.item, done: v.done } : undefined;
    }
    case 'action': {
      const endpoint = ref(v.endpoint);
      return endpoint && isActionId(v.action) ? { type: 'action', endpoint, action: v.action } : undefined;
    }
    case 'reveal': {
      const endpoint = ref(v.endpoint);
      return endpoint && isItemId(v.item) && isInt(v.index, 0, 10_000) ? { type: 'reveal', endpoint, item: v.item, index: v.index } : undefined;
    }
    case 'metrics': {
      const endpoint = ref(v.endpoint);
      if (!endpoint || (v.phase !== 'before' && v.phase !== 'after') || !isLatencySample(v.sample)) return undefined;
      const s = v.sample;
      const sample: LatencySample = { p50: s.p50, p95: s.p95, p99: s.p99 };
      if (s.errorRate !== undefined) sample.errorRate = s.errorRate;
      if (s.throughput !== undefined) sample.throughput = s.throughput;
      return { type: 'metrics', endpoint, phase: v.phase, sample };
    }
    default:
      return undefined;
  }
}
