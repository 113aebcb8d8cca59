// AM101/AM102 fixes that edit other files (Fix.otherFiles): a Query helper's callers and the
// callers of a plain def made async, found in other modules through their imports (by name, by
// alias, through the module) and edited in the same fix; refused — naming the file and line —
// where a use cannot be followed. The engine builds them only with the other files' texts.
import * as assert from 'assert';
import { analyzeFile, editsOtherFiles, fixText, isFileWide, parseSource } from '../../../server/src/analysis/engine';
import { applyEdits } from '../../../server/src/analysis/fixes/edits';
import { analyzeFileIncremental } from '../../../server/src/analysis/incremental';
import type { Finding } from '../../../server/src/analysis/types';
import { buildIndex, makeConfig, py, type Files } from '../helpers';
import { MODELS } from './orm-models';

const HELPER = py`
  from sqlalchemy.ext.asyncio import AsyncSession
  from app.models import User

  def oldest(db: AsyncSession):
      return db.query(User).order_by(User.id).first()
`;

function workspace(callers: Record<string, string>, helper = HELPER): Files {
  return { 'app/models.py': MODELS, 'app/queries.py': helper, ...callers };
}

/** The AM101/AM102 findings of app/queries.py, with the host's texts available (or not). */
async function helperFindings(files: Files, withSources = true): Promise<Finding[]> {
  const config = makeConfig();
  const index = await buildIndex(files, config);
  if (withSources) index.sources = { textOf: (rel) => files[rel] };
  const { file } = parseSource('app/queries.py', files['app/queries.py'], config);
  try {
    return analyzeFile(file, index, config, { select: ['AM101', 'AM102'] });
  } finally {
    file.dispose();
  }
}

