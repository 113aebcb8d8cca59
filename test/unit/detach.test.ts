// detachStrings copies the long strings of a summary in place (so closed files' summaries do
// not keep their source texts alive) and changes nothing else.
import * as assert from 'assert';
import { detachStrings } from '../../server/src/analysis/detach';
import { summarizeSource, parseSource } from '../../server/src/analysis/engine';
import { initParser } from '../../server/src/analysis/parser';
import { DEFAULT_CONFIG } from '../../server/src/analysis/config';

describe('detachStrings', () => {
  before(() => initParser());

  it('leaves a summary equal to itself, in place', () => {
    const text = 'from sqlalchemy.ext.asyncio import AsyncSession\n\nclass ConnectionService:\n    async def create_connection(self, db: AsyncSession, payload: dict[str, int]) -> "ConnectionService":\n        return self\n';
    const { file } = parseSource('app/services/connection_service.py', text, DEFAULT_CONFIG);
    try {
      const summary = summarizeSource(file);
      const copy = structuredClone(summary);
      const classes = summary.classes;
      assert.strictEqual(detachStrings(summary), summary);
      assert.strictEqual(summary.classes, classes);
      assert.deepStrictEqual(summary, copy);
      assert.ok(JSON.stringify(summary).includes('sqlalchemy.ext.asyncio'));
    } finally {
      file.dispose();
    }
  });

  it('copies strings of arrays and plain objects at any depth; maps, sets, class instances and frozen objects are left alone', () => {
    const long = 'x'.repeat(40) + String(Math.random());
    const map = new Map([['k', long]]);
    class Holder {
      constructor(readonly value: string) {}
    }
    const holder = new Holder(long);
    const frozen = Object.freeze({ value: long });
    const value = { a: [long, { b: long, c: [1, null, undefined, 'short'] }], map, holder, frozen, cycle: {} as Record<string, unknown> };
    value.cycle.self = value.cycle;
    detachStrings(value);
    assert.strictEqual(value.a[0], long);
    assert.deepStrictEqual(value.a[1], { b: long, c: [1, null, undefined, 'short'] });
    assert.strictEqual(value.map, map);
    assert.strictEqual(map.get('k'), long);
    assert.strictEqual(value.holder.value, long);
    assert.strictEqual(value.frozen.value, long);
    assert.strictEqual(value.cycle.self, value.cycle);
  });
});
