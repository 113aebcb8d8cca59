// Localization of the whole extension (English / Spanish): the manifest (package.json →
// package.nls.json / package.nls.es.json) and every runtime string of client/src
// (vscode.l10n.t → l10n/bundle.l10n.es.json). test/unit/migration/l10n.test.ts covers the
// migration views in more detail; this file guards the rest of the client and the manifest.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { l10nStrings } from './helpers';

const REPO = path.resolve(__dirname, '..', '..');
const read = (rel: string) => fs.readFileSync(path.join(REPO, rel), 'utf8');
const json = (rel: string) => JSON.parse(read(rel)) as Record<string, unknown>;

/** Every .ts file under dir (relative to the repository), recursively. */
function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(REPO, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tsFiles(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : []));
}

/** Fields of a contribution point whose string (or string array) value the user sees. */
const VISIBLE = new Set([
  'displayName',
  'title',
  'shortTitle',
  'category',
  'description',
  'markdownDescription',
  'enumDescriptions',
  'markdownEnumDescriptions',
  'enumItemLabels',
  'deprecationMessage',
  'markdownDeprecationMessage',
  'name',
  'contextualTitle',
  'contents',
  'label',
  'altText',
]);

/** [json path, value] of every user-visible string under node that is not a %key% placeholder. */
function plainStrings(node: unknown, at: string, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(node)) node.forEach((v, i) => plainStrings(v, `${at}[${i}]`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      const here = `${at}.${k}`;
      const values = typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
      if (VISIBLE.has(k) && values) values.forEach((s, i) => !/^%[^%\s]+%$/.test(s) && out.push([values.length === 1 && typeof v === 'string' ? here : `${here}[${i}]`, s]));
      else plainStrings(v, here, out);
    }
  }
  return out;
}

describe('localization of the extension (package.json + client)', () => {
  const manifest = json('package.json') as { displayName: string; description: string; contributes: Record<string, unknown> };
  const manifestText = read('package.json');
  const nlsEn = json('package.nls.json');
  const nlsEs = json('package.nls.es.json');
  const bundleEs = json('l10n/bundle.l10n.es.json');
  const sources = tsFiles('client/src');

  describe('package.json', () => {
    const keys = [...new Set([...manifestText.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]))];

    it('names and describes the extension with %extension.displayName% / %extension.description%', () => {
      assert.strictEqual(manifest.displayName, '%extension.displayName%');
      assert.strictEqual(manifest.description, '%extension.description%');
    });

    it('every %key% it uses is in package.nls.json and package.nls.es.json', () => {
      assert.ok(keys.length > 40, `${keys.length} keys found`);
      assert.deepStrictEqual(keys.filter((k) => typeof nlsEn[k] !== 'string' || !(nlsEn[k] as string).trim()), [], 'missing in package.nls.json');
      assert.deepStrictEqual(keys.filter((k) => typeof nlsEs[k] !== 'string' || !(nlsEs[k] as string).trim()), [], 'missing in package.nls.es.json');
    });

    it('package.nls.json and package.nls.es.json have the same keys, all used', () => {
      assert.deepStrictEqual(Object.keys(nlsEs).sort(), Object.keys(nlsEn).sort());
      assert.deepStrictEqual(Object.keys(nlsEn).filter((k) => !keys.includes(k)), [], 'keys no longer used by package.json');
    });

    it('no user-visible string of contributes is a plain literal', () => {
      assert.deepStrictEqual(plainStrings(manifest.contributes, 'contributes'), []);
    });

    it('the Spanish keeps rule codes, command links and {placeholders} of the English', () => {
      const tokens = (s: string) => [...s.matchAll(/AM\d{3}\b|\(command:[\w.]+\)|\{\w+\}/g)].map((m) => m[0]).sort();
      for (const [key, en] of Object.entries(nlsEn)) assert.deepStrictEqual(tokens(String(nlsEs[key] ?? '')), tokens(String(en)), key);
    });
  });

  describe('client/src runtime strings', () => {
    const used = new Map<string, string>();
    for (const file of sources) for (const s of l10nStrings(read(file))) used.set(s, file);

    it('every vscode.l10n.t literal of client/src has a Spanish translation', () => {
      assert.ok(sources.includes('client/src/extension.ts'));
      assert.ok(used.size > 60, `${used.size} strings found`);
      const missing = [...used].filter(([s]) => typeof bundleEs[s] !== 'string' || !(bundleEs[s] as string).trim()).map(([s, f]) => `${f}: ${s}`);
      assert.deepStrictEqual(missing, []);
    });

    it('translations keep the {n} placeholders of the English', () => {
      const holes = (s: string) => [...s.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort().join(',');
      for (const [en, es] of Object.entries(bundleEs)) assert.strictEqual(holes(String(es)), holes(en), en);
    });

    it('no l10n.t call takes a template literal (it would not match the bundle key)', () => {
      const offenders = sources.filter((f) => /\b(?:l10n\.)?t\(\s*`/.test(read(f)));
      assert.deepStrictEqual(offenders, []);
    });

    it('notifications, placeholders and tooltips are not plain literals', () => {
      const re = /\b(?:show(?:Information|Warning|Error)Message\(\s*|\.(?:placeholder|tooltip|prompt)\s*=\s*)(['"`])/g;
      const offenders = sources.flatMap((f) => [...read(f).matchAll(re)].map((m) => `${f}: ${m[0]}`));
      assert.deepStrictEqual(offenders, []);
    });
  });
});
