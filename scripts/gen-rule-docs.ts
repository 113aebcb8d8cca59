// Generates docs/rules/README.md and docs/rules/<CODE>-<name>.md from the rule registry, so the
// links in SARIF (helpUri) and LSP diagnostics (codeDescription) always reach current docs.
//
//   npm run docs:rules            write the docs
//   npx tsx scripts/gen-rule-docs.ts --check   exit 1 when the committed docs are out of date
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../server/src/analysis/rules/registry';
import { renderRuleMarkdown, renderRulesIndex } from '../server/src/cli/format/rule-docs';
import { RULE_DOCS_DIR, ruleDocFileName } from '../server/src/project/rule-docs-location';

export const ROOT = path.resolve(__dirname, '..');

/** File name (inside docs/rules) → content. */
export function generateRuleDocs(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('README.md', renderRulesIndex(RULES));
  for (const rule of RULES) files.set(ruleDocFileName(rule), renderRuleMarkdown(rule));
  return files;
}

const GENERATED_FILE = /^AM\d+-[a-z0-9-]+\.md$/;

export interface DocsDrift {
  missing: string[];
  outdated: string[];
  /** Generated-looking files for rules that no longer exist. */
  extra: string[];
}

export function checkRuleDocs(dir = path.join(ROOT, RULE_DOCS_DIR)): DocsDrift {
  const expected = generateRuleDocs();
  const drift: DocsDrift = { missing: [], outdated: [], extra: [] };
  for (const [name, content] of expected) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) drift.missing.push(name);
    else if (fs.readFileSync(file, 'utf8') !== content) drift.outdated.push(name);
  }
  const present = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  drift.extra = present.filter((f) => GENERATED_FILE.test(f) && !expected.has(f));
  return drift;
}

export function writeRuleDocs(dir = path.join(ROOT, RULE_DOCS_DIR)): { written: number; removed: string[] } {
  fs.mkdirSync(dir, { recursive: true });
  const expected = generateRuleDocs();
  let written = 0;
  for (const [name, content] of expected) {
    const file = path.join(dir, name);
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) continue;
    fs.writeFileSync(file, content);
    written++;
  }
  const removed = fs.readdirSync(dir).filter((f) => GENERATED_FILE.test(f) && !expected.has(f));
  for (const f of removed) fs.unlinkSync(path.join(dir, f));
  return { written, removed };
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const drift = checkRuleDocs();
    const problems = [...drift.missing.map((f) => `missing ${f}`), ...drift.outdated.map((f) => `outdated ${f}`), ...drift.extra.map((f) => `stale ${f}`)];
    if (problems.length) {
      console.error(`docs/rules is out of date (run npm run docs:rules):\n  ${problems.join('\n  ')}`);
      process.exit(1);
    }
    console.log('docs/rules is up to date');
  } else {
    const { written, removed } = writeRuleDocs();
    console.log(`docs/rules: ${written} file(s) written${removed.length ? `, removed ${removed.join(', ')}` : ''} (${RULES.length} rules)`);
  }
}
