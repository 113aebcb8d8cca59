// `check --format text` (the default): findings grouped by file, like ruff's concise output,
// then a summary by rule, skipped files and warnings.
import type { CheckReport } from './report';
import { isInventoryHint } from '../../analysis/engine';
import { fixKind, isFixable, plural } from './report';

export interface TextOptions {
  summary: boolean;
  statistics: boolean;
}

export interface RuleCount {
  code: string;
  rule: string;
  count: number;
  fixable: number;
  unsafeFixable: number;
  /** Safe fixes of inventory hints (applied per endpoint, or by `fix --select CODE`). */
  hint: boolean;
}

export function countByRule(report: CheckReport): RuleCount[] {
  const byCode = new Map<string, RuleCount>();
  for (const { finding: f } of report.items) {
    let c = byCode.get(f.code);
    if (!c) byCode.set(f.code, (c = { code: f.code, rule: f.rule, count: 0, fixable: 0, unsafeFixable: 0, hint: isInventoryHint(f.code) }));
    c.count++;
    if (isFixable(f)) c.fixable++;
    else if (fixKind(f) === 'unsafe') c.unsafeFixable++;
  }
  return [...byCode.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
}

export function formatStatisticsTable(counts: RuleCount[]): string[] {
  const width = Math.max(1, ...counts.map((c) => String(c.count).length));
  const nameWidth = Math.max(0, ...counts.map((c) => c.rule.length));
  return counts.map((c) => `${String(c.count).padStart(width)}  ${c.code}  ${c.rule.padEnd(nameWidth)}${c.fixable ? '  [*]' : c.unsafeFixable ? '  [-]' : ''}`.trimEnd());
}

export function formatText(report: CheckReport, options: TextOptions): string {
  const lines: string[] = [];
  if (!options.statistics) {
    let lastPath: string | undefined;
    for (const { finding: f } of report.items) {
      if (lastPath !== undefined && f.path !== lastPath) lines.push('');
      lastPath = f.path;
      const where = `${report.display(f.path)}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
      const message = f.message.replace(/\r?\n/g, ' ');
      lines.push(`${where}: ${f.code} ${message}${isFixable(f) ? ' [*]' : ''}`);
    }
  }
  const counts = countByRule(report);
  const total = report.items.length;
  if (options.summary || options.statistics) {
    if (lines.length) lines.push('');
    if (total === 0) lines.push(`All checks passed (${plural(report.filesChecked, 'file')} checked).`);
    else {
      const files = new Set(report.items.map((i) => i.finding.path)).size;
      lines.push(`Found ${plural(total, 'finding')} in ${plural(files, 'file')} (${plural(report.filesChecked, 'file')} checked).`);
      lines.push(...formatStatisticsTable(counts).map((l) => '  ' + l));
      const fixable = counts.reduce((n, c) => n + (c.hint ? 0 : c.fixable), 0);
      const unsafe = counts.reduce((n, c) => n + (c.hint ? 0 : c.unsafeFixable), 0);
      const hints = counts.filter((c) => c.hint && c.fixable);
      if (fixable || unsafe) {
        const parts: string[] = [];
        if (fixable) parts.push(`[*] ${fixable} fixable with \`async-migrate fix\``);
        if (unsafe) parts.push(`[-] ${unsafe} ${fixable ? 'more ' : ''}fixable with \`async-migrate fix --unsafe-fixes\``);
        lines.push(parts.join('; ') + '.');
      }
      if (hints.length) {
        const n = hints.reduce((sum, c) => sum + c.fixable, 0);
        lines.push(`${plural(n, 'inventory hint')} (${hints.map((c) => c.code).join(', ')}) ${n === 1 ? 'has a fix' : 'have fixes'} applied per endpoint (\`async-migrate fix --endpoint\`) or with \`async-migrate fix --select ${hints[0].code}\`.`);
      }
    }
    if (report.baseline) {
      const b = report.baseline;
      if (b.suppressed) lines.push(`${plural(b.suppressed, 'finding')} suppressed by the baseline ${b.file}.`);
      if (b.stale) lines.push(`${plural(b.stale, 'baseline entry', 'baseline entries')} no longer ${b.stale === 1 ? 'matches' : 'match'} (fixed?): run with --write-baseline to prune.`);
    }
  }
  for (const s of report.skipped) lines.push(`skipped ${report.display(s.path)}: ${s.reason}`);
  for (const w of report.warnings) lines.push(`warning ${report.display(w.path)}: ${w.reason}`);
  return lines.join('\n');
}
