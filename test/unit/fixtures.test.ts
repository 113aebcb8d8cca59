// Generic fixture runner for every rule. Convention:
//
//   test/fixtures/rules/<rule-name>/<file>.py    a single-file workspace (its path is "<file>.py")
//   test/fixtures/rules/<rule-name>/<dir>/**.py  one multi-file workspace: every .py under <dir>,
//                                                 with paths relative to <dir> (so <dir>/app/models.py
//                                                 is the module app.models)
//
//   Mark each line where a finding must start with a trailing comment
//       db.query(User).all()  # expect: AM101
//   (several codes comma-separated: `# expect: AM101, AM104`).
//
// The codes checked in a rule directory are the directory's own rule code plus every code named
// in an expectation anywhere under it. For each workspace, the set of (file, line, code) findings
// of those codes must equal the expectations exactly — so unmarked lines assert silence. Applying
// all fixes of those codes must not make a file parse worse, and must be idempotent.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeFile, fixText, parseSource } from '../../server/src/analysis/engine';
import { ruleByCode } from '../../server/src/analysis/rules/registry';
import { buildIndex, makeConfig, type Files } from './helpers';

const ROOT = path.join(__dirname, '..', 'fixtures', 'rules');
/** Safe fixes the fixtures offer and fix, at least (measured: 49 over 20 workspaces, 2026-12-07; margin for fixes other work may withdraw). */
const MIN_SAFE_FIXES = 30;
const EXPECT = /#\s*expect:\s*([A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)\s*$/;

function pythonFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...pythonFilesUnder(full));
    else if (entry.name.endsWith('.py')) out.push(full);
  }
  return out.sort();
}

interface Workspace {
  name: string;
  files: Files;
}

function workspacesOf(ruleDir: string): Workspace[] {
  const out: Workspace[] = [];
  for (const entry of fs.readdirSync(ruleDir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(ruleDir, entry.name);
    if (entry.isFile() && entry.name.endsWith('.py')) out.push({ name: entry.name, files: { [entry.name]: fs.readFileSync(full, 'utf8') } });
    else if (entry.isDirectory()) {
      const files: Files = {};
      for (const file of pythonFilesUnder(full)) files[path.relative(full, file).split(path.sep).join('/')] = fs.readFileSync(file, 'utf8');
      if (Object.keys(files).length) out.push({ name: `${entry.name}/`, files });
    }
  }
  return out;
}

/** "path:line CODE" for every expectation comment. */
function expectations(files: Files): string[] {
  const out: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    text.split(/\r?\n/).forEach((line, i) => {
      const m = EXPECT.exec(line);
      if (m) for (const code of m[1].split(',')) out.push(`${file}:${i + 1} ${code.trim()}`);
    });
  }
  return out.sort();
}

const ruleDirs = fs.existsSync(ROOT) ? fs.readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];

/** What the idempotency checks saw, over every workspace that ran. */
const totals = { workspaces: 0, safeFixable: 0, applied: 0 };

describe('rule fixtures (test/fixtures/rules, `# expect: CODE` comments)', () => {
  const allWorkspaces = ruleDirs.reduce((n, dir) => n + workspacesOf(path.join(ROOT, dir)).length, 0);
  after(() => {
    // A full run (not a --grep subset) must have fixed a good share of the fixtures.
    if (totals.workspaces !== allWorkspaces) return;
    console.log(`      fixes: ${totals.applied} applied of ${totals.safeFixable} safe fixes offered over ${totals.workspaces} workspaces`);
    assert.ok(totals.safeFixable >= MIN_SAFE_FIXES && totals.applied >= MIN_SAFE_FIXES, `only ${totals.applied} fixes applied of ${totals.safeFixable} offered (at least ${MIN_SAFE_FIXES} expected)`);
  });

  for (const ruleName of ruleDirs) {
    const workspaces = workspacesOf(path.join(ROOT, ruleName));
    const own = ruleByCode(ruleName)?.code;
    const codes = new Set<string>(own ? [own] : []);
    for (const ws of workspaces) for (const e of expectations(ws.files)) codes.add(e.split(' ')[1]);
    const select = [...codes].sort();

    describe(`${ruleName} (${select.join(', ') || 'no code'})`, () => {
      it('names a known rule', () => {
        assert.ok(own, `test/fixtures/rules/${ruleName} does not match a rule name`);
      });
      for (const ws of workspaces) {
        it(`${ws.name}: findings are exactly the expected ones`, async () => {
          const config = makeConfig();
          const index = await buildIndex(ws.files, config);
          const actual: string[] = [];
          const messages: string[] = [];
          for (const [file, text] of Object.entries(ws.files)) {
            const { file: source } = parseSource(file, text, config);
            try {
              for (const f of analyzeFile(source, index, config, { select })) {
                if (f.code === 'AM000') assert.fail(f.message);
                actual.push(`${file}:${f.range.start.line + 1} ${f.code}`);
                messages.push(`${file}:${f.range.start.line + 1} ${f.code} ${f.message}`);
              }
            } finally {
              source.dispose();
            }
          }
          const want = expectations(ws.files);
          const got = [...new Set(actual)].sort();
          const missing = want.filter((e) => !got.includes(e));
          const extra = got.filter((e) => !want.includes(e));
          assert.deepStrictEqual({ missing, extra }, { missing: [], extra: [] }, messages.join('\n'));
        });

        it(`${ws.name}: fixes keep parsing and are idempotent`, async () => {
          const config = makeConfig();
          let safeFixable = 0;
          let applied = 0;
          for (const [file, text] of Object.entries(ws.files)) {
            const index = await buildIndex(ws.files, config);
            const { file: original } = parseSource(file, text, config);
            try {
              safeFixable += analyzeFile(original, index, config, { select }).filter((f) => f.fix?.applicability === 'safe').length;
            } finally {
              original.dispose();
            }
            const result = fixText(file, text, index, config, { select });
            const once = result.text;
            applied += result.applied.length;
            const before = parseSource(file, text, config).file;
            const after = parseSource(file, once, config).file;
            try {
              assert.ok(before.root.hasError || !after.root.hasError, `${file}: fixes introduced a syntax error`);
            } finally {
              before.dispose();
              after.dispose();
            }
            const twice = fixText(file, once, await buildIndex({ ...ws.files, [file]: once }, config), config, { select }).text;
            assert.strictEqual(twice, once, `${file}: fixes are not idempotent`);
          }
          // Not vacuous: a workspace with safe fixes on offer had them applied (and checked above).
          if (safeFixable) assert.ok(applied >= 1, `${safeFixable} safe fixes offered, none applied`);
          totals.workspaces++;
          totals.safeFixable += safeFixable;
          totals.applied += applied;
        });
      }
    });
  }
});
