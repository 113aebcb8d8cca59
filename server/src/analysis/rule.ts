// The contract between the engine and one rule module.
import type { AsyncMigrateConfig } from './config';
import type { Node } from './parser';
import type { FileFacts } from './semantics';
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

export interface RuleContext {
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
}

export interface Rule extends RuleMeta {
  check(context: RuleContext): void;
}
