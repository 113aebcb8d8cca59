// The eval:real snapshot: deterministic JSON and a readable per-count diff.
import * as assert from 'assert';
import { diffSnapshots, stableStringify } from '../../../scripts/eval-real/snapshot';

describe('eval:real snapshot', () => {
  it('writes keys sorted at every level, whatever the insertion order', () => {
    assert.strictEqual(stableStringify({ b: 1, a: { d: 2, c: 3 } }), stableStringify({ a: { c: 3, d: 2 }, b: 1 }));
    assert.strictEqual(stableStringify({ b: 1, a: 2 }).indexOf('"a"') < stableStringify({ b: 1, a: 2 }).indexOf('"b"'), true);
  });

  it('prints one line per changed count, a vanished rule as 0, and new or missing projects', () => {
    const before = { projects: { p: { findings: { AM101: 3, AM103: 346 }, files: 10 }, gone: { files: 1 } } };
    const after = { projects: { p: { findings: { AM101: 3, AM202: 2 }, files: 10 }, fresh: { files: 2 } } };
    assert.deepStrictEqual(diffSnapshots(before, after), ['fresh: new project', 'gone: not in this run', 'p.findings.AM103: 346 → 0', 'p.findings.AM202: 0 → 2']);
  });

  it('prints nothing when the counts are the same', () => {
    const s = { projects: { p: { findings: { AM101: 3 }, fix: { safe: { am202: { before: 1, after: 1 } } } } } };
    assert.deepStrictEqual(diffSnapshots(s, JSON.parse(JSON.stringify(s))), []);
  });
});
