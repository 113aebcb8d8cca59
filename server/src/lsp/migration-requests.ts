// The endpoint inventory and per-endpoint checklist requests (spec §2), for the Endpoints tree
// and the Checklist sidebar: the inventory comes from the engine (analysis/endpoints), the
// checklist's automatic items are computed live from it (open editor buffers included), the
// manual items, test runs and metrics are read from and written to progress.md
// (progress-file.ts, locked + atomic). `asyncMigrate/inventoryChanged` tells the client when to
// ask again. Request and payload shapes: migration-protocol.ts.
import * as fs from 'fs';
import * as path from 'path';
import { AnalysisCache } from '../analysis/endpoints/dependencies';
import { buildInventory, endpointById, endpointsAt } from '../analysis/endpoints/inventory';
import type { Endpoint, Inventory } from '../analysis/endpoints/types';
import { CHECKLIST_ITEMS, CHECKLIST_STEPS, type ChecklistItemResult, evaluateChecklist, servicesUsed } from '../analysis/progress/checklist';
import type { EndpointState, ProgressState } from '../analysis/progress/state';
import { computeLineStarts, positionAt } from '../analysis/source';
import type { Finding } from '../analysis/types';
import { writeFileAtomic } from '../project/fs-atomic';
import { progressPath, readProgress, updateEndpointState } from '../project/progress-file';
import { readPythonFile } from '../project';
import type { CodeActionProvider } from './codeActions';
import type { FolderEvents, Guard, RequestConnection, ServerLog, Workspace } from './context';
import type { Folder } from './folders';
import {
  type ChecklistCheck,
  type ChecklistItem,
  type ChecklistModel,
  type ChecklistStep,
  type EndpointAtParams,
  type EndpointRef,
  type EndpointRow,
  type EndpointsResult,
  type FolderEndpoints,
  INVENTORY_CHANGED_NOTIFICATION,
  type InventoryChangedParams,
  isLatencySample,
  type JumpLocation,
  type LatencySample,
  MAX_LOCATIONS,
  type Metrics,
  MIGRATION_REQUESTS,
  type MigratePreview,
  type MutationResult,
  type RecordMetricsParams,
  type RecordTestRunParams,
  type SetChecklistItemParams,
  STEP_ACTIONS,
  type WriteDocResult,
} from './migration-protocol';
import { analysisDocPath, branchNameFor, endpointSlug, locustFilePath, testCommandFor } from '../project/migration-templates';

/**
 * Rule codes each automatic item of the engine's checklist counts (for counts and jump-to
 * links; done-ness comes from the engine). Kept in step with analysis/progress/checklist.ts by
 * test/unit/migration/requests.test.ts.
 */
export const ITEM_CODES: Record<string, readonly string[]> = {
  'migration.imports': ['AM203'],
  'migration.session': ['AM103'],
  'migration.awaits': ['AM201', 'AM202', 'AM204', 'AM205'],
  'migration.queries': ['AM101', 'AM102', 'AM104', 'AM105'],
  'migration.redis': ['AM301', 'AM302'],
};

/** A folder is announced once it stopped changing for this long (ms): one notification per typing pause. */
const QUIET_MS = 200;

interface CachedInventory {
  inventory: Inventory;
  progress: ProgressState;
  progressError?: string;
  key: string;
  /** Line starts per file, for positions of handlers. */
  lineStarts: Map<string, number[]>;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRef(v: unknown): v is EndpointRef {
  return isObj(v) && typeof v.folder === 'string' && typeof v.id === 'string';
}

const MANUAL_IDS = new Set(CHECKLIST_ITEMS.filter((i) => i.kind === 'manual').map((i) => i.id));

export class MigrationRequests {
  private readonly caches = new Map<Folder, { analysis: AnalysisCache; last?: CachedInventory; configRef?: unknown; configId: number }>();
  /** Pending announcements: a folder's timer restarts on every change until it stays quiet. */
  private readonly pending = new Map<Folder, NodeJS.Timeout>();
  private generation = 0;
  private unsubscribe: { dispose(): void } | undefined;

  constructor(
    private readonly connection: RequestConnection,
    private readonly server: Workspace & ServerLog & FolderEvents,
    private readonly codeActions: Pick<CodeActionProvider, 'migrateEdit'>,
  ) {}

