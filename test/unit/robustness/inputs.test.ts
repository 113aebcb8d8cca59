// Hostile inputs a real repository contains: newer syntax, broken code, huge, empty, binary and
// non-UTF-8 files, and directories with thousands of files. No crash; clear reasons for skips.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodePythonBytes, loadProject, MAX_FILE_BYTES } from '../../../server/src/project';
import { parseSource } from '../../../server/src/analysis/engine';
import { applyEdits } from '../../../server/src/analysis/fixes/edits';
import { initParser } from '../../../server/src/analysis/parser';
import { analyze, makeConfig, py } from '../helpers';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'am-robust-'));
}

const UTCNOW_LINE = 'stamp = datetime.utcnow()';

describe('robustness: inputs', function () {
  this.timeout(120000);

  it('analyses Python 3.12–3.14 syntax and still reports findings around it', async () => {
    const code = py`
      from datetime import datetime

      type UserId = int
      def first[T](items: list[T]) -> T:
          return items[0]
      class Box[T]:
          value: T
      try:
          pass
      except ValueError, TypeError:
          pass
      label = f"{'nested' + f'{1 + 1}'}"
      ${UTCNOW_LINE}
    `;
    const findings = await analyze({ 'app/new_syntax.py': code });
    assert.deepStrictEqual(findings.filter((f) => f.code === 'AM000'), []);
    const line = code.split('\n').indexOf(UTCNOW_LINE);
    assert.ok(findings.some((f) => f.code === 'AM401' && f.range.start.line === line), 'utcnow after new syntax is still reported');
  });

  it('in a file with syntax errors, offers no fix that would make it parse worse (a fuzz mutant of our AM102 fixture)', async () => {
    const text = fs.readFileSync(path.join(__dirname, 'data', 'broken-class-mutant.py'), 'utf8');
    await initParser();
    const config = makeConfig();
    const errors = (t: string) => {
      const { file } = parseSource('app/services/user.py', t, config);
      let n = 0;
      const visit = (node: typeof file.root) => {
        if (node.type === 'ERROR' || node.isMissing) n++;
        for (const child of node.children) if (child) visit(child);
      };
      visit(file.root);
      file.dispose();
      return n;
    };
    const findings = await analyze({ 'app/services/user.py': text }, { select: ['AM'] });
    const legacy = findings.find((f) => f.code === 'AM102' && f.range.start.line === 33);
    assert.ok(legacy, 'the query is still reported');
    assert.strictEqual(legacy.fix, undefined, 'its rewrite made tree-sitter recover worse: not offered');
    assert.match(legacy.noFixReason ?? '', /syntax errors/);
    for (const f of findings) for (const fix of [f.fix, ...(f.suggestions ?? [])]) if (fix) assert.ok(errors(applyEdits(text, fix.edits)) <= errors(text), `${f.code} ${fix.title}`);
  });

  it('reports nothing inside a syntax error but keeps findings elsewhere in the file', async () => {
    const code = py`
      from datetime import datetime

      def broken(:
          x = datetime.utcnow(
      ${UTCNOW_LINE}
    `;
    const findings = await analyze({ 'app/broken.py': code });
    assert.deepStrictEqual(findings.filter((f) => f.code === 'AM000'), []);
    for (const f of findings) assert.notStrictEqual(f.range.start.line, 3, 'no finding inside the broken def');
  });

  it('analyses a 20,000-line file', async () => {
    const block = py`
      def handler_N(db):
          value = compute(db)
          if value:
              return value
          return None
    `;
    const parts = ['from datetime import datetime', ''];
    for (let i = 0; parts.length < 20000; i++) parts.push(block.replace('_N', `_${i}`), '');
    parts.push(UTCNOW_LINE);
    const text = parts.join('\n');
    const findings = await analyze({ 'app/huge.py': text });
    assert.ok(text.split('\n').length >= 20000);
    assert.strictEqual(findings.filter((f) => f.code === 'AM401').length, 1);
  });

  it('handles an empty file and a file of only comments', async () => {
    assert.deepStrictEqual(await analyze({ 'app/empty.py': '', 'app/comments.py': '# just a comment\n' }), []);
  });

  it('decodes non-UTF-8 bytes with a warning instead of failing', async () => {
    const bytes = Buffer.concat([Buffer.from('from datetime import datetime\nname = "'), Buffer.from([0xff, 0xfe, 0xe9]), Buffer.from(`"\n${UTCNOW_LINE}\n`)]);
    const read = decodePythonBytes(bytes);
    assert.match(read.warning ?? '', /not valid UTF-8/);
    const findings = await analyze({ 'app/latin1.py': read.text! });
    assert.ok(findings.some((f) => f.code === 'AM401' && f.range.start.line === 2));
  });

  it('honours a PEP 263 coding declaration (latin-1) and marks the file as not writable by fixes', async () => {
    const bytes = Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nfrom datetime import datetime\nname = "caf'), Buffer.from([0xe9]), Buffer.from(`"\n${UTCNOW_LINE}\n`)]);
    const read = decodePythonBytes(bytes);
    assert.ok(read.text!.includes('name = "café"'), 'é decoded from latin-1, not replaced');
    assert.match(read.warning ?? '', /latin1 \(declared on line 1\).*not written back/);
    const findings = await analyze({ 'app/latin1_declared.py': read.text! });
    assert.ok(findings.some((f) => f.code === 'AM401' && f.range.start.line === 3));
  });

  it('skips binary and oversized files with a reason naming them, and indexes the rest', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app/ok.py'), `from datetime import datetime\n${UTCNOW_LINE}\n`);
    fs.writeFileSync(path.join(dir, 'app/blob.py'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]));
    fs.writeFileSync(path.join(dir, 'app/generated.py'), '#'.repeat(MAX_FILE_BYTES + 10));
    const project = await loadProject(dir);
    assert.deepStrictEqual([...project.texts.keys()], ['app/ok.py']);
    const reasons = Object.fromEntries(project.skipped.map((s) => [s.path, s.reason]));
    assert.match(reasons['app/blob.py'], /binary/);
    assert.match(reasons['app/generated.py'], /MB limit/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('indexes a directory with 3,000 files', async () => {
    const dir = tempDir();
    for (let i = 0; i < 3000; i++) {
      const sub = path.join(dir, 'app', `pkg${i % 30}`);
      fs.mkdirSync(sub, { recursive: true });
      fs.writeFileSync(path.join(sub, `mod${i}.py`), `async def f${i}():\n    return ${i}\n`);
    }
    const project = await loadProject(dir);
    assert.strictEqual(project.index.size, 3000);
    assert.strictEqual(project.skipped.length, 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
