// The async-migrate extensions to LSP: custom request/notification names, command ids and
// their payloads. Plain data only (no vscode / vscode-languageserver imports), so the client,
// the server and tests share one definition.

/** Server → client notification whenever indexing progress or the findings count changes. */
export const STATUS_NOTIFICATION = 'asyncMigrate/statusChanged';
/** Client → server request: the current status (same payload as the notification). */
export const STATUS_REQUEST = 'asyncMigrate/status';
/**
 * Client → server request (tests, debugging): the s-expression of the server's current syntax
 * tree for an open document, to compare the incremental tree with a from-scratch parse.
 */
export const SYNTAX_TREE_REQUEST = 'asyncMigrate/internal/syntaxTree';
/** Internal (tests, bench): how code actions and hovers were answered, from the range asked or a whole-file analysis. */
export const ANSWERED_REQUEST = 'asyncMigrate/internal/answered';

/** workspace/executeCommand ids the server implements (the client registers them automatically). */
export const COMMANDS = {
  /** args: [{ uri, offset? | line?+character? | function? }] → applies the migration via workspace/applyEdit. */
  migrateEndpoint: 'asyncMigrate.migrateEndpoint',
  /** args: [{ uri, select?: string[], unsafe?: boolean }] → applies fix-all via workspace/applyEdit. */
  fixAll: 'asyncMigrate.fixAll',
  /** args: [{ uri, line?, character? }] → asks the client to show that document (window/showDocument). */
  openTwin: 'asyncMigrate.openTwin',
  /** args: [{ uri }] (any file or folder of the workspace) → applies "Set up async infrastructure" via workspace/applyEdit. */
  setUpAsyncInfrastructure: 'asyncMigrate.setUpAsyncInfrastructure',
} as const;

/** Code action kind of the safe fix-all (for `editor.codeActionsOnSave`). */
export const FIX_ALL_KIND = 'source.fixAll.asyncMigrate';

export type IndexingState = 'starting' | 'indexing' | 'ready';

export interface FolderStatus {
  uri: string;
  state: IndexingState;
  filesIndexed: number;
  filesTotal: number;
  /** Files not read (too large, binary, unreadable). */
  skipped: number;
  enabled: boolean;
  /** An async session dependency exists (the walkthrough's "Set up async infrastructure" step is done); unknown while indexing. */
  asyncInfrastructure?: boolean;
}

export interface StatusPayload {
  state: IndexingState;
  filesIndexed: number;
  filesTotal: number;
  /** Diagnostics currently published (all documents). */
  findings: number;
  /** Of which errors / warnings. */
  errors: number;
  warnings: number;
  folders: FolderStatus[];
  /** Server package version. */
  version: string;
  /** The server's process id (the client shows it in its log; tests use it to crash the server). */
  pid: number;
}

export interface MigrateEndpointArgs {
  uri: string;
  /** UTF-16 offset inside the handler. */
  offset?: number;
  /** Or an LSP position inside the handler. */
  line?: number;
  character?: number;
  /** Or the handler's function name. */
  function?: string;
}

export interface SetUpAsyncInfrastructureArgs {
  /** A file or folder URI: the workspace folder holding it is set up. */
  uri: string;
}

export interface FixAllArgs {
  uri: string;
  select?: string[];
  unsafe?: boolean;
}

/**
 * What the server puts in Diagnostic.data, only on a diagnostic with a fix or suggestions (code
 * actions find their finding by code and range; the message says why there is no fix).
 */
export interface DiagnosticData {
  /** Has an automatic fix (and whether it is safe). */
  fix?: 'safe' | 'unsafe';
  /** How many further fixes are offered as explicit quick fixes. */
  suggestions?: number;
}

/** Settings the language server reads from `workspace/configuration` section `asyncMigrate`. */
export interface ServerOnlySettings {
  enable?: boolean;
  diagnosticsScope?: 'openFiles' | 'workspace';
  /** Base URL of the rule docs (…/docs/rules/); empty = built-in default. */
  docsBaseUrl?: string;
}
