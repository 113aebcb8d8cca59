// The executed proof of fixes that edit several modules (issue 14, items 6 and 7 across files):
// test/equivalence/multifile/mf is a legacy package whose helpers (mf/queries.py) are finished or
// called in other modules. Its cases become `async def` on an AsyncSession (as in
// equivalence.test.ts), the AM101/AM102 fixes rewrite the package — a helper together with its
// callers in other modules — and each case runs on a sync Session (original) and on an
// AsyncSession over aiosqlite (migrated), on copies of the same seeded database: same result,
// same tables afterwards. Cases named `*_unsupported` depend on a refused fix, whose reason must
// name the caller in the other module.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixText, parseSource } from '../../server/src/analysis/engine';
import type { Finding } from '../../server/src/analysis/types';
import { PYTHON, asyncVersion, pythonReady } from './equivalence-support';
import { buildIndex, makeConfig, skipOrFailInCi } from './helpers';

const DIR = path.join(__dirname, '..', 'equivalence');
const PACKAGE = path.join(DIR, 'multifile');
const MODELS = fs.readFileSync(path.join(DIR, 'models.py'), 'utf8');

function legacyFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(path.join(PACKAGE, 'mf')).sort()) if (name.endsWith('.py')) out[`mf/${name}`] = fs.readFileSync(path.join(PACKAGE, 'mf', name), 'utf8');
  return out;
}

interface Case {
  module: string;
  name: string;
  path: string;
  source: string;
}

