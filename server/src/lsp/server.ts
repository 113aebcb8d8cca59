// The async-migrate language server: a thin layer over the analysis engine.
//  - incremental text sync with incremental tree-sitter parsing per open document;
//  - background workspace indexing with work-done progress, so cross-file rules work before a
//    file is opened;
//  - diagnostics pushed per document version (never for a stale version), dependents re-checked
//    when a module's summary changes;
//  - code actions, hover, commands and the async-migrate custom requests.
// Every handler is wrapped: an exception is logged to the client console, never a crash.
import * as fs from 'fs';
import * as path from 'path';
import {
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  type DidChangeWatchedFilesParams,
  FileChangeType,
  type Hover,
  type HoverParams,
  type InitializeParams,
  type InitializeResult,
  TextDocumentSyncKind,
  MessageType,
  ShowMessageNotification,
  type WorkspaceEdit,
  type TextEdit as LspTextEdit,
  type WorkspaceFolder,
  CodeActionKind,
  Emitter,
} from 'vscode-languageserver';
import type { ConfigProblem } from '../analysis/config';
import { formatProblem } from '../analysis/config';
import { analyzeFile, parseSource, summarizeSource, summarizeSourceIncremental, withFixVerdicts } from '../analysis/engine';
import { detachStrings } from '../analysis/detach';
import { textBasis } from '../analysis/fixes/other-files';
import { analyzeFileIncremental, type IncrementalState, reusesPrevious } from '../analysis/incremental';
import { analyzeRange } from '../analysis/range-analysis';
import { initParser } from '../analysis/parser';
import type { SourceFile } from '../analysis/source';
import type { ModuleSummary, SummaryState } from '../analysis/summary';
import type { Finding, Fix } from '../analysis/types';
import { WorkspaceIndex } from '../analysis/workspace';
import { MAX_FILE_BYTES, isExcluded, listWorkspace, readPythonFile } from '../project';
import { PROJECT_MARKERS, discoverImportRoots } from '../analysis/import-roots';
import { CodeActionProvider } from './codeActions';
import type { DocumentAnalysis, FolderEvents, ServerLog, Workspace } from './context';
import { DiagnosticReuse, type ToDiagnosticContext, ruleHoverMarkdown, toDiagnostic } from './convert';
import { OpenDocument } from './document';
import { InputQueue } from './input';
import { Folder, uriToPath } from './folders';
import { DashboardRequests } from './dashboard-requests';
import { MigrationRequests } from './migration-requests';
import { findAsyncSessionDependency } from '../analysis/infrastructure/async-dependency';
import { COMMANDS, FIX_ALL_KIND, type FixAllArgs, type MigrateEndpointArgs, type SetUpAsyncInfrastructureArgs, type StatusPayload, STATUS_NOTIFICATION } from './protocol';
import { SET_UP_ASYNC_INFRASTRUCTURE } from '../analysis/infrastructure/async-dependency';
import { registerRequests } from './requests';
import { layoutChanged } from './settings';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = (require('../../../package.json') as { version: string }).version;

export interface ServerOptions {
  /** Delay before analysing the document just edited (ms). */
  editDelayMs?: number;
  /** Delay before re-checking documents depending on a changed module (ms). */
  dependentsDelayMs?: number;
  /** Files per indexing chunk at most (the chunk also ends after ~12 ms). */
  chunkSize?: number;
  /** Idle time before a from-scratch reparse of a document with syntax errors (ms). */
  settleDelayMs?: number;
  /** The connection's message strategy: analyses wait for the messages already received. */
  input?: InputQueue;
}

interface Analysis {
  version: number;
  findings: Finding[];
  /** For the next version's incremental analysis (analysis/incremental.ts). */
  state: IncrementalState;
  /** Set when a dependency changed since: recompute before use. */
  stale: boolean;
}

/** What a code action or hover on a version not analysed yet computed (analysis/range-analysis.ts). */
interface RangeWork {
  file: SourceFile;
  config: Folder['config'];
  /** The index's generation (any summary or position elsewhere changed: recompute). */
  generation: number;
  /** Raw findings of the file-wide rules for file: shared by the requests on the same version. */
  fileWide: Finding[];
}

/** Chunks of indexing work end after this long, so requests stay responsive. */
const CHUNK_BUDGET_MS = 12;

export class AsyncMigrateServer implements Workspace, DocumentAnalysis, ServerLog, FolderEvents {
  readonly docs = new Map<string, OpenDocument>();
  readonly folders = new Map<string, Folder>();
  /** Files outside every workspace folder (and untitled documents). */
  readonly looseFolder = new Folder('async-migrate:loose', undefined, '(no folder)');
  readonly analyses = new Map<string, Analysis>();
  /** Per open document: its last summary's state, so the next keystroke re-summarises only the definitions it touched. */
  private readonly summaryStates = new Map<string, SummaryState>();
  /** Per document: the summary last put into the index for its current parse (not redone per request). */
  private readonly indexed = new Map<string, { file: SourceFile; summary: ReturnType<typeof summarizeSource> }>();
  private readonly rangeWork = new Map<string, RangeWork>();
  /** Per document: the latest analysis run started; an older one still waiting gives up. */
  private readonly runs = new Map<string, number>();
  /** How code actions and hovers were answered (the internal stats request; tests check the path taken). */
  readonly answered = { range: 0, complete: 0 };
  /** Diagnostics currently shown, per URI (for the status counts and clearing). */
  readonly published = new Map<string, Diagnostic[]>();
  /** Per open document: its last diagnostics, reused by the next publish where the findings are unchanged. */
  private readonly diagnosticReuse = new Map<string, DiagnosticReuse>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly reported = new Set<string>();
  private readonly refused = new Set<string>();
  private capabilities: InitializeParams['capabilities'] = {};
  private initOptions: Record<string, unknown> = {};
  private pushedSettings: unknown = undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private shuttingDown = false;
  readonly codeActions: CodeActionProvider;
  readonly migrationRequests: MigrationRequests;
  readonly dashboardRequests: DashboardRequests;
  private readonly folderChanges = new Emitter<Folder>();
  readonly onFolderChanged = this.folderChanges.event;
  readonly options: Required<ServerOptions>;
  readonly parserReady: Promise<unknown>;
  private parserLoaded = false;