  register(guard: Guard): void {
    const c = this.connection;
    c.onRequest(MIGRATION_REQUESTS.endpoints, guard('endpoints', { folders: [] } as EndpointsResult, (p: { folder?: string } | undefined) => this.endpoints(p?.folder)));
    c.onRequest(MIGRATION_REQUESTS.endpointAt, guard('endpointAt', null as EndpointRef | null, (p: EndpointAtParams) => this.endpointAt(p)));
    c.onRequest(MIGRATION_REQUESTS.checklist, guard('checklist', null as ChecklistModel | null, (p: EndpointRef) => this.checklist(p)));
    c.onRequest(MIGRATION_REQUESTS.setChecklistItem, guard('setChecklistItem', { ok: false, error: 'internal error' } as MutationResult, (p: SetChecklistItemParams) => this.setItem(p)));
    c.onRequest(MIGRATION_REQUESTS.recordTestRun, guard('recordTestRun', { ok: false, error: 'internal error' } as MutationResult, (p: RecordTestRunParams) => this.recordTestRun(p)));
    c.onRequest(MIGRATION_REQUESTS.recordMetrics, guard('recordMetrics', { ok: false, error: 'internal error' } as MutationResult, (p: RecordMetricsParams) => this.recordMetrics(p)));
    c.onRequest(MIGRATION_REQUESTS.writeEndpointDoc, guard('writeEndpointDoc', { ok: false, error: 'internal error' } as WriteDocResult, (p: EndpointRef) => this.writeDoc(p)));
    c.onRequest(MIGRATION_REQUESTS.migratePreview, guard('migratePreview', { ok: false, error: 'internal error' } as MigratePreview, (p: EndpointRef) => this.migratePreview(p)));
    this.unsubscribe = this.server.onFolderChanged((folder) => this.folderChanged(folder));
  }

  dispose(): void {
    this.unsubscribe?.dispose();
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    for (const entry of this.caches.values()) entry.analysis.dispose();
    this.caches.clear();
  }

  // ------------------------------------------------------------------ change notifications

  /**
   * The server changed a folder's index, indexing state or configuration: announce the folder
   * once it stayed unchanged for QUIET_MS (typing gives one notification per pause, not one per
   * keystroke). A folder gone from the workspace drops its caches.
   */
  private folderChanged(folder: Folder): void {
    clearTimeout(this.pending.get(folder));
    this.pending.delete(folder);
    if (this.server.folders.get(folder.uri) !== folder) {
      this.caches.get(folder)?.analysis.dispose();
      this.caches.delete(folder);
      return;
    }
    if (!folder.root) return;
    const timer = setTimeout(() => {
      this.pending.delete(folder);
      try {
        this.notify(folder);
      } catch (error) {
        this.server.logError('inventory change notification', error);
      }
    }, QUIET_MS);
    timer.unref?.();
    this.pending.set(folder, timer);
  }

  notify(folder: Folder): void {
    const params: InventoryChangedParams = { folder: folder.uri, generation: ++this.generation };
    void this.connection.sendNotification(INVENTORY_CHANGED_NOTIFICATION, params);
  }

  private entry(folder: Folder) {
    let entry = this.caches.get(folder);
    if (!entry) {
      entry = { analysis: new AnalysisCache(folder.index, folder.config, (p) => this.textOf(folder, p)), configId: 0 };
      this.caches.set(folder, entry);
    }
    return entry;
  }

  /**
   * Bumped whenever the folder's configuration object is replaced (settings / pyproject change)
   * or its index is (a re-index starts a new WorkspaceIndex): the analysis cache holds both.
   */
  private configId(folder: Folder): number {
    const entry = this.entry(folder);
    if (entry.configRef !== folder.config || entry.analysis.index !== folder.index) {
      entry.configRef = folder.config;
      entry.configId++;
      // The analysis cache holds the configuration: start a new one.
      entry.analysis.dispose();
      entry.analysis = new AnalysisCache(folder.index, folder.config, (p) => this.textOf(folder, p));
      entry.last = undefined;
    }
    return entry.configId;
  }

  // ------------------------------------------------------------------ inventory

  private textOf(folder: Folder, rel: string): string | undefined {
    const uri = folder.uriOf(rel);
    const doc = this.server.docs.get(uri);
    if (doc) return doc.text;
    const abs = folder.absPath(rel);
    return abs ? readPythonFile(abs).text : undefined;
  }

