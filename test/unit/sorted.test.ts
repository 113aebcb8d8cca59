// The engine's one binary search (analysis/sorted.ts) against a linear scan.
import * as assert from 'assert';
import { firstIndexNotBefore, lastStartingAtOrBefore } from '../../server/src/analysis/sorted';

describe('sorted: binary search', () => {
  const lists = [[], [0], [3], [1, 1, 1], [0, 2, 2, 5, 9], [0, 10, 11, 12, 40, 41]];
  it('firstIndexNotBefore = the first index not before the key (from any start)', () => {
    for (const list of lists) {
      for (let key = -1; key <= 42; key++) {
        for (let from = 0; from <= list.length; from++) {
          let expected = from;
          while (expected < list.length && list[expected] < key) expected++;
          assert.strictEqual(firstIndexNotBefore(list.length, (i) => list[i] < key, from), expected, `${JSON.stringify(list)} key ${key} from ${from}`);
        }
      }
    }
  });
  it('lastStartingAtOrBefore = the last start <= offset, -1 when none', () => {
    for (const list of lists) {
      for (let offset = -1; offset <= 42; offset++) {
        let expected = -1;
        for (let i = 0; i < list.length; i++) if (list[i] <= offset) expected = i;
        assert.strictEqual(lastStartingAtOrBefore(list.length, (i) => list[i], offset), expected, `${JSON.stringify(list)} offset ${offset}`);
      }
    }
  });
});
