// `check --baseline FILE` / `--write-baseline`: gradual adoption that survives line shifts.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LineReader, applyBaseline, keyFindings, normaliseSource } from '../../../server/src/cli/baseline';
import type { Finding } from '../../../server/src/analysis/types';
import { py } from '../helpers';
import { cli, read, tempWorkspace, writeFiles } from './workspace';

const MODELS = py`
  from datetime import datetime


  def stamp():
      return datetime.utcnow()


  def stamp_again():
      return datetime.utcnow()
`;

describe('check --baseline', () => {
  it('round trip: write, suppress, survive lines inserted above, still report new findings, count stale entries', async () => {
    const dir = tempWorkspace({ 'app/models.py': MODELS });
    const args = ['check', '--select', 'AM401', '--baseline', '.async-migrate-baseline.json'];

    const written = await cli(dir, [...args, '--write-baseline']);
    assert.strictEqual(written.code, 0, written.stderr);
    assert.match(written.stderr, /wrote 2 baseline entries to \.async-migrate-baseline\.json/);
    const doc = JSON.parse(read(dir, '.async-migrate-baseline.json'));
    assert.strictEqual(doc.version, 1);
    assert.deepStrictEqual(doc.entries, [
      { path: 'app/models.py', code: 'AM401', source: 'return datetime.utcnow()', occurrence: 0 },
      { path: 'app/models.py', code: 'AM401', source: 'return datetime.utcnow()', occurrence: 1 },
    ]);

    const clean = await cli(dir, args);
    assert.strictEqual(clean.code, 0, clean.stdout);
    assert.match(clean.stdout, /2 findings suppressed by the baseline/);

    // Code inserted above shifts every line: the baseline still matches (and re-indentation too).
    writeFiles(dir, { 'app/models.py': '"""Models."""\nimport os\n\n\n' + MODELS.replace('    return datetime.utcnow()', '    return   datetime.utcnow()') });
    const shifted = await cli(dir, args);
    assert.strictEqual(shifted.code, 0, shifted.stdout);

    // A new finding is reported (only it), even though its line text matches the old ones.
    writeFiles(dir, { 'app/models.py': MODELS + '\n\ndef third():\n    return datetime.utcnow()\n' });
    const added = await cli(dir, args);
    assert.strictEqual(added.code, 1);
    const reported = added.stdout.split('\n').filter((l) => /: AM401 /.test(l));
    assert.strictEqual(reported.length, 1, added.stdout);
    assert.match(reported[0], /^app\/models\.py:13:12: AM401/);

    // Fixing one accepted finding leaves a stale entry, reported as a count.
    writeFiles(dir, { 'app/models.py': MODELS.replace(/def stamp_again[\s\S]*$/, '') });
    const fixed = await cli(dir, args);
    assert.strictEqual(fixed.code, 0);
    assert.match(fixed.stdout, /1 baseline entry no longer matches \(fixed\?\): run with --write-baseline to prune\./);
  });

  it('keeps entries of files outside the PATHS checked when rewriting, and ignores them for staleness', async () => {
    const dir = tempWorkspace({ 'app/a.py': MODELS, 'app/b.py': MODELS });
    const base = ['check', '--select', 'AM401', '--baseline', 'bl.json'];
    assert.strictEqual((await cli(dir, [...base, '--write-baseline'])).code, 0);
    assert.strictEqual(JSON.parse(read(dir, 'bl.json')).entries.length, 4);
    // Rewriting for app/a.py only keeps app/b.py's entries.
    writeFiles(dir, { 'app/a.py': 'x = 1\n' });
    assert.strictEqual((await cli(dir, [...base, '--write-baseline', 'app/a.py'])).code, 0);
    assert.deepStrictEqual(JSON.parse(read(dir, 'bl.json')).entries.map((e: { path: string }) => e.path), ['app/b.py', 'app/b.py']);
    const onlyB = await cli(dir, [...base, 'app/b.py']);
    assert.strictEqual(onlyB.code, 0);
    assert.ok(!/no longer match/.test(onlyB.stdout));
  });

  it('a missing or corrupt baseline is a usage error (exit 2) with a clear message', async () => {
    const dir = tempWorkspace({ 'app/a.py': MODELS, 'broken.json': '{"entries": [' });
    const missing = await cli(dir, ['check', '--baseline', 'nope.json']);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /cannot read baseline .*nope\.json.*create it with --write-baseline/);
    const broken = await cli(dir, ['check', '--baseline', 'broken.json']);
    assert.strictEqual(broken.code, 2);
    assert.match(broken.stderr, /not valid JSON/);
  });

  it('the baseline file is written atomically (no temp files left) and is stable when rewritten', async () => {
    const dir = tempWorkspace({ 'app/a.py': MODELS });
    const args = ['check', '--select', 'AM401', '--baseline', 'bl.json', '--write-baseline'];
    await cli(dir, args);
    const first = read(dir, 'bl.json');
    await cli(dir, args);
    assert.strictEqual(read(dir, 'bl.json'), first);
    assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
    assert.ok(fs.existsSync(path.join(dir, 'bl.json')));
  });
});

describe('baseline keys', () => {
  const finding = (line: number, code = 'AM401'): Finding => ({
    path: 'm.py',
    code,
    rule: 'r',
    severity: 'warning',
    message: '',
    start: line * 100,
    end: line * 100 + 1,
    range: { start: { line, character: 0 }, end: { line, character: 1 } },
  });

  it('normalises whitespace and counts occurrences among identical lines', () => {
    assert.strictEqual(normaliseSource('  x =\t  f( 1 )  '), 'x = f( 1 )');
    const texts = new Map([['m.py', 'a = f()\nb = g()\n  a = f()\n']]);
    const keyed = keyFindings([finding(2), finding(0), finding(1), finding(0, 'AM301')], new LineReader(texts));
    assert.deepStrictEqual(
      keyed.map((k) => `${k.entry.code} ${k.entry.source} #${k.entry.occurrence}`),
      ['AM301 a = f() #0', 'AM401 a = f() #0', 'AM401 b = g() #0', 'AM401 a = f() #1'],
    );
    const result = applyBaseline(keyed, [keyed[1].entry, { ...keyed[2].entry, source: 'gone' }], () => true);
    assert.strictEqual(result.suppressed, 1);
    assert.strictEqual(result.kept.length, 3);
    assert.deepStrictEqual(result.stale.map((e) => e.source), ['gone']);
  });
});
