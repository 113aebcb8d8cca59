// The data every `check` output format renders.
import type { Finding } from '../../analysis/types';
import type { SkippedFile } from '../../project';

export interface ReportItem {
  finding: Finding;
  /** Stable identity independent of line numbers (baseline key hash). */
  fingerprint: string;
}

export interface CheckReport {
  /** Findings that count, sorted by path then position. Paths are project-root-relative. */
  items: ReportItem[];
  /** Root-relative path → what the user sees (relative to the working directory). */
  display(rel: string): string;
  filesChecked: number;
  skipped: SkippedFile[];
  warnings: SkippedFile[];
  baseline?: { file: string; suppressed: number; stale: number };
}

export type FixKind = 'safe' | 'unsafe' | undefined;

export function fixKind(finding: Finding): FixKind {
  return finding.fix ? finding.fix.applicability : undefined;
}

/** What `async-migrate fix` would fix without --unsafe-fixes (ruff's `[*]`). */
export function isFixable(finding: Finding): boolean {
  return fixKind(finding) === 'safe';
}

export function plural(n: number, word: string, many = word + 's'): string {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * Rules that are hints for the endpoint inventory (off in CI, or hint severity like AM702):
 * `fix` leaves them alone unless selected by exact code (their fixes migrate code wholesale).
 */
