// Engine data → LSP data: diagnostics, text edits, rule docs links and hover markdown.
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { type CodeDescription, type Diagnostic, DiagnosticSeverity, DiagnosticTag, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import { ruleByCode } from '../analysis/rules/registry';
import type { Finding, Range, Severity, TextEdit } from '../analysis/types';
import { RULE_DOCS_DIR, packageRoot, ruleDocFileName, ruleDocsUrl as packagedRuleDocsUrl, undocumented } from '../project/rule-docs-location';
import type { DiagnosticData } from './protocol';

export const SOURCE = 'async-migrate';

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
    // Asked for diagnostics and hovers: look at the disk once per rule.
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
  docsBaseUrl: string;
  /** Workspace-relative path → URI (for related information). */
  uriOf(relPath: string): string;
}

const SEVERITIES: Record<Severity, DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };

/** One CodeDescription object per rule and docs base URL, shared by the diagnostics that link to it (null: no page). */
const codeDescriptions = new Map<string, CodeDescription | null>();

function codeDescriptionOf(code: string, docsBaseUrl: string): CodeDescription | undefined {
  const key = `${docsBaseUrl}\0${code}`;
  let description = codeDescriptions.get(key);
  if (description === undefined) {
    const href = ruleDocsUrl(code, docsBaseUrl);
    codeDescriptions.set(key, (description = href ? { href } : null));
  }
  return description ?? undefined;
}

/** The one definition of a finding's diagnostic: whatever it reads from the finding, sameButRange compares too (DiagnosticReuse). */
export function toDiagnostic(finding: Finding, context: ToDiagnosticContext): Diagnostic {
  let message = finding.message;
  if (finding.noFixReason && !message.includes(finding.noFixReason)) message += ` (no automatic fix: ${finding.noFixReason})`;
  const diagnostic: Diagnostic = { range: finding.range, severity: SEVERITIES[finding.severity] ?? DiagnosticSeverity.Hint, code: finding.code, source: SOURCE, message };
  // Only what a client may act on without asking the server (the code actions find their
  // finding by code and range): the message already says why there is no fix.
  if (finding.fix || finding.suggestions?.length) {
    const data: DiagnosticData = {};
    if (finding.fix) data.fix = finding.fix.applicability;
    if (finding.suggestions?.length) data.suggestions = finding.suggestions.length;
    diagnostic.data = data;
  }
  const codeDescription = codeDescriptionOf(finding.code, context.docsBaseUrl);
  if (codeDescription) diagnostic.codeDescription = codeDescription;
  if (finding.related?.length) {
    diagnostic.relatedInformation = finding.related.map((r) => ({ location: { uri: context.uriOf(r.path), range: r.range }, message: r.message }));
  }
  const tags: DiagnosticTag[] = [];
  if (finding.tags?.includes('unnecessary')) tags.push(DiagnosticTag.Unnecessary);
  if (finding.tags?.includes('deprecated')) tags.push(DiagnosticTag.Deprecated);
  if (tags.length) diagnostic.tags = tags;
  return diagnostic;
}

/**
 * The diagnostics of one document's last publish, reused for its next one: while typing, the
 * incremental analysis carries most findings over with their message and fixes unchanged (and
 * their position shifted), so converting each one again and holding a new object per finding
 * only fed the garbage collector. A finding equal in everything toDiagnostic reads but its range
 * gets the previous Diagnostic object when the range is equal too, else a copy with its range.
 * The result is always what toDiagnostic gives (test/unit/lsp/publish-reuse.test.ts).
 */
export class DiagnosticReuse {
  private previous = new Map<string, ReuseGroup>();
  private docsBaseUrl: string | undefined;

  convert(findings: readonly Finding[], context: ToDiagnosticContext): Diagnostic[] {
    // A new docs base URL changes every link: nothing is reused.
    const previous = context.docsBaseUrl === this.docsBaseUrl ? this.previous : undefined;
    const next = new Map<string, ReuseGroup>();
    const out: Diagnostic[] = new Array(findings.length);
    for (let i = 0; i < findings.length; i++) {
      const finding = findings[i];
      // Related locations have ranges and URIs of their own: converted each time (rare).
      if (finding.related?.length) {
        out[i] = toDiagnostic(finding, context);
        continue;
      }
      // Findings with the same message are paired in document order (both lists are sorted).
      const group = previous?.get(finding.message);
      const candidate = group && group.next < group.entries.length ? group.entries[group.next] : undefined;
      let diagnostic: Diagnostic;
      if (candidate && sameButRange(candidate.finding, finding)) {
        group!.next++;
        diagnostic = sameRange(candidate.diagnostic.range, finding.range) ? candidate.diagnostic : { ...candidate.diagnostic, range: finding.range };
      } else diagnostic = toDiagnostic(finding, context);
      out[i] = diagnostic;
      const entry = { finding, diagnostic };
      const mine = next.get(finding.message);
      if (mine) mine.entries.push(entry);
      else next.set(finding.message, { entries: [entry], next: 0 });
    }
    this.previous = next;
    this.docsBaseUrl = context.docsBaseUrl;
    return out;
  }
}

interface ReuseGroup {
  entries: { finding: Finding; diagnostic: Diagnostic }[];
  /** The first entry not paired yet with a finding of the next publish. */
  next: number;
}

/** Equal in everything toDiagnostic reads but the range (the message is the group's key; neither has related locations). */
function sameButRange(a: Finding, b: Finding): boolean {
  return (
    a.code === b.code &&
    a.severity === b.severity &&
    a.message === b.message &&
    a.noFixReason === b.noFixReason &&
    a.fix?.applicability === b.fix?.applicability &&
    (a.suggestions?.length ?? 0) === (b.suggestions?.length ?? 0) &&
    sameTags(a.tags, b.tags)
  );
}

function sameTags(a: Finding['tags'], b: Finding['tags']): boolean {
  if (a === b) return true;
  if ((a?.length ?? 0) !== (b?.length ?? 0)) return false;
  return !a || a.every((t, i) => t === b![i]);
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
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
