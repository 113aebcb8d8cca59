// The contract between the engine and one rule module.
import type { AsyncMigrateConfig } from './config';
import type { Node } from './parser';
import type { FileFacts, NodeScope } from './semantics';
import type { SourceFile } from './source';
import type { Fix, FindingTag, RelatedInfo, RuleMeta } from './types';
import type { WorkspaceIndex } from './workspace';

export interface Report {
  /** The node to underline, or explicit offsets. */
  node?: Node;
  start?: number;
  end?: number;
  message: string;
  fix?: Fix;
  noFixReason?: string;
  suggestions?: Fix[];
  related?: RelatedInfo[];
  tags?: FindingTag[];
}

export interface RuleContext extends NodeScope {
  readonly file: SourceFile;
  readonly facts: FileFacts;
  readonly index: WorkspaceIndex;
  readonly config: AsyncMigrateConfig;
  /**
   * The findings feed "Migrate this endpoint", which checks the whole handler afterwards and
   * changes nothing unless it is consistent: a fix that is only correct together with the rest of
   * the handler's edits (AM103's session switch) may then be offered.
   */
  readonly endpointMigration: boolean;
  report(report: Report): void;
  /**
   * The nodes (in document order) a definition-local rule must look at: all of them in a full
   * analysis, only those starting in the re-analysed top-level definitions in an incremental
   * one (incremental.ts). Apply it to the rule's outer loop, never to facts it looks up.
   */
  scoped<T>(nodes: T[], startOf?: (node: T) => number): T[];
  /**
   * True when `scoped` keeps only some statements (an incremental analysis): a prefilter read
   * from the whole text (syntax.ts calledNameOffsets) then costs more than the few nodes it skips.
   */
  readonly partial: boolean;
}

/** The top-level chunks an incremental analysis re-runs definition-local rules over. */
export interface RuleScope {
  contains(offset: number): boolean;
  filter<T>(nodes: T[], startOf?: (node: T) => number): T[];
}

/**
 * 'definition': the rule's findings inside one top-level statement depend only on that
 * statement's text, the file's top-level non-definition statements (imports, module variables),
 * the file's summary and the workspace index, reached through the names the statement contains
 * (summary-dependents.ts); a keystroke re-runs it over the edited definitions and those naming
 * what the edit changed in the summary. A statement that is not a definition (a module variable)
 * may also read the uses of what it binds elsewhere (a stored coroutine awaited in a function):
 * it re-runs when an edited statement mentions such a name. 'file': anything else (module-wide switches, callers,
 * the whole text).
 */
export type RuleLocality = 'definition' | 'file';

export interface Rule extends RuleMeta {
  locality: RuleLocality;
  /**
   * The file-wide part of a 'definition' rule (e.g. its import findings, or the findings whose fix
   * reads callers or other uses of a name in other definitions): always run over the whole file,
   * its findings never reused. Which findings belong here must be decided from the finding's own
   * statement (and what a 'definition' rule may read), identically in check and checkFile.
   */
  checkFile?(context: RuleContext): void;
  check(context: RuleContext): void;
}
