// The executable proof of the Query → select() rewriter (spec §5: "rewrites are proven by
// executing them"). test/equivalence/cases.py holds legacy sync cases; this test turns each into
// `async def case_*(db: AsyncSession)`, lets AM101's fix rewrite the file, and runs the original on
// a sync Session and the migrated code on an AsyncSession (aiosqlite), each on a fresh copy of the
// same seeded SQLite database, comparing results and table contents afterwards.
// Cases named `*_unsupported` must be refused; where AM101 offers a run_sync suggestion, that
// suggestion is applied and proven equivalent too.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixText, parseSource } from '../../server/src/analysis/engine';
import { applyEdits, selectNonOverlapping } from '../../server/src/analysis/fixes/edits';
import type { Finding } from '../../server/src/analysis/types';
import { PYTHON, asyncVersion, pythonReady } from './equivalence-support';
import { buildIndex, makeConfig, skipOrFailInCi } from './helpers';

const DIR = path.join(__dirname, '..', 'equivalence');
const LEGACY = fs.readFileSync(path.join(DIR, 'cases.py'), 'utf8');
const MODELS = fs.readFileSync(path.join(DIR, 'models.py'), 'utf8');

/** Cases the rewriter must refuse, and which of them get a run_sync suggestion. */
const EXPECTED_REFUSED = [
  'case_90_from_self_other_table_unsupported',
  'case_91_exists_with_options_unsupported',
  'case_92_with_entities_after_join_unsupported',
  'case_93_yield_per_unsupported',
  'case_94_populate_existing_unsupported',
  'case_95_string_join_unsupported',
  'case_95b_generator_consumed_by_any_unsupported',
  'case_95c_lambda_unsupported',
  'case_96_query_passed_on_unsupported',
];
const EXPECTED_SUGGESTED = [
  'case_90_from_self_other_table_unsupported',
  'case_91_exists_with_options_unsupported',
  'case_92_with_entities_after_join_unsupported',
  'case_94_populate_existing_unsupported',
  'case_95_string_join_unsupported',
  'case_95b_generator_consumed_by_any_unsupported',
  'case_95c_lambda_unsupported',
];

interface CaseSource {
  name: string;
  source: string;
}

function caseSources(text: string): CaseSource[] {
  const out: CaseSource[] = [];
  const re = /^def (case_\w+)\(db\):\n((?:[ \t]+.*\n|\n)*)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ name: m[1], source: m[0] });
  return out;
}

/** The case function (or helper) a finding belongs to. */
function caseAt(text: string, offset: number): string | undefined {
  const before = text.slice(0, offset);
  // Findings in a module-level helper belong to the helper, not to the case above it.
  const all = [...before.matchAll(/^(?:async )?def (\w+)/gm)];
  return all.at(-1)?.[1];
}

interface Verdict {
  name: string;
  sync: string;
  async_?: string;
  equal?: boolean;
  tablesEqual?: boolean;
}