describe('fixes that edit other files (AM101 / AM102)', () => {
  it('awaits the calls in other modules, by name, alias and module attribute, in the same fix', async () => {
    const files = workspace({
      'app/a.py': 'from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.queries import oldest as first_user\n\nasync def f(db: AsyncSession):\n    return first_user(db).id\n',
      'app/b.py': 'from sqlalchemy.ext.asyncio import AsyncSession\nimport app.queries\n\nasync def g(db: AsyncSession):\n    return [app.queries.oldest(db)]\n',
      'app/c.py': 'from app.queries import User\n',
    });
    const [finding] = await helperFindings(files);
    assert.ok(finding.fix, finding.noFixReason);
    assert.deepStrictEqual(finding.fix.otherFiles!.map((o) => o.path), ['app/a.py', 'app/b.py']);
    const after = Object.fromEntries(finding.fix.otherFiles!.map((o) => [o.path, applyEdits(files[o.path], o.edits)]));
    assert.match(after['app/a.py'], /return \(await first_user\(db\)\)\.id/);
    assert.match(after['app/b.py'], /return \[await app\.queries\.oldest\(db\)\]/);
    assert.match(applyEdits(files['app/queries.py'], finding.fix.edits), /^async def oldest\(db: AsyncSession\):/m);
    assert.ok(editsOtherFiles(finding) && isFileWide(finding), 'a fix that reads other files is never reused across keystrokes');
  });

  it('refuses, naming the file and line, where a use in another module cannot be followed', async () => {
    const cases: [Files, RegExp][] = [
      [{ 'app/a.py': 'from app.queries import oldest\n\ndef report(db):\n    return oldest(db)\n' }, /`report` \(app\/a\.py:4\) calls `oldest` and cannot await it once it is async: the enclosing function `report` is a plain `def`/],
      [{ 'app/a.py': 'from app.queries import oldest\n\nHANDLERS = [oldest]\n' }, /in `app\/a\.py`: `oldest` is used as a value on line 3/],
      [{ 'app/a.py': 'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.queries import oldest\n' }, /`app\/a\.py` line 3 imports `oldest` under `if TYPE_CHECKING:`/],
      [{ 'app/a.py': 'async def f(db):\n    from app.queries import oldest\n    return await oldest(db)\n' }, /`app\/a\.py` line 2 imports it inside a function or class/],
      [{ 'app/a.py': 'from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.queries import oldest\n\nasync def f(db: AsyncSession):\n    return oldest(db).id +\n' }, /in `app\/a\.py`: the call of `oldest` on line 5 has a syntax error around it/],
    ];
    for (const [callers, reason] of cases) {
      const [finding] = await helperFindings(workspace(callers));
      assert.ok(!finding.fix, `${JSON.stringify(callers)}: got a fix`);
      assert.match(finding.noFixReason ?? '', reason);
    }
  });

  it('without the other files\' texts (a host that gives none) the fix is refused, naming the importers', async () => {
    const files = workspace({ 'app/a.py': 'from app.queries import oldest\n\nasync def f(db):\n    return oldest(db)\n' });
    const [finding] = await helperFindings(files, false);
    assert.ok(!finding.fix);
    assert.match(finding.noFixReason ?? '', /`oldest` is imported by other files \(app\/a\.py:1\), whose texts this analysis was not given/);
  });

  it('a helper returning a Query: callers in other modules execute the select(), their imports added there', async () => {
    const helper = py`
      from sqlalchemy.orm import Session
      from app.models import User

      def adults(db: Session):
          return db.query(User).filter(User.id > 1)
    `;
    const files = workspace({ 'app/a.py': 'from sqlalchemy.orm import Session\nfrom app.queries import adults\n\ndef n(db: Session):\n    return adults(db).count()\n' }, helper);
    const [finding] = await helperFindings(files);
    assert.ok(finding.fix, finding.noFixReason);
    const a = applyEdits(files['app/a.py'], finding.fix.otherFiles![0].edits);
    assert.strictEqual(a, 'from sqlalchemy.orm import Session\nfrom sqlalchemy import select, func\nfrom app.queries import adults\n\ndef n(db: Session):\n    return db.scalar(select(func.count()).select_from(adults(db).subquery()))\n');
    assert.match(finding.fix.otherFiles![0].basis ?? '', /^\d+:[0-9a-f]+$/);
  });

  it('fixText applies other files\' edits only when asked (never half a fix), and two fixes editing one other file do not conflict', async () => {
    const helper = HELPER + '\n\ndef youngest(db: AsyncSession):\n    return db.query(User).order_by(User.id.desc()).first()\n';
    const files = workspace({ 'app/a.py': 'from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.queries import oldest, youngest\n\nasync def f(db: AsyncSession):\n    return oldest(db), youngest(db)\n' }, helper);
    const config = makeConfig();
    const index = await buildIndex(files, config);
    index.sources = { textOf: (rel) => files[rel] };
    const without = fixText('app/queries.py', files['app/queries.py'], index, config, { select: ['AM101'] });
    assert.strictEqual(without.text, files['app/queries.py']);
    assert.strictEqual(without.otherTexts.size, 0);
    const index2 = await buildIndex(files, config);
    index2.sources = { textOf: (rel) => files[rel] };
    const withOthers = fixText('app/queries.py', files['app/queries.py'], index2, config, { select: ['AM101'], otherFiles: true });
    assert.strictEqual(withOthers.applied.length, 2);
    assert.match(withOthers.otherTexts.get('app/a.py')!, /return await oldest\(db\), await youngest\(db\)/);
    assert.strictEqual(index2.sources!.textOf('app/a.py'), files['app/a.py'], 'the host\'s provider is restored');
  });

  it('an incremental analysis recomputes the finding (its edits depend on other files)', async () => {
    const files = workspace({ 'app/a.py': 'from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.queries import oldest\n\nasync def f(db: AsyncSession):\n    return oldest(db)\n' });
    const config = makeConfig();
    const index = await buildIndex(files, config);
    let caller = files['app/a.py'];
    index.sources = { textOf: (rel) => (rel === 'app/a.py' ? caller : files[rel]) };
    const parse = (text: string) => parseSource('app/queries.py', text, config).file;
    const first = parse(files['app/queries.py']);
    const one = analyzeFileIncremental(first, index, config, undefined, { select: ['AM101'] });
    caller = caller.replace('async def f', '\nasync def f');
    const edited = files['app/queries.py'] + '\n# a comment\n';
    const second = parse(edited);
    const two = analyzeFileIncremental(second, index, config, one.state, { select: ['AM101'] });
    first.dispose();
    second.dispose();
    const [before] = one.findings;
    const [after] = two.findings;
    assert.ok(before.fix && after.fix);
    assert.notDeepStrictEqual(after.fix.otherFiles, before.fix.otherFiles);
    assert.match(applyEdits(caller, after.fix.otherFiles![0].edits), /\n\nasync def f\(db: AsyncSession\):\n    return await oldest\(db\)\n$/);
  });
});
