// Shared data shapes of the engine. Offsets are UTF-16 code units into the file text
// (what tree-sitter's startIndex gives for a JS string, and what LSP positions count).

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/** safe: behaviour-preserving, applied by fix-all; unsafe: only on explicit request. */
export type Applicability = 'safe' | 'unsafe';

export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** Edits to one file other than the finding's (its path workspace-relative, like Finding.path). */
export interface FileEdits {
  path: string;
  edits: TextEdit[];
  /** The text the edits were computed against (textBasis): a host applies them only to that text. */
  basis?: string;
}

export interface Fix {
  title: string;
  /** Edits to the finding's own file. */
  edits: TextEdit[];
  applicability: Applicability;
  /**
   * Edits to other workspace files that belong to the same fix (a helper's callers in other
   * modules): applied together with `edits` or not at all. Only produced when the engine was
   * given those files' texts (WorkspaceIndex.sources).
   */
  otherFiles?: FileEdits[];
}

export interface Position {
  /** 0-based */
  line: number;
  /** 0-based, UTF-16 code units */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface RelatedInfo {
  path: string;
  range: Range;
  message: string;
}

export type FindingTag = 'unnecessary' | 'deprecated';

export interface Finding {
  /** Workspace-relative POSIX path. */
  path: string;
  code: string;
  rule: string;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  range: Range;
  /** The automatic fix (quick fix / fix-all / CLI fix). */
  fix?: Fix;
  /** Why no automatic fix is offered, when the rule usually has one. */
  noFixReason?: string;
  /** Further fixes offered only as explicit quick fixes (never by fix-all). */
  suggestions?: Fix[];
  related?: RelatedInfo[];
  tags?: FindingTag[];
}

export interface RuleDocs {
  /** One paragraph: what the rule reports. */
  what: string;
  /** Why the pattern is a bug or a migration risk. */
  why: string;
  /** Python code showing the bad pattern. */
  example: string;
  /** Python code showing what to write instead. */
  useInstead: string;
  /** Known limits: where the rule stays silent or cannot fix. */
  limits: string[];
}

export type FixAvailability = 'always' | 'sometimes' | 'suggestion' | 'none';

export interface RuleMeta {
  code: string;
  /** kebab-case name of the bad pattern, read as "allow <name>". */
  name: string;
  defaultSeverity: Severity;
  fix: FixAvailability;
  /** Rules that are only hints for the inventory are off in CI unless selected. */
  offInCiByDefault?: boolean;
  docs: RuleDocs;
}