function casesOf(files: Record<string, string>): Case[] {
  const out: Case[] = [];
  for (const [rel, text] of Object.entries(files)) {
    const re = /^def (case_\w+)\(db\):\n((?:[ \t]+.*\n|\n)*)/gm;
    for (let m = re.exec(text); m; m = re.exec(text)) out.push({ module: rel.replace(/\.py$/, '').replace(/\//g, '.'), name: m[1], path: rel, source: m[0] });
  }
  return out;
}

interface Verdict {
  module: string;
  name: string;
  sync: string;
  async_?: string;
  equal?: boolean;
  tablesEqual?: boolean;
}

/** The fixes refused, by helper, and the caller in another module each reason must name. */
const EXPECTED_REFUSALS: [string, RegExp][] = [
  ['liked_posts_query', /in `mf\/stats\.py`: the Query from `liked_posts_query` is passed on or kept on line 22/],
  ['member_names', /`nightly_member_report` \(mf\/reports\.py:11\) calls `member_names` and cannot await it once it is async: the enclosing function `nightly_member_report` is a plain `def`/],
];

describe('Fixes across modules: a helper with its callers in other files (executed on SQLite: sync Session vs AsyncSession)', function () {
  this.timeout(180_000);
  const legacy = legacyFiles();
  const cases = casesOf(legacy);
  const migrated: Record<string, string> = {};
  let refused: Finding[] = [];
  let applied: Finding[] = [];
  const verdicts = new Map<string, Verdict>();

  before(async function () {
    const missing = pythonReady();
    if (missing) skipOrFailInCi(this, `the equivalence proof cannot run: ${missing}`);
    const config = makeConfig();
    const texts = new Map<string, string>([['models.py', MODELS], ...Object.entries(legacy).map(([rel, text]): [string, string] => [rel, asyncVersion(text)])]);
    const index = await buildIndex(Object.fromEntries(texts), config);
    index.sources = { textOf: (rel) => texts.get(rel) };
    // As `async-migrate fix` does: each file in turn, other files' edits applied to the texts.
    const remaining = new Map<string, Finding[]>();
    for (const rel of Object.keys(legacy).sort()) {
      const result = fixText(rel, texts.get(rel)!, index, config, { select: ['AM101', 'AM102'], maxPasses: 20, otherFiles: true });
      texts.set(rel, result.text);
      for (const [other, text] of result.otherTexts) {
        texts.set(other, text);
        remaining.delete(other);
      }
      remaining.set(rel, result.remaining.filter((f) => f.code === 'AM101' || f.code === 'AM102'));
      applied.push(...result.applied);
    }
    refused = [...remaining.values()].flat();
    for (const rel of Object.keys(legacy)) migrated[rel] = texts.get(rel)!;

    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'am-equivalence-mf-'));
    try {
      for (const [rel, text] of Object.entries(migrated)) {
        fs.mkdirSync(path.join(work, 'migrated', path.dirname(rel)), { recursive: true });
        fs.writeFileSync(path.join(work, 'migrated', rel), text);
      }
      const manifestPath = path.join(work, 'manifest.json');
      const manifest = { cases: cases.map((c) => ({ module: c.module, name: c.name, ordered: /order_by/.test(c.source), run_async: !c.name.endsWith('_unsupported') })) };
      fs.writeFileSync(manifestPath, JSON.stringify(manifest));
      const out = execFileSync(PYTHON, [path.join(DIR, 'multifile_harness.py'), PACKAGE, path.join(work, 'migrated'), manifestPath], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      for (const v of JSON.parse(out) as Verdict[]) verdicts.set(`${v.module}.${v.name}`, v);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    const run = [...verdicts.values()].filter((v) => v.equal !== undefined);
    console.log(`    equivalence across modules: ${cases.length} cases, ${run.filter((v) => v.equal).length} equivalent, ${cases.length - run.length} refused`);
  });

  it('every migrated module parses cleanly', () => {
    for (const [rel, text] of Object.entries(migrated)) {
      const { file } = parseSource(rel, text, makeConfig());
      try {
        assert.strictEqual(file.root.hasError, false, rel);
      } finally {
        file.dispose();
      }
    }
  });

  it('each helper was rewritten with its callers in other modules, as one fix', () => {
    const titles = applied.map((f) => f.fix!.title);
    assert.ok(titles.includes('Return a select() from `active_users_query` and execute it at its 4 calls, 4 in other files (SQLAlchemy 2.0)'), titles.join('\n'));
    assert.ok(titles.includes('Return a select() from `gym_members_query` and execute it at its 1 call, 1 in other files (SQLAlchemy 2.0)'), titles.join('\n'));
    assert.ok(titles.some((t) => t.startsWith('Make `oldest_member_name` async, await its 2 call(s), 2 in other files,')), titles.join('\n'));
    for (const f of applied.filter((f) => /active_users_query|gym_members_query|oldest_member_name/.test(f.fix!.title))) {
      assert.strictEqual(f.path, 'mf/queries.py');
      assert.deepStrictEqual(f.fix!.otherFiles!.map((o) => o.path).sort(), /gym_members/.test(f.fix!.title) ? ['mf/stats.py'] : ['mf/listing.py', 'mf/stats.py']);
    }
    assert.match(migrated['mf/listing.py'], /return \(await db\.execute\(active_users_query\(db\)\.order_by\(User\.id\)\)\)\.scalars\(\)\.all\(\)/);
    assert.match(migrated['mf/stats.py'], /\[await queries\.oldest_member_name\(db\), len\(\(await db\.execute\(queries\.active_users_query\(db\)\)\)\.scalars\(\)\.all\(\)\)\]/);
    assert.match(migrated['mf/queries.py'], /^async def oldest_member_name\(db: AsyncSession\):/m);
  });

  it('refuses a helper whose caller in another module cannot be rewritten, naming that caller, and edits none of its callers', () => {
    for (const [helper, reason] of EXPECTED_REFUSALS) {
      // On the helper's own query: the function around the finding in the fixed text.
      const finding = refused.find((f) => f.path === 'mf/queries.py' && [...migrated['mf/queries.py'].slice(0, f.start).matchAll(/^(?:async )?def (\w+)/gm)].at(-1)?.[1] === helper);
      assert.ok(finding, `no refusal for ${helper}: ${refused.map((f) => `${f.path}:${f.range.start.line + 1} ${f.noFixReason}`).join('\n')}`);
      assert.ok(!finding.fix);
      assert.match(finding.noFixReason ?? '', reason);
    }
    assert.match(migrated['mf/listing.py'], /return liked_posts_query\(db\)\.count\(\)/);
    assert.match(migrated['mf/reports.py'], /return member_names\(db, 1\)/);
    assert.strictEqual(refused.length, EXPECTED_REFUSALS.length, refused.map((f) => `${f.path}:${f.range.start.line + 1} ${f.noFixReason}`).join('\n'));
  });

  for (const c of cases) {
    it(`${c.module}.${c.name}: ${c.name.endsWith('_unsupported') ? 'left as written (its helper is refused)' : 'same result and same tables'}`, () => {
      const v = verdicts.get(`${c.module}.${c.name}`);
      assert.ok(v, `no verdict for ${c.name}`);
      if (c.name.endsWith('_unsupported')) {
        assert.strictEqual(v.equal, undefined);
        return;
      }
      const body = new RegExp(`^async def ${c.name}\\(db: AsyncSession\\):\\n((?:[ \\t]+.*\\n|\\n)*)`, 'm').exec(migrated[c.path])?.[0] ?? '';
      assert.ok(body && !/\bdb\.query\(|_query\(db\)\.(all|count|first)\(/.test(body), `${c.name} was not migrated:\n${body}`);
      assert.ok(v.equal, `${c.name} differs${v.tablesEqual === false ? ' (table contents)' : ''}\nsync:  ${v.sync}\nasync: ${v.async_}\nmigrated:\n${body}`);
    });
  }
});
