// Engine data → LSP data: diagnostics, text edits, rule docs links and hover markdown.
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { type Diagnostic, DiagnosticSeverity, DiagnosticTag, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import { ruleByCode } from '../analysis/rules/registry';
import type { Finding, Severity, TextEdit } from '../analysis/types';
import { RULE_DOCS_DIR, packageRoot, ruleDocFileName, ruleDocsUrl as packagedRuleDocsUrl, undocumented } from '../project/rule-docs-location';
import type { DiagnosticData } from './protocol';

export const SOURCE = 'async-migrate';

export function lspSeverity(severity: Severity): DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    default:
      return DiagnosticSeverity.Hint;
  }
}

/**
 * The URL of a rule's documentation page: under `asyncMigrate.docsBaseUrl` when set, else the
 * page shipped with the server (docs/rules/, also inside the VSIX), else the repository's.
 */
export function ruleDocsUrl(code: string, baseUrl = ''): string | undefined {
  const rule = ruleByCode(code);
  if (!rule) return undefined;
  const file = ruleDocFileName(rule);
  if (baseUrl) return baseUrl.replace(/\/?$/, '/') + file;
  let url = localDocsUrls.get(file);
  if (url === undefined) {
    // Asked for every diagnostic of every publish: look at the disk once per rule.
    const root = packageRoot();
    const local = root && path.join(root, RULE_DOCS_DIR, file);
    url = local && fs.existsSync(local) ? pathToFileURL(local).toString() : null;
    localDocsUrls.set(file, url);
  }
  return url ?? packagedRuleDocsUrl(rule);
}

/** The packaged docs file of each rule (null: not shipped, use the published docs). */
const localDocsUrls = new Map<string, string | null>();

export interface ToDiagnosticContext {
  version: number | null;
  docsBaseUrl: string;
  /** Workspace-relative path → URI (for related information). */
  uriOf(relPath: string): string;
}

export function toDiagnostic(finding: Finding, context: ToDiagnosticContext): Diagnostic {
  const data: DiagnosticData = { version: context.version, code: finding.code, start: finding.start, end: finding.end };
  if (finding.fix) data.fix = finding.fix.applicability;
  if (finding.suggestions?.length) data.suggestions = finding.suggestions.length;
  if (finding.noFixReason) data.noFixReason = finding.noFixReason;
  let message = finding.message;
  if (finding.noFixReason && !message.includes(finding.noFixReason)) message += ` (no automatic fix: ${finding.noFixReason})`;
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: lspSeverity(finding.severity),
    code: finding.code,
    source: SOURCE,
    message,
    data,
  };
  const href = ruleDocsUrl(finding.code, context.docsBaseUrl);
  if (href) diagnostic.codeDescription = { href };
  if (finding.related?.length) {
    diagnostic.relatedInformation = finding.related.map((r) => ({ location: { uri: context.uriOf(r.path), range: r.range }, message: r.message }));
  }
  const tags: DiagnosticTag[] = [];
  if (finding.tags?.includes('unnecessary')) tags.push(DiagnosticTag.Unnecessary);
  if (finding.tags?.includes('deprecated')) tags.push(DiagnosticTag.Deprecated);
  if (tags.length) diagnostic.tags = tags;
  return diagnostic;
}

/** Offsets → LSP ranges through a position function of the text the edits apply to. */
export function toLspEdits(edits: TextEdit[], positionAt: (offset: number) => { line: number; character: number }): LspTextEdit[] {
  return [...edits]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((e) => ({ range: { start: positionAt(e.start), end: positionAt(e.end) }, newText: e.newText }));
}

function fence(code: string): string {
  return '```python\n' + code.replace(/\n+$/, '') + '\n```';
}

/** Markdown documentation of one rule, for hovers. */
export function ruleHoverMarkdown(finding: Pick<Finding, 'code' | 'message' | 'noFixReason'>, docsBaseUrl = ''): string {
  const rule = ruleByCode(finding.code);
  const parts: string[] = [];
  const url = ruleDocsUrl(finding.code, docsBaseUrl);
  const title = rule ? `**${rule.code}** \`${rule.name}\`` : `**${finding.code}**`;
  parts.push(url ? `${title} — [documentation](${url})` : title);
  parts.push(finding.message);
  if (finding.noFixReason) parts.push(`_No automatic fix:_ ${finding.noFixReason}`);
  const docs = rule?.docs;
  const known = (s: string | undefined) => !!s && !undocumented(s);
  if (docs) {
    if (known(docs.what)) parts.push(`**What it does.** ${docs.what}`);
    if (known(docs.why)) parts.push(`**Why it is bad.** ${docs.why}`);
    if (known(docs.example)) parts.push('**Example**\n\n' + fence(docs.example));
    if (known(docs.useInstead)) parts.push('**Use instead**\n\n' + fence(docs.useInstead));
    if (docs.limits?.length) parts.push('**Limits**\n\n' + docs.limits.map((l) => `- ${l}`).join('\n'));
  }
  return parts.join('\n\n');
}
