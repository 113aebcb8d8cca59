// Every rule's documentation is generated from the registry and committed under docs/rules/;
// SARIF helpUri and LSP codeDescription link there, so stale docs are a bug.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../../../server/src/analysis/rules/registry';
import { renderRuleMarkdown } from '../../../server/src/cli/format/rule-docs';
import { ruleDocFileName, ruleDocsUrl } from '../../../server/src/project/rule-docs-location';
import { ROOT, checkRuleDocs } from '../../../scripts/gen-rule-docs';

describe('rule docs', () => {
  it('docs/rules is up to date with the rule registry (run `npm run docs:rules` when this fails)', () => {
    const drift = checkRuleDocs();
    assert.deepStrictEqual(drift, { missing: [], outdated: [], extra: [] }, 'docs/rules is out of date: run `npm run docs:rules` and commit the result');
  });

  it('every rule has a page with the required sections, linked from the index', () => {
    const index = fs.readFileSync(path.join(ROOT, 'docs/rules/README.md'), 'utf8');
    for (const rule of RULES) {
      const page = renderRuleMarkdown(rule);
      for (const section of ['## What it does', '## Why is this bad?', '## Example', 'Use instead:', '## Known limits', '## Configuration']) assert.ok(page.includes(section), `${rule.code}: ${section}`);
      assert.ok(page.includes(`# ${rule.code} \`${rule.name}\``));
      assert.ok(index.includes(`[${rule.code}](${ruleDocFileName(rule)})`), `${rule.code} linked from README`);
      const url = ruleDocsUrl(rule);
      assert.ok(url.endsWith(`docs/rules/${ruleDocFileName(rule)}`), url);
      if (url.startsWith('file:')) assert.ok(fs.existsSync(new URL(url)), `${url} exists`);
    }
  });
});
