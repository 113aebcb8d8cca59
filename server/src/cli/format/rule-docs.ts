// Rule documentation rendering, shared by `check --explain`, SARIF rule metadata, the LSP's
// codeDescription links and scripts/gen-rule-docs.ts (which writes docs/rules/*.md).
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { FixAvailability, RuleMeta } from '../../analysis/types';

export const RULE_DOCS_DIR = 'docs/rules';

/** `AM101-legacy-query-in-async.md` */
export function ruleDocFileName(rule: Pick<RuleMeta, 'code' | 'name'>): string {
  return `${rule.code}-${rule.name}.md`;
}

/** A docs paragraph not written yet: empty or TODO. */
export function undocumented(text: string): boolean {
  return text.trim() === 'TODO' || !text.trim();
}

/** True while a rule module is still a placeholder (its docs say TODO). */
export function docsMissing(rule: RuleMeta): boolean {
  return undocumented(rule.docs.what);
}

let cachedRoot: string | null | undefined;

/** The async-migrate package directory (holds package.json and docs/), from the running code's location. */
export function packageRoot(): string | undefined {
  if (cachedRoot !== undefined) return cachedRoot ?? undefined;
  cachedRoot = null;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    try {
      if (JSON.parse(fs.readFileSync(file, 'utf8')).name === 'async-migrate') {
        cachedRoot = dir;
        break;
      }
    } catch {
      /* keep looking */
    }
    if (path.dirname(dir) === dir) break;
  }
  return cachedRoot ?? undefined;
}

/** https base of the docs when package.json names a GitHub repository (`repository` or `homepage`). */
function repositoryDocsBase(): string | undefined {
  const root = packageRoot();
  if (!root) return undefined;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { repository?: string | { url?: string }; homepage?: string };
    const raw = typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository?.url ?? pkg.homepage);
    if (!raw) return undefined;
    const m = /github\.com[/:]([^/]+)\/([^/#]+?)(?:\.git)?(?:[/#].*)?$/.exec(raw) ?? /^github:([^/]+)\/(.+)$/.exec(raw) ?? /^([\w.-]+)\/([\w.-]+)$/.exec(raw);
    if (!m) return undefined;
    return `https://github.com/${m[1]}/${m[2]}/blob/main/${RULE_DOCS_DIR}/`;
  } catch {
    return undefined;
  }
}

/**
 * Where a rule's documentation lives: the repository page when package.json names the
 * repository, else the docs file shipped with the package (a file: URL, absolute as SARIF and
 * LSP require).
 */
export function ruleDocsUrl(rule: Pick<RuleMeta, 'code' | 'name'>): string {
  const base = repositoryDocsBase();
  if (base) return base + ruleDocFileName(rule);
  const root = packageRoot() ?? process.cwd();
  return pathToFileURL(path.join(root, RULE_DOCS_DIR, ruleDocFileName(rule))).href;
}

export function fixAvailabilityText(fix: FixAvailability): string {
  switch (fix) {
    case 'always':
      return 'always available';
    case 'sometimes':
      return 'sometimes available';
    case 'suggestion':
      return 'suggestion only (offered as a quick fix, never applied by `fix`)';
    case 'none':
      return 'none';
  }
}

/** Configuration keys (under [tool.async-migrate]) that change what a rule reports. */
const RULE_SETTINGS: Record<string, string[]> = {
  AM101: ['session.sync-types', 'session.async-types', 'session.async-dependencies', 'session.async-factories'],
  AM102: ['session.sync-types', 'session.sync-dependencies', 'session.sync-factories'],
  AM103: ['session.sync-types', 'session.sync-dependencies', 'session.async-dependency', 'session.async-dependency-module'],
  AM104: ['session.async-types'],
  AM105: ['session.async-types', 'session.async-dependencies'],
  AM201: ['session.async-types', 'session.async-dependencies', 'redis.async-names'],
  AM202: ['twins.module-patterns', 'twins.name-patterns'],
  AM203: ['twins.module-patterns', 'twins.name-patterns'],
  AM204: ['twins.name-patterns'],
  AM301: ['redis.async-names', 'redis.sync-names', 'redis.async-annotations'],
  AM302: ['redis.async-names', 'redis.async-annotations', 'redis.async-dependencies'],
  AM601: ['blocking-calls'],
  AM701: ['twins.module-patterns'],
};

