// reparseWithEdits (source.ts) parses a fix's result by marking each of its edits on a copy of
// the file's tree: the broken-file fix check depends on it giving the tree a fresh parse gives
// (exactly, on error-free results) and leaving the original tree alone. Seeded random edit sets
// (several edits per set, unbalanced brackets, CRLF, non-BMP characters) on example-app files.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits } from '../../server/src/analysis/fixes/edits';
import { initParser, parsePython } from '../../server/src/analysis/parser';
import { reparseWithEdits } from '../../server/src/analysis/source';
import type { TextEdit } from '../../server/src/analysis/types';
import { describeTree } from '../../server/src/lsp/document';
import { prng, randomEdit, seedFromEnv } from './lsp/random-edits';

const APP = path.resolve(__dirname, '../../examples/gym-app/app');

/** Up to four non-overlapping random edits of text (as a fix may carry). */
function randomEditSet(text: string, random: () => number): TextEdit[] {
  const edits: TextEdit[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count * 3 && edits.length < count; i++) {
    const e = randomEdit(text, random);
    if (edits.some((o) => e.start <= o.end && o.start <= e.end)) continue;
    edits.push({ start: e.start, end: e.end, newText: e.text });
  }
  return edits;
}

describe('reparseWithEdits = a fresh parse of the edited text', () => {
  before(() => initParser());

  it('gives exactly the fresh tree on error-free results, and leaves the original tree as it was', () => {
    const seed = seedFromEnv('AM_FUZZ_SEED', 4242);
    const random = prng(seed);
    const files = fs.readdirSync(path.join(APP, 'services')).filter((f) => f.endsWith('.py')).map((f) => fs.readFileSync(path.join(APP, 'services', f), 'utf8'));
    // The same files with CRLF line breaks and a non-BMP character before the code.
    const texts = [...files, ...files.map((t) => `# 😀 ünï\r\n${t.replace(/\n/g, '\r\n')}`)];
    let exact = 0;
    for (const text of texts) {
      const tree = parsePython(text);
      const before = describeTree(tree.rootNode);
      try {
        for (let i = 0; i < 40; i++) {
          const edits = randomEditSet(text, random);
          const after = applyEdits(text, edits);
          const reparsed = reparseWithEdits(tree, text, edits);
          const fresh = parsePython(after);
          try {
            const context = `seed ${seed} (AM_FUZZ_SEED), edits ${JSON.stringify(edits)}`;
            if (!fresh.rootNode.hasError) {
              assert.strictEqual(describeTree(reparsed.rootNode), describeTree(fresh.rootNode), context);
              exact++;
            }
          } finally {
            reparsed.delete();
            fresh.delete();
          }
        }
        assert.strictEqual(describeTree(tree.rootNode), before, 'the original tree changed');
      } finally {
        tree.delete();
      }
    }
    assert.ok(exact > texts.length * 5, `only ${exact} edit sets left the file error-free`);
  });
});