describe('Query → select() equivalence (executed on SQLite: sync Session vs AsyncSession)', function () {
  this.timeout(180_000);
  const cases = caseSources(LEGACY);
  let migrated = '';
  let refused: Finding[] = [];
  const refusedNames = new Set<string>();
  const suggestedNames = new Set<string>();
  const verdicts = new Map<string, Verdict>();

  before(async function () {
    const missing = pythonReady();
    if (missing) skipOrFailInCi(this, `the equivalence proof cannot run: ${missing}`);
    const config = makeConfig();
    const asyncText = asyncVersion(LEGACY);
    const files = { 'models.py': MODELS, 'migrated_cases.py': asyncText };
    const index = await buildIndex(files, config);
    // AM102 too: a sync helper returning a Query is rewritten (with its async callers) by AM102.
    const result = fixText('migrated_cases.py', asyncText, index, config, { select: ['AM101', 'AM102'], maxPasses: 20 });
    refused = result.remaining.filter((f) => f.code === 'AM101' || f.code === 'AM102');
    for (const f of refused) refusedNames.add(caseAt(result.text, f.start) ?? '?');
    // Apply the run_sync suggestions of refused chains, so they are proven as well.
    const suggestions = refused.filter((f) => f.suggestions?.length);
    for (const f of suggestions) suggestedNames.add(caseAt(result.text, f.start) ?? '?');
    const { edits } = selectNonOverlapping(suggestions.map((f) => f.suggestions![0].edits));
    migrated = applyEdits(result.text, edits);

    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'am-equivalence-'));
    try {
      const migratedPath = path.join(work, 'migrated_cases.py');
      const manifestPath = path.join(work, 'manifest.json');
      fs.writeFileSync(migratedPath, migrated);
      const manifest = {
        cases: cases.map((c) => ({ name: c.name, ordered: /order_by/.test(c.source), run_async: !refusedNames.has(c.name) || suggestedNames.has(c.name) })),
      };
      fs.writeFileSync(manifestPath, JSON.stringify(manifest));
      const out = execFileSync(PYTHON, [path.join(DIR, 'harness.py'), path.join(DIR, 'cases.py'), migratedPath, manifestPath], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      for (const v of JSON.parse(out) as Verdict[]) verdicts.set(v.name, v);
    } catch (error) {
      fs.writeFileSync(path.join(os.tmpdir(), 'am-equivalence-last-migrated.py'), migrated);
      throw error;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    const run = [...verdicts.values()].filter((v) => v.equal !== undefined);
    console.log(`    equivalence: ${cases.length} cases, ${run.filter((v) => v.equal).length} equivalent, ${refusedNames.size} refused (${suggestedNames.size} proven through their run_sync suggestion)`);
  });

  it('has 40+ cases', () => {
    assert.ok(cases.length >= 40, `only ${cases.length} cases`);
  });

  it('the migrated module parses cleanly', async () => {
    const { file } = parseSource('migrated_cases.py', migrated, makeConfig());
    try {
      assert.strictEqual(file.root.hasError, false);
    } finally {
      file.dispose();
    }
  });

  it('refuses exactly the deliberately unsupported cases, each with a reason', () => {
    assert.deepStrictEqual([...refusedNames].sort(), EXPECTED_REFUSED);
    for (const f of refused) assert.ok(f.noFixReason && f.noFixReason.length > 10, `no reason for ${f.message}`);
    assert.deepStrictEqual([...suggestedNames].sort(), EXPECTED_SUGGESTED);
  });

  it('leaves no legacy query in the rewritten cases', () => {
    for (const c of cases) {
      if (refusedNames.has(c.name)) continue;
      const body = new RegExp(`^async def ${c.name}\\(db: AsyncSession\\):\\n((?:[ \\t]+.*\\n|\\n)*)`, 'm').exec(migrated)?.[1] ?? '';
      assert.ok(body.length > 0 && !/\bdb\.query\(/.test(body), `${c.name} still uses db.query:\n${body}`);
      assert.ok(/\bawait\b/.test(body), `${c.name} is not awaited:\n${body}`);
    }
  });

  for (const c of cases) {
    it(`${c.name}: same result and same tables`, function () {
      const v = verdicts.get(c.name);
      assert.ok(v, `no verdict for ${c.name}`);
      if (v.equal === undefined) {
        assert.ok(EXPECTED_REFUSED.includes(c.name) && !EXPECTED_SUGGESTED.includes(c.name), `${c.name} was not run on AsyncSession`);
        return;
      }
      const body = new RegExp(`^async def ${c.name}\\(db: AsyncSession\\):\\n((?:[ \\t]+.*\\n|\\n)*)`, 'm').exec(migrated)?.[1] ?? '';
      assert.ok(v.equal, `${c.name} differs${v.tablesEqual === false ? ' (table contents)' : ''}\nsync:  ${v.sync}\nasync: ${v.async_}\nmigrated:\n${body}`);
    });
  }
});

describe('AM104 / AM105 fixes (executed: the bug raises, the fixed code matches a sync reference)', function () {
  this.timeout(120_000);
  const original = fs.readFileSync(path.join(DIR, 'fix_cases.py'), 'utf8');
  const bugs = [...original.matchAll(/^async def (bug_(am10[45])_\w+)\(/gm)].map((m) => ({ name: m[1], code: m[2].toUpperCase() }));
  let fixedText = '';
  let fixedCodes = new Map<string, string[]>();
  const verdicts = new Map<string, { original: { raises?: string; value?: string }; fixed: { raises?: string; value?: string }; expected: { raises?: string; value?: string } }>();

  before(async function () {
    const missing = pythonReady();
    if (missing) skipOrFailInCi(this, `the AM104/AM105 fix proof cannot run: ${missing}`);
    const config = makeConfig();
    const index = await buildIndex({ 'models.py': MODELS, 'fix_cases.py': original }, config);
    const result = fixText('fix_cases.py', original, index, config, { select: ['AM104', 'AM105'] });
    fixedText = result.text;
    fixedCodes = new Map();
    for (const f of result.applied) {
      const name = [...original.slice(0, f.start).matchAll(/^async def (bug_\w+)/gm)].at(-1)?.[1] ?? '?';
      fixedCodes.set(name, [...(fixedCodes.get(name) ?? []), f.code]);
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'am-fixes-'));
    try {
      const fixedPath = path.join(work, 'fix_cases_fixed.py');
      fs.writeFileSync(fixedPath, fixedText);
      const out = execFileSync(PYTHON, [path.join(DIR, 'fix_harness.py'), path.join(DIR, 'fix_cases.py'), fixedPath], { encoding: 'utf8' });
      for (const v of JSON.parse(out)) verdicts.set(v.name, v);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('has cases for both rules', () => {
    assert.ok(bugs.filter((b) => b.code === 'AM104').length >= 3 && bugs.filter((b) => b.code === 'AM105').length >= 3);
  });

  for (const bug of bugs) {
    it(`${bug.name}: raises as written, fixed by ${bug.code}, same result as the sync reference`, () => {
      const v = verdicts.get(bug.name);
      assert.ok(v, `no verdict for ${bug.name}`);
      assert.strictEqual(v.original.raises, bug.code === 'AM104' ? 'InvalidRequestError' : 'MissingGreenlet', 'the bug does not reproduce');
      assert.ok((fixedCodes.get(bug.name) ?? []).includes(bug.code), `${bug.code} fixed nothing in ${bug.name}`);
      assert.strictEqual(v.expected.raises, undefined, `reference raised ${v.expected.raises}`);
      assert.deepStrictEqual(v.fixed, v.expected, `fixed code:\n${new RegExp(`^async def ${bug.name}\\(db\\):\\n((?:[ \\t]+.*\\n|\\n)*)`, 'm').exec(fixedText)?.[0]}`);
    });
  }
});