  /** Changes whenever progress.md is written (by us, the CLI, git or a teammate's hand). */
  private progressStamp(folder: Folder): string {
    try {
      const stat = fs.statSync(progressPath(folder.root!));
      return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch {
      return 'none';
    }
  }

  /** The folder's inventory (cached per index generation, configuration and progress.md). */
  inventory(folder: Folder): CachedInventory {
    const configId = this.configId(folder);
    const entry = this.entry(folder);
    const key = `${folder.index.generation}|${configId}|${this.progressStamp(folder)}`;
    if (entry.last && entry.last.key === key) return entry.last;
    const read = readProgress(folder.root!);
    const inventory = buildInventory(folder.index, folder.config, { getText: (p) => this.textOf(folder, p), state: read.state, cache: entry.analysis });
    entry.last = {
      inventory,
      progress: read.state,
      progressError: read.error ? read.error.message : undefined,
      key,
      lineStarts: new Map(),
    };
    return entry.last;
  }

  private folderByUri(uri: string): Folder | undefined {
    const folder = this.server.folders.get(uri);
    return folder?.root ? folder : undefined;
  }

  /** 0-based position of an offset in a file of the inventory. */
  private position(folder: Folder, cached: CachedInventory, rel: string, offset: number, line1: number): { line: number; character: number } {
    let starts = cached.lineStarts.get(rel);
    if (!starts) {
      const text = this.textOf(folder, rel);
      starts = text === undefined ? [] : computeLineStarts(text);
      cached.lineStarts.set(rel, starts);
    }
    if (!starts.length) return { line: Math.max(0, line1 - 1), character: 0 };
    return positionAt(starts, offset);
  }

  private row(folder: Folder, cached: CachedInventory, e: Endpoint): EndpointRow {
    const pos = this.position(folder, cached, e.path, e.nameStart, e.line);
    const row: EndpointRow = {
      id: e.id,
      method: e.method,
      route: e.route,
      function: e.function,
      path: e.path,
      uri: folder.uriOf(e.path),
      line: pos.line,
      character: pos.character,
      isAsync: e.isAsync,
      tier: e.tier,
      tierReason: e.tierReason,
      status: e.status,
      statusReasons: e.statusReasons,
      findings: e.findings.length,
      errors: e.findings.filter((f) => f.severity === 'error').length,
      findingCodes: e.findingCodes,
      phase: e.phase,
    };
    if (e.routeNote) row.routeNote = e.routeNote;
    return row;
  }

  endpoints(folderUri?: string): EndpointsResult {
    const folders = [...this.server.folders.values()].filter((f) => f.root && (!folderUri || f.uri === folderUri));
    const out: FolderEndpoints[] = [];
    for (const folder of folders) {
      const base = { folder: folder.uri, name: folder.name, state: folder.state, endpoints: [] as EndpointRow[], asyncCount: 0, problems: [] as FolderEndpoints['problems'] };
      if (!folder.settings.enable) {
        out.push({ ...base, error: 'async-migrate is disabled for this folder (asyncMigrate.enable)' });
        continue;
      }
      try {
        const cached = this.inventory(folder);
        const rows = cached.inventory.endpoints.map((e) => this.row(folder, cached, e));
        out.push({ ...base, endpoints: rows, asyncCount: rows.filter((r) => r.isAsync).length, problems: cached.inventory.problems });
      } catch (error) {
        this.server.logError(`inventory of ${folder.name}`, error);
        out.push({ ...base, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { folders: out };
  }

  endpointAt(p: EndpointAtParams): EndpointRef | null {
    if (!p || typeof p.uri !== 'string' || typeof p.line !== 'number' || typeof p.character !== 'number') return null;
    const folder = this.server.folderOf(p.uri);
    if (!folder.root || !folder.settings.enable) return null;
    const rel = this.server.pathOf(p.uri, folder);
    const doc = this.server.docs.get(p.uri);
    let offset: number;
    if (doc) offset = doc.offsetAt({ line: p.line, character: p.character });
    else {
      const text = this.textOf(folder, rel);
      if (text === undefined) return null;
      const starts = computeLineStarts(text);
      offset = Math.min(text.length, (starts[p.line] ?? text.length) + p.character);
    }
    // Cheap test first: is the position inside a route handler of this module at all?
    const summary = folder.index.fileByPath(rel);
    const route = summary?.routes.find((r) => r.outerStart <= offset && offset <= r.end);
    if (!route) return null;
    // While the user types, the last inventory still knows the handler (ids do not depend on
    // offsets): no rebuild on every cursor move.
    const last = this.entry(folder).last?.inventory;
    const methods = route.methods.length ? route.methods : ['GET'];
    const known = last?.endpoints.find((e) => e.path === rel && e.function === route.function && methods.includes(e.method));
    if (known) return { folder: folder.uri, id: known.id };
    const hit = endpointsAt(this.inventory(folder).inventory, rel, offset)[0];
    return hit ? { folder: folder.uri, id: hit.id } : null;
  }

  // ------------------------------------------------------------------ checklist

  checklist(p: EndpointRef): ChecklistModel | null {
    if (!isRef(p)) return null;
    const folder = this.folderByUri(p.folder);
    if (!folder) return null;
    const cached = this.inventory(folder);
    const endpoint = endpointById(cached.inventory, p.id);
    if (!endpoint) return null;
    return this.model(folder, cached, endpoint);
  }

  private jump(f: Finding): JumpLocation {
    return { path: f.path, line: f.range.start.line, character: f.range.start.character, code: f.code, text: f.message };
  }

  model(folder: Folder, cached: CachedInventory, e: Endpoint): ChecklistModel {
    const state: EndpointState | undefined = cached.progress.endpoints[e.id];
    const evaluated = evaluateChecklist(e, state);
    const byId = new Map(evaluated.items.map((i) => [i.id, i]));
    const handler = this.position(folder, cached, e.path, e.nameStart, e.line);
    const deps = e.dependencies;
    const lastRun = state?.tests?.lastRun;
    const root = folder.root!;
    const exists = (rel: string) => fs.existsSync(path.join(root, ...rel.split('/')));
    const names = { method: e.method, route: e.route, function: e.function, path: e.path };
    const testCommand = testCommandFor(folder.config.testCommand, names, exists);

    const findingsOf = (codes: readonly string[]) => e.findings.filter((f) => codes.includes(f.code));
    const codeCounts = (list: Finding[]) => {
      const out: Record<string, number> = {};
      for (const f of list) out[f.code] = (out[f.code] ?? 0) + 1;
      return out;
    };
    const utcnow = findingsOf(['AM401']);

    const enrich = (r: ChecklistItemResult): ChecklistItem => {
      const item: ChecklistItem = { id: r.id, kind: r.kind, done: r.done, title: r.title };
      if (r.optional) item.optional = true;
      if (r.detail) item.detail = r.detail;
      if (r.by) item.by = r.by;
      if (r.at) item.at = r.at;
      const mark = state?.checklist?.[r.id];
      if (mark && typeof mark.note === 'string') item.note = mark.note;
      const codes = ITEM_CODES[r.id];
      if (codes) {
        const list = findingsOf(codes);
        item.count = list.length;
        if (list.length) {
          item.codes = codeCounts(list);
          item.locations = list.slice(0, MAX_LOCATIONS).map((f) => this.jump(f));
        }
      }
      switch (r.id) {
        case 'prep.services': {
          const direct = servicesUsed(deps);
          item.count = direct.length;
          item.facts = direct.map((s) => s.name);
          item.locations = direct.slice(0, MAX_LOCATIONS).map((s) => ({ path: s.path, line: s.line - 1, character: 0, text: s.qualified }));
          break;
        }
        case 'prep.twins': {
          // Sync callees that do I/O need an async version (the engine's criterion for this item).
          const sync = deps.services.filter((s) => !s.isAsync && (s.doesIO || s.twin));
          item.facts = sync.map((s) => `${s.name} → ${s.twin ? s.twin.name : '∅'}`);
          const twins = sync.filter((s) => s.twin);
          if (twins.length) item.locations = twins.slice(0, MAX_LOCATIONS).map((s) => ({ path: s.twin!.path, line: s.twin!.line - 1, character: 0, text: s.twin!.qualified }));
          break;
        }
        case 'analysis.dependencies':
          item.facts = dependencyFacts(e);
          break;
        case 'analysis.doc':
          item.facts = [analysisDocPath(names)];
          break;
        case 'migration.async-def':
          if (!e.isAsync) item.locations = [{ path: e.path, line: handler.line, character: handler.character, code: 'AM702', text: `def ${e.function}` }];
          break;
        case 'testing.unit':
          item.facts = [testCommand];
          break;
        case 'review.premerge': {
          const done = (id: string) => byId.get(id)?.done === true;
          const checks: ChecklistCheck[] = [
            { id: 'noDbQuery', done: done('migration.queries'), count: findingsOf(ITEM_CODES['migration.queries']).length || undefined },
            { id: 'noSyncSession', done: done('migration.session'), count: findingsOf(ITEM_CODES['migration.session']).length || undefined },
            { id: 'servicesAsync', done: done('migration.awaits') },
            { id: 'redisAwaited', done: done('migration.redis'), count: findingsOf(ITEM_CODES['migration.redis']).length || undefined },
            { id: 'noUtcnow', done: utcnow.length === 0, count: utcnow.length || undefined },
            { id: 'testsPass', done: lastRun?.passed === true },
            { id: 'noSyncImports', done: done('migration.imports'), count: findingsOf(ITEM_CODES['migration.imports']).length || undefined },
          ];
          item.checks = checks.map((c) => (c.count === undefined ? { id: c.id, done: c.done } : c));
          // The other checks point at the Migration items; utcnow() has no item of its own.
          if (utcnow.length) item.locations = utcnow.slice(0, MAX_LOCATIONS).map((f) => this.jump(f));
          break;
        }
      }
      return item;
    };

    const steps: ChecklistStep[] = CHECKLIST_STEPS.map((def) => {
      const items = evaluated.items.filter((i) => i.step === def.step).map(enrich);
      const required = items.filter((i) => !i.optional);
      return {
        id: def.id,
        number: def.step,
        title: def.title,
        items,
        actions: [...(STEP_ACTIONS[def.step] ?? [])],
        complete: required.every((i) => i.done),
        done: required.filter((i) => i.done).length,
        total: required.length,
      };
    });

    const row = this.row(folder, cached, e);
    const model: ChecklistModel = {
      ref: { folder: folder.uri, id: e.id },
      endpoint: { ...row, module: e.module, slug: endpointSlug(names) },
      steps,
      stepsDone: evaluated.stepsDone,
      complete: evaluated.complete,
      metrics: metricsOf(state),
      templates: {
        testCommand,
        branch: branchNameFor(folder.config.branchTemplate, names),
        locustFile: locustFilePath(names),
      },
      doc: { path: analysisDocPath(names), exists: exists(analysisDocPath(names)) },
      generation: cached.inventory.generation,
    };
    if (lastRun) {
      model.lastTestRun = {
        passed: lastRun.passed,
        exitCode: typeof lastRun.exitCode === 'number' ? lastRun.exitCode : null,
        durationMs: typeof lastRun.durationMs === 'number' ? Math.max(0, Math.round(lastRun.durationMs)) : 0,
        command: typeof lastRun.command === 'string' ? lastRun.command : '',
        at: typeof lastRun.at === 'string' ? lastRun.at : '',
      };
    }
    if (cached.progressError) model.progressError = cached.progressError;
    return model;
  }

  // ------------------------------------------------------------------ mutations

  /** Runs a progress.md update for an endpoint of a folder, then announces the change. */
  private async mutate(p: EndpointRef, fn: (state: EndpointState) => void): Promise<MutationResult> {
    if (!isRef(p)) return { ok: false, error: 'expected { folder, id }' };
    const folder = this.folderByUri(p.folder);
    if (!folder) return { ok: false, error: `no workspace folder ${p.folder}` };
    const cached = this.inventory(folder);
    if (!endpointById(cached.inventory, p.id)) return { ok: false, error: `no endpoint ${p.id} in ${folder.name}` };
    try {
      // The inventory refreshes the generated tables too (only once indexing is complete).
      await updateEndpointState(folder.root!, p.id, (s) => void fn(s), folder.state === 'ready' ? { inventory: cached.inventory } : {});
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const backup = (error as { backupPath?: string }).backupPath;
      return { ok: false, error: backup ? `${message} (a copy was saved to ${path.relative(folder.root!, backup)})` : message };
    }
    this.notify(folder);
    return { ok: true };
  }

  setItem(p: SetChecklistItemParams): Promise<MutationResult> | MutationResult {
    if (!isObj(p) || typeof p.item !== 'string' || typeof p.done !== 'boolean') return { ok: false, error: 'expected { folder, id, item, done }' };
    if (!MANUAL_IDS.has(p.item)) return { ok: false, error: `"${p.item}" is not a manual checklist item (automatic items follow the code)` };
    const by = typeof p.by === 'string' && p.by.trim() ? p.by.trim().slice(0, 200) : undefined;
    const note = typeof p.note === 'string' && p.note ? p.note.slice(0, 500) : undefined;
    return this.mutate(p, (s) => {
      s.checklist = { ...(s.checklist ?? {}), [p.item]: { done: p.done, ...(by ? { by } : {}), at: new Date().toISOString(), ...(note ? { note } : {}) } };
    });
  }

  recordTestRun(p: RecordTestRunParams): Promise<MutationResult> | MutationResult {
    if (!isObj(p) || typeof p.passed !== 'boolean' || typeof p.command !== 'string') return { ok: false, error: 'expected { folder, id, passed, command, … }' };
    const run = {
      passed: p.passed,
      command: p.command.slice(0, 2000),
      at: typeof p.at === 'string' && !Number.isNaN(Date.parse(p.at)) ? p.at : new Date().toISOString(),
      ...(typeof p.exitCode === 'number' ? { exitCode: p.exitCode } : {}),
      ...(typeof p.durationMs === 'number' && p.durationMs >= 0 ? { durationMs: Math.round(p.durationMs) } : {}),
    };
    return this.mutate(p, (s) => {
      s.tests = { ...(s.tests ?? {}), lastRun: run };
    });
  }

  recordMetrics(p: RecordMetricsParams): Promise<MutationResult> | MutationResult {
    if (!isObj(p) || (p.phase !== 'before' && p.phase !== 'after') || !isLatencySample(p.sample)) {
      return { ok: false, error: 'expected { folder, id, phase: "before" | "after", sample: { p50, p95, p99, errorRate?, throughput? } } with numbers ≥ 0' };
    }
    const sample = p.sample;
    return this.mutate(p, (s) => {
      const metrics = { ...(s.metrics ?? {}) } as Record<string, unknown>;
      for (const key of ['p50', 'p95', 'p99', 'errorRate', 'throughput'] as const) {
        const value = sample[key];
        if (value === undefined) continue;
        const pair = isObj(metrics[key]) ? { ...(metrics[key] as Record<string, unknown>) } : {};
        pair[p.phase] = value;
        metrics[key] = pair;
      }
      s.metrics = metrics as EndpointState['metrics'];
    });
  }

  async writeDoc(p: EndpointRef): Promise<WriteDocResult> {
    if (!isRef(p)) return { ok: false, error: 'expected { folder, id }' };
    const folder = this.folderByUri(p.folder);
    if (!folder) return { ok: false, error: `no workspace folder ${p.folder}` };
    const cached = this.inventory(folder);
    const e = endpointById(cached.inventory, p.id);
    if (!e) return { ok: false, error: `no endpoint ${p.id} in ${folder.name}` };
    const rel = analysisDocPath(e);
    const abs = path.join(folder.root!, ...rel.split('/'));
    let existing: string | undefined;
    try {
      existing = fs.readFileSync(abs, 'utf8');
    } catch {
      existing = undefined;
    }
    try {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      const testCommand = testCommandFor(folder.config.testCommand, e, (r) => fs.existsSync(path.join(folder.root!, ...r.split('/'))));
      writeFileAtomic(abs, mergeAnalysisDoc(existing, endpointAnalysisMarkdown(e, testCommand), `${e.method} ${e.route} (${e.function})`));
    } catch (error) {
      return { ok: false, error: `cannot write ${rel}: ${error instanceof Error ? error.message : String(error)}` };
    }
    const marked = await this.setItem({ ...p, item: 'analysis.doc', done: true, note: rel });
    return { ok: true, path: rel, uri: folder.uriOf(rel), ...(marked.ok ? {} : { error: marked.error }) };
  }

  migratePreview(p: EndpointRef): MigratePreview {
    if (!isRef(p)) return { ok: false, error: 'expected { folder, id }' };
    const folder = this.folderByUri(p.folder);
    if (!folder) return { ok: false, error: `no workspace folder ${p.folder}` };
    const e = endpointById(this.inventory(folder).inventory, p.id);
    if (!e) return { ok: false, error: `no endpoint ${p.id} in ${folder.name}` };
    const uri = folder.uriOf(e.path);
    const before = this.textOf(folder, e.path);
    if (before === undefined) return { ok: false, error: `cannot read ${e.path}` };
    const result = this.codeActions.migrateEdit({ uri, offset: e.nameStart });
    if ('error' in result) return { ok: false, error: result.error };
    const edit = result.edit;
    let edits: NonNullable<MigratePreview['edits']> = [];
    let version: number | null = null;
    if (edit.documentChanges) {
      for (const change of edit.documentChanges) {
        if ('textDocument' in change && change.textDocument.uri === uri) {
          edits = change.edits.map((x) => ({ range: x.range, newText: x.newText }));
          version = change.textDocument.version;
        }
      }
    } else if (edit.changes?.[uri]) {
      edits = edit.changes[uri].map((x) => ({ range: x.range, newText: x.newText }));
      version = this.server.docs.get(uri)?.version ?? null;
    }
    return { ok: true, uri, version, before, after: applyLspEdits(before, edits), edits, applied: result.applied, notDone: result.notDone };
  }
}

// ------------------------------------------------------------------ helpers

function metricsOf(state: EndpointState | undefined): Metrics {
  const m = state?.metrics;
  const out: Metrics = {};
  if (!m) return out;
  for (const phase of ['before', 'after'] as const) {
    const value = (key: string) => {
      const pair = (m as Record<string, unknown>)[key];
      const v = isObj(pair) ? pair[phase] : undefined;
      return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    };
    const p50 = value('p50');
    const p95 = value('p95');
    const p99 = value('p99');
    if (p50 === undefined && p95 === undefined && p99 === undefined) continue;
    const sample: LatencySample = { p50: p50 ?? 0, p95: p95 ?? 0, p99: p99 ?? 0 };
    const errorRate = value('errorRate');
    const throughput = value('throughput');
    if (errorRate !== undefined) sample.errorRate = errorRate;
    if (throughput !== undefined) sample.throughput = throughput;
    out[phase] = sample;
  }
  return out;
}

/** Code-like facts of the dependency analysis (names, calls, counts): never localized. */
export function dependencyFacts(e: Endpoint): string[] {
  const d = e.dependencies;
  const facts: string[] = [];
  for (const s of d.services) facts.push(`${s.role}: ${s.isAsync ? 'async ' : ''}${s.name}${s.depth > 1 && s.via ? ` ← ${s.via}` : ''}`);
  for (const sdk of d.externalSdks) facts.push(`${sdk.name}: ${sdk.call}${sdk.direct ? '' : ` (${sdk.viaModule})`}`);
  if (d.db.sessions.length) facts.push(`db: ${d.db.sessions.map((s) => (s === 'async' ? 'AsyncSession' : 'Session')).join(', ')}`);
  if (d.db.legacyQueries) facts.push(`db.query() × ${d.db.legacyQueries}`);
  if (d.db.modernQueries) facts.push(`select() / execute() × ${d.db.modernQueries}`);
  if (d.redis.calls) facts.push(`redis${d.redis.flavors.length ? ` (${d.redis.flavors.join(', ')})` : ''} × ${d.redis.calls}`);
  return facts;
}

function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdCode(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ');
  const fence = clean.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${mdCell(clean)}${fence.length > 1 ? ' ' : ''}${fence}`;
}

export const DOC_START = '<!-- async-migrate:analysis -->';
export const DOC_END = '<!-- /async-migrate:analysis -->';

/** The dependency analysis of an endpoint as Markdown (spec §2, step 2). */
export function endpointAnalysisMarkdown(e: Endpoint, testCommand: string): string {
  const d = e.dependencies;
  const lines: string[] = [];
  lines.push(`## Dependency analysis`, '');
  lines.push(`_Generated by async-migrate from the code; rewritten by "Write analysis doc". Notes outside this section are kept._`, '');
  lines.push(`- **Endpoint:** ${mdCode(`${e.method} ${e.route}`)}`);
  lines.push(`- **Handler:** ${mdCode(e.function)} in ${mdCode(`${e.path}:${e.line}`)} (${e.isAsync ? '`async def`' : '`def`'})`);
  lines.push(`- **Tier:** ${e.tier} (${mdCell(e.tierReason)})`);
  lines.push(`- **Status:** ${e.status}${e.statusReasons.length ? ` (${mdCell(e.statusReasons.join('; '))})` : ''}`);
  lines.push(`- **Complexity:** ${e.complexity}, about ${e.effortHours} h (phase ${e.phase})`);
  if (testCommand) lines.push(`- **Tests:** ${mdCode(testCommand)}`);
  if (e.routeNote) lines.push(`- **Route note:** ${mdCell(e.routeNote)}`);
  lines.push('');
  const table = (title: string, list: typeof d.services) => {
    lines.push(`### ${title}`, '');
    if (!list.length) {
      lines.push('None.', '');
      return;
    }
    lines.push('| Call | Defined in | async | Async version | Depth | Notes |', '|---|---|---|---|---|---|');
    for (const s of list) {
      const notes = [s.blocking ? 'runs on the event loop' : '', s.doesIO ? 'does I/O' : '', s.via ? `via ${s.via}` : ''].filter(Boolean).join(', ');
      lines.push(`| ${mdCode(s.name)} | ${mdCode(`${s.path}:${s.line}`)} | ${s.isAsync ? 'yes' : 'no'} | ${s.twin ? mdCode(s.twin.name) : s.isAsync ? '' : '**none**'} | ${s.depth} | ${mdCell(notes)} |`);
    }
    lines.push('');
  };
  table('Services', d.services.filter((s) => s.role === 'service'));
  table('Repositories', d.services.filter((s) => s.role === 'repository'));
  const helpers = d.services.filter((s) => s.role === 'helper');
  if (helpers.length) table('Other workspace functions', helpers);
  lines.push('### External APIs', '');
  if (!d.externalSdks.length) lines.push('None.', '');
  else {
    lines.push('| SDK | Call | Where | |', '|---|---|---|---|');
    for (const s of d.externalSdks) lines.push(`| ${mdCell(s.name)} | ${mdCode(s.call)} | ${mdCode(`${s.path}:${s.line}`)} | ${s.direct ? 'in the handler' : `via ${mdCode(s.viaModule)}`} |`);
    lines.push('');
  }
  lines.push('### Database', '');
  lines.push(`- Session: ${d.db.sessions.length ? d.db.sessions.map((s) => (s === 'async' ? '`AsyncSession`' : '`Session` (sync)')).join(', ') : 'none received'}`);
  lines.push(`- Legacy \`db.query()\` chains: ${d.db.legacyQueries}`);
  lines.push(`- SQLAlchemy 2.0 queries (\`select()\`, \`execute\`…): ${d.db.modernQueries}`, '');
  lines.push('### Redis', '');
  lines.push(d.redis.calls ? `- ${d.redis.calls} call(s)${d.redis.flavors.length ? ` on a ${d.redis.flavors.join(' and ')} client` : ''}` : '- Not used', '');
  lines.push('### Open findings', '');
  if (!e.findings.length) lines.push('None.', '');
  else {
    lines.push('| Rule | Where | Message |', '|---|---|---|');
    for (const f of e.findings) lines.push(`| ${f.code} ${mdCell(f.rule)} | ${mdCode(`${f.path}:${f.range.start.line + 1}`)} | ${mdCell(f.message)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Puts the generated section into an existing document (replacing an older one), keeping everything else. */
export function mergeAnalysisDoc(existing: string | undefined, section: string, title?: string): string {
  const block = `${DOC_START}\n${section.trimEnd()}\n${DOC_END}\n`;
  if (existing === undefined) {
    return `# ${title ?? 'Endpoint migration notes'}\n\n${block}\n## Notes\n\n`;
  }
  const start = existing.indexOf(DOC_START);
  const end = existing.indexOf(DOC_END, start + 1);
  if (start >= 0 && end > start) {
    let after = existing.slice(end + DOC_END.length);
    if (after.startsWith('\r\n')) after = after.slice(2);
    else if (after.startsWith('\n')) after = after.slice(1);
    return existing.slice(0, start) + block + after;
  }
  return `${existing.replace(/\s*$/, '')}\n\n${block}`;
}

type LspEdit = NonNullable<MigratePreview['edits']>[number];

/** Applies LSP edits (positions in `text`) to text. */
export function applyLspEdits(text: string, edits: LspEdit[]): string {
  const starts = computeLineStarts(text);
  const offset = (p: { line: number; character: number }) => (p.line >= starts.length ? text.length : Math.min(text.length, starts[p.line] + p.character));
  const sorted = edits.map((e) => ({ start: offset(e.range.start), end: offset(e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