  constructor(
    readonly connection: Connection,
    options: ServerOptions = {},
  ) {
    this.options = { editDelayMs: 0, dependentsDelayMs: 150, chunkSize: 64, settleDelayMs: 400, input: new InputQueue(), ...options };
    this.parserReady = initParser();
    this.parserReady.then(
      () => (this.parserLoaded = true),
      (error) => this.logError('cannot load the Python grammar', error),
    );
    this.codeActions = new CodeActionProvider(this);
    this.migrationRequests = new MigrationRequests(connection, this, this.codeActions);
    this.dashboardRequests = new DashboardRequests(connection, this, this.migrationRequests);
    this.register();
  }

  // ------------------------------------------------------------------ plumbing

  log(message: string): void {
    this.connection.console.log(message);
  }

  logError(context: string, error: unknown): void {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    try {
      this.connection.console.error(`async-migrate: ${context}: ${text}`);
    } catch {
      /* connection gone */
    }
  }

  /**
   * Wraps a handler: exceptions are logged and `fallback` is returned. Until the grammar is
   * loaded, handlers wait for it (a restarted server gets didOpen and code actions at once).
   */
  private guard<A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
      try {
        if (!this.parserLoaded) await this.parserReady.catch(() => undefined);
        return await fn(...args);
      } catch (error) {
        this.logError(name, error);
        return fallback;
      }
    };
  }

  /** A `window/showMessage` notification (never a request: nothing waits for an answer). */
  notify(type: MessageType, message: string): void {
    void this.connection.sendNotification(ShowMessageNotification.type, { type, message });
  }

  /** A `window/showMessage` warning shown once per distinct key (default: the text); always logged. */
  warnOnce(message: string, key = message): void {
    this.log(message);
    if (this.reported.has(key)) return;
    this.reported.add(key);
    void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  }

  /** Configuration problems: each distinct one is shown once (per folder when there are several). */
  reportProblems(folder: Folder, problems: ConfigProblem[]): void {
    const several = this.folders.size > 1;
    for (const p of problems) {
      const text = `async-migrate: ${formatProblem(p)}`;
      // Files outside every folder share the first folder's settings: do not repeat its problems.
      const key = several && folder.root ? `${folder.uri}\0${text}` : text;
      this.warnOnce(several && folder.root ? `${text} (${folder.name})` : text, key);
    }
  }

  // ------------------------------------------------------------------ registration

  private register(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(this.guard('initialized', undefined, () => this.initialized()));
    c.onShutdown(() => {
      this.shuttingDown = true;
      for (const t of this.timers.values()) clearTimeout(t);
      this.timers.clear();
      this.migrationRequests.dispose();
    });
    c.onDidOpenTextDocument(
      this.guard('didOpen', undefined, (p) => this.didOpen(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text)),
    );
    c.onDidChangeTextDocument(this.guard('didChange', undefined, (p) => this.didChange(p.textDocument.uri, p.textDocument.version, p.contentChanges)));
    c.onDidCloseTextDocument(this.guard('didClose', undefined, (p) => this.didClose(p.textDocument.uri)));
    c.onDidChangeConfiguration(
      this.guard('didChangeConfiguration', undefined, async (p) => {
        const settings = (p.settings as Record<string, unknown> | undefined)?.asyncMigrate;
        if (settings !== undefined) this.pushedSettings = settings;
        await this.reloadSettings();
      }),
    );
    c.onDidChangeWatchedFiles(this.guard('didChangeWatchedFiles', undefined, (p) => this.didChangeWatchedFiles(p)));
    c.onCodeAction(this.guard('codeAction', [] as CodeAction[], (p: CodeActionParams) => this.codeActions.provide(p)));
    c.onCodeActionResolve(this.guard('codeAction/resolve', undefined as unknown as CodeAction, (a: CodeAction) => this.codeActions.resolve(a)));
    c.onHover(this.guard('hover', null as Hover | null, (p: HoverParams) => this.hover(p)));
    c.onExecuteCommand(this.guard('executeCommand', null as unknown, (p) => this.executeCommand(p.command, p.arguments ?? [])));
    const guard = <A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R | Promise<R>) => this.guard(name, fallback, fn);
    registerRequests(c, this, guard);
    this.migrationRequests.register(guard);
    this.dashboardRequests.register(guard);
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.capabilities = params.capabilities ?? {};
    this.initOptions = (params.initializationOptions as Record<string, unknown>) ?? {};
    // `settings` (generic clients) or `asyncMigrate` (Helix sends its `config` table as is).
    if (this.initOptions.settings !== undefined) this.pushedSettings = (this.initOptions.settings as Record<string, unknown>)?.asyncMigrate ?? this.initOptions.settings;
    else if (this.initOptions.asyncMigrate !== undefined) this.pushedSettings = this.initOptions.asyncMigrate;
    const folders: WorkspaceFolder[] = params.workspaceFolders?.length
      ? params.workspaceFolders
      : params.rootUri
        ? [{ uri: params.rootUri, name: path.basename(params.rootUri) }]
        : params.rootPath
          ? [{ uri: 'file://' + params.rootPath, name: path.basename(params.rootPath) }]
          : [];
    for (const f of folders) this.addFolder(Folder.fromUri(f.uri, f.name));
    for (const key of ['editDelayMs', 'dependentsDelayMs', 'settleDelayMs'] as const) {
      const value = this.initOptions[key];
      if (typeof value === 'number' && value >= 0) this.options[key] = value;
    }
    const resolveSupported = !!this.capabilities.textDocument?.codeAction?.resolveSupport?.properties?.includes('edit');
    this.codeActions.lazyEdits = resolveSupported;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, CodeActionKind.SourceFixAll, FIX_ALL_KIND],
          resolveProvider: true,
        },
        hoverProvider: true,
        executeCommandProvider: { commands: [COMMANDS.migrateEndpoint, COMMANDS.fixAll, COMMANDS.openTwin, COMMANDS.setUpAsyncInfrastructure] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'async-migrate', version: VERSION },
    };
  }

  private async initialized(): Promise<void> {
    const caps = this.capabilities;
    if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      await this.connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.py' }, { globPattern: '**/pyproject.toml' }, { globPattern: '**/setup.cfg' }] })
        .catch((e) => this.logError('registering file watchers', e));
    }
    if (caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
      await this.connection.client
        .register(DidChangeConfigurationNotification.type, { section: 'asyncMigrate' })
        .catch((e) => this.logError('registering configuration changes', e));
    }
    if (caps.workspace?.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders(
        this.guard('didChangeWorkspaceFolders', undefined, async (e) => {
          for (const removed of e.removed) {
            const folder = this.folders.get(removed.uri);
            if (!folder) continue;
            folder.epoch++;
            this.folders.delete(removed.uri);
            this.folderChanges.fire(folder);
            for (const uri of [...this.published.keys()]) if (!this.docs.has(uri) && this.folderOf(uri) === folder) this.publish(uri, [], null);
          }
          for (const added of e.added) {
            const folder = Folder.fromUri(added.uri, added.name);
            this.addFolder(folder);
            await this.loadFolderSettings(folder);
            void this.indexFolder(folder);
          }
          this.rehomeDocuments();
        }),
      );
    }
    await this.parserReady;
    for (const folder of this.folders.values()) await this.loadFolderSettings(folder);
    await this.loadFolderSettings(this.looseFolder);
    await Promise.all([...this.folders.values()].map((f) => this.indexFolder(f)));
  }

  // ------------------------------------------------------------------ folders & settings

  private addFolder(folder: Folder): void {
    this.folders.set(folder.uri, folder);
    // Fixes that edit other files read the open buffers first (what the user sees).
    folder.openText = (rel) => {
      for (const doc of this.docs.values()) if (doc.path === rel && this.folderOf(doc.uri) === folder) return doc.text;
      return undefined;
    };
  }

  folderOf(uri: string): Folder {
    const fsPath = uriToPath(uri);
    if (!fsPath) return this.looseFolder;
    let best: Folder | undefined;
    for (const folder of this.folders.values()) {
      if (!folder.root || !folder.relativePath(fsPath)) continue;
      if (!best || folder.root.length > best.root!.length) best = folder;
    }
    return best ?? this.looseFolder;
  }

  /** Engine path of a URI: workspace-relative inside a folder, else a stable name. */
  pathOf(uri: string, folder = this.folderOf(uri)): string {
    const fsPath = uriToPath(uri);
    if (fsPath && folder.root) return folder.relativePath(fsPath) ?? path.basename(fsPath);
    if (fsPath) return fsPath.replace(/\\/g, '/').replace(/^\/+/, '').replace(/^[A-Za-z]:\//, '');
    const last = decodeURIComponent(uri.replace(/[?#].*$/, '').split(/[/:]/).pop() || 'untitled');
    return /\.pyi?$/.test(last) ? last : `${last}.py`;
  }

  private rehomeDocuments(): void {
    for (const doc of this.docs.values()) {
      const p = this.pathOf(doc.uri);
      if (p !== doc.path) {
        doc.path = p;
        doc.resetTree();
      }
      this.schedule(doc.uri, 0);
    }
  }

  private async fetchSettings(folder: Folder): Promise<unknown> {
    if (this.capabilities.workspace?.configuration) {
      try {
        const [value] = await this.connection.workspace.getConfiguration([{ scopeUri: folder.root ? folder.uri : undefined, section: 'asyncMigrate' }]);
        return value ?? undefined;
      } catch (error) {
        this.logError('workspace/configuration', error);
      }
    }
    return this.pushedSettings;
  }

  private readPyproject(folder: Folder): string | undefined {
    if (!folder.root) return undefined;
    try {
      return fs.readFileSync(path.join(folder.root, 'pyproject.toml'), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Loads pyproject.toml + editor settings for a folder; reports problems once. */
  private async loadFolderSettings(folder: Folder): Promise<void> {
    folder.rawSettings = await this.fetchSettings(folder);
    this.reportProblems(folder, folder.applyConfig(this.readPyproject(folder)));
    this.folderChanges.fire(folder);
  }

  private async reloadSettings(): Promise<void> {
    for (const folder of [...this.folders.values(), this.looseFolder]) {
      const before = folder.config;
      const wasEnabled = folder.settings.enable;
      const scope = folder.settings.diagnosticsScope;
      const docsBaseUrl = folder.settings.docsBaseUrl;
      const raw = await this.fetchSettings(folder);
      this.reportProblems(folder, folder.applySettings(raw));
      this.folderChanges.fire(folder);
      if (layoutChanged(before, folder.config)) {
        void this.indexFolder(folder);
        continue;
      }
      // A new docs base URL changes every diagnostic's link.
      const settingsChanged = wasEnabled !== folder.settings.enable || scope !== folder.settings.diagnosticsScope || docsBaseUrl !== folder.settings.docsBaseUrl;
      if (JSON.stringify(before) !== JSON.stringify(folder.config) || settingsChanged) {
        this.reanalyzeFolder(folder);
      }
    }
  }

  // ------------------------------------------------------------------ indexing

  /** Indexes (or re-indexes) every Python file of a folder, in chunks, with progress. */
  async indexFolder(folder: Folder): Promise<void> {
    if (!folder.root) return;
    await this.parserReady;
    const epoch = folder.beginIndexing();
    const started = Date.now();
    const root = folder.root;
    let files: string[] = [];
    try {
      const listing = listWorkspace(root, folder.config);
      files = listing.files;
      // Module names follow the folder's import roots (a monorepo's backend/ is its own root), and
      // a sub-project's own [tool.async-migrate] applies to its files.
      this.reportProblems(folder, listing.scopes.flatMap((s) => s.problems));
      if (folder.setLayout(discoverImportRoots(listing.files, listing.projectDirs), listing.scopes)) {
        for (const doc of this.docs.values()) if (this.folderOf(doc.uri) === folder) doc.resetTree();
      }
    } catch (error) {
      this.logError(`listing Python files of ${root}`, error);
    }
    folder.filesTotal = files.length;
    // A fresh index: summaries of files that are gone must not linger.
    folder.index = new WorkspaceIndex(folder.config);
    folder.index.sources = folder.sources;
    this.folderChanges.fire(folder);
    this.notifyStatus();
    const progress = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('Indexing Python files', 0, `0/${files.length} files`, false);
    const skipped: string[] = [];
    let i = 0;
    try {
      while (i < files.length) {
        if (folder.epoch !== epoch || this.shuttingDown) return;
        const chunkStart = Date.now();
        let inChunk = 0;
        while (i < files.length && inChunk < this.options.chunkSize && Date.now() - chunkStart < CHUNK_BUDGET_MS) {
          const rel = files[i++];
          inChunk++;
          const reason = this.indexPath(folder, rel, false);
          if (reason) skipped.push(`${rel} (${reason})`);
        }
        folder.filesIndexed = i;
        folder.skipped = skipped.length;
        progress?.report(files.length ? Math.floor((i / files.length) * 100) : 100, `${i}/${files.length} files`);
        this.notifyStatus();
        await yieldToEventLoop();
      }
      // Open documents in this folder that were not on disk (new, unsaved) join the index too.
      for (const doc of this.docs.values()) if (this.folderOf(doc.uri) === folder) this.indexOpenDocument(folder, doc);
    } finally {
      progress?.done();
    }
    if (folder.epoch !== epoch) return;
    folder.markReady();
    this.folderChanges.fire(folder);
    this.log(`async-migrate: indexed ${i} Python files of ${folder.name} in ${Date.now() - started} ms${skipped.length ? `, skipped ${skipped.length}` : ''}`);
    if (skipped.length) {
      const shown = skipped.slice(0, 3).join(', ');
      this.warnOnce(`async-migrate: skipped ${skipped.length} file${skipped.length > 1 ? 's' : ''} in ${folder.name}: ${shown}${skipped.length > 3 ? `, and ${skipped.length - 3} more (see the output)` : ''}`);
      if (skipped.length > 3) this.log(`async-migrate: skipped files: ${skipped.join('; ')}`);
    }
    this.notifyStatus();
    this.reanalyzeFolder(folder);
  }

  /**
   * Reads and summarises one file of a folder into its index (open documents use their text).
   * Returns the reason when the file was skipped. Re-checks dependents when the summary changed.
   */
  private indexPath(folder: Folder, rel: string, checkDependents: boolean): string | undefined {
    const uri = folder.uriOf(rel);
    const doc = this.docs.get(uri);
    if (doc) {
      this.indexOpenDocument(folder, doc);
      return undefined;
    }
    const abs = folder.absPath(rel)!;
    const read = readPythonFile(abs);
    if (read.skipped || read.text === undefined) {
      this.log(`async-migrate: skipped ${rel}: ${read.skipped ?? 'unreadable'}`);
      if (folder.index.fileByPath(rel)) this.updateIndex(folder, rel, undefined, checkDependents);
      return read.skipped ?? 'unreadable';
    }
    if (read.warning) this.log(`async-migrate: ${rel}: ${read.warning}`);
    const { file } = parseSource(rel, read.text, folder.config);
    try {
      // A closed file's summary lives on: it must not keep the file's text alive (detach.ts).
      this.updateIndex(folder, rel, detachStrings(summarizeSource(file)), checkDependents);
    } finally {
      file.dispose();
    }
    return undefined;
  }

  private indexOpenDocument(folder: Folder, doc: OpenDocument): void {
    if (this.refuseReason(doc)) return;
    this.updateIndex(folder, doc.path, this.summarizeOpenDocument(doc, doc.file(folder.config)), false);
  }

  /** The summary of an open document's current text, reusing its unchanged top-level definitions. */
  private summarizeOpenDocument(doc: OpenDocument, file: SourceFile): ModuleSummary {
    const { summary, state } = summarizeSourceIncremental(file, this.summaryStates.get(doc.uri));
    this.summaryStates.set(doc.uri, state);
    return summary;
  }

  /**
   * Upserts (or removes) a summary; when what dependents see changed (the index's
   * contentGeneration moved: not just positions) and asked to, re-checks dependents.
   */
  private updateIndex(folder: Folder, rel: string, summary: ReturnType<typeof summarizeSource> | undefined, checkDependents: boolean): boolean {
    const contentBefore = folder.index.contentGeneration;
    const generationBefore = folder.index.generation;
    // Importers of the module as it was (a removal or a module rename) and as it is now.
    const previous = folder.index.fileByPath(rel);
    const dependentsBefore = checkDependents && previous && (!summary || previous.moduleName !== summary.moduleName) ? this.dependentsOf(folder, rel) : [];
    if (summary) folder.index.upsert(summary);
    else folder.index.remove(rel);
    const changed = folder.index.contentGeneration !== contentBefore;
    if (folder.index.generation !== generationBefore) this.folderChanges.fire(folder);
    if (changed && checkDependents) {
      const all = new Set([...dependentsBefore, ...(summary ? this.dependentsOf(folder, rel) : [])]);
      all.delete(rel);
      for (const dep of all) this.scheduleDependent(folder, dep);
    }
    return changed;
  }

  /** Direct importers of rel, plus their importers (one more level, for re-exports). */
  private dependentsOf(folder: Folder, rel: string): string[] {
    const direct = folder.index.dependentsOf(rel);
    const out = new Set(direct);
    for (const d of direct) for (const dd of folder.index.dependentsOf(d)) out.add(dd);
    out.delete(rel);
    return [...out];
  }

  private scheduleDependent(folder: Folder, rel: string): void {
    const uri = folder.uriOf(rel);
    if (this.docs.has(uri)) {
      const analysis = this.analyses.get(uri);
      if (analysis) analysis.stale = true;
      this.schedule(uri, this.options.dependentsDelayMs);
    } else if (folder.settings.diagnosticsScope === 'workspace') {
      this.schedule(uri, this.options.dependentsDelayMs);
    }
  }

  // ------------------------------------------------------------------ documents

  private refuseReason(doc: OpenDocument): string | undefined {
    const text = doc.text;
    if (text.length > MAX_FILE_BYTES / 4 && Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) {
      return `it is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`;
    }
    if (text.slice(0, 8192).includes('\u0000')) return 'it looks binary (contains NUL characters)';
    return undefined;
  }

  private didOpen(uri: string, languageId: string, version: number, text: string): void {
    const folder = this.folderOf(uri);
    const doc = new OpenDocument(uri, this.pathOf(uri, folder), version, text, languageId);
    this.docs.get(uri)?.dispose();
    this.docs.set(uri, doc);
    this.analyses.delete(uri);
    this.summaryStates.delete(uri);
    this.schedule(uri, 0);
  }

  private didChange(uri: string, version: number, changes: Parameters<OpenDocument['applyChanges']>[0]): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    doc.applyChanges(changes, version);
    this.cancel(`settle:${uri}`);
    this.schedule(uri, this.options.editDelayMs);
  }

  private didClose(uri: string): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    this.docs.delete(uri);
    this.analyses.delete(uri);
    this.summaryStates.delete(uri);
    this.indexed.delete(uri);
    this.rangeWork.delete(uri);
    this.diagnosticReuse.delete(uri);
    this.cancel(uri);
    doc.dispose();
    const folder = this.folderOf(uri);
    // Unsaved changes are gone: the index goes back to what is on disk.
    if (folder.root && folder.state === 'ready') {
      const abs = folder.absPath(doc.path);
      if (abs && fs.existsSync(abs) && !isExcluded(doc.path, folder.config)) this.indexPath(folder, doc.path, true);
      else this.updateIndex(folder, doc.path, undefined, true);
    } else if (!folder.root) {
      folder.index.remove(doc.path);
    }
    if (folder.settings.diagnosticsScope === 'workspace' && folder.root && folder.settings.enable) this.schedule(uri, 0);
    else this.publish(uri, [], null);
  }

  private schedule(uri: string, delay: number): void {
    this.cancel(uri);
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      void this.runAnalysis(uri).catch((e) => this.logError(`analysing ${uri}`, e));
    }, delay);
    this.timers.set(uri, timer);
  }

  private cancel(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
  }

  /** Analyses an open document (or, in workspace scope, a closed file) and publishes. */
  private async runAnalysis(uri: string): Promise<void> {
    if (this.shuttingDown) return;
    const folder = this.folderOf(uri);
    if (folder.state !== 'ready') {
      await folder.ready;
      // Indexing ends with a re-analysis of the folder; nothing to do here.
      return;
    }
    await this.parserReady;
    // Never analyse a superseded version: the messages already received go first (a burst of
    // changes ends in one analysis; code actions and hovers sent with a keystroke are answered
    // before it, by analyzeRange when the analysis would be a whole-file one).
    const run = (this.runs.get(uri) ?? 0) + 1;
    this.runs.set(uri, run);
    await this.options.input.drained();
    if (this.runs.get(uri) !== run || this.timers.has(uri) || this.shuttingDown) return;
    const doc = this.docs.get(uri);
    if (!doc) return this.analyzeClosed(folder, uri);
    const version = doc.version;
    const findings = this.analyzeDocument(doc);
    // Nor publish for a version that a change received meanwhile superseded (its own run publishes).
    await this.options.input.drained();
    if (this.docs.get(uri) !== doc || doc.version !== version) return;
    if (findings === undefined) return this.publish(uri, [], version);
    this.publishFindings(folder, uri, findings, version);
    if (doc.file(folder.config).root.hasError) this.scheduleSettle(doc, version);
  }

  /**
   * After typing stops in broken code, reparse from scratch (error recovery of an incremental
   * parse may differ), check the diagnostics' fixes against the file (analyzeDocument leaves
   * that to code actions: it costs a reparse per fix), and republish when the diagnostics differ.
   */
  private scheduleSettle(doc: OpenDocument, version: number): void {
    const key = `settle:${doc.uri}`;
    this.cancel(key);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      void this.settle(doc, version).catch((error) => this.logError(`settling ${doc.uri}`, error));
    }, this.options.settleDelayMs);
    this.timers.set(key, timer);
  }

  private async settle(doc: OpenDocument, version: number): Promise<void> {
    const current = () => !this.shuttingDown && this.docs.get(doc.uri) === doc && doc.version === version;
    if (!current()) return;
    const folder = this.folderOf(doc.uri);
    if (doc.settle(folder.config)) this.analyses.delete(doc.uri);
    const findings = this.analyzeDocument(doc);
    if (!findings) return;
    const checked: Finding[] = [];
    for (const finding of findings) {
      // One fix's reparse per turn of the event loop: a keystroke meanwhile does not wait for them all.
      if (finding.fix || finding.suggestions?.length) {
        await yieldToEventLoop();
        if (!current()) return;
      }
      checked.push(...this.checkedFixes(doc, [finding]));
    }
    const diagnostics = this.toDiagnostics(folder, doc.uri, checked);
    if (JSON.stringify(diagnostics) !== JSON.stringify(this.published.get(doc.uri) ?? [])) this.publish(doc.uri, diagnostics, version);
  }

  /**
   * Findings for the document's current version (cached per version). Updates the index with
   * the document's summary and schedules dependents when it changed. undefined = not analysed
   * (disabled or refused).
   */
  analyzeDocument(doc: OpenDocument): Finding[] | undefined {
    const folder = this.folderOf(doc.uri);
    if (!folder.settings.enable) return undefined;
    const refused = this.refuseReason(doc);
    if (refused) {
      if (!this.refused.has(doc.uri)) {
        this.refused.add(doc.uri);
        this.warnOnce(`async-migrate: not analysing ${doc.path}: ${refused}.`);
      }
      return undefined;
    }
    this.refused.delete(doc.uri);
    const cached = this.analyses.get(doc.uri);
    if (cached && this.isCurrent(folder, doc, cached)) return cached.findings;
    const file = this.indexDocument(folder, doc);
    // Only the top-level definitions the edits touched are re-analysed when the summary and
    // module-level statements are unchanged; a dependency change moves the index's content
    // generation, which makes it a full analysis. In a file with syntax errors, whether a fix
    // parses no worse is checked when it is offered (checkedFixes), not for every keystroke.
    const { findings, state } = analyzeFileIncremental(file, folder.index, folder.config, cached?.state, {}, this.fileWideDone(folder, doc, file), false);
    this.analyses.set(doc.uri, { version: doc.version, findings, state, stale: false });
    return findings;
  }

  /**
   * Puts the summary of the document's current text into the index (once per parse: a code
   * action, a hover and the analysis of the same version share it) and returns the parsed file.
   */
  private indexDocument(folder: Folder, doc: OpenDocument): SourceFile {
    const file = doc.file(folder.config);
    const done = this.indexed.get(doc.uri);
    if (done?.file === file && folder.index.fileByPath(doc.path) === done.summary) return file;
    const summary = this.summarizeOpenDocument(doc, file);
    this.updateIndex(folder, doc.path, summary, folder.state === 'ready');
    this.indexed.set(doc.uri, { file, summary });
    return file;
  }

  findingsAt(doc: OpenDocument, start: number, end: number): { findings: Finding[]; complete: boolean } | undefined {
    const folder = this.folderOf(doc.uri);
    const cached = this.analyses.get(doc.uri);
    if (this.isCurrent(folder, doc, cached) || !folder.settings.enable || this.refuseReason(doc)) return this.completeFindings(doc);
    const file = this.indexDocument(folder, doc);
    // When the analysis reuses the last one, it re-runs only the edited definitions: cheap, and
    // it is what the diagnostics of this version need next.
    if (reusesPrevious(file, folder.index, folder.config, cached?.state)) return this.completeFindings(doc);
    const range = analyzeRange(file, folder.index, folder.config, start, end, {}, this.fileWideDone(folder, doc, file));
    this.rangeWork.set(doc.uri, { file, config: folder.config, generation: folder.index.generation, fileWide: range.fileWide });
    if (!range.findings) return this.completeFindings(doc);
    this.answered.range++;
    return { findings: range.findings, complete: false };
  }

  checkedFixes(doc: OpenDocument, findings: readonly Finding[]): Finding[] {
    return withFixVerdicts(doc.file(this.folderOf(doc.uri).config), findings);
  }

  /** True when the cached analysis answers for the document as it is (and the other files its fixes edit). */
  private isCurrent(folder: Folder, doc: OpenDocument, cached: Analysis | undefined): boolean {
    return !!cached && cached.version === doc.version && !cached.stale && !otherFilesChanged(folder, cached.findings);
  }

  /** The file-wide findings a range request computed for this very text, index and config (and other files' texts), if any. */
  private fileWideDone(folder: Folder, doc: OpenDocument, file: SourceFile): Finding[] | undefined {
    const work = this.rangeWork.get(doc.uri);
    const same = work && work.file === file && work.config === folder.config && work.generation === folder.index.generation;
    return same && !otherFilesChanged(folder, work.fileWide) ? work.fileWide : undefined;
  }

  private completeFindings(doc: OpenDocument): { findings: Finding[]; complete: boolean } | undefined {
    const findings = this.analyzeDocument(doc);
    if (!findings) return undefined;
    this.answered.complete++;
    return { findings, complete: true };
  }

  private analyzeClosed(folder: Folder, uri: string): void {
    if (!folder.root || folder.settings.diagnosticsScope !== 'workspace' || !folder.settings.enable) return;
    const fsPath = uriToPath(uri);
    const rel = fsPath && folder.relativePath(fsPath);
    if (!rel || !folder.index.fileByPath(rel)) return this.publish(uri, [], null);
    const read = readPythonFile(fsPath!);
    if (read.text === undefined) return this.publish(uri, [], null);
    const { file } = parseSource(rel, read.text, folder.config);
    try {
      this.publishFindings(folder, uri, analyzeFile(file, folder.index, folder.config), null);
    } finally {
      file.dispose();
    }
  }

  private publishFindings(folder: Folder, uri: string, findings: Finding[], version: number | null): void {
    this.publish(uri, this.toDiagnostics(folder, uri, findings), version);
  }

  /** The findings as LSP diagnostics; an open document's reuse those of its last publish (DiagnosticReuse). */
  private toDiagnostics(folder: Folder, uri: string, findings: readonly Finding[]): Diagnostic[] {
    const context: ToDiagnosticContext = { docsBaseUrl: folder.settings.docsBaseUrl, uriOf: (p: string) => folder.uriOf(p) };
    if (!this.docs.has(uri)) return findings.map((f) => toDiagnostic(f, context));
    let reuse = this.diagnosticReuse.get(uri);
    if (!reuse) this.diagnosticReuse.set(uri, (reuse = new DiagnosticReuse()));
    return reuse.convert(findings, context);
  }

  private publish(uri: string, diagnostics: Diagnostic[], version: number | null): void {
    if (!diagnostics.length && !this.published.has(uri) && version === null) return;
    if (diagnostics.length) this.published.set(uri, diagnostics);
    else this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics, version: version ?? undefined });
    this.notifyStatus();
  }

  /** Re-analyses every open document of a folder (and, in workspace scope, every file). */
  private reanalyzeFolder(folder: Folder): void {
    for (const doc of this.docs.values()) {
      if (this.folderOf(doc.uri) !== folder) continue;
      this.analyses.delete(doc.uri);
      this.schedule(doc.uri, 0);
    }
    const workspaceScope = folder.root && folder.settings.enable && folder.settings.diagnosticsScope === 'workspace';
    if (workspaceScope) void this.publishWorkspace(folder);
    // Closed files whose diagnostics must go (scope back to open files, or disabled).
    for (const uri of [...this.published.keys()]) {
      if (this.docs.has(uri) || this.folderOf(uri) !== folder) continue;
      if (!workspaceScope) this.publish(uri, [], null);
    }
  }

  /** Workspace scope: analyses all closed files of a folder, in chunks. */
  private async publishWorkspace(folder: Folder): Promise<void> {
    const epoch = folder.epoch;
    const modules = folder.index.modules();
    let i = 0;
    while (i < modules.length) {
      const start = Date.now();
      while (i < modules.length && Date.now() - start < CHUNK_BUDGET_MS) {
        const uri = folder.uriOf(modules[i++].path);
        if (!this.docs.has(uri)) this.analyzeClosed(folder, uri);
      }
      await yieldToEventLoop();
      if (folder.epoch !== epoch || folder.settings.diagnosticsScope !== 'workspace' || this.shuttingDown) return;
    }
  }

  // ------------------------------------------------------------------ watched files

  private async didChangeWatchedFiles(params: DidChangeWatchedFilesParams): Promise<void> {
    const reindex = new Set<Folder>();
    const rootsMayMove = new Set<Folder>();
    for (const change of params.changes) {
      const fsPath = uriToPath(change.uri);
      if (!fsPath) continue;
      const folder = this.folderOf(change.uri);
      if (!folder.root) continue;
      const rel = folder.relativePath(fsPath);
      if (!rel) continue;
      if (rel === 'pyproject.toml') {
        reindex.add(folder);
        continue;
      }
      // A new or removed package or project marker may move import roots, and so module names.
      const base = rel.slice(rel.lastIndexOf('/') + 1);
      if ((change.type !== FileChangeType.Changed && /^__init__\.pyi?$/.test(base)) || (PROJECT_MARKERS as readonly string[]).includes(base)) rootsMayMove.add(folder);
      if (!/\.pyi?$/.test(rel) || folder.state !== 'ready' || reindex.has(folder)) continue;
      if (this.docs.has(change.uri)) continue; // the editor's text is authoritative
      if (change.type === FileChangeType.Deleted) {
        this.updateIndex(folder, rel, undefined, true);
        this.publish(change.uri, [], null);
      } else if (!isExcluded(rel, folder.config)) {
        this.indexPath(folder, rel, true);
        if (folder.settings.diagnosticsScope === 'workspace') this.schedule(change.uri, this.options.dependentsDelayMs);
      }
    }
    for (const folder of rootsMayMove) {
      if (reindex.has(folder) || !folder.root || folder.state !== 'ready') continue;
      let listing;
      try {
        listing = listWorkspace(folder.root, folder.config);
      } catch (error) {
        this.logError(`listing Python files of ${folder.root}`, error);
        continue;
      }
      if (folder.layoutDiffers(discoverImportRoots(listing.files, listing.projectDirs), listing.scopes)) await this.indexFolder(folder);
      else this.reportProblems(folder, listing.scopes.flatMap((s) => s.problems));
    }
    for (const folder of reindex) {
      const before = folder.config;
      this.reportProblems(folder, folder.applyConfig(this.readPyproject(folder)));
      this.folderChanges.fire(folder);
      if (layoutChanged(before, folder.config)) {
        for (const doc of this.docs.values()) if (this.folderOf(doc.uri) === folder) doc.resetTree();
        await this.indexFolder(folder);
      } else this.reanalyzeFolder(folder);
    }
  }

  // ------------------------------------------------------------------ hover & commands

  private hover(params: HoverParams): Hover | null {
    const doc = this.docs.get(params.textDocument.uri);
    if (!doc) return null;
    const offset = doc.offsetAt(params.position);
    const findings = this.findingsAt(doc, offset, offset)?.findings;
    if (!findings?.length) return null;
    // The hover says why a fix is not offered (checkedFixes: in a broken file, one that parses worse).
    const hits = this.checkedFixes(doc, findings.filter((f) => f.start <= offset && offset <= f.end && f.code !== 'AM000'));
    if (!hits.length) return null;
    const folder = this.folderOf(doc.uri);
    const seen = new Set<string>();
    const parts: string[] = [];
    for (const f of hits) {
      const key = `${f.code}\0${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      parts.push(ruleHoverMarkdown(f, folder.settings.docsBaseUrl));
    }
    const first = hits[0];
    return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') }, range: { start: doc.positionAt(first.start), end: doc.positionAt(first.end) } };
  }

  private async executeCommand(command: string, args: unknown[]): Promise<unknown> {
    const arg = (args[0] ?? {}) as Record<string, unknown>;
    if (typeof arg.uri !== 'string') {
      this.notify(MessageType.Error, `async-migrate: ${command} needs a document URI argument`);
      return null;
    }
    if (command === COMMANDS.migrateEndpoint) return this.commandMigrate(arg as unknown as MigrateEndpointArgs);
    if (command === COMMANDS.fixAll) return this.commandFixAll(arg as unknown as FixAllArgs);
    if (command === COMMANDS.openTwin) return this.commandOpenTwin(arg as { uri: string; line?: number; character?: number });
    if (command === COMMANDS.setUpAsyncInfrastructure) return this.commandSetUpAsync(arg as unknown as SetUpAsyncInfrastructureArgs);
    this.notify(MessageType.Error, `async-migrate: unknown command ${command}`);
    return null;
  }

  /** AM701's "Open twin": the client shows the other module (LSP 3.16 window/showDocument). */
  private async commandOpenTwin(args: { uri: string; line?: number; character?: number }): Promise<unknown> {
    if (!this.capabilities.window?.showDocument?.support) {
      this.notify(MessageType.Info, `async-migrate: the twin module is ${args.uri}`);
      return { shown: false };
    }
    const position = { line: args.line ?? 0, character: args.character ?? 0 };
    const result = await this.connection.window.showDocument({ uri: args.uri, takeFocus: true, selection: { start: position, end: position } });
    return { shown: result.success };
  }

  private async commandMigrate(args: MigrateEndpointArgs): Promise<unknown> {
    const result = this.codeActions.migrateEdit(args);
    if ('error' in result) {
      this.notify(MessageType.Warning, `async-migrate: ${result.error}`);
      return { applied: false, reason: result.error };
    }
    const label = `Migrate endpoint ${result.handler ?? ''}`.trim();
    const applied = await this.connection.workspace.applyEdit({ label, edit: result.edit });
    if (!applied.applied) {
      this.notify(MessageType.Warning, `async-migrate: the editor did not apply the migration${applied.failureReason ? `: ${applied.failureReason}` : ''}`);
    } else if (result.notDone.length) {
      this.notify(MessageType.Info, `async-migrate: migrated ${result.handler ?? 'the endpoint'}; left to do by hand: ${result.notDone.join('; ')}`);
    }
    return { applied: applied.applied, notDone: result.notDone, applies: result.applied };
  }

  /** "Set up async infrastructure": one WorkspaceEdit over the files it touches (one undo step). */
  private async commandSetUpAsync(args: SetUpAsyncInfrastructureArgs): Promise<unknown> {
    const result = this.codeActions.setUpAsyncEdit(args);
    const messages = result.plan ? [result.plan.session, result.plan.redis].filter((p) => p).map((p) => p!.message) : [];
    if ('error' in result) {
      const present = result.plan?.session.status === 'present';
      this.notify(present ? MessageType.Info : MessageType.Warning, `async-migrate: ${result.error}`);
      return { applied: false, reason: result.error, messages };
    }
    const applied = await this.connection.workspace.applyEdit({ label: SET_UP_ASYNC_INFRASTRUCTURE, edit: result.edit });
    if (!applied.applied) this.notify(MessageType.Warning, `async-migrate: the editor did not apply the edit${applied.failureReason ? `: ${applied.failureReason}` : ''}`);
    else this.notify(MessageType.Info, `async-migrate: ${messages.join('; ')}${result.plan.notes.length ? ` (${result.plan.notes.join('; ')})` : ''}`);
    return { applied: applied.applied, messages, notes: result.plan.notes, files: result.plan.files.map((f) => f.path) };
  }

  private async commandFixAll(args: FixAllArgs): Promise<unknown> {
    const doc = this.docs.get(args.uri);
    if (!doc) {
      this.notify(MessageType.Warning, 'async-migrate: open the file to fix it');
      return { applied: false };
    }
    const edit = this.codeActions.fixAllEdit(doc, { select: args.select, unsafe: !!args.unsafe });
    if (!edit) {
      this.notify(MessageType.Info, 'async-migrate: nothing to fix in this file');
      return { applied: false, fixed: 0 };
    }
    const applied = await this.connection.workspace.applyEdit({ label: 'Fix all async-migrate findings', edit: edit.edit });
    return { applied: applied.applied, fixed: edit.fixed };
  }

  // ------------------------------------------------------------------ edits & status

  /** A WorkspaceEdit for one document (versioned when the client supports documentChanges). */
  workspaceEdit(uri: string, version: number | null, edits: LspTextEdit[]): WorkspaceEdit {
    if (this.capabilities.workspace?.workspaceEdit?.documentChanges) {
      return { documentChanges: [{ textDocument: { uri, version }, edits }] };
    }
    return { changes: { [uri]: edits } };
  }

  status(): StatusPayload {
    const folders = [...this.folders.values()].map((f) => ({
      uri: f.uri,
      state: f.state,
      filesIndexed: f.filesIndexed,
      filesTotal: f.filesTotal,
      skipped: f.skipped,
      enabled: f.settings.enable,
      asyncInfrastructure: f.state === 'ready' ? !!findAsyncSessionDependency(f.index, f.config) : undefined,
    }));
    let findings = 0;
    let errors = 0;
    let warnings = 0;
    for (const list of this.published.values()) {
      findings += list.length;
      for (const d of list) {
        if (d.severity === 1) errors++;
        else if (d.severity === 2) warnings++;
      }
    }
    const state = folders.some((f) => f.state === 'indexing') ? 'indexing' : folders.some((f) => f.state === 'starting') ? 'starting' : 'ready';
    return {
      state,
      filesIndexed: folders.reduce((n, f) => n + f.filesIndexed, 0),
      filesTotal: folders.reduce((n, f) => n + f.filesTotal, 0),
      findings,
      errors,
      warnings,
      folders,
      version: VERSION,
      pid: process.pid,
    };
  }

  private notifyStatus(): void {
    if (this.statusTimer || this.shuttingDown) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      try {
        void this.connection.sendNotification(STATUS_NOTIFICATION, this.status());
      } catch (e) {
        this.logError('status notification', e);
      }
    }, 50);
  }

  get clientCapabilities(): InitializeParams['capabilities'] {
    return this.capabilities;
  }

  listen(): void {
    this.connection.listen();
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether a fix of findings edits another file whose text changed since it was computed (Fix.otherFiles basis). */
function otherFilesChanged(folder: Folder, findings: readonly Finding[]): boolean {
  // Asked several times per keystroke over every finding: no array per finding.
  const changed = (fix: Fix | undefined) => {
    for (const other of fix?.otherFiles ?? NONE) {
      const text = folder.sources.textOf(other.path);
      if (text === undefined || (other.basis !== undefined && textBasis(text) !== other.basis)) return true;
    }
    return false;
  };
  for (const f of findings) {
    if (changed(f.fix)) return true;
    if (f.suggestions) for (const s of f.suggestions) if (changed(s)) return true;
  }
  return false;
}

const NONE: readonly never[] = [];
