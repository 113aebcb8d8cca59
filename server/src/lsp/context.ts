// What the LSP feature modules (code actions, custom requests, the migration sidebar) see of the
// server: narrow interfaces that AsyncMigrateServer implements. The feature modules import these,
// never the server class, so the server imports its features and nothing imports it back.
import type { Connection, Event, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { Finding } from '../analysis/types';
import type { OpenDocument } from './document';
import type { Folder } from './folders';

/** The open documents and the workspace folders. */
export interface Workspace {
  readonly docs: ReadonlyMap<string, OpenDocument>;
  readonly folders: ReadonlyMap<string, Folder>;
  /** The folder holding a URI (the pseudo folder of loose files when none does). */
  folderOf(uri: string): Folder;
  /** Engine path of a URI: workspace-relative inside a folder. */
  pathOf(uri: string, folder?: Folder): string;
}

/** Analysis of open documents and edits shaped for the client. */
export interface DocumentAnalysis {
  /** Findings for the document's current version; undefined when not analysed (disabled or refused). */
  analyzeDocument(doc: OpenDocument): Finding[] | undefined;
  /**
   * Findings of the current version for what touches [start, end] (offsets), without waiting for
   * the whole file's analysis when it has not run: `complete` false means only the top-level
   * statements overlapping the range and file-wide rules were analysed (exactly as a full
   * analysis there); findings elsewhere are missing. undefined as for analyzeDocument.
   */
  findingsAt(doc: OpenDocument, start: number, end: number): { findings: Finding[]; complete: boolean } | undefined;
  /**
   * Findings of the current version (from analyzeDocument or findingsAt) with only the fixes
   * that may be applied to it: in a file with syntax errors, those that would make it parse
   * worse are dropped (engine.ts withFixVerdicts; the diagnostics do not check them). Ask it for
   * the findings whose fixes are offered, not for all.
   */
  checkedFixes(doc: OpenDocument, findings: readonly Finding[]): Finding[];
  /** A WorkspaceEdit for one document (versioned when the client supports documentChanges). */
  workspaceEdit(uri: string, version: number | null, edits: LspTextEdit[]): WorkspaceEdit;
}

export interface ServerLog {
  log(message: string): void;
  logError(context: string, error: unknown): void;
}

export interface FolderEvents {
  /**
   * Fired when what a folder's endpoint inventory depends on changed: its index (a summary
   * upserted or removed, a fresh index), its indexing state or its configuration; also when the
   * folder is removed from the workspace (then it is no longer in `folders`).
   */
  readonly onFolderChanged: Event<Folder>;
}

/** The part of the LSP connection the custom requests use. */
export type RequestConnection = Pick<Connection, 'onRequest' | 'sendNotification'>;

/** Wraps a handler: exceptions are logged and `fallback` is answered. */
export type Guard = <A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R | Promise<R>) => (...args: A) => Promise<R>;
