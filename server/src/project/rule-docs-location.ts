// Where a rule's documentation lives (docs/rules/<CODE>-<name>.md in the package, or its page
// on the repository named in package.json). Shared by the CLI's rule docs (check --explain,
// SARIF, scripts/gen-rule-docs.ts) and the LSP's codeDescription links and hover.
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { RuleMeta } from '../analysis/types';

export const RULE_DOCS_DIR = 'docs/rules';

/** `AM101-legacy-query-in-async.md` */
export function ruleDocFileName(rule: Pick<RuleMeta, 'code' | 'name'>): string {
  return `${rule.code}-${rule.name}.md`;
}

/** A docs paragraph not written yet: empty or TODO. */
export function undocumented(text: string): boolean {
  return text.trim() === 'TODO' || !text.trim();
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
