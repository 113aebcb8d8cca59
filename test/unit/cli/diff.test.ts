// The unified diff behind `fix --diff`: minimal, correct hunks that patch(1) applies.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diffLines, splitLines, unifiedDiff } from '../../../server/src/cli/diff';

/** Applies a unified diff of one file with patch(1) in a scratch directory and returns the result. */
function applyWithPatch(before: string, diff: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-diff-'));
  try {
    fs.writeFileSync(path.join(dir, 'f.py'), before);
    fs.writeFileSync(path.join(dir, 'p.diff'), diff);
    execFileSync('patch', ['-p1', '-s', '-i', 'p.diff'], { cwd: dir, stdio: 'pipe' });
    return fs.readFileSync(path.join(dir, 'f.py'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('unified diff', () => {
  it('prints ---/+++ headers and @@ hunks with 3 lines of context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((l) => l + '\n').join('');
    const after = before.replace('e\n', 'E\n');
    assert.strictEqual(unifiedDiff('app/x.py', before, after), '--- a/app/x.py\n+++ b/app/x.py\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n');
  });

  it('is empty for equal texts, and merges changes whose context overlaps into one hunk', () => {
    assert.strictEqual(unifiedDiff('x', 'a\n', 'a\n'), '');
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}\n`);
    const before = lines.join('');
    const near = lines.map((l, i) => (i === 5 || i === 11 ? l.toUpperCase() : l)).join('');
    assert.strictEqual((unifiedDiff('x', before, near).match(/^@@/gm) ?? []).length, 1);
    const far = lines.map((l, i) => (i === 2 || i === 25 ? l.toUpperCase() : l)).join('');
    assert.strictEqual((unifiedDiff('x', before, far).match(/^@@/gm) ?? []).length, 2);
  });

  it('marks a missing final newline, and handles insertion into and deletion of a whole file', () => {
    const d = unifiedDiff('f.py', 'a\nb', 'a\nc');
    assert.strictEqual(d, '--- a/f.py\n+++ b/f.py\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n');
    assert.strictEqual(applyWithPatch('a\nb', d), 'a\nc');
    assert.strictEqual(applyWithPatch('', unifiedDiff('f.py', '', 'x = 1\n')), 'x = 1\n');
    assert.match(unifiedDiff('f.py', 'x\n', ''), /^@@ -1,1 \+0,0 @@$/m);
  });

  it('finds a shortest edit script (Myers): no more changed lines than needed', () => {
    const a = splitLines('a\nb\nc\na\nb\nb\na\n');
    const b = splitLines('c\nb\na\nb\na\nc\n');
    const changes = diffLines(a, b).filter((op) => op.kind !== 'equal').length;
    assert.strictEqual(changes, 5); // the classic example from Myers' paper: D = 5
  });

  it('random edits: patch(1) turns before into after (CRLF lines too)', function () {
    this.timeout(60000);
    const random = rng(20261127);
    const vocabulary = ['import os', 'x = 1', 'def f():', '    return x', '', '# comment', 'y = f()', 'class A:', '    pass', 'z = "ü€😀"'];
    for (let round = 0; round < 40; round++) {
      const eol = round % 5 === 4 ? '\r\n' : '\n';
      const n = Math.floor(random() * 40);
      const before = Array.from({ length: n }, () => vocabulary[Math.floor(random() * vocabulary.length)]);
      const after = [...before];
      const edits = Math.floor(random() * 6);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * (after.length + 1));
        const kind = random();
        if (kind < 0.4) after.splice(at, 0, vocabulary[Math.floor(random() * vocabulary.length)]);
        else if (kind < 0.7) after.splice(at, 1);
        else after[at] = `changed ${e}`;
      }
      const noFinalNewline = random() < 0.2;
      const join = (ls: string[]) => ls.join(eol) + (ls.length && !noFinalNewline ? eol : '');
      const b = join(before);
      const a = join(after);
      const diff = unifiedDiff('f.py', b, a);
      if (a === b) {
        assert.strictEqual(diff, '');
        continue;
      }
      assert.strictEqual(applyWithPatch(b, diff), a, `round ${round}\n${diff}`);
    }
  });
});
