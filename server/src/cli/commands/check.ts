// async-migrate check [PATHS…]: report findings (spec §3). Exit 0 clean, 1 findings, 2 usage or
// configuration error.
import * as path from 'path';
import { configForPath } from '../../analysis/config';
import { ruleEnabled, type RunOptions } from '../../analysis/engine';
import { RULES, ruleByCode } from '../../analysis/rules/registry';
import type { Finding, Severity } from '../../analysis/types';
import type { OptionSpec } from '../args';
import { BaselineError, LineReader, applyBaseline, baselineToWrite, fingerprint, keyFindings, readBaseline, writeBaseline, type BaselineEntry } from '../baseline';
import { formatGithub } from '../format/github';
import { formatJson } from '../format/json';
import type { CheckReport } from '../format/report';
import { renderExplain } from '../format/rule-docs';
import { formatSarif } from '../format/sarif';
import { countByRule, formatStatisticsTable, formatText } from '../format/text';
import type { CommandIO } from '../io';
import { analyzeTargets, ciFromEnv } from '../target';
import { failUsage, openCommandWorkspace, parseCommandArgs, ruleFilters } from './workflow-common';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

export const CHECK_OPTIONS: OptionSpec[] = [
  { name: 'format', type: 'string', metavar: 'text|json|sarif|github', choices: FORMATS, help: 'output format (default: text)' },
  { name: 'select', type: 'list', metavar: 'CODES', help: 'only these rule codes or prefixes (comma-separated, e.g. AM1,AM401); overrides the configured select' },
  { name: 'ignore', type: 'list', metavar: 'CODES', help: 'skip these rule codes or prefixes (added to the configured ignore)' },
  { name: 'ci', type: 'boolean', help: 'CI mode (implied by CI=true): hint rules that feed the inventory run only when selected' },
  { name: 'baseline', type: 'string', metavar: 'FILE', help: 'report only findings that are not in this baseline file' },
  { name: 'write-baseline', type: 'boolean', help: 'with --baseline FILE: record the current findings in FILE and exit 0' },
  { name: 'statistics', type: 'boolean', help: 'print counts per rule instead of each finding' },
  { name: 'no-summary', type: 'boolean', help: 'text format: omit the summary after the findings' },
  { name: 'exit-zero', type: 'boolean', help: 'exit 0 even when there are findings' },
  { name: 'explain', type: 'string', metavar: 'CODE', help: "print a rule's documentation (code like AM101 or name) and exit" },
];

const DESCRIPTION = `Reports async-migration findings in PATHS (default: the project). The project root is the
nearest directory with pyproject.toml; the whole root is indexed so cross-file rules (async twins,
services, routers) resolve, but only files under PATHS are reported.

Exit status: 0 no findings, 1 findings, 2 usage or configuration error.`;

export function explain(io: CommandIO, code: string): number {
  const rule = ruleByCode(code) ?? ruleByCode(code.toUpperCase());
  if (!rule) {
    io.err(`async-migrate check: unknown rule "${code}". Known rules:\n${RULES.map((r) => `  ${r.code}  ${r.name}`).join('\n')}`);
    return 2;
  }
  io.out(renderExplain(rule));
  return 0;
}

export async function run(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(io, 'check', args, CHECK_OPTIONS, 'async-migrate check [options] [PATHS...]', DESCRIPTION);
  if (typeof parsed === 'number') return parsed;
  const o = parsed.options;
  if (typeof o.explain === 'string') return explain(io, o.explain);
  const format = (o.format as (typeof FORMATS)[number] | undefined) ?? 'text';
  const baselineFile = o.baseline as string | undefined;
  if (o['write-baseline'] && !baselineFile) return failUsage(io, 'check', '--write-baseline needs --baseline FILE (where to write it)');

  const filters = ruleFilters(io, 'check', o);
  if (typeof filters === 'number') return filters;
  const runOptions: RunOptions = { ...filters, ci: !!o.ci || ciFromEnv(io.env) };

  // Each target is parsed once: its tree is kept from indexing for its analysis (within the
  // project's memory budget; see loadProject).
  const ws = await openCommandWorkspace(io, 'check', parsed.positionals, (problems) => `fix the configuration above (${problems}); nothing was checked`, { keepTargets: true });
  if (typeof ws === 'number') return ws;

  const findings: Finding[] = analyzeTargets(ws, io, runOptions);
  const lines = new LineReader(ws.project.texts);
  const keyed = keyFindings(findings, lines);

  const baselineAbs = baselineFile ? path.resolve(io.cwd, baselineFile) : undefined;
  const targetSet = new Set(ws.targets);
  const inScope = (e: BaselineEntry) => targetSet.has(e.path) && ruleEnabled(e.code, configForPath(ws.config, e.path), runOptions);

  if (o['write-baseline'] && baselineAbs) {
    let existing: BaselineEntry[] = [];
    try {
      existing = readBaseline(baselineAbs);
    } catch {
      // No (or an unreadable) previous baseline: start afresh.
    }
    const entries = baselineToWrite(keyed, existing, inScope);
    writeBaseline(baselineAbs, entries);
    io.err(`wrote ${entries.length} baseline ${entries.length === 1 ? 'entry' : 'entries'} to ${baselineFile}`);
    return 0;
  }

  let items = keyed;
  let baselineInfo: CheckReport['baseline'];
  if (baselineAbs) {
    let entries: BaselineEntry[];
    try {
      entries = readBaseline(baselineAbs);
    } catch (error) {
      if (error instanceof BaselineError) return failUsage(io, 'check', error.message);
      throw error;
    }
    const result = applyBaseline(keyed, entries, inScope);
    items = result.kept;
    baselineInfo = { file: baselineFile!, suppressed: result.suppressed, stale: result.stale.length };
  }

  const report: CheckReport = {
    items: items.map((k) => ({ finding: k.finding, fingerprint: fingerprint(k.entry) })),
    display: ws.display,
    filesChecked: ws.targets.length,
    skipped: ws.skipped,
    warnings: ws.warnings,
    baseline: baselineInfo,
  };
  const severityOf = (code: string): Severity => {
    const s = ws.config.severity[code];
    return s && s !== 'off' ? s : (RULES.find((r) => r.code === code)?.defaultSeverity ?? 'info');
  };

  const sideNotes = () => {
    for (const s of report.skipped) io.err(`skipped ${ws.display(s.path)}: ${s.reason}`);
    for (const w of report.warnings) io.err(`warning ${ws.display(w.path)}: ${w.reason}`);
    if (baselineInfo?.stale) io.err(`${baselineInfo.stale} baseline ${baselineInfo.stale === 1 ? 'entry no longer matches' : 'entries no longer match'} (run with --write-baseline to prune)`);
  };
  switch (format) {
    case 'text': {
      const text = formatText(report, { summary: !o['no-summary'], statistics: !!o.statistics });
      if (text) io.out(text);
      break;
    }
    case 'json':
      if (o.statistics) io.out(JSON.stringify(countByRule(report), null, 2));
      else io.out(formatJson(report));
      sideNotes();
      break;
    case 'sarif':
      io.out(formatSarif(report, { rules: RULES, severityOf }));
      sideNotes();
      break;
    case 'github': {
      const text = formatGithub(report);
      if (text) io.out(text);
      if (o.statistics) io.err(formatStatisticsTable(countByRule(report)).join('\n'));
      sideNotes();
      break;
    }
  }
  return report.items.length && !o['exit-zero'] ? 1 : 0;
}