function settingsLines(rule: RuleMeta): string[] {
  const lines = [
    `- Severity: \`[tool.async-migrate.severity]\` \`${rule.code} = "warning"\` (one of error, warning, info, hint, off).`,
    `- Selection: \`select\` / \`ignore\` in \`[tool.async-migrate]\`, or \`--select ${rule.code}\` / \`--ignore ${rule.code}\` on the command line (prefixes like \`${rule.code.slice(0, 3)}\` work too).`,
    `- Suppression: \`# async-migrate: ignore[${rule.code}]\` on the line, or \`# async-migrate: ignore-file[${rule.code}]\` anywhere in the file.`,
  ];
  const keys = RULE_SETTINGS[rule.code];
  if (keys?.length) lines.push(`- Related settings: ${keys.map((k) => `\`${k}\``).join(', ')}.`);
  if (rule.offInCiByDefault) lines.push(`- Off in CI (\`--ci\` or \`CI=true\`) unless selected explicitly (\`--select ${rule.code}\`).`);
  return lines;
}

const TODO_NOTE = '_Not documented yet: this rule is still being implemented._';

function para(text: string): string {
  return undocumented(text) ? TODO_NOTE : text.trim();
}

function codeBlock(code: string): string {
  if (undocumented(code)) return TODO_NOTE;
  return '```python\n' + code.replace(/\s+$/, '') + '\n```';
}

export const GENERATED_NOTE = '<!-- Generated by scripts/gen-rule-docs.ts from the rule registry (npm run docs:rules). Do not edit by hand. -->';

export function renderRuleMarkdown(rule: RuleMeta): string {
  const d = rule.docs;
  const out = [
    GENERATED_NOTE,
    '',
    `# ${rule.code} \`${rule.name}\``,
    '',
    `- **Default severity:** ${rule.defaultSeverity}`,
    `- **Fix:** ${fixAvailabilityText(rule.fix)}`,
    `- **In CI:** ${rule.offInCiByDefault ? 'off unless selected (a hint for the endpoint inventory)' : 'runs'}`,
    '',
    '## What it does',
    '',
    para(d.what),
    '',
    '## Why is this bad?',
    '',
    para(d.why),
    '',
    '## Example',
    '',
    codeBlock(d.example),
    '',
    'Use instead:',
    '',
    codeBlock(d.useInstead),
    '',
    '## Known limits',
    '',
    ...(d.limits.length ? d.limits.map((l) => `- ${l}`) : ['None known.']),
    '',
    '## Configuration',
    '',
    ...settingsLines(rule),
    '',
  ];
  return out.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** First sentence of a paragraph (for tables). */
export function summaryOf(rule: RuleMeta): string {
  if (docsMissing(rule)) return '(not documented yet)';
  const text = rule.docs.what.trim().replace(/\s+/g, ' ');
  const m = /^(.*?[.!?])(\s|$)/.exec(text);
  return m ? m[1] : text;
}

export function renderRulesIndex(rules: readonly RuleMeta[]): string {
  const out = [
    GENERATED_NOTE,
    '',
    '# async-migrate rules',
    '',
    'Every rule has a stable code and a kebab-case name describing the bad pattern. Run `async-migrate check --explain CODE` for the same text in a terminal.',
    '',
    '| Code | Name | Severity | Fix | Summary |',
    '|---|---|---|---|---|',
    ...rules.map((r) => `| [${r.code}](${ruleDocFileName(r)}) | \`${r.name}\` | ${r.defaultSeverity} | ${r.fix} | ${cell(summaryOf(r))} |`),
    '',
    'Fix: `always` — `async-migrate fix` / fix-all can apply it (unsafe fixes need `--unsafe-fixes`); `sometimes` — only where the rewrite is exact; `suggestion` — offered as a quick fix only.',
    '',
    'Rules off in CI by default (hints that feed the endpoint inventory): ' + (rules.filter((r) => r.offInCiByDefault).map((r) => r.code).join(', ') || 'none') + '.',
    '',
  ];
  return out.join('\n');
}

function indent(text: string, prefix: string): string {
  return text
    .replace(/\s+$/, '')
    .split('\n')
    .map((l) => (l ? prefix + l : l))
    .join('\n');
}

/** `check --explain CODE`: the rule's docs as terminal text. */
export function renderExplain(rule: RuleMeta): string {
  const d = rule.docs;
  const section = (title: string, text: string, prefix: string) => [title, indent(undocumented(text) ? '(not documented yet: this rule is still being implemented)' : text, prefix), ''];
  const sections = [
    `${rule.code} ${rule.name}`,
    `Default severity: ${rule.defaultSeverity}. Fix: ${fixAvailabilityText(rule.fix)}.${rule.offInCiByDefault ? ' Off in CI unless selected.' : ''}`,
    '',
    ...section('What it does', d.what, '  '),
    ...section('Why is this bad?', d.why, '  '),
    ...section('Example', d.example, '    '),
    ...section('Use instead', d.useInstead, '    '),
    'Known limits',
    ...(d.limits.length ? d.limits.map((l) => `  - ${l}`) : ['  None known.']),
    '',
    'Configuration',
    ...settingsLines(rule).map((l) => '  ' + l),
    '',
    `Docs: ${ruleDocsUrl(rule)}`,
  ];
  return sections.join('\n');
}
