// Localization: every runtime string of the migration views has a Spanish translation, every
// %key% of package.json is in package.nls.json, and the Spanish files have the same keys.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { l10nStrings } from '../helpers';

const REPO = path.resolve(__dirname, '..', '..', '..');
const read = (rel: string) => fs.readFileSync(path.join(REPO, rel), 'utf8');
const json = (rel: string) => JSON.parse(read(rel)) as Record<string, unknown>;

describe('localization (English / Spanish)', () => {
  const dir = 'client/src/migration';
  const sources = fs.readdirSync(path.join(REPO, dir)).filter((f) => f.endsWith('.ts'));
  const used = new Set(sources.flatMap((f) => l10nStrings(read(`${dir}/${f}`))));
  const es = json('l10n/bundle.l10n.es.json');

  it('package.json points at the l10n folder', () => {
    assert.strictEqual((json('package.json') as { l10n?: string }).l10n, './l10n');
  });

  it('every runtime string of the migration views has a Spanish translation', () => {
    assert.ok(used.size > 50, `${used.size} strings found`);
    const missing = [...used].filter((s) => typeof es[s] !== 'string' || !(es[s] as string).trim());
    assert.deepStrictEqual(missing, []);
  });

  it('translations keep the placeholders of the English string', () => {
    for (const [en, text] of Object.entries(es)) {
      const holes = (s: string) => [...s.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort().join(',');
      assert.strictEqual(holes(text as string), holes(en), `${en} → ${text}`);
    }
  });

  it('every %key% in package.json is defined in package.nls.json and package.nls.es.json', () => {
    const keys = [...read('package.json').matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    const en = json('package.nls.json');
    const esNls = json('package.nls.es.json');
    assert.ok(keys.length > 10);
    assert.deepStrictEqual(keys.filter((k) => typeof en[k] !== 'string'), [], 'missing in package.nls.json');
    assert.deepStrictEqual(keys.filter((k) => typeof esNls[k] !== 'string'), [], 'missing in package.nls.es.json');
    assert.deepStrictEqual(Object.keys(esNls).sort(), Object.keys(en).sort(), 'same keys in both languages');
  });
});
