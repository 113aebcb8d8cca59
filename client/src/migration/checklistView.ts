// The Checklist webview view: shows the six-step checklist of one endpoint (the one under the
// cursor, or one picked), re-sends the whole state whenever it changes or the view is shown
// again (no retainContextWhenHidden), and turns validated webview messages into server
// requests and actions.
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import type { ChecklistModel, EndpointRef } from '../../../server/src/lsp/migration-protocol';
import { type ActionOutcome, type MigrationActions, folderOf, insideFolder } from './actions';
import { checklistHtml, makeNonce } from './html';
import type { MigrationClient } from './lsp';
import { type FromWebview, type ToWebview, type ViewState, parseFromWebview } from './protocol';
import { webviewStrings } from './strings';

const t = vscode.l10n.t;

export class ChecklistViewProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private ref: EndpointRef | undefined;
  private model: ChecklistModel | null = null;
  private empty: ViewState['empty'] = 'noEndpoint';
  private error: string | undefined;
  private loadSeq = 0;
  /** The last messages posted to the webview (tests). */
  readonly posted: ToWebview[] = [];
  private readonly shown = new vscode.EventEmitter<EndpointRef>();
  /** Fires when another endpoint is shown. */
  readonly onDidShow = this.shown.event;
  private ready = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly lsp: MigrationClient,
    private readonly actions: MigrationActions,
    private readonly onPick: () => Thenable<unknown>,
    private readonly log: (line: string) => void,
    /** False when the inventory is known to have no routes at all. */
    private readonly hasRoutes: () => boolean = () => true,
  ) {}

  get current(): { ref: EndpointRef | undefined; model: ChecklistModel | null } {
    return { ref: this.ref, model: this.model };
  }

  get visible(): boolean {
    return !!this.view?.visible;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media', 'checklist');
    const built = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const base = vscode.Uri.joinPath(this.extensionUri, 'media', 'webview-base.css');
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media'), built] };
    view.webview.html = checklistHtml({
      cspSource: view.webview.cspSource,
      nonce: makeNonce((n) => crypto.randomBytes(n)),
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(built, 'checklist.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'checklist.css')).toString(),
      baseStyleUri: view.webview.asWebviewUri(base).toString(),
      lang: vscode.env.language,
      title: t('Endpoint migration checklist'),
    });
    view.webview.onDidReceiveMessage((raw) => void this.receive(raw));
    view.onDidChangeVisibility(() => {
      // The webview keeps no state while hidden: it says "ready" again when it comes back.
      if (!view.visible) this.ready = false;
    });
    view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
    });
  }

  /** Shows an endpoint's checklist (no-op when it is already shown). */
  async show(ref: EndpointRef | undefined, force = false): Promise<void> {
    const same = ref && this.ref && ref.folder === this.ref.folder && ref.id === this.ref.id;
    if (same && !force) return;
    this.ref = ref;
    if (ref && !same) this.shown.fire(ref);
    await this.reload();
  }

  /** Fetches the model of the current endpoint again and posts it. */
  async reload(): Promise<void> {
    const seq = ++this.loadSeq;
    let model: ChecklistModel | null = null;
    let empty: ViewState['empty'];
    let error: string | undefined;
    if (!this.ref) empty = this.hasRoutes() ? 'noEndpoint' : 'noRoutes';
    else if (!this.lsp.running) empty = 'starting';
    else {
      try {
        model = (await this.lsp.checklist(this.ref)) ?? null;
        if (!model) empty = 'noEndpoint';
      } catch (e) {
        empty = 'error';
        error = e instanceof Error ? e.message : String(e);
      }
    }
    if (seq !== this.loadSeq) return; // a newer load is running
    this.model = model;
    this.empty = empty;
    this.error = error;
    if (!model && this.ref && empty === 'noEndpoint') this.ref = undefined; // the endpoint is gone
    this.postState();
  }

  postState(): void {
    this.post({
      type: 'state',
      state: {
        strings: webviewStrings(),
        trusted: vscode.workspace.isTrusted,
        model: this.model,
        ...(this.model ? {} : { empty: this.empty ?? 'noEndpoint' }),
        ...(this.error ? { error: this.error } : {}),
        busy: this.actions.busy(this.ref),
      },
    });
  }

  postBusy(): void {
    this.post({ type: 'busy', busy: this.actions.busy(this.ref) });
  }

  notice(level: 'info' | 'error', text: string): void {
    this.post({ type: 'notice', level, text });
  }

  private post(message: ToWebview): void {
    this.posted.push(message);
    if (this.posted.length > 200) this.posted.shift();
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      this.log(`[checklist] ignored a malformed message from the webview: ${safeJson(raw)}`);
      return;
    }
    await this.handle(message);
  }

  /** Handles a (validated) message from the webview; also the entry point for tests. */
  async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        // (Re)loaded webview: send the current endpoint's state, fresh.
        await this.reload();
        return;
      case 'pick':
        await this.onPick();
        return;
      case 'openHandler': {
        const model = this.modelFor(message.endpoint);
        if (model) await openAt(vscode.Uri.parse(model.endpoint.uri), model.endpoint.line, model.endpoint.character);
        return;
      }
      case 'reveal': {
        const model = this.modelFor(message.endpoint);
        const item = model?.steps.flatMap((s) => s.items).find((i) => i.id === message.item);
        const loc = item?.locations?.[message.index];
        const folder = model && folderOf(model.ref);
        const uri = loc && folder ? insideFolder(folder, loc.path) : undefined;
        if (uri && loc) await openAt(uri, loc.line, loc.character);
        return;
      }
      case 'toggle': {
        const model = this.modelFor(message.endpoint);
        if (!model) return;
        const result = await this.lsp.setChecklistItem(model.ref, message.item, message.done);
        if (!result?.ok) {
          const text = result?.error ?? t('The language server is not running.');
          this.notice('error', text);
          void vscode.window.showErrorMessage(t('Async Migrate: could not save the checklist: {0}', text));
        }
        await this.reload();
        return;
      }
      case 'metrics': {
        const model = this.modelFor(message.endpoint);
        if (!model) return;
        const result = await this.lsp.recordMetrics(model.ref, message.phase, message.sample);
        if (!result?.ok) this.notice('error', result?.error ?? t('The language server is not running.'));
        await this.reload();
        return;
      }
      case 'action': {
        const model = this.modelFor(message.endpoint);
        if (!model) return;
        await this.runAction(model, message.action);
        return;
      }
    }
  }

  async runAction(model: ChecklistModel, action: Parameters<MigrationActions['run']>[0], options: Parameters<MigrationActions['run']>[2] = {}): Promise<ActionOutcome> {
    const outcome = await this.actions.run(action, model, options);
    if (outcome.message) {
      this.notice(outcome.ok ? 'info' : 'error', outcome.message);
      if (!outcome.ok) void vscode.window.showWarningMessage(t('Async Migrate: {0}', outcome.message));
    }
    await this.reload();
    return outcome;
  }

  /** The shown model when a message refers to it (messages about anything else are stale: ignored). */
  private modelFor(ref: EndpointRef): ChecklistModel | undefined {
    const m = this.model;
    return m && m.ref.folder === ref.folder && m.ref.id === ref.id ? m : undefined;
  }
}

export async function openAt(uri: vscode.Uri, line: number, character: number): Promise<vscode.TextEditor> {
  const position = new vscode.Position(line, character);
  const editor = await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: false });
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v).slice(0, 500);
  } catch {
    return String(v);
  }
}
