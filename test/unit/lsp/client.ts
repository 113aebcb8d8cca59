// A minimal LSP client for protocol tests: spawns the real server over stdio (through tsx, so no
// build is needed) and speaks JSON-RPC to it, recording what the server sends.
import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  createProtocolConnection,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
  type ApplyWorkspaceEditParams,
  type InitializeResult,
} from 'vscode-languageserver-protocol/node';

export const REPO = path.resolve(__dirname, '..', '..', '..');

export interface Published {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
  at: number;
}

export interface ProgressEvent {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string; percentage?: number };
}

export function fileUri(p: string): string {
  return pathToFileURL(p).toString();
}

/** Creates a temp workspace from {relative path: text}. */
export function makeWorkspace(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'am-lsp-'));
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  }
  return root;
}

export interface ClientOptions {
  root: string;
  settings?: Record<string, unknown>;
  /** Client supports codeAction/resolve of `edit` (lazy edits). */
  resolveSupport?: boolean;
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** Answer to workspace/applyEdit requests. */
  applyEditResult?: boolean;
}

export class LspClient {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  readonly published: Published[] = [];
  readonly progress: ProgressEvent[] = [];
  readonly progressCreated: (string | number)[] = [];
  readonly messages: { type: number; message: string }[] = [];
  readonly logs: { type: number; message: string }[] = [];
  readonly applyEdits: ApplyWorkspaceEditParams[] = [];
  readonly shownDocuments: { uri: string; takeFocus?: boolean; selection?: unknown }[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly configurationRequests: unknown[] = [];
  settings: Record<string, unknown>;
  stderr = '';
  private waiters: (() => void)[] = [];
  initializeResult?: InitializeResult;

  constructor(readonly options: ClientOptions) {
    this.settings = options.settings ?? {};
    this.proc = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'server/src/lsp/main.ts'), '--stdio'], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stderr!.on('data', (d) => (this.stderr += d.toString()));
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    const c = this.conn;
    c.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      this.published.push({ ...p, at: Date.now() });
      this.wake();
    });
    c.onNotification('$/progress', (p: ProgressEvent) => {
      this.progress.push(p);
      this.wake();
    });
    c.onNotification('window/showMessage', (p: { type: number; message: string }) => {
      this.messages.push(p);
      this.wake();
    });
    c.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      this.logs.push(p);
      if (process.env.AM_LSP_DEBUG) console.error('[server]', p.message);
      this.wake();
    });
    c.onNotification('asyncMigrate/statusChanged', (params: unknown) => {
      this.notifications.push({ method: 'asyncMigrate/statusChanged', params });
      this.wake();
    });
    c.onRequest('window/workDoneProgress/create', (p: { token: string | number }) => {
      this.progressCreated.push(p.token);
      return null;
    });
    c.onRequest('client/registerCapability', (p: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...p.registrations);
      this.wake();
      return null;
    });
    c.onRequest('workspace/configuration', (p: { items: { section?: string; scopeUri?: string }[] }) => {
      this.configurationRequests.push(p);
      return p.items.map((item) => (item.section === 'asyncMigrate' ? this.settings : null));
    });
    c.onRequest('workspace/applyEdit', (p: ApplyWorkspaceEditParams) => {
      this.applyEdits.push(p);
      this.wake();
      return { applied: options.applyEditResult ?? true };
    });
    c.onRequest('window/showMessageRequest', () => null);
    c.onRequest('window/showDocument', (p: { uri: string; takeFocus?: boolean; selection?: unknown }) => {
      this.shownDocuments.push(p);
      this.wake();
      return { success: true };
    });
    c.listen();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  /** Resolves when predicate() is truthy (checked after every message from the server). */
  async waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 15000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}\nserver stderr:\n${this.stderr}\nlogs:\n${this.logs.map((l) => l.message).join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async initialize(): Promise<InitializeResult> {
    const uri = fileUri(this.options.root);
    const capabilities: ClientCapabilities = this.options.capabilities ?? {
      workspace: {
        configuration: true,
        workspaceFolders: true,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
        workspaceEdit: { documentChanges: true },
        applyEdit: true,
      },
      window: { workDoneProgress: true, showMessage: {}, showDocument: { support: true } },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true, tagSupport: { valueSet: [1, 2] } },
        codeAction: {
          codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite', 'source', 'source.fixAll'] } },
          isPreferredSupport: true,
          dataSupport: true,
          disabledSupport: true,
          resolveSupport: this.options.resolveSupport ? { properties: ['edit'] } : undefined,
        },
        hover: { contentFormat: ['markdown', 'plaintext'] },
      },
    };
    this.initializeResult = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri,
      capabilities,
      workspaceFolders: [{ uri, name: path.basename(this.options.root) }],
      initializationOptions: this.options.initializationOptions,
    });
    await this.conn.sendNotification('initialized', {});
    return this.initializeResult!;
  }

  uri(rel: string): string {
    return fileUri(path.join(this.options.root, rel));
  }

  /** Waits until indexing of the workspace ended (the progress 'end' arrived). */
  async waitIndexed(timeoutMs = 20000): Promise<void> {
    await this.waitFor(() => this.progress.some((p) => p.value.kind === 'end'), timeoutMs, 'indexing to end');
  }

  async open(rel: string, text?: string, version = 1): Promise<string> {
    const uri = this.uri(rel);
    const content = text ?? fs.readFileSync(path.join(this.options.root, rel), 'utf8');
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text: content } });
    return uri;
  }

  async change(uri: string, version: number, changes: { range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[]): Promise<void> {
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  lastDiagnostics(uri: string): Published | undefined {
    for (let i = this.published.length - 1; i >= 0; i--) if (this.published[i].uri === uri) return this.published[i];
    return undefined;
  }

  /** Waits for diagnostics of uri (for a version, when given) satisfying predicate. */
  async diagnostics(uri: string, predicate: (d: Diagnostic[]) => boolean = () => true, version?: number, timeoutMs = 15000): Promise<Diagnostic[]> {
    const found = await this.waitFor(
      () => {
        const last = this.lastDiagnostics(uri);
        if (!last) return undefined;
        if (version !== undefined && last.version !== version) return undefined;
        return predicate(last.diagnostics) ? last : undefined;
      },
      timeoutMs,
      `diagnostics of ${uri}${version !== undefined ? ` v${version}` : ''} (last: ${JSON.stringify(this.lastDiagnostics(uri)?.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`))} v${this.lastDiagnostics(uri)?.version})`,
    );
    return found.diagnostics;
  }

  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.proc.exitCode !== null) resolve(this.proc.exitCode);
      else this.proc.once('exit', (code) => resolve(code));
    });
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
      await this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    const code = await Promise.race([exited, new Promise<number | null>((r) => setTimeout(() => r(-1), 5000))]);
    if (code === -1) this.proc.kill('SIGKILL');
    this.conn.dispose();
    return code;
  }
}

/** Applies LSP text edits to a text (edits refer to the original text, non-overlapping). */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\r' && text[i + 1] === '\n') {
      lineStarts.push(i + 2);
      i++;
    } else if (text[i] === '\n' || text[i] === '\r') lineStarts.push(i + 1);
  }
  const offset = (p: { line: number; character: number }) => (p.line >= lineStarts.length ? text.length : Math.min(lineStarts[p.line] + p.character, text.length));
  const sorted = edits.map((e) => ({ start: offset(e.range.start), end: offset(e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** The edits a WorkspaceEdit makes to one URI (documentChanges or changes). */
export function editsFor(edit: WorkspaceEdit | undefined, uri: string): { edits: TextEdit[]; version?: number | null } {
  if (!edit) return { edits: [] };
  if (edit.documentChanges) {
    const out: TextEdit[] = [];
    let version: number | null | undefined;
    for (const dc of edit.documentChanges) {
      if ('textDocument' in dc && dc.textDocument.uri === uri) {
        out.push(...(dc.edits as TextEdit[]));
        version = dc.textDocument.version;
      }
    }
    return { edits: out, version };
  }
  return { edits: edit.changes?.[uri] ?? [] };
}

/** Servers on temporary workspaces for one suite: `start` one (indexed), `stopAll` in `after`. */
export function clientPool(): { clients: LspClient[]; start(files: Record<string, string>, options?: Partial<ClientOptions>): Promise<LspClient>; stopAll(): Promise<void> } {
  const clients: LspClient[] = [];
  const roots: string[] = [];
  return {
    clients,
    async start(files, options = {}) {
      const root = makeWorkspace(files);
      roots.push(root);
      const client = new LspClient({ ...options, root });
      clients.push(client);
      await client.initialize();
      await client.waitIndexed();
      return client;
    },
    async stopAll() {
      for (const c of clients) if (c.proc.exitCode === null) await c.shutdown();
      for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
    },
  };
}
