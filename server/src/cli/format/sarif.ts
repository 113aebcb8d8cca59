// `check --format sarif`: SARIF 2.1.0 for GitHub code scanning (upload-sarif) and other viewers.
// Columns are 1-based UTF-16 code units (SARIF's default columnKind), like the engine's offsets.
import * as fs from 'fs';
import * as path from 'path';
import type { RuleMeta, Severity } from '../../analysis/types';
import type { CheckReport } from './report';
import { packageRoot, ruleDocsUrl } from '../../project/rule-docs-location';
import { docsMissing, renderRuleMarkdown, renderExplain, summaryOf, GENERATED_NOTE } from './rule-docs';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** The engine's "a rule crashed on this file" pseudo-rule. */
export const INTERNAL_ERROR_RULE: RuleMeta = {
  code: 'AM000',
  name: 'internal-error',
  defaultSeverity: 'info',
  fix: 'none',
  docs: {
    what: 'A rule failed on this file (a bug in async-migrate). The other rules still ran.',
    why: 'The failing rule may have missed findings in this file.',
    example: '',
    useInstead: '',
    limits: ['Please report it with the file that triggers it.'],
  },
};

export function toolVersion(): string {
  const root = packageRoot();
  try {
    return root ? (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version as string) : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Percent-encodes each segment of a relative POSIX path for a URI reference. */
function relativeUri(p: string): string {
  return p.split('/').map((s) => (s === '..' || s === '.' ? s : encodeURIComponent(s))).join('/');
}

export interface SarifOptions {
  rules: readonly RuleMeta[];
  /** Effective severity per code (configuration overrides applied). */
  severityOf(code: string): Severity;
}

export function toSarif(report: CheckReport, options: SarifOptions): object {
  const rules = [...options.rules];
  if (report.items.some((i) => i.finding.code === INTERNAL_ERROR_RULE.code) && !rules.some((r) => r.code === INTERNAL_ERROR_RULE.code)) rules.push(INTERNAL_ERROR_RULE);
  const ruleIndex = new Map(rules.map((r, i) => [r.code, i]));
  const descriptors = rules.map((r) => {
    const missing = docsMissing(r);
    const descriptor: Record<string, unknown> = {
      id: r.code,
      name: r.name,
      shortDescription: { text: missing ? r.name : summaryOf(r) },
      fullDescription: { text: missing ? `${r.code} ${r.name} (not documented yet)` : r.docs.what.trim() },
      help: { text: renderExplain(r), markdown: renderRuleMarkdown(r).replace(GENERATED_NOTE + '\n\n', '') },
      defaultConfiguration: { level: sarifLevel(r.code === INTERNAL_ERROR_RULE.code ? r.defaultSeverity : options.severityOf(r.code)) },
      properties: { tags: ['async-migration', r.name] },
    };
    if (r.code !== INTERNAL_ERROR_RULE.code) descriptor.helpUri = ruleDocsUrl(r);
    return descriptor;
  });
  const location = (p: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }) => ({
    physicalLocation: {
      artifactLocation: { uri: relativeUri(report.display(p)), uriBaseId: '%SRCROOT%' },
      region: {
        startLine: range.start.line + 1,
        startColumn: range.start.character + 1,
        endLine: range.end.line + 1,
        endColumn: range.end.character + 1,
      },
    },
  });
  const results = report.items.map(({ finding: f, fingerprint }) => {
    const result: Record<string, unknown> = {
      ruleId: f.code,
      ruleIndex: ruleIndex.get(f.code) ?? -1,
      level: sarifLevel(f.severity),
      message: { text: f.message },
      locations: [location(f.path, f.range)],
      partialFingerprints: { 'asyncMigrate/v1': fingerprint },
    };
    if (f.related?.length) {
      result.relatedLocations = f.related.map((r, id) => ({ id, message: { text: r.message }, ...location(r.path, r.range) }));
    }
    return result;
  });
  const notifications = [
    ...report.skipped.map((s) => ({ level: 'warning', message: { text: `skipped ${report.display(s.path)}: ${s.reason}` }, locations: [{ physicalLocation: { artifactLocation: { uri: relativeUri(report.display(s.path)), uriBaseId: '%SRCROOT%' } } }] })),
    ...report.warnings.map((s) => ({ level: 'note', message: { text: `${report.display(s.path)}: ${s.reason}` }, locations: [{ physicalLocation: { artifactLocation: { uri: relativeUri(report.display(s.path)), uriBaseId: '%SRCROOT%' } } }] })),
  ];
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'async-migrate',
            version: toolVersion(),
            semanticVersion: toolVersion(),
            rules: descriptors,
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(report: CheckReport, options: SarifOptions): string {
  return JSON.stringify(toSarif(report, options), null, 2);
}
