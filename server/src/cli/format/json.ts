// `check --format json`: an array of findings with 1-based positions (spec §3).
import type { CheckReport } from './report';
import { fixKind, isFixable } from './report';

export interface JsonFinding {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  rule: string;
  severity: string;
  message: string;
  /** `async-migrate fix` fixes it (a safe fix). */
  fixable: boolean;
  /** "safe", "unsafe" (needs --unsafe-fixes) or null when there is no automatic fix. */
  fixApplicability: 'safe' | 'unsafe' | null;
}

export function toJsonFindings(report: CheckReport): JsonFinding[] {
  return report.items.map(({ finding: f }) => ({
    path: report.display(f.path),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    code: f.code,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    fixable: isFixable(f),
    fixApplicability: fixKind(f) ?? null,
  }));
}

export function formatJson(report: CheckReport): string {
  return JSON.stringify(toJsonFindings(report), null, 2);
}
