// fixes/edits.ts minimalEdit (the diff of two versions every keystroke starts from) against a
// character-by-character reference, on texts large enough for its block comparisons.
import * as assert from 'assert';
import { minimalEdit } from '../../server/src/analysis/fixes/edits';
import { prng } from './lsp/random-edits';

function reference(before: string, after: string) {
  if (before === after) return undefined;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  return { start, end: endBefore, newText: after.slice(start, endAfter) };
}

describe('minimalEdit', () => {
  it('equals the character-by-character diff, edits anywhere in texts of every size', () => {
    const random = prng(4242);
    const alphabet = 'ab \n(x)';
    for (let round = 0; round < 400; round++) {
      const size = [0, 1, 5, 511, 512, 513, 1024, 3000, 20000][round % 9];
      let before = '';
      for (let i = 0; i < size; i++) before += alphabet[Math.floor(random() * alphabet.length)];
      const at = Math.floor(random() * (size + 1));
      const removed = Math.min(size - at, Math.floor(random() * (random() < 0.5 ? 3 : 1500)));
      let inserted = '';
      for (let i = Math.floor(random() * (random() < 0.5 ? 3 : 1500)); i > 0; i--) inserted += alphabet[Math.floor(random() * alphabet.length)];
      const after = before.slice(0, at) + inserted + before.slice(at + removed);
      const edit = minimalEdit(before, after);
      assert.deepStrictEqual(edit, reference(before, after), `round ${round}: size ${size}, at ${at}, removed ${removed}, inserted ${inserted.length}`);
      if (edit) assert.strictEqual(before.slice(0, edit.start) + edit.newText + before.slice(edit.end), after);
    }
  });
});
