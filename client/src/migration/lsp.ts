// Typed access to the server's migration requests (server/src/lsp/migration-requests.ts).
import type * as vscode from 'vscode';
import { type LanguageClient, State, WorkDoneProgress, type WorkDoneProgressBegin, type WorkDoneProgressReport, type WorkDoneProgressEnd } from 'vscode-languageclient/node';
import {
  type ChecklistModel,
  type DashboardParams,
  type DashboardResult,
  type EndpointRef,
  type EndpointsResult,
  INVENTORY_CHANGED_NOTIFICATION,
  type InventoryChangedParams,
  type LatencySample,
  MIGRATION_REQUESTS,
  type MigratePreview,
  type MutationResult,
  type TestRun,
  type WriteDocResult,
} from '../../../server/src/lsp/migration-protocol';

export class MigrationClient {
  constructor(private readonly getClient: () => LanguageClient | undefined) {}

  get running(): boolean {
    return this.getClient()?.state === State.Running;
  }

  /** Resolves when the language client is running (or after timeoutMs). */
  async whenRunning(timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return this.running;
  }

  private async send<T>(method: string, params: unknown): Promise<T | undefined> {
    const client = this.getClient();
    if (!client || client.state !== State.Running) return undefined;
    return (await client.sendRequest(method, params)) as T;
  }

  endpoints(folder?: string): Promise<EndpointsResult | undefined> {
    return this.send(MIGRATION_REQUESTS.endpoints, folder ? { folder } : {});
  }

  endpointAt(uri: string, position: vscode.Position): Promise<EndpointRef | null | undefined> {
    return this.send(MIGRATION_REQUESTS.endpointAt, { uri, line: position.line, character: position.character });
  }

  checklist(ref: EndpointRef): Promise<ChecklistModel | null | undefined> {
    return this.send(MIGRATION_REQUESTS.checklist, ref);
  }

  setChecklistItem(ref: EndpointRef, item: string, done: boolean, extra: { note?: string; by?: string } = {}): Promise<MutationResult | undefined> {
    return this.send(MIGRATION_REQUESTS.setChecklistItem, { ...ref, item, done, ...extra });
  }

  recordTestRun(ref: EndpointRef, run: TestRun): Promise<MutationResult | undefined> {
    return this.send(MIGRATION_REQUESTS.recordTestRun, { ...ref, ...run });
  }

  recordMetrics(ref: EndpointRef, phase: 'before' | 'after', sample: LatencySample): Promise<MutationResult | undefined> {
    return this.send(MIGRATION_REQUESTS.recordMetrics, { ...ref, phase, sample });
  }

  writeEndpointDoc(ref: EndpointRef): Promise<WriteDocResult | undefined> {
    return this.send(MIGRATION_REQUESTS.writeEndpointDoc, ref);
  }

  migratePreview(ref: EndpointRef): Promise<MigratePreview | undefined> {
    return this.send(MIGRATION_REQUESTS.migratePreview, ref);
  }

  dashboard(params: DashboardParams): Promise<DashboardResult | undefined> {
    return this.send(MIGRATION_REQUESTS.dashboard, params);
  }

  /** Listens to `$/progress` work-done reports on a token this client passed to a request. */
  onWorkDone(token: string, listener: (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => void): vscode.Disposable {
    const client = this.getClient();
    if (!client) return { dispose() {} };
    return client.onProgress(WorkDoneProgress.type, token, listener);
  }

  /** Subscribes to inventoryChanged (also across server restarts). */
  onInventoryChanged(listener: (params: InventoryChangedParams) => void): vscode.Disposable {
    const client = this.getClient();
    if (!client) return { dispose() {} };
    return client.onNotification(INVENTORY_CHANGED_NOTIFICATION, listener);
  }
}
