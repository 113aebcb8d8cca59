// The eval:real snapshot diff: one readable line per changed count.
import * as assert from 'assert';
import { diffSnapshots } from '../../../scripts/eval-real/snapshot';

describe('eval:real snapshot', () => {
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
